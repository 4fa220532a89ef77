//! The session cookie and the signed-in member of staff. Checking the password and starting or
//! ending the session are [`app::school_admin::sign_in`] and [`app::school_admin::sign_out`];
//! this module only carries the token in a cookie, for the JSON API and the login page alike.

use crate::AppState;
use crate::error::ApiError;
use crate::extract::ApiJson;
use app::school_admin::{self as uc, LoginInput, SESSION_HOURS, token_hash};
use axum::Json;
use axum::extract::{FromRequestParts, State};
use axum::http::HeaderMap;
use axum::http::header::{COOKIE, SET_COOKIE};
use axum::http::request::Parts;
use axum::response::{AppendHeaders, IntoResponse};
use store::Staff;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The `doorstep` CLI hashes the passwords of the accounts it makes with this.
pub use app::school_admin::hash_password;

const COOKIE_NAME: &str = "doorstep_session";

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(login))
        .routes(routes!(logout))
        .routes(routes!(me))
}

/// The member of staff making the request. Requests without a valid session are refused with 401.
pub struct CurrentStaff(pub Staff);

impl FromRequestParts<AppState> for CurrentStaff {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let token = session_token(&parts.headers).ok_or(ApiError::Unauthenticated)?;
        // One read: the session, the account (active only) and its roles.
        let staff = state
            .session_member(token_hash(&token), state.clock().now())
            .await?
            .ok_or(ApiError::Unauthenticated)?;
        Ok(CurrentStaff(staff))
    }
}

/// The session token the request's cookie carries, if any.
pub(crate) fn session_token(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == COOKIE_NAME)
        .map(|(_, value)| value.to_string())
}

/// The `Set-Cookie` value that hands a new session's token to the browser.
pub(crate) fn session_cookie(state: &AppState, token: &str) -> String {
    let secure = if state.inner_secure() { "; Secure" } else { "" };
    format!(
        "{COOKIE_NAME}={token}; HttpOnly; SameSite=Strict; Path=/; Max-Age={}{secure}",
        SESSION_HOURS * 3600
    )
}

/// The `Set-Cookie` value that clears the session cookie.
pub(crate) fn cleared_cookie() -> String {
    format!("{COOKIE_NAME}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0")
}

/// Ends the session the request carries (if any); the caller clears the cookie.
pub(crate) async fn end_session(state: &AppState, headers: &HeaderMap) -> Result<(), ApiError> {
    if let Some(token) = session_token(headers) {
        uc::sign_out(state, &token, state.now()).await?;
    }
    Ok(())
}

/// Signs in and sets the session cookie.
#[utoipa::path(post, path = "/api/login", request_body = LoginInput, tag = "session",
    responses((status = 200, body = Staff), (status = 401, description = "wrong e-mail or password")))]
async fn login(
    State(state): State<AppState>,
    ApiJson(input): ApiJson<LoginInput>,
) -> Result<impl IntoResponse, ApiError> {
    let signed_in = uc::sign_in(&state, &input, state.now())
        .await?
        .ok_or(ApiError::Unauthenticated)?;
    let cookie = session_cookie(&state, &signed_in.token);
    Ok((AppendHeaders([(SET_COOKIE, cookie)]), Json(signed_in.staff)))
}

/// Signs out: the session ends on the server and the cookie is cleared.
#[utoipa::path(post, path = "/api/logout", tag = "session", responses((status = 204)))]
async fn logout(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<impl IntoResponse, ApiError> {
    end_session(&state, &headers).await?;
    Ok((
        axum::http::StatusCode::NO_CONTENT,
        AppendHeaders([(SET_COOKIE, cleared_cookie())]),
    ))
}

/// The signed-in member of staff and their roles.
#[utoipa::path(get, path = "/api/me", tag = "session", responses((status = 200, body = Staff), (status = 401)))]
async fn me(CurrentStaff(staff): CurrentStaff) -> Json<Staff> {
    Json(staff)
}
