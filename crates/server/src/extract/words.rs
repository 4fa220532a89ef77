//! Turning a decoder's complaint about one field into a school office's words (#12 item 5):
//! "missing field `planned_arrive`" becomes "Enter when you plan to arrive".
//!
//! The field is named by its path in the request (`visitors[1].staff_id`); the words come from
//! a table keyed by the path's last name ([`ask`]), with a plain fallback for fields not in it.
//! A policy's settings are said as the policy form says them ([`settings`]).

mod ask;
mod settings;

use ask::{ask, whole_number_rule};

/// The last name in a path: `visitors[1].staff_id` → `staff_id`, `hazards[2]` → `hazards`.
fn leaf(path: &str) -> &str {
    let last = path.rsplit('.').next().unwrap_or(path);
    last.split('[').next().unwrap_or(last)
}

/// Whether the field holds a calendar date rather than a moment (the examples differ): the
/// period filters `from` and `to` are days too.
fn is_date(leaf: &str) -> bool {
    leaf.ends_with("_on")
        || leaf.contains("expires")
        || matches!(leaf, "date_of_birth" | "date" | "from" | "to")
}

/// Whether a decoder expected a whole number (`u32`, `i64`, "an integer").
fn is_whole_number(expected: &str) -> bool {
    let e = expected.trim().trim_matches('`');
    let int = e.len() > 1
        && (e.starts_with('i') || e.starts_with('u'))
        && (e[1..].chars().all(|c| c.is_ascii_digit()) || &e[1..] == "size");
    int || e.starts_with("an integer")
}

/// What a decoder expected, in plain words.
fn expected_words(expected: &str, leaf: &str) -> String {
    let e = expected.trim().trim_matches('`');
    if is_whole_number(e) {
        return whole_number_rule(leaf).unwrap_or("a whole number").into();
    }
    if e.contains(domain::policy::time_of_day::EXPECTED) {
        return domain::policy::time_of_day::EXPECTED.into();
    }
    match e {
        "f32" | "f64" | "a number" => "a number".into(),
        "a boolean" | "bool" => "yes or no (true or false)".into(),
        "a sequence" => "a list".into(),
        "a string" | "a borrowed string" | "a str" | "a character" => "text".into(),
        _ if e.contains("date") || e.contains("time") || e.contains("NaiveDate") => {
            date_words(leaf)
        }
        _ if e.contains("tagged enum") => {
            "a group of fields (a JSON object) saying which kind it is".into()
        }
        _ if e.starts_with("struct ") || e.starts_with("a map") || e.starts_with("map") => {
            "a group of fields (a JSON object)".into()
        }
        _ if e.starts_with("enum ") || e.starts_with("variant") => {
            "one of the listed choices".into()
        }
        other => other.to_string(),
    }
}

fn date_words(leaf: &str) -> String {
    if is_date(leaf) {
        "a date, e.g. 2026-12-03".into()
    } else {
        "a date and time in UTC, e.g. 2026-12-03T09:30:00Z".into()
    }
}

/// "Enter when you plan to arrive as a date and time in UTC, …"; a field already called a date
/// is not asked for "as a date" ("Enter the date the change takes effect, e.g. 2026-12-03").
fn wanted(verb: &str, what: &str, words: &str) -> String {
    match words.strip_prefix("a date, ") {
        Some(example) if what.contains("date") => format!("{verb} {what}, {example}"),
        _ => format!("{verb} {what} as {words}"),
    }
}

/// How to type the date `field` takes, as the API and the forms both ask for it.
pub fn date_wanted(field: &str) -> String {
    let leaf = leaf(field);
    let (verb, what) = ask(leaf);
    wanted(verb, &what, &date_words(leaf))
}

/// The field a decoder's `message` is about, given the `path` where it stopped (`"."` for the
/// top): a missing or unknown field is named inside the message, one level below the path.
pub fn field_of(path: &str, message: &str) -> String {
    let named = ["missing field `", "unknown field `"]
        .iter()
        .find_map(|p| message.strip_prefix(p))
        .and_then(|rest| rest.split('`').next());
    let path = if path == "." || path.is_empty() {
        ""
    } else {
        path
    };
    match (named, path) {
        // The path of an unknown field already ends with it (`colour`, `visitors[0].colour`).
        (Some(name), p) if p == name || p.ends_with(&format!(".{name}")) => p.to_string(),
        (Some(name), "") => name.to_string(),
        (Some(name), parent) => format!("{parent}.{name}"),
        (None, "") => "body".to_string(),
        (None, p) => p.to_string(),
    }
}

/// A school office's reason for the decoder's `message` about `field` (as [`field_of`] names
/// it). Messages it does not recognise (a newtype's own refusal) are kept as written.
pub fn reason(field: &str, message: &str) -> String {
    let leaf = leaf(field);
    // The whole request was the wrong shape (a list, a single value, nothing).
    if field == "body" && !message.starts_with("unknown field `") {
        return "Send the request's fields as one JSON object, e.g. {\"purpose\": \"…\"}".into();
    }
    let (verb, what) = ask(leaf);
    let message = message.split(" at line ").next().unwrap_or(message);
    if let Some(path) = field.strip_prefix("settings.")
        && let Some(words) = settings::reason(path, message)
    {
        return words;
    }
    if message.starts_with("missing field `") || message.starts_with("invalid type: null") {
        return format!("{verb} {what}");
    }
    if let Some(rest) = message.strip_prefix("unknown field `") {
        let name = rest.split('`').next().unwrap_or_default();
        return format!("'{name}' is not something this form takes; leave it out");
    }
    if let Some(rest) = message.strip_prefix("unknown variant `") {
        let (given, choices) = rest.split_once("`, expected ").unwrap_or((rest, ""));
        let choices = choices
            .trim_start_matches("one of ")
            .replace('`', "")
            .replace(" or ", ", ");
        return format!("{verb} {what}: one of {choices} ('{given}' is not one of them)");
    }
    if let Some(rest) = message.strip_prefix("invalid type: ") {
        let expected = rest.split_once(", expected ").map_or("", |(_, e)| e);
        return wanted(verb, &what, &expected_words(expected, leaf));
    }
    if let Some(rest) = message.strip_prefix("invalid length ") {
        let expected = rest.split_once(", expected ").map_or("", |(_, e)| e);
        return wanted(verb, &what, &expected_words(expected, leaf));
    }
    if message.contains("Event::") {
        return format!("{verb} {what}: the text stops before it is complete");
    }
    if let Some(rest) = message.strip_prefix("invalid value: ") {
        let expected = rest.split_once(", expected ").map_or("", |(_, e)| e);
        let words = expected_words(expected, leaf);
        // A negative number where none can be: "0 or more", unless a rule of the field's
        // narrows it (then that rule, never a contradiction of it).
        let words = if expected.starts_with('u') && words == "a whole number" {
            "a whole number of 0 or more".to_string()
        } else {
            words
        };
        return wanted(verb, &what, &words);
    }
    // chrono's and the standard library's parse errors, from JSON strings and query strings.
    let date_error = [
        "input contains invalid characters",
        "premature end of input",
        "input is out of range",
        "trailing input",
        "input is not enough for unique date and time",
        "no possible date and time matching input",
        "bad or unsupported format string",
    ];
    if date_error.contains(&message) {
        return wanted(verb, &what, &date_words(leaf));
    }
    let int_error = [
        "invalid digit found in string",
        "cannot parse integer from empty string",
        "number too large to fit in target type",
        "number too small to fit in target type",
    ];
    if int_error.contains(&message) {
        let words = whole_number_rule(leaf).unwrap_or("a whole number");
        return format!("{verb} {what} as {words}");
    }
    if message == "invalid float literal" {
        return format!("{verb} {what} as a number");
    }
    if message.contains("`true` or `false`") {
        return format!("{verb} {what} as true or false");
    }
    message.to_string()
}

/// The path (`hazards[0].level`) of the string a decoder refused, found in the body itself: a
/// `#[serde(flatten)]` part of a body loses its path, and "body" names nothing a school can
/// correct. Found by what the message says of it: an unknown choice (its value), a text too long
/// (its length), on several lines, or empty. `None` when the message says none of these or no
/// string fits.
pub fn holder_of(body: &[u8], message: &str) -> Option<String> {
    type Fits = Box<dyn Fn(&str) -> bool>;
    let fits: Fits = if let Some(rest) = message.strip_prefix("unknown variant `") {
        let given = rest.split('`').next()?.to_string();
        Box::new(move |s| s == given)
    } else if let Some(rest) = message.strip_prefix("is ") {
        let count: usize = rest.split(' ').next()?.parse().ok()?;
        Box::new(move |s| s.trim().chars().count() == count)
    } else if message.starts_with("must be on one line") {
        Box::new(|s| s.contains(['\n', '\r', '\t']))
    } else if message.starts_with("must not be empty") {
        Box::new(|s| s.trim().is_empty())
    } else {
        return None;
    };
    let value: serde_json::Value = serde_json::from_slice(body).ok()?;
    fn find(v: &serde_json::Value, fits: &dyn Fn(&str) -> bool, at: String) -> Option<String> {
        match v {
            serde_json::Value::String(s) if fits(s) => Some(at),
            serde_json::Value::Object(map) => map.iter().find_map(|(k, v)| {
                let at = if at.is_empty() {
                    k.clone()
                } else {
                    format!("{at}.{k}")
                };
                find(v, fits, at)
            }),
            serde_json::Value::Array(items) => items
                .iter()
                .enumerate()
                .find_map(|(i, v)| find(v, fits, format!("{at}[{i}]"))),
            _ => None,
        }
    }
    find(&value, &*fits, String::new()).filter(|p| !p.is_empty())
}

/// Every refusal's reason as a school office reads it, whatever layer wrote it (the one place
/// developer words are turned into a school's): a bare "must not be empty" says which box, a
/// field's name inside a reason becomes its words, and a decoder's words that slipped through
/// become what is wanted.
pub fn plain(field: &str, reason: &str) -> String {
    let (verb, what) = ask(leaf(field));
    if reason == "must not be empty" {
        return format!("{verb} {what}");
    }
    // "must not be before planned_leave_school": the other box by its words too.
    let is_name = |s: &str| s.contains('_') && !s.contains(' ');
    for order in ["before", "after"] {
        if let Some(other) = reason.strip_prefix(&format!("must not be {order} "))
            && is_name(other.trim())
        {
            let (_, other_what) = ask(leaf(other.trim()));
            return format!("{verb} {what}: it must not be {order} {other_what}");
        }
    }
    let developer = [
        "invalid type: ",
        "invalid value: ",
        "invalid length ",
        "missing field `",
        "unknown field `",
        "unknown variant `",
    ];
    if developer.iter().any(|d| reason.starts_with(d)) || reason.contains("Event::") {
        return self::reason(field, reason);
    }
    reason.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_field_is_asked_for_in_a_school_s_words() {
        let message = "missing field `planned_arrive`";
        let field = field_of(".", message);
        assert_eq!(field, "planned_arrive");
        assert_eq!(reason(&field, message), "Enter when you plan to arrive");
        let field = field_of("visitors[1]", "missing field `staff_id`");
        assert_eq!(field, "visitors[1].staff_id");
        assert_eq!(
            reason(&field, "missing field `staff_id`"),
            "Choose the member of staff"
        );
    }

    #[test]
    fn wrong_kinds_of_value_say_what_is_wanted() {
        assert_eq!(
            reason("school_id", "invalid type: string \"x\", expected i64"),
            "Choose the school as a whole number"
        );
        assert_eq!(
            reason("planned_arrive", "input contains invalid characters"),
            "Enter when you plan to arrive as a date and time in UTC, e.g. 2026-12-03T09:30:00Z"
        );
        assert_eq!(
            reason(
                "scope",
                "unknown variant `all`, expected `mine` or `school`"
            ),
            "Choose whose visits to show: one of mine, school ('all' is not one of them)"
        );
        assert_eq!(
            reason("visit_minutes", "invalid digit found in string"),
            "Enter the visit minutes as a whole number"
        );
        assert_eq!(
            reason("mot_expires", "premature end of input"),
            "Enter when the MOT runs out as a date, e.g. 2026-12-03"
        );
        assert_eq!(field_of(".", "expected value"), "body");
    }

    #[test]
    fn a_field_already_called_a_date_is_not_asked_for_as_a_date() {
        assert_eq!(
            reason("takes_effect_on", "input contains invalid characters"),
            "Enter the date the change takes effect, e.g. 2026-12-03"
        );
        assert_eq!(
            date_wanted("takes_effect_on"),
            "Enter the date the change takes effect, e.g. 2026-12-03"
        );
        assert_eq!(
            reason("minutes", "invalid value: integer `-5`, expected u32"),
            "Enter how many minutes as a whole number between 1 and 240"
        );
    }
}
