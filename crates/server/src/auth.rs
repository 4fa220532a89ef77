//! Login with a password (argon2id) and a session cookie; the signed-in member of staff.

use crate::AppState;
use crate::access::audit;
use crate::error::ApiError;
use crate::extract::ApiJson;
use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use axum::Json;
use axum::extract::{FromRequestParts, State};
use axum::http::HeaderMap;
use axum::http::header::{COOKIE, SET_COOKIE};
use axum::http::request::Parts;
use axum::response::{AppendHeaders, IntoResponse};
use chrono::Duration;
use serde::Deserialize;
use sha2::{Digest, Sha256};
use store::Staff;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

const COOKIE_NAME: &str = "doorstep_session";
const SESSION_HOURS: i64 = 12;

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

fn session_token(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == COOKIE_NAME)
        .map(|(_, value)| value.to_string())
}

fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Hashes a password with Argon2id. Slow on purpose, so run off the async threads.
pub async fn hash_password(password: String) -> Result<String, ApiError> {
    tokio::task::spawn_blocking(move || {
        Argon2::default()
            .hash_password(password.as_bytes())
            .map(|h| h.to_string())
            .map_err(ApiError::internal)
    })
    .await
    .map_err(ApiError::internal)?
}

async fn dummy_hash() -> Result<String, ApiError> {
    static DUMMY: tokio::sync::OnceCell<String> = tokio::sync::OnceCell::const_new();
    DUMMY
        .get_or_try_init(|| hash_password("not a real password".into()))
        .await
        .cloned()
}

async fn verify_password(password: String, hash: String) -> bool {
    tokio::task::spawn_blocking(move || {
        PasswordHash::new(&hash).is_ok_and(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
    })
    .await
    .unwrap_or(false)
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct LoginInput {
    email: String,
    password: String,
}

/// Signs in and sets the session cookie.
#[utoipa::path(post, path = "/api/login", request_body = LoginInput, tag = "session",
    responses((status = 200, body = Staff), (status = 401, description = "wrong e-mail or password")))]
async fn login(
    State(state): State<AppState>,
    ApiJson(input): ApiJson<LoginInput>,
) -> Result<impl IntoResponse, ApiError> {
    let email = input.email.trim().to_lowercase();
    let found = state.db().staff_login(&email).await?;
    // Verify against a dummy hash when the address is unknown, so timing does not reveal accounts.
    let hash = match &found {
        Some((_, h)) => h.clone(),
        None => dummy_hash().await?,
    };
    let ok = verify_password(input.password, hash).await;
    let Some((staff_id, _)) = found.filter(|_| ok) else {
        return Err(ApiError::Unauthenticated);
    };
    let token = format!(
        "{}{}",
        uuid::Uuid::new_v4().simple(),
        uuid::Uuid::new_v4().simple()
    );
    let now = state.clock().now();
    state
        .db()
        .create_session(
            &token_hash(&token),
            staff_id,
            now,
            now + Duration::hours(SESSION_HOURS),
        )
        .await?;
    let staff = state.db().staff(staff_id).await?;
    audit(
        &state,
        &staff,
        "session.login",
        "staff",
        staff.id.0,
        serde_json::json!({}),
    )
    .await?;
    let secure = if state.inner_secure() { "; Secure" } else { "" };
    let cookie = format!(
        "{COOKIE_NAME}={token}; HttpOnly; SameSite=Strict; Path=/; Max-Age={}{secure}",
        SESSION_HOURS * 3600
    );
    Ok((AppendHeaders([(SET_COOKIE, cookie)]), Json(staff)))
}

/// Signs out: the session ends on the server and the cookie is cleared.
#[utoipa::path(post, path = "/api/logout", tag = "session", responses((status = 204)))]
async fn logout(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<impl IntoResponse, ApiError> {
    if let Some(token) = session_token(&headers) {
        state.db().delete_session(&token_hash(&token)).await?;
    }
    let cookie = format!("{COOKIE_NAME}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0");
    Ok((
        axum::http::StatusCode::NO_CONTENT,
        AppendHeaders([(SET_COOKIE, cookie)]),
    ))
}

/// The signed-in member of staff and their roles.
#[utoipa::path(get, path = "/api/me", tag = "session", responses((status = 200, body = Staff), (status = 401)))]
async fn me(CurrentStaff(staff): CurrentStaff) -> Json<Staff> {
    Json(staff)
}
