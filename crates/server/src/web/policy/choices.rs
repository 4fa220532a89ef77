//! The policy settings with a fixed set of answers (#13 item 5), each shown as a choice in a
//! school's words rather than a text box; the value is what the policy stores.

/// (path, [(value, what the school sees)]). Every text setting of a policy whose value is one of
/// a fixed set (a domain enum or a role) is here; a layout test in the editor checks none is left
/// a free-text box.
pub const CHOICES: &[(&str, &[(&str, &str)])] = &[
    (
        "check_in.arrived",
        &[
            ("required", "Required: staff must tap Arrived"),
            ("optional", "Optional: staff may skip Arrived"),
        ],
    ),
    (
        "buddy.code_word",
        &[
            ("always", "Always: staff agree a code word for every visit"),
            (
                "when_paired",
                "When paired: a code word when two or more go together",
            ),
            ("optional", "Optional: staff may agree one"),
        ],
    ),
    (
        "risk_assessment.required_for",
        &[
            ("never", "Never: no visit needs a risk assessment"),
            ("first_visit", "A first visit to a household"),
            ("every_visit", "Every visit"),
        ],
    ),
    (
        "incident_report.due_to",
        &[
            ("headteacher", "The headteacher"),
            ("dsl", "The designated safeguarding lead (DSL)"),
            ("deputy_dsl", "A deputy DSL"),
            ("safeguarding_team", "The safeguarding team"),
            ("senior_leader", "A senior leader"),
            ("office", "The office"),
            ("attendance_lead", "The attendance lead"),
            ("trust_admin", "The trust's administrator"),
        ],
    ),
];

/// The answers of the setting at `path`, or none when it is not a choice.
pub fn choices_of(path: &str) -> &'static [(&'static str, &'static str)] {
    CHOICES
        .iter()
        .find(|(p, _)| *p == path)
        .map_or(&[][..], |(_, c)| *c)
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::policy::changes::{SettingValue, settings_by_path};
    use domain::policy::presets;

    /// Every setting that is one of a fixed set of answers is a choice, and each answer is one
    /// the setting takes.
    #[test]
    fn every_setting_with_a_fixed_set_of_answers_is_a_choice() {
        for name in presets::names() {
            let p = presets::preset(name).expect("preset").with_every_section();
            for (path, value) in settings_by_path(&p) {
                let SettingValue::Text(t) = value else {
                    continue;
                };
                // A text setting that refuses a made-up word has a fixed set of answers.
                let fixed = p
                    .with_setting(&path, SettingValue::Text("not-a-choice".into()))
                    .is_err();
                let is_time = chrono::NaiveTime::parse_from_str(&t, "%H:%M:%S").is_ok();
                if fixed && !is_time {
                    assert!(!choices_of(&path).is_empty(), "{path} is a choice");
                    for (v, _) in choices_of(&path) {
                        assert!(
                            p.with_setting(&path, SettingValue::Text((*v).into()))
                                .is_ok(),
                            "{path} takes {v}"
                        );
                    }
                }
            }
        }
    }
}
