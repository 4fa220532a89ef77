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

impl PolicySettings {
    /// The usual length of a visit for `reason`, in minutes at the property, if the policy sets one.
    pub fn visit_minutes(&self, reason: &str) -> Option<u32> {
        self.reasons.get(reason).and_then(|r| r.visit_minutes)
    }

    /// Each reason's defaults are for one of the reason categories (their numbers' ranges are
    /// checked with every other number's, in [`super::limits`]).
    pub(super) fn check_reasons(&self) -> Result<(), FieldError> {
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
