//! Households and pupils (P3): adults, address, contacts, pets, language and culture notes,
//! caution flags with their source, and the block-until-reviewed flag (P10). JSON adapters of
//! [`app::school_admin`]'s use cases.

use crate::AppState;
use crate::auth::CurrentStaff;
use crate::error::ApiError;
use crate::extract::{ApiJson, ApiQuery, Id};
use app::access::{HouseholdForPlanning, RegisterHousehold, RollPupil};
use app::school_admin::{
    self as uc, CautionInput, HouseholdDetail, MemberInput, NewHouseholdInput, NewPupilInput,
    ReasonInput, ReviewInput,
};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use domain::{HouseholdId, PupilId};
use serde::Deserialize;
use store::{CautionFlag, Household, HouseholdMember, Pupil};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_households, create_household))
        .routes(routes!(get_household))
        .routes(routes!(household_for_planning))
        .routes(routes!(add_member))
        .routes(routes!(add_caution))
        .routes(routes!(block_household))
        .routes(routes!(review_household))
        .routes(routes!(list_pupils, create_pupil))
        .routes(routes!(get_pupil))
}

#[derive(Deserialize, utoipa::IntoParams)]
struct SchoolQuery {
    school_id: Option<i64>,
}

/// Households this person may see: with their addresses for the office, the DSL, a deputy DSL
/// and the head; by family name for other staff; 403 for the chair of governors.
#[utoipa::path(get, path = "/api/households", tag = "households", params(SchoolQuery),
    responses((status = 200, body = Vec<RegisterHousehold>), (status = 403)))]
async fn list_households(
    State(state): State<AppState>,
    CurrentStaff(me): CurrentStaff,
    ApiQuery(q): ApiQuery<SchoolQuery>,
) -> Result<Json<Vec<RegisterHousehold>>, ApiError> {
    Ok(Json(uc::households(&state, &me, q.school_id).await?))
}

/// Records a household with its adults and any caution flags, all or nothing.
#[utoipa::path(post, path = "/api/households", tag = "households", request_body = NewHouseholdInput,
    responses((status = 201, body = Household), (status = 422)))]
async fn create_household(
    State(state): State<AppState>,
    CurrentStaff(me): CurrentStaff,
    ApiJson(input): ApiJson<NewHouseholdInput>,
) -> Result<(StatusCode, Json<Household>), ApiError> {
    let household = uc::create_household(&state, &me, &input, state.now()).await?;
    Ok((StatusCode::CREATED, Json(household)))
}

/// The household with its people, caution flags, pupils and latest risk assessment. Every read is audited.
#[utoipa::path(get, path = "/api/households/{id}", tag = "households", params(("id" = i64, Path)),
    responses((status = 200, body = HouseholdDetail), (status = 404)))]
async fn get_household(
    State(state): State<AppState>,
    CurrentStaff(me): CurrentStaff,
    Id(id): Id,
) -> Result<Json<HouseholdDetail>, ApiError> {
    Ok(Json(uc::household(&state, &me, HouseholdId(id)).await?))
}

/// #10: the household as planning a visit needs it (family name, address, postcode, the
/// children's names, caution flags, whether it is blocked), for the staff who drafted or are
/// named on a visit to it as well as those who see the whole household. 404 for anyone else.
#[utoipa::path(get, path = "/api/households/{id}/for-planning", tag = "households", params(("id" = i64, Path)),
    responses((status = 200, body = HouseholdForPlanning), (status = 404)))]
async fn household_for_planning(
    State(state): State<AppState>,
    CurrentStaff(me): CurrentStaff,
    Id(id): Id,
) -> Result<Json<HouseholdForPlanning>, ApiError> {
    Ok(Json(
        uc::household_for_planning(&state, &me, HouseholdId(id)).await?,
    ))
}

#[utoipa::path(post, path = "/api/households/{id}/members", tag = "households", params(("id" = i64, Path)), request_body = MemberInput,
    responses((status = 201, body = Vec<HouseholdMember>), (status = 404), (status = 422)))]
async fn add_member(
    State(state): State<AppState>,
    CurrentStaff(me): CurrentStaff,
    Id(id): Id,
    ApiJson(input): ApiJson<MemberInput>,
) -> Result<(StatusCode, Json<Vec<HouseholdMember>>), ApiError> {
    let members = uc::add_member(&state, &me, HouseholdId(id), &input).await?;
    Ok((StatusCode::CREATED, Json(members)))
}

/// P3, P10: advice from any source that suggests caution. Authorisers must acknowledge each one.
#[utoipa::path(post, path = "/api/households/{id}/cautions", tag = "households", params(("id" = i64, Path)), request_body = CautionInput,
    responses((status = 201, body = Vec<CautionFlag>), (status = 404), (status = 422)))]
async fn add_caution(
    State(state): State<AppState>,
    CurrentStaff(me): CurrentStaff,
    Id(id): Id,
    ApiJson(input): ApiJson<CautionInput>,
) -> Result<(StatusCode, Json<Vec<CautionFlag>>), ApiError> {
    let flags = uc::add_caution(&state, &me, HouseholdId(id), &input, state.now()).await?;
    Ok((StatusCode::CREATED, Json(flags)))
}

/// P10: no new appointments with this household until a senior leader reviews the case.
#[utoipa::path(post, path = "/api/households/{id}/block", tag = "households", params(("id" = i64, Path)), request_body = ReasonInput,
    responses((status = 200, body = Household), (status = 403), (status = 404)))]
async fn block_household(
    State(state): State<AppState>,
    CurrentStaff(me): CurrentStaff,
    Id(id): Id,
    ApiJson(input): ApiJson<ReasonInput>,
) -> Result<Json<Household>, ApiError> {
    let now = state.now();
    Ok(Json(
        uc::block_household(&state, &me, HouseholdId(id), &input, now).await?,
    ))
}

/// P10: a senior leader reviews a blocked household; new appointments may be made again.
#[utoipa::path(post, path = "/api/households/{id}/review", tag = "households", params(("id" = i64, Path)), request_body = ReviewInput,
    responses((status = 200, body = Household), (status = 403), (status = 404), (status = 409)))]
async fn review_household(
    State(state): State<AppState>,
    CurrentStaff(me): CurrentStaff,
    Id(id): Id,
    ApiJson(input): ApiJson<ReviewInput>,
) -> Result<Json<Household>, ApiError> {
    let now = state.now();
    Ok(Json(
        uc::review_household(&state, &me, HouseholdId(id), &input, now).await?,
    ))
}

/// The school roll: pupils of the school, whole for the office, the attendance lead, the
/// safeguarding leads and the trust; name and year group only for other staff; 403 for the
/// chair of governors.
#[utoipa::path(get, path = "/api/pupils", tag = "pupils", params(SchoolQuery),
    responses((status = 200, body = Vec<RollPupil>), (status = 403)))]
async fn list_pupils(
    State(state): State<AppState>,
    CurrentStaff(me): CurrentStaff,
    ApiQuery(q): ApiQuery<SchoolQuery>,
) -> Result<Json<Vec<RollPupil>>, ApiError> {
    Ok(Json(uc::pupils(&state, &me, q.school_id).await?))
}

#[utoipa::path(post, path = "/api/pupils", tag = "pupils", request_body = NewPupilInput,
    responses((status = 201, body = Pupil), (status = 404), (status = 422)))]
async fn create_pupil(
    State(state): State<AppState>,
    CurrentStaff(me): CurrentStaff,
    ApiJson(input): ApiJson<NewPupilInput>,
) -> Result<(StatusCode, Json<Pupil>), ApiError> {
    let pupil = uc::create_pupil(&state, &me, &input, state.now()).await?;
    Ok((StatusCode::CREATED, Json(pupil)))
}

/// One pupil of the roll, as [`list_pupils`] lists them.
#[utoipa::path(get, path = "/api/pupils/{id}", tag = "pupils", params(("id" = i64, Path)),
    responses((status = 200, body = RollPupil), (status = 403), (status = 404)))]
async fn get_pupil(
    State(state): State<AppState>,
    CurrentStaff(me): CurrentStaff,
    Id(id): Id,
) -> Result<Json<RollPupil>, ApiError> {
    Ok(Json(uc::pupil(&state, &me, PupilId(id)).await?))
}
