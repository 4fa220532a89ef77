//! Schools and their policies (G1): start from a preset, change settings, see every version.
//! JSON adapters of [`app::school_admin`]'s use cases.

use crate::AppState;
use crate::auth::CurrentStaff;
use crate::error::ApiError;
use crate::extract::{ApiJson, Id};
use app::school_admin::{self as uc, DraftView, NewSchoolInput, PolicyChangeInput, Preset};
use axum::Json;
use axum::extract::{FromRequestParts, State};
use axum::http::StatusCode;
use axum::http::request::Parts;
use domain::SchoolId;
use store::{PolicyVersion, School, Staff};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The `doorstep` CLI starts schools on a preset through these.
pub use app::school_admin::{adopt_policy, create_school_on_preset};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_presets))
        .routes(routes!(list_schools, create_school))
        .routes(routes!(get_school))
        .routes(routes!(current_policy, change_policy))
        .routes(routes!(policy_versions))
}

/// The shipped presets: one per real policy, and the example absence protocol.
#[utoipa::path(get, path = "/api/presets", tag = "policy", responses((status = 200, body = Vec<Preset>)))]
async fn list_presets(_signed_in: CurrentStaff) -> Result<Json<Vec<Preset>>, ApiError> {
    Ok(Json(uc::presets()?))
}

/// The schools this person works in (all of the trust for a trust administrator).
#[utoipa::path(get, path = "/api/schools", tag = "schools", responses((status = 200, body = Vec<School>)))]
async fn list_schools(
    State(state): State<AppState>,
    CurrentStaff(me): CurrentStaff,
) -> Result<Json<Vec<School>>, ApiError> {
    Ok(Json(uc::schools(&state, &me).await?))
}

/// Adds a school to the trust, on one of the presets.
#[utoipa::path(post, path = "/api/schools", tag = "schools", request_body = NewSchoolInput,
    responses((status = 201, body = School), (status = 403), (status = 422)))]
async fn create_school(
    State(state): State<AppState>,
    CurrentStaff(me): CurrentStaff,
    ApiJson(input): ApiJson<NewSchoolInput>,
) -> Result<(StatusCode, Json<School>), ApiError> {
    let school = uc::create_school(&state, &me, &input, state.now()).await?;
    Ok((StatusCode::CREATED, Json(school)))
}

#[utoipa::path(get, path = "/api/schools/{id}", tag = "schools", params(("id" = i64, Path)),
    responses((status = 200, body = School), (status = 404)))]
async fn get_school(
    State(state): State<AppState>,
    CurrentStaff(me): CurrentStaff,
    Id(id): Id,
) -> Result<Json<School>, ApiError> {
    Ok(Json(uc::school(&state, &me, SchoolId(id)).await?))
}

/// The policy the school runs now.
#[utoipa::path(get, path = "/api/schools/{id}/policy", tag = "policy", params(("id" = i64, Path)),
    responses((status = 200, body = PolicyVersion), (status = 404)))]
async fn current_policy(
    State(state): State<AppState>,
    CurrentStaff(me): CurrentStaff,
    Id(id): Id,
) -> Result<Json<PolicyVersion>, ApiError> {
    Ok(Json(uc::current_policy(&state, &me, SchoolId(id)).await?))
}

/// Proposes a change to the school's policy: a draft, in force once the body the policy names
/// approves it (`/api/policy-drafts/{id}/approve`); visits already judged keep their version.
/// Settings are sent whole, as `GET /api/schools/{id}/policy` returns them.
#[utoipa::path(put, path = "/api/schools/{id}/policy", tag = "policy", params(("id" = i64, Path)), request_body = PolicyChangeInput,
    responses((status = 201, body = DraftView), (status = 400), (status = 403), (status = 404), (status = 422)))]
async fn change_policy(
    State(state): State<AppState>,
    PathSchool { me, school }: PathSchool,
    ApiJson(input): ApiJson<PolicyChangeInput>,
) -> Result<(StatusCode, Json<DraftView>), ApiError> {
    let draft = uc::change_policy(&state, &me, school, &input, state.now()).await?;
    Ok((StatusCode::CREATED, Json(draft)))
}

/// The school in the address (`/api/schools/{id}/…`), one the signed-in member of staff works
/// in, with them. Found before a body is read, so an unknown school is a 404 naming the school
/// whatever the body holds (#13), never a complaint about the body.
pub(crate) struct PathSchool {
    pub me: Staff,
    pub school: SchoolId,
}

impl FromRequestParts<AppState> for PathSchool {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let CurrentStaff(me) = CurrentStaff::from_request_parts(parts, state).await?;
        let Id(id) = Id::from_request_parts(parts, state).await?;
        let school = uc::school(state, &me, SchoolId(id)).await?.id;
        Ok(PathSchool { me, school })
    }
}

/// Every version of the school's policy, newest first.
#[utoipa::path(get, path = "/api/schools/{id}/policy/versions", tag = "policy", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<PolicyVersion>), (status = 404)))]
async fn policy_versions(
    State(state): State<AppState>,
    CurrentStaff(me): CurrentStaff,
    Id(id): Id,
) -> Result<Json<Vec<PolicyVersion>>, ApiError> {
    Ok(Json(uc::policy_versions(&state, &me, SchoolId(id)).await?))
}
