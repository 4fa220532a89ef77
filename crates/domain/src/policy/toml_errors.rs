//! A TOML import's parse error in a school's words (tester report D): the setting it is about,
//! found from the error's place in the text (`check_in.interval_minutes: enter a whole number of
//! minutes, like 30`), or the line for a mistake in the text itself ("line 3: a setting's name is
//! missing before `=`"). Never serde's "invalid type: string \"thirty\", expected u32".

use crate::inputs::FieldError;

/// The setting (or line) a TOML parse error is about, with what to type instead. The field is
/// the setting's path (`check_in.interval_minutes`, `escalation[2].after_minutes`), or
/// `settings` when the text itself is malformed, with the line named in the reason.
pub(super) fn explain(text: &str, e: &toml::de::Error) -> FieldError {
    let message = e.message().trim();
    let Some(span) = e.span() else {
        return FieldError::new("settings", in_words(message, ""));
    };
    let start = span.start.min(text.len());
    let line_no = text[..start].matches('\n').count() + 1;
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let before_on_line = &text[line_start..start];
    let section = section_at(&text[..line_start]);
    // The key is named in the message (unknown or missing field), or stands before the `=`
    // ahead of the value the error points at.
    let key = quoted_after(message, "unknown field `")
        .or_else(|| quoted_after(message, "missing field `"))
        .or_else(|| key_before(before_on_line));
    match key {
        Some(key) => {
            let path = match section {
                Some(s) if !key.contains('.') => format!("{s}.{key}"),
                _ => key,
            };
            FieldError::new(path.clone(), in_words(message, &path))
        }
        None => FieldError::new(
            "settings",
            format!("line {line_no}: {}", in_words(message, "")),
        ),
    }
}

/// The table the text before a line is in: `check_in`, or `escalation[2]` for the second
/// `[[escalation]]`.
fn section_at(before: &str) -> Option<String> {
    let header = before
        .lines()
        .rev()
        .map(str::trim)
        .find(|l| l.starts_with('['))?;
    if let Some(name) = header.strip_prefix("[[").and_then(|h| h.split("]]").next()) {
        let name = name.trim();
        let nth = before
            .lines()
            .filter(|l| {
                l.trim()
                    .strip_prefix("[[")
                    .and_then(|h| h.split("]]").next())
                    .is_some_and(|h| h.trim() == name)
            })
            .count();
        return Some(format!("{name}[{nth}]"));
    }
    let name = header.strip_prefix('[')?.split(']').next()?.trim();
    Some(name.to_string())
}

fn quoted_after(message: &str, marker: &str) -> Option<String> {
    let rest = message.split_once(marker)?.1;
    Some(rest.split('`').next()?.to_string())
}

/// The bare key before the last `=` of `line` (`interval_minutes` in `interval_minutes = `).
fn key_before(line: &str) -> Option<String> {
    let (left, _) = line.rsplit_once('=')?;
    let key = left
        .trim_end()
        .rsplit(|c: char| c == '{' || c == ',' || c.is_whitespace())
        .next()?
        .trim_matches('"');
    let bare = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '.';
    (!key.is_empty() && key.chars().all(bare)).then(|| key.to_string())
}

/// What to type instead, for the setting at `path`.
fn in_words(message: &str, path: &str) -> String {
    let last = path.rsplit('.').next().unwrap_or(path);
    let integer = [
        "expected u32",
        "expected u64",
        "expected i64",
        "expected an integer",
    ];
    if integer.iter().any(|m| message.contains(m)) {
        // A setting with a range says it, as the form and the API do.
        if super::limits::limit(path).is_some() {
            return super::limits::ask_number(path);
        }
        let (unit, like) = match last.rsplit('_').next() {
            Some("minutes") => (" of minutes", "30"),
            Some("hours") => (" of hours", "3"),
            Some("days") => (" of days", "7"),
            Some("months") => (" of months", "12"),
            Some("years") => (" of years", "12"),
            Some("cm") => (" of centimetres", "135"),
            _ => ("", "2"),
        };
        return format!("enter a whole number{unit}, like {like}");
    }
    if message.contains("expected a boolean") {
        return "enter true or false".into();
    }
    if message.contains("expected a string") || message.contains("expected a borrowed string") {
        return "enter the words in double quotes, like \"Home Visits Policy\"".into();
    }
    if message.contains("expected a sequence") {
        return "enter a list in square brackets, like [\"office\", \"dsl\"]".into();
    }
    // Before the choices: an unknown key's message lists the known ones too.
    if message.starts_with("unknown field") {
        return format!(
            "\"{path}\" is not a policy setting; check its spelling and its [section] (the exported TOML lists every setting)"
        );
    }
    // A time of day on the school's clock that is not one ("25:00", "5pm").
    if message.contains(super::time_of_day::EXPECTED) {
        return "enter it as a time on the school clock, in quotes, e.g. \"17:30\"".into();
    }
    // chrono's words for a date that is not one ("2026-02-30").
    let bad_time = [
        "input is out of range",
        "premature end of input",
        "input contains invalid characters",
        "trailing input",
    ];
    if bad_time.iter().any(|m| message.contains(m)) {
        if last.contains("day") {
            return "enter a date like \"2026-09-03\"".into();
        }
        return "enter a time of day like \"18:00\"".into();
    }
    if let Some((head, one_of)) = message.split_once("expected one of ") {
        let typed = quoted_after(head, "unknown variant `").unwrap_or_default();
        let choices = one_of.replace('`', "");
        return format!("\"{typed}\" is not one of the choices; choose one of {choices}");
    }
    if message.starts_with("missing field") {
        return "is missing; add it (the exported TOML lists every setting)".into();
    }
    if message.contains("unquoted keys cannot be empty") {
        return "a setting's name is missing before `=`".into();
    }
    if message.contains("invalid") && message.contains("time") {
        return "enter a time of day as \"HH:MM:SS\", like \"17:00:00\"".into();
    }
    format!("the text cannot be read as TOML ({message})")
}

#[cfg(test)]
mod tests {
    use super::super::PolicySettings;

    fn error_of(text: &str) -> (String, String) {
        let e = PolicySettings::from_toml(text).expect_err("refused");
        (e.field, e.reason)
    }

    fn harton_with(from: &str, to: &str) -> String {
        let text = super::super::presets::to_toml(
            &super::super::presets::preset("harton").expect("the harton preset loads"),
        );
        assert!(text.contains(from), "{from} in {text}");
        text.replacen(from, to, 1)
    }

    #[test]
    fn a_word_for_a_number_names_the_setting_and_asks_for_minutes() {
        let text = harton_with("interval_minutes = 30", "interval_minutes = \"thirty\"");
        assert_eq!(
            error_of(&text),
            (
                "check_in.interval_minutes".to_string(),
                "enter a whole number between 1 and 1440 minutes".to_string()
            )
        );
    }

    #[test]
    fn a_missing_name_before_equals_names_the_line() {
        let text = harton_with("interval_minutes = 30", "= 30");
        let line = text.lines().position(|l| l == "= 30").expect("line") + 1;
        let (field, reason) = error_of(&text);
        assert_eq!(field, "settings");
        assert!(reason.starts_with(&format!("line {line}: ")), "{reason}");
        assert!(reason.contains("name is missing"), "{reason}");
    }

    #[test]
    fn a_choice_that_is_not_one_lists_the_choices() {
        let text = harton_with("code_word = \"when_paired\"", "code_word = \"sometimes\"");
        let (field, reason) = error_of(&text);
        assert_eq!(field, "buddy.code_word");
        assert!(
            reason.contains("\"sometimes\" is not one of the choices"),
            "{reason}"
        );
        assert!(reason.contains("when_paired"), "{reason}");
    }

    #[test]
    fn an_hour_past_midnight_and_a_made_up_key_are_named_in_words() {
        let text = harton_with(
            "[buddy]",
            "[staffing.evening]\nstarts = \"25:00\"\nlone_needs_backup_at_school = true\n\n[buddy]",
        );
        let (field, reason) = error_of(&text);
        assert_eq!(field, "staffing.evening.starts");
        assert_eq!(
            reason,
            "enter it as a time on the school clock, in quotes, e.g. \"17:30\""
        );
        let text = format!("foo = 1\n{}", harton_with("[buddy]", "[buddy]"));
        let (field, reason) = error_of(&text);
        assert_eq!(field, "foo");
        assert!(
            reason.contains("\"foo\" is not a policy setting"),
            "{reason}"
        );
    }

    #[test]
    fn a_word_for_a_rungs_minutes_names_the_rung() {
        let text = harton_with("\nafter_minutes = ", "\nafter_minutes = \"soon\"\nwas = ");
        // The first rung's minutes are now a word (the stray key after it is never reached).
        assert_eq!(error_of(&text).0, "escalation[1].after_minutes");
    }

    #[test]
    fn an_overlong_title_is_refused_naming_it() {
        let long = "x".repeat(200);
        let text = harton_with(
            "name = \"Harton Academy Home Visits Policy (November 2025)\"",
            &format!("name = \"{long}\""),
        );
        let (field, reason) = error_of(&text);
        assert_eq!(field, "name");
        assert!(reason.contains("at most 120"), "{reason}");
    }
}
