//! How long a login session lasts, as a setting (#12 item 3): unused for the idle timeout, or
//! at most the absolute lifetime from signing in. A visitor out on a visit keeps sending safety
//! taps past either (#11 item 5, [`super::may_tap_while_out`]); these limits never end that.

use super::{SESSION_COOKIE_HOURS, SESSION_IDLE_HOURS, SESSION_MAX_HOURS};
use chrono::Duration;

/// The shortest idle timeout allowed, in minutes: shorter signs a phone out between two
/// check-ins of an ordinary visit.
pub const MIN_IDLE_MINUTES: i64 = 5;

/// A session's limits. Defaults: 12 hours unused, 24 hours from signing in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SessionLimits {
    idle: Duration,
    max: Duration,
}

impl Default for SessionLimits {
    fn default() -> Self {
        SessionLimits {
            idle: Duration::hours(SESSION_IDLE_HOURS),
            max: Duration::hours(SESSION_MAX_HOURS),
        }
    }
}

impl SessionLimits {
    /// Limits of `idle_minutes` unused and `max_minutes` from signing in.
    ///
    /// Errors, naming the setting: an idle timeout under [`MIN_IDLE_MINUTES`]; a lifetime shorter
    /// than the idle timeout, or longer than the 7 days the browser keeps the session cookie.
    pub fn new(idle_minutes: i64, max_minutes: i64) -> Result<Self, String> {
        if idle_minutes < MIN_IDLE_MINUTES {
            return Err(format!(
                "session idle timeout: {idle_minutes} minutes is too short; \
                 at least {MIN_IDLE_MINUTES} minutes, so a phone between check-ins stays signed in"
            ));
        }
        if max_minutes < idle_minutes {
            return Err(format!(
                "session lifetime: {max_minutes} minutes is shorter than the idle timeout \
                 ({idle_minutes} minutes); make it at least as long"
            ));
        }
        let cookie_minutes = SESSION_COOKIE_HOURS * 60;
        if max_minutes > cookie_minutes {
            return Err(format!(
                "session lifetime: {max_minutes} minutes is longer than the {cookie_minutes} \
                 minutes (7 days) the browser keeps the sign-in"
            ));
        }
        Ok(SessionLimits {
            idle: Duration::minutes(idle_minutes),
            max: Duration::minutes(max_minutes),
        })
    }

    /// How long a session lasts unused.
    pub fn idle(&self) -> Duration {
        self.idle
    }

    /// The most a session lasts from signing in, however much it is used.
    pub fn max(&self) -> Duration {
        self.max
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_are_checked_and_name_the_setting() {
        assert_eq!(
            SessionLimits::new(12 * 60, 24 * 60),
            Ok(SessionLimits::default())
        );
        let short = SessionLimits::new(1, 60).unwrap_err();
        assert!(short.starts_with("session idle timeout"), "{short}");
        let shorter = SessionLimits::new(60, 30).unwrap_err();
        assert!(shorter.starts_with("session lifetime"), "{shorter}");
        let long = SessionLimits::new(60, 8 * 24 * 60).unwrap_err();
        assert!(long.contains("7 days"), "{long}");
        assert!(SessionLimits::new(5, 5).is_ok());
    }
}
