//! A visit's status on its own: the name the `visits.status` column keeps (the same word as the
//! `status` tag of [`VisitState`](super::VisitState)'s JSON), for rows that read the status without
//! the state's details (lists, the board, reports, the information pack).

use serde::{Deserialize, Serialize};

/// Where a visit is, without what that stage carries. Stored and sent as its snake_case name
/// (`signed_out`); see [`VisitStatus::label`] for the words a page shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum VisitStatus {
    Draft,
    Requested,
    ChangesRequested,
    Declined,
    Authorised,
    SignedOut,
    Arrived,
    NobodyHome,
    LeftProperty,
    Returned,
    RecordCompleted,
    Cancelled,
    CancelledAtDoor,
    Rescheduled,
    /// A9: signed out, called off on the way before reaching the house; watched until back.
    TurnedBack,
}

impl VisitStatus {
    pub const ALL: [VisitStatus; 15] = [
        VisitStatus::Draft,
        VisitStatus::Requested,
        VisitStatus::ChangesRequested,
        VisitStatus::Declined,
        VisitStatus::Authorised,
        VisitStatus::SignedOut,
        VisitStatus::Arrived,
        VisitStatus::NobodyHome,
        VisitStatus::LeftProperty,
        VisitStatus::Returned,
        VisitStatus::RecordCompleted,
        VisitStatus::Cancelled,
        VisitStatus::CancelledAtDoor,
        VisitStatus::Rescheduled,
        VisitStatus::TurnedBack,
    ];

    /// The name kept in storage and sent in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            VisitStatus::Draft => "draft",
            VisitStatus::Requested => "requested",
            VisitStatus::ChangesRequested => "changes_requested",
            VisitStatus::Declined => "declined",
            VisitStatus::Authorised => "authorised",
            VisitStatus::SignedOut => "signed_out",
            VisitStatus::Arrived => "arrived",
            VisitStatus::NobodyHome => "nobody_home",
            VisitStatus::LeftProperty => "left_property",
            VisitStatus::Returned => "returned",
            VisitStatus::RecordCompleted => "record_completed",
            VisitStatus::Cancelled => "cancelled",
            VisitStatus::CancelledAtDoor => "cancelled_at_door",
            VisitStatus::Rescheduled => "rescheduled",
            VisitStatus::TurnedBack => "turned_back",
        }
    }

    /// The status as the school would say it ("Signed out, on the way").
    pub fn label(self) -> &'static str {
        match self {
            VisitStatus::Draft => "Draft",
            VisitStatus::Requested => "Waiting for authorisation",
            VisitStatus::ChangesRequested => "Changes asked for",
            VisitStatus::Declined => "Declined",
            VisitStatus::Authorised => "Authorised",
            VisitStatus::SignedOut => "Signed out, on the way",
            VisitStatus::Arrived => "At the house",
            VisitStatus::NobodyHome => "Nobody home",
            VisitStatus::LeftProperty => "Left the house",
            VisitStatus::Returned => "Back",
            VisitStatus::RecordCompleted => "Record completed",
            VisitStatus::Cancelled => "Cancelled",
            VisitStatus::CancelledAtDoor => "Cancelled at the door",
            VisitStatus::Rescheduled => "Rescheduled",
            VisitStatus::TurnedBack => "Turned back — did not reach the house",
        }
    }

    /// Signed out and not yet back: on the way, at the house, nobody home or walking away from
    /// it. (A visit cancelled at the door is out until its `returned_at` is set, which only
    /// [`VisitState::is_out`](super::VisitState::is_out) can tell.)
    pub fn is_under_way(self) -> bool {
        matches!(
            self,
            VisitStatus::SignedOut
                | VisitStatus::Arrived
                | VisitStatus::NobodyHome
                | VisitStatus::LeftProperty
        )
    }

    /// Still being planned: a draft, changes asked for, waiting for authorisation or authorised
    /// (not yet signed out). The plan's policy check is shown, and it may be cancelled.
    pub fn is_planning(self) -> bool {
        matches!(
            self,
            VisitStatus::Draft
                | VisitStatus::ChangesRequested
                | VisitStatus::Requested
                | VisitStatus::Authorised
        )
    }

    /// Waiting for someone allowed to authorise it.
    pub fn is_requested(self) -> bool {
        self == VisitStatus::Requested
    }

    /// Past authorisation for certain: authorised, out, back or its record written, or called
    /// off at the door or on the way. (A cancelled or rescheduled visit may or may not have been
    /// authorised first; only its decisions tell.)
    pub fn has_been_authorised(self) -> bool {
        matches!(
            self,
            VisitStatus::Authorised
                | VisitStatus::SignedOut
                | VisitStatus::Arrived
                | VisitStatus::NobodyHome
                | VisitStatus::LeftProperty
                | VisitStatus::Returned
                | VisitStatus::RecordCompleted
                | VisitStatus::CancelledAtDoor
                | VisitStatus::TurnedBack
        )
    }

    /// Authorised and not yet signed out.
    pub fn is_authorised(self) -> bool {
        self == VisitStatus::Authorised
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // a panic is how a test fails
mod tests {
    use super::*;

    #[test]
    fn only_a_visit_that_cannot_have_skipped_authorisation_counts_as_authorised() {
        for s in VisitStatus::ALL {
            let before = s.is_planning() && s != VisitStatus::Authorised;
            let either_way = matches!(
                s,
                VisitStatus::Cancelled | VisitStatus::Rescheduled | VisitStatus::Declined
            );
            assert_eq!(s.has_been_authorised(), !before && !either_way, "{s}");
        }
    }

    #[test]
    fn every_status_reads_back_from_its_stored_name_and_matches_its_json() {
        for s in VisitStatus::ALL {
            assert_eq!(VisitStatus::try_from(s.as_str().to_string()).unwrap(), s);
            assert_eq!(serde_json::to_value(s).unwrap(), s.as_str());
            assert_ne!(s.label(), "", "{s} has words for a page");
        }
    }

    #[test]
    fn an_unknown_stored_status_is_an_error_naming_it() {
        let e = VisitStatus::try_from("on_hold".to_string()).unwrap_err();
        assert_eq!(
            e.to_string(),
            "'on_hold' is not a visit status Doorstep knows"
        );
    }
}
