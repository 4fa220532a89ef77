//! Policy drafts, approval, acknowledgement and trust policies (G1–G3): JSON adapters of
//! [`app::school_admin`]'s use cases.

use crate::AppState;
use crate::auth::CurrentStaff;
use crate::error::ApiError;
use crate::extract::{ApiJson, Id};
use crate::schools::PathSchool;
use app::school_admin::{
    self as uc, AcknowledgementStatus, AdoptInput, ApproveInput, DraftView, TrustPolicyInput,
};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use domain::SchoolId;
use domain::policy::changes::SettingChange;
use serde::Serialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(drafts))
        .routes(routes!(draft))
        .routes(routes!(approve))
        .routes(routes!(withdraw))
        .routes(routes!(version_changes))
        .routes(routes!(acknowledge))
        .routes(routes!(acknowledgements))
        .routes(routes!(trust_policy))
        .routes(routes!(adopt_trust_policy))
}

/// Changes to the school's policy waiting for approval (or approved, not yet in force).
#[utoipa::path(get, path = "/api/schools/{id}/policy/drafts", tag = "policy", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<DraftView>), (status = 404)))]
async fn drafts(
    State(state): State<AppState>,
    CurrentStaff(me): CurrentStaff,
    Id(id): Id,
) -> Result<Json<Vec<DraftView>>, ApiError> {
    Ok(Json(uc::policy_drafts(&state, &me, SchoolId(id)).await?))
}

/// One draft with its changes in words and who must approve it.
#[utoipa::path(get, path = "/api/policy-drafts/{id}", tag = "policy", params(("id" = i64, Path)),
    responses((status = 200, body = DraftView), (status = 404)))]
async fn draft(
    State(state): State<AppState>,
    CurrentStaff(me): CurrentStaff,
    Id(id): Id,
) -> Result<Json<DraftView>, ApiError> {
    Ok(Json(uc::policy_draft(&state, &me, id).await?))
}

/// The approving body's approval, recorded by the chair of governors or a trust administrator.
#[utoipa::path(post, path = "/api/policy-drafts/{id}/approve", tag = "policy", params(("id" = i64, Path)),
    request_body = ApproveInput,
    responses((status = 200, body = DraftView), (status = 403), (status = 404), (status = 409), (status = 422)))]
async fn approve(
    State(state): State<AppState>,
    CurrentStaff(me): CurrentStaff,
    Id(id): Id,
    ApiJson(input): ApiJson<ApproveInput>,
) -> Result<Json<DraftView>, ApiError> {
    Ok(Json(
        uc::approve_policy(&state, &me, id, &input, state.now()).await?,
    ))
}

/// Withdraws a change not yet approved (out of date, or no longer wanted): the head, a trust
/// administrator or the approving body's role. 204 once withdrawn.
#[utoipa::path(post, path = "/api/policy-drafts/{id}/withdraw", tag = "policy", params(("id" = i64, Path)),
    responses((status = 204), (status = 403), (status = 404), (status = 409)))]
async fn withdraw(
    State(state): State<AppState>,
    CurrentStaff(me): CurrentStaff,
    Id(id): Id,
) -> Result<StatusCode, ApiError> {
    uc::withdraw_policy(&state, &me, id, state.now()).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// What a version changed from the one before, in plain words.
#[utoipa::path(get, path = "/api/schools/{id}/policy/versions/{version}/changes", tag = "policy",
    params(("id" = i64, Path), ("version" = i64, Path)),
    responses((status = 200, body = Vec<SettingChange>), (status = 404)))]
async fn version_changes(
    State(state): State<AppState>,
    CurrentStaff(me): CurrentStaff,
    path: Result<Path<(String, String)>, axum::extract::rejection::PathRejection>,
) -> Result<Json<Vec<SettingChange>>, ApiError> {
    let Path((id, version)) =
        path.map_err(|_| ApiError::bad_request("id", "the address needs a school and a version"))?;
    // Refused as JSON naming the part of the address, like every other id (crate::extract::Id).
    let number = |field: &str, raw: &str| {
        raw.parse::<i64>().ok().filter(|n| *n > 0).ok_or_else(|| {
            ApiError::bad_request(
                field,
                format!("'{raw}' is not a {field}; it is a positive whole number"),
            )
        })
    };
    let (id, version) = (number("id", &id)?, number("version", &version)?);
    Ok(Json(
        uc::version_changes(&state, &me, SchoolId(id), version).await?,
    ))
}

#[derive(Serialize, utoipa::ToSchema)]
struct Acknowledged {
    /// The version confirmed as read.
    version: i64,
}

/// The signed-in member of staff confirms they have read the school's current policy.
#[utoipa::path(post, path = "/api/schools/{id}/policy/acknowledge", tag = "policy", params(("id" = i64, Path)),
    responses((status = 200, body = Acknowledged), (status = 403), (status = 404)))]
async fn acknowledge(
    State(state): State<AppState>,
    CurrentStaff(me): CurrentStaff,
    Id(id): Id,
) -> Result<Json<Acknowledged>, ApiError> {
    let version = uc::acknowledge_policy(&state, &me, SchoolId(id), state.now()).await?;
    Ok(Json(Acknowledged { version }))
}

/// Who has and has not confirmed reading the current policy (the head, trust administrators).
#[utoipa::path(get, path = "/api/schools/{id}/policy/acknowledgements", tag = "policy", params(("id" = i64, Path)),
    responses((status = 200, body = AcknowledgementStatus), (status = 403), (status = 404)))]
async fn acknowledgements(
    State(state): State<AppState>,
    CurrentStaff(me): CurrentStaff,
    Id(id): Id,
) -> Result<Json<AcknowledgementStatus>, ApiError> {
    Ok(Json(
        uc::acknowledgement_status(&state, &me, SchoolId(id)).await?,
    ))
}

#[derive(Serialize, utoipa::ToSchema)]
struct TrustPolicy {
    /// The schools on the trust's policy.
    schools: Vec<i64>,
}

/// Makes the trust's policy the one the named schools adopt, with what each may change.
#[utoipa::path(put, path = "/api/trust/policy", tag = "policy", request_body = TrustPolicyInput,
    responses((status = 200, body = TrustPolicy), (status = 403), (status = 422)))]
async fn trust_policy(
    State(state): State<AppState>,
    CurrentStaff(me): CurrentStaff,
    ApiJson(input): ApiJson<TrustPolicyInput>,
) -> Result<Json<TrustPolicy>, ApiError> {
    let schools = uc::set_trust_policy(&state, &me, &input, state.now()).await?;
    Ok(Json(TrustPolicy {
        schools: schools.into_iter().map(|s| s.0).collect(),
    }))
}

/// The school adopts its trust's policy (G3): a draft that copies the trust's settings and keeps
/// the school's own values of what the trust lets it change; the trust board approves it.
#[utoipa::path(post, path = "/api/schools/{id}/policy/adopt-trust", tag = "policy", params(("id" = i64, Path)),
    request_body = AdoptInput,
    responses((status = 201, body = DraftView), (status = 403), (status = 404), (status = 409), (status = 422)))]
async fn adopt_trust_policy(
    State(state): State<AppState>,
    PathSchool { me, school }: PathSchool,
    ApiJson(input): ApiJson<AdoptInput>,
) -> Result<(StatusCode, Json<DraftView>), ApiError> {
    let draft = uc::adopt_trust_policy(&state, &me, school, &input, state.now()).await?;
    Ok((StatusCode::CREATED, Json(draft)))
}
