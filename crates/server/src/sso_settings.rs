//! The JSON API of the trust's single sign-on settings (#12 item 1): the trust administrator
//! reads, sets or clears the trust's OpenID provider. Adapters of
//! [`app::school_admin::set_trust_sso`] and its neighbours; the secret is never answered back.

use crate::AppState;
use crate::auth::CurrentStaff;
use crate::error::ApiError;
use crate::extract::ApiJson;
use app::school_admin::{self as uc, SsoSettingsInput, SsoSettingsView};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(read_settings, set_settings, clear_settings))
}

/// The check a new issuer must pass: its discovery document read once through the server's
/// provider client. Without single sign-on on this server, nothing can be set.
pub(crate) async fn check_issuer(state: &AppState, issuer: &str) -> Result<(), String> {
    match state.sso() {
        Some(provider) => provider.check_issuer(issuer).await,
        None => Err("single sign-on is not turned on for this Doorstep server".into()),
    }
}

/// The trust's single sign-on settings (issuer, client id, whether a secret is stored), or null
/// when its staff sign in with passwords only. For the trust administrator.
#[utoipa::path(get, path = "/api/trust/sso", tag = "session",
    responses((status = 200, body = Option<SsoSettingsView>), (status = 401),
        (status = 403, description = "only the trust administrator")))]
async fn read_settings(
    State(state): State<AppState>,
    CurrentStaff(me): CurrentStaff,
) -> Result<Json<Option<SsoSettingsView>>, ApiError> {
    Ok(Json(uc::trust_sso_settings(&state, &me).await?))
}

/// Sets or changes the trust's provider. The issuer must be `https://` (loopback `http://` for
/// tests) and its discovery document is fetched once; a secret is needed the first time and
/// otherwise kept when left out. Audited as set or changed; the secret never appears.
#[utoipa::path(put, path = "/api/trust/sso", tag = "session", request_body = SsoSettingsInput,
    responses((status = 200, body = SsoSettingsView), (status = 401),
        (status = 403, description = "only the trust administrator"),
        (status = 422, description = "a setting is missing or wrong, or the issuer's discovery document could not be read")))]
async fn set_settings(
    State(state): State<AppState>,
    CurrentStaff(me): CurrentStaff,
    ApiJson(input): ApiJson<SsoSettingsInput>,
) -> Result<Json<SsoSettingsView>, ApiError> {
    let check = async |issuer: &str| check_issuer(&state, issuer).await;
    Ok(Json(
        uc::set_trust_sso(&state, &me, &input, check, state.now()).await?,
    ))
}

/// Clears the trust's provider: its staff sign in with passwords only. Audited.
#[utoipa::path(delete, path = "/api/trust/sso", tag = "session",
    responses((status = 204), (status = 401),
        (status = 403, description = "only the trust administrator")))]
async fn clear_settings(
    State(state): State<AppState>,
    CurrentStaff(me): CurrentStaff,
) -> Result<StatusCode, ApiError> {
    uc::clear_trust_sso(&state, &me, state.now()).await?;
    Ok(StatusCode::NO_CONTENT)
}
