//! Staff accounts and roles; vehicles and driver documents (P6). JSON adapters of
//! [`app::school_admin`]'s use cases.

use crate::AppState;
use crate::auth::CurrentStaff;
use crate::error::ApiError;
use crate::extract::{ApiJson, ApiQuery, Id};
use app::school_admin::{self as uc, LineManagerInput, NewStaffInput, NewVehicleInput};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use domain::StaffId;
use serde::Deserialize;
use store::{Staff, Vehicle};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_staff, create_staff))
        .routes(routes!(get_staff))
        .routes(routes!(set_line_manager))
        .routes(routes!(list_vehicles, add_vehicle))
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
    Ok(Json(uc::staff_list(&state, &me, q.school_id).await?))
}

/// Adds a member of staff with their roles; senior roles given by anyone but a trust
/// administrator are listed in `roles_awaiting_approval` (with a `note`) until approved.
#[utoipa::path(post, path = "/api/staff", tag = "staff", request_body = NewStaffInput,
    responses((status = 201, body = uc::StaffCreated), (status = 403), (status = 409), (status = 422)))]
async fn create_staff(
    State(state): State<AppState>,
    CurrentStaff(me): CurrentStaff,
    ApiJson(input): ApiJson<NewStaffInput>,
) -> Result<(StatusCode, Json<uc::StaffCreated>), ApiError> {
    let staff = uc::create_staff(&state, &me, &input, state.now()).await?;
    Ok((StatusCode::CREATED, Json(staff)))
}

#[utoipa::path(get, path = "/api/staff/{id}", tag = "staff", params(("id" = i64, Path)), responses((status = 200, body = Staff), (status = 404)))]
async fn get_staff(
    State(state): State<AppState>,
    CurrentStaff(me): CurrentStaff,
    Id(id): Id,
) -> Result<Json<Staff>, ApiError> {
    Ok(Json(uc::staff_member(&state, &me, StaffId(id)).await?))
}

/// Records who manages a member of staff (told where the policy's ladder names `line_manager`).
#[utoipa::path(put, path = "/api/staff/{id}/line-manager", tag = "staff", params(("id" = i64, Path)), request_body = LineManagerInput,
    responses((status = 204), (status = 403), (status = 404), (status = 422)))]
async fn set_line_manager(
    State(state): State<AppState>,
    CurrentStaff(me): CurrentStaff,
    Id(id): Id,
    ApiJson(input): ApiJson<LineManagerInput>,
) -> Result<StatusCode, ApiError> {
    uc::set_line_manager(&state, &me, StaffId(id), input).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A driver's vehicles with their document expiry dates.
#[utoipa::path(get, path = "/api/staff/{id}/vehicles", tag = "staff", params(("id" = i64, Path)), responses((status = 200, body = Vec<Vehicle>)))]
async fn list_vehicles(
    State(state): State<AppState>,
    CurrentStaff(me): CurrentStaff,
    Id(id): Id,
) -> Result<Json<Vec<Vehicle>>, ApiError> {
    Ok(Json(uc::vehicles(&state, &me, StaffId(id)).await?))
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
    let vehicle = uc::add_vehicle(&state, &me, StaffId(id), &input).await?;
    Ok((StatusCode::CREATED, Json(vehicle)))
}
