//! A7 for a no-answer visit: nobody was home, so a new visit is planned, linked to the first
//! (see [`app::records::revisit`]).

use crate::AppState;
use crate::auth::CurrentStaff;
use crate::error::ApiError;
use crate::extract::{ApiJson, Id};
use app::records::{Revisit, RevisitInput};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use domain::VisitId;

/// A7: nobody was home, so plan the visit again: a new draft with the same plan at new times,
/// linked to this one.
#[utoipa::path(post, path = "/api/visits/{id}/revisit", tag = "after the visit", params(("id" = i64, Path)), request_body = RevisitInput,
    responses((status = 201, body = Revisit), (status = 403), (status = 404), (status = 409), (status = 422)))]
pub(super) async fn revisit(
    State(state): State<AppState>,
    CurrentStaff(me): CurrentStaff,
    Id(id): Id,
    ApiJson(input): ApiJson<RevisitInput>,
) -> Result<(StatusCode, Json<Revisit>), ApiError> {
    let new = app::records::revisit(&state, &me, VisitId(id), input).await?;
    Ok((StatusCode::CREATED, Json(new)))
}
