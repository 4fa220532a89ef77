//! The errors shown on a form, each next to its field, and the id (anchor) of the field's box.

use super::*;

/// One message about one field; `anchor` is the id of the input it is about.
#[derive(Debug, Clone)]
pub struct FieldMessage {
    pub field: String,
    pub anchor: String,
    pub message: String,
}

/// The errors shown on a form: each next to its field, and all of them in a summary at the top.
#[derive(Debug, Clone, Default)]
pub struct Errors {
    pub list: Vec<FieldMessage>,
    /// Every rule of the policy a refused request breaks.
    pub unmet: Vec<Unmet>,
}

/// The id an input named `name` carries: `visitors[0].staff_id` → `visitors-0-staff_id`.
pub fn anchor(name: &str) -> String {
    name.replace("].", "-")
        .replace(['[', '.'], "-")
        .replace(']', "")
}

impl From<domain::FieldError> for Errors {
    /// A text refused before any use case ran, next to its box.
    fn from(e: domain::FieldError) -> Self {
        Errors::one(&e.field, e.reason)
    }
}

impl Errors {
    pub fn none() -> Self {
        Errors::default()
    }

    pub fn one(field: &str, message: impl Into<String>) -> Self {
        let mut e = Errors::default();
        e.add(field, message);
        e
    }

    /// Adds a message by `field`, in a school's words ([`crate::extract::words::plain`]).
    pub fn add(&mut self, field: &str, message: impl Into<String>) {
        self.list.push(FieldMessage {
            field: field.to_string(),
            anchor: anchor(field),
            message: crate::extract::words::plain(field, &message.into()),
        });
    }

    /// The API's refusal, placed on the form. A field the form does not show is reported
    /// against `fallback`.
    pub fn from_failure(f: &Failure, known: &[&str], fallback: &str) -> Self {
        let mut e = Errors::default();
        let field = if f.error == "policy" {
            // Refusals point at the policy check, which lists every unmet rule.
            "policy-check".to_string()
        } else {
            f.field.clone().unwrap_or_default()
        };
        let field = if known.contains(&field.as_str()) || known.is_empty() || f.error == "policy" {
            field
        } else {
            fallback.to_string()
        };
        let message = if f.error == "policy" {
            "The school's policy does not allow this yet. Each rule still unmet is listed below."
                .to_string()
        } else {
            f.reason.clone()
        };
        e.add(&field, message);
        e.unmet = f.unmet.clone();
        e
    }

    /// A use case's refusal, placed on the form (see [`Errors::from_failure`]).
    pub fn from_refusal(r: app::Refusal, known: &[&str], fallback: &str) -> Self {
        Self::from_failure(&Failure::from(r), known, fallback)
    }

    pub fn get(&self, field: &str) -> Option<&str> {
        self.list
            .iter()
            .find(|m| m.field == field)
            .map(|m| m.message.as_str())
    }

    /// The id of the input named `field` (templates cannot compute it).
    pub fn id(&self, field: &str) -> String {
        anchor(field)
    }

    pub fn has(&self, field: &str) -> bool {
        self.get(field).is_some()
    }

    pub fn is_empty(&self) -> bool {
        self.list.is_empty() && self.unmet.is_empty()
    }
}
