//! A4: safeguarding concerns to the DSL — raise, read, acknowledge, list — as JSON. Each handler
//! calls its use case in `app::safeguarding`, which decides access and audits.

use crate::AppState;
use crate::auth::CurrentStaff;
use crate::error::ApiError;
use crate::extract::{ApiJson, ApiQuery, Id};
use app::safeguarding::{self as uc, AcknowledgeInput, ConcernInput, ConcernQuery, Raised};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use domain::PupilId;
use store::SafeguardingConcern;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(raise))
        .routes(routes!(list))
        .routes(routes!(get_concern))
        .routes(routes!(acknowledge))
}

/// A4: any member of staff at the school raises a concern about a child; the DSL is told at
/// once. Raising needs no access to the child's records.
#[utoipa::path(post, path = "/api/pupils/{id}/safeguarding-concerns", tag = "after the visit", params(("id" = i64, Path)), request_body = ConcernInput,
    responses((status = 201, body = Raised), (status = 404), (status = 422)))]
async fn raise(
    State(state): State<AppState>,
    CurrentStaff(me): CurrentStaff,
    Id(id): Id,
    ApiJson(input): ApiJson<ConcernInput>,
) -> Result<(StatusCode, Json<Raised>), ApiError> {
    let raised = uc::raise_concern(&state, &me, PupilId(id), &input).await?;
    Ok((StatusCode::CREATED, Json(raised)))
}

#[utoipa::path(get, path = "/api/safeguarding-concerns/{id}", tag = "after the visit", params(("id" = i64, Path)),
    responses((status = 200, body = SafeguardingConcern), (status = 404)))]
async fn get_concern(
    State(state): State<AppState>,
    CurrentStaff(me): CurrentStaff,
    Id(id): Id,
) -> Result<Json<SafeguardingConcern>, ApiError> {
    Ok(Json(uc::concern(&state, &me, id).await?))
}

/// The DSL has the concern in hand and records what they decided.
#[utoipa::path(post, path = "/api/safeguarding-concerns/{id}/acknowledge", tag = "after the visit", params(("id" = i64, Path)), request_body = AcknowledgeInput,
    responses((status = 200, body = SafeguardingConcern), (status = 403), (status = 404), (status = 409)))]
async fn acknowledge(
    State(state): State<AppState>,
    CurrentStaff(me): CurrentStaff,
    Id(id): Id,
    ApiJson(input): ApiJson<AcknowledgeInput>,
) -> Result<Json<SafeguardingConcern>, ApiError> {
    Ok(Json(
        uc::acknowledge_concern(&state, &me, id, &input).await?,
    ))
}

/// The school's safeguarding concerns, newest first: for the DSL, the safeguarding team and the head.
#[utoipa::path(get, path = "/api/safeguarding-concerns", tag = "after the visit", params(ConcernQuery),
    responses((status = 200, body = Vec<SafeguardingConcern>), (status = 403)))]
async fn list(
    State(state): State<AppState>,
    CurrentStaff(me): CurrentStaff,
    ApiQuery(q): ApiQuery<ConcernQuery>,
) -> Result<Json<Vec<SafeguardingConcern>>, ApiError> {
    Ok(Json(uc::list_concerns(&state, &me, &q).await?))
}
