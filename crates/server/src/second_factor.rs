//! The JSON API of the second factor (A9, issue #10 item 3): enrolling a TOTP authenticator on
//! one's own account and stepping a session up with a code. A read of safeguarding history
//! without a recent step-up is answered 403 `step_up_required` (or
//! `second_factor_enrolment_required`); see [`crate::error::ApiError::SecondFactor`].

use crate::AppState;
use crate::auth::{CurrentStaff, session_token};
use crate::error::ApiError;
use crate::extract::ApiJson;
use app::school_admin::token_hash;
use app::second_factor::{self as uc, CodeInput, Enrolled, Enrolment, Status};
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(status, start))
        .routes(routes!(confirm))
        .routes(routes!(step_up))
}

fn session(headers: &HeaderMap) -> Result<String, ApiError> {
    session_token(headers)
        .map(|t| token_hash(&t))
        .ok_or(ApiError::Unauthenticated)
}

/// Whether I have an authenticator, and until when (UTC) this session reads safeguarding
/// history without another code.
#[utoipa::path(get, path = "/api/me/second-factor", tag = "session",
    responses((status = 200, body = Status), (status = 401)))]
async fn status(
    State(state): State<AppState>,
    CurrentStaff(me): CurrentStaff,
) -> Result<Json<Status>, ApiError> {
    Ok(Json(uc::status(&state, &me).await?))
}

/// Starts enrolment: the secret (base32) and `otpauth://` address, shown this once. Starting
/// again replaces a secret not yet confirmed.
#[utoipa::path(post, path = "/api/me/second-factor", tag = "session",
    responses((status = 201, body = Enrolment), (status = 401),
        (status = 409, description = "an authenticator is already enrolled")))]
async fn start(
    State(state): State<AppState>,
    CurrentStaff(me): CurrentStaff,
) -> Result<(StatusCode, Json<Enrolment>), ApiError> {
    let e = uc::start_enrolment(&state, &me, state.now()).await?;
    Ok((StatusCode::CREATED, Json(e)))
}

/// Confirms enrolment with the authenticator's current code; answers the one-time recovery
/// codes, shown this once. Counts as this session's step-up.
#[utoipa::path(post, path = "/api/me/second-factor/confirm", request_body = CodeInput, tag = "session",
    responses((status = 200, body = Enrolled), (status = 401),
        (status = 409, description = "no enrolment started"),
        (status = 422, description = "`code` is not the authenticator's current code")))]
async fn confirm(
    State(state): State<AppState>,
    CurrentStaff(me): CurrentStaff,
    headers: HeaderMap,
    ApiJson(input): ApiJson<CodeInput>,
) -> Result<Json<Enrolled>, ApiError> {
    let done = uc::confirm_enrolment(&state, &me, &session(&headers)?, &input, state.now()).await?;
    Ok(Json(done))
}

/// Steps this session up with a current authenticator code or an unused recovery code, for the
/// policy's `second_factor.step_up_minutes`.
#[utoipa::path(post, path = "/api/me/step-up", request_body = CodeInput, tag = "session",
    responses((status = 200, body = Status), (status = 401),
        (status = 409, description = "no authenticator enrolled"),
        (status = 422, description = "`code` is wrong, too old or already used")))]
async fn step_up(
    State(state): State<AppState>,
    CurrentStaff(me): CurrentStaff,
    headers: HeaderMap,
    ApiJson(input): ApiJson<CodeInput>,
) -> Result<Json<Status>, ApiError> {
    let s = uc::step_up(&state, &me, &session(&headers)?, &input, state.now()).await?;
    Ok(Json(s))
}
