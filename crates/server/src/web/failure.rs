//! How a refusal is shown on a page: the status, the field, the reason in a school's words and
//! every unmet rule of the policy.

use crate::error::ApiError;
use crate::extract::words::plain;
use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};

/// One rule of the policy the visit does not meet, as the API words it.
#[derive(Debug, Clone)]
pub struct Unmet {
    pub requirement: String,
    pub why: String,
    /// The policy advises rather than requires it: a reason on the request lets it through.
    pub advisory: bool,
}

/// The API's 4xx/5xx body: `{ "error", "field", "reason" }`, plus `unmet` for policy refusals.
#[derive(Debug, Clone)]
pub struct Failure {
    pub status: StatusCode,
    pub error: String,
    pub field: Option<String>,
    pub reason: String,
    pub unmet: Vec<Unmet>,
}

impl Failure {
    pub fn internal(detail: impl Into<String>) -> Self {
        let detail = detail.into();
        tracing::error!(error = %detail, "web: unexpected answer from the API");
        Failure {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            error: "internal".into(),
            field: None,
            reason: "something went wrong on our side; it has been logged".into(),
            unmet: vec![],
        }
    }
}

/// A request that cannot be served as asked: sign in, or an error page in plain words.
#[derive(Debug)]
pub enum WebError {
    SignIn {
        next: String,
    },
    /// Safeguarding history needs a second factor: the code page, then back to this page (see
    /// [`super::second_factor::redirect_to_code_page`]).
    SecondFactor(app::second_factor::SecondFactorNeeded),
    Failed(Failure),
}

impl From<Failure> for WebError {
    fn from(f: Failure) -> Self {
        if f.status == StatusCode::UNAUTHORIZED {
            WebError::SignIn { next: "/".into() }
        } else {
            WebError::Failed(f)
        }
    }
}

impl From<ApiError> for WebError {
    fn from(e: ApiError) -> Self {
        let (status, error, field, reason, unmet) = match e {
            ApiError::Unauthenticated => return WebError::SignIn { next: "/".into() },
            ApiError::SecondFactor(needed, _) => return WebError::SecondFactor(needed),
            ApiError::BadRequest { field, reason } => (
                StatusCode::BAD_REQUEST,
                "bad_request",
                Some(field.clone()),
                plain(&field, &reason),
                vec![],
            ),
            ApiError::Invalid(f) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid",
                Some(f.field.clone()),
                plain(&f.field, &f.reason),
                vec![],
            ),
            ApiError::Forbidden(reason) => {
                (StatusCode::FORBIDDEN, "forbidden", None, reason, vec![])
            }
            ApiError::NotFound(what) => (
                StatusCode::NOT_FOUND,
                "not_found",
                None,
                format!("{what} was not found"),
                vec![],
            ),
            ApiError::Conflict { field, reason } => (
                StatusCode::CONFLICT,
                "conflict",
                Some(field.clone()),
                plain(&field, &reason),
                vec![],
            ),
            ApiError::Refused(unmet) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                "policy",
                None,
                "the school's policy does not allow this".to_string(),
                unmet
                    .into_iter()
                    .map(|u| Unmet {
                        requirement: u.requirement.to_string(),
                        why: u.why,
                        advisory: u.advisory,
                    })
                    .collect(),
            ),
            ApiError::TooManyAttempts {
                retry_after_seconds,
            } => (
                StatusCode::TOO_MANY_REQUESTS,
                "too_many_attempts",
                Some("email".to_string()),
                crate::error::too_many_attempts_reason(retry_after_seconds),
                vec![],
            ),
            ApiError::Paused { field, reason, .. } => (
                StatusCode::TOO_MANY_REQUESTS,
                "too_many_attempts",
                Some(field),
                reason,
                vec![],
            ),
            ApiError::IllegalStep(e) => (
                StatusCode::CONFLICT,
                "illegal_step",
                Some("status".to_string()),
                crate::error::illegal_step_words(&e),
                vec![],
            ),
            ApiError::Unavailable(reason) => (
                StatusCode::SERVICE_UNAVAILABLE,
                "unavailable",
                None,
                reason,
                vec![],
            ),
            ApiError::Internal(detail) => return WebError::Failed(Failure::internal(detail)),
        };
        WebError::Failed(Failure {
            status,
            error: error.to_string(),
            field,
            reason,
            unmet,
        })
    }
}

impl From<app::Refusal> for WebError {
    fn from(e: app::Refusal) -> Self {
        ApiError::from(e).into()
    }
}

impl From<app::Refusal> for Failure {
    /// A use case's refusal as the page shows it (a sign-in refusal cannot come from a use case).
    fn from(e: app::Refusal) -> Self {
        match WebError::from(e) {
            WebError::Failed(f) => f,
            WebError::SignIn { .. } => Failure::internal("a use case asked to sign in"),
            WebError::SecondFactor(needed) => Failure {
                status: StatusCode::FORBIDDEN,
                error: crate::error::second_factor_error(needed).to_string(),
                field: Some("second_factor".into()),
                reason: app::Refusal::SecondFactor(needed).to_string(),
                unmet: vec![],
            },
        }
    }
}

impl From<domain::FieldError> for WebError {
    fn from(e: domain::FieldError) -> Self {
        ApiError::Invalid(e).into()
    }
}

impl From<store::StoreError> for WebError {
    fn from(e: store::StoreError) -> Self {
        ApiError::from(e).into()
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    title: &'static str,
    /// The box the refusal is about (`visitors[0].role_on_visit`), when it names one.
    field: Option<String>,
    reason: String,
    unmet: Vec<Unmet>,
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        match self {
            WebError::SignIn { next } => {
                let next: String = form_urlencoded::byte_serialize(next.as_bytes()).collect();
                Redirect::to(&format!("/login?next={next}")).into_response()
            }
            WebError::SecondFactor(_) => {
                let mut resp = (
                    StatusCode::FORBIDDEN,
                    Html("<a href=\"/me/second-factor\">Type your authenticator code</a>"),
                )
                    .into_response();
                resp.extensions_mut()
                    .insert(super::second_factor::NeedsSecondFactor);
                resp
            }
            WebError::Failed(f) => {
                let title = match f.status {
                    StatusCode::FORBIDDEN => "Not allowed",
                    StatusCode::NOT_FOUND => "Not found",
                    s if s.is_server_error() => "Something went wrong",
                    _ => "That could not be done",
                };
                let page = ErrorPage {
                    title,
                    field: f.field.filter(|name| !name.is_empty()),
                    reason: f.reason,
                    unmet: f.unmet,
                };
                match page.render() {
                    Ok(html) => (f.status, Html(html)).into_response(),
                    Err(_) => (f.status, "Something went wrong").into_response(),
                }
            }
        }
    }
}
