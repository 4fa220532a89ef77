//! A policy's settings refused by the JSON decoder (`settings.check_in.interval_minutes`), in
//! the words the policy form uses for the same box (#13): the setting's label, then what to type,
//! with the setting's real rule ("Check-in interval: enter a whole number between 1 and 1440
//! minutes"; "Staffing: evening starts: enter it as a time on the school clock, e.g. 17:30"),
//! and settings sent in part asked for whole.

use domain::policy::changes::refusal_words;
use domain::policy::{limits, time_of_day};

/// Where a school sees its whole settings, to send them back changed.
const WHOLE: &str = "Send the whole settings, as GET /api/schools/{id}/policy returns them";

/// The reason for the decoder's `message` about the setting at `path` (the part after
/// `settings.`), or `None` when the general words say it as well.
pub(super) fn reason(path: &str, message: &str) -> Option<String> {
    if message.starts_with("missing field `") {
        return Some(format!("{WHOLE}; `{path}` is missing"));
    }
    if let Some(rest) = message.strip_prefix("unknown field `") {
        let name = rest.split('`').next().unwrap_or_default();
        return Some(format!(
            "'{name}' is not a policy setting; leave it out, or check its place and spelling against GET /api/schools/{{id}}/policy"
        ));
    }
    let said = if let Some(rest) = message.strip_prefix("unknown variant `") {
        let (given, choices) = rest.split_once("`, expected ").unwrap_or((rest, ""));
        let choices = choices
            .trim_start_matches("one of ")
            .replace('`', "")
            .replace(" or ", ", ");
        format!("choose one of {choices} ('{given}' is not one of them)")
    } else {
        let expected = message.split_once(", expected ")?.1.trim();
        if expected.contains(time_of_day::EXPECTED) {
            time_of_day::ASK.to_string()
        } else if super::is_whole_number(expected) {
            limits::ask_number(path)
        } else if expected == "a boolean" {
            "enter true or false".to_string()
        } else {
            return None;
        }
    };
    // An entry of a list has no label of its own: named by its path, as a TOML import names it.
    Some(if path.contains('[') {
        format!("{path}: {said}")
    } else {
        refusal_words(path, &said)
    })
}

#[cfg(test)]
mod tests {
    use super::reason;

    #[test]
    fn a_setting_is_refused_in_the_forms_words_with_its_rule() {
        let said = |path, message| reason(path, message).unwrap_or_default();
        assert_eq!(
            said(
                "staffing.evening.starts",
                "invalid value: string \"5pm\", expected a time on the school clock, e.g. 17:30"
            ),
            "Staffing: evening starts: enter it as a time on the school clock, e.g. 17:30"
        );
        assert_eq!(
            said(
                "check_in.interval_minutes",
                "invalid value: integer `-5`, expected u32"
            ),
            "Check-in interval: enter a whole number between 1 and 1440 minutes"
        );
        assert_eq!(
            said("staffing.minimum", "missing field `minimum`"),
            "Send the whole settings, as GET /api/schools/{id}/policy returns them; `staffing.minimum` is missing"
        );
        assert_eq!(
            said(
                "buddy.code_word",
                "unknown variant `sometimes`, expected one of `always`, `when_paired`, `optional`"
            ),
            "Code word: choose one of always, when_paired, optional ('sometimes' is not one of them)"
        );
        assert_eq!(
            reason("name", "invalid type: integer `3`, expected a string"),
            None
        );
    }
}
