//! The one error type of the web layer and how it answers: 4xx bodies are
//! `{ "error", "field", "reason" }` (plus `unmet` for policy refusals); 5xx are logged in full
//! and answered with a generic message.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use domain::FieldError;
use domain::policy::Unmet;
use domain::visit::IllegalStep;
use serde_json::json;
use store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// Malformed request: unreadable JSON, wrong content type, bad path parameter.
    #[error("{field}: {reason}")]
    BadRequest { field: String, reason: String },
    #[error("{0}")]
    Invalid(#[from] FieldError),
    #[error("sign in first")]
    Unauthenticated,
    #[error("not allowed: {0}")]
    Forbidden(String),
    #[error("{0} was not found")]
    NotFound(String),
    /// Reading safeguarding history needs a recent second factor: 403 with `error`
    /// `step_up_required` (type a code at `POST /api/me/step-up`) or
    /// `second_factor_enrolment_required` (enrol at `POST /api/me/second-factor`).
    #[error("{1}")]
    SecondFactor(app::second_factor::SecondFactorNeeded, String),
    #[error("{field}: {reason}")]
    Conflict { field: String, reason: String },
    #[error("the policy refuses this: {}", .0.iter().map(|u| u.why.as_str()).collect::<Vec<_>>().join(" "))]
    Refused(Vec<Unmet>),
    #[error("{0}")]
    IllegalStep(#[from] IllegalStep),
    /// Not done now, nothing wrong with the request: try again (503, `Retry-After`).
    #[error("{0}")]
    Unavailable(String),
    /// Too many wrong passwords from this account or address: sign-in is paused (429 with
    /// `Retry-After` in seconds). The same whether or not the account exists.
    #[error("too many sign-in attempts")]
    TooManyAttempts { retry_after_seconds: i64 },
    /// Too many wrong tries of something else guessable (second-factor codes, reset links):
    /// 429 with `Retry-After` (seconds), naming the field.
    #[error("{field}: {reason}")]
    Paused {
        field: String,
        reason: String,
        retry_after_seconds: i64,
    },
    #[error("internal error: {0}")]
    Internal(String),
}

impl ApiError {
    pub fn bad_request(field: impl Into<String>, reason: impl Into<String>) -> Self {
        ApiError::BadRequest {
            field: field.into(),
            reason: reason.into(),
        }
    }

    pub fn forbidden(reason: impl Into<String>) -> Self {
        ApiError::Forbidden(reason.into())
    }

    pub fn internal(e: impl std::fmt::Display) -> Self {
        ApiError::Internal(e.to_string())
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound { what, .. } => ApiError::NotFound(what.to_string()),
            StoreError::Conflict { field, reason } => ApiError::Conflict {
                field: field.to_string(),
                reason,
            },
            other => ApiError::Internal(other.to_string()),
        }
    }
}

impl From<app::Refusal> for ApiError {
    fn from(e: app::Refusal) -> Self {
        use app::Refusal;
        match e {
            Refusal::BadRequest { field, reason } => ApiError::BadRequest { field, reason },
            Refusal::Invalid { field, reason } => ApiError::Invalid(FieldError { field, reason }),
            Refusal::Forbidden(reason) => ApiError::Forbidden(reason),
            Refusal::NotFound(what) => ApiError::NotFound(what),
            Refusal::Conflict { field, reason } => ApiError::Conflict { field, reason },
            Refusal::Unmet(unmet) => ApiError::Refused(unmet),
            Refusal::IllegalStep(e) => ApiError::IllegalStep(e),
            Refusal::Unavailable(reason) => ApiError::Unavailable(reason),
            Refusal::Paused {
                field,
                reason,
                retry_after_seconds,
            } => ApiError::Paused {
                field,
                reason,
                retry_after_seconds,
            },
            e @ Refusal::SecondFactor(needed) => ApiError::SecondFactor(needed, e.to_string()),
            internal @ Refusal::Internal(_) => ApiError::Internal(internal.chain()),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, body) = match &self {
            ApiError::BadRequest { field, reason } => (
                StatusCode::BAD_REQUEST,
                json!({ "error": "bad_request", "field": field, "reason": plain(field, reason) }),
            ),
            ApiError::Invalid(e) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                json!({ "error": "invalid", "field": e.field, "reason": plain(&e.field, &e.reason) }),
            ),
            ApiError::Unauthenticated => (
                StatusCode::UNAUTHORIZED,
                json!({ "error": "unauthenticated", "field": null, "reason": "sign in first" }),
            ),
            ApiError::Forbidden(reason) => (
                StatusCode::FORBIDDEN,
                json!({ "error": "forbidden", "field": null, "reason": reason }),
            ),
            ApiError::NotFound(what) => (
                StatusCode::NOT_FOUND,
                json!({ "error": "not_found", "field": "id", "reason": format!("{what} was not found") }),
            ),
            ApiError::SecondFactor(needed, reason) => (
                StatusCode::FORBIDDEN,
                json!({ "error": second_factor_error(*needed), "field": "second_factor", "reason": reason }),
            ),
            ApiError::Conflict { field, reason } => (
                StatusCode::CONFLICT,
                json!({ "error": "conflict", "field": field, "reason": plain(field, reason) }),
            ),
            ApiError::Refused(unmet) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                json!({
                    "error": "policy",
                    "field": unmet.first().map(|u| u.rule),
                    "reason": self.to_string(),
                    "unmet": unmet,
                }),
            ),
            ApiError::IllegalStep(e) => (
                StatusCode::CONFLICT,
                json!({ "error": "illegal_step", "field": "status", "reason": illegal_step_words(e), "allowed": e.allowed }),
            ),
            ApiError::Unavailable(reason) => {
                // The cause (a full disk, a lock) is logged where it happens, once per run.
                tracing::debug!(reason = %reason, "request answered 503: try again");
                let body = json!({ "error": "unavailable", "field": null, "reason": reason });
                return (
                    StatusCode::SERVICE_UNAVAILABLE,
                    [(axum::http::header::RETRY_AFTER, "2")],
                    Json(body),
                )
                    .into_response();
            }
            ApiError::TooManyAttempts {
                retry_after_seconds,
            } => {
                let body = json!({
                    "error": "too_many_attempts",
                    "field": "email",
                    "reason": too_many_attempts_reason(*retry_after_seconds),
                });
                return (
                    StatusCode::TOO_MANY_REQUESTS,
                    [(
                        axum::http::header::RETRY_AFTER,
                        retry_after_seconds.to_string(),
                    )],
                    Json(body),
                )
                    .into_response();
            }
            ApiError::Paused {
                field,
                reason,
                retry_after_seconds,
            } => {
                let body =
                    json!({ "error": "too_many_attempts", "field": field, "reason": reason });
                return (
                    StatusCode::TOO_MANY_REQUESTS,
                    [(
                        axum::http::header::RETRY_AFTER,
                        retry_after_seconds.to_string(),
                    )],
                    Json(body),
                )
                    .into_response();
            }
            ApiError::Internal(detail) => {
                tracing::error!(error = %detail, "request failed");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    json!({ "error": "internal", "field": null, "reason": "something went wrong on our side; it has been logged" }),
                )
            }
        };
        (status, Json(body)).into_response()
    }
}

/// The `error` code of a second-factor refusal, as the API documents it.
pub fn second_factor_error(needed: app::second_factor::SecondFactorNeeded) -> &'static str {
    match needed {
        app::second_factor::SecondFactorNeeded::StepUp => "step_up_required",
        app::second_factor::SecondFactorNeeded::Enrol => "second_factor_enrolment_required",
    }
}

/// What a person is told when sign-in is paused for `seconds`, in whole minutes rounded up.
pub(crate) fn too_many_attempts_reason(seconds: i64) -> String {
    let minutes = (seconds + 59) / 60;
    let unit = if minutes == 1 { "minute" } else { "minutes" };
    format!(
        "Too many wrong passwords: signing in is paused for this account or this network. Try again in {minutes} {unit}."
    )
}

use crate::extract::words::plain;

/// A step the visit cannot take now, in a school's words: "This visit is signed out, on the way:
/// “back at school or home safe” cannot be recorded yet. What can happen next: arrived, …".
pub(crate) fn illegal_step_words(e: &IllegalStep) -> String {
    let now = domain::visit::VisitStatus::try_from(e.from.to_string())
        .map_or(e.from, |s| s.label())
        .to_lowercase();
    let next = if e.allowed.is_empty() {
        "nothing more (the visit is finished)".to_string()
    } else {
        e.allowed.join(", ")
    };
    format!(
        "This visit is {now}: “{}” cannot be recorded now. What can happen next: {next}",
        e.step
    )
}

/// An address Doorstep does not have: 404 in the JSON of every 4xx, naming no field (there is
/// no id to correct, only the address).
pub async fn not_found_fallback() -> Response {
    let reason =
        "There is no such address in Doorstep: check the link, or start from the home page";
    (
        StatusCode::NOT_FOUND,
        Json(json!({ "error": "not_found", "field": null, "reason": reason })),
    )
        .into_response()
}

/// A known address asked with a method it does not take: the same JSON shape as every 4xx.
pub async fn method_not_allowed_fallback(method: axum::http::Method) -> Response {
    let reason = format!("this address does not take a {method} request");
    (
        StatusCode::METHOD_NOT_ALLOWED,
        Json(json!({ "error": "method_not_allowed", "field": "method", "reason": reason })),
    )
        .into_response()
}

/// How long one request may take before it is answered "try again".
pub const REQUEST_TIME_LIMIT: std::time::Duration = std::time::Duration::from_secs(30);

/// Answers a request that takes longer than [`REQUEST_TIME_LIMIT`] with 408 and the same JSON as
/// every other error (a bare 408 left phones and scripts guessing).
pub async fn time_limit(req: axum::extract::Request, next: axum::middleware::Next) -> Response {
    match tokio::time::timeout(REQUEST_TIME_LIMIT, next.run(req)).await {
        Ok(response) => response,
        Err(_) => {
            tracing::warn!(
                limit.seconds = REQUEST_TIME_LIMIT.as_secs(),
                "request took too long"
            );
            let reason = "this took too long to answer and was stopped; try again";
            (
                StatusCode::REQUEST_TIMEOUT,
                Json(json!({ "error": "timeout", "field": null, "reason": reason })),
            )
                .into_response()
        }
    }
}

pub fn panic_response(_: Box<dyn std::any::Any + Send + 'static>) -> Response {
    ApiError::Internal("a request handler panicked".into()).into_response()
}
