//! Query parameters of a page (#12): read as the API reads them ([`ApiQuery`]), so a value of
//! the wrong kind (`/board?school_id=abc`, `/audit?days=x`) answers the error page naming the
//! parameter in a school's words rather than axum's plain-text "Failed to deserialize query
//! string".

use super::WebError;
use crate::extract::ApiQuery;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

/// A page's query parameters, e.g. `?school_id=3&done=1`. A missing or wrong-typed value is a
/// 400 (or 422 for a text too long) error page naming the parameter (`school_id`) and why.
pub(crate) struct PageQuery<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for PageQuery<T> {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        ApiQuery::<T>::from_request_parts(parts, state)
            .await
            .map(|ApiQuery(value)| PageQuery(value))
            .map_err(WebError::from)
    }
}
