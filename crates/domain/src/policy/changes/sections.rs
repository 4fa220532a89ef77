//! #13 item 5: the parts of a policy a school may have or leave out — the evening rule, a
//! fixed reply-by time on the slip, the child-missing path, working hours. A policy without one
//! stores nothing for it; the editor switches each on (with a starting value the head then
//! changes) and off, so a head never has to write TOML to add the evening rule.

use crate::inputs::FieldError;
use crate::policy::PolicySettings;
use serde_json::{Value, json};

/// A part of the policy that is either there, with its settings, or not there at all.
#[derive(Debug, Clone, Copy)]
pub struct OptionalSection {
    /// Its path among the settings, e.g. `staffing.evening`.
    pub path: &'static str,
    /// What the head ticks, in the policies' words.
    pub label: &'static str,
    /// What it does, and what happens without it.
    pub help: &'static str,
    /// Its settings when it is first switched on; the head changes them before saving.
    starting: fn() -> Value,
}

/// Every optional part, in the order the editor shows them.
pub const OPTIONAL_SECTIONS: [OptionalSection; 4] = [
    OptionalSection {
        path: "staffing.evening",
        label: "Use an evening rule",
        help: "From a set time of day, a lone visit needs someone at school as back-up for the whole visit, judged across midnight. Without it, evening visits have no rule of their own.",
        starting: || json!({ "starts": "18:00:00", "lone_needs_backup_at_school": true }),
    },
    OptionalSection {
        path: "calendar.working_hours",
        label: "Set the school's working hours",
        help: "The working day on the school's clock. Without it, visits are not judged against working hours and slip deadlines are not moved into them.",
        starting: || json!({ "starts": "08:30:00", "ends": "16:30:00" }),
    },
    OptionalSection {
        path: "slip.respond_by_time",
        label: "The family answers the slip by a time of day",
        help: "\"Contact the school by 11:00\": the slip's deadline is this time on the day it is left (the next school day when it is left later). Without it, the deadline is hours after the slip was left.",
        starting: || json!("11:00:00"),
    },
    OptionalSection {
        path: "slip.unanswered",
        label: "Say who is told, and what they do, when a slip goes unanswered",
        help: "The child-missing path: who is told, how, and what they must do in the school's words. Without it, the DSL is told in the app and by e-mail with Doorstep's general guidance.",
        starting: || {
            json!({
                "notify": ["dsl"],
                "channels": ["in_app", "email"],
                "instruction": "Ring the family's contacts; if nobody is reached, ring 101 and report the child missing.",
            })
        },
    },
];

/// The optional part at `path`, if it is one.
pub fn optional_section(path: &str) -> Option<&'static OptionalSection> {
    OPTIONAL_SECTIONS.iter().find(|s| s.path == path)
}

/// The optional part `path` lies in (`staffing.evening.starts` lies in `staffing.evening`).
pub fn section_of(path: &str) -> Option<&'static OptionalSection> {
    OPTIONAL_SECTIONS.iter().find(|s| {
        path == s.path
            || path
                .strip_prefix(s.path)
                .is_some_and(|rest| rest.starts_with('.'))
    })
}

impl PolicySettings {
    /// Whether the optional part at `path` (one of [`OPTIONAL_SECTIONS`]) is in this policy.
    pub fn has_section(&self, path: &str) -> bool {
        serde_json::to_value(self)
            .ok()
            .and_then(|v| path.split('.').try_fold(v, |v, k| v.get(k).cloned()))
            .is_some_and(|v| !v.is_null())
    }

    /// These settings with the optional part at `path` switched on (kept as it is when already
    /// on, otherwise its starting values) or off (nothing stored for it).
    /// Errors: a [`FieldError`] on `path` when `path` is not an optional part.
    pub fn with_section(&self, path: &str, on: bool) -> Result<PolicySettings, FieldError> {
        let section = optional_section(path).ok_or_else(|| {
            FieldError::new(path, "is not a part of the policy that can be left out")
        })?;
        if self.has_section(path) == on {
            return Ok(self.clone());
        }
        let bad = |e: serde_json::Error| FieldError::new(path, e.to_string());
        let mut json = serde_json::to_value(self).map_err(bad)?;
        let keys: Vec<&str> = path.split('.').collect();
        let Some((last, parents)) = keys.split_last() else {
            return Ok(self.clone());
        };
        let mut at = &mut json;
        for k in parents {
            at = at
                .get_mut(*k)
                .ok_or_else(|| FieldError::new(path, "is not in this policy"))?;
        }
        let map = at
            .as_object_mut()
            .ok_or_else(|| FieldError::new(path, "is not in this policy"))?;
        map.insert(
            (*last).to_string(),
            if on {
                (section.starting)()
            } else {
                Value::Null
            },
        );
        serde_json::from_value(json).map_err(bad)
    }

    /// These settings with every optional part on: those already on as they are, the others
    /// with their starting values (what the editor shows under an unticked box).
    pub fn with_every_section(&self) -> PolicySettings {
        OPTIONAL_SECTIONS.iter().fold(self.clone(), |s, section| {
            s.with_section(section.path, true).unwrap_or(s)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::changes::diff;
    use crate::policy::presets::preset;

    #[test]
    fn every_optional_part_switches_on_with_values_the_policy_accepts_and_off_again() {
        for name in [
            "harton",
            "hsp",
            "reach2",
            "st-josephs",
            "sen-trust-southend",
        ] {
            let p = preset(name).unwrap();
            for section in OPTIONAL_SECTIONS {
                let on = p.with_section(section.path, true).unwrap();
                assert!(on.has_section(section.path), "{name} {}", section.path);
                on.check()
                    .unwrap_or_else(|e| panic!("{name} {}: {e:?}", section.path));
                let off = on.with_section(section.path, false).unwrap();
                assert!(!off.has_section(section.path), "{name} {}", section.path);
                off.check()
                    .unwrap_or_else(|e| panic!("{name} {}: {e:?}", section.path));
            }
        }
    }

    #[test]
    fn switching_on_the_evening_rule_is_a_change_in_words_and_keeps_one_already_set() {
        let harton = preset("harton").unwrap();
        assert!(!harton.has_section("staffing.evening"));
        let on = harton.with_section("staffing.evening", true).unwrap();
        let evening = on.staffing.evening.clone().expect("evening rule");
        assert_eq!(evening.starts.to_string(), "18:00:00");
        let words: Vec<String> = diff(&harton, &on).into_iter().map(|c| c.words).collect();
        assert!(
            words.iter().any(|w| w.contains("18:00")),
            "the new rule is told: {words:?}"
        );

        let hsp = preset("hsp").unwrap();
        let kept = hsp.with_section("staffing.evening", true).unwrap();
        assert_eq!(kept, hsp, "an evening rule already there is kept as it is");
        let off = hsp.with_section("staffing.evening", false).unwrap();
        assert_eq!(off.staffing.evening, None);
    }

    #[test]
    fn a_setting_that_cannot_be_left_out_is_refused_by_name() {
        let p = preset("harton").unwrap();
        let e = p
            .with_section("check_in.interval_minutes", false)
            .unwrap_err();
        assert_eq!(e.field, "check_in.interval_minutes");
        assert_eq!(
            section_of("slip.unanswered.instruction").map(|s| s.path),
            Some("slip.unanswered")
        );
        assert!(section_of("slip.unanswered_x").is_none());
    }
}
