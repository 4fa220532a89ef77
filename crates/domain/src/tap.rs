//! When a safety tap happened. A tap kept on a phone with no signal (the offline queue) reaches
//! the school later; it is recorded at the time it was tapped (`tapped_at`, UTC), within bounds:
//! not before the visit was signed out (the time out the tap belongs to), and not ahead of the
//! school's clock by more than [`CLOCK_SKEW_MINUTES`] (a phone's clock drifts a little).

use crate::inputs::FieldError;
use chrono::{DateTime, Duration, Utc};

/// How far a phone's clock may run ahead of the school's before its tap time is refused, in
/// minutes. A tap up to this far ahead is recorded at the school's `now`.
pub const CLOCK_SKEW_MINUTES: i64 = 2;

/// The time a tap is recorded at. `tapped_at`: the phone's time of the tap (UTC), `None` when it
/// was sent at once; `signed_out_at`: when this visit was signed out (`None` when its staff are
/// not out, so no earlier time is allowed); `now`: the school's clock (UTC).
///
/// Errors: `tapped_at` more than [`CLOCK_SKEW_MINUTES`] ahead of `now`, or before the sign-out.
pub fn tap_time(
    tapped_at: Option<DateTime<Utc>>,
    signed_out_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Result<DateTime<Utc>, FieldError> {
    let Some(at) = tapped_at else {
        return Ok(now);
    };
    if at > now + Duration::minutes(CLOCK_SKEW_MINUTES) {
        return Err(FieldError::new(
            "tapped_at",
            format!(
                "is {} minutes ahead of the school's clock ({} UTC): a tap cannot be in the \
                 future; check the phone's date and time",
                (at - now).num_minutes(),
                now.format("%H:%M")
            ),
        ));
    }
    let earliest = signed_out_at.unwrap_or(now).min(now);
    if at < earliest {
        return Err(FieldError::new(
            "tapped_at",
            match signed_out_at {
                Some(out) => format!(
                    "is before this visit was signed out ({} UTC): a tap kept on the phone \
                     belongs to the time out it was tapped in",
                    out.format("%H:%M")
                ),
                None => "is in the past, but the staff of this visit are not out: only a tap \
                         made while out may be sent later"
                    .to_string(),
            },
        ));
    }
    Ok(at.min(now))
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
    fn a_tap_kept_offline_is_recorded_when_it_was_tapped() {
        let out = Some(at(14, 0));
        assert_eq!(tap_time(None, out, at(16, 30)).unwrap(), at(16, 30));
        assert_eq!(
            tap_time(Some(at(16, 0)), out, at(16, 30)).unwrap(),
            at(16, 0)
        );
        assert_eq!(
            tap_time(Some(at(14, 0)), out, at(16, 30)).unwrap(),
            at(14, 0)
        );
    }

    #[test]
    fn a_phone_clock_a_little_ahead_is_the_school_s_now_and_further_ahead_is_refused() {
        let out = Some(at(14, 0));
        assert_eq!(
            tap_time(Some(at(16, 32)), out, at(16, 30)).unwrap(),
            at(16, 30)
        );
        let e = tap_time(Some(at(16, 33)), out, at(16, 30)).unwrap_err();
        assert_eq!(e.field, "tapped_at");
        assert!(e.reason.contains("3 minutes ahead"), "{}", e.reason);
    }

    #[test]
    fn a_tap_from_before_the_sign_out_is_refused_naming_it() {
        let e = tap_time(Some(at(13, 59)), Some(at(14, 0)), at(16, 30)).unwrap_err();
        assert_eq!(e.field, "tapped_at");
        assert!(e.reason.contains("signed out (14:00 UTC)"), "{}", e.reason);
        let e = tap_time(Some(at(16, 0)), None, at(16, 30)).unwrap_err();
        assert!(e.reason.contains("not out"), "{}", e.reason);
    }
}
