//! A forgotten password (#12 item 3): a single-use link good for [`RESET_MINUTES`], e-mailed on
//! request when the server sends e-mail, or issued by the school's administrator (the head or a
//! trust administrator) and handed over in person — which is also how imported staff, who have
//! no password, get their first. Only a hash of the link's token is stored. Asking gives the same
//! answer whether or not the account exists, and is throttled like sign-in.

use super::{check_new_password, new_token, tell_holder};
use crate::access::require_any;
use crate::permissions::SCHOOL_ADMINS;
use crate::school_admin::{hash_password, sign_in_guard as guard, staff_member, token_hash};
use crate::{App, Refusal, Result, audit};
use chrono::{DateTime, Duration, Utc};
use domain::{Role, StaffId};
use serde::{Deserialize, Serialize};
use store::{AuditEntry, Staff};

/// How long a reset link works, in minutes, from when it was made.
pub const RESET_MINUTES: i64 = 30;

/// Reset links asked for one e-mail address (or from one client address, ten) within
/// [`guard::WINDOW_MINUTES`] before asking pauses for [`guard::FIRST_LOCK_MINUTES`].
const REQUESTS_TO_PAUSE: i64 = 5;

/// "Forgotten your password?": the e-mail address typed.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResetRequest {
    pub email: String,
}

/// A new password typed on a reset link's page.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewPasswordInput {
    pub new_password: String,
}

/// A reset link issued by an administrator, shown this once to hand over in person.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct IssuedReset {
    /// The link (absolute when the server knows its public address).
    pub link: String,
    /// Until when it works (UTC).
    pub expires_at: DateTime<Utc>,
}

fn link(app: &App, token: &str) -> String {
    let base = app.links().map(|l| l.base()).unwrap_or_default();
    format!("{base}/reset-password/{token}")
}

/// Sends a reset link to the active account with this e-mail address (any case), when there is
/// one, good for [`RESET_MINUTES`]; audited `password.reset_requested`. The answer is the same
/// whether or not the account exists. `from`: the client's address, counted like sign-in.
/// Errors: `Conflict("email")` when the server sends no e-mail (ask the school's administrator);
/// `Paused("email")` after too many requests; `Invalid("email")` when it is blank.
pub async fn request_reset(
    app: &App,
    input: &ResetRequest,
    from: Option<&str>,
    now: DateTime<Utc>,
) -> Result<()> {
    if !app.sends_email() {
        // A 4xx, not "try again": asking again will not help until e-mail is set up.
        return Err(Refusal::conflict(
            "email",
            "Doorstep cannot send e-mail here: ask your headteacher or trust administrator for a reset link",
        ));
    }
    let email = input.email.trim().to_lowercase();
    if email.is_empty() || email.len() > 320 {
        return Err(Refusal::invalid("email", "Enter your e-mail address"));
    }
    let keys = [
        format!("reset:{email}"),
        format!("reset-{}", guard::address_key(from)),
    ];
    if let Some(until) = app
        .db()
        .sign_in_locked_until(&[&keys[0], &keys[1]], now)
        .await?
    {
        let minutes = ((until - now).num_seconds() + 59) / 60;
        return Err(Refusal::Paused {
            field: "email".into(),
            reason: format!("Too many reset links asked for: try again in {minutes} minutes"),
            retry_after_seconds: (until - now).num_seconds().max(1),
        });
    }
    let window_start = now - Duration::minutes(guard::WINDOW_MINUTES);
    let mut tx = app.db().begin().await?;
    for (key, limit) in [
        (&keys[0], REQUESTS_TO_PAUSE),
        (&keys[1], 2 * REQUESTS_TO_PAUSE),
    ] {
        let count = tx
            .record_sign_in_failure(key, now, window_start, now - Duration::days(1))
            .await?;
        if count.failures >= limit {
            let until = now + Duration::minutes(guard::FIRST_LOCK_MINUTES);
            tx.lock_sign_in(key, until, now).await?;
        }
    }
    let holder = match app.db().staff_login(&email).await? {
        Some((id, _)) => Some(app.db().staff(id).await?),
        None => None,
    };
    let audit_row = AuditEntry {
        at: now,
        actor: None,
        school: holder.as_ref().and_then(|s| s.school_id),
        action: "password.reset_requested".into(),
        subject_type: if holder.is_some() { "staff" } else { "sign_in" },
        subject_id: holder.as_ref().map(|s| s.id.0),
        detail: serde_json::json!({ "email": email, "address": from.unwrap_or("unknown") }),
    };
    tx.append_audit(&audit_row).await?;
    if let Some(holder) = holder {
        let token = new_token();
        let expires = now + Duration::minutes(RESET_MINUTES);
        tx.create_password_reset(&token_hash(&token), holder.id, None, now, expires)
            .await?;
        let body = format!(
            "Dear {name},\n\n\
             Someone asked to reset the password of your Doorstep account ({email}). To choose a \
             new password, open this link within {RESET_MINUTES} minutes; it works once:\n\n{link}\n\n\
             Choosing a new password signs you out everywhere. If you did not ask, ignore this \
             e-mail: your password stays as it is.\n",
            name = holder.name,
            email = holder.email,
            link = link(app, &token),
        );
        let topic = format!("password-reset:{}", &token_hash(&token)[..16]);
        let subject = "Reset your Doorstep password";
        tell_holder(app, &mut tx, &holder, &topic, subject, &body, now).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// The school's administrator issues a reset link for a colleague (a forgotten password with no
/// e-mail, or an imported member of staff's first password), to hand over in person; audited
/// `password.reset_issued`. The head issues for their school's staff, a trust administrator for
/// anyone of the trust; nobody for themself (change your own password instead).
/// Errors: `Forbidden`; `NotFound("member of staff")`.
pub async fn issue_reset(
    app: &App,
    me: &Staff,
    for_staff: StaffId,
    now: DateTime<Utc>,
) -> Result<IssuedReset> {
    require_any(me, &SCHOOL_ADMINS, "reset another person's password")?;
    let holder = staff_member(app, me, for_staff).await?;
    let own_school = holder.school_id.is_some() && holder.school_id == me.school_id;
    if !(me.roles.has(Role::TrustAdmin) || own_school) {
        return Err(Refusal::forbidden(
            "only a trust administrator resets the password of someone outside your school",
        ));
    }
    if holder.id == me.id {
        return Err(Refusal::forbidden(
            "change your own password on your sessions page instead",
        ));
    }
    let token = new_token();
    let expires_at = now + Duration::minutes(RESET_MINUTES);
    let mut tx = app.db().begin().await?;
    tx.create_password_reset(&token_hash(&token), holder.id, Some(me.id), now, expires_at)
        .await?;
    let detail = serde_json::json!({ "expires_at": expires_at });
    let mut e = audit::entry(
        app,
        me,
        "password.reset_issued",
        "staff",
        holder.id.0,
        holder.school_id,
        detail,
    );
    e.at = now;
    tx.append_audit(&e).await?;
    tx.commit().await?;
    Ok(IssuedReset {
        link: link(app, &token),
        expires_at,
    })
}

fn spent() -> Refusal {
    Refusal::not_found(
        "reset link (it has been used, or is more than 30 minutes old: ask for a new one)",
    )
}

/// Whose password a reset link resets, while it works. Errors: `NotFound` when it was used,
/// is over [`RESET_MINUTES`] old or never existed.
pub async fn reset_holder(app: &App, token: &str, now: DateTime<Utc>) -> Result<Staff> {
    match app
        .db()
        .password_reset_holder(&token_hash(token), now)
        .await?
    {
        Some(id) => Ok(app.db().staff(id).await?),
        None => Err(spent()),
    }
}

/// Sets a new password with a reset link, once: every session of the account ends, its sign-in
/// lock is lifted, audited `password.reset`. Answers the account. Errors: `NotFound` for a used
/// or old link; `Invalid("new_password")`.
pub async fn complete_reset(
    app: &App,
    token: &str,
    input: &NewPasswordInput,
    now: DateTime<Utc>,
) -> Result<Staff> {
    let holder = reset_holder(app, token, now).await?;
    check_new_password("new_password", &input.new_password, &holder.email)?;
    let hash = hash_password(input.new_password.clone()).await?;
    let lapse = crate::school_admin::is_out_visiting(app, &holder).await?;
    let mut tx = app.db().begin().await?;
    if tx.take_password_reset(&token_hash(token), now).await? != Some(holder.id) {
        return Err(spent());
    }
    tx.set_password_hash(holder.id, &hash).await?;
    let ended = super::sessions::end_sessions(&mut tx, &holder, None, lapse, now).await?;
    tx.clear_sign_in_failures(&guard::account_key(&holder.email.to_lowercase()))
        .await?;
    let detail = serde_json::json!({ "sessions_ended": ended });
    let mut e = audit::entry(
        app,
        &holder,
        "password.reset",
        "staff",
        holder.id.0,
        None,
        detail,
    );
    e.at = now;
    tx.append_audit(&e).await?;
    tx.commit().await?;
    Ok(holder)
}
