//! A second factor before safeguarding history (A9, issue #10 item 3): a TOTP authenticator
//! (RFC 6238: HMAC-SHA-1, 6 digits, 30-second steps, ±1 step accepted, each step taken once)
//! enrolled on the person's own page, one-time recovery codes, and the "step-up" a session makes
//! by typing a current code. [`require`] is the one check the readers of chronologies, concerns
//! and records for the head ask; recording never asks it. This room decides codes; the session
//! row keeps when it last stepped up, never the cookie.

use crate::audit::entry;
use crate::{App, Refusal, Result};
use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use chrono::{DateTime, Duration, Utc};
use domain::SchoolId;
use serde::{Deserialize, Serialize};
use store::Staff;
use totp_rs::{Builder, Secret, Totp};

/// How many recovery codes an enrolment gives.
pub const RECOVERY_CODES: usize = 8;
/// The name authenticator apps show above the person's e-mail address.
const ISSUER: &str = "Doorstep";

/// Why a read of safeguarding history waits for a second factor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecondFactorNeeded {
    /// Enrolled: type a current authenticator code (or a recovery code) first.
    StepUp,
    /// May read, but has no authenticator yet: enrol on your own page first.
    Enrol,
}

/// A started enrolment, shown once: the secret to type into an authenticator app (base32,
/// RFC 4648) and the same as an `otpauth://totp/` address for apps that take one.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Enrolment {
    pub secret: String,
    pub otpauth_url: String,
}

/// A confirmed enrolment: the recovery codes, shown this once (only their hashes are kept).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Enrolled {
    pub recovery_codes: Vec<String>,
}

/// A code typed in: 6 digits from the authenticator, or (to step up) a recovery code.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CodeInput {
    pub code: String,
}

/// The person's second factor as their own page shows it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Status {
    pub enrolled: bool,
    /// Until when (UTC) this session reads safeguarding history without another code, under the
    /// policy of the person's school; `None` when it has not stepped up or that has lapsed.
    pub stepped_up_until: Option<DateTime<Utc>>,
}

fn totp(secret: &str, account: &str) -> Result<Totp> {
    let bytes = Secret::try_from_base32(secret).map_err(|_| {
        Refusal::internal(std::io::Error::other("a stored TOTP secret is not base32"))
    })?;
    Builder::new()
        .with_secret(bytes)
        .with_issuer(Some(ISSUER))
        .with_account_name(account)
        .build()
        .map_err(|e| Refusal::internal(std::io::Error::other(e.to_string())))
}

/// The TOTP time step (RFC 6238 counter) a 6-digit `code` matches at `now`, within ±1 step.
fn matching_step(t: &Totp, code: &str, now: DateTime<Utc>) -> Option<i64> {
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    let secs = u64::try_from(now.timestamp()).ok()?;
    t.check(&code, secs).and_then(|s| i64::try_from(s).ok())
}

/// The step-up minutes of a school's policy (15 unless the policy says otherwise).
async fn step_up_minutes(app: &App, school: Option<SchoolId>) -> Result<Option<u32>> {
    let Some(school) = school else {
        return Ok(None);
    };
    let rule = app
        .db()
        .current_policy(school)
        .await?
        .settings
        .second_factor;
    Ok(rule.required.then_some(rule.step_up_minutes))
}

/// Whether `staff` may read safeguarding history of `school` now as far as the second factor
/// goes: the school's policy does not require one, or this request's session stepped up within
/// its `second_factor.step_up_minutes`. Errors: [`Refusal::SecondFactor`] — `StepUp` for an
/// enrolled person, `Enrol` for one without an authenticator. Ask it only after the access
/// decision said yes, so a refusal never reveals that a record exists.
pub async fn require(app: &App, staff: &Staff, school: SchoolId) -> Result<()> {
    let Some(minutes) = step_up_minutes(app, Some(school)).await? else {
        return Ok(());
    };
    if let Some(at) = staff.second_factor_at
        && app.now() < at + Duration::minutes(i64::from(minutes))
    {
        return Ok(());
    }
    let enrolled =
        matches!(app.db().second_factor(staff.id).await?, Some(f) if f.enrolled_at.is_some());
    Err(Refusal::SecondFactor(if enrolled {
        SecondFactorNeeded::StepUp
    } else {
        SecondFactorNeeded::Enrol
    }))
}

/// The person's second factor and this session's step-up (see [`Status`]).
pub async fn status(app: &App, me: &Staff) -> Result<Status> {
    let enrolled =
        matches!(app.db().second_factor(me.id).await?, Some(f) if f.enrolled_at.is_some());
    let until = match (
        me.second_factor_at,
        step_up_minutes(app, me.school_id).await?,
    ) {
        (Some(at), Some(m)) => {
            Some(at + Duration::minutes(i64::from(m))).filter(|u| *u > app.now())
        }
        _ => None,
    };
    Ok(Status {
        enrolled,
        stepped_up_until: until,
    })
}

/// Starts enrolment: a new random 160-bit secret (RFC 4226 §4), sealed at rest with the server's
/// key, shown this once. Starting again replaces an unconfirmed secret.
/// Errors: `Conflict("second_factor")` when an authenticator is already enrolled.
pub async fn start_enrolment(app: &App, me: &Staff, now: DateTime<Utc>) -> Result<Enrolment> {
    let secret = Secret::generate().to_base32();
    let t = totp(&secret, &me.email)?;
    if !app.db().start_second_factor(me.id, &secret, now).await? {
        return Err(Refusal::conflict(
            "second_factor",
            "you already have an authenticator; ask the DSL or an administrator to reset it",
        ));
    }
    let otpauth_url = t
        .to_url()
        .map_err(|e| Refusal::internal(std::io::Error::other(e.to_string())))?;
    Ok(Enrolment {
        secret,
        otpauth_url,
    })
}

/// Confirms enrolment with a current code from the authenticator, gives the recovery codes
/// (stored only as Argon2id hashes), and counts as this session's step-up (`session`: the
/// session token's hash). Audited (`second_factor.enrolled`).
/// Errors: `Conflict("second_factor")` when none was started or it is already enrolled;
/// `Invalid("code")` when the code is not the authenticator's current one.
pub async fn confirm_enrolment(
    app: &App,
    me: &Staff,
    session: &str,
    input: &CodeInput,
    now: DateTime<Utc>,
) -> Result<Enrolled> {
    let factor = match app.db().second_factor(me.id).await? {
        Some(f) if f.enrolled_at.is_none() => f,
        _ => {
            return Err(Refusal::conflict(
                "second_factor",
                "start enrolment first: there is no new authenticator waiting for a code",
            ));
        }
    };
    let step = matching_step(&totp(&factor.secret, &me.email)?, &input.code, now)
        .ok_or_else(wrong_code)?;
    let codes: Vec<String> = (0..RECOVERY_CODES).map(|_| recovery_code()).collect();
    let hashes = hash_all(codes.clone()).await?;
    let mut tx = app.db().begin().await?;
    if !tx.confirm_second_factor(me.id, step, &hashes, now).await? {
        return Err(wrong_code());
    }
    let e = entry(
        app,
        me,
        "second_factor.enrolled",
        "staff",
        me.id.0,
        None,
        serde_json::json!({ "recovery_codes": codes.len() }),
    );
    tx.append_audit(&e).await?;
    tx.commit().await?;
    app.db().set_session_second_factor(session, now).await?;
    Ok(Enrolled {
        recovery_codes: codes,
    })
}

/// Steps this session up (`session`: the token's hash) with a current authenticator code, or a
/// recovery code (each works once). Audited: `second_factor.step_up` (with `by`),
/// `second_factor.recovery_code_used`, and every failure `second_factor.step_up_failed`.
/// Errors: `Conflict("second_factor")` when not enrolled; `Invalid("code")` for a wrong, old or
/// already used code; `Paused("code")` after too many wrong ones ([`crate::accounts`]). Returns
/// the new [`Status`].
pub async fn step_up(
    app: &App,
    me: &Staff,
    session: &str,
    input: &CodeInput,
    now: DateTime<Utc>,
) -> Result<Status> {
    let factor = match app.db().second_factor(me.id).await? {
        Some(f) if f.enrolled_at.is_some() => f,
        _ => {
            return Err(Refusal::conflict(
                "second_factor",
                "set up an authenticator on your own page first",
            ));
        }
    };
    crate::accounts::check_code_pause(app, me, now).await?;
    let typed = input.code.trim();
    let by = if typed
        .chars()
        .filter(|c| !c.is_whitespace())
        .all(|c| c.is_ascii_digit())
    {
        match matching_step(&totp(&factor.secret, &me.email)?, typed, now) {
            Some(step) if app.db().take_totp_step(me.id, step).await? => Some("authenticator"),
            _ => None,
        }
    } else if use_recovery_code(app, me, typed, now).await? {
        Some("recovery_code")
    } else {
        None
    };
    let Some(by) = by else {
        let e = entry(
            app,
            me,
            "second_factor.step_up_failed",
            "staff",
            me.id.0,
            None,
            serde_json::json!({}),
        );
        app.db().append_audit(&e).await?;
        crate::accounts::record_wrong_code(app, me, now).await?;
        return Err(wrong_code());
    };
    app.db().set_session_second_factor(session, now).await?;
    let e = entry(
        app,
        me,
        "second_factor.step_up",
        "staff",
        me.id.0,
        None,
        serde_json::json!({ "by": by }),
    );
    app.db().append_audit(&e).await?;
    let mut me = me.clone();
    me.second_factor_at = Some(now);
    status(app, &me).await
}

/// Uses the recovery code `typed` if it is one of the person's unused ones.
async fn use_recovery_code(app: &App, me: &Staff, typed: &str, now: DateTime<Utc>) -> Result<bool> {
    let typed = normalise(typed);
    if typed.is_empty() {
        return Ok(false);
    }
    let unused = app.db().unused_recovery_codes(me.id).await?;
    let found = tokio::task::spawn_blocking(move || {
        unused.into_iter().find(|c| {
            PasswordHash::new(&c.hash).is_ok_and(|h| {
                Argon2::default()
                    .verify_password(typed.as_bytes(), &h)
                    .is_ok()
            })
        })
    })
    .await
    .map_err(Refusal::internal)?;
    let Some(code) = found else { return Ok(false) };
    let mut tx = app.db().begin().await?;
    if !tx.use_recovery_code(code.id, now).await? {
        return Ok(false);
    }
    let left = app
        .db()
        .unused_recovery_codes(me.id)
        .await?
        .len()
        .saturating_sub(1);
    let e = entry(
        app,
        me,
        "second_factor.recovery_code_used",
        "staff",
        me.id.0,
        None,
        serde_json::json!({ "left": left }),
    );
    tx.append_audit(&e).await?;
    tx.commit().await?;
    Ok(true)
}

fn wrong_code() -> Refusal {
    Refusal::invalid(
        "code",
        "that code is not right, or has been used already: type the 6 digits your authenticator app shows now, or an unused recovery code",
    )
}

/// A recovery code as compared: lower case, without spaces or hyphens.
fn normalise(code: &str) -> String {
    code.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// A new recovery code: 10 characters (50 random bits) from an alphabet without look-alikes,
/// written `xxxxx-xxxxx`.
fn recovery_code() -> String {
    const ALPHABET: &[u8; 32] = b"abcdefghjkmnpqrstuvwxyz023456789";
    let bytes = uuid::Uuid::new_v4().into_bytes();
    let chars: String = bytes
        .iter()
        .take(10)
        .map(|b| char::from(ALPHABET[usize::from(b & 31)]))
        .collect();
    format!("{}-{}", &chars[..5], &chars[5..])
}

async fn hash_all(codes: Vec<String>) -> Result<Vec<String>> {
    tokio::task::spawn_blocking(move || {
        codes
            .iter()
            .map(|c| {
                Argon2::default()
                    .hash_password(normalise(c).as_bytes())
                    .map(|h| h.to_string())
                    .map_err(Refusal::internal)
            })
            .collect()
    })
    .await
    .map_err(Refusal::internal)?
}
