//! After the visit: outcomes and follow-up actions (A3), the pupil's chronology, Home Visit Slips
//! (D9, A6), incident reports (A5), safeguarding concerns (A4), records for the head only (A10),
//! documents, exports and calendar links (G4, P7).
//!
//! Need-to-know (A9) lives here too: a visit's record and a pupil's chronology are readable only by
//! the staff involved with that child, the DSL (and safeguarding team) and the head. Anyone else
//! is told "not found", and every read is written to the audit trail against the child.

mod calendar;
mod child_missing;
mod chronology;
mod concerns;
mod head_only;
mod incidents;
mod involvement;
mod outcomes;
mod slips;

use crate::AppState;
use crate::error::ApiError;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use utoipa_axum::router::OpenApiRouter;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .merge(outcomes::router())
        .merge(chronology::router())
        .merge(slips::router())
        .merge(child_missing::router())
        .merge(incidents::router())
        .merge(concerns::router())
        .merge(head_only::router())
        .merge(involvement::router())
        .merge(calendar::router())
}

/// Renders a document off the async threads (STYLE: PDF work in `spawn_blocking`).
pub(crate) async fn render<T: Send + 'static>(
    doc: T,
    f: fn(&T) -> Vec<u8>,
) -> Result<Vec<u8>, ApiError> {
    tokio::task::spawn_blocking(move || f(&doc))
        .await
        .map_err(ApiError::internal)
}

/// A PDF answer that browsers show inline and nobody caches.
pub(crate) fn pdf(bytes: Vec<u8>, filename: &str) -> Response {
    (
        [
            (header::CONTENT_TYPE, "application/pdf".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("inline; filename=\"{filename}\""),
            ),
            (header::CACHE_CONTROL, "no-store".to_string()),
        ],
        bytes,
    )
        .into_response()
}
