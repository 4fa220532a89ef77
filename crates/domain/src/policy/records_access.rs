//! A9 need-to-know, as settings: how long the people on a visit keep reading the child's
//! records after it, and how long a "break the glass" opening lasts. Involvement itself is
//! granted, never self-declared (see `app::access`): drafting a visit, raising a concern or
//! owning an action gives no read access to a child's history.

use super::FieldError;
use super::limits::within;
use serde::{Deserialize, Serialize};

/// Who reads a child's records, and for how long. Left out of a policy: the defaults.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields, default)]
pub struct RecordsAccess {
    /// Days after a visit ends (back at school, or its last step) during which its visitors and
    /// buddy still read the child's records, from the visit's authorisation. 1–365; 30 unless set.
    pub involvement_after_visit_days: u32,
    /// Minutes a break-glass opening of a child's records lasts (a reason typed, the DSL
    /// alerted at once). 5–480; 60 unless set.
    pub break_glass_minutes: u32,
}

impl Default for RecordsAccess {
    fn default() -> Self {
        RecordsAccess {
            involvement_after_visit_days: 30,
            break_glass_minutes: 60,
        }
    }
}

impl RecordsAccess {
    /// Errors name the setting and its range (see [`super::limits`]).
    pub fn check(&self) -> Result<(), FieldError> {
        within(
            "records_access.involvement_after_visit_days",
            self.involvement_after_visit_days.into(),
        )?;
        within(
            "records_access.break_glass_minutes",
            self.break_glass_minutes.into(),
        )
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn a_policy_without_the_setting_gets_thirty_days_and_an_hour() {
        let r: RecordsAccess = toml::from_str("").unwrap();
        assert_eq!(r, RecordsAccess::default());
        assert_eq!(
            (r.involvement_after_visit_days, r.break_glass_minutes),
            (30, 60)
        );
    }

    #[test]
    fn out_of_range_values_name_the_setting() {
        let r = RecordsAccess {
            involvement_after_visit_days: 0,
            ..RecordsAccess::default()
        };
        assert_eq!(
            r.check().unwrap_err().field,
            "records_access.involvement_after_visit_days"
        );
        let r = RecordsAccess {
            break_glass_minutes: 1000,
            ..RecordsAccess::default()
        };
        assert_eq!(
            r.check().unwrap_err().field,
            "records_access.break_glass_minutes"
        );
    }
}
