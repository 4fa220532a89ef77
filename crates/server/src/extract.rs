//! Extractors that refuse bad input with an [`ApiError`] naming the field.

use crate::error::ApiError;
use axum::extract::{FromRequest, FromRequestParts, Path, Request};
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

pub(crate) mod words;

/// A JSON body. A wrong content type, unreadable JSON or a wrong field is a 400 naming the field
/// by its path (`visitors[1].staff_id`) with the reason in a school office's words
/// ("Enter when you plan to arrive"); a body over [`crate::BODY_LIMIT_BYTES`] names the field
/// that was too long.
pub struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, _state: &S) -> Result<Self, Self::Rejection> {
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
        let bytes = match read_limited(req.into_body()).await? {
            Whole(bytes) => bytes,
            Cut(prefix) => return Err(too_large(&prefix)),
        };
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
                let (line, column) = (inner.line(), inner.column());
                // Cut off inside a field: name the field that was being read.
                if inner.is_eof() && path != "." {
                    return Err(ApiError::bad_request(
                        path,
                        format!(
                            "the request stops before this is complete (EOF at line {line}, \
                             column {column}); send it again"
                        ),
                    ));
                }
                if inner.is_syntax() || inner.is_eof() {
                    return Err(ApiError::bad_request(
                        "body",
                        format!("is not readable JSON (line {line}, column {column})"),
                    ));
                }
                let mut field = words::field_of(&path, &message);
                // A flattened part of the body loses its path: find the value refused.
                if field == "body"
                    && let Some(found) = words::holder_of(&bytes, &message)
                {
                    field = found;
                }
                let reason = words::reason(&field, &message);
                Err(refused(field, reason, &message))
            }
        }
    }
}

/// A JSON body that may be left out: a safety tap (`/panic`, `/check-in`, `/arrived`…) sent
/// with no body and no Content-Type is read as the input's defaults, as the phone's one-tap
/// buttons and `curl -X POST` send it. A body that is there is read as [`ApiJson`] reads it.
pub struct OptionalJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Default> FromRequest<S> for OptionalJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let (parts, body) = req.into_parts();
        let typed = parts.headers.contains_key(axum::http::header::CONTENT_TYPE);
        // An empty body is "nothing to add", whatever the content type: a panic is never
        // refused for how an empty request was labelled.
        let bytes = match read_limited(body).await? {
            Whole(bytes) if bytes.iter().all(u8::is_ascii_whitespace) => {
                return Ok(OptionalJson(T::default()));
            }
            Whole(bytes) => bytes.to_vec(),
            // Still over the limit when read again, so the refusal names the same field.
            Cut(mut bytes) => {
                bytes.push(b' ');
                bytes
            }
        };
        if !typed {
            return Err(ApiError::bad_request(
                "content-type",
                "send the body as application/json",
            ));
        }
        let req = Request::from_parts(parts, axum::body::Body::from(bytes));
        ApiJson::from_request(req, state)
            .await
            .map(|ApiJson(v)| OptionalJson(v))
    }
}

/// A text that is readable but empty or too long is a value the school must change (422, as the
/// use cases answer it); anything else the request could not be read as (400).
fn refused(field: String, reason: String, message: &str) -> ApiError {
    if domain::text::is_value_refusal(message) {
        ApiError::Invalid(domain::FieldError { field, reason })
    } else {
        ApiError::bad_request(field, reason)
    }
}

pub(crate) enum Body {
    Whole(axum::body::Bytes),
    /// The first [`crate::BODY_LIMIT_BYTES`] of a longer body.
    Cut(Vec<u8>),
}
pub(crate) use Body::{Cut, Whole};

/// Reads a body up to the limit, keeping what came before it when it is longer, so the field
/// being written when the limit was reached can be named.
pub(crate) async fn read_limited(body: axum::body::Body) -> Result<Body, ApiError> {
    use futures_util::StreamExt;
    let limit = crate::BODY_LIMIT_BYTES;
    let mut stream = body.into_data_stream();
    let mut buf: Vec<u8> = Vec::new();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk
            .map_err(|_| ApiError::bad_request("body", "the request was cut off; send it again"))?;
        buf.extend_from_slice(&chunk);
        if buf.len() > limit {
            buf.truncate(limit);
            return Ok(Cut(buf));
        }
    }
    Ok(Whole(buf.into()))
}

/// The refusal of a body over the limit: decoding its start stops at the end of what was read,
/// and the path there is the field that was too long (`hazards[0].detail`).
fn too_large(prefix: &[u8]) -> ApiError {
    let limit_kb = crate::BODY_LIMIT_BYTES / 1024;
    let de = &mut serde_json::Deserializer::from_slice(prefix);
    let field = match serde_path_to_error::deserialize::<_, serde_json::Value>(de) {
        Err(e) if e.path().to_string() != "." => e.path().to_string(),
        _ => "body".to_string(),
    };
    ApiError::bad_request(
        field,
        format!("is too long: a request may be at most {limit_kb} KB in all"),
    )
}

/// Query-string parameters, e.g. `?school_id=3`. A value of the wrong kind, or a missing one, is
/// a 400 naming the parameter in a school office's words, in the same JSON as every other error.
pub struct ApiQuery<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let query = parts.uri.query().unwrap_or_default();
        let de = serde_urlencoded::Deserializer::new(form_urlencoded::parse(query.as_bytes()));
        match serde_path_to_error::deserialize(de) {
            Ok(value) => Ok(ApiQuery(value)),
            Err(e) => {
                let path = e.path().to_string();
                let message = e.into_inner().to_string();
                let field = words::field_of(&path, &message);
                let field = if field == "body" {
                    "query".to_string()
                } else {
                    field
                };
                let reason = words::reason(&field, &message);
                // A well-formed value that is none of the filter's choices (`?status=gone`) is
                // refused like a form's bad answer: 422 naming the parameter and its choices.
                if message.starts_with("unknown variant `") {
                    return Err(ApiError::Invalid(domain::FieldError { field, reason }));
                }
                Err(refused(field, reason, &message))
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
