//! The second factor's guard rails (#10 item 3): wrong codes are limited like wrong passwords
//! ([`CODE_FAILURES_TO_PAUSE`] in [`guard::WINDOW_MINUTES`] pause step-up for
//! [`CODE_PAUSE_MINUTES`], audited), and the school's administrator clears a lost authenticator
//! so its holder enrols again (audited, the holder e-mailed).

use super::tell_holder;
use crate::access::require_any;
use crate::permissions::SCHOOL_ADMINS;
use crate::school_admin::{sign_in_guard as guard, staff_member};
use crate::{App, Refusal, Result, audit};
use chrono::{DateTime, Duration, Utc};
use domain::{Role, StaffId};
use store::Staff;

/// Wrong second-factor codes within [`guard::WINDOW_MINUTES`] that pause step-up: a 6-digit
/// code cannot be guessed in 5 tries (1 in 200,000).
pub const CODE_FAILURES_TO_PAUSE: i64 = 5;

/// How long step-up stays paused, in minutes.
pub const CODE_PAUSE_MINUTES: i64 = 15;

fn key(staff: StaffId) -> String {
    format!("second_factor:{staff}")
}

/// Refuses a code before it is checked while the person's step-up is paused.
/// Errors: `Paused("code")` with the seconds left.
pub async fn check_code_pause(app: &App, me: &Staff, now: DateTime<Utc>) -> Result<()> {
    let k = key(me.id);
    match app.db().sign_in_locked_until(&[&k], now).await? {
        Some(until) => {
            let seconds = (until - now).num_seconds().max(1);
            Err(Refusal::Paused {
                field: "code".into(),
                reason: format!(
                    "Too many wrong codes: typing a code is paused for {} minutes. If you have lost your authenticator, ask your headteacher or trust administrator to reset it",
                    (seconds + 59) / 60
                ),
                retry_after_seconds: seconds,
            })
        }
        None => Ok(()),
    }
}

/// Counts a wrong code; the [`CODE_FAILURES_TO_PAUSE`]th within the window pauses step-up for
/// [`CODE_PAUSE_MINUTES`], audited `second_factor.paused`. Errors: only the store's.
pub async fn record_wrong_code(app: &App, me: &Staff, now: DateTime<Utc>) -> Result<()> {
    let k = key(me.id);
    let window_start = now - Duration::minutes(guard::WINDOW_MINUTES);
    let mut tx = app.db().begin().await?;
    let count = tx
        .record_sign_in_failure(&k, now, window_start, now - Duration::days(1))
        .await?;
    if count.failures >= CODE_FAILURES_TO_PAUSE {
        let until = now + Duration::minutes(CODE_PAUSE_MINUTES);
        if tx.lock_sign_in(&k, until, now).await? {
            let detail = serde_json::json!({ "until": until, "minutes": CODE_PAUSE_MINUTES });
            let mut e = audit::entry(
                app,
                me,
                "second_factor.paused",
                "staff",
                me.id.0,
                None,
                detail,
            );
            e.at = now;
            tx.append_audit(&e).await?;
        }
    }
    tx.commit().await?;
    Ok(())
}

/// Clears a colleague's lost authenticator and recovery codes (and any pause on their codes), so
/// they enrol again before reading safeguarding history; audited `second_factor.reset`, the
/// holder e-mailed. The head resets for their school's staff, a trust administrator for anyone
/// of the trust; nobody for themself. Errors: `Forbidden`; `NotFound("member of staff")`;
/// `Conflict("second_factor")` when they have no authenticator.
pub async fn reset_authenticator(
    app: &App,
    me: &Staff,
    holder: StaffId,
    now: DateTime<Utc>,
) -> Result<()> {
    require_any(me, &SCHOOL_ADMINS, "reset another person's authenticator")?;
    let holder = staff_member(app, me, holder).await?;
    let own_school = holder.school_id.is_some() && holder.school_id == me.school_id;
    if !(me.roles.has(Role::TrustAdmin) || own_school) || holder.id == me.id {
        return Err(Refusal::forbidden(
            "the headteacher resets the authenticators of their school's staff, a trust administrator anyone's, and nobody their own",
        ));
    }
    let mut tx = app.db().begin().await?;
    if !tx.clear_second_factor(holder.id).await? {
        return Err(Refusal::conflict(
            "second_factor",
            format!("{} has no authenticator to reset", holder.name),
        ));
    }
    tx.clear_sign_in_failures(&key(holder.id)).await?;
    let mut e = audit::entry(
        app,
        me,
        "second_factor.reset",
        "staff",
        holder.id.0,
        holder.school_id,
        serde_json::json!({}),
    );
    e.at = now;
    tx.append_audit(&e).await?;
    let body = format!(
        "Dear {name},\n\n\
         {by} reset the authenticator of your Doorstep account ({email}) at {at} UTC. Before you \
         next read safeguarding records, set up your authenticator app again on your own page \
         (Second factor). Your old recovery codes no longer work.\n\n\
         If you did not ask for this, tell your designated safeguarding lead today.\n",
        name = holder.name,
        by = me.name,
        email = holder.email,
        at = now.format("%H:%M on %d %B %Y"),
    );
    let topic = format!("authenticator-reset:{}", now.timestamp());
    let subject = "Your Doorstep authenticator was reset";
    tell_holder(app, &mut tx, &holder, &topic, subject, &body, now).await?;
    tx.commit().await?;
    Ok(())
}
