//! The one type for free text typed by a person (#12 item 5): a [`Line`] (a name, a reference,
//! a reason in a sentence) or a [`MultiLine`] (a note, an account), each with its longest length
//! as a type parameter, so the check and the OpenAPI document (`maxLength`) come from one place.
//!
//! Parsing trims the text and refuses it when it is empty, longer than its limit (counted in
//! characters, as JSON Schema's `maxLength` counts them), or holds a control character: NUL and
//! the other C0/C1 controls and DEL always (PostgreSQL refuses NUL in text; hidden characters
//! have no place in a school's records), and line breaks and tabs in a [`Line`]. It also refuses
//! the invisible characters that make text read differently from what is stored ("Trojan
//! Source", CVE-2021-42574; [`is_hidden_reordering`]), keeping the marks and joiners that
//! Arabic, Persian and Indic names and emoji need. Script or SQL in text is stored as typed and
//! escaped wherever it is shown; it is not an error.

use crate::inputs::FieldError;
use serde::{Deserialize, Deserializer, Serialize};
use std::borrow::Cow;
use std::fmt;
use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};

/// Text of at most `MAX` characters, on one line unless `MULTI`. Build it with [`Text::parse`]
/// (naming the field), or by deserializing (the field is named by its path in the request).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct Text<const MAX: usize, const MULTI: bool>(String);

/// One line of text, at most `MAX` characters: no line breaks or tabs.
pub type Line<const MAX: usize> = Text<MAX, false>;

/// Text that may run over several lines (line breaks and tabs allowed), at most `MAX` characters.
pub type MultiLine<const MAX: usize> = Text<MAX, true>;

/// Why `value` cannot be a text of at most `max` characters, in a school office's words; `None`
/// when it can. `value` is already trimmed.
/// Whether a refusal message (as serde passes it on, perhaps followed by its place in the
/// body) says a text was empty or too long, rather than unreadable: such a value is for the
/// school to change (HTTP 422), as the use cases' own checks answer it.
pub fn is_value_refusal(message: &str) -> bool {
    message.starts_with("must not be empty")
        || (message.starts_with("is ") && message.contains(" characters long; at most "))
}

/// Whether `c` is a character that changes how text reads without being seen: the bidi
/// embeddings and overrides (U+202A–U+202E) and isolates (U+2066–U+2069), the zero-width space
/// (U+200B), the word joiner (U+2060) and a byte-order mark inside text (U+FEFF). Not refused:
/// the left-to-right and right-to-left marks (U+200E, U+200F), the zero-width joiner and
/// non-joiner (U+200D, U+200C) and the soft hyphen (U+00AD), which names in Arabic, Persian and
/// Indic scripts and emoji need.
pub fn is_hidden_reordering(c: char) -> bool {
    matches!(
        c,
        '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200B}' | '\u{2060}' | '\u{FEFF}'
    )
}

/// The reason given for a [`is_hidden_reordering`] character, in a school office's words.
pub const HIDDEN_REASON: &str =
    "contains a hidden character that changes how text reads; type it again";

/// `text` without a byte-order mark (U+FEFF) at its start, as spreadsheets and the MIS write one
/// at the start of an exported file (CSV, CTF, iCalendar): stripped, not refused.
pub fn without_bom(text: &str) -> &str {
    text.strip_prefix('\u{FEFF}').unwrap_or(text)
}

fn refusal(value: &str, max: usize, multi: bool) -> Option<String> {
    if value.is_empty() {
        return Some("must not be empty".into());
    }
    let count = value.chars().count();
    if count > max {
        return Some(format!(
            "is {count} characters long; at most {max} are allowed"
        ));
    }
    let bad = value.chars().find(|&c| {
        let allowed = multi && matches!(c, '\n' | '\r' | '\t');
        c.is_control() && !allowed
    });
    match bad {
        Some('\n' | '\r' | '\t') => {
            Some("must be on one line: take out the line breaks and tabs".into())
        }
        Some(_) => Some(
            "contains a hidden control character (such as a NUL byte); type it again without it"
                .into(),
        ),
        None if value.chars().any(is_hidden_reordering) => Some(HIDDEN_REASON.into()),
        None => None,
    }
}

impl<const MAX: usize, const MULTI: bool> Text<MAX, MULTI> {
    /// The longest text allowed, in characters.
    pub const MAX_CHARS: usize = MAX;

    /// `value`, trimmed, or a refusal naming `field`: empty, over `MAX` characters, or holding a
    /// control character (line breaks and tabs are allowed only in a [`MultiLine`]).
    pub fn parse(field: &str, value: &str) -> Result<Self, FieldError> {
        let trimmed = value.trim();
        match refusal(trimmed, MAX, MULTI) {
            Some(reason) => Err(FieldError::new(field, reason)),
            None => Ok(Text(trimmed.to_string())),
        }
    }

    /// Like [`Text::parse`], but a blank `value` (as an HTML form sends an empty box) is `None`.
    pub fn parse_optional(field: &str, value: &str) -> Result<Option<Self>, FieldError> {
        if value.trim().is_empty() {
            return Ok(None);
        }
        Self::parse(field, value).map(Some)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

impl<const MAX: usize, const MULTI: bool> std::str::FromStr for Text<MAX, MULTI> {
    type Err = FieldError;
    /// As [`Text::parse`], for a text with no field to name (the refusal names "text").
    fn from_str(value: &str) -> Result<Self, FieldError> {
        Self::parse("text", value)
    }
}

impl<const MAX: usize, const MULTI: bool> std::ops::Deref for Text<MAX, MULTI> {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl<const MAX: usize, const MULTI: bool> AsRef<str> for Text<MAX, MULTI> {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl<const MAX: usize, const MULTI: bool> fmt::Display for Text<MAX, MULTI> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl<const MAX: usize, const MULTI: bool> From<Text<MAX, MULTI>> for String {
    fn from(t: Text<MAX, MULTI>) -> String {
        t.0
    }
}

impl<'de, const MAX: usize, const MULTI: bool> Deserialize<'de> for Text<MAX, MULTI> {
    /// The refusal's message is the reason alone: the request's extractor names the field by
    /// its path (`visitors[1].role_on_visit`).
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(d)?;
        let trimmed = raw.trim();
        match refusal(trimmed, MAX, MULTI) {
            Some(reason) => Err(serde::de::Error::custom(reason)),
            None => Ok(Text(trimmed.to_string())),
        }
    }
}

/// For an optional text field of a request (`#[serde(default, deserialize_with = ...)]`): absent,
/// `null` or blank is `None`, as an empty box on a form is; anything else must be a valid text.
pub fn blank_as_none<'de, D: Deserializer<'de>, const MAX: usize, const MULTI: bool>(
    d: D,
) -> Result<Option<Text<MAX, MULTI>>, D::Error> {
    let raw = Option::<String>::deserialize(d)?;
    match raw.as_deref().map(str::trim) {
        None | Some("") => Ok(None),
        Some(trimmed) => match refusal(trimmed, MAX, MULTI) {
            Some(reason) => Err(serde::de::Error::custom(reason)),
            None => Ok(Some(Text(trimmed.to_string()))),
        },
    }
}

/// Characters a [`Line`] may not hold (JSON Schema `pattern`, ECMA 262): C0 and C1 controls
/// and DEL, line breaks and tabs among them, and the hidden characters of
/// [`is_hidden_reordering`].
const LINE_PATTERN: &str =
    "^[^\\u0000-\\u001f\\u007f-\\u009f\\u200b\\u202a-\\u202e\\u2060\\u2066-\\u2069\\ufeff]*$";
/// As [`LINE_PATTERN`], but line breaks and tabs are allowed.
const MULTI_LINE_PATTERN: &str = "^[^\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f-\\u009f\\u200b\\u202a-\\u202e\\u2060\\u2066-\\u2069\\ufeff]*$";

impl<const MAX: usize, const MULTI: bool> utoipa::PartialSchema for Text<MAX, MULTI> {
    fn schema() -> RefOr<Schema> {
        let (pattern, what) = match MULTI {
            true => (MULTI_LINE_PATTERN, "Text (line breaks allowed)"),
            false => (LINE_PATTERN, "One line of text"),
        };
        ObjectBuilder::new()
            .schema_type(Type::String)
            .min_length(Some(1))
            .max_length(Some(MAX))
            .pattern(Some(pattern))
            .description(Some(format!(
                "{what}, at most {MAX} characters; trimmed; no control characters and no \
                 hidden characters that change how text reads (bidi overrides and isolates, \
                 zero-width space, word joiner)."
            )))
            .into()
    }
}

impl<const MAX: usize, const MULTI: bool> utoipa::ToSchema for Text<MAX, MULTI> {
    /// One component per kind and length, e.g. `Line200`, `MultiLine2000`.
    fn name() -> Cow<'static, str> {
        let kind = if MULTI { "MultiLine" } else { "Line" };
        Cow::Owned(format!("{kind}{MAX}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_trimmed_and_refusals_name_the_field_in_a_school_s_words() {
        assert_eq!(Line::<10>::parse("purpose", "  x ").unwrap().as_str(), "x");
        let err = Line::<10>::parse("purpose", "   ").unwrap_err();
        assert_eq!(
            (err.field.as_str(), err.reason.as_str()),
            ("purpose", "must not be empty")
        );
        let err = Line::<10>::parse("purpose", &"é".repeat(11)).unwrap_err();
        assert_eq!(err.reason, "is 11 characters long; at most 10 are allowed");
        assert!(Line::<10>::parse("purpose", &"é".repeat(10)).is_ok());
        assert_eq!(
            Line::<100>::parse("purpose", "<script>alert(1)</script>")
                .unwrap()
                .as_str(),
            "<script>alert(1)</script>"
        );
        assert_eq!(Line::<10>::parse_optional("note", " ").unwrap(), None);
    }

    #[test]
    fn control_characters_are_refused_and_line_breaks_only_on_one_line() {
        for hostile in ["a\u{0}b", "a\u{7}b", "a\u{7f}b", "a\u{85}b"] {
            assert!(
                MultiLine::<10>::parse("note", hostile).is_err(),
                "{hostile:?}"
            );
        }
        assert_eq!(
            MultiLine::<20>::parse("note", "one\ntwo\tthree")
                .unwrap()
                .as_str(),
            "one\ntwo\tthree"
        );
        let err = Line::<20>::parse("name", "one\ntwo").unwrap_err();
        assert!(err.reason.contains("one line"), "{err}");
    }

    #[test]
    fn hidden_characters_that_change_how_text_reads_are_refused_but_marks_and_joiners_kept() {
        for hostile in [
            "Ann\u{202E}eno",
            "a\u{202A}b",
            "a\u{202D}b",
            "a\u{2066}b\u{2069}",
            "a\u{2067}b",
            "a\u{2068}b",
            "zero\u{200B}width",
            "word\u{2060}joiner",
            "in\u{FEFF}side",
        ] {
            let err = Line::<40>::parse("full_name", hostile).unwrap_err();
            assert_eq!(err.field, "full_name");
            assert_eq!(err.reason, HIDDEN_REASON, "{hostile:?}");
            assert!(
                MultiLine::<40>::parse("note", hostile).is_err(),
                "{hostile:?}"
            );
        }
        for kept in [
            "\u{0645}\u{062D}\u{0645}\u{062F}\u{200F} Ali",
            "Ann\u{200E} Smith",
            "\u{0645}\u{06CC}\u{200C}\u{062E}\u{0648}\u{0627}\u{0647}\u{0645}",
            "\u{0915}\u{094D}\u{200D}\u{0937}",
            "family \u{1F468}\u{200D}\u{1F469}\u{200D}\u{1F467}",
            "co\u{00AD}operate",
        ] {
            assert_eq!(Line::<40>::parse("full_name", kept).unwrap().as_str(), kept);
        }
        let err = serde_json::from_str::<Form>(r#"{"name":"a\u202eb"}"#).unwrap_err();
        assert!(err.to_string().contains("changes how text reads"), "{err}");
        assert_eq!(without_bom("\u{FEFF}name,email"), "name,email");
        assert_eq!(without_bom("name,email"), "name,email");
    }

    #[derive(Debug, Deserialize, utoipa::ToSchema)]
    struct Form {
        name: Line<20>,
        #[serde(default, deserialize_with = "blank_as_none")]
        note: Option<MultiLine<200>>,
    }

    #[test]
    fn deserializing_checks_the_same_and_blank_optional_text_is_none() {
        let f: Form = serde_json::from_str(r#"{"name":" Ann ","note":"  "}"#).unwrap();
        assert_eq!((f.name.as_str(), f.note), ("Ann", None));
        let f: Form = serde_json::from_str(r#"{"name":"Ann"}"#).unwrap();
        assert_eq!(f.note, None);
        let err = serde_json::from_str::<Form>(r#"{"name":"a\u0000b"}"#).unwrap_err();
        assert!(err.to_string().contains("control character"), "{err}");
        let long = format!(r#"{{"name":"Ann","note":"{}"}}"#, "x".repeat(201));
        let err = serde_json::from_str::<Form>(&long).unwrap_err();
        assert!(err.to_string().contains("at most 200"), "{err}");
    }

    #[test]
    fn the_openapi_schema_states_the_same_limits() {
        use utoipa::PartialSchema;
        let schema = serde_json::to_value(Line::<20>::schema()).unwrap();
        assert_eq!(schema["maxLength"], 20);
        assert_eq!(schema["minLength"], 1);
        assert_eq!(<MultiLine<200> as utoipa::ToSchema>::name(), "MultiLine200");
        let mut schemas = Vec::new();
        <Form as utoipa::ToSchema>::schemas(&mut schemas);
        let names: Vec<&str> = schemas.iter().map(|(n, _)| n.as_str()).collect();
        assert!(
            names.contains(&"Line20") && names.contains(&"MultiLine200"),
            "{names:?}"
        );
    }
}
