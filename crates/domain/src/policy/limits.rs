//! The whole numbers of a policy and the values that make sense for each (#13, "any real
//! policy"): a review every 0 months, a visit made by 0 staff or an extension of 0 minutes is
//! refused naming the setting, wherever the settings came from (the JSON API, the policy form,
//! a TOML import, a trust's policy). One table, read by the check, the form and the API's words
//! alike, so each states the same rule ("between 1 and 1440 minutes").

use super::PolicySettings;
use super::changes::{SettingValue, settings_by_path};
use crate::inputs::FieldError;

/// The values a whole-number setting takes, its unit, and (for a few) why, in a school's words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit {
    pub min: u32,
    pub max: u32,
    /// "minutes", "members of staff", …
    pub unit: &'static str,
    /// Said after the range, e.g. " at the house"; usually empty.
    pub why: &'static str,
}

const fn between(min: u32, max: u32, unit: &'static str) -> Limit {
    Limit {
        min,
        max,
        unit,
        why: "",
    }
}

const STAFF: &str = "members of staff";

/// Every whole-number setting by path; `*` stands for a reason's key, `[]` for any entry of a
/// list.
const LIMITS: &[(&str, Limit)] = &[
    // G1: a policy reviewed at least every five years.
    ("review_every_months", between(1, 60, "months")),
    ("staffing.minimum", between(1, 6, STAFF)),
    ("staffing.first_visit_minimum", between(1, 6, STAFF)),
    (
        "staffing.category_leads[].minimum_staff",
        between(1, 6, STAFF),
    ),
    ("travel.transport_minimum_staff", between(1, 6, STAFF)),
    ("travel.car_seat_under_years", between(1, 18, "years")),
    ("travel.car_seat_under_height_cm", between(1, 200, "cm")),
    ("check_in.interval_minutes", between(1, 1440, "minutes")),
    ("check_in.grace_minutes", between(0, 240, "minutes")),
    // Also shorter than the interval (see `check`).
    (
        "check_in.remind_before_minutes",
        between(0, 1439, "minutes"),
    ),
    // Staff ask for 1 to 240 minutes more (`app::out_on_visit::extend`).
    ("check_in.extend_minutes", between(1, 240, "minutes")),
    ("slip.response_hours", between(0, 168, "hours")),
    ("escalation[].after_minutes", between(0, 1440, "minutes")),
    (
        "repeat_top_rung_every_minutes",
        Limit {
            why: ": the top rung is sent again this often until someone acknowledges the alarm",
            ..between(1, 60, "minutes")
        },
    ),
    (
        "records_access.involvement_after_visit_days",
        between(1, 365, "days"),
    ),
    (
        "records_access.break_glass_minutes",
        between(5, 480, "minutes"),
    ),
    ("second_factor.step_up_minutes", between(1, 240, "minutes")),
    (
        "reasons.*.visit_minutes",
        Limit {
            why: " at the house",
            ..between(5, 480, "minutes")
        },
    ),
    ("reasons.*.minimum_staff", between(1, 6, STAFF)),
];

/// `escalation[2].after_minutes` → `escalation[].after_minutes`; `reasons.nursery.visit_minutes`
/// → `reasons.*.visit_minutes`.
fn pattern(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut in_index = false;
    for c in path.chars() {
        match c {
            '[' => {
                in_index = true;
                out.push('[');
            }
            ']' => {
                in_index = false;
                out.push(']');
            }
            _ if in_index => {}
            c => out.push(c),
        }
    }
    match out.strip_prefix("reasons.") {
        Some(rest) => match rest.split_once('.') {
            Some((_, leaf)) => format!("reasons.*.{leaf}"),
            None => out,
        },
        None => out,
    }
}

/// The values the whole-number setting at `path` takes; `None` for a path that is not one.
pub fn limit(path: &str) -> Option<Limit> {
    let p = pattern(path);
    LIMITS.iter().find(|(at, _)| *at == p).map(|(_, l)| *l)
}

impl Limit {
    pub fn contains(&self, n: u64) -> bool {
        (u64::from(self.min)..=u64::from(self.max)).contains(&n)
    }

    /// The rule, as a refusal says it: "must be between 1 and 1440 minutes".
    pub fn rule(&self) -> String {
        format!(
            "must be between {} and {} {}{}",
            self.min, self.max, self.unit, self.why
        )
    }
}

/// What to type in the whole-number setting at `path`, after its label ("Check-in interval:
/// enter a whole number between 1 and 1440 minutes").
pub fn ask_number(path: &str) -> String {
    match limit(path) {
        Some(l) => format!(
            "enter a whole number between {} and {} {}",
            l.min, l.max, l.unit
        ),
        None => "enter a whole number".to_string(),
    }
}

/// A problem naming `path` when `n` is outside its limit.
pub(super) fn within(path: &str, n: u64) -> Result<(), FieldError> {
    match limit(path) {
        Some(l) if !l.contains(n) => Err(FieldError::new(path, l.rule())),
        _ => Ok(()),
    }
}

impl PolicySettings {
    /// Every whole number of the settings within its limit; the first outside it is named. The
    /// ladder's rungs are numbered from 1, as the form shows them.
    pub(super) fn check_numbers(&self) -> Result<(), FieldError> {
        for (path, value) in settings_by_path(self) {
            if let SettingValue::Number(n) = value {
                within(&path, n)?;
            }
        }
        for lead in &self.staffing.category_leads {
            let path = "staffing.category_leads[].minimum_staff";
            within(path, lead.minimum_staff.into()).map_err(|e| {
                FieldError::new(
                    "staffing.category_leads",
                    format!("the lead for '{}': {}", lead.category, e.reason),
                )
            })?;
        }
        for (i, rung) in self.escalation.iter().enumerate() {
            let n = i + 1;
            within(
                &format!("escalation[{n}].after_minutes"),
                rung.after_minutes.into(),
            )
            .map_err(|e| FieldError::new(e.field, format!("Rung {n}: {}", e.reason)))?;
        }
        Ok(())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // a panic is how a test fails
mod tests {
    use super::*;
    use crate::policy::presets::{names, preset};

    #[test]
    fn every_preset_keeps_within_every_limit() {
        for name in names() {
            assert_eq!(preset(name).unwrap().check_numbers(), Ok(()), "{name}");
        }
    }

    #[test]
    fn a_review_every_0_months_or_every_ten_years_is_refused_naming_it() {
        let mut p = preset("harton").unwrap();
        for bad in [0, 61, 120] {
            p.review_every_months = bad;
            let e = p.check().unwrap_err();
            assert_eq!(e.field, "review_every_months");
            assert_eq!(e.reason, "must be between 1 and 60 months");
        }
        p.review_every_months = 60;
        assert_eq!(p.check(), Ok(()));
    }

    #[test]
    fn nonsense_numbers_are_refused_each_naming_its_own_setting() {
        type Spoil = fn(&mut PolicySettings);
        let cases: [(&str, Spoil); 6] = [
            ("staffing.first_visit_minimum", |p| {
                p.staffing.first_visit_minimum = 0
            }),
            ("travel.transport_minimum_staff", |p| {
                p.travel.transport_minimum_staff = 0
            }),
            ("check_in.extend_minutes", |p| p.check_in.extend_minutes = 0),
            ("check_in.grace_minutes", |p| {
                p.check_in.grace_minutes = 10_000
            }),
            ("travel.car_seat_under_years", |p| {
                p.travel.car_seat_under_years = 0
            }),
            ("escalation[2].after_minutes", |p| {
                p.escalation[1].after_minutes = 5000
            }),
        ];
        for (field, spoil) in cases {
            let mut p = preset("harton").unwrap();
            spoil(&mut p);
            let e = p.check().unwrap_err();
            assert_eq!(e.field, field, "{}", e.reason);
        }
    }

    #[test]
    fn a_path_is_found_by_its_pattern() {
        assert_eq!(
            limit("reasons.nursery_transition.visit_minutes").map(|l| l.min),
            Some(5)
        );
        assert_eq!(
            limit("escalation[3].after_minutes").map(|l| l.max),
            Some(1440)
        );
        assert_eq!(
            ask_number("check_in.interval_minutes"),
            "enter a whole number between 1 and 1440 minutes"
        );
        assert_eq!(ask_number("timezone"), "enter a whole number");
    }
}
