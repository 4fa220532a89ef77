//! Doorstep's use cases: one plain async function per thing a person does or reads, which the
//! JSON API, the web pages and the safety monitor all call. Each takes the acting person, typed
//! input and `now` (from [`App`]'s clock) and answers with a typed result or a [`Refusal`].
//! Access is decided once per record class in [`access`]; role lists live in [`permissions`].
//! No HTTP and no SQL here: this crate calls `store`, `domain` and `notify`.
//!
//! The safety monitor lives here too: watching staff who are out (sign-out, check-ins,
//! extensions), raising alarms (missed deadlines, duress, panic, doorstep observations), climbing
//! each alarm's escalation ladder, and queueing every message in the outbox before anyone is told
//! it was sent. A change is written through one transaction, so an acknowledged check-in or a
//! raised alarm is on disk before the caller hears "done".

pub mod access;
pub mod accounts;
mod alarms;
pub mod audit;
pub mod board;
pub mod clock;
mod context;
pub mod demo_outbox;
pub mod drills;
mod group_commit;
pub mod health;
pub mod import;
pub mod messages;
pub mod monitor;
pub mod out_on_visit;
pub mod outbox;
mod people;
pub mod permissions;
pub mod read_batch;
pub mod records;
mod refusal;
pub mod reports;
pub mod safeguarding;
pub mod school;
pub mod school_admin;
pub mod second_factor;
pub mod sms_in;
pub mod visits;
mod watch;
pub mod words;

pub use alarms::{
    AlarmRequest, RaisedFromPhone, acknowledge, fire_due_deadline, fire_due_levels, raise,
    raise_from_phone, remind, resolve,
};
pub use clock::Clock;
pub use context::App;
pub use group_commit::CheckInWriter;
pub use messages::information_pack;
pub use monitor::{Channels, Monitor, MonitorHealth, MonitorSettings, PassSummary, monitor_health};
pub use people::visit_people;
pub use refusal::{Refusal, Result};
pub use watch::duress_pin;
pub use watch::{
    CheckInInput, CheckInOutcome, PreparedCheckIn, after_step, after_step_in, apply_check_ins,
    check_in, prepare_check_in,
};
