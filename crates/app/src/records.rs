//! After the visit: what is recorded once the door closes, as use cases the JSON API and the
//! web pages both call. The outcome in the words of St Joseph's Home Visit Form with follow-up
//! actions (A3), the Home Visit Slip left when nobody is home and the family's response (D9, A6),
//! planning a no-answer visit again (A7), the printable form and slip (G4), the visits CSV (G4)
//! and secret calendar links (P7).
//!
//! A child's record (outcome, actions, slip) is read through
//! [`access::readable_visit_record`](crate::access::readable_visit_record) and every read is
//! audited (A9). A change is one transaction with its audit row. No HTTP, no SQL, no PDF or CSV
//! encoding here: the server renders what these return.

mod actions;
mod calendar;
mod child_missing;
mod document;
mod exports;
mod outcomes;
mod revisit;
mod slips;

pub use actions::{ActionInput, DoneInput, add_action, complete_action, my_actions};
pub use calendar::{
    CalendarFeed, LinkScope, NewLink, NewLinkInput, calendar_feed, calendar_links,
    create_calendar_link, revoke_calendar_link,
};
pub use child_missing::child_missing_pack;
pub use document::{slip_document, visit_record_document};
pub use exports::{
    EXPORT_LIMIT, ExportInput, ExportQuery, VisitsExport, export_visits, visit_rows,
};
pub use outcomes::{OutcomeInput, VisitRecordView, record_outcome, visit_record};
pub use revisit::{Revisit, RevisitInput, revisit};
pub use slips::{LeaveSlipInput, ResponseInput, SlipView, leave_slip, record_slip_response, slip};
