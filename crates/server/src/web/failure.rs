//! How a refusal is shown on a page: the status, the field, the reason in a school's words and
//! every unmet rule of the policy.

use axum::http::StatusCode;

/// One rule of the policy the visit does not meet, as the API words it.
#[derive(Debug, Clone)]
pub struct Unmet {
    pub requirement: String,
    pub why: String,
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
