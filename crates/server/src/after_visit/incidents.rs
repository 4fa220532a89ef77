//! A5: incident reports as JSON — record, read, update, share with the head, list. Each handler
//! calls its use case in `app::safeguarding` (where the due time, the household block (P10) and
//! the risk assessment request (A8) are decided).

use crate::AppState;
use crate::auth::CurrentStaff;
use crate::error::ApiError;
use crate::extract::{ApiJson, ApiQuery, Id};
use app::safeguarding::{self as uc, IncidentQuery, IncidentView, NewIncidentInput, ReportInput};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use store::Incident;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_incidents, record_incident))
        .routes(routes!(get_incident, update_incident))
        .routes(routes!(submit_incident))
}

/// A5: records an incident (the factual account may follow before it is shared). Abusive or
/// aggressive incidents block the household (P10); every incident asks for the household's risk
/// assessment to be updated and signed off (A8).
#[utoipa::path(post, path = "/api/incidents", tag = "after the visit", request_body = NewIncidentInput,
    responses((status = 201, body = IncidentView), (status = 403), (status = 422)))]
async fn record_incident(
    State(state): State<AppState>,
    CurrentStaff(me): CurrentStaff,
    ApiJson(input): ApiJson<NewIncidentInput>,
) -> Result<(StatusCode, Json<IncidentView>), ApiError> {
    let view = uc::record_incident(&state, &me, &input).await?;
    Ok((StatusCode::CREATED, Json(view)))
}

#[utoipa::path(get, path = "/api/incidents/{id}", tag = "after the visit", params(("id" = i64, Path)),
    responses((status = 200, body = IncidentView), (status = 404)))]
async fn get_incident(
    State(state): State<AppState>,
    CurrentStaff(me): CurrentStaff,
    Id(id): Id,
) -> Result<Json<IncidentView>, ApiError> {
    Ok(Json(uc::incident(&state, &me, id).await?))
}

/// Changes a report its author has not yet shared with the head.
#[utoipa::path(put, path = "/api/incidents/{id}", tag = "after the visit", params(("id" = i64, Path)), request_body = ReportInput,
    responses((status = 200, body = IncidentView), (status = 403), (status = 404), (status = 409), (status = 422)))]
async fn update_incident(
    State(state): State<AppState>,
    CurrentStaff(me): CurrentStaff,
    Id(id): Id,
    ApiJson(input): ApiJson<ReportInput>,
) -> Result<Json<IncidentView>, ApiError> {
    Ok(Json(uc::update_incident(&state, &me, id, &input).await?))
}

/// A5: the author shares the finished factual report with the head; reminders stop.
#[utoipa::path(post, path = "/api/incidents/{id}/submit", tag = "after the visit", params(("id" = i64, Path)),
    responses((status = 200, body = IncidentView), (status = 403), (status = 404), (status = 409), (status = 422)))]
async fn submit_incident(
    State(state): State<AppState>,
    CurrentStaff(me): CurrentStaff,
    Id(id): Id,
) -> Result<Json<IncidentView>, ApiError> {
    Ok(Json(uc::submit_incident(&state, &me, id).await?))
}

/// The school's incident reports for the head, the DSL and reviewers; anyone else sees the
/// reports they wrote.
#[utoipa::path(get, path = "/api/incidents", tag = "after the visit", params(IncidentQuery),
    responses((status = 200, body = Vec<Incident>)))]
async fn list_incidents(
    State(state): State<AppState>,
    CurrentStaff(me): CurrentStaff,
    ApiQuery(q): ApiQuery<IncidentQuery>,
) -> Result<Json<Vec<Incident>>, ApiError> {
    Ok(Json(uc::list_incidents(&state, &me, &q).await?))
}
