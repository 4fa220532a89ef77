//! Alarms: raised once, climbing their ladder level by level, each level's messages queued in the
//! outbox in the same transaction that records the level as fired.

mod ladder;
mod reminders;

pub use ladder::{fire_due_levels, fire_due_levels_of_all};
pub use reminders::{remind, remind_all};

use crate::{Refusal, Result};
use chrono::{DateTime, Utc};
use domain::monitor::AlarmKind;
use domain::policy::Channel;
use domain::{SchoolId, StaffId, VisitId, inputs};
use store::{Alarm, Db, DeadlineRow, NewAlarm, NewNotification, Tx, Visit};

/// An alarm somebody raises now (duress, panic, a doorstep observation).
pub struct AlarmRequest {
    pub kind: AlarmKind,
    pub raised_by: Option<StaffId>,
    pub detail: serde_json::Value,
}

pub(crate) async fn raise_in(
    tx: &mut Tx,
    visit: &Visit,
    req: &AlarmRequest,
    now: DateTime<Utc>,
) -> Result<Option<i64>> {
    let key = format!(
        "visit:{}:{}:{}:{}",
        visit.id,
        req.kind.as_str(),
        now.timestamp_millis(),
        req.raised_by.map_or(0, |s| s.0)
    );
    raise_keyed_in(tx, visit, req, &key, now).await
}

async fn raise_keyed_in(
    tx: &mut Tx,
    visit: &Visit,
    req: &AlarmRequest,
    key: &str,
    now: DateTime<Utc>,
) -> Result<Option<i64>> {
    let alarm = tx
        .raise_alarm(&NewAlarm {
            school: visit.school_id,
            visit: Some(visit.id),
            kind: req.kind,
            dedupe_key: key,
            raised_at: now,
            raised_by: req.raised_by,
            detail: req.detail.clone(),
            next_level: 0,
            next_level_at: Some(now),
        })
        .await?;
    Ok(alarm)
}

/// D4, D5, D6: raises an alarm now. Its first level goes out on the monitor's next pass
/// (the server wakes the monitor at once).
pub async fn raise(db: &Db, visit: &Visit, req: &AlarmRequest, now: DateTime<Utc>) -> Result<i64> {
    let mut tx = db.begin().await?;
    let id = raise_in(&mut tx, visit, req, now).await?;
    tx.commit().await?;
    id.ok_or_else(|| Refusal::invalid("alarm", "this alarm was already raised"))
}

/// An alarm raised from a phone: the alarm and whether this call raised it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RaisedFromPhone {
    pub alarm_id: i64,
    /// False when the same tap (the same `client_ref`) had already raised it, e.g. a panic sent
    /// again by the phone's offline queue.
    pub newly_raised: bool,
}

/// Like [`raise`], for a tap that may reach the server more than once: with a `client_ref` the
/// same tap raises one alarm however often it is sent.
pub async fn raise_from_phone(
    db: &Db,
    visit: &Visit,
    req: &AlarmRequest,
    client_ref: Option<&str>,
    now: DateTime<Utc>,
) -> Result<RaisedFromPhone> {
    let mut tx = db.begin().await?;
    let raised = raise_from_phone_in(&mut tx, visit, req, client_ref, now).await?;
    tx.commit().await?;
    Ok(raised)
}

/// [`raise_from_phone`] inside the caller's transaction.
pub(crate) async fn raise_from_phone_in(
    tx: &mut Tx,
    visit: &Visit,
    req: &AlarmRequest,
    client_ref: Option<&str>,
    now: DateTime<Utc>,
) -> Result<RaisedFromPhone> {
    let Some(client_ref) = client_ref else {
        let alarm_id = raise_in(tx, visit, req, now)
            .await?
            .ok_or_else(|| Refusal::invalid("alarm", "this alarm was already raised"))?;
        return Ok(RaisedFromPhone {
            alarm_id,
            newly_raised: true,
        });
    };
    let key = format!(
        "visit:{}:{}:client:{}:{}",
        visit.id,
        req.kind.as_str(),
        req.raised_by.map_or(0, |s| s.0),
        client_ref
    );
    if let Some(alarm_id) = raise_keyed_in(tx, visit, req, &key, now).await? {
        return Ok(RaisedFromPhone {
            alarm_id,
            newly_raised: true,
        });
    }
    let alarm_id = tx
        .alarm_id_by_dedupe_key(&key)
        .await?
        .ok_or_else(|| Refusal::invalid("alarm", "this alarm was already raised"))?;
    Ok(RaisedFromPhone {
        alarm_id,
        newly_raised: false,
    })
}

/// Fires one due deadline: exactly one caller claims it and raises its alarm.
pub async fn fire_due_deadline(
    db: &Db,
    d: &DeadlineRow,
    now: DateTime<Utc>,
) -> Result<Option<i64>> {
    let mut tx = db.begin().await?;
    let alarm = fire_in(&mut tx, d, now).await?;
    tx.commit().await?;
    Ok(alarm)
}

/// Fires a batch of due deadlines in one transaction (one disk flush for all of them). On any
/// error nothing is written and the caller fires them one by one instead.
pub async fn fire_due_deadlines(
    db: &Db,
    due: &[DeadlineRow],
    now: DateTime<Utc>,
) -> Result<Vec<Option<i64>>> {
    let mut tx = db.begin().await?;
    let mut alarms = Vec::with_capacity(due.len());
    for d in due {
        alarms.push(fire_in(&mut tx, d, now).await?);
    }
    tx.commit().await?;
    Ok(alarms)
}

async fn fire_in(tx: &mut Tx, d: &DeadlineRow, now: DateTime<Utc>) -> Result<Option<i64>> {
    let alarm_kind = AlarmKind::from_deadline(d.kind);
    if !tx.claim_deadline(d.id, d.due_at).await? {
        return Ok(None);
    }
    let key = format!(
        "deadline:{}:{}:{}",
        d.visit_id,
        d.kind,
        d.due_at.timestamp_millis()
    );
    let alarm = tx
        .raise_alarm(&NewAlarm {
            school: SchoolId(d.school_id),
            visit: Some(VisitId(d.visit_id)),
            kind: alarm_kind,
            dedupe_key: &key,
            // The ladder counts from when the deadline passed, not from when this process noticed:
            // after an outage, an alarm two hours overdue goes straight to the rungs it has reached.
            raised_at: d.fires_at,
            raised_by: None,
            detail: serde_json::json!({ "deadline": d.kind, "was_due_at": d.due_at, "recorded_at": now, "late_by_ms": (now - d.fires_at).num_milliseconds() }),
            next_level: 0,
            next_level_at: Some(now),
        })
        .await?;
    Ok(alarm)
}

/// Tells everyone who was alerted about an alarm what happened to it (`event`: "acknowledged",
/// "resolved"), on the channels and at the addresses they got it on, once per person and channel.
async fn tell_everyone_alerted(
    tx: &mut Tx,
    alarm: &Alarm,
    event: &str,
    text: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    let sent = tx.notifications_of_alarm(alarm.id).await?;
    let subject =
        crate::messages::drill::subject(alarm.drill, format!("Update: {}", alarm.kind.label()));
    let text = match alarm.drill {
        true => format!("DRILL — {text}"),
        false => text.to_string(),
    };
    let text = text.as_str();
    let topic = format!("alarm:{}:{event}", alarm.id);
    for n in sent
        .iter()
        .filter(|n| n.idempotency_key.contains(":level:"))
    {
        // The outbox's one key format; queued at the address the alarm reached, which the
        // person's record may no longer hold, so not through `outbox::queue`.
        let key = match n.staff_id {
            Some(staff) => format!("{topic}:staff:{staff}:{}", n.channel),
            None => format!("{topic}:{}:{}", n.channel, n.address),
        };
        // The office's own words go by text too: GSM-7 within the segment limit (C11).
        let body = match n.channel {
            Channel::Sms => crate::messages::sms::plain(text),
            _ => text.to_string(),
        };
        tx.enqueue_notification(&NewNotification {
            alarm: Some(alarm.id),
            visit: alarm.visit_id.map(VisitId),
            staff: n.staff_id.map(StaffId),
            channel: n.channel,
            address: &n.address,
            subject: &subject,
            body: &body,
            idempotency_key: &key,
            at: now,
        })
        .await?;
    }
    Ok(())
}

/// Acknowledges the alarm inside `tx`: read (and on PostgreSQL locked) there, marked as in
/// hand by `by`, everyone alerted told who. The note (what they are doing) is optional, as on
/// the board; the outcome of [`resolve_in`] is not. Returns the alarm as it now stands.
/// Errors: `Invalid("note")` over 2,000 characters; `NotFound("alarm")`; `Conflict("alarm")`
/// naming who is already dealing with it and since when on the school's clock ("Olive Office
/// is already dealing with this alarm (since 16:35)"), or saying it is resolved.
pub(crate) async fn acknowledge_in(
    tx: &mut Tx,
    alarm_id: i64,
    by: &store::Staff,
    note: &str,
    now: DateTime<Utc>,
) -> Result<Alarm> {
    let note = inputs::optional_text("note", note, 2000)?.unwrap_or_default();
    let alarm = tx.alarm_locked(alarm_id).await?;
    if let Some(why) = not_open(tx, &alarm, by).await? {
        return Err(Refusal::conflict("alarm", why));
    }
    tx.acknowledge_alarm(alarm.id, by.id, &note, now).await?;
    let text = match note.is_empty() {
        true => format!(
            "{} has acknowledged this alarm and is dealing with it.",
            by.name
        ),
        false => format!(
            "{} has acknowledged this alarm and is dealing with it: {note}",
            by.name
        ),
    };
    tell_everyone_alerted(tx, &alarm, "acknowledged", &text, now).await?;
    Ok(tx.alarm_locked(alarm.id).await?)
}

/// Why an alarm cannot be acknowledged, in words for the person trying (C13): who already has
/// it and since when, on the school's clock; `None` while it is open.
async fn not_open(tx: &mut Tx, alarm: &Alarm, me: &store::Staff) -> Result<Option<String>> {
    if alarm.resolved_at.is_some() {
        return Ok(Some("this alarm is already resolved".into()));
    }
    let (Some(who), Some(at)) = (alarm.acknowledged_by, alarm.acknowledged_at) else {
        return Ok(None);
    };
    let tz = tx
        .current_policy(SchoolId(alarm.school_id))
        .await?
        .settings
        .tz();
    let since = crate::words::clock_time(at, tz);
    Ok(Some(if who == me.id.0 {
        format!("You are already dealing with this alarm (since {since})")
    } else {
        let name = tx.staff(StaffId(who)).await?.name;
        format!("{name} is already dealing with this alarm (since {since})")
    }))
}

/// Resolves the alarm inside `tx` with an outcome; everyone alerted is told.
/// Errors: `Invalid("outcome")`; `NotFound("alarm")`; `Conflict("alarm")` when already resolved.
pub(crate) async fn resolve_in(
    tx: &mut Tx,
    alarm_id: i64,
    by: &store::Staff,
    outcome: &str,
    now: DateTime<Utc>,
) -> Result<Alarm> {
    let outcome = inputs::text("outcome", outcome, 2000)?;
    let alarm = tx.alarm_locked(alarm_id).await?;
    if !tx
        .resolve_alarm(alarm.id, Some(by.id), &outcome, now)
        .await?
    {
        return Err(Refusal::conflict("alarm", "this alarm is already resolved"));
    }
    let text = format!("Resolved by {}: {outcome}", by.name);
    tell_everyone_alerted(tx, &alarm, "resolved", &text, now).await?;
    Ok(tx.alarm_locked(alarm.id).await?)
}

/// A named person has it in hand: the ladder stops, and everyone alerted is told who.
/// No access check and no audit row: for the monitor's own callers and tests; people act
/// through [`crate::board::acknowledge`].
pub async fn acknowledge(
    db: &Db,
    alarm_id: i64,
    by: &store::Staff,
    note: &str,
    now: DateTime<Utc>,
) -> Result<Alarm> {
    let mut tx = db.begin().await?;
    let alarm = acknowledge_in(&mut tx, alarm_id, by, note, now).await?;
    tx.commit().await?;
    Ok(alarm)
}

/// Closed with an outcome (contact made and safe, police called, ...); everyone alerted is told.
/// No access check and no audit row (see [`acknowledge`]); people act through
/// [`crate::board::resolve`].
pub async fn resolve(
    db: &Db,
    alarm_id: i64,
    by: &store::Staff,
    outcome: &str,
    now: DateTime<Utc>,
) -> Result<Alarm> {
    let mut tx = db.begin().await?;
    let alarm = resolve_in(&mut tx, alarm_id, by, outcome, now).await?;
    tx.commit().await?;
    Ok(alarm)
}

/// A check-in or a return answers the overdue alarm: resolve it and tell everyone alerted.
pub(crate) async fn resolve_open_of_kind(
    tx: &mut Tx,
    visit: &Visit,
    kind: AlarmKind,
    by: Option<StaffId>,
    outcome: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    let open = tx
        .unresolved_alarms_of_visits(&[visit.id], kind.as_str())
        .await?;
    resolve_alarms(tx, &open, by, outcome, now).await
}

/// Resolves these alarms (read in `tx`) with `outcome` and tells everyone alerted.
pub(crate) async fn resolve_alarms(
    tx: &mut Tx,
    alarms: &[Alarm],
    by: Option<StaffId>,
    outcome: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    for alarm in alarms {
        if tx.resolve_alarm(alarm.id, by, outcome, now).await? {
            let text = format!("{}: {outcome}", alarm.kind.label());
            tell_everyone_alerted(tx, alarm, "resolved", &text, now).await?;
        }
    }
    Ok(())
}
