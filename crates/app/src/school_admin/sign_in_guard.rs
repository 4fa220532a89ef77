//! Brute-force protection for password sign-in (#12 item 2): failed sign-ins are counted per
//! account (the e-mail address typed, whether or not an account has it, so the answer never
//! tells which addresses exist) and per client address; enough of them lock that key for a
//! while, each repeated lock twice as long as the one before. While locked, every sign-in with
//! that key is refused before the password is checked, the right password included. Failures
//! and locks are in the audit trail; an account's holder is e-mailed when it is locked. The
//! counts live in the database (`sign_in_throttle`), so they hold across restarts and instances.

use crate::Result;
use crate::outbox::{self, Outgoing};
use chrono::{DateTime, Duration, Utc};
use domain::policy::Channel;
use store::{AuditEntry, Staff, Tx};

/// Failed sign-ins count for this many minutes after the first of them.
pub const WINDOW_MINUTES: i64 = 15;

/// Failed sign-ins on one account within [`WINDOW_MINUTES`] that lock it: the next attempt is
/// refused. Enough for a few typing slips, far too few to guess a password.
pub const ACCOUNT_FAILURES_TO_LOCK: i64 = 5;

/// Failed sign-ins from one client address within [`WINDOW_MINUTES`] that lock the address, so
/// trying one password on many accounts (spraying) is stopped too. Higher than an account's:
/// a whole school may sign in from one address.
pub const ADDRESS_FAILURES_TO_LOCK: i64 = 10;

/// How long the first lock lasts, in minutes; each further lock without a quiet day between
/// them lasts twice as long, up to [`LONGEST_LOCK_MINUTES`].
pub const FIRST_LOCK_MINUTES: i64 = 15;

/// The longest a lock lasts, in minutes: long enough to make guessing hopeless, short enough
/// that a locked-out member of staff can work again the same day.
pub const LONGEST_LOCK_MINUTES: i64 = 4 * 60;

/// How long a lock lasts, in minutes, after `earlier_locks` locks without a quiet day.
pub fn lock_minutes(earlier_locks: i64) -> i64 {
    let doublings = u32::try_from(earlier_locks.clamp(0, 8)).unwrap_or(8);
    (FIRST_LOCK_MINUTES << doublings).min(LONGEST_LOCK_MINUTES)
}

/// The throttle key of an account: the e-mail address as typed, trimmed and lower-cased.
pub fn account_key(email: &str) -> String {
    format!("account:{email}")
}

/// The throttle key of a client address (the peer's IP, or the proxy's `X-Forwarded-For` when
/// the server is told to trust it); `None` (not known, e.g. in-process tests) is one key.
pub fn address_key(from: Option<&str>) -> String {
    format!("address:{}", from.unwrap_or("unknown"))
}

/// One failed sign-in: who was tried and from where.
pub(super) struct Failure<'a> {
    /// The e-mail address typed, trimmed and lower-cased.
    pub email: &'a str,
    /// The account with that address, if there is one.
    pub account: Option<&'a Staff>,
    pub from: Option<&'a str>,
}

/// Records a failed sign-in in `tx`: counted on the account and the address, audited as
/// `session.login_failed`, and when that earns a lock, the lock set, audited as
/// `session.locked` and the account's holder e-mailed (once, by whichever instance set it).
pub(super) async fn record_failure(tx: &mut Tx, f: &Failure<'_>, now: DateTime<Utc>) -> Result<()> {
    let window_start = now - Duration::minutes(WINDOW_MINUTES);
    let quiet_since = now - Duration::days(1);
    let (account, address) = (account_key(f.email), address_key(f.from));
    let on_account = tx
        .record_sign_in_failure(&account, now, window_start, quiet_since)
        .await?;
    let on_address = tx
        .record_sign_in_failure(&address, now, window_start, quiet_since)
        .await?;
    let from = f.from.unwrap_or("unknown");
    let row = |action: &str, detail: serde_json::Value| AuditEntry {
        at: now,
        actor: None,
        school: f.account.and_then(|s| s.school_id),
        action: action.to_string(),
        subject_type: if f.account.is_some() {
            "staff"
        } else {
            "sign_in"
        },
        subject_id: f.account.map(|s| s.id.0),
        detail,
    };
    let failed = row(
        "session.login_failed",
        serde_json::json!({ "email": f.email, "address": from, "failures": on_account.failures }),
    );
    tx.append_audit(&failed).await?;
    if on_account.failures >= ACCOUNT_FAILURES_TO_LOCK {
        let minutes = lock_minutes(on_account.locks);
        let until = now + Duration::minutes(minutes);
        if tx.lock_sign_in(&account, until, now).await? {
            let detail = serde_json::json!({ "locked": "account", "email": f.email, "address": from, "until": until, "minutes": minutes });
            tx.append_audit(&row("session.locked", detail)).await?;
            if let Some(holder) = f.account {
                tell_holder(tx, holder, from, until, minutes, now).await?;
            }
        }
    }
    if on_address.failures >= ADDRESS_FAILURES_TO_LOCK {
        let minutes = lock_minutes(on_address.locks);
        let until = now + Duration::minutes(minutes);
        if tx.lock_sign_in(&address, until, now).await? {
            let detail = serde_json::json!({ "locked": "address", "address": from, "until": until, "minutes": minutes });
            let locked = AuditEntry {
                school: None,
                subject_type: "sign_in",
                subject_id: None,
                ..row("session.locked", detail)
            };
            tx.append_audit(&locked).await?;
        }
    }
    Ok(())
}

/// E-mails the holder of a locked account: what happened, until when, what to do if it was
/// not them.
async fn tell_holder(
    tx: &mut Tx,
    holder: &Staff,
    from: &str,
    until: DateTime<Utc>,
    minutes: i64,
    now: DateTime<Utc>,
) -> Result<()> {
    let topic = format!("sign-in-locked:{}", until.timestamp());
    let subject = "Your Doorstep account is locked for a while";
    let body = format!(
        "Dear {name},\n\n\
         Someone typed a wrong password for your Doorstep account ({email}) \
         {ACCOUNT_FAILURES_TO_LOCK} times, most recently from the address {from}. To keep the \
         records safe, nobody can sign in to your account for {minutes} minutes (until {until} UTC), \
         not even with the right password.\n\n\
         If this was you, wait and try again. If it was not you, tell your school's office and \
         your designated safeguarding lead today.\n",
        name = holder.name,
        email = holder.email,
        until = until.format("%H:%M on %d %B %Y"),
    );
    let m = Outgoing {
        topic: &topic,
        to: holder,
        channel: Channel::Email,
        subject,
        body: &body,
        visit: None,
        alarm: None,
        webhook: None,
    };
    outbox::queue(tx, &m, now).await?;
    Ok(())
}
