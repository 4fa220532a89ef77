//! The session cookie and the signed-in member of staff. Checking the password and starting or
//! ending the session are [`app::school_admin::sign_in`] and [`app::school_admin::sign_out`];
//! this module only carries the token in a cookie, for the JSON API and the login page alike.

use crate::AppState;
use crate::error::ApiError;
use crate::extract::ApiJson;
use app::school_admin::{self as uc, LoginInput, SESSION_COOKIE_HOURS, token_hash};
use axum::Json;
use axum::extract::{ConnectInfo, FromRequestParts, RawPathParams, State};
use axum::http::HeaderMap;
use axum::http::header::{COOKIE, SET_COOKIE};
use axum::http::request::Parts;
use axum::response::{AppendHeaders, IntoResponse};
use domain::VisitId;
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

/// The member of staff making the request. Requests without a live session are refused with
/// 401. Sessions slide with use: see [`app::school_admin::live_session`] for the limits.
pub struct CurrentStaff(pub Staff);

/// Whether any role grant of the signed-in person's trust waits for approval, as read with their
/// session by [`CurrentStaff`] (a request extension): pages ask who may approve only when one does.
#[derive(Clone, Copy)]
pub struct GrantsWaiting(pub bool);

impl FromRequestParts<AppState> for CurrentStaff {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let token = session_token(&parts.headers).ok_or(ApiError::Unauthenticated)?;
        let hash = token_hash(&token);
        match state.session(hash.clone()).await? {
            Some(session) if is_live(state, &hash, &session).await => {
                parts
                    .extensions
                    .insert(GrantsWaiting(session.grants_waiting));
                Ok(CurrentStaff(session.staff))
            }
            _ => Err(ApiError::Unauthenticated),
        }
    }
}

/// The member of staff sending a safety tap on the visit in the path (`/…/{id}/…`): as
/// [`CurrentStaff`], and also a lapsed session of one of the visit's visitors while it is out, so
/// a panic or an "I'm OK" is never refused for a session's age (#11 item 5). The use case then
/// checks what this person may do on the visit as for any request.
pub struct TapStaff(pub Staff);

impl FromRequestParts<AppState> for TapStaff {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let token = session_token(&parts.headers).ok_or(ApiError::Unauthenticated)?;
        let hash = token_hash(&token);
        let Some(session) = state.session(hash.clone()).await? else {
            return Err(ApiError::Unauthenticated);
        };
        if is_live(state, &hash, &session).await {
            return Ok(TapStaff(session.staff));
        }
        let Some(visit) = path_visit(parts, state).await else {
            return Err(ApiError::Unauthenticated);
        };
        if uc::may_tap_while_out(state, &session.staff, visit).await? {
            tracing::info!(
                staff.id = session.staff.id.0,
                visit.id = visit.0,
                "a safety tap on a lapsed session accepted: the visitor is out"
            );
            Ok(TapStaff(session.staff))
        } else {
            Err(ApiError::Unauthenticated)
        }
    }
}

/// The visit named by the path's `id` parameter (`/api/visits/{id}/panic`, `/today/{id}/{action}`).
async fn path_visit(parts: &mut Parts, state: &AppState) -> Option<VisitId> {
    let params = RawPathParams::from_request_parts(parts, state).await.ok()?;
    let (_, raw) = params.iter().find(|(name, _)| *name == "id")?;
    raw.parse().ok().filter(|id| *id > 0).map(VisitId)
}

/// The client's address (IP), for counting failed sign-ins per address: the connection's peer,
/// or, with `--trust-proxy`, the last address in `X-Forwarded-For` (the one the proxy itself
/// added; earlier ones are whatever the client wrote). `None` when neither is known.
pub(crate) struct ClientAddress(pub Option<String>);

impl FromRequestParts<AppState> for ClientAddress {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        if state.trusts_proxy() {
            let forwarded = parts
                .headers
                .get_all("x-forwarded-for")
                .iter()
                .filter_map(|v| v.to_str().ok())
                .flat_map(|v| v.split(','))
                .filter_map(|a| a.trim().parse::<std::net::IpAddr>().ok())
                .next_back();
            if let Some(ip) = forwarded {
                return Ok(ClientAddress(Some(ip.to_string())));
            }
        }
        let peer = parts
            .extensions
            .get::<ConnectInfo<std::net::SocketAddr>>()
            .map(|ConnectInfo(addr)| addr.ip().to_string());
        Ok(ClientAddress(peer))
    }
}

/// Whether this session (with this token hash) is live now; if so its end is moved on (at most
/// once a minute), since it is being used.
async fn is_live(state: &AppState, hash: &str, session: &store::Session) -> bool {
    let now = state.clock().now();
    let Some(extend) = uc::live_session(session, state.app().session_limits(), now) else {
        return false;
    };
    // Moving the end on is housekeeping: a database that cannot take the write just now must not
    // turn away a request the session already allows.
    if let Some(end) = extend
        && let Err(e) = state.db().extend_session(hash, end, now).await
    {
        tracing::warn!(error = %e, "a session's end could not be moved on");
    }
    true
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

/// The browser's `User-Agent` (at most 512 bytes read), for naming the device in "my sessions".
pub(crate) fn user_agent(headers: &HeaderMap) -> Option<&str> {
    let ua = headers.get(axum::http::header::USER_AGENT)?.to_str().ok()?;
    Some(ua.get(..512).unwrap_or(ua))
}

/// The `Set-Cookie` value that hands a new session's token to the browser.
pub(crate) fn session_cookie(state: &AppState, token: &str) -> String {
    let secure = if state.inner_secure() { "; Secure" } else { "" };
    format!(
        "{COOKIE_NAME}={token}; HttpOnly; SameSite=Strict; Path=/; Max-Age={}{secure}",
        SESSION_COOKIE_HOURS * 3600
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

/// Signs in and sets the session cookie. Too many wrong passwords for the account or from the
/// address pause sign-in: 429 with `Retry-After` (seconds), the same whether or not the account
/// exists (see `app::school_admin::sign_in_guard`).
#[utoipa::path(post, path = "/api/login", request_body = LoginInput, tag = "session",
    responses((status = 200, body = Staff), (status = 401, description = "wrong e-mail or password"),
        (status = 429, description = "too many wrong passwords: try again after Retry-After seconds")))]
async fn login(
    State(state): State<AppState>,
    ClientAddress(from): ClientAddress,
    headers: HeaderMap,
    ApiJson(input): ApiJson<LoginInput>,
) -> Result<impl IntoResponse, ApiError> {
    let device = user_agent(&headers);
    let signed_in = match uc::sign_in(&state, &input, from.as_deref(), device, state.now()).await? {
        uc::SignIn::SignedIn(signed_in) => signed_in,
        uc::SignIn::Wrong => return Err(ApiError::Unauthenticated),
        uc::SignIn::Locked {
            retry_after_seconds,
        } => {
            return Err(ApiError::TooManyAttempts {
                retry_after_seconds,
            });
        }
    };
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
