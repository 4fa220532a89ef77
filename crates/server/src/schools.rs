//! Schools and their policies (G1): start from a preset, change settings, see every version.

use crate::AppState;
use crate::access::{self, can_see_school, require_any};
use crate::auth::CurrentStaff;
use crate::error::ApiError;
use crate::extract::{ApiJson, Id};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, Months, NaiveDate, Utc};
use domain::inputs;
use domain::policy::PolicySettings;
use domain::policy::presets;
use domain::{Role, SchoolId, StaffId, TrustId};
use serde::{Deserialize, Serialize};
use store::{PolicyVersion, School, Tx};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_presets))
        .routes(routes!(list_schools, create_school))
        .routes(routes!(get_school))
        .routes(routes!(current_policy, change_policy))
        .routes(routes!(policy_versions))
}

#[derive(Serialize, utoipa::ToSchema)]
struct Preset {
    name: &'static str,
    written_for: &'static str,
    settings: PolicySettings,
}

/// The five shipped presets, one per real policy.
#[utoipa::path(get, path = "/api/presets", tag = "policy", responses((status = 200, body = Vec<Preset>)))]
async fn list_presets(_signed_in: CurrentStaff) -> Result<Json<Vec<Preset>>, ApiError> {
    let mut out = Vec::new();
    for (name, written_for, _) in presets::PRESETS {
        out.push(Preset {
            name,
            written_for,
            settings: presets::preset(name)?,
        });
    }
    Ok(Json(out))
}

/// Stores a policy version for a school: the preset's settings, or the school's own.
#[allow(clippy::too_many_arguments)]
pub async fn adopt_policy(
    tx: &mut Tx,
    school: SchoolId,
    preset: &str,
    settings: &PolicySettings,
    approved_on: NaiveDate,
    by: Option<StaffId>,
    note: Option<&str>,
    now: DateTime<Utc>,
) -> Result<PolicyVersion, ApiError> {
    let review_due = approved_on
        .checked_add_months(Months::new(settings.review_every_months))
        .ok_or_else(|| {
            ApiError::Invalid(domain::FieldError::new(
                "review_every_months",
                "is too far in the future",
            ))
        })?;
    Ok(tx
        .add_policy_version(
            school,
            preset,
            settings,
            approved_on,
            review_due,
            by,
            note,
            now,
        )
        .await?)
}

/// Creates a school that starts on a preset policy.
pub async fn create_school_on_preset(
    tx: &mut Tx,
    trust: TrustId,
    name: &str,
    phone: Option<&str>,
    preset: &str,
    by: Option<StaffId>,
    now: DateTime<Utc>,
) -> Result<SchoolId, ApiError> {
    let settings = presets::preset(preset)?;
    let school = tx.create_school(trust, name, phone, preset, now).await?;
    adopt_policy(
        tx,
        school,
        preset,
        &settings,
        now.date_naive(),
        by,
        Some("adopted from preset"),
        now,
    )
    .await?;
    Ok(school)
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct NewSchoolInput {
    name: String,
    phone: Option<String>,
    preset: String,
}

/// The schools this person works in (all of the trust for a trust administrator).
#[utoipa::path(get, path = "/api/schools", tag = "schools", responses((status = 200, body = Vec<School>)))]
async fn list_schools(
    State(state): State<AppState>,
    CurrentStaff(me): CurrentStaff,
) -> Result<Json<Vec<School>>, ApiError> {
    let all = state.db().schools_of_trust(me.trust_id).await?;
    Ok(Json(
        all.into_iter()
            .filter(|s| can_see_school(&me, s.id, s.trust_id))
            .collect(),
    ))
}

/// Adds a school to the trust, on one of the presets.
#[utoipa::path(post, path = "/api/schools", tag = "schools", request_body = NewSchoolInput,
    responses((status = 201, body = School), (status = 403), (status = 422)))]
async fn create_school(
    State(state): State<AppState>,
    CurrentStaff(me): CurrentStaff,
    ApiJson(input): ApiJson<NewSchoolInput>,
) -> Result<(StatusCode, Json<School>), ApiError> {
    require_any(&me, &[Role::TrustAdmin], "add a school")?;
    let name = inputs::text("name", &input.name, 200)?;
    let phone = match input.phone.as_deref() {
        Some(p) if !p.trim().is_empty() => {
            Some(inputs::PhoneNumber::parse("phone", p)?.to_string())
        }
        _ => None,
    };
    presets::preset(&input.preset)?;
    let now = state.clock().now();
    let mut tx = state.db().begin().await?;
    let id = create_school_on_preset(
        &mut tx,
        me.trust_id,
        &name,
        phone.as_deref(),
        &input.preset,
        Some(me.id),
        now,
    )
    .await?;
    tx.append_audit(&access::entry(
        &state,
        &me,
        "school.create",
        "school",
        id.0,
        Some(id),
        serde_json::json!({ "name": name, "preset": input.preset }),
    ))
    .await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(state.db().school(id).await?)))
}

async fn visible_school(state: &AppState, me: &store::Staff, id: i64) -> Result<School, ApiError> {
    let school = state.db().school(SchoolId(id)).await?;
    if can_see_school(me, school.id, school.trust_id) {
        Ok(school)
    } else {
        Err(ApiError::NotFound("school".into()))
    }
}

#[utoipa::path(get, path = "/api/schools/{id}", tag = "schools", params(("id" = i64, Path)),
    responses((status = 200, body = School), (status = 404)))]
async fn get_school(
    State(state): State<AppState>,
    CurrentStaff(me): CurrentStaff,
    Id(id): Id,
) -> Result<Json<School>, ApiError> {
    Ok(Json(visible_school(&state, &me, id).await?))
}

/// The policy the school runs now.
#[utoipa::path(get, path = "/api/schools/{id}/policy", tag = "policy", params(("id" = i64, Path)),
    responses((status = 200, body = PolicyVersion), (status = 404)))]
async fn current_policy(
    State(state): State<AppState>,
    CurrentStaff(me): CurrentStaff,
    Id(id): Id,
) -> Result<Json<PolicyVersion>, ApiError> {
    let school = visible_school(&state, &me, id).await?;
    Ok(Json(state.db().current_policy(school.id).await?))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct PolicyChangeInput {
    /// Start again from a preset (its settings are used unless `settings` is also given).
    preset: Option<String>,
    settings: Option<PolicySettings>,
    #[schema(value_type = Option<String>, format = Date)]
    approved_on: Option<NaiveDate>,
    change_note: String,
}

/// Changes the school's policy: a new version; visits already judged keep theirs.
#[utoipa::path(put, path = "/api/schools/{id}/policy", tag = "policy", params(("id" = i64, Path)), request_body = PolicyChangeInput,
    responses((status = 201, body = PolicyVersion), (status = 403), (status = 422)))]
async fn change_policy(
    State(state): State<AppState>,
    CurrentStaff(me): CurrentStaff,
    Id(id): Id,
    ApiJson(input): ApiJson<PolicyChangeInput>,
) -> Result<(StatusCode, Json<PolicyVersion>), ApiError> {
    let school = visible_school(&state, &me, id).await?;
    require_any(
        &me,
        &[Role::Headteacher, Role::TrustAdmin],
        "change the school's policy",
    )?;
    let note = inputs::text("change_note", &input.change_note, 1000)?;
    let current = state.db().current_policy(school.id).await?;
    let preset_name = input
        .preset
        .clone()
        .unwrap_or_else(|| current.preset.clone());
    let settings = match (input.settings, input.preset.as_deref()) {
        (Some(settings), _) => {
            settings
                .check()
                .map_err(|e| domain::FieldError::new(format!("settings.{}", e.field), e.reason))?;
            settings
        }
        (None, Some(preset)) => presets::preset(preset)?,
        (None, None) => {
            return Err(domain::FieldError::new(
                "settings",
                "give new settings or a preset to start from",
            )
            .into());
        }
    };
    let now = state.clock().now();
    let approved_on = input.approved_on.unwrap_or(now.date_naive());
    let mut tx = state.db().begin().await?;
    let version = adopt_policy(
        &mut tx,
        school.id,
        &preset_name,
        &settings,
        approved_on,
        Some(me.id),
        Some(&note),
        now,
    )
    .await?;
    tx.append_audit(&access::entry(
        &state,
        &me,
        "policy.change",
        "school",
        school.id.0,
        Some(school.id),
        serde_json::json!({ "version": version.version, "note": note }),
    ))
    .await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(version)))
}

/// Every version of the school's policy, newest first.
#[utoipa::path(get, path = "/api/schools/{id}/policy/versions", tag = "policy", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<PolicyVersion>), (status = 404)))]
async fn policy_versions(
    State(state): State<AppState>,
    CurrentStaff(me): CurrentStaff,
    Id(id): Id,
) -> Result<Json<Vec<PolicyVersion>>, ApiError> {
    let school = visible_school(&state, &me, id).await?;
    Ok(Json(state.db().policy_versions(school.id).await?))
}
