//! Risk assessments (P8): the questionnaire and hazard matrix, senior sign-off, and staff
//! acknowledging they have read it (G2).

use crate::AppState;
use crate::access::{self, require_any};
use crate::auth::CurrentStaff;
use crate::error::ApiError;
use crate::extract::{ApiJson, Id};
use crate::households::visible_household;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use domain::inputs;
use domain::risk::RiskAssessmentInput;
use domain::{HouseholdId, RiskAssessmentId, StaffId, VisitId};
use serde::{Deserialize, Serialize};
use store::{NewRiskAssessment, RiskAssessment, Staff};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_assessments, create_assessment))
        .routes(routes!(get_assessment))
        .routes(routes!(sign_off))
        .routes(routes!(acknowledge))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct NewAssessmentInput {
    /// The visit this assessment was made for, if any.
    visit_id: Option<i64>,
    #[serde(flatten)]
    assessment: RiskAssessmentInput,
}

#[derive(Serialize, utoipa::ToSchema)]
struct AssessmentDetail {
    assessment: RiskAssessment,
    acknowledged_by: Vec<StaffId>,
}

async fn detail(state: &AppState, id: RiskAssessmentId) -> Result<AssessmentDetail, ApiError> {
    Ok(AssessmentDetail {
        assessment: state.db().risk_assessment(id).await?,
        acknowledged_by: state.db().risk_acknowledgements(id).await?,
    })
}

async fn visible_assessment(
    state: &AppState,
    me: &Staff,
    id: i64,
) -> Result<(RiskAssessment, store::Household), ApiError> {
    let ra = state.db().risk_assessment(RiskAssessmentId(id)).await?;
    let household = visible_household(state, me, ra.household_id)
        .await
        .map_err(|_| ApiError::NotFound("risk assessment".into()))?;
    Ok((ra, household))
}

#[utoipa::path(get, path = "/api/households/{id}/risk-assessments", tag = "risk", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<RiskAssessment>), (status = 404)))]
async fn list_assessments(
    State(state): State<AppState>,
    CurrentStaff(me): CurrentStaff,
    Id(id): Id,
) -> Result<Json<Vec<RiskAssessment>>, ApiError> {
    let household = visible_household(&state, &me, HouseholdId(id)).await?;
    access::audit_read(
        &state,
        &me,
        "risk_assessment.list",
        "household",
        id,
        household.school_id,
    )
    .await?;
    Ok(Json(state.db().risk_assessments_of(household.id).await?))
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
    let household = visible_household(&state, &me, HouseholdId(id)).await?;
    input.assessment.validate()?;
    if let Some(visit_id) = input.visit_id {
        let visit = state
            .db()
            .visit(VisitId(visit_id))
            .await
            .map_err(|_| domain::FieldError::new("visit_id", "no such visit"))?;
        if visit.household_id != household.id {
            return Err(
                domain::FieldError::new("visit_id", "that visit is to another household").into(),
            );
        }
    }
    let now = state.clock().now();
    let mut tx = state.db().begin().await?;
    let ra = tx
        .create_risk_assessment(
            &NewRiskAssessment {
                household: household.id,
                visit: input.visit_id.map(VisitId),
                input: &input.assessment,
                completed_by: me.id,
            },
            now,
        )
        .await?;
    tx.append_audit(&access::entry(&state, &me, "risk_assessment.create", "risk_assessment", ra.0, Some(household.school_id),
        serde_json::json!({ "household": household.id, "risk_after": input.assessment.risk_after_controls }))).await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(detail(&state, ra).await?)))
}

#[utoipa::path(get, path = "/api/risk-assessments/{id}", tag = "risk", params(("id" = i64, Path)),
    responses((status = 200, body = AssessmentDetail), (status = 404)))]
async fn get_assessment(
    State(state): State<AppState>,
    CurrentStaff(me): CurrentStaff,
    Id(id): Id,
) -> Result<Json<AssessmentDetail>, ApiError> {
    let (ra, household) = visible_assessment(&state, &me, id).await?;
    access::audit_read(
        &state,
        &me,
        "risk_assessment.read",
        "risk_assessment",
        id,
        household.school_id,
    )
    .await?;
    Ok(Json(detail(&state, ra.id).await?))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct SignOffInput {
    comment: Option<String>,
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
    let (ra, household) = visible_assessment(&state, &me, id).await?;
    let policy = state.db().current_policy(household.school_id).await?;
    require_any(
        &me,
        &policy.settings.risk_assessment.sign_off_roles,
        "sign off a risk assessment",
    )?;
    let comment = inputs::optional_text("comment", input.comment.as_deref().unwrap_or(""), 2000)?;
    let now = state.clock().now();
    let mut tx = state.db().begin().await?;
    tx.sign_off_risk_assessment(ra.id, me.id, comment.as_deref(), now)
        .await?;
    tx.append_audit(&access::entry(
        &state,
        &me,
        "risk_assessment.sign_off",
        "risk_assessment",
        id,
        Some(household.school_id),
        serde_json::json!({}),
    ))
    .await?;
    tx.commit().await?;
    Ok(Json(detail(&state, ra.id).await?))
}

/// G2: "I have read and understand the risk assessment."
#[utoipa::path(post, path = "/api/risk-assessments/{id}/acknowledge", tag = "risk", params(("id" = i64, Path)),
    responses((status = 200, body = AssessmentDetail), (status = 404)))]
async fn acknowledge(
    State(state): State<AppState>,
    CurrentStaff(me): CurrentStaff,
    Id(id): Id,
) -> Result<Json<AssessmentDetail>, ApiError> {
    let (ra, household) = visible_assessment(&state, &me, id).await?;
    let now = state.clock().now();
    let mut tx = state.db().begin().await?;
    tx.acknowledge_risk_assessment(ra.id, me.id, now).await?;
    tx.append_audit(&access::entry(
        &state,
        &me,
        "risk_assessment.acknowledge",
        "risk_assessment",
        id,
        Some(household.school_id),
        serde_json::json!({}),
    ))
    .await?;
    tx.commit().await?;
    Ok(Json(detail(&state, ra.id).await?))
}
