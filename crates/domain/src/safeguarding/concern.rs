//! A4: where a safeguarding concern came from; A10: the two kinds of record for the head; and the
//! one rule about when something was seen or received.

use crate::FieldError;
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

/// Where a safeguarding concern came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ConcernSource {
    /// Something seen or heard on a visit.
    Visit,
    /// D6: seen on the doorstep (a child alone, in danger, not invited in...).
    DoorstepObservation,
    Other,
}

impl ConcernSource {
    /// The source as stored (`doorstep_observation`).
    pub fn as_str(self) -> &'static str {
        match self {
            ConcernSource::Visit => "visit",
            ConcernSource::DoorstepObservation => "doorstep_observation",
            ConcernSource::Other => "other",
        }
    }

    /// The source given, or "visit" when a visit is named and "other" when none is.
    pub fn or_default(given: Option<ConcernSource>, visit_named: bool) -> ConcernSource {
        given.unwrap_or(if visit_named {
            ConcernSource::Visit
        } else {
            ConcernSource::Other
        })
    }
}

/// A10: what a record for the head is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum HeadOnlyKind {
    AllegationAgainstStaff,
    ParentConcern,
}

impl HeadOnlyKind {
    pub const ALL: [HeadOnlyKind; 2] = [
        HeadOnlyKind::AllegationAgainstStaff,
        HeadOnlyKind::ParentConcern,
    ];

    /// The kind as stored.
    pub fn as_str(self) -> &'static str {
        match self {
            HeadOnlyKind::AllegationAgainstStaff => "allegation_against_staff",
            HeadOnlyKind::ParentConcern => "parent_concern",
        }
    }

    /// The kind as stored back; `None` for a word that is not a kind.
    pub fn parse(s: &str) -> Option<HeadOnlyKind> {
        HeadOnlyKind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// What the message to its reader says is waiting (never its content).
    pub fn waiting(self) -> &'static str {
        match self {
            HeadOnlyKind::AllegationAgainstStaff => "An allegation against a member of staff",
            HeadOnlyKind::ParentConcern => "A parent's concern about a home visit",
        }
    }
}

/// When something was seen, heard or received must not be in the future; five minutes' grace
/// for a phone's clock. Error: `field`, "is in the future".
pub fn not_in_future(field: &str, at: DateTime<Utc>, now: DateTime<Utc>) -> Result<(), FieldError> {
    if at > now + Duration::minutes(5) {
        Err(FieldError::new(field, "is in the future"))
    } else {
        Ok(())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn a_concern_named_with_a_visit_comes_from_the_visit_unless_said_otherwise() {
        assert_eq!(ConcernSource::or_default(None, true), ConcernSource::Visit);
        assert_eq!(ConcernSource::or_default(None, false), ConcernSource::Other);
        assert_eq!(
            ConcernSource::or_default(Some(ConcernSource::DoorstepObservation), true),
            ConcernSource::DoorstepObservation
        );
    }

    #[test]
    fn five_minutes_ahead_is_a_phone_clock_six_is_the_future() {
        let now = Utc.with_ymd_and_hms(2026, 11, 23, 10, 0, 0).unwrap();
        assert!(not_in_future("observed_at", now + Duration::minutes(5), now).is_ok());
        let e = not_in_future("observed_at", now + Duration::minutes(6), now).unwrap_err();
        assert_eq!(e.field, "observed_at");
    }

    #[test]
    fn head_only_kinds_read_back_from_their_stored_words() {
        for k in [
            HeadOnlyKind::AllegationAgainstStaff,
            HeadOnlyKind::ParentConcern,
        ] {
            assert_eq!(HeadOnlyKind::parse(k.as_str()), Some(k));
        }
        assert_eq!(HeadOnlyKind::parse("rumour"), None);
    }
}
