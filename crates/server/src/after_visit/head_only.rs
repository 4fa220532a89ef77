//! A10: records for the head only — allegations against staff and parents' concerns about a
//! visit; about the head, for the chair of governors and the trust — as JSON. Each handler calls
//! its use case in `app::safeguarding`; anyone who may not read a record is told "not found".

use crate::AppState;
use crate::auth::CurrentStaff;
use crate::error::ApiError;
use crate::extract::{ApiJson, ApiQuery, Id};
use app::safeguarding::{self as uc, CloseInput, HeadOnlyQuery, Receipt, RecordInput};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use store::HeadOnlyRecord;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, record))
        .routes(routes!(get_record))
        .routes(routes!(close))
}

/// A10: records an allegation against staff or a parent's concern about a visit, for the head.
#[utoipa::path(post, path = "/api/head-only-records", tag = "after the visit", request_body = RecordInput,
    responses((status = 201, body = Receipt), (status = 422)))]
async fn record(
    State(state): State<AppState>,
    CurrentStaff(me): CurrentStaff,
    ApiJson(input): ApiJson<RecordInput>,
) -> Result<(StatusCode, Json<Receipt>), ApiError> {
    let receipt = uc::record_head_only(&state, &me, &input).await?;
    Ok((StatusCode::CREATED, Json(receipt)))
}

#[utoipa::path(get, path = "/api/head-only-records/{id}", tag = "after the visit", params(("id" = i64, Path)),
    responses((status = 200, body = HeadOnlyRecord), (status = 404)))]
async fn get_record(
    State(state): State<AppState>,
    CurrentStaff(me): CurrentStaff,
    Id(id): Id,
) -> Result<Json<HeadOnlyRecord>, ApiError> {
    Ok(Json(uc::head_only_record(&state, &me, id).await?))
}

/// The school's records for the head, newest first; for the chair of governors and the trust's
/// administrators, those about a headteacher. Anyone else is refused.
#[utoipa::path(get, path = "/api/head-only-records", tag = "after the visit", params(HeadOnlyQuery),
    responses((status = 200, body = Vec<HeadOnlyRecord>), (status = 403)))]
async fn list(
    State(state): State<AppState>,
    CurrentStaff(me): CurrentStaff,
    ApiQuery(q): ApiQuery<HeadOnlyQuery>,
) -> Result<Json<Vec<HeadOnlyRecord>>, ApiError> {
    Ok(Json(uc::head_only_records(&state, &me, &q).await?))
}

/// The head records how it was dealt with.
#[utoipa::path(post, path = "/api/head-only-records/{id}/close", tag = "after the visit", params(("id" = i64, Path)), request_body = CloseInput,
    responses((status = 200, body = HeadOnlyRecord), (status = 404), (status = 409)))]
async fn close(
    State(state): State<AppState>,
    CurrentStaff(me): CurrentStaff,
    Id(id): Id,
    ApiJson(input): ApiJson<CloseInput>,
) -> Result<Json<HeadOnlyRecord>, ApiError> {
    Ok(Json(uc::close_head_only(&state, &me, id, &input).await?))
}
