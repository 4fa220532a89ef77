//! Calling the JSON API in-process, as the signed-in person. A form handler sends exactly the
//! JSON the phone's `fetch` would send, so the API's checks, refusals and audit apply unchanged.

use axum::Router;
use axum::body::Body;
use axum::http::header::{CONTENT_TYPE, COOKIE, SET_COOKIE};
use axum::http::{HeaderValue, Method, Request, StatusCode};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use tower::ServiceExt;

/// The API router with its state, shared by every web handler.
#[derive(Clone)]
pub struct Api {
    router: Router,
}

/// What the API answered on success.
pub struct Answer {
    pub body: serde_json::Value,
    pub text: String,
    pub set_cookies: Vec<HeaderValue>,
}

impl Answer {
    pub fn json<T: DeserializeOwned>(&self) -> Result<T, Failure> {
        serde_json::from_value(self.body.clone()).map_err(|e| Failure::internal(e.to_string()))
    }
}

/// One rule of the policy the visit does not meet, as the API words it.
#[derive(Debug, Clone, Deserialize)]
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

#[derive(Deserialize)]
struct FailureBody {
    #[serde(default)]
    error: String,
    field: Option<String>,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    unmet: Vec<Unmet>,
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

    /// A refusal the person can fix by changing what they typed (as opposed to "sign in",
    /// "not allowed", "not found" or a server fault, which get their own page).
    pub fn is_fixable(&self) -> bool {
        matches!(
            self.status,
            StatusCode::BAD_REQUEST | StatusCode::UNPROCESSABLE_ENTITY | StatusCode::CONFLICT
        )
    }
}

impl Api {
    pub fn new(router: Router) -> Self {
        Api { router }
    }

    /// Sends one request to the API with the caller's cookie and reads the answer.
    pub async fn send(
        &self,
        cookie: Option<&HeaderValue>,
        method: Method,
        path: &str,
        body: Option<&serde_json::Value>,
    ) -> Result<Answer, Failure> {
        let mut req = Request::builder()
            .method(method)
            .uri(path)
            .header(axum::http::header::ACCEPT, "application/json");
        if let Some(c) = cookie {
            req = req.header(COOKIE, c);
        }
        let req = match body {
            Some(json) => req
                .header(CONTENT_TYPE, "application/json")
                .body(Body::from(json.to_string())),
            None => req.body(Body::empty()),
        }
        .map_err(|e| Failure::internal(e.to_string()))?;
        let resp = self
            .router
            .clone()
            .oneshot(req)
            .await
            .map_err(|e| Failure::internal(e.to_string()))?;
        let status = resp.status();
        let set_cookies: Vec<HeaderValue> =
            resp.headers().get_all(SET_COOKIE).iter().cloned().collect();
        let bytes = axum::body::to_bytes(resp.into_body(), 8 * 1024 * 1024)
            .await
            .map_err(|e| Failure::internal(e.to_string()))?;
        if status.is_success() {
            let text = String::from_utf8_lossy(&bytes).into_owned();
            let body = if bytes.is_empty() {
                serde_json::Value::Null
            } else {
                serde_json::from_slice(&bytes).unwrap_or(serde_json::Value::Null)
            };
            return Ok(Answer {
                body,
                text,
                set_cookies,
            });
        }
        let parsed: FailureBody = serde_json::from_slice(&bytes).map_err(|_| {
            Failure::internal(format!(
                "{status}: {}",
                String::from_utf8_lossy(&bytes)
                    .chars()
                    .take(200)
                    .collect::<String>()
            ))
        })?;
        Err(Failure {
            status,
            error: parsed.error,
            field: parsed.field,
            reason: parsed.reason,
            unmet: parsed.unmet,
        })
    }
}
