//! The names the store keeps for the domain's small enums (alarm kind and state, deadline kind and
//! state, a message's channel and delivery state, a check-in's kind, a visit's status, an
//! incident's kind, a record for the head's kind), and the checked way back
//! from a stored name.
//!
//! The store decodes each of these columns once, through `TryFrom<String>`: a name Doorstep does
//! not know (a newer version wrote it, or the row was edited by hand) is an error naming the value,
//! never a row silently skipped or shown as something else.

use crate::policy::Channel;
use serde::{Deserialize, Serialize};

/// A stored name that is not one of the enum's values.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("'{value}' is not {what} Doorstep knows")]
pub struct UnknownStoredName {
    /// What the column holds, e.g. "an alarm state".
    pub what: &'static str,
    pub value: String,
}

/// `Display` as the stored name, and `TryFrom<String>` back, for an enum with `ALL` and `as_str`.
macro_rules! stored_name {
    ($ty:ty, $what:literal) => {
        impl std::fmt::Display for $ty {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        // Lets tests and pages written against the stored names compare with them (`kind ==
        // "panic"`) while they move to the enum; new code matches on the variants. A name that
        // is none of the values is a typo that makes the comparison always false (the Today
        // page once filtered deadlines on a state "done" that never existed): debug builds and
        // tests stop at it.
        impl PartialEq<&str> for $ty {
            fn eq(&self, other: &&str) -> bool {
                debug_assert!(
                    <$ty>::ALL.into_iter().any(|k| k.as_str() == *other),
                    "'{other}' is not {} Doorstep knows: compare with the enum's variants",
                    $what
                );
                self.as_str() == *other
            }
        }

        impl TryFrom<String> for $ty {
            type Error = $crate::stored::UnknownStoredName;
            fn try_from(value: String) -> Result<Self, Self::Error> {
                <$ty>::ALL
                    .into_iter()
                    .find(|k| k.as_str() == value)
                    .ok_or($crate::stored::UnknownStoredName { what: $what, value })
            }
        }
    };
}

// The monitor's own kinds (alarm, deadline) name themselves in `monitor.rs`, so this table does
// not reach back into the module that re-exports it.
pub(crate) use stored_name;

stored_name!(Channel, "a channel");
stored_name!(AlarmState, "an alarm state");
stored_name!(DeadlineState, "a deadline state");
stored_name!(DeliveryState, "a delivery state");
stored_name!(CheckInKind, "a check-in kind");
stored_name!(BoardChangeKind, "a board change kind");
stored_name!(crate::visit::VisitStatus, "a visit status");
stored_name!(crate::safeguarding::IncidentKind, "an incident kind");
stored_name!(
    crate::safeguarding::HeadOnlyKind,
    "a record kind for the head"
);

impl Channel {
    pub const ALL: [Channel; 4] = [
        Channel::InApp,
        Channel::Email,
        Channel::Sms,
        Channel::Webhook,
    ];

    /// The name kept in storage and sent in JSON (`in_app`).
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::InApp => "in_app",
            Channel::Email => "email",
            Channel::Sms => "sms",
            Channel::Webhook => "webhook",
        }
    }
}

/// Where an alarm stands (D7): open until someone acknowledges it (the ladder stops), then
/// resolved with an outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AlarmState {
    Open,
    Acknowledged,
    Resolved,
}

impl AlarmState {
    pub const ALL: [AlarmState; 3] = [
        AlarmState::Open,
        AlarmState::Acknowledged,
        AlarmState::Resolved,
    ];

    /// The name kept in storage.
    pub fn as_str(self) -> &'static str {
        match self {
            AlarmState::Open => "open",
            AlarmState::Acknowledged => "acknowledged",
            AlarmState::Resolved => "resolved",
        }
    }
}

/// Whether a deadline is still to be kept or has raised its alarm.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DeadlineState {
    Pending,
    Fired,
}

impl DeadlineState {
    pub const ALL: [DeadlineState; 2] = [DeadlineState::Pending, DeadlineState::Fired];

    /// The name kept in storage.
    pub fn as_str(self) -> &'static str {
        match self {
            DeadlineState::Pending => "pending",
            DeadlineState::Fired => "fired",
        }
    }
}

/// Where a queued message is: waiting (or in back-off), claimed by a sender, delivered, or failed
/// for good.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryState {
    Pending,
    Sending,
    Sent,
    Failed,
}

impl DeliveryState {
    pub const ALL: [DeliveryState; 4] = [
        DeliveryState::Pending,
        DeliveryState::Sending,
        DeliveryState::Sent,
        DeliveryState::Failed,
    ];

    /// The name kept in storage.
    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryState::Pending => "pending",
            DeliveryState::Sending => "sending",
            DeliveryState::Sent => "sent",
            DeliveryState::Failed => "failed",
        }
    }
}

/// What a visitor's word from the visit said (D3, D4, D8): "I'm OK", "I'm OK" with the duress PIN
/// (looks the same on the phone; raises a covert alarm), or "need more time".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CheckInKind {
    Ok,
    Duress,
    Extend,
}

impl CheckInKind {
    pub const ALL: [CheckInKind; 3] = [CheckInKind::Ok, CheckInKind::Duress, CheckInKind::Extend];

    /// The name kept in storage.
    pub fn as_str(self) -> &'static str {
        match self {
            CheckInKind::Ok => "ok",
            CheckInKind::Duress => "duress",
            CheckInKind::Extend => "extend",
        }
    }
}

/// What changed, as the board feed records it (written by the database's triggers, migration
/// 0015): a check-in, an alarm raised, an alarm's new state, a visit's step, its watch (extended,
/// buddy handed over) or a message's delivery.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum BoardChangeKind {
    CheckIn,
    Alarm,
    AlarmState,
    VisitStep,
    Watch,
    Delivery,
}

impl BoardChangeKind {
    pub const ALL: [BoardChangeKind; 6] = [
        BoardChangeKind::CheckIn,
        BoardChangeKind::Alarm,
        BoardChangeKind::AlarmState,
        BoardChangeKind::VisitStep,
        BoardChangeKind::Watch,
        BoardChangeKind::Delivery,
    ];

    /// The name the triggers store.
    pub fn as_str(self) -> &'static str {
        match self {
            BoardChangeKind::CheckIn => "check_in",
            BoardChangeKind::Alarm => "alarm",
            BoardChangeKind::AlarmState => "alarm_state",
            BoardChangeKind::VisitStep => "visit_step",
            BoardChangeKind::Watch => "watch",
            BoardChangeKind::Delivery => "delivery",
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // a panic is how a test fails
mod tests {
    use super::*;

    #[test]
    fn every_stored_name_reads_back_and_matches_its_json() {
        for c in Channel::ALL {
            assert_eq!(Channel::try_from(c.to_string()).unwrap(), c);
            assert_eq!(serde_json::to_value(c).unwrap(), c.as_str());
        }
        for s in AlarmState::ALL {
            assert_eq!(AlarmState::try_from(s.to_string()).unwrap(), s);
            assert_eq!(serde_json::to_value(s).unwrap(), s.as_str());
        }
        for s in DeadlineState::ALL {
            assert_eq!(DeadlineState::try_from(s.to_string()).unwrap(), s);
            assert_eq!(serde_json::to_value(s).unwrap(), s.as_str());
        }
        for s in DeliveryState::ALL {
            assert_eq!(DeliveryState::try_from(s.to_string()).unwrap(), s);
            assert_eq!(serde_json::to_value(s).unwrap(), s.as_str());
        }
        for k in CheckInKind::ALL {
            assert_eq!(CheckInKind::try_from(k.to_string()).unwrap(), k);
            assert_eq!(serde_json::to_value(k).unwrap(), k.as_str());
        }
        for k in BoardChangeKind::ALL {
            assert_eq!(BoardChangeKind::try_from(k.to_string()).unwrap(), k);
            assert_eq!(serde_json::to_value(k).unwrap(), k.as_str());
        }
        for k in crate::safeguarding::IncidentKind::ALL {
            assert_eq!(
                crate::safeguarding::IncidentKind::try_from(k.to_string()).unwrap(),
                k
            );
            assert_eq!(serde_json::to_value(k).unwrap(), k.as_str());
        }
        for k in crate::safeguarding::HeadOnlyKind::ALL {
            assert_eq!(
                crate::safeguarding::HeadOnlyKind::try_from(k.to_string()).unwrap(),
                k
            );
            assert_eq!(serde_json::to_value(k).unwrap(), k.as_str());
        }
    }

    #[test]
    #[cfg(debug_assertions)]
    #[should_panic(expected = "'done' is not a deadline state Doorstep knows")]
    fn comparing_with_a_name_that_is_no_state_stops_a_debug_build() {
        let _ = DeadlineState::Fired != "done";
    }

    #[test]
    fn an_unknown_stored_name_is_an_error_naming_it() {
        let e = AlarmState::try_from("snoozed".to_string()).unwrap_err();
        assert_eq!(
            e.to_string(),
            "'snoozed' is not an alarm state Doorstep knows"
        );
    }
}
