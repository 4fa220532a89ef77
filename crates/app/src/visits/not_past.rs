//! A7: a visit whose plan has already run out is refused — at planning, request, authorisation
//! and sign-out — rather than signed out to raise a back-dated alarm that climbs to the police at
//! once. Leaving school late is fine while the house and the return are still ahead.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use domain::FieldError;

/// Refuses a plan whose time to leave the house or to be back has passed by `now` (UTC), naming
/// the field and the time on the school's clock (`tz`): "The planned return time 10:15 has
/// already passed: change the times". The planned leave-school time may be past.
pub(super) fn still_ahead(
    planned_leave_property: DateTime<Utc>,
    planned_return: DateTime<Utc>,
    now: DateTime<Utc>,
    tz: Tz,
) -> Result<(), FieldError> {
    let passed = [
        (
            "planned_leave_property",
            "time to leave the house",
            planned_leave_property,
        ),
        ("planned_return", "return time", planned_return),
    ];
    match passed.into_iter().find(|(_, _, at)| *at <= now) {
        Some((field, words, at)) => Err(FieldError::new(
            field,
            format!(
                "The planned {words} {} has already passed: change the times",
                at.with_timezone(&tz).format("%H:%M")
            ),
        )),
        None => Ok(()),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // a panic is how a test fails
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(h: u32, m: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 23, h, m, 0).unwrap()
    }

    #[test]
    fn a_plan_whose_return_has_passed_is_refused_naming_the_time_on_the_schools_clock() {
        let tz = chrono_tz::Europe::London;
        let err = still_ahead(at(9, 45), at(10, 15), at(10, 30), tz).unwrap_err();
        assert_eq!(err.field, "planned_leave_property");
        let err = still_ahead(at(10, 45), at(10, 15), at(10, 30), tz).unwrap_err();
        assert_eq!(err.field, "planned_return");
        assert_eq!(
            err.reason,
            "The planned return time 10:15 has already passed: change the times"
        );
        // Late leaving school, but the house and the return still ahead: fine.
        assert!(still_ahead(at(11, 0), at(11, 30), at(10, 30), tz).is_ok());
    }
}
