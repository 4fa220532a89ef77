//! Required or advisory: a school whose policy says "in pairs where possible" or "ideally
//! within the working day" makes that rule advisory (`advisory_rules = ["staffing.minimum"]`).
//! An unmet advisory rule warns rather than forbids: staff give a reason of a few words when
//! they request the visit, the reason is kept with the visit and shown to the authoriser, and
//! the rule no longer blocks that visit. Every rule not listed is required and still blocks.

use super::{PolicySettings, Unmet};
use crate::inputs::FieldError;

/// The staffing and timing rules a policy may make advisory, by their setting names; who may be
/// the buddy counts as staffing ("ideally a member of SLT").
pub const ADVISABLE: [&str; 10] = [
    "staffing.minimum",
    "staffing.evening",
    "staffing.category_leads",
    "reasons.minimum_staff",
    "reasons.led_by",
    "travel.transport_minimum_staff",
    "buddy.roles",
    "calendar.visits_only_on_school_days",
    "calendar.visits_only_within_working_hours",
    "calendar.no_weekend_visits",
];

/// The fewest words an advisory reason has ("Second member of staff off sick" is enough; "ok"
/// is not).
pub const REASON_MIN_WORDS: usize = 3;

impl PolicySettings {
    /// Whether the rule named `rule` (a setting name) is advisory under this policy.
    pub fn is_advisory(&self, rule: &str) -> bool {
        self.advisory_rules.iter().any(|r| r == rule)
    }

    pub(super) fn check_advisory(&self) -> Result<(), FieldError> {
        for rule in &self.advisory_rules {
            if !ADVISABLE.contains(&rule.as_str()) {
                return Err(FieldError::new(
                    "advisory_rules",
                    format!(
                        "'{rule}' cannot be advisory; staffing and timing rules can: {}",
                        ADVISABLE.join(", ")
                    ),
                ));
            }
        }
        Ok(())
    }
}

/// Marks each unmet rule the policy makes advisory.
pub(super) fn mark(policy: &PolicySettings, out: &mut [Unmet]) {
    for u in out {
        u.advisory = policy.is_advisory(u.rule);
    }
}

/// Whether `text` is a reason staff typed for going ahead despite advisory rules: at least
/// [`REASON_MIN_WORDS`] words. Errors name the field `advisory_reason`.
pub fn check_advisory_reason(text: &str) -> Result<String, FieldError> {
    let text = text.trim();
    if text.split_whitespace().count() < REASON_MIN_WORDS {
        return Err(FieldError::new(
            "advisory_reason",
            format!(
                "say in a few words (at least {REASON_MIN_WORDS}) why the visit goes ahead although the policy advises otherwise"
            ),
        ));
    }
    if text.chars().count() > 1000 {
        return Err(FieldError::new(
            "advisory_reason",
            "keep the reason under 1000 characters",
        ));
    }
    Ok(text.to_string())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // a panic is how a test fails
mod tests {
    use super::*;
    use crate::policy::presets::preset;

    #[test]
    fn only_staffing_and_timing_rules_can_be_advisory() {
        let mut p = preset("harton").unwrap();
        p.advisory_rules = vec!["staffing.minimum".into()];
        assert!(p.check().is_ok());
        assert!(p.is_advisory("staffing.minimum"));
        assert!(!p.is_advisory("buddy.required"));
        p.advisory_rules.push("buddy.required".into());
        let err = p.check().unwrap_err();
        assert_eq!(err.field, "advisory_rules");
        assert!(err.reason.contains("'buddy.required'"), "{err:?}");
    }

    #[test]
    fn an_advisory_reason_needs_a_few_words() {
        assert!(check_advisory_reason("ok").is_err());
        assert!(check_advisory_reason("  no one  free ").is_ok());
        assert_eq!(
            check_advisory_reason("Second member of staff off sick").unwrap(),
            "Second member of staff off sick"
        );
    }
}
