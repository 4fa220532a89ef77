//! A3: a pupil's chronology as JSON and as a PDF, and A9: who has read the child's records. The
//! data, its access decision and its audit come from `app::safeguarding`; the PDF layout is this
//! adapter's.

use super::{pdf, render};
use crate::AppState;
use crate::auth::CurrentStaff;
use crate::error::ApiError;
use crate::extract::{ApiQuery, Id};
use app::safeguarding::{self as uc, Chronology, ChronologyPrint, ChronologyQuery};
use app::words::{long_date, short_datetime};
use axum::Json;
use axum::extract::State;
use axum::response::Response;
use domain::PupilId;
use store::RecordRead;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(chronology))
        .routes(routes!(chronology_pdf))
        .routes(routes!(reads))
}

/// A3: the pupil's chronology, oldest first, for the staff involved with the child, the DSL and
/// the head (A9); each read is audited.
#[utoipa::path(get, path = "/api/pupils/{id}/chronology", tag = "after the visit", params(("id" = i64, Path), ChronologyQuery),
    responses((status = 200, body = Chronology), (status = 400), (status = 404)))]
async fn chronology(
    State(state): State<AppState>,
    CurrentStaff(me): CurrentStaff,
    Id(id): Id,
    ApiQuery(q): ApiQuery<ChronologyQuery>,
) -> Result<Json<Chronology>, ApiError> {
    Ok(Json(uc::chronology(&state, &me, PupilId(id), &q).await?))
}

/// The printed chronology laid out as the `documents` crate draws it.
fn document(c: ChronologyPrint, printed_by: &str) -> documents::Chronology {
    let tz = c.tz;
    documents::Chronology {
        school: c.school.name,
        pupil_name: c.pupil.name,
        details: vec![
            documents::Field::new(
                "Date of birth",
                c.pupil.date_of_birth.format("%-d %B %Y").to_string(),
            ),
            documents::Field::new("Year group", c.pupil.year_group.unwrap_or_default()),
            documents::Field::new(
                "Home address",
                format!("{}, {}", c.household.address, c.household.postcode),
            ),
        ],
        filter: c.filter,
        entries: c
            .entries
            .iter()
            .map(|e| documents::ChronologyLine {
                when: short_datetime(e.at, tz),
                kind: e.kind.to_string(),
                summary: format!("{}\n{}", e.title, e.detail),
            })
            .collect(),
        printed: format!("Printed {} by {printed_by}", long_date(c.printed_at, tz)),
    }
}

/// The chronology as a PDF, with the same filters.
#[utoipa::path(get, path = "/api/pupils/{id}/chronology.pdf", tag = "after the visit", params(("id" = i64, Path), ChronologyQuery),
    responses((status = 200, description = "The chronology as PDF", content_type = "application/pdf"), (status = 400), (status = 404)))]
async fn chronology_pdf(
    State(state): State<AppState>,
    CurrentStaff(me): CurrentStaff,
    Id(id): Id,
    ApiQuery(q): ApiQuery<ChronologyQuery>,
) -> Result<Response, ApiError> {
    let print = uc::chronology_print(&state, &me, PupilId(id), &q).await?;
    let pupil = print.pupil.id;
    let bytes = render(document(print, &me.name), documents::chronology).await?;
    Ok(pdf(bytes, &format!("chronology-{pupil}.pdf")))
}

/// A9: who has read this child's records, and what — for the DSL and the head.
#[utoipa::path(get, path = "/api/pupils/{id}/reads", tag = "after the visit", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<RecordRead>), (status = 403), (status = 404)))]
async fn reads(
    State(state): State<AppState>,
    CurrentStaff(me): CurrentStaff,
    Id(id): Id,
) -> Result<Json<Vec<RecordRead>>, ApiError> {
    Ok(Json(uc::record_reads(&state, &me, PupilId(id)).await?))
}
