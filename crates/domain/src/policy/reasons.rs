//! Per-reason defaults: how long a visit for one reason usually lasts and how many staff it
//! needs, beside the sentence of the policy that says so (St Joseph's: a nursery visit "will last
//! around 30 minutes"), and who must go ("a first-day absence visit is made by the attendance
//! lead and one other": `led_by = ["attendance_lead"]`, `minimum_staff = 2`).
//! Pure settings and their one evaluator; the plan use case applies the length.

use super::{PolicySettings, Unmet, VisitFacts, unmet};
use crate::inputs::FieldError;
use crate::roles::Role;
use serde::{Deserialize, Serialize};

/// What the policy says about visits for one reason (a key of `reason_categories`).
/// Written in a preset as `[reasons.nursery_transition]`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReasonDefaults {
    /// Minutes at the property (arrive → leave the house), 5–480. A plan with no time for
    /// leaving the house gets arrival plus this; the plan form pre-fills it.
    #[serde(default)]
    pub visit_minutes: Option<u32>,
    /// At least this many staff go on a visit for this reason (1–6), whatever the visit.
    #[serde(default)]
    pub minimum_staff: Option<u32>,
    /// One of the visitors holds one of these roles ("the DSL or a member of SLT"). Empty: anyone.
    #[serde(default)]
    pub led_by: Vec<Role>,
}

/// The most reasons a policy lists (the plan form offers them all in one choice).
pub const MAX_REASONS: usize = 50;

impl PolicySettings {
    /// The usual length of a visit for `reason`, in minutes at the property, if the policy sets one.
    pub fn visit_minutes(&self, reason: &str) -> Option<u32> {
        self.reasons.get(reason).and_then(|r| r.visit_minutes)
    }

    /// Each reason's defaults are for one of the reason categories (their numbers' ranges are
    /// checked with every other number's, in [`super::limits`]).
    pub(super) fn check_reasons(&self) -> Result<(), FieldError> {
        if self.reason_categories.len() > MAX_REASONS {
            return Err(FieldError::new(
                "reason_categories",
                format!(
                    "lists {} reasons; a policy has at most {MAX_REASONS}, so the plan form's choice stays usable on a phone",
                    self.reason_categories.len()
                ),
            ));
        }
        for (i, c) in self.reason_categories.iter().enumerate() {
            let n = i + 1;
            if c.label.trim().is_empty() {
                return Err(FieldError::new(
                    format!("reasons[{n}].label"),
                    format!("Reason {n}: give the reason a name"),
                ));
            }
            let plain = |ch: char| ch.is_ascii_lowercase() || ch.is_ascii_digit() || ch == '_';
            if c.key.is_empty() || !c.key.chars().all(plain) {
                return Err(FieldError::new(
                    format!("reasons[{n}].key"),
                    format!(
                        "Reason {n} ({}): its key names it in stored visits, so it is lower-case letters, digits and _ only, e.g. attendance_concern",
                        c.label.trim()
                    ),
                ));
            }
        }
        for key in self.reasons.keys() {
            if self.category(key).is_none() {
                return Err(FieldError::new(
                    format!("reasons.{key}"),
                    format!("'{key}' is not one of the reason categories"),
                ));
            }
        }
        Ok(())
    }
}

/// P12: a reason's own minimum of staff (`reasons.<key>.minimum_staff`) and who must go
/// (`reasons.<key>.led_by`).
pub(super) fn check_reason_staffing(
    policy: &PolicySettings,
    visit: &VisitFacts,
    out: &mut Vec<Unmet>,
) {
    let reason = visit.reason_category.as_str();
    let Some(rule) = policy.reasons.get(reason) else {
        return;
    };
    let label = policy.category(reason).map_or(reason, |c| c.label.as_str());
    let count = visit.visitors.len() as u32;
    if let Some(needed) = rule.minimum_staff
        && count > 0
        && count < needed
    {
        out.push(unmet(
            "P12",
            "reasons.minimum_staff",
            format!("A '{label}' visit needs at least {needed} members of staff; {count} named."),
        ));
    }
    if !rule.led_by.is_empty()
        && count > 0
        && !visit.visitors.iter().any(|v| v.roles.any_of(&rule.led_by))
    {
        let who: Vec<_> = rule.led_by.iter().map(|r| r.title()).collect();
        out.push(unmet(
            "P12",
            "reasons.led_by",
            format!(
                "A '{label}' visit is made by {}; none is named.",
                who.join(" or ")
            ),
        ));
    }
}

#[cfg(test)]
mod tests {
    use crate::policy::presets::preset;

    #[test]
    fn st_josephs_nursery_visits_last_thirty_minutes_and_others_have_no_usual_length() {
        let p = preset("st-josephs").unwrap();
        assert_eq!(p.visit_minutes("nursery_transition"), Some(30));
        assert_eq!(p.visit_minutes("attendance_concern"), None);
    }

    #[test]
    fn a_length_for_an_unknown_reason_or_out_of_range_names_the_setting() {
        let mut p = preset("st-josephs").unwrap();
        p.reasons
            .entry("nursery_transition".into())
            .or_default()
            .visit_minutes = Some(0);
        assert_eq!(
            p.check().unwrap_err().field,
            "reasons.nursery_transition.visit_minutes"
        );
        p.reasons.clear();
        p.reasons.insert("picnic".into(), Default::default());
        let err = p.check().unwrap_err();
        assert_eq!(err.field, "reasons.picnic");
        assert!(
            err.reason.contains("not one of the reason categories"),
            "{err:?}"
        );
    }
}

#[cfg(test)]
mod checks {
    use crate::policy::presets::preset;

    #[test]
    fn a_reason_without_a_name_or_a_plain_key_and_too_many_reasons_are_refused_naming_them() {
        let mut p = preset("harton").expect("preset");
        p.reason_categories[1].label = "  ".into();
        let e = p.check().expect_err("no name");
        assert_eq!(e.field, "reasons[2].label");
        assert_eq!(e.reason, "Reason 2: give the reason a name");

        for key in ["", "has space/!", "Capital"] {
            let mut p = preset("harton").expect("preset");
            p.reason_categories[0].key = key.into();
            let e = p.check().expect_err(key);
            assert_eq!(e.field, "reasons[1].key", "{key}");
            assert!(e.reason.contains("lower-case letters"), "{}", e.reason);
        }

        let mut p = preset("harton").expect("preset");
        let first = p.reason_categories[0].clone();
        p.reason_categories = (0..=super::MAX_REASONS)
            .map(|i| super::super::ReasonCategory {
                key: format!("reason_{i}"),
                ..first.clone()
            })
            .collect();
        let e = p.check().expect_err("too many");
        assert_eq!(e.field, "reason_categories");
        assert!(e.reason.contains("at most 50"), "{}", e.reason);
    }
}
