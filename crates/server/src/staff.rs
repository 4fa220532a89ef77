//! Staff accounts and roles; vehicles and driver documents (P6).

use crate::AppState;
use crate::access::{self, require_any, school_in_scope};
use crate::auth::{CurrentStaff, hash_password};
use crate::error::ApiError;
use crate::extract::{ApiJson, ApiQuery, Id};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::NaiveDate;
use domain::inputs::{self, CarRegistration, PhoneNumber};
use domain::{FieldError, Role, RoleSet, StaffId};
use serde::Deserialize;
use store::{NewStaff, NewVehicle, Staff, Vehicle};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_staff, create_staff))
        .routes(routes!(get_staff))
        .routes(routes!(list_vehicles, add_vehicle))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewStaffInput {
    pub name: String,
    pub email: String,
    pub mobile: Option<String>,
    pub job_title: Option<String>,
    pub roles: Vec<Role>,
    pub password: String,
    /// Omit for trust-level staff (trust administrators).
    pub school_id: Option<i64>,
}

/// Checked account details, ready to store.
pub struct ValidStaff {
    pub name: String,
    pub email: String,
    pub mobile: Option<String>,
    pub job_title: Option<String>,
    pub roles: RoleSet,
    pub password_hash: String,
}

pub async fn validate_staff(input: &NewStaffInput) -> Result<ValidStaff, ApiError> {
    let name = inputs::text("name", &input.name, 200)?;
    let email = inputs::email("email", &input.email)?;
    let mobile = match input.mobile.as_deref() {
        Some(m) if !m.trim().is_empty() => Some(PhoneNumber::parse("mobile", m)?.to_string()),
        _ => None,
    };
    let job_title =
        inputs::optional_text("job_title", input.job_title.as_deref().unwrap_or(""), 200)?;
    if input.roles.is_empty() {
        return Err(FieldError::new("roles", "give at least one role").into());
    }
    if input.password.chars().count() < 10 {
        return Err(FieldError::new("password", "must be at least 10 characters long").into());
    }
    if input.password.len() > 1024 {
        return Err(FieldError::new("password", "is too long").into());
    }
    let password_hash = hash_password(input.password.clone()).await?;
    Ok(ValidStaff {
        name,
        email,
        mobile,
        job_title,
        roles: RoleSet::new(input.roles.clone()),
        password_hash,
    })
}

#[derive(Deserialize, utoipa::IntoParams)]
struct StaffQuery {
    school_id: Option<i64>,
}

/// Colleagues: the school's staff (the trust's for a trust administrator).
#[utoipa::path(get, path = "/api/staff", tag = "staff", params(StaffQuery), responses((status = 200, body = Vec<Staff>)))]
async fn list_staff(
    State(state): State<AppState>,
    CurrentStaff(me): CurrentStaff,
    ApiQuery(q): ApiQuery<StaffQuery>,
) -> Result<Json<Vec<Staff>>, ApiError> {
    let school = match (q.school_id, me.roles.has(Role::TrustAdmin)) {
        (None, true) => None,
        (named, _) => Some(school_in_scope(&state, &me, named).await?),
    };
    Ok(Json(state.db().staff_list(me.trust_id, school).await?))
}

/// Adds a member of staff with their roles.
#[utoipa::path(post, path = "/api/staff", tag = "staff", request_body = NewStaffInput,
    responses((status = 201, body = Staff), (status = 403), (status = 409), (status = 422)))]
async fn create_staff(
    State(state): State<AppState>,
    CurrentStaff(me): CurrentStaff,
    ApiJson(input): ApiJson<NewStaffInput>,
) -> Result<(StatusCode, Json<Staff>), ApiError> {
    require_any(&me, &[Role::Headteacher, Role::TrustAdmin], "add staff")?;
    let school = match input.school_id {
        Some(id) => Some(school_in_scope(&state, &me, Some(id)).await?),
        None if me.roles.has(Role::TrustAdmin) => None,
        None => me.school_id,
    };
    if !me.roles.has(Role::TrustAdmin) && input.roles.contains(&Role::TrustAdmin) {
        return Err(ApiError::forbidden(
            "only a trust administrator may make a trust administrator",
        ));
    }
    // The chair of governors reads allegations about the head (A10): the head, who adds the
    // school's staff, must not be able to make (and sign in as) one.
    if !me.roles.has(Role::TrustAdmin) && input.roles.contains(&Role::ChairOfGovernors) {
        return Err(ApiError::forbidden(
            "only a trust administrator may add the chair of governors",
        ));
    }
    let valid = validate_staff(&input).await?;
    let now = state.clock().now();
    let mut tx = state.db().begin().await?;
    let id = tx
        .create_staff(
            &NewStaff {
                trust: me.trust_id,
                school,
                name: &valid.name,
                email: &valid.email,
                mobile: valid.mobile.as_deref(),
                job_title: valid.job_title.as_deref(),
                password_hash: &valid.password_hash,
                roles: &valid.roles,
            },
            now,
        )
        .await?;
    tx.append_audit(&access::entry(
        &state,
        &me,
        "staff.create",
        "staff",
        id.0,
        school,
        serde_json::json!({ "roles": valid.roles }),
    ))
    .await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(state.db().staff(id).await?)))
}

async fn visible_staff(state: &AppState, me: &Staff, id: i64) -> Result<Staff, ApiError> {
    let other = state.db().staff(StaffId(id)).await?;
    let same_school = other.school_id.is_some() && other.school_id == me.school_id;
    let visible = other.trust_id == me.trust_id
        && (other.id == me.id
            || same_school
            || me.roles.has(Role::TrustAdmin)
            || other.school_id.is_none());
    if visible {
        Ok(other)
    } else {
        Err(ApiError::NotFound("member of staff".into()))
    }
}

#[utoipa::path(get, path = "/api/staff/{id}", tag = "staff", params(("id" = i64, Path)), responses((status = 200, body = Staff), (status = 404)))]
async fn get_staff(
    State(state): State<AppState>,
    CurrentStaff(me): CurrentStaff,
    Id(id): Id,
) -> Result<Json<Staff>, ApiError> {
    Ok(Json(visible_staff(&state, &me, id).await?))
}

/// A driver's vehicles with their document expiry dates.
#[utoipa::path(get, path = "/api/staff/{id}/vehicles", tag = "staff", params(("id" = i64, Path)), responses((status = 200, body = Vec<Vehicle>)))]
async fn list_vehicles(
    State(state): State<AppState>,
    CurrentStaff(me): CurrentStaff,
    Id(id): Id,
) -> Result<Json<Vec<Vehicle>>, ApiError> {
    let driver = visible_staff(&state, &me, id).await?;
    Ok(Json(state.db().vehicles_of(driver.id).await?))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct NewVehicleInput {
    registration: String,
    make_model: Option<String>,
    #[schema(value_type = Option<String>, format = Date)]
    licence_expires: Option<NaiveDate>,
    #[schema(value_type = Option<String>, format = Date)]
    mot_expires: Option<NaiveDate>,
    #[schema(value_type = Option<String>, format = Date)]
    insurance_expires: Option<NaiveDate>,
    business_insurance: bool,
}

/// Records a vehicle and its driver's documents (the driver, the office or the head).
#[utoipa::path(post, path = "/api/staff/{id}/vehicles", tag = "staff", params(("id" = i64, Path)), request_body = NewVehicleInput,
    responses((status = 201, body = Vehicle), (status = 403), (status = 422)))]
async fn add_vehicle(
    State(state): State<AppState>,
    CurrentStaff(me): CurrentStaff,
    Id(id): Id,
    ApiJson(input): ApiJson<NewVehicleInput>,
) -> Result<(StatusCode, Json<Vehicle>), ApiError> {
    let driver = visible_staff(&state, &me, id).await?;
    if driver.id != me.id {
        require_any(
            &me,
            &[Role::Office, Role::Headteacher, Role::TrustAdmin],
            "record another person's vehicle",
        )?;
    }
    let registration = CarRegistration::parse("registration", &input.registration)?;
    let make_model =
        inputs::optional_text("make_model", input.make_model.as_deref().unwrap_or(""), 100)?;
    let mut tx = state.db().begin().await?;
    let vehicle = tx
        .add_vehicle(&NewVehicle {
            staff: driver.id,
            registration: registration.as_str(),
            make_model: make_model.as_deref(),
            licence_expires: input.licence_expires,
            mot_expires: input.mot_expires,
            insurance_expires: input.insurance_expires,
            business_insurance: input.business_insurance,
        })
        .await?;
    tx.append_audit(&access::entry(
        &state,
        &me,
        "vehicle.add",
        "staff",
        driver.id.0,
        driver.school_id,
        serde_json::json!({ "vehicle": vehicle.0, "registration": registration.as_str() }),
    ))
    .await?;
    tx.commit().await?;
    Ok((
        StatusCode::CREATED,
        Json(state.db().vehicle(vehicle).await?),
    ))
}
