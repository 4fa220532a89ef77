//! A9: breaking the glass on a child's records with a reason, the DSL's list of every opening,
//! and involvement granted by the DSL or the head — as JSON. The use cases in
//! `app::safeguarding` decide access, alert the DSL and audit.

use crate::AppState;
use crate::auth::CurrentStaff;
use crate::error::ApiError;
use crate::extract::{ApiJson, ApiQuery, Id};
use app::safeguarding::{self as uc, BreakGlassInput, GrantInput};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use domain::PupilId;
use serde::Deserialize;
use store::{BreakGlass, InvolvementGrant};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(break_glass))
        .routes(routes!(break_glass_list))
        .routes(routes!(grant, grants))
        .routes(routes!(revoke))
}

/// Opens the child's records outside one's involvement for the time the policy sets, with a
/// reason; the DSL is told at once. Recorded and reviewed.
#[utoipa::path(post, path = "/api/pupils/{id}/break-glass", tag = "after the visit", params(("id" = i64, Path)), request_body = BreakGlassInput,
    responses((status = 201, body = BreakGlass), (status = 404), (status = 409), (status = 422)))]
async fn break_glass(
    State(state): State<AppState>,
    CurrentStaff(me): CurrentStaff,
    Id(id): Id,
    ApiJson(input): ApiJson<BreakGlassInput>,
) -> Result<(StatusCode, Json<BreakGlass>), ApiError> {
    let opened = uc::break_glass(&state, &me, PupilId(id), &input, state.now()).await?;
    Ok((StatusCode::CREATED, Json(opened)))
}

#[derive(Deserialize, utoipa::IntoParams)]
struct SchoolQuery {
    /// A school of the person's trust; their own when left out.
    school_id: Option<i64>,
}

/// Every break-glass of the school, newest first, with the reasons: for the DSL and the head.
#[utoipa::path(get, path = "/api/break-glass", tag = "after the visit", params(SchoolQuery),
    responses((status = 200, body = Vec<BreakGlass>), (status = 403)))]
async fn break_glass_list(
    State(state): State<AppState>,
    CurrentStaff(me): CurrentStaff,
    ApiQuery(q): ApiQuery<SchoolQuery>,
) -> Result<Json<Vec<BreakGlass>>, ApiError> {
    Ok(Json(uc::break_glass_list(&state, &me, q.school_id).await?))
}

/// The DSL or the head grants a member of staff involvement with the child until a date.
#[utoipa::path(post, path = "/api/pupils/{id}/involvement", tag = "after the visit", params(("id" = i64, Path)), request_body = GrantInput,
    responses((status = 201, body = InvolvementGrant), (status = 403), (status = 404), (status = 422)))]
async fn grant(
    State(state): State<AppState>,
    CurrentStaff(me): CurrentStaff,
    Id(id): Id,
    ApiJson(input): ApiJson<GrantInput>,
) -> Result<(StatusCode, Json<InvolvementGrant>), ApiError> {
    let g = uc::grant_involvement(&state, &me, PupilId(id), &input, state.now()).await?;
    Ok((StatusCode::CREATED, Json(g)))
}

/// The child's grants, newest first, ended ones included: for the DSL and the head.
#[utoipa::path(get, path = "/api/pupils/{id}/involvement", tag = "after the visit", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<InvolvementGrant>), (status = 403), (status = 404)))]
async fn grants(
    State(state): State<AppState>,
    CurrentStaff(me): CurrentStaff,
    Id(id): Id,
) -> Result<Json<Vec<InvolvementGrant>>, ApiError> {
    Ok(Json(
        uc::involvement_grants(&state, &me, PupilId(id)).await?,
    ))
}

/// Ends a grant now.
#[utoipa::path(post, path = "/api/involvement/{id}/revoke", tag = "after the visit", params(("id" = i64, Path)),
    responses((status = 200, body = InvolvementGrant), (status = 403), (status = 404), (status = 409)))]
async fn revoke(
    State(state): State<AppState>,
    CurrentStaff(me): CurrentStaff,
    Id(id): Id,
) -> Result<Json<InvolvementGrant>, ApiError> {
    Ok(Json(
        uc::revoke_involvement(&state, &me, id, state.now()).await?,
    ))
}
