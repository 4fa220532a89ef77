//! An HTML form as posted (`application/x-www-form-urlencoded`), with repeated names kept, so
//! each page can turn it into the API's JSON and name the field of any problem.

use super::page::WebError;
use crate::error::ApiError;
use axum::extract::{FromRequest, Request};

pub struct FormData(Vec<(String, String)>);

/// A form as a page that shows itself again takes it: read, or refused by a box.
pub type Posted = Result<FormData, FormRefused>;

/// A form refused before any page read it: a box over the size limit or holding a control
/// character. Answered as a page naming the box (400); a page that shows its form again takes
/// `Result<FormData, FormRefused>` and puts the refusal by the box ([`FormRefused::on_page`]).
pub struct FormRefused {
    error: WebError,
    /// The box refused, with the reason; `None` when no box can be named.
    field: Option<(String, String)>,
    /// The other boxes as typed (those before the limit, when it was reached).
    typed: Vec<(String, String)>,
}

impl FormRefused {
    fn new(field: String, reason: String, typed: Vec<(String, String)>) -> Self {
        let error = ApiError::bad_request(field.clone(), reason.clone()).into();
        let field = (field != "form").then_some((field, reason));
        FormRefused {
            error,
            field,
            typed,
        }
    }

    /// The refusal by its box and the rest of the form as typed, to show the page again; the
    /// error page when no box can be named.
    pub fn on_page(self) -> Result<(super::page::Errors, Vec<(String, String)>), WebError> {
        match self.field {
            Some((field, reason)) => Ok((super::page::Errors::one(&field, reason), self.typed)),
            None => Err(self.error),
        }
    }
}

impl axum::response::IntoResponse for FormRefused {
    fn into_response(self) -> axum::response::Response {
        self.error.into_response()
    }
}

impl From<WebError> for FormRefused {
    fn from(error: WebError) -> Self {
        FormRefused {
            error,
            field: None,
            typed: vec![],
        }
    }
}

impl<S: Send + Sync> FromRequest<S> for FormData {
    type Rejection = FormRefused;

    async fn from_request(req: Request, _state: &S) -> Result<Self, FormRefused> {
        use crate::extract::{Cut, Whole, read_limited};
        let bytes = match read_limited(req.into_body())
            .await
            .map_err(WebError::from)?
        {
            Whole(bytes) => bytes,
            // The box being sent when the limit was reached is the one too long.
            Cut(prefix) => {
                let mut typed: Vec<(String, String)> = form_urlencoded::parse(&prefix)
                    .map(|(k, v)| (k.into_owned(), v.into_owned()))
                    .collect();
                let field = typed.pop().map_or_else(|| "form".to_string(), |(k, _)| k);
                typed.retain(|(k, v)| {
                    !crate::edge::has_control(k, false) && !crate::edge::has_control(v, true)
                });
                let limit_kb = crate::BODY_LIMIT_BYTES / 1024;
                let reason = format!("is too long: a form may send at most {limit_kb} KB in all");
                return Err(FormRefused::new(field, reason, typed));
            }
        };
        let pairs: Vec<(String, String)> = form_urlencoded::parse(&bytes)
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        // Refused before any page reads it: PostgreSQL refuses NUL in text, and hidden
        // characters have no place in a school's records. Line breaks are for text areas.
        let bad = |(k, v): &(String, String)| {
            crate::edge::has_control(k, false) || crate::edge::has_control(v, true)
        };
        if let Some((name, _)) = pairs.iter().find(|p| bad(p)) {
            let field = if crate::edge::has_control(name, false) {
                "form".to_string()
            } else {
                name.clone()
            };
            let typed = pairs.iter().filter(|p| !bad(p)).cloned().collect();
            let reason = crate::edge::CONTROL_REASON.to_string();
            return Err(FormRefused::new(field, reason, typed));
        }
        Ok(FormData(pairs))
    }
}

impl FormData {
    /// A form of these boxes (what was typed into a refused form, to show it again).
    pub fn from_pairs(pairs: Vec<(String, String)>) -> Self {
        FormData(pairs)
    }

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
