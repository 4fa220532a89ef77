//! After the visit: what is kept on a pupil's record once the door closes.
//!
//! Outcomes and follow-up actions (A3), Home Visit Slips and their response deadline (D9, A6),
//! incident reports and the overdue-report reminders (A5), safeguarding concerns (A4), records
//! for the head only (A10), secret calendar links (P7), and the reads that need-to-know (A9) and
//! the exports rest on. SQL only: who may see what is decided by the caller.

mod calendar;
mod concerns;
mod incidents;
mod involvement;
mod outbox;
mod outcomes;
mod slips;
mod visit_rows;

pub use calendar::{CalendarLink, NewCalendarLink};
pub use concerns::{
    HeadOnlyRecord, NewHeadOnlyRecord, NewSafeguardingConcern, SafeguardingConcern,
};
pub use incidents::{Incident, IncidentDraft, NewIncident};
pub use involvement::{BreakGlass, InvolvementGrant, NewGrant};
pub use outcomes::{FollowUpAction, NewAction, NewOutcome, VisitOutcome};
pub use slips::{NewSlip, Slip};
pub use visit_rows::{RecordRead, VisitRow, VisitRowFilter};

/// The deadline kind the safety monitor fires when a slip goes unanswered (see
/// `domain::monitor::DeadlineKind::SlipResponse`).
pub const SLIP_DEADLINE: &str = "slip_response";

/// Where an in-app message for a member of staff is addressed (as the safety monitor does).
pub fn in_app_address(staff: domain::StaffId) -> String {
    format!("staff:{}", staff.0)
}
