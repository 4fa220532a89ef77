//! The one error type of the use cases: why a thing a person asked for was not done.
//!
//! A refusal the person can act on names the field and says what to do, in a school's words.
//! A fault of ours ([`Refusal::Internal`]) keeps its whole source chain for the log and is never
//! dressed up as "not found" or a field error: a database outage must not read as "no such pupil".

use domain::FieldError;
use domain::policy::Unmet;
use domain::visit::IllegalStep;
use store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum Refusal {
    /// The request itself is malformed (a value of the wrong kind, a missing part): HTTP 400.
    #[error("{field}: {reason}")]
    BadRequest { field: String, reason: String },
    /// A value the person typed is not acceptable; `field` names it: HTTP 422.
    #[error("{field}: {reason}")]
    Invalid { field: String, reason: String },
    /// The person may not do this (they can see the record, but not change it this way).
    #[error("not allowed: {0}")]
    Forbidden(String),
    /// No such record, or one this person may not know exists.
    #[error("{0} was not found")]
    NotFound(String),
    /// The record's current state does not allow this (already done, changed meanwhile).
    #[error("{field}: {reason}")]
    Conflict { field: String, reason: String },
    /// Every rule of the school's policy the request breaks, each with its requirement id.
    #[error("the policy refuses this: {}", .0.iter().map(|u| u.why.as_str()).collect::<Vec<_>>().join(" "))]
    Unmet(Vec<Unmet>),
    /// The visit's lifecycle does not allow this step now; the refusal lists those it allows.
    #[error("{0}")]
    IllegalStep(#[from] IllegalStep),
    /// Reading safeguarding history needs a recent second factor (A9): step up with a code, or
    /// enrol an authenticator first ([`crate::second_factor::require`]). HTTP 403.
    #[error("{}", match .0 {
        crate::second_factor::SecondFactorNeeded::StepUp => "type the code from your authenticator app to read safeguarding records",
        crate::second_factor::SecondFactorNeeded::Enrol => "set up an authenticator app on your own page to read safeguarding records",
    })]
    SecondFactor(crate::second_factor::SecondFactorNeeded),
    /// Too many wrong tries of something guessable (a second-factor code, reset links asked
    /// for): paused for `retry_after_seconds`; `reason` says what and for how long. HTTP 429.
    #[error("{field}: {reason}")]
    Paused {
        field: String,
        reason: String,
        retry_after_seconds: i64,
    },
    /// Not written now, but nothing is wrong with the request: try again (HTTP 503). A phone's
    /// offline queue keeps such a tap and sends it again.
    #[error("{0}")]
    Unavailable(String),
    /// A fault of ours. Logged in full; the person is told only that it has been logged.
    #[error("internal error: {0}")]
    Internal(#[source] Box<dyn std::error::Error + Send + Sync>),
}

pub type Result<T, E = Refusal> = std::result::Result<T, E>;

impl Refusal {
    pub fn bad_request(field: impl Into<String>, reason: impl Into<String>) -> Self {
        Refusal::BadRequest {
            field: field.into(),
            reason: reason.into(),
        }
    }

    pub fn invalid(field: impl Into<String>, reason: impl Into<String>) -> Self {
        Refusal::Invalid {
            field: field.into(),
            reason: reason.into(),
        }
    }

    pub fn forbidden(reason: impl Into<String>) -> Self {
        Refusal::Forbidden(reason.into())
    }

    pub fn not_found(what: impl Into<String>) -> Self {
        Refusal::NotFound(what.into())
    }

    pub fn conflict(field: impl Into<String>, reason: impl Into<String>) -> Self {
        Refusal::Conflict {
            field: field.into(),
            reason: reason.into(),
        }
    }

    /// The action needs the visitors to be out (signed out and not yet back).
    pub fn not_out(reason: impl Into<String>) -> Self {
        Refusal::conflict("status", reason)
    }

    /// A fault of ours described in words (when there is no error value to keep).
    pub fn internal(detail: impl std::fmt::Display) -> Self {
        Refusal::Internal(detail.to_string().into())
    }

    /// "Not that record" (not found, or not allowed to see it) said as `instead`, for a caller
    /// that answers both the same way; every other refusal, above all the database failing, is
    /// kept with its cause (issue #9 item 8: an outage must not read as "no such pupil").
    pub fn absent_as(self, instead: impl FnOnce() -> Refusal) -> Refusal {
        match self {
            Refusal::NotFound(_) | Refusal::Forbidden(_) => instead(),
            other => other,
        }
    }

    /// Whether the person can put this right by changing what they typed or chose (the form is
    /// shown again with the refusal by its field), as opposed to "not allowed", "not found",
    /// "try again" or a fault of ours, which get their own page.
    pub fn is_fixable(&self) -> bool {
        matches!(
            self,
            Refusal::BadRequest { .. }
                | Refusal::Invalid { .. }
                | Refusal::Conflict { .. }
                | Refusal::Unmet(_)
                | Refusal::IllegalStep(_)
        )
    }

    /// The source chain of an internal error, for the log: "a: b: c".
    pub fn chain(&self) -> String {
        let mut text = self.to_string();
        let mut source = std::error::Error::source(self);
        while let Some(s) = source {
            text.push_str(": ");
            text.push_str(&s.to_string());
            source = s.source();
        }
        text
    }
}

impl From<FieldError> for Refusal {
    fn from(e: FieldError) -> Self {
        Refusal::Invalid {
            field: e.field.to_string(),
            reason: e.reason,
        }
    }
}

impl From<StoreError> for Refusal {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound { what, .. } => Refusal::NotFound(what.to_string()),
            StoreError::Conflict { field, reason } => Refusal::Conflict {
                field: field.to_string(),
                reason,
            },
            // Logged (once per run of failures) by the store's write health, and answered as
            // "try again": the phone keeps a tap it was told to send again.
            other if other.is_unavailable() => {
                tracing::debug!(error = %other, "the database cannot take this just now");
                Refusal::Unavailable(UNAVAILABLE.to_string())
            }
            other => Refusal::Internal(Box::new(other)),
        }
    }
}

/// What a person is told when the database cannot take their change just now.
pub const UNAVAILABLE: &str = "This could not be saved just now: the school's server cannot write to its \
    database. Try again in a moment (on a phone, Doorstep keeps check-ins and alarms and sends them \
    again by itself). If you need help now, phone your buddy or the school office.";
