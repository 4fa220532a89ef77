//! An HTML form as posted (`application/x-www-form-urlencoded`), with repeated names kept, so
//! each page can turn it into the API's JSON and name the field of any problem.

use super::page::WebError;
use crate::error::ApiError;
use axum::extract::{FromRequest, Request};

pub struct FormData(Vec<(String, String)>);

impl<S: Send + Sync> FromRequest<S> for FormData {
    type Rejection = WebError;

    async fn from_request(req: Request, _state: &S) -> Result<Self, WebError> {
        use crate::extract::{Cut, Whole, read_limited};
        let bytes = match read_limited(req.into_body()).await? {
            Whole(bytes) => bytes,
            // The box being sent when the limit was reached is the one too long.
            Cut(prefix) => {
                let field = form_urlencoded::parse(&prefix)
                    .last()
                    .map_or_else(|| "form".to_string(), |(k, _)| k.into_owned());
                let limit_kb = crate::BODY_LIMIT_BYTES / 1024;
                return Err(ApiError::bad_request(
                    field,
                    format!("is too long: a form may send at most {limit_kb} KB in all"),
                )
                .into());
            }
        };
        let pairs: Vec<(String, String)> = form_urlencoded::parse(&bytes)
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        // Refused before any page reads it: PostgreSQL refuses NUL in text, and hidden
        // characters have no place in a school's records. Line breaks are for text areas.
        if let Some((name, _)) = pairs
            .iter()
            .find(|(k, v)| crate::edge::has_control(k, false) || crate::edge::has_control(v, true))
        {
            let field = if crate::edge::has_control(name, false) {
                "form"
            } else {
                name
            };
            return Err(ApiError::bad_request(field, crate::edge::CONTROL_REASON).into());
        }
        Ok(FormData(pairs))
    }
}

impl FormData {
    /// The value, trimmed; "" when absent.
    pub fn get(&self, name: &str) -> &str {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map_or("", |(_, v)| v.trim())
    }

    /// The value when given and not blank.
    pub fn opt(&self, name: &str) -> Option<&str> {
        Some(self.get(name)).filter(|v| !v.is_empty())
    }

    /// Every value given for a repeated name (checkboxes).
    pub fn all(&self, name: &str) -> Vec<&str> {
        self.0
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.trim())
            .filter(|v| !v.is_empty())
            .collect()
    }

    /// Every name and value as posted, to show a refused form again as it was typed.
    pub fn pairs(&self) -> Vec<(String, String)> {
        self.0.clone()
    }

    pub fn checked(&self, name: &str) -> bool {
        matches!(self.get(name), "on" | "true" | "yes" | "1")
    }
}

/// The last value typed for `name` in a refused form's pairs (see [`FormData::pairs`]); "" when
/// absent. Pages keep the pairs to show the form again as it was typed.
pub fn typed<'a>(pairs: &'a [(String, String)], name: &str) -> &'a str {
    pairs
        .iter()
        .rev()
        .find(|(k, _)| k == name)
        .map_or("", |(_, v)| v.as_str())
}

impl FormData {
    /// The value as a checked text ([`domain::text::Text`]), or a refusal naming the field:
    /// empty, too long, or a line break in a one-line box.
    pub fn text<const MAX: usize, const MULTI: bool>(
        &self,
        name: &str,
    ) -> Result<domain::text::Text<MAX, MULTI>, domain::FieldError> {
        domain::text::Text::parse(name, self.get(name))
    }

    /// Like [`FormData::text`], but an empty box is `None`.
    pub fn opt_text<const MAX: usize, const MULTI: bool>(
        &self,
        name: &str,
    ) -> Result<Option<domain::text::Text<MAX, MULTI>>, domain::FieldError> {
        domain::text::Text::parse_optional(name, self.get(name))
    }
}
