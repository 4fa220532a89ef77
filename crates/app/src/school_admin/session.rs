//! Signing in with a password (argon2id) and signing out. The server keeps the cookie; this
//! checks the password, starts or ends the session and writes its audit row with it.

use super::SessionLimits;
use super::sign_in_guard as guard;
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

pub(crate) async fn dummy_hash() -> Result<String> {
    static DUMMY: tokio::sync::OnceCell<String> = tokio::sync::OnceCell::const_new();
    DUMMY
        .get_or_try_init(|| hash_password("not a real password".into()))
        .await
        .cloned()
}

/// Whether `password` matches the Argon2id `hash`, checked off the async threads.
pub(crate) async fn verify_password(password: String, hash: String) -> Result<bool> {
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

/// What a password sign-in came to.
pub enum SignIn {
    /// The right password: a session started.
    SignedIn(SignedIn),
    /// The address or the password is wrong (which one is not told). Counted towards a lock.
    Wrong,
    /// The account or the client address is locked after too many wrong passwords (see
    /// [`super::sign_in_guard`]): try again after this many seconds. The password was not
    /// checked, and the answer is the same whether or not the account exists.
    Locked { retry_after_seconds: i64 },
}

/// Signs in: checks the password of the active account with this e-mail address (any case)
/// and starts a session lasting [`SESSION_IDLE_HOURS`] unused from `now`, audited as
/// `session.login` in the same transaction. `from` is the client's address (IP), for the
/// per-address count; `device` the browser's `User-Agent`, kept in plain words for "my sessions".
/// A wrong password is counted, audited and may lock the account or address
/// ([`super::sign_in_guard`]); while locked, sign-in is refused before the password is checked.
/// Errors: only the store's.
pub async fn sign_in(
    app: &App,
    input: &LoginInput,
    from: Option<&str>,
    device: Option<&str>,
    now: DateTime<Utc>,
) -> Result<SignIn> {
    let email = input.email.trim().to_lowercase();
    let keys = [guard::account_key(&email), guard::address_key(from)];
    if let Some(until) = app
        .db()
        .sign_in_locked_until(&[&keys[0], &keys[1]], now)
        .await?
    {
        let retry_after_seconds = (until - now).num_seconds().max(1);
        return Ok(SignIn::Locked {
            retry_after_seconds,
        });
    }
    let found = app.db().staff_login(&email).await?;
    // Verify against a dummy hash when the address is unknown, so timing does not reveal accounts.
    let hash = match &found {
        Some((_, h)) => h.clone(),
        None => dummy_hash().await?,
    };
    let ok = verify_password(input.password.clone(), hash).await?;
    let staff_id = match found {
        Some((id, _)) if ok => id,
        found => {
            let account = match found {
                Some((id, _)) => Some(app.db().staff(id).await?),
                None => None,
            };
            let failure = guard::Failure {
                email: &email,
                account: account.as_ref(),
                from,
            };
            let mut tx = app.db().begin().await?;
            guard::record_failure(&mut tx, &failure, now).await?;
            tx.commit().await?;
            return Ok(SignIn::Wrong);
        }
    };
    let staff = app.db().staff(staff_id).await?;
    let device = device.map(domain::device::describe);
    let detail = serde_json::json!({ "device": device });
    let signed_in =
        start_session(app, staff, device.as_deref(), "session.login", detail, now).await?;
    // The right password: the account's earlier failures no longer count (the address's do).
    let mut tx = app.db().begin().await?;
    tx.clear_sign_in_failures(&keys[0]).await?;
    tx.commit().await?;
    Ok(SignIn::SignedIn(signed_in))
}

/// Starts a session for `staff` lasting [`SESSION_IDLE_HOURS`] unused from `now`, with its audit
/// row (`action`, `detail`) in the same transaction; `device` in plain words ("Chrome on
/// Android"), when known. Shared by password and single sign-on.
pub(crate) async fn start_session(
    app: &App,
    staff: Staff,
    device: Option<&str>,
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
        device,
        now,
        now + app.session_limits().idle(),
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
/// (unused for the idle timeout, or past the lifetime from signing in: `limits`, 12 and 24 hours
/// by default). Otherwise the new end to write when the last write is over a minute old
/// (`Some(Some(end))`), or `Some(None)` when nothing needs writing yet. The new end is `now` +
/// the idle timeout, never past the lifetime. A session started under longer limits lapses by the
/// current ones.
pub fn live_session(
    session: &Session,
    limits: SessionLimits,
    now: DateTime<Utc>,
) -> Option<Option<DateTime<Utc>>> {
    let cap = session.created_at + limits.max();
    if session.expires_at <= now || cap <= now {
        return None;
    }
    let end = (now + limits.idle()).min(cap);
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

/// Whether `staff` is one of the visitors of a visit that is out now: then ending their other
/// sessions (signing out elsewhere, a new password, a reset) lets those sessions lapse rather
/// than deleting them, so the phone a visit was signed out from keeps its safety taps
/// ([`may_tap_while_out`]) and nothing else. Errors: only the store's.
pub async fn is_out_visiting(app: &App, staff: &Staff) -> Result<bool> {
    let filter = store::VisitFilter {
        involving: Some(staff.id),
        limit: Some(500),
        ..Default::default()
    };
    let under_way: Vec<VisitId> = app
        .db()
        .visits(&filter)
        .await?
        .into_iter()
        .filter(|v| {
            use domain::visit::VisitStatus as S;
            !matches!(
                v.status,
                S::Draft
                    | S::ChangesRequested
                    | S::Requested
                    | S::Authorised
                    | S::Declined
                    | S::Cancelled
                    | S::Returned
                    | S::RecordCompleted
            )
        })
        .map(|v| v.id)
        .collect();
    if under_way.is_empty() {
        return Ok(false);
    }
    let visits = app.db().visits_by_id(&under_way).await?;
    Ok(visits
        .iter()
        .any(|v| v.state.is_out() && v.staff.iter().any(|s| s.staff_id == staff.id)))
}
