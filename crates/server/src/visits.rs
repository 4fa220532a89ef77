//! Visits over JSON: plan, read, policy check, and the steps of a visit's life. Each handler
//! reads its input, calls the use case in [`app::visits`] and answers with its result.

mod steps;

use crate::AppState;
use crate::auth::CurrentStaff;
use crate::error::ApiError;
use crate::extract::{ApiJson, ApiQuery, Id};
use app::visits::{
    self, ConcernInput, PolicyCheck, RescheduleInput, ResolveInput, UpdateVisitInput, VisitDetail,
    VisitPlanInput, VisitQuery,
};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use domain::{SafetyConcernId, VisitId};
use serde::Deserialize;
use steps::{
    __path_arrived, __path_authorise_visit, __path_cancel_at_door, __path_cancel_visit,
    __path_complete_record, __path_decline_visit, __path_left_property, __path_nobody_home,
    __path_request_changes, __path_request_visit, __path_returned, __path_sign_out,
    __path_turn_back, arrived, authorise_visit, cancel_at_door, cancel_visit, complete_record,
    decline_visit, left_property, nobody_home, request_changes, request_visit, returned, sign_out,
    turn_back,
};
use store::{SafetyConcern, VisitSummary};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_visits, create_visit))
        .routes(routes!(get_visit, update_visit))
        .routes(routes!(policy_check))
        .routes(routes!(request_visit))
        .routes(routes!(authorise_visit))
        .routes(routes!(decline_visit))
        .routes(routes!(request_changes))
        .routes(routes!(sign_out))
        .routes(routes!(arrived))
        .routes(routes!(nobody_home))
        .routes(routes!(left_property))
        .routes(routes!(returned))
        .routes(routes!(complete_record))
        .routes(routes!(cancel_visit))
        .routes(routes!(cancel_at_door))
        .routes(routes!(turn_back))
        .routes(routes!(reschedule_visit))
        .routes(routes!(raise_concern))
        .routes(routes!(resolve_concern))
}

/// Visits this person may see: their own, or their school's (their trust's) for leaders and the office.
#[utoipa::path(get, path = "/api/visits", tag = "visits", params(VisitQuery), responses((status = 200, body = Vec<VisitSummary>)))]
async fn list_visits(
    State(state): State<AppState>,
    CurrentStaff(me): CurrentStaff,
    ApiQuery(q): ApiQuery<VisitQuery>,
) -> Result<Json<Vec<VisitSummary>>, ApiError> {
    Ok(Json(visits::list(&state, &me, q).await?))
}

/// Plans a visit (a draft). The answer carries every rule still unmet for the request.
#[utoipa::path(post, path = "/api/visits", tag = "visits", request_body = VisitPlanInput,
    responses((status = 201, body = VisitDetail), (status = 400), (status = 422)))]
async fn create_visit(
    State(state): State<AppState>,
    CurrentStaff(me): CurrentStaff,
    ApiJson(input): ApiJson<VisitPlanInput>,
) -> Result<(StatusCode, Json<VisitDetail>), ApiError> {
    let detail = visits::create(&state, &me, input).await?;
    Ok((StatusCode::CREATED, Json(detail)))
}

#[utoipa::path(get, path = "/api/visits/{id}", tag = "visits", params(("id" = i64, Path)), responses((status = 200, body = VisitDetail), (status = 404)))]
async fn get_visit(
    State(state): State<AppState>,
    CurrentStaff(me): CurrentStaff,
    Id(id): Id,
) -> Result<Json<VisitDetail>, ApiError> {
    Ok(Json(visits::get(&state, &me, VisitId(id)).await?))
}

/// Changes a draft, or a plan the authoriser asked to change.
#[utoipa::path(put, path = "/api/visits/{id}", tag = "visits", params(("id" = i64, Path)), request_body = UpdateVisitInput,
    responses((status = 200, body = VisitDetail), (status = 404), (status = 409), (status = 422)))]
async fn update_visit(
    State(state): State<AppState>,
    CurrentStaff(me): CurrentStaff,
    Id(id): Id,
    ApiJson(input): ApiJson<UpdateVisitInput>,
) -> Result<Json<VisitDetail>, ApiError> {
    Ok(Json(visits::update(&state, &me, VisitId(id), input).await?))
}

#[derive(Deserialize, utoipa::IntoParams)]
struct StageQuery {
    /// request, authorise or sign_out; defaults to the visit's next step.
    stage: Option<String>,
}

/// Every rule of the school's policy the visit does not yet meet, in plain words.
#[utoipa::path(get, path = "/api/visits/{id}/policy-check", tag = "visits", params(("id" = i64, Path), StageQuery),
    responses((status = 200, body = PolicyCheck), (status = 404)))]
async fn policy_check(
    State(state): State<AppState>,
    CurrentStaff(me): CurrentStaff,
    Id(id): Id,
    ApiQuery(q): ApiQuery<StageQuery>,
) -> Result<Json<PolicyCheck>, ApiError> {
    let check = visits::policy_check_named(&state, &me, VisitId(id), q.stage.as_deref());
    Ok(Json(check.await?))
}

/// A7: a new draft visit with the same plan at new times, linked to this one.
#[utoipa::path(post, path = "/api/visits/{id}/reschedule", tag = "visits", params(("id" = i64, Path)), request_body = RescheduleInput,
    responses((status = 201, body = VisitDetail), (status = 409), (status = 422)))]
async fn reschedule_visit(
    State(state): State<AppState>,
    CurrentStaff(me): CurrentStaff,
    Id(id): Id,
    ApiJson(input): ApiJson<RescheduleInput>,
) -> Result<(StatusCode, Json<VisitDetail>), ApiError> {
    let detail = visits::reschedule(&state, &me, VisitId(id), input).await?;
    Ok((StatusCode::CREATED, Json(detail)))
}

/// P11: a member of staff refuses or raises a safety concern; the visit waits until it is dealt with.
#[utoipa::path(post, path = "/api/visits/{id}/concerns", tag = "visits", params(("id" = i64, Path)), request_body = ConcernInput,
    responses((status = 201, body = SafetyConcern), (status = 403), (status = 404)))]
async fn raise_concern(
    State(state): State<AppState>,
    CurrentStaff(me): CurrentStaff,
    Id(id): Id,
    ApiJson(input): ApiJson<ConcernInput>,
) -> Result<(StatusCode, Json<SafetyConcern>), ApiError> {
    let concern = visits::raise_concern(&state, &me, VisitId(id), input).await?;
    Ok((StatusCode::CREATED, Json(concern)))
}

/// P11: an authoriser deals with a staff safety concern.
#[utoipa::path(post, path = "/api/concerns/{id}/resolve", tag = "visits", params(("id" = i64, Path)), request_body = ResolveInput,
    responses((status = 200, body = SafetyConcern), (status = 403), (status = 404), (status = 409)))]
async fn resolve_concern(
    State(state): State<AppState>,
    CurrentStaff(me): CurrentStaff,
    Id(id): Id,
    ApiJson(input): ApiJson<ResolveInput>,
) -> Result<Json<SafetyConcern>, ApiError> {
    let concern = visits::resolve_concern(&state, &me, SafetyConcernId(id), input).await?;
    Ok(Json(concern))
}
