//! "My sessions": the person's live sessions with the device, when they signed in and when each
//! was last used; ending one, or all but this one. An ended session stops at once: every request
//! and every open live stream checks the session row (`server::session_watch`).

use crate::school_admin::live_session;
use crate::{App, Refusal, Result, audit};
use chrono::{DateTime, Utc};
use serde::Serialize;
use store::{Session, Staff};

/// How many hex characters of a session's stored hash name it in "my sessions": enough to tell
/// a person's sessions apart, and never the token itself.
const ID_CHARS: usize = 16;

/// One of my live sessions.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct MySession {
    /// Names the session to end it (`DELETE /api/me/sessions/{id}`).
    pub id: String,
    /// The device in plain words, e.g. "Chrome on Android".
    pub device: String,
    /// When it signed in (UTC).
    pub signed_in_at: DateTime<Utc>,
    /// When it was last used (UTC, to the minute).
    pub last_used_at: DateTime<Utc>,
    /// The session this request came with.
    pub this_device: bool,
}

fn id_of(hash: &str) -> &str {
    hash.get(..ID_CHARS).unwrap_or(hash)
}

/// My live sessions (lapsed ones are left out), this one first then newest first. `current`:
/// the token hash of the session asking. Errors: only the store's.
pub async fn my_sessions(
    app: &App,
    me: &Staff,
    current: &str,
    now: DateTime<Utc>,
) -> Result<Vec<MySession>> {
    let limits = app.session_limits();
    let mut out: Vec<MySession> = app
        .db()
        .sessions_of(me.id)
        .await?
        .into_iter()
        .filter(|s| {
            let probe = Session {
                staff: me.clone(),
                created_at: s.created_at,
                expires_at: s.expires_at,
                grants_waiting: false,
            };
            s.token_hash == current || live_session(&probe, limits, now).is_some()
        })
        .map(|s| MySession {
            id: id_of(&s.token_hash).to_string(),
            device: s.device.unwrap_or_else(|| "an unknown device".into()),
            signed_in_at: s.created_at,
            last_used_at: s.last_used_at.unwrap_or(s.created_at),
            this_device: s.token_hash == current,
        })
        .collect();
    out.sort_by_key(|s| (!s.this_device, std::cmp::Reverse(s.signed_in_at)));
    Ok(out)
}

/// Ends one of my sessions (by its [`MySession::id`]) at once; audited `session.ended_by_holder`
/// with its device. Answers whether it was this device's (the caller then clears the cookie).
/// Errors: `NotFound("session")` when I have no session with that id.
pub async fn sign_out_session(
    app: &App,
    me: &Staff,
    current: &str,
    id: &str,
    now: DateTime<Utc>,
) -> Result<bool> {
    let found = app
        .db()
        .sessions_of(me.id)
        .await?
        .into_iter()
        .find(|s| id.len() == ID_CHARS && id_of(&s.token_hash) == id)
        .ok_or_else(|| Refusal::not_found("session"))?;
    let mut tx = app.db().begin().await?;
    if !tx.end_session_of(me.id, &found.token_hash).await? {
        return Err(Refusal::not_found("session"));
    }
    let detail = serde_json::json!({ "device": found.device, "signed_in_at": found.created_at });
    let mut e = audit::entry(
        app,
        me,
        "session.ended_by_holder",
        "staff",
        me.id.0,
        None,
        detail,
    );
    e.at = now;
    tx.append_audit(&e).await?;
    tx.commit().await?;
    Ok(found.token_hash == current)
}

/// Ends every session of mine but this one (`current`: its token hash), at once (while I am out
/// visiting they lapse instead: [`end_sessions`]); audited
/// `session.others_ended` with how many. Answers how many ended. Errors: only the store's.
pub async fn sign_out_others(
    app: &App,
    me: &Staff,
    current: &str,
    now: DateTime<Utc>,
) -> Result<u64> {
    let lapse = crate::school_admin::is_out_visiting(app, me).await?;
    let mut tx = app.db().begin().await?;
    let ended = end_sessions(&mut tx, me, Some(current), lapse, now).await?;
    let detail = serde_json::json!({ "ended": ended });
    let mut e = audit::entry(
        app,
        me,
        "session.others_ended",
        "staff",
        me.id.0,
        None,
        detail,
    );
    e.at = now;
    tx.append_audit(&e).await?;
    tx.commit().await?;
    Ok(ended)
}

/// Ends `staff`'s sessions but `keep` (a token hash). With `lapse` (they are out visiting:
/// [`crate::school_admin::is_out_visiting`]) the sessions lapse instead of going: each signs in
/// to nothing, but the phone a visitor is out with still sends "I'm OK" and panic for the visit
/// that is out (README: safety taps work however old the sign-in). The number ended.
pub(crate) async fn end_sessions(
    tx: &mut store::Tx,
    staff: &Staff,
    keep: Option<&str>,
    lapse: bool,
    now: DateTime<Utc>,
) -> Result<u64> {
    Ok(if lapse {
        tx.lapse_sessions_of(staff.id, keep, now).await?
    } else {
        tx.end_sessions_of(staff.id, keep).await?
    })
}
