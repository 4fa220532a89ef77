//! Risk assessments (P8): the questionnaire and hazard matrix, senior sign-off, and staff
//! acknowledging they have read it (G2). JSON adapters of [`app::school_admin`]'s use cases.

use crate::AppState;
use crate::auth::CurrentStaff;
use crate::error::ApiError;
use crate::extract::{ApiJson, Id};
use app::school_admin::{self as uc, AssessmentDetail, NewAssessmentInput, SignOffInput};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use domain::{HouseholdId, RiskAssessmentId};
use store::RiskAssessment;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_assessments, create_assessment))
        .routes(routes!(get_assessment))
        .routes(routes!(sign_off))
        .routes(routes!(acknowledge))
}

#[utoipa::path(get, path = "/api/households/{id}/risk-assessments", tag = "risk", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<RiskAssessment>), (status = 404)))]
async fn list_assessments(
    State(state): State<AppState>,
    CurrentStaff(me): CurrentStaff,
    Id(id): Id,
) -> Result<Json<Vec<RiskAssessment>>, ApiError> {
    Ok(Json(uc::assessments(&state, &me, HouseholdId(id)).await?))
}

/// Completes a risk assessment for the household; the newest one is what visits are judged by.
#[utoipa::path(post, path = "/api/households/{id}/risk-assessments", tag = "risk", params(("id" = i64, Path)), request_body = NewAssessmentInput,
    responses((status = 201, body = AssessmentDetail), (status = 404), (status = 422)))]
async fn create_assessment(
    State(state): State<AppState>,
    CurrentStaff(me): CurrentStaff,
    Id(id): Id,
    ApiJson(input): ApiJson<NewAssessmentInput>,
) -> Result<(StatusCode, Json<AssessmentDetail>), ApiError> {
    let now = state.now();
    let detail = uc::create_assessment(&state, &me, HouseholdId(id), &input, now).await?;
    Ok((StatusCode::CREATED, Json(detail)))
}

#[utoipa::path(get, path = "/api/risk-assessments/{id}", tag = "risk", params(("id" = i64, Path)),
    responses((status = 200, body = AssessmentDetail), (status = 404)))]
async fn get_assessment(
    State(state): State<AppState>,
    CurrentStaff(me): CurrentStaff,
    Id(id): Id,
) -> Result<Json<AssessmentDetail>, ApiError> {
    Ok(Json(
        uc::assessment(&state, &me, RiskAssessmentId(id)).await?,
    ))
}

/// P8: the senior sign-off the policy names.
#[utoipa::path(post, path = "/api/risk-assessments/{id}/sign-off", tag = "risk", params(("id" = i64, Path)), request_body = SignOffInput,
    responses((status = 200, body = AssessmentDetail), (status = 403), (status = 404), (status = 409)))]
async fn sign_off(
    State(state): State<AppState>,
    CurrentStaff(me): CurrentStaff,
    Id(id): Id,
    ApiJson(input): ApiJson<SignOffInput>,
) -> Result<Json<AssessmentDetail>, ApiError> {
    let now = state.now();
    Ok(Json(
        uc::sign_off_assessment(&state, &me, RiskAssessmentId(id), &input, now).await?,
    ))
}

/// G2: "I have read and understand the risk assessment."
#[utoipa::path(post, path = "/api/risk-assessments/{id}/acknowledge", tag = "risk", params(("id" = i64, Path)),
    responses((status = 200, body = AssessmentDetail), (status = 404)))]
async fn acknowledge(
    State(state): State<AppState>,
    CurrentStaff(me): CurrentStaff,
    Id(id): Id,
) -> Result<Json<AssessmentDetail>, ApiError> {
    let now = state.now();
    Ok(Json(
        uc::acknowledge_assessment(&state, &me, RiskAssessmentId(id), now).await?,
    ))
}
