//! Visits: plan one, read it, ask for and give authorisation, and record each step of its life
//! (sign out, arrived, nobody home, turned back, left, back, record completed, cancelled,
//! rescheduled), with staff safety concerns (P11). The JSON API and the web pages both call these functions.
//!
//! Every use case that changes a visit is one transaction: on PostgreSQL the visit's row is
//! locked first; then its reads, the step's policy check, its writes and its audit row. So a
//! safety concern raised a moment before a request is seen by the request's check, and a step
//! whose audit row cannot be written is not taken. No HTTP and no SQL here.

mod concerns;
mod facts;
mod history;
mod left_early;
mod not_past;
mod on_the_way;
mod plan;
mod planning;
mod read;
mod step;
mod steps;

pub use concerns::{ConcernInput, ResolveInput, raise_concern, resolve_concern, visit_of_concern};
pub use history::{VisitHistory, cautions, check_ins, decisions, events, history, vehicle, watch};
pub use left_early::incident_form;
pub use on_the_way::{TapInput, TurnBackInput, arrived_tapped, nobody_home_tapped, turn_back};
pub use plan::{AppointmentInput, VisitPlanInput, VisitorInput, pupil_in_scope};
pub use planning::{RescheduleInput, UpdateVisitInput, create, reschedule, update};
pub use read::{
    PolicyCheck, VisitDetail, VisitQuery, advisory_reason_of, detail, get, left_early, list,
    next_stage, policy_check, policy_check_named, stage_named,
};
pub use steps::{
    AuthoriseInput, CancelAtDoorInput, CancelInput, CommentInput, LeftInput, RequestInput,
    ReturnedInput, arrived, authorise, cancel, cancel_at_door, complete_record, decline, left,
    nobody_home, request, request_changes, returned, sign_out,
};
