//! A9, a second factor before safeguarding history: whether reading chronologies, safeguarding
//! concerns and records for the head needs a recent TOTP code (RFC 6238), and how long one
//! lasts. Recording (raising a concern, writing an outcome, check-ins, panic) never needs it.
//! Issue #10 item 3; CPOMS asks the same before anyone reads safeguarding history.

use super::FieldError;
use super::limits::within;
use serde::{Deserialize, Serialize};

/// The second-factor rule. Left out of a policy: on, for 15 minutes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields, default)]
pub struct SecondFactorRule {
    /// Whether reading safeguarding history needs a second factor. On in every preset.
    pub required: bool,
    /// Minutes a code typed in (the "step-up") opens safeguarding history for, in that session.
    /// 1–240; 15 unless set.
    pub step_up_minutes: u32,
}

impl Default for SecondFactorRule {
    fn default() -> Self {
        SecondFactorRule {
            required: true,
            step_up_minutes: 15,
        }
    }
}

impl SecondFactorRule {
    /// Errors name the setting and its range (see [`super::limits`]).
    pub fn check(&self) -> Result<(), FieldError> {
        within("second_factor.step_up_minutes", self.step_up_minutes.into())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn a_policy_without_the_setting_requires_it_for_fifteen_minutes() {
        let r: SecondFactorRule = toml::from_str("").unwrap();
        assert_eq!((r.required, r.step_up_minutes), (true, 15));
    }

    #[test]
    fn an_out_of_range_step_up_names_the_setting() {
        let r = SecondFactorRule {
            step_up_minutes: 0,
            ..SecondFactorRule::default()
        };
        assert_eq!(
            r.check().unwrap_err().field,
            "second_factor.step_up_minutes"
        );
    }

    #[test]
    fn every_preset_asks_a_second_factor_for_fifteen_minutes() {
        for name in crate::policy::presets::names() {
            let p = crate::policy::presets::preset(name).unwrap();
            assert_eq!(p.second_factor, SecondFactorRule::default(), "{name}");
        }
    }
}
