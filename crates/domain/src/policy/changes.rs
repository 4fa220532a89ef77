//! G1, G3: a policy's settings as named paths (`check_in.interval_minutes`), the change between
//! two versions in plain words ("Check-in interval: 30 → 20 minutes"), and laying a trust's
//! policy over a school's own values for the settings the trust lets the school change.

mod labels;
mod lists;
mod sections;
mod setting;

pub(crate) use labels::entry_label;
pub use labels::{label, refusal_words};
pub use sections::{OPTIONAL_SECTIONS, OptionalSection, optional_section, section_of};
pub use setting::{SettingValue, settings_by_path};

use super::PolicySettings;
use crate::inputs::FieldError;
use serde_json::Value;
use std::collections::BTreeMap;
use std::fmt;

/// One setting that differs between two versions, in words a head would use.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct SettingChange {
    /// The setting's path, e.g. `check_in.interval_minutes`.
    pub path: String,
    /// What the policy calls it, e.g. "Check-in interval".
    pub label: String,
    pub before: String,
    pub after: String,
    /// The whole change in one line, e.g. "Check-in interval: 30 → 20 minutes".
    pub words: String,
}

impl fmt::Display for SettingChange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // "30 → 20 minutes", not "30 minutes → 20 minutes".
        let unit = |s: &str| s.rsplit_once(' ').map(|(_, u)| u.to_string());
        let before = match (unit(&self.before), unit(&self.after)) {
            (Some(a), Some(b)) if a == b && self.before.split(' ').count() == 2 => {
                self.before.trim_end_matches(&format!(" {a}")).to_string()
            }
            _ => self.before.clone(),
        };
        write!(f, "{}: {before} → {}", self.label, self.after)
    }
}

/// Every setting as a path and its value; lists are single settings.
pub fn flatten(settings: &PolicySettings) -> BTreeMap<String, Value> {
    let mut out = BTreeMap::new();
    if let Ok(value) = serde_json::to_value(settings) {
        walk("", &value, &mut out);
    }
    out
}

fn walk(prefix: &str, value: &Value, out: &mut BTreeMap<String, Value>) {
    match value {
        Value::Object(map) if !map.is_empty() => {
            for (k, v) in map {
                let path = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                walk(&path, v, out);
            }
        }
        _ => {
            out.insert(prefix.to_string(), value.clone());
        }
    }
}

pub(crate) fn strip_unit(segment: &str) -> (&str, Option<&'static str>) {
    for unit in ["minutes", "months", "hours", "days", "years", "cm"] {
        if let Some(s) = segment.strip_suffix(&format!("_{unit}")) {
            return (s, Some(unit));
        }
    }
    (segment, None)
}

/// A value as a head would read it, with the unit its path names.
pub fn in_words(path: &str, value: &Value) -> String {
    let unit = path.rsplit('.').next().and_then(|s| strip_unit(s).1);
    match value {
        Value::Null => "none".into(),
        Value::Bool(true) => "yes".into(),
        Value::Bool(false) => "no".into(),
        Value::Number(n) => match unit {
            Some(u) => format!("{n} {u}"),
            None => n.to_string(),
        },
        // A time of day reads as the form shows it: "17:30", not "17:30:00".
        Value::String(s) if is_whole_minute(s) => s[..5].to_string(),
        Value::String(s) => s.replace('_', " "),
        Value::Array(items) if items.iter().all(|i| !i.is_object() && !i.is_array()) => {
            if items.is_empty() {
                // No roles listed for the buddy: anyone at school may be it (P5).
                if path == "buddy.roles" {
                    return "any member of staff at school".into();
                }
                return "none".into();
            }
            let words: Vec<_> = items.iter().map(|i| in_words("", i)).collect();
            words.join(", ")
        }
        Value::Array(items) => format!("{} entries", items.len()),
        Value::Object(_) => "set".into(),
    }
}

/// Whether `s` is a time of day on the minute, "HH:MM:00".
fn is_whole_minute(s: &str) -> bool {
    s.len() == 8 && s.ends_with(":00") && chrono::NaiveTime::parse_from_str(s, "%H:%M:%S").is_ok()
}

/// The settings that differ from `before` to `after`, in path order, in plain words. When two
/// lists of entries differ but have as many entries, the list is named as changed.
pub fn diff(before: &PolicySettings, after: &PolicySettings) -> Vec<SettingChange> {
    let (a, b) = (flatten(before), flatten(after));
    let mut paths: Vec<&String> = a.keys().chain(b.keys()).collect();
    paths.sort();
    paths.dedup();
    let none = Value::Null;
    paths
        .into_iter()
        .flat_map(|p| {
            let (x, y) = (a.get(p).unwrap_or(&none), b.get(p).unwrap_or(&none));
            // An empty list where there was none (a reason's `led_by`) is no change, nor an
            // empty table (no alarm instructions) where its first entry now stands.
            let blank = |v: &Value| {
                v.is_null()
                    || v.as_array().is_some_and(|a| a.is_empty())
                    || v.as_object().is_some_and(|o| o.is_empty())
            };
            if x == y || (blank(x) && blank(y)) || lists::same_names(x, y) {
                return Vec::new();
            }
            // A list of entries (rungs, reasons) is told entry by entry.
            if let (Value::Array(xs), Value::Array(ys)) = (x, y)
                && xs.iter().chain(ys).any(Value::is_object)
            {
                return lists::entries(p, xs, ys);
            }
            let (mut before, mut after) = (in_words(p, x), in_words(p, y));
            if before == after {
                (before, after) = ("as before".into(), "changed".into());
            }
            let mut change = SettingChange {
                path: p.clone(),
                label: label(p),
                before,
                after,
                words: String::new(),
            };
            change.words = change.to_string();
            vec![change]
        })
        .collect()
}

/// Whether `path` is one of `allowed` or lies inside one (`check_in` covers
/// `check_in.interval_minutes`).
pub fn covered(path: &str, allowed: &[String]) -> bool {
    allowed.iter().any(|a| {
        path == a
            || path
                .strip_prefix(a.as_str())
                .is_some_and(|r| r.starts_with('.'))
    })
}

/// The settings each school holds for itself even on its trust's policy (#13): its own calendar
/// — the days it is open, its term dates, its working hours — which differ from school to school
/// of one trust. The rules built on them ("visits only take place on school days") stay the
/// trust's; each school's own days judge them.
pub const SCHOOL_OWN_SETTINGS: [&str; 3] = [
    "calendar.school_days",
    "calendar.terms",
    "calendar.working_hours",
];

/// What a school on its trust's policy may set: the trust's `allowed` list and
/// [`SCHOOL_OWN_SETTINGS`].
pub fn school_held(allowed: &[String]) -> Vec<String> {
    let mut out = allowed.to_vec();
    out.extend(SCHOOL_OWN_SETTINGS.iter().map(|s| s.to_string()));
    out
}

/// Checks a trust's list of settings its schools may change: each must name a setting (or a
/// section of them). Errors name `school_may_change` and the unknown entry.
pub fn check_setting_paths(paths: &[String], example: &PolicySettings) -> Result<(), FieldError> {
    let known = flatten(example);
    for p in paths {
        let found = known.keys().any(|k| covered(k, std::slice::from_ref(p)));
        if !found {
            return Err(FieldError::new(
                "school_may_change",
                format!("'{p}' is not a policy setting, e.g. check_in.interval_minutes"),
            ));
        }
    }
    Ok(())
}

/// The trust's settings with the school's own values kept for every setting in `allowed` (G3: a
/// change to the trust's policy reaches each school without undoing what the school may set).
/// Errors: `settings` when the result does not read back as settings.
pub fn keep_school_settings(
    trust: &PolicySettings,
    school: &PolicySettings,
    allowed: &[String],
) -> Result<PolicySettings, FieldError> {
    let bad = |e: serde_json::Error| FieldError::new("settings", e.to_string());
    let mut out = serde_json::to_value(trust).map_err(bad)?;
    let own = serde_json::to_value(school).map_err(bad)?;
    for path in allowed {
        let keys: Vec<&str> = path.split('.').collect();
        if let Some(v) = get(&own, &keys) {
            set(&mut out, &keys, v.clone());
        }
    }
    serde_json::from_value(out).map_err(bad)
}

fn get<'a>(v: &'a Value, keys: &[&str]) -> Option<&'a Value> {
    keys.iter().try_fold(v, |v, k| v.get(*k))
}

fn set(v: &mut Value, keys: &[&str], new: Value) {
    let Some((last, parents)) = keys.split_last() else {
        return;
    };
    let mut at = v;
    for k in parents {
        let Some(next) = at.get_mut(*k) else { return };
        at = next;
    }
    if let Some(map) = at.as_object_mut() {
        map.insert((*last).to_string(), new);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::presets;

    #[test]
    fn a_changed_check_in_interval_reads_in_minutes() {
        let before = presets::preset("harton").expect("preset");
        let mut after = before.clone();
        after.check_in.interval_minutes = before.check_in.interval_minutes + 5;
        let changes = diff(&before, &after);
        assert_eq!(changes.len(), 1);
        assert_eq!(
            changes[0].to_string(),
            format!(
                "Check-in interval: {} → {} minutes",
                before.check_in.interval_minutes, after.check_in.interval_minutes
            )
        );
    }

    #[test]
    fn a_time_reads_as_hours_and_minutes() {
        let before = presets::preset("harton").expect("preset");
        let mut after = before.clone();
        after.staffing.evening = Some(crate::policy::EveningRule {
            starts: chrono::NaiveTime::from_hms_opt(17, 30, 0).expect("time"),
            lone_needs_backup_at_school: true,
        });
        let words: Vec<String> = diff(&before, &after).into_iter().map(|c| c.words).collect();
        assert!(
            words.contains(&"Staffing: evening starts: none → 17:30".to_string()),
            "{words:?}"
        );
    }

    #[test]
    fn a_school_keeps_its_own_value_of_an_allowed_setting() {
        let trust = presets::preset("sen-trust-southend").expect("preset");
        let mut school = trust.clone();
        school.check_in.grace_minutes = 7;
        let mut changed = trust.clone();
        changed.staffing.minimum = 2;
        let allowed = vec!["check_in.grace_minutes".to_string()];
        let merged = keep_school_settings(&changed, &school, &allowed).expect("merge");
        assert_eq!(merged.check_in.grace_minutes, 7);
        assert_eq!(merged.staffing.minimum, 2);
        assert!(covered("check_in.grace_minutes", &["check_in".into()]));
        assert!(!covered("check_in_extra", &["check_in".into()]));
        assert!(check_setting_paths(&["check_in.nonsense".into()], &trust).is_err());
    }

    #[test]
    fn a_school_keeps_its_own_terms_and_hours_when_the_trust_changes_its_policy() {
        let trust = presets::preset("sen-trust-southend").expect("preset");
        let mut school = trust.clone();
        school.calendar.terms = vec![crate::policy::Term {
            name: "Autumn".into(),
            first_day: chrono::NaiveDate::from_ymd_opt(2026, 9, 3).expect("date"),
            last_day: chrono::NaiveDate::from_ymd_opt(2026, 12, 18).expect("date"),
        }];
        let mut changed = trust.clone();
        changed.calendar.visits_only_on_school_days = true;
        let merged = keep_school_settings(&changed, &school, &school_held(&[])).expect("merge");
        assert_eq!(merged.calendar.terms, school.calendar.terms);
        assert!(
            merged.calendar.visits_only_on_school_days,
            "the rule is the trust's"
        );
        assert!(!covered(
            "calendar.visits_only_on_school_days",
            &school_held(&[])
        ));
        assert!(covered("calendar.working_hours.starts", &school_held(&[])));
    }

    #[test]
    fn a_rung_added_and_a_rung_changed_are_told_rung_by_rung() {
        let before = presets::preset("harton").expect("preset");
        let mut after = before.clone();
        let mut last = after.escalation.last().expect("a rung").clone();
        last.after_minutes += 30;
        last.instruction = "Ring the police".into();
        after.escalation.push(last);
        after.escalation[0].after_minutes += 2;
        let words: Vec<String> = diff(&before, &after).into_iter().map(|c| c.words).collect();
        let n = before.escalation.len() + 1;
        assert!(
            words.iter().any(
                |w| w.starts_with(&format!("Alarm rung {n}: none → added (after "))
                    && w.contains("Ring the police")
            ),
            "{words:?}"
        );
        let first = before.escalation[0].after_minutes;
        assert!(
            words.contains(&format!(
                "Alarm rung 1, after: {first} → {} minutes",
                first + 2
            )),
            "{words:?}"
        );
        assert_eq!(words.len(), 2, "{words:?}");
    }
}
