//! Households and pupils (P3): adults, address, contacts, pets, language and culture notes,
//! caution flags with their source, and the block-until-reviewed flag (P10).

use crate::AppState;
use crate::access::{self, require_any, school_in_scope, sees_school_visits};
use crate::auth::CurrentStaff;
use crate::error::ApiError;
use crate::extract::{ApiJson, ApiQuery, Id};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::NaiveDate;
use domain::inputs::{self, PhoneNumber, Postcode};
use domain::{FieldError, HouseholdId, PupilId, Role, SchoolId};
use serde::{Deserialize, Serialize};
use store::{
    CautionFlag, Household, HouseholdMember, NewHousehold, NewMember, NewPupil, Pupil,
    RiskAssessment, Staff, Tx, VisitFilter,
};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_households, create_household))
        .routes(routes!(get_household))
        .routes(routes!(add_member))
        .routes(routes!(add_caution))
        .routes(routes!(block_household))
        .routes(routes!(review_household))
        .routes(routes!(list_pupils, create_pupil))
        .routes(routes!(get_pupil))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MemberInput {
    pub name: String,
    /// e.g. "mother", "stepfather", "grandmother", "lodger".
    pub relationship: String,
    pub parental_responsibility: bool,
    pub lives_at_address: bool,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub notes: Option<String>,
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CautionInput {
    pub description: String,
    /// Where the advice came from: "social care", "police", "previous visit"...
    pub source: String,
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewHouseholdInput {
    pub school_id: Option<i64>,
    pub family_name: String,
    pub address: String,
    pub postcode: String,
    pub landline: Option<String>,
    pub language_notes: Option<String>,
    pub pets: Option<String>,
    #[serde(default)]
    pub members: Vec<MemberInput>,
    #[serde(default)]
    pub cautions: Vec<CautionInput>,
}

#[derive(Serialize, utoipa::ToSchema)]
struct HouseholdDetail {
    household: Household,
    members: Vec<HouseholdMember>,
    caution_flags: Vec<CautionFlag>,
    pupils: Vec<Pupil>,
    latest_risk_assessment: Option<RiskAssessment>,
}

fn opt_phone(field: &str, value: Option<&str>) -> Result<Option<String>, FieldError> {
    match value {
        Some(v) if !v.trim().is_empty() => Ok(Some(PhoneNumber::parse(field, v)?.to_string())),
        _ => Ok(None),
    }
}

async fn insert_member(
    tx: &mut Tx,
    household: HouseholdId,
    m: &MemberInput,
    field: &str,
) -> Result<(), ApiError> {
    let name = inputs::text(&format!("{field}.name"), &m.name, 200)?;
    let relationship = inputs::text(&format!("{field}.relationship"), &m.relationship, 100)?;
    let phone = opt_phone(&format!("{field}.phone"), m.phone.as_deref())?;
    let email = match m.email.as_deref() {
        Some(e) if !e.trim().is_empty() => Some(inputs::email(&format!("{field}.email"), e)?),
        _ => None,
    };
    let notes = inputs::optional_text(
        &format!("{field}.notes"),
        m.notes.as_deref().unwrap_or(""),
        2000,
    )?;
    tx.add_member(
        household,
        &NewMember {
            name: &name,
            relationship: &relationship,
            parental_responsibility: m.parental_responsibility,
            lives_at_address: m.lives_at_address,
            phone: phone.as_deref(),
            email: email.as_deref(),
            notes: notes.as_deref(),
        },
    )
    .await?;
    Ok(())
}

/// The household, if this person may see it: leaders and the office of its school, and staff on a
/// visit to it. Anyone else is told it does not exist.
pub async fn visible_household(
    state: &AppState,
    me: &Staff,
    id: HouseholdId,
) -> Result<Household, ApiError> {
    let household = state.db().household(id).await?;
    if sees_school_visits(state, me, household.school_id).await?
        || involved_with_household(state, me, household.school_id, id).await?
    {
        Ok(household)
    } else {
        Err(ApiError::NotFound("household".into()))
    }
}

async fn involved_with_household(
    state: &AppState,
    me: &Staff,
    school: SchoolId,
    id: HouseholdId,
) -> Result<bool, ApiError> {
    let mine = state
        .db()
        .visits(&VisitFilter {
            school: Some(school),
            involving: Some(me.id),
            ..Default::default()
        })
        .await?;
    Ok(mine.iter().any(|v| v.household_id == id))
}

#[derive(Deserialize, utoipa::IntoParams)]
struct SchoolQuery {
    school_id: Option<i64>,
}

/// Households this person may see.
#[utoipa::path(get, path = "/api/households", tag = "households", params(SchoolQuery), responses((status = 200, body = Vec<Household>)))]
async fn list_households(
    State(state): State<AppState>,
    CurrentStaff(me): CurrentStaff,
    ApiQuery(q): ApiQuery<SchoolQuery>,
) -> Result<Json<Vec<Household>>, ApiError> {
    let school = school_in_scope(&state, &me, q.school_id).await?;
    let all = state.db().households_of_school(school).await?;
    if sees_school_visits(&state, &me, school).await? {
        return Ok(Json(all));
    }
    let mine = state
        .db()
        .visits(&VisitFilter {
            school: Some(school),
            involving: Some(me.id),
            ..Default::default()
        })
        .await?;
    Ok(Json(
        all.into_iter()
            .filter(|h| mine.iter().any(|v| v.household_id == h.id))
            .collect(),
    ))
}

/// Records a household with its adults and any caution flags, all or nothing.
#[utoipa::path(post, path = "/api/households", tag = "households", request_body = NewHouseholdInput,
    responses((status = 201, body = Household), (status = 422)))]
async fn create_household(
    State(state): State<AppState>,
    CurrentStaff(me): CurrentStaff,
    ApiJson(input): ApiJson<NewHouseholdInput>,
) -> Result<(StatusCode, Json<Household>), ApiError> {
    let school = school_in_scope(&state, &me, input.school_id).await?;
    let family_name = inputs::text("family_name", &input.family_name, 200)?;
    let address = inputs::text("address", &input.address, 500)?;
    let postcode = Postcode::parse("postcode", &input.postcode)?;
    let landline = opt_phone("landline", input.landline.as_deref())?;
    let language_notes = inputs::optional_text(
        "language_notes",
        input.language_notes.as_deref().unwrap_or(""),
        2000,
    )?;
    let pets = inputs::optional_text("pets", input.pets.as_deref().unwrap_or(""), 500)?;
    if input.members.len() > 30 {
        return Err(FieldError::new("members", "at most 30 people per household").into());
    }
    let now = state.clock().now();
    let mut tx = state.db().begin().await?;
    let id = tx
        .create_household(
            &NewHousehold {
                school,
                family_name: &family_name,
                address: &address,
                postcode: postcode.as_str(),
                landline: landline.as_deref(),
                language_notes: language_notes.as_deref(),
                pets: pets.as_deref(),
            },
            now,
        )
        .await?;
    for (i, m) in input.members.iter().enumerate() {
        insert_member(&mut tx, id, m, &format!("members[{i}]")).await?;
    }
    for (i, c) in input.cautions.iter().enumerate() {
        let description =
            inputs::text(&format!("cautions[{i}].description"), &c.description, 2000)?;
        let source = inputs::text(&format!("cautions[{i}].source"), &c.source, 200)?;
        tx.add_caution(id, &description, &source, me.id, now)
            .await?;
    }
    tx.append_audit(&access::entry(
        &state,
        &me,
        "household.create",
        "household",
        id.0,
        Some(school),
        serde_json::json!({}),
    ))
    .await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(state.db().household(id).await?)))
}

/// The household with its people, caution flags, pupils and latest risk assessment. Every read is audited.
#[utoipa::path(get, path = "/api/households/{id}", tag = "households", params(("id" = i64, Path)),
    responses((status = 200, body = HouseholdDetail), (status = 404)))]
async fn get_household(
    State(state): State<AppState>,
    CurrentStaff(me): CurrentStaff,
    Id(id): Id,
) -> Result<Json<HouseholdDetail>, ApiError> {
    let household = visible_household(&state, &me, HouseholdId(id)).await?;
    access::audit_read(
        &state,
        &me,
        "household.read",
        "household",
        id,
        household.school_id,
    )
    .await?;
    let db = state.db();
    Ok(Json(HouseholdDetail {
        members: db.household_members(household.id).await?,
        caution_flags: db.caution_flags(household.id).await?,
        pupils: db.pupils_of_household(household.id).await?,
        latest_risk_assessment: db.latest_risk_assessment(household.id).await?,
        household,
    }))
}

#[utoipa::path(post, path = "/api/households/{id}/members", tag = "households", params(("id" = i64, Path)), request_body = MemberInput,
    responses((status = 201, body = Vec<HouseholdMember>), (status = 404), (status = 422)))]
async fn add_member(
    State(state): State<AppState>,
    CurrentStaff(me): CurrentStaff,
    Id(id): Id,
    ApiJson(input): ApiJson<MemberInput>,
) -> Result<(StatusCode, Json<Vec<HouseholdMember>>), ApiError> {
    let household = visible_household(&state, &me, HouseholdId(id)).await?;
    let mut tx = state.db().begin().await?;
    insert_member(&mut tx, household.id, &input, "member").await?;
    tx.append_audit(&access::entry(
        &state,
        &me,
        "household.member.add",
        "household",
        id,
        Some(household.school_id),
        serde_json::json!({}),
    ))
    .await?;
    tx.commit().await?;
    Ok((
        StatusCode::CREATED,
        Json(state.db().household_members(household.id).await?),
    ))
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
    let household = visible_household(&state, &me, HouseholdId(id)).await?;
    let description = inputs::text("description", &input.description, 2000)?;
    let source = inputs::text("source", &input.source, 200)?;
    let now = state.clock().now();
    let mut tx = state.db().begin().await?;
    let flag = tx
        .add_caution(household.id, &description, &source, me.id, now)
        .await?;
    tx.append_audit(&access::entry(
        &state,
        &me,
        "household.caution.add",
        "household",
        id,
        Some(household.school_id),
        serde_json::json!({ "flag": flag.0, "source": source }),
    ))
    .await?;
    tx.commit().await?;
    Ok((
        StatusCode::CREATED,
        Json(state.db().caution_flags(household.id).await?),
    ))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct ReasonInput {
    reason: String,
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
    let household = visible_household(&state, &me, HouseholdId(id)).await?;
    require_any(
        &me,
        &[
            Role::SeniorLeader,
            Role::Dsl,
            Role::Headteacher,
            Role::SafeguardingTeam,
        ],
        "block a household",
    )?;
    let reason = inputs::text("reason", &input.reason, 2000)?;
    let now = state.clock().now();
    let mut tx = state.db().begin().await?;
    tx.block_household(household.id, &reason, now).await?;
    tx.append_audit(&access::entry(
        &state,
        &me,
        "household.block",
        "household",
        id,
        Some(household.school_id),
        serde_json::json!({ "reason": reason }),
    ))
    .await?;
    tx.commit().await?;
    Ok(Json(state.db().household(household.id).await?))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct ReviewInput {
    note: String,
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
    let household = visible_household(&state, &me, HouseholdId(id)).await?;
    let policy = state.db().current_policy(household.school_id).await?;
    require_any(
        &me,
        &policy.settings.household.review_roles,
        "review a blocked household",
    )?;
    if !household.blocked {
        return Err(ApiError::Conflict {
            field: "blocked".into(),
            reason: "this household is not blocked".into(),
        });
    }
    let note = inputs::text("note", &input.note, 2000)?;
    let now = state.clock().now();
    let mut tx = state.db().begin().await?;
    tx.review_household(household.id, me.id, &note, now).await?;
    tx.append_audit(&access::entry(
        &state,
        &me,
        "household.review",
        "household",
        id,
        Some(household.school_id),
        serde_json::json!({ "note": note }),
    ))
    .await?;
    tx.commit().await?;
    Ok(Json(state.db().household(household.id).await?))
}

/// The school roll: pupils of the school.
#[utoipa::path(get, path = "/api/pupils", tag = "pupils", params(SchoolQuery), responses((status = 200, body = Vec<Pupil>)))]
async fn list_pupils(
    State(state): State<AppState>,
    CurrentStaff(me): CurrentStaff,
    ApiQuery(q): ApiQuery<SchoolQuery>,
) -> Result<Json<Vec<Pupil>>, ApiError> {
    let school = school_in_scope(&state, &me, q.school_id).await?;
    Ok(Json(state.db().pupils_of_school(school).await?))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct NewPupilInput {
    household_id: i64,
    name: String,
    #[schema(value_type = String, format = Date)]
    date_of_birth: NaiveDate,
    height_cm: Option<i64>,
    year_group: Option<String>,
}

#[utoipa::path(post, path = "/api/pupils", tag = "pupils", request_body = NewPupilInput,
    responses((status = 201, body = Pupil), (status = 404), (status = 422)))]
async fn create_pupil(
    State(state): State<AppState>,
    CurrentStaff(me): CurrentStaff,
    ApiJson(input): ApiJson<NewPupilInput>,
) -> Result<(StatusCode, Json<Pupil>), ApiError> {
    let household = state
        .db()
        .household(HouseholdId(input.household_id))
        .await
        .map_err(|_| FieldError::new("household_id", "no such household"))?;
    school_in_scope(&state, &me, Some(household.school_id.0))
        .await
        .map_err(|_| FieldError::new("household_id", "no such household"))?;
    let name = inputs::text("name", &input.name, 200)?;
    let today = state.clock().now().date_naive();
    if input.date_of_birth > today
        || input.date_of_birth < NaiveDate::from_ymd_opt(1990, 1, 1).unwrap_or(input.date_of_birth)
    {
        return Err(FieldError::new("date_of_birth", "is not a pupil's date of birth").into());
    }
    if input.height_cm.is_some_and(|h| !(30..=250).contains(&h)) {
        return Err(FieldError::new("height_cm", "must be between 30 and 250 cm").into());
    }
    let year_group =
        inputs::optional_text("year_group", input.year_group.as_deref().unwrap_or(""), 20)?;
    let mut tx = state.db().begin().await?;
    let id = tx
        .create_pupil(&NewPupil {
            school: household.school_id,
            household: household.id,
            name: &name,
            date_of_birth: input.date_of_birth,
            height_cm: input.height_cm,
            year_group: year_group.as_deref(),
        })
        .await?;
    tx.append_audit(&access::entry(
        &state,
        &me,
        "pupil.create",
        "pupil",
        id.0,
        Some(household.school_id),
        serde_json::json!({}),
    ))
    .await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(state.db().pupil(id).await?)))
}

#[utoipa::path(get, path = "/api/pupils/{id}", tag = "pupils", params(("id" = i64, Path)), responses((status = 200, body = Pupil), (status = 404)))]
async fn get_pupil(
    State(state): State<AppState>,
    CurrentStaff(me): CurrentStaff,
    Id(id): Id,
) -> Result<Json<Pupil>, ApiError> {
    let pupil = state.db().pupil(PupilId(id)).await?;
    school_in_scope(&state, &me, Some(pupil.school_id.0))
        .await
        .map_err(|_| ApiError::NotFound("pupil".into()))?;
    Ok(Json(pupil))
}
