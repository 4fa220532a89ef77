//! Signing in with a password (argon2id) and signing out. The server keeps the cookie; this
//! checks the password, starts or ends the session and writes its audit row with it.

use crate::{App, Refusal, Result, audit};
use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use chrono::{DateTime, Duration, Utc};
use serde::Deserialize;
use sha2::{Digest, Sha256};
use store::Staff;

/// How long a session lasts from signing in, in hours.
pub const SESSION_HOURS: i64 = 12;

#[derive(Deserialize, utoipa::ToSchema)]
pub struct LoginInput {
    pub email: String,
    pub password: String,
}

/// A started session: who signed in and the token to hand back (only its hash is stored).
pub struct SignedIn {
    pub staff: Staff,
    pub token: String,
}

/// The stored form of a session token (hex SHA-256), so a copy of the table signs nobody in.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Hashes a password with Argon2id. Slow on purpose, so run off the async threads.
/// Errors: `Internal` when hashing fails.
pub async fn hash_password(password: String) -> Result<String> {
    tokio::task::spawn_blocking(move || {
        Argon2::default()
            .hash_password(password.as_bytes())
            .map(|h| h.to_string())
            .map_err(Refusal::internal)
    })
    .await
    .map_err(Refusal::internal)?
}

async fn dummy_hash() -> Result<String> {
    static DUMMY: tokio::sync::OnceCell<String> = tokio::sync::OnceCell::const_new();
    DUMMY
        .get_or_try_init(|| hash_password("not a real password".into()))
        .await
        .cloned()
}

async fn verify_password(password: String, hash: String) -> Result<bool> {
    tokio::task::spawn_blocking(move || {
        PasswordHash::new(&hash).is_ok_and(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
    })
    .await
    .map_err(Refusal::internal)
}

/// Signs in: checks the password of the active account with this e-mail address (any case)
/// and starts a session of [`SESSION_HOURS`] from `now`, audited as `session.login` in the
/// same transaction. `None`: the address or the password is wrong (which one is not told).
pub async fn sign_in(
    app: &App,
    input: &LoginInput,
    now: DateTime<Utc>,
) -> Result<Option<SignedIn>> {
    let email = input.email.trim().to_lowercase();
    let found = app.db().staff_login(&email).await?;
    // Verify against a dummy hash when the address is unknown, so timing does not reveal accounts.
    let hash = match &found {
        Some((_, h)) => h.clone(),
        None => dummy_hash().await?,
    };
    let ok = verify_password(input.password.clone(), hash).await?;
    let Some((staff_id, _)) = found.filter(|_| ok) else {
        return Ok(None);
    };
    let staff = app.db().staff(staff_id).await?;
    let token = format!(
        "{}{}",
        uuid::Uuid::new_v4().simple(),
        uuid::Uuid::new_v4().simple()
    );
    let mut tx = app.db().begin().await?;
    tx.create_session(
        &token_hash(&token),
        staff.id,
        now,
        now + Duration::hours(SESSION_HOURS),
    )
    .await?;
    let e = audit::entry(
        app,
        &staff,
        "session.login",
        "staff",
        staff.id.0,
        None,
        serde_json::json!({}),
    );
    tx.append_audit(&e).await?;
    tx.commit().await?;
    Ok(Some(SignedIn { staff, token }))
}

/// Signs out: ends the session with this token, if it is one, audited as `session.logout` in
/// the same transaction. A token that names no live session ends nothing and is not an error.
pub async fn sign_out(app: &App, token: &str, now: DateTime<Utc>) -> Result<()> {
    let hash = token_hash(token);
    let who = app.db().session_member(&hash, now).await?;
    let mut tx = app.db().begin().await?;
    tx.delete_session(&hash).await?;
    if let Some(staff) = &who {
        let e = audit::entry(
            app,
            staff,
            "session.logout",
            "staff",
            staff.id.0,
            None,
            serde_json::json!({}),
        );
        tx.append_audit(&e).await?;
    }
    tx.commit().await?;
    Ok(())
}
