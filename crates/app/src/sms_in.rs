//! Checking in without data (#11 item 6): a visitor answers a reminder text with `OK`, `OK` and
//! a PIN, or `HELP`, and the SMS gateway forwards it here (its signature is checked by the web
//! layer). Only a member of staff's registered mobile counts, and only for a visit they are out
//! on; each gateway message id is acted on once. A duress PIN is answered exactly like an
//! ordinary `OK` (covert, D4).

use crate::out_on_visit::{self, AlarmInput, CheckInInput};
use crate::{App, Refusal, Result, audit};
use chrono::{DateTime, Utc};
use domain::inputs::{self, PhoneNumber};
use domain::monitor::AlarmKind;
use domain::sms_reply::SmsReply;
use domain::{StaffId, VisitId};
use store::{NewInboundSms, VisitFilter};

pub use notify::{SIGNATURE_HEADER, TIMESTAMP_HEADER};

/// How far the signed timestamp may be from our clock (seconds): an old request replayed with
/// its signature is refused.
pub const MAX_SKEW_SECONDS: i64 = 300;

/// Whether a request from the SMS gateway is signed with the shared secret, as our outbound
/// webhooks are (`X-Doorstep-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<body>">`), and
/// its `timestamp` (unix seconds) is within [`MAX_SKEW_SECONDS`] of `now`. Constant-time.
pub fn signed_by_gateway(
    secret: &str,
    timestamp: &str,
    body: &[u8],
    signature: &str,
    now: DateTime<Utc>,
) -> bool {
    let fresh = timestamp
        .parse::<i64>()
        .is_ok_and(|t| (now.timestamp() - t).abs() <= MAX_SKEW_SECONDS);
    fresh && notify::verify_signature(secret, timestamp, body, signature)
}

/// A text as the gateway forwards it.
#[derive(Debug, Clone)]
pub struct InboundSms {
    /// The gateway's id for the message (at most 80 characters).
    pub message_id: String,
    /// The sender's number, in any UK form ("+447700900105", "07700 900105").
    pub from: String,
    pub text: String,
}

/// What was done. A duress PIN gives `CheckedIn`, like any other.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SmsOutcome {
    CheckedIn,
    Help,
    /// This message id was received before: nothing done again.
    Replay,
    /// Not a registered staff mobile: nothing done.
    UnknownNumber,
    /// The sender is not out on a visit: nothing done.
    NotOut,
    /// Not `OK`, `OK <PIN>` or `HELP`: nothing done.
    NotUnderstood,
}

impl SmsOutcome {
    pub fn as_str(self) -> &'static str {
        match self {
            SmsOutcome::CheckedIn => "check_in",
            SmsOutcome::Help => "help",
            SmsOutcome::Replay => "replay",
            SmsOutcome::UnknownNumber => "unknown_number",
            SmsOutcome::NotOut => "not_out",
            SmsOutcome::NotUnderstood => "not_understood",
        }
    }
}

/// Acts on one text: a check-in (`OK`, `OK <PIN>`) or a panic (`HELP`) on the visit the sender
/// is out on, as that member of staff, through the same use cases as the phone (so the check-in
/// and the alarm carry their own audit rows); then records the message (id unique) with an
/// `sms.received` audit row. Errors: `Invalid("message_id")` when empty or over 80 characters,
/// `Invalid("from")` for something that is not a phone number, and the check-in's or alarm's
/// own refusals (then nothing is recorded and the gateway may send it again).
pub async fn receive(app: &App, sms: &InboundSms, now: DateTime<Utc>) -> Result<SmsOutcome> {
    let id = inputs::optional_text("message_id", &sms.message_id, 80)?
        .ok_or_else(|| Refusal::invalid("message_id", "the gateway's message id is missing"))?;
    let db = app.db();
    if db.inbound_sms_seen(&id).await? {
        return Ok(SmsOutcome::Replay);
    }
    let from = PhoneNumber::parse("from", &sms.from)?.national();
    let staff = db
        .staff_mobiles()
        .await?
        .into_iter()
        .find(|(_, m)| m.checked().is_some_and(|m| m.national() == from))
        .map(|(id, _)| StaffId(id));
    let Some(staff) = staff else {
        tracing::warn!(sms.id = %id, "a text from a number that is no member of staff's mobile");
        record(app, None, &id, sms, None, SmsOutcome::UnknownNumber, now).await?;
        return Ok(SmsOutcome::UnknownNumber);
    };
    let me = db.staff(staff).await?;
    let Some(visit) = visit_out_on(app, &me).await? else {
        record(app, Some(&me), &id, sms, None, SmsOutcome::NotOut, now).await?;
        return Ok(SmsOutcome::NotOut);
    };
    // The gateway's id is the tap's id: a message acted on but not yet recorded is applied once.
    let client_ref = Some(format!("sms:{id}"));
    let outcome = match SmsReply::parse(&sms.text) {
        SmsReply::CheckIn { pin } => {
            let input = CheckInInput {
                note: Some("By text message".into()),
                pin,
                client_ref,
                ..Default::default()
            };
            out_on_visit::check_in(app, &me, visit, &input, now).await?;
            SmsOutcome::CheckedIn
        }
        SmsReply::Help => {
            let input = AlarmInput {
                note: Some("HELP by text message".into()),
                client_ref,
                ..Default::default()
            };
            out_on_visit::raise_alarm(app, &me, visit, AlarmKind::Panic, &input, now).await?;
            SmsOutcome::Help
        }
        SmsReply::NotUnderstood => SmsOutcome::NotUnderstood,
    };
    record(app, Some(&me), &id, sms, Some(visit), outcome, now).await?;
    Ok(outcome)
}

/// The visit this member of staff is out on as a visitor (signed out, not yet back); the one
/// that left school last when there are several.
async fn visit_out_on(app: &App, me: &store::Staff) -> Result<Option<VisitId>> {
    let mut mine = app
        .db()
        .visits(&VisitFilter {
            trust: Some(me.trust_id),
            involving: Some(me.id),
            limit: Some(200),
            ..Default::default()
        })
        .await?;
    mine.retain(|v| v.status.is_under_way());
    mine.sort_by_key(|v| std::cmp::Reverse(v.planned_leave_school));
    for v in mine {
        // The buddy is "involved" too, but texts in only as a visitor.
        if app
            .db()
            .visit(v.id)
            .await?
            .staff
            .iter()
            .any(|s| s.staff_id == me.id)
        {
            return Ok(Some(v.id));
        }
    }
    Ok(None)
}

async fn record(
    app: &App,
    me: Option<&store::Staff>,
    id: &str,
    sms: &InboundSms,
    visit: Option<VisitId>,
    outcome: SmsOutcome,
    now: DateTime<Utc>,
) -> Result<()> {
    let mut tx = app.db().begin().await?;
    let fresh = tx
        .record_inbound_sms(&NewInboundSms {
            message_id: id,
            received_at: now,
            from_number: &sms.from,
            staff: me.map(|m| m.id),
            visit,
            outcome: outcome.as_str(),
        })
        .await?;
    if let (true, Some(me)) = (fresh, me) {
        let (subject, subject_id) = match visit {
            Some(v) => ("visit", v.0),
            None => ("staff", me.id.0),
        };
        let detail = serde_json::json!({ "message_id": id, "outcome": outcome.as_str() });
        let mut e = audit::entry(app, me, "sms.received", subject, subject_id, None, detail);
        e.at = now;
        tx.append_audit(&e).await?;
    }
    tx.commit().await?;
    Ok(())
}
