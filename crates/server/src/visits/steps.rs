//! The steps of a visit's life over JSON: request, authorise, decline, ask for changes, sign
//! out, arrived, nobody home, left, back, record completed, cancel. Each calls its use case in
//! [`app::visits`]; the use case decides access, checks the policy and writes in one transaction.
//! The steps of a visit that is out (arrived to back) take [`TapStaff`]: a visitor out on the
//! visit is not refused them for an old session, so an old session never holds anyone out.

use crate::AppState;
use crate::auth::{CurrentStaff, TapStaff};
use crate::error::ApiError;
use crate::extract::{ApiJson, Id, OptionalJson};
use app::visits::{
    self, AuthoriseInput, CancelAtDoorInput, CancelInput, CommentInput, LeftInput, RequestInput,
    ReturnedInput, TapInput, TurnBackInput, VisitDetail,
};
use axum::Json;
use axum::extract::State;
use axum::extract::{FromRequest, Request};
use axum::http::header::CONTENT_TYPE;
use domain::VisitId;

/// Asks for authorisation. Refused, naming every unmet rule, if the plan breaks the policy; a
/// rule the policy only advises is passed with `advisory_reason`. The body may be left out
/// (no Content-Type, or an empty body): nothing but the request.
#[utoipa::path(post, path = "/api/visits/{id}/request", tag = "visits", params(("id" = i64, Path)), request_body = RequestInput,
    responses((status = 200, body = VisitDetail), (status = 400), (status = 409), (status = 422)))]
pub(super) async fn request_visit(
    State(state): State<AppState>,
    CurrentStaff(me): CurrentStaff,
    Id(id): Id,
    req: Request,
) -> Result<Json<VisitDetail>, ApiError> {
    // A request sent with no body (older clients, or a JSON content type and nothing after
    // it) has nothing to say beyond "request it".
    let (parts, body) = req.into_parts();
    let most = 8 * crate::BODY_LIMIT_BYTES;
    let bytes = axum::body::to_bytes(body, most).await.map_err(|_| {
        ApiError::bad_request("advisory_reason", "is too long: send a shorter reason")
    })?;
    let input = if !parts.headers.contains_key(CONTENT_TYPE) || bytes.trim_ascii().is_empty() {
        RequestInput::default()
    } else {
        let req = Request::from_parts(parts, axum::body::Body::from(bytes));
        ApiJson::<RequestInput>::from_request(req, &state).await?.0
    };
    Ok(Json(
        visits::request(&state, &me, VisitId(id), input).await?,
    ))
}

/// P9: the authoriser approves, acknowledging each caution flag (P10).
#[utoipa::path(post, path = "/api/visits/{id}/authorise", tag = "visits", params(("id" = i64, Path)), request_body = AuthoriseInput,
    responses((status = 200, body = VisitDetail), (status = 403), (status = 409), (status = 422)))]
pub(super) async fn authorise_visit(
    State(state): State<AppState>,
    CurrentStaff(me): CurrentStaff,
    Id(id): Id,
    ApiJson(input): ApiJson<AuthoriseInput>,
) -> Result<Json<VisitDetail>, ApiError> {
    Ok(Json(
        visits::authorise(&state, &me, VisitId(id), input).await?,
    ))
}

/// P9: the authoriser declines, saying why.
#[utoipa::path(post, path = "/api/visits/{id}/decline", tag = "visits", params(("id" = i64, Path)), request_body = CommentInput,
    responses((status = 200, body = VisitDetail), (status = 403), (status = 409)))]
pub(super) async fn decline_visit(
    State(state): State<AppState>,
    CurrentStaff(me): CurrentStaff,
    Id(id): Id,
    ApiJson(input): ApiJson<CommentInput>,
) -> Result<Json<VisitDetail>, ApiError> {
    Ok(Json(
        visits::decline(&state, &me, VisitId(id), input).await?,
    ))
}

/// P9: the authoriser asks for changes to the plan.
#[utoipa::path(post, path = "/api/visits/{id}/request-changes", tag = "visits", params(("id" = i64, Path)), request_body = CommentInput,
    responses((status = 200, body = VisitDetail), (status = 403), (status = 409)))]
pub(super) async fn request_changes(
    State(state): State<AppState>,
    CurrentStaff(me): CurrentStaff,
    Id(id): Id,
    ApiJson(input): ApiJson<CommentInput>,
) -> Result<Json<VisitDetail>, ApiError> {
    let detail = visits::request_changes(&state, &me, VisitId(id), input).await?;
    Ok(Json(detail))
}

/// D1: signs the visitors out of school, writing the office log (REAch2 Appendix 3).
#[utoipa::path(post, path = "/api/visits/{id}/sign-out", tag = "visit in progress", params(("id" = i64, Path)),
    responses((status = 200, body = VisitDetail), (status = 409), (status = 422)))]
pub(super) async fn sign_out(
    State(state): State<AppState>,
    CurrentStaff(me): CurrentStaff,
    Id(id): Id,
) -> Result<Json<VisitDetail>, ApiError> {
    Ok(Json(visits::sign_out(&state, &me, VisitId(id)).await?))
}

/// D2: arrived at the property (the body may be left out; `tapped_at` for a tap sent later).
#[utoipa::path(post, path = "/api/visits/{id}/arrived", tag = "visit in progress", params(("id" = i64, Path)), request_body = TapInput,
    responses((status = 200, body = VisitDetail), (status = 409), (status = 422)))]
pub(super) async fn arrived(
    State(state): State<AppState>,
    TapStaff(me): TapStaff,
    Id(id): Id,
    OptionalJson(input): OptionalJson<TapInput>,
) -> Result<Json<VisitDetail>, ApiError> {
    let detail = visits::arrived_tapped(&state, &me, VisitId(id), input).await?;
    Ok(Json(detail))
}

/// D9: nobody answered; a slip or card is left (the body may be left out).
#[utoipa::path(post, path = "/api/visits/{id}/nobody-home", tag = "visit in progress", params(("id" = i64, Path)), request_body = TapInput,
    responses((status = 200, body = VisitDetail), (status = 409), (status = 422)))]
pub(super) async fn nobody_home(
    State(state): State<AppState>,
    TapStaff(me): TapStaff,
    Id(id): Id,
    OptionalJson(input): OptionalJson<TapInput>,
) -> Result<Json<VisitDetail>, ApiError> {
    let detail = visits::nobody_home_tapped(&state, &me, VisitId(id), input).await?;
    Ok(Json(detail))
}

/// A9: turned back before reaching the house, with the reason; the staff are watched until
/// they tap back at school or home safe (`POST /api/visits/{id}/returned`); the buddy is told.
#[utoipa::path(post, path = "/api/visits/{id}/turn-back", tag = "visit in progress", params(("id" = i64, Path)), request_body = TurnBackInput,
    responses((status = 200, body = VisitDetail), (status = 409), (status = 422)))]
pub(super) async fn turn_back(
    State(state): State<AppState>,
    TapStaff(me): TapStaff,
    Id(id): Id,
    ApiJson(input): ApiJson<TurnBackInput>,
) -> Result<Json<VisitDetail>, ApiError> {
    Ok(Json(
        visits::turn_back(&state, &me, VisitId(id), input).await?,
    ))
}

/// A1: left the property (D7: early, for safety).
#[utoipa::path(post, path = "/api/visits/{id}/left", tag = "visit in progress", params(("id" = i64, Path)), request_body = LeftInput,
    responses((status = 200, body = VisitDetail), (status = 409)))]
pub(super) async fn left_property(
    State(state): State<AppState>,
    TapStaff(me): TapStaff,
    Id(id): Id,
    OptionalJson(input): OptionalJson<LeftInput>,
) -> Result<Json<VisitDetail>, ApiError> {
    Ok(Json(visits::left(&state, &me, VisitId(id), input).await?))
}

/// A1: back at school (signed in) or home safely.
#[utoipa::path(post, path = "/api/visits/{id}/returned", tag = "visit in progress", params(("id" = i64, Path)), request_body = ReturnedInput,
    responses((status = 200, body = VisitDetail), (status = 409)))]
pub(super) async fn returned(
    State(state): State<AppState>,
    TapStaff(me): TapStaff,
    Id(id): Id,
    OptionalJson(input): OptionalJson<ReturnedInput>,
) -> Result<Json<VisitDetail>, ApiError> {
    Ok(Json(
        visits::returned(&state, &me, VisitId(id), input).await?,
    ))
}

/// The visit's record is complete.
#[utoipa::path(post, path = "/api/visits/{id}/complete", tag = "visits", params(("id" = i64, Path)),
    responses((status = 200, body = VisitDetail), (status = 409)))]
pub(super) async fn complete_record(
    State(state): State<AppState>,
    CurrentStaff(me): CurrentStaff,
    Id(id): Id,
) -> Result<Json<VisitDetail>, ApiError> {
    Ok(Json(
        visits::complete_record(&state, &me, VisitId(id)).await?,
    ))
}

/// Cancels a visit that has not started (A7: it should then be rescheduled).
#[utoipa::path(post, path = "/api/visits/{id}/cancel", tag = "visits", params(("id" = i64, Path)), request_body = CancelInput,
    responses((status = 200, body = VisitDetail), (status = 409), (status = 422)))]
pub(super) async fn cancel_visit(
    State(state): State<AppState>,
    CurrentStaff(me): CurrentStaff,
    Id(id): Id,
    ApiJson(input): ApiJson<CancelInput>,
) -> Result<Json<VisitDetail>, ApiError> {
    Ok(Json(visits::cancel(&state, &me, VisitId(id), input).await?))
}

/// D6: calls an arrived visit off at the door with a reason (animals not secured, no
/// responsible adult, child alone, other + note); the staff are watched until back, then the
/// visit may be rescheduled (`POST /api/visits/{id}/reschedule`).
#[utoipa::path(post, path = "/api/visits/{id}/cancel-at-door", tag = "visits", params(("id" = i64, Path)), request_body = CancelAtDoorInput,
    responses((status = 200, body = VisitDetail), (status = 409), (status = 422)))]
pub(super) async fn cancel_at_door(
    State(state): State<AppState>,
    TapStaff(me): TapStaff,
    Id(id): Id,
    ApiJson(input): ApiJson<CancelAtDoorInput>,
) -> Result<Json<VisitDetail>, ApiError> {
    Ok(Json(
        visits::cancel_at_door(&state, &me, VisitId(id), input).await?,
    ))
}
