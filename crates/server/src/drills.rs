//! Practice alarms (drills, #11 item 9) as JSON and CSV: start one on a visit that is out or on a
//! practice visit, end
//! it, and the drill report for governors. Thin adapters over `app::drills`, which decides who
//! may and audits each start, acknowledgement, end and report read. Drills are acknowledged
//! like any alarm (`/api/alarms/{id}/acknowledge`).

use crate::AppState;
use crate::auth::CurrentStaff;
use crate::error::ApiError;
use crate::exports::{csv_download, neutralise};
use crate::extract::{ApiJson, ApiQuery, Id};
use app::drills::{self, DrillReport, StartDrill};
use app::reports::ReportQuery;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(report, start))
        .routes(routes!(report_csv))
        .routes(routes!(end))
}

/// The drill just started.
#[derive(Serialize, utoipa::ToSchema)]
struct Started {
    /// The drill's alarm id: acknowledge it as any alarm, end it at `/api/drills/{id}/end`.
    drill_id: i64,
}

/// The school's drills over a term (`term` this/last) or `from`/`to` dates: per rung when it was
/// sent, when and by whom the drill was acknowledged and how long it took (seconds), and the
/// median. For the head and DSL, and the governors' report readers; each read is audited.
#[utoipa::path(get, path = "/api/drills", tag = "drills", params(ReportQuery),
    responses((status = 200, body = DrillReport), (status = 403), (status = 422)))]
async fn report(
    State(state): State<AppState>,
    CurrentStaff(me): CurrentStaff,
    ApiQuery(q): ApiQuery<ReportQuery>,
) -> Result<Json<DrillReport>, ApiError> {
    Ok(Json(drills::report_for(&state, &me, &q).await?))
}

/// The drill report as CSV, one row per rung sent (UTF-8 with a byte-order mark; times on the
/// school's clock; cells a spreadsheet would run as a formula start with `'`).
#[utoipa::path(get, path = "/api/drills.csv", tag = "drills", params(ReportQuery),
    responses((status = 200, description = "The drills as CSV", content_type = "text/csv"), (status = 403), (status = 422)))]
async fn report_csv(
    State(state): State<AppState>,
    CurrentStaff(me): CurrentStaff,
    ApiQuery(q): ApiQuery<ReportQuery>,
) -> Result<Response, ApiError> {
    let report = drills::report_for(&state, &me, &q).await?;
    Ok(csv_response(&report))
}

/// The CSV download, shared with the page.
pub(crate) fn csv_response(report: &DrillReport) -> Response {
    let mut table = report.table();
    for row in &mut table.rows {
        for cell in row.iter_mut() {
            *cell = neutralise(cell);
        }
    }
    let bytes = format!("\u{feff}{}", table.to_csv()).into_bytes();
    let file = format!("drills-{}-{}.csv", report.range.from, report.range.to);
    csv_download(bytes, &file)
}

/// Starts a drill: `{"visit_id": N, "kind": K}` on a visit that is out, or
/// `{"practice": {"visitor_ids": [..], "buddy_staff_id": N}, "kind": K}` on a new practice visit
/// (no pupil, household or address; never in the chronology, governors' report, exports or
/// calendar feeds). `kind`: `missed_check_in` (when left out), `panic`, `overdue_return`,
/// `overdue_leaving` or `duress`. The school's real ladder for that kind, every message marked
/// DRILL, the police-contact rung without the real information pack. Head and DSL only; 422
/// names the field (`visit_id`, `practice.visitor_ids[0]`, `practice.buddy_staff_id`, `kind`).
#[utoipa::path(post, path = "/api/drills", tag = "drills", request_body = StartDrill,
    responses((status = 201, body = Started), (status = 403), (status = 422)))]
async fn start(
    State(state): State<AppState>,
    CurrentStaff(me): CurrentStaff,
    ApiJson(body): ApiJson<StartDrill>,
) -> Result<Response, ApiError> {
    let drill_id = drills::start(&state, &me, &body, state.now()).await?;
    Ok((StatusCode::CREATED, Json(Started { drill_id })).into_response())
}

/// Ends a drill: its ladder stops and everyone it reached is told. Head and DSL only.
#[utoipa::path(post, path = "/api/drills/{id}/end", tag = "drills", params(("id" = i64, Path)),
    responses((status = 204), (status = 403), (status = 404), (status = 409)))]
async fn end(
    State(state): State<AppState>,
    CurrentStaff(me): CurrentStaff,
    Id(id): Id,
) -> Result<StatusCode, ApiError> {
    drills::end(&state, &me, id, state.now()).await?;
    Ok(StatusCode::NO_CONTENT)
}
