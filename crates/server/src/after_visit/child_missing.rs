//! A6, #13: the child-missing pack of a visit whose Home Visit Slip went unanswered, as JSON and
//! as a PDF. JSON adapters of [`app::records::child_missing_pack`], which decides who reads it
//! (the DSL, a deputy DSL, the headteacher) and audits every read.

use super::{pdf, render};
use crate::AppState;
use crate::auth::CurrentStaff;
use crate::error::ApiError;
use crate::extract::Id;
use app::records;
use axum::Json;
use axum::extract::State;
use axum::response::Response;
use domain::VisitId;
use domain::monitor::ChildMissingPack;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(get_pack))
        .routes(routes!(pack_pdf))
}

/// The child-missing pack: the child, last seen, the slip (when, where, by whom), contacts tried
/// and to try, the school's instruction and cautions. Times in UTC.
#[utoipa::path(get, path = "/api/visits/{id}/child-missing", tag = "after the visit", params(("id" = i64, Path)),
    responses((status = 200, body = ChildMissingPack), (status = 403), (status = 404)))]
async fn get_pack(
    State(state): State<AppState>,
    CurrentStaff(me): CurrentStaff,
    Id(id): Id,
) -> Result<Json<ChildMissingPack>, ApiError> {
    Ok(Json(
        records::child_missing_pack(&state, &me, VisitId(id)).await?,
    ))
}

/// The child-missing pack, printable, times on the school's clock.
#[utoipa::path(get, path = "/api/visits/{id}/child-missing.pdf", tag = "after the visit", params(("id" = i64, Path)),
    responses((status = 200, description = "The child-missing pack as PDF", content_type = "application/pdf"), (status = 403), (status = 404)))]
async fn pack_pdf(
    State(state): State<AppState>,
    CurrentStaff(me): CurrentStaff,
    Id(id): Id,
) -> Result<Response, ApiError> {
    let pack = records::child_missing_pack(&state, &me, VisitId(id)).await?;
    let doc = document(&pack);
    let bytes = render(doc, documents::child_missing_pack).await?;
    Ok(pdf(bytes, &format!("child-missing-{id}.pdf")))
}

/// The pack worded for print (the documents crate takes no domain types).
pub(crate) fn document(pack: &ChildMissingPack) -> documents::ChildMissingPack {
    documents::ChildMissingPack {
        school: pack.school.clone(),
        school_phone: pack.school_phone.as_ref().map(ToString::to_string),
        child: pack.child.clone(),
        times_note: format!("Times are {} time.", pack.time_zone),
        sections: pack
            .sections()
            .into_iter()
            .map(|(h, lines)| (h.to_string(), lines))
            .collect(),
    }
}
