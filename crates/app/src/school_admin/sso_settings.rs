//! Single sign-on settings per trust (#12 item 1): the trust administrator sets or clears the
//! trust's OpenID provider (issuer, client id, client secret). The secret is never shown back,
//! logged or put in the audit trail: the trail says only whether it was set, changed or kept.
//! The provider's discovery document is fetched once by the caller's `check` to prove the issuer
//! (the protocol is the server's; no HTTP here).

use crate::access::require_any;
use crate::permissions::SSO_SETTERS;
use crate::{App, Refusal, Result, audit};
use chrono::{DateTime, Utc};
use domain::TrustId;
use serde::{Deserialize, Serialize};
use store::{AuditEntry, Staff, TrustSso};

/// What the trust administrator types. `client_secret` empty or absent keeps the stored one.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SsoSettingsInput {
    /// The provider's issuer URL, e.g. `https://login.microsoftonline.com/{tenant}/v2.0`.
    #[schema(max_length = 500)]
    pub issuer: String,
    /// The client (application) id the provider gave Doorstep.
    #[schema(max_length = 255)]
    pub client_id: String,
    /// The client secret the provider gave Doorstep; leave out to keep the stored one.
    #[schema(max_length = 1000)]
    pub client_secret: Option<String>,
}

/// The trust's settings as shown back: never the secret, only that one is stored.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SsoSettingsView {
    pub trust_id: i64,
    pub issuer: String,
    pub client_id: String,
    /// Always true while settings are stored (a secret is required to set them).
    pub client_secret_set: bool,
    /// When last set or changed (UTC).
    pub updated_at: DateTime<Utc>,
}

fn view(s: &TrustSso) -> SsoSettingsView {
    SsoSettingsView {
        trust_id: s.trust.0,
        issuer: s.issuer.clone(),
        client_id: s.client_id.clone(),
        client_secret_set: !s.client_secret.is_empty(),
        updated_at: s.updated_at,
    }
}

/// The settings of `me`'s trust, if set. Errors: `Forbidden` unless `me` is its trust
/// administrator; the store's (a secret the server's key does not open).
pub async fn trust_sso_settings(app: &App, me: &Staff) -> Result<Option<SsoSettingsView>> {
    require_any(me, &SSO_SETTERS, "see the trust's sign-in settings")?;
    Ok(app.db().trust_sso(me.trust_id).await?.as_ref().map(view))
}

/// Whether `issuer` may name a provider: `https://`, or `http://` on this machine's loopback
/// (a provider a test starts). The discovery check proves the rest.
fn issuer_allowed(issuer: &str) -> bool {
    if issuer.starts_with("https://") {
        return issuer.len() > "https://".len();
    }
    ["http://127.0.0.1", "http://localhost", "http://[::1]"]
        .iter()
        .any(|host| {
            issuer
                .strip_prefix(host)
                .is_some_and(|rest| rest.is_empty() || rest.starts_with([':', '/']))
        })
}

/// A typed value, trimmed: refused naming `field` when empty (unless `optional`), longer than
/// `max` characters, or holding control characters or spaces.
fn typed(field: &str, label: &str, value: &str, max: usize) -> Result<String> {
    let v = value.trim();
    if v.is_empty() {
        return Err(Refusal::invalid(field, format!("Enter the {label}")));
    }
    if v.chars().count() > max {
        return Err(Refusal::invalid(
            field,
            format!("The {label} is longer than {max} characters: check you copied only it"),
        ));
    }
    if v.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return Err(Refusal::invalid(
            field,
            format!("The {label} has spaces or invisible characters in it: copy it again"),
        ));
    }
    Ok(v.to_string())
}

/// Sets (or changes) the single sign-on settings of `me`'s trust. The issuer must be `https://`
/// (or `http://` on loopback, for tests); a client id is needed, and a secret the first time
/// (later, none keeps the stored one). `check(issuer)` then fetches the provider's discovery
/// document once; its error is shown against the issuer. Audited `sso.settings_set` (first) or
/// `sso.settings_changed` with the issuer, client id and `secret: set|changed|kept`.
/// Errors: `Forbidden` unless trust administrator; `Invalid` naming `issuer`, `client_id` or
/// `client_secret`; the store's.
pub async fn set_trust_sso<F>(
    app: &App,
    me: &Staff,
    input: &SsoSettingsInput,
    check: F,
    now: DateTime<Utc>,
) -> Result<SsoSettingsView>
where
    F: AsyncFnOnce(&str) -> std::result::Result<(), String>,
{
    require_any(me, &SSO_SETTERS, "set the trust's sign-in settings")?;
    let issuer = typed("issuer", "issuer URL", &input.issuer, 500)?;
    if !issuer_allowed(&issuer) {
        return Err(Refusal::invalid(
            "issuer",
            "The issuer URL must start with https:// (from your Microsoft Entra or Google Workspace app registration)",
        ));
    }
    let client_id = typed(
        "client_id",
        "client (application) id",
        &input.client_id,
        255,
    )?;
    let before = app.db().trust_sso(me.trust_id).await?;
    let secret = match input.client_secret.as_deref().map(str::trim) {
        Some(s) if !s.is_empty() => Some(typed("client_secret", "client secret", s, 1000)?),
        _ if before.is_some() => None,
        _ => {
            return Err(Refusal::invalid(
                "client_secret",
                "Enter the client secret the provider gave Doorstep",
            ));
        }
    };
    check(&issuer).await.map_err(|why| {
        Refusal::invalid(
            "issuer",
            format!(
                "Doorstep could not read the provider's sign-in settings at this issuer: {why}"
            ),
        )
    })?;
    let secret_word = match (&before, &secret) {
        (None, _) => "set",
        (Some(b), Some(s)) if b.client_secret != *s => "changed",
        _ => "kept",
    };
    let mut tx = app.db().begin().await?;
    let changed = tx
        .set_trust_sso(
            me.trust_id,
            &issuer,
            &client_id,
            secret.as_deref(),
            Some(me.id),
            now,
        )
        .await?;
    let action = if changed {
        "sso.settings_changed"
    } else {
        "sso.settings_set"
    };
    let detail =
        serde_json::json!({ "issuer": issuer, "client_id": client_id, "secret": secret_word });
    let mut e = audit::entry(app, me, action, "trust", me.trust_id.0, None, detail);
    e.school = None;
    e.at = now;
    tx.append_audit(&e).await?;
    tx.commit().await?;
    let stored = app.db().trust_sso(me.trust_id).await?;
    stored
        .as_ref()
        .map(view)
        .ok_or_else(|| Refusal::internal("the sign-in settings just stored were not found"))
}

/// Clears the settings of `me`'s trust: its staff sign in with passwords only. Audited
/// `sso.settings_cleared`; answers whether there were any. Errors: `Forbidden` unless trust
/// administrator; the store's.
pub async fn clear_trust_sso(app: &App, me: &Staff, now: DateTime<Utc>) -> Result<bool> {
    require_any(me, &SSO_SETTERS, "clear the trust's sign-in settings")?;
    let mut tx = app.db().begin().await?;
    let cleared = tx.clear_trust_sso(me.trust_id).await?;
    if cleared {
        let mut e = audit::entry(
            app,
            me,
            "sso.settings_cleared",
            "trust",
            me.trust_id.0,
            None,
            serde_json::json!({}),
        );
        e.school = None;
        e.at = now;
        tx.append_audit(&e).await?;
    }
    tx.commit().await?;
    Ok(cleared)
}

/// The settings a sign-in through `trust`'s school accounts uses, if set (no person asks: the
/// sign-in page). Errors: the store's.
pub async fn sso_of_trust(app: &App, trust: TrustId) -> Result<Option<TrustSso>> {
    Ok(app.db().trust_sso(trust).await?)
}

/// The trusts offering "Sign in with your school account", id and name, for the sign-in page.
pub async fn trusts_offering_sso(app: &App) -> Result<Vec<(TrustId, String)>> {
    Ok(app.db().trusts_with_sso().await?)
}

/// Start-up bootstrap from `DOORSTEP_SSO_*`: stores these settings for `trust` when it has
/// none (settings set on the page win), audited `sso.settings_set` with no actor and
/// `source: "DOORSTEP_SSO_*"`. Answers whether they were stored. Errors: the store's (an
/// unknown trust id is a foreign-key fault).
pub async fn bootstrap_trust_sso(
    app: &App,
    trust: TrustId,
    issuer: &str,
    client_id: &str,
    secret: &str,
    now: DateTime<Utc>,
) -> Result<bool> {
    if app.db().trust_sso(trust).await?.is_some() {
        return Ok(false);
    }
    let mut tx = app.db().begin().await?;
    tx.set_trust_sso(trust, issuer, client_id, Some(secret), None, now)
        .await?;
    tx.append_audit(&AuditEntry {
        at: now,
        actor: None,
        school: None,
        action: "sso.settings_set".into(),
        subject_type: "trust",
        subject_id: Some(trust.0),
        detail: serde_json::json!({
            "issuer": issuer, "client_id": client_id, "secret": "set", "source": "DOORSTEP_SSO_*",
        }),
    })
    .await?;
    tx.commit().await?;
    Ok(true)
}
