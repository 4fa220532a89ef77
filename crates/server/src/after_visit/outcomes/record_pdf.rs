//! The visit record as St Joseph's Home Visit Form, printable (G4): the use case fills the form
//! (and audits the read); this renders it.

use super::super::{pdf, render};
use crate::AppState;
use crate::auth::CurrentStaff;
use crate::error::ApiError;
use crate::extract::Id;
use axum::extract::State;
use axum::response::Response;
use domain::VisitId;

/// The visit record (Home Visit Form with outcome, action required and follow-up actions) as a
/// PDF, for the staff involved with the child, the DSL and the head (A9); audited.
#[utoipa::path(get, path = "/api/visits/{id}/record.pdf", tag = "after the visit", params(("id" = i64, Path)),
    responses((status = 200, description = "The Home Visit Form as PDF", content_type = "application/pdf"), (status = 404)))]
pub(super) async fn visit_record_pdf(
    State(state): State<AppState>,
    CurrentStaff(me): CurrentStaff,
    Id(id): Id,
) -> Result<Response, ApiError> {
    let record = app::records::visit_record_document(&state, &me, VisitId(id)).await?;
    let bytes = render(record, documents::visit_record).await?;
    Ok(pdf(bytes, &format!("home-visit-form-{id}.pdf")))
}
