//! A visit's lifecycle as one state machine.
//!
//! draft → requested → authorised / declined / changes requested → signed out → arrived →
//! left the property → back at school or home safe → record completed; plus cancelled,
//! rescheduled, nobody home, cancelled at the door and turned back on the way. [`apply`] is the only way a visit moves; the store persists
//! what it returns and the safety monitor reacts to it.

mod apply;
mod door;
mod status;
#[cfg(test)]
mod tests;

pub use apply::{apply, apply_under};
pub use door::{DoorOption, DoorReason, door_options};
pub use status::VisitStatus;

use crate::ids::{StaffId, VisitId};
use crate::policy::ArrivalRule;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Where a visit is, with what that stage needs to be true.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum VisitState {
    Draft,
    Requested {
        requested_at: DateTime<Utc>,
        requested_by: StaffId,
    },
    ChangesRequested {
        decided_at: DateTime<Utc>,
        decided_by: StaffId,
        comment: String,
    },
    Declined {
        decided_at: DateTime<Utc>,
        decided_by: StaffId,
        comment: String,
    },
    Authorised {
        authorised_at: DateTime<Utc>,
        authorised_by: StaffId,
    },
    SignedOut {
        signed_out_at: DateTime<Utc>,
    },
    Arrived {
        arrived_at: DateTime<Utc>,
    },
    /// Nobody answered the door (D9): a slip or card is left.
    NobodyHome {
        recorded_at: DateTime<Utc>,
    },
    LeftProperty {
        left_at: DateTime<Utc>,
        early_for_safety: bool,
    },
    /// Back at school (signed in) or, when the plan said so, home safely.
    Returned {
        returned_at: DateTime<Utc>,
        at_home: bool,
    },
    RecordCompleted {
        completed_at: DateTime<Utc>,
    },
    Cancelled {
        cancelled_at: DateTime<Utc>,
        reason: String,
    },
    /// Called off at the door after arriving (D6). The staff are still out, walking away, and
    /// watched until `returned_at`; then it is finished and may be planned again.
    CancelledAtDoor {
        cancelled_at: DateTime<Utc>,
        reason: DoorReason,
        note: Option<String>,
        returned_at: Option<DateTime<Utc>>,
    },
    Rescheduled {
        rescheduled_at: DateTime<Utc>,
        new_visit: VisitId,
    },
    /// Called off on the way, before reaching the house (A9: "Turned back — did not reach the
    /// house"). The staff are still out, watched for getting back until `returned_at`.
    TurnedBack {
        turned_back_at: DateTime<Utc>,
        reason: String,
        returned_at: Option<DateTime<Utc>>,
    },
}

/// What somebody does to a visit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VisitStep {
    Request {
        by: StaffId,
    },
    Authorise {
        by: StaffId,
    },
    Decline {
        by: StaffId,
        comment: String,
    },
    RequestChanges {
        by: StaffId,
        comment: String,
    },
    SignOut,
    Arrive,
    NobodyHome,
    LeaveProperty {
        early_for_safety: bool,
    },
    Return {
        at_home: bool,
    },
    CompleteRecord,
    Cancel {
        reason: String,
    },
    CancelAtDoor {
        reason: DoorReason,
        note: Option<String>,
    },
    Reschedule {
        new_visit: VisitId,
    },
    TurnBack {
        reason: String,
    },
}

impl VisitStep {
    pub fn name(&self) -> &'static str {
        match self {
            VisitStep::Request { .. } => "request",
            VisitStep::Authorise { .. } => "authorise",
            VisitStep::Decline { .. } => "decline",
            VisitStep::RequestChanges { .. } => "request changes",
            VisitStep::SignOut => "sign out",
            VisitStep::Arrive => "arrived",
            VisitStep::NobodyHome => "nobody home",
            VisitStep::LeaveProperty { .. } => "left the property",
            VisitStep::Return { .. } => "back at school or home safe",
            VisitStep::CompleteRecord => "complete the record",
            VisitStep::Cancel { .. } => "cancel",
            VisitStep::CancelAtDoor { .. } => "cancel at the door",
            VisitStep::Reschedule { .. } => "reschedule",
            VisitStep::TurnBack { .. } => "turn back",
        }
    }
}

/// A step that is not allowed from where the visit is.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("cannot {step} a visit that is {from}; from {from} the allowed steps are: {}", allowed_list(.allowed))]
pub struct IllegalStep {
    pub step: &'static str,
    pub from: &'static str,
    pub allowed: Vec<&'static str>,
}

fn allowed_list(allowed: &[&'static str]) -> String {
    if allowed.is_empty() {
        "none (the visit is finished)".to_string()
    } else {
        allowed.join(", ")
    }
}

impl VisitState {
    /// The status column's value for this state.
    pub fn status(&self) -> VisitStatus {
        match self {
            VisitState::Draft => VisitStatus::Draft,
            VisitState::Requested { .. } => VisitStatus::Requested,
            VisitState::ChangesRequested { .. } => VisitStatus::ChangesRequested,
            VisitState::Declined { .. } => VisitStatus::Declined,
            VisitState::Authorised { .. } => VisitStatus::Authorised,
            VisitState::SignedOut { .. } => VisitStatus::SignedOut,
            VisitState::Arrived { .. } => VisitStatus::Arrived,
            VisitState::NobodyHome { .. } => VisitStatus::NobodyHome,
            VisitState::LeftProperty { .. } => VisitStatus::LeftProperty,
            VisitState::Returned { .. } => VisitStatus::Returned,
            VisitState::RecordCompleted { .. } => VisitStatus::RecordCompleted,
            VisitState::Cancelled { .. } => VisitStatus::Cancelled,
            VisitState::CancelledAtDoor { .. } => VisitStatus::CancelledAtDoor,
            VisitState::Rescheduled { .. } => VisitStatus::Rescheduled,
            VisitState::TurnedBack { .. } => VisitStatus::TurnedBack,
        }
    }

    /// Staff are out of school and the safety monitor watches them.
    pub fn is_out(&self) -> bool {
        matches!(
            self,
            VisitState::SignedOut { .. }
                | VisitState::Arrived { .. }
                | VisitState::NobodyHome { .. }
                | VisitState::LeftProperty { .. }
                | VisitState::CancelledAtDoor {
                    returned_at: None,
                    ..
                }
                | VisitState::TurnedBack {
                    returned_at: None,
                    ..
                }
        )
    }

    /// Staff have been out on this visit (they are out now, or came back): only then is there
    /// anything to record "after the visit" (outcome, Home Visit Form, incident). A visit
    /// rescheduled after a cancellation at the door counts as not out: the new visit carries on.
    pub fn has_been_out(&self) -> bool {
        self.is_out()
            || matches!(
                self,
                VisitState::Returned { .. }
                    | VisitState::RecordCompleted { .. }
                    | VisitState::CancelledAtDoor { .. }
            )
    }

    /// The plan may still be edited (before the request, or when changes were asked for).
    pub fn is_editable(&self) -> bool {
        matches!(
            self,
            VisitState::Draft | VisitState::ChangesRequested { .. }
        )
    }

    /// The steps that can be taken from here, in the order a person would take them, where the
    /// policy requires the "arrived" tap; see [`VisitState::allowed_steps_under`].
    pub fn allowed_steps(&self) -> Vec<&'static str> {
        self.allowed_steps_under(ArrivalRule::Required)
    }

    /// The steps that can be taken from here under the policy's arrival rule: where "arrived" is
    /// optional, staff signed out may tap "left the property" straight away (#13).
    pub fn allowed_steps_under(&self, arrival: ArrivalRule) -> Vec<&'static str> {
        match self {
            VisitState::SignedOut { .. } if arrival == ArrivalRule::Optional => {
                vec!["arrived", "nobody home", "left the property"]
            }
            VisitState::Draft | VisitState::ChangesRequested { .. } => vec!["request", "cancel"],
            VisitState::Requested { .. } => {
                vec![
                    "authorise",
                    "decline",
                    "request changes",
                    "cancel",
                    "reschedule",
                ]
            }
            VisitState::Authorised { .. } => vec!["sign out", "cancel", "reschedule"],
            VisitState::SignedOut { .. } => vec!["arrived", "nobody home", "turn back"],
            VisitState::Arrived { .. } => {
                vec!["nobody home", "left the property", "cancel at the door"]
            }
            VisitState::CancelledAtDoor {
                returned_at: None, ..
            }
            | VisitState::TurnedBack {
                returned_at: None, ..
            } => vec!["back at school or home safe"],
            VisitState::NobodyHome { .. } => vec!["left the property"],
            VisitState::LeftProperty { .. } => vec!["back at school or home safe"],
            VisitState::Returned { .. } => vec!["complete the record"],
            VisitState::Cancelled { .. }
            | VisitState::Declined { .. }
            | VisitState::CancelledAtDoor { .. }
            | VisitState::TurnedBack { .. } => vec!["reschedule"],
            VisitState::RecordCompleted { .. } | VisitState::Rescheduled { .. } => vec![],
        }
    }
}

/// P12: a pupil carried in a staff car, as planned.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct TransportPlan {
    pub pupil_age_years: Option<u32>,
    pub pupil_height_cm: Option<u32>,
    pub car_seat: bool,
    pub rear_seat: bool,
}

/// Where the visitors go after the visit (P7).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReturnsTo {
    School,
    Home,
}

impl ReturnsTo {
    pub fn as_str(self) -> &'static str {
        match self {
            ReturnsTo::School => "school",
            ReturnsTo::Home => "home",
        }
    }
}
