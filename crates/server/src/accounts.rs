//! The JSON API of accounts (#12 item 3, #10 item 3): my sessions, changing my password, a
//! forgotten password (by e-mail or from the school's administrator), a lost authenticator reset
//! and senior roles waiting for a second person. Adapters of [`app::accounts`].

use crate::AppState;
use crate::auth::{ClientAddress, CurrentStaff, cleared_cookie, session_token};
use crate::error::ApiError;
use crate::extract::{ApiJson, Id};
use app::accounts::{
    self as uc, ChangePasswordInput, IssuedReset, MySession, NewPasswordInput, PendingGrants,
    ResetRequest,
};
use app::school_admin::token_hash;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::header::SET_COOKIE;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{AppendHeaders, IntoResponse, Response};
use domain::StaffId;
use serde::Serialize;
use store::Staff;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_sessions))
        .routes(routes!(end_session))
        .routes(routes!(end_other_sessions))
        .routes(routes!(change_password))
        .routes(routes!(request_reset))
        .routes(routes!(complete_reset))
        .routes(routes!(issue_reset))
        .routes(routes!(reset_authenticator))
        .routes(routes!(pending_grants))
        .routes(routes!(approve_grant))
        .routes(routes!(refuse_grant))
}

/// The token hash of the session the request carries (the extractor already checked it).
pub(crate) fn current(headers: &HeaderMap) -> Result<String, ApiError> {
    session_token(headers)
        .map(|t| token_hash(&t))
        .ok_or(ApiError::Unauthenticated)
}

/// How many sessions an action ended.
#[derive(Serialize, utoipa::ToSchema)]
struct Ended {
    ended: u64,
}

/// My live sessions: device, signed in at, last used (UTC), and which is this one.
#[utoipa::path(get, path = "/api/me/sessions", tag = "session",
    responses((status = 200, body = Vec<MySession>), (status = 401)))]
async fn list_sessions(
    State(state): State<AppState>,
    CurrentStaff(me): CurrentStaff,
    headers: HeaderMap,
) -> Result<Json<Vec<MySession>>, ApiError> {
    let hash = current(&headers)?;
    Ok(Json(
        uc::my_sessions(&state, &me, &hash, state.now()).await?,
    ))
}

/// Signs one of my sessions out at once (its open live feed stops too). Ending this device's
/// session clears its cookie.
#[utoipa::path(delete, path = "/api/me/sessions/{id}", tag = "session", params(("id" = String, Path, description = "the session's id from the list")),
    responses((status = 204), (status = 401), (status = 404, description = "no session of mine with this id")))]
async fn end_session(
    State(state): State<AppState>,
    CurrentStaff(me): CurrentStaff,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let hash = current(&headers)?;
    let this = uc::sign_out_session(&state, &me, &hash, &id, state.now()).await?;
    Ok(if this {
        (
            StatusCode::NO_CONTENT,
            AppendHeaders([(SET_COOKIE, cleared_cookie())]),
        )
            .into_response()
    } else {
        StatusCode::NO_CONTENT.into_response()
    })
}

/// Signs out every session of mine but this one, at once.
#[utoipa::path(post, path = "/api/me/sessions/sign-out-others", tag = "session",
    responses((status = 200, body = Ended), (status = 401)))]
async fn end_other_sessions(
    State(state): State<AppState>,
    CurrentStaff(me): CurrentStaff,
    headers: HeaderMap,
) -> Result<Json<Ended>, ApiError> {
    let hash = current(&headers)?;
    let ended = uc::sign_out_others(&state, &me, &hash, state.now()).await?;
    Ok(Json(Ended { ended }))
}

/// Changes my password (the current one first); my other sessions end.
#[utoipa::path(post, path = "/api/me/password", tag = "session", request_body = ChangePasswordInput,
    responses((status = 200, body = Ended, description = "how many other sessions ended"), (status = 401),
        (status = 422, description = "`current_password` is wrong, or `new_password` is too weak")))]
async fn change_password(
    State(state): State<AppState>,
    CurrentStaff(me): CurrentStaff,
    headers: HeaderMap,
    ApiJson(input): ApiJson<ChangePasswordInput>,
) -> Result<Json<Ended>, ApiError> {
    let hash = current(&headers)?;
    let ended = uc::change_password(&state, &me, &hash, &input, state.now()).await?;
    Ok(Json(Ended { ended }))
}

/// "Forgotten your password?": e-mails a reset link good for 30 minutes to the account with this
/// address. The answer is the same whether or not the account exists.
#[utoipa::path(post, path = "/api/password-reset", tag = "session", request_body = ResetRequest,
    responses((status = 202, description = "if the address is an account's, a link is on its way"),
        (status = 422), (status = 429, description = "too many links asked for: try again after Retry-After seconds"),
        (status = 409, description = "this server sends no e-mail: ask the headteacher or trust administrator")))]
async fn request_reset(
    State(state): State<AppState>,
    ClientAddress(from): ClientAddress,
    ApiJson(input): ApiJson<ResetRequest>,
) -> Result<StatusCode, ApiError> {
    uc::request_reset(&state, &input, from.as_deref(), state.now()).await?;
    Ok(StatusCode::ACCEPTED)
}

/// Sets a new password with a reset link's token, once; every session of the account ends.
#[utoipa::path(post, path = "/api/password-reset/{token}", tag = "session", request_body = NewPasswordInput,
    params(("token" = String, Path, description = "the last part of the reset link")),
    responses((status = 204), (status = 404, description = "the link was used or is over 30 minutes old"), (status = 422)))]
async fn complete_reset(
    State(state): State<AppState>,
    Path(token): Path<String>,
    ApiJson(input): ApiJson<NewPasswordInput>,
) -> Result<StatusCode, ApiError> {
    uc::complete_reset(&state, &token, &input, state.now()).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The headteacher or a trust administrator issues a colleague's reset link, shown once to hand
/// over in person (also an imported member of staff's first password).
#[utoipa::path(post, path = "/api/staff/{id}/password-reset", tag = "staff", params(("id" = i64, Path)),
    responses((status = 201, body = IssuedReset), (status = 401), (status = 403), (status = 404)))]
async fn issue_reset(
    State(state): State<AppState>,
    CurrentStaff(me): CurrentStaff,
    Id(id): Id,
) -> Result<(StatusCode, Json<IssuedReset>), ApiError> {
    let issued = uc::issue_reset(&state, &me, StaffId(id), state.now()).await?;
    Ok((StatusCode::CREATED, Json(issued)))
}

/// The headteacher or a trust administrator clears a colleague's lost authenticator; they enrol
/// again and are told by e-mail.
#[utoipa::path(post, path = "/api/staff/{id}/second-factor/reset", tag = "staff", params(("id" = i64, Path)),
    responses((status = 204), (status = 401), (status = 403), (status = 404),
        (status = 409, description = "they have no authenticator")))]
async fn reset_authenticator(
    State(state): State<AppState>,
    CurrentStaff(me): CurrentStaff,
    Id(id): Id,
) -> Result<StatusCode, ApiError> {
    uc::reset_authenticator(&state, &me, StaffId(id), state.now()).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Senior roles (headteacher, DSL, chair of governors, trust administrator) waiting for a second
/// person's approval, as the trust administrator or a school's senior people see them.
#[utoipa::path(get, path = "/api/role-grants", tag = "staff",
    responses((status = 200, body = PendingGrants), (status = 401)))]
async fn pending_grants(
    State(state): State<AppState>,
    CurrentStaff(me): CurrentStaff,
) -> Result<Json<PendingGrants>, ApiError> {
    Ok(Json(uc::grants_needing_approval(&state, &me).await?))
}

/// Approves a senior role asked for by someone else: the role is given at once.
#[utoipa::path(post, path = "/api/role-grants/{id}/approve", tag = "staff", params(("id" = i64, Path)),
    responses((status = 200, body = Staff), (status = 401),
        (status = 403, description = "you asked for it, would hold it, or are not a second senior person"),
        (status = 404)))]
async fn approve_grant(
    State(state): State<AppState>,
    CurrentStaff(me): CurrentStaff,
    Id(id): Id,
) -> Result<Json<Staff>, ApiError> {
    Ok(Json(uc::approve_grant(&state, &me, id, state.now()).await?))
}

/// Refuses a senior role asked for by someone else: it is not given and stops waiting.
#[utoipa::path(post, path = "/api/role-grants/{id}/refuse", tag = "staff", params(("id" = i64, Path)),
    responses((status = 200, body = Staff, description = "the person who would have held it, unchanged"),
        (status = 401),
        (status = 403, description = "you asked for it, would hold it, or are not a second senior person"),
        (status = 404)))]
async fn refuse_grant(
    State(state): State<AppState>,
    CurrentStaff(me): CurrentStaff,
    Id(id): Id,
) -> Result<Json<Staff>, ApiError> {
    Ok(Json(uc::refuse_grant(&state, &me, id, state.now()).await?))
}
