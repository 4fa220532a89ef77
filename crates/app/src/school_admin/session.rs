//! Signing in with a password (argon2id) and signing out. The server keeps the cookie; this
//! checks the password, starts or ends the session and writes its audit row with it.

use crate::{App, Refusal, Result, audit};
use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use chrono::{DateTime, Duration, Utc};
use domain::VisitId;
use serde::Deserialize;
use sha2::{Digest, Sha256};
use store::{Session, Staff};

/// How long a session lasts unused, in hours: each request moves its end to this long after
/// the request (written at most once a minute), so a phone in use stays signed in.
pub const SESSION_IDLE_HOURS: i64 = 12;

/// The most a session lasts from signing in however much it is used, in hours: long enough for
/// a working day and an evening visit, short enough that a lost phone is signed out by the next
/// morning. One exception, [`may_tap_while_out`]: the holder's safety taps on a visit they are
/// out on are never refused for the session's age.
pub const SESSION_MAX_HOURS: i64 = 24;

/// How long the browser keeps the session cookie, in hours. Longer than [`SESSION_MAX_HOURS`] on
/// purpose: the server decides whether a session counts, and a visitor still out on a visit past
/// the cap must still be able to send its safety taps.
pub const SESSION_COOKIE_HOURS: i64 = 7 * 24;

/// A used session's end is written at most this often, in seconds, not on every request.
const EXTEND_EVERY_SECONDS: i64 = 60;

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
/// and starts a session lasting [`SESSION_IDLE_HOURS`] unused from `now`, audited as `session.login` in the
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
    start_session(app, staff, "session.login", serde_json::json!({}), now)
        .await
        .map(Some)
}

/// Starts a session for `staff` lasting [`SESSION_IDLE_HOURS`] unused from `now`, with its audit
/// row (`action`, `detail`) in the same transaction. Shared by password and single sign-on.
pub(crate) async fn start_session(
    app: &App,
    staff: Staff,
    action: &str,
    detail: serde_json::Value,
    now: DateTime<Utc>,
) -> Result<SignedIn> {
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
        now + Duration::hours(SESSION_IDLE_HOURS),
    )
    .await?;
    let e = audit::entry(app, &staff, action, "staff", staff.id.0, None, detail);
    tx.append_audit(&e).await?;
    tx.commit().await?;
    Ok(SignedIn { staff, token })
}

/// Signs out: ends the session with this token, if it is one, audited as `session.logout` in
/// the same transaction. A token that names no live session ends nothing and is not an error.
pub async fn sign_out(app: &App, token: &str, _now: DateTime<Utc>) -> Result<()> {
    let hash = token_hash(token);
    let who = app.db().session(&hash).await?.map(|s| s.staff);
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

/// Whether a stored session still signs its holder in at `now` (UTC): `None` when it has lapsed
/// (unused for [`SESSION_IDLE_HOURS`], or [`SESSION_MAX_HOURS`] after signing in). Otherwise the
/// new end to write when the last write is over a minute old (`Some(Some(end))`), or `Some(None)`
/// when nothing needs writing yet. The new end is `now` + the idle limit, never past the cap.
pub fn live_session(session: &Session, now: DateTime<Utc>) -> Option<Option<DateTime<Utc>>> {
    if session.expires_at <= now {
        return None;
    }
    let end = (now + Duration::hours(SESSION_IDLE_HOURS))
        .min(session.created_at + Duration::hours(SESSION_MAX_HOURS));
    let stale = end - session.expires_at >= Duration::seconds(EXTEND_EVERY_SECONDS);
    Some(stale.then_some(end))
}

/// Whether `staff`, whose session may have lapsed, may still send a safety tap (check-in, more
/// time, panic, duress, observation) on `visit`: yes while they are one of its visitors and it is
/// out (signed out, arrived, nobody home or left the property, not yet back), however old the
/// session. A lapsed session must never stand between a visitor and help (#11 item 5).
/// Errors: only the store's; a visit that does not exist answers `false`.
pub async fn may_tap_while_out(app: &App, staff: &Staff, visit: VisitId) -> Result<bool> {
    let Some(visit) = app.db().visits_by_id(&[visit]).await?.pop() else {
        return Ok(false);
    };
    Ok(visit.state.is_out() && visit.staff.iter().any(|s| s.staff_id == staff.id))
}
