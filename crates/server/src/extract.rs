//! Extractors that refuse bad input with an [`ApiError`] naming the field.

use crate::error::ApiError;
use axum::extract::{FromRequest, FromRequestParts, Path, Query, Request};
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

/// A JSON body. A wrong content type, unreadable JSON or a wrong field is a 4xx naming the field.
pub struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let is_json = req
            .headers()
            .get(axum::http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/json"));
        if !is_json {
            return Err(ApiError::bad_request(
                "content-type",
                "send the body as application/json",
            ));
        }
        let bytes = axum::body::Bytes::from_request(req, state)
            .await
            .map_err(|e| {
                if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
                    let limit_kb = crate::BODY_LIMIT_BYTES / 1024;
                    ApiError::bad_request("body", format!("is larger than {limit_kb} KB"))
                } else {
                    ApiError::bad_request("body", e.body_text())
                }
            })?;
        // JSON writes a control character in a string as `\u00XX`; only then is the body
        // walked, to name the field holding it (PostgreSQL refuses NUL in text).
        let escaped = bytes.windows(4).any(|w| w.eq_ignore_ascii_case(b"\\u00"));
        if escaped
            && let Ok(value) = serde_json::from_slice::<serde_json::Value>(&bytes)
            && let Some(field) = crate::edge::control_in_json(&value)
        {
            let field = if field.is_empty() {
                "body".to_string()
            } else {
                field
            };
            return Err(ApiError::bad_request(field, crate::edge::CONTROL_REASON));
        }
        let de = &mut serde_json::Deserializer::from_slice(&bytes);
        match serde_path_to_error::deserialize(de) {
            Ok(value) => Ok(ApiJson(value)),
            Err(e) => {
                let path = e.path().to_string();
                let inner = e.into_inner();
                let message = inner.to_string();
                // serde names a missing field in its message; the path stops at its parent.
                let field = message
                    .strip_prefix("missing field `")
                    .and_then(|rest| rest.split('`').next())
                    .map(|missing| {
                        if path == "." {
                            missing.to_string()
                        } else {
                            format!("{path}.{missing}")
                        }
                    })
                    .unwrap_or_else(|| {
                        if path == "." {
                            "body".to_string()
                        } else {
                            path
                        }
                    });
                let reason = match message.split(" at line ").next() {
                    Some(m) => m.to_string(),
                    None => message,
                };
                Err(ApiError::bad_request(field, reason))
            }
        }
    }
}

/// Query-string parameters, e.g. `?school_id=3`. A value of the wrong kind is a 400 naming the
/// parameter, in the same JSON as every other error.
pub struct ApiQuery<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match Query::<T>::from_request_parts(parts, state).await {
            Ok(Query(value)) => Ok(ApiQuery(value)),
            Err(e) => {
                // axum reports "<prefix>: <parameter path>: <message>" or "<prefix>: <message>".
                let text = e.body_text();
                let detail = text.split_once(": ").map_or(text.as_str(), |(_, d)| d);
                let named = detail.split_once(": ").filter(|(path, _)| {
                    path.chars()
                        .all(|c| c.is_ascii_alphanumeric() || "_.[]".contains(c))
                });
                let missing = detail
                    .strip_prefix("missing field `")
                    .and_then(|rest| rest.split('`').next());
                let (field, reason) = match (named, missing) {
                    (Some((path, reason)), _) => (path.to_string(), reason.to_string()),
                    (None, Some(field)) => (field.to_string(), detail.to_string()),
                    (None, None) => ("query".to_string(), detail.to_string()),
                };
                Err(ApiError::bad_request(field, reason))
            }
        }
    }
}

/// A numeric id from the path, e.g. `/api/visits/{id}`.
pub struct Id(pub i64);

impl<S: Send + Sync> FromRequestParts<S> for Id {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let Path(raw) = Path::<String>::from_request_parts(parts, state)
            .await
            .map_err(|_| ApiError::bad_request("id", "the address needs an id"))?;
        raw.parse::<i64>()
            .ok()
            .filter(|id| *id > 0)
            .map(Id)
            .ok_or_else(|| {
                ApiError::bad_request(
                    "id",
                    format!("'{raw}' is not an id; ids are positive whole numbers"),
                )
            })
    }
}
