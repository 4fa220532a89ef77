//! D9, A6: the Home Visit Slip left when nobody is home — printed in the school's own words with
//! the time by which the family must respond — and the response that closes it. If no response
//! is recorded by then, the safety monitor fires the slip's deadline and the DSL is alarmed
//! through the escalation ladder with the police / social-services prompt. JSON adapters of
//! [`app::records`].

use super::{pdf, render};
use crate::AppState;
use crate::auth::CurrentStaff;
use crate::error::ApiError;
use crate::extract::{ApiJson, Id};
use app::records::{self, LeaveSlipInput, ResponseInput, SlipView};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use domain::VisitId;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(get_slip, leave_slip))
        .routes(routes!(slip_pdf))
        .routes(routes!(record_response))
}

/// D9: a Home Visit Slip is left after nobody answered. The response deadline (the policy's
/// `slip.response_hours` from when it was left) is armed for the safety monitor.
#[utoipa::path(post, path = "/api/visits/{id}/slip", tag = "after the visit", params(("id" = i64, Path)), request_body = LeaveSlipInput,
    responses((status = 201, body = SlipView), (status = 403), (status = 404), (status = 409), (status = 422)))]
async fn leave_slip(
    State(state): State<AppState>,
    CurrentStaff(me): CurrentStaff,
    Id(id): Id,
    ApiJson(input): ApiJson<LeaveSlipInput>,
) -> Result<(StatusCode, Json<SlipView>), ApiError> {
    let slip = records::leave_slip(&state, &me, VisitId(id), input).await?;
    Ok((StatusCode::CREATED, Json(slip)))
}

/// The visit's slip and whether the family has responded.
#[utoipa::path(get, path = "/api/visits/{id}/slip", tag = "after the visit", params(("id" = i64, Path)),
    responses((status = 200, body = SlipView), (status = 404)))]
async fn get_slip(
    State(state): State<AppState>,
    CurrentStaff(me): CurrentStaff,
    Id(id): Id,
) -> Result<Json<SlipView>, ApiError> {
    Ok(Json(records::slip(&state, &me, VisitId(id)).await?))
}

/// The Home Visit Slip, printable, in the school's words (St Joseph's slip is the model).
#[utoipa::path(get, path = "/api/visits/{id}/slip.pdf", tag = "after the visit", params(("id" = i64, Path)),
    responses((status = 200, description = "The Home Visit Slip as PDF", content_type = "application/pdf"), (status = 404)))]
async fn slip_pdf(
    State(state): State<AppState>,
    CurrentStaff(me): CurrentStaff,
    Id(id): Id,
) -> Result<Response, ApiError> {
    let doc = records::slip_document(&state, &me, VisitId(id)).await?;
    let bytes = render(doc, documents::home_visit_slip).await?;
    Ok(pdf(bytes, &format!("home-visit-slip-{id}.pdf")))
}

/// A6: the family responded. The slip is closed and its deadline disarmed; if the DSL was already
/// alarmed, the alarm is resolved and everyone alerted is told.
#[utoipa::path(post, path = "/api/visits/{id}/slip/response", tag = "after the visit", params(("id" = i64, Path)), request_body = ResponseInput,
    responses((status = 200, body = SlipView), (status = 403), (status = 404), (status = 409), (status = 422)))]
async fn record_response(
    State(state): State<AppState>,
    CurrentStaff(me): CurrentStaff,
    Id(id): Id,
    ApiJson(input): ApiJson<ResponseInput>,
) -> Result<Json<SlipView>, ApiError> {
    Ok(Json(
        records::record_slip_response(&state, &me, VisitId(id), input).await?,
    ))
}
