//! The safety monitor's use cases: watching staff who are out (sign-out, check-ins, extensions),
//! raising alarms (missed deadlines, duress, panic, doorstep observations), climbing each alarm's
//! escalation ladder, and queueing every message in the outbox before anyone is told it was sent.
//!
//! Everything here takes `now` as an argument and writes through one transaction per action, so
//! an acknowledged check-in or a raised alarm is on disk before the caller hears "done".

mod alarms;
pub mod clock;
mod group_commit;
mod messages;
pub mod monitor;
mod people;
mod watch;

pub use alarms::{
    AlarmRequest, RaisedFromPhone, acknowledge, fire_due_deadline, fire_due_levels, raise,
    raise_from_phone, remind, resolve,
};
pub use clock::Clock;
pub use group_commit::CheckInWriter;
pub use messages::information_pack;
pub use monitor::{Channels, Monitor, MonitorHealth, MonitorSettings, PassSummary, monitor_health};
pub use people::visit_people;
pub use watch::{
    CheckInInput, CheckInOutcome, PreparedCheckIn, after_step, apply_check_ins, check_in, extend,
    hand_over_buddy, prepare_check_in, set_duress_pin,
};

use domain::FieldError;
use store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum SafetyError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Invalid(#[from] FieldError),
    /// The action needs the visitors to be out (signed out and not yet back).
    #[error("{0}")]
    NotOut(String),
}

pub type Result<T, E = SafetyError> = std::result::Result<T, E>;
