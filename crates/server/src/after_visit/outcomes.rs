//! A3: the outcome of a visit (St Joseph's Home Visit Form) with its follow-up actions, the
//! visit record as a PDF, and A7 for a visit where nobody was home: a new visit linked to it.
//! JSON adapters of [`app::records`]: extract, call the use case, answer.

use crate::AppState;
use crate::auth::CurrentStaff;
use crate::error::ApiError;
use crate::extract::{ApiJson, Id};
use app::records::{self, ActionInput, DoneInput, OutcomeInput, VisitRecordView};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use domain::VisitId;
use store::FollowUpAction;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

mod record_pdf;
mod revisit;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(get_outcome, put_outcome))
        .routes(routes!(add_action))
        .routes(routes!(action_done))
        .routes(routes!(my_actions))
        .routes(routes!(record_pdf::visit_record_pdf))
        .routes(routes!(revisit::revisit))
}

/// The visit's outcome, actions and slip, for the staff involved with the child, the DSL and the
/// head (A9); each read is audited.
#[utoipa::path(get, path = "/api/visits/{id}/outcome", tag = "after the visit", params(("id" = i64, Path)),
    responses((status = 200, body = VisitRecordView), (status = 404)))]
async fn get_outcome(
    State(state): State<AppState>,
    CurrentStaff(me): CurrentStaff,
    Id(id): Id,
) -> Result<Json<VisitRecordView>, ApiError> {
    Ok(Json(records::visit_record(&state, &me, VisitId(id)).await?))
}

/// A3: records (or, with its revision, changes) the outcome and adds follow-up actions. It then
/// shows on the pupil's chronology.
#[utoipa::path(put, path = "/api/visits/{id}/outcome", tag = "after the visit", params(("id" = i64, Path)), request_body = OutcomeInput,
    responses((status = 200, body = VisitRecordView), (status = 403), (status = 404), (status = 409), (status = 422)))]
async fn put_outcome(
    State(state): State<AppState>,
    CurrentStaff(me): CurrentStaff,
    Id(id): Id,
    ApiJson(input): ApiJson<OutcomeInput>,
) -> Result<Json<VisitRecordView>, ApiError> {
    Ok(Json(
        records::record_outcome(&state, &me, VisitId(id), input).await?,
    ))
}

/// Adds one follow-up action to a visit's record.
#[utoipa::path(post, path = "/api/visits/{id}/actions", tag = "after the visit", params(("id" = i64, Path)), request_body = ActionInput,
    responses((status = 201, body = FollowUpAction), (status = 403), (status = 404), (status = 422)))]
async fn add_action(
    State(state): State<AppState>,
    CurrentStaff(me): CurrentStaff,
    Id(id): Id,
    ApiJson(input): ApiJson<ActionInput>,
) -> Result<(StatusCode, Json<FollowUpAction>), ApiError> {
    let action = records::add_action(&state, &me, VisitId(id), input).await?;
    Ok((StatusCode::CREATED, Json(action)))
}

/// Marks a follow-up action done: its owner, the staff on its visit, the DSL or the head.
#[utoipa::path(post, path = "/api/actions/{id}/done", tag = "after the visit", params(("id" = i64, Path)), request_body = DoneInput,
    responses((status = 200, body = FollowUpAction), (status = 403), (status = 404), (status = 409)))]
async fn action_done(
    State(state): State<AppState>,
    CurrentStaff(me): CurrentStaff,
    Id(id): Id,
    ApiJson(input): ApiJson<DoneInput>,
) -> Result<Json<FollowUpAction>, ApiError> {
    Ok(Json(
        records::complete_action(&state, &me, id, input).await?,
    ))
}

/// My follow-up actions not yet done, soonest due first.
#[utoipa::path(get, path = "/api/actions", tag = "after the visit", responses((status = 200, body = Vec<FollowUpAction>)))]
async fn my_actions(
    State(state): State<AppState>,
    CurrentStaff(me): CurrentStaff,
) -> Result<Json<Vec<FollowUpAction>>, ApiError> {
    Ok(Json(records::my_actions(&state, &me).await?))
}
