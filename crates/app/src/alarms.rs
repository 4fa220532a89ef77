//! Alarms: raised once, climbing their ladder level by level, each level's messages queued in the
//! outbox in the same transaction that records the level as fired.

use crate::messages;
use crate::outbox::{self, Outgoing};
use crate::people::visit_people;
use crate::{Refusal, Result};
use chrono::{DateTime, Utc};
use domain::monitor::{self, AlarmKind, DeadlineKind};
use domain::policy::Channel;
use domain::{FieldError, SchoolId, StaffId, VisitId, inputs};
use std::str::FromStr;
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
            kind: req.kind.as_str(),
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
    let kind = DeadlineKind::from_str(&d.kind)?;
    let alarm_kind = AlarmKind::from_deadline(kind);
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
            kind: alarm_kind.as_str(),
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

/// A check-in falls due soon: remind the visitors (in the app and by text), once per due time.
pub async fn remind(db: &Db, d: &DeadlineRow, now: DateTime<Utc>) -> Result<bool> {
    let mut reminded = remind_all(db, std::slice::from_ref(d), now).await?;
    Ok(reminded.pop().unwrap_or(false))
}

/// [`remind`] for a batch of due reminders in one transaction (one disk flush for all of them;
/// after an outage there can be thousands). Each school's staff and each policy version are read
/// once. On any error nothing is written; the caller then reminds them one by one. For each, in
/// order, whether this call queued it (false: reminded already).
pub async fn remind_all(db: &Db, due: &[DeadlineRow], now: DateTime<Utc>) -> Result<Vec<bool>> {
    use std::collections::HashMap;
    use std::collections::hash_map::Entry;
    let mut staff_of: HashMap<i64, Vec<store::Staff>> = HashMap::new();
    let mut policies: HashMap<i64, store::PolicyVersion> = HashMap::new();
    let mut read = Vec::with_capacity(due.len());
    for d in due {
        let visit = db.visit(VisitId(d.visit_id)).await?;
        if let Entry::Vacant(slot) = policies.entry(visit.policy_version_id.0) {
            slot.insert(db.policy_version(visit.policy_version_id).await?);
        }
        if let Entry::Vacant(slot) = staff_of.entry(visit.school_id.0) {
            let school = db.school(visit.school_id).await?;
            slot.insert(db.staff_list(school.trust_id, Some(school.id)).await?);
        }
        read.push(visit);
    }
    let mut tx = db.begin().await?;
    let mut queued = Vec::with_capacity(due.len());
    for (d, visit) in due.iter().zip(&read) {
        if !tx.mark_reminded(d.id, d.due_at).await? {
            queued.push(false);
            continue;
        }
        queued.push(true);
        let (Some(policy), Some(staff)) = (
            policies.get(&visit.policy_version_id.0),
            staff_of.get(&visit.school_id.0),
        ) else {
            continue;
        };
        let tz = policy.settings.tz();
        let (subject, body) = messages::reminder(
            visit,
            d.due_at.with_timezone(&tz),
            policy.settings.check_in.extend_minutes,
        );
        for visitor in &visit.staff {
            let Some(person) = staff.iter().find(|s| s.id == visitor.staff_id) else {
                continue;
            };
            let topic = format!("reminder:{}:{}", d.id, d.due_at.timestamp_millis());
            for channel in [Channel::InApp, Channel::Sms] {
                let m = Outgoing {
                    topic: &topic,
                    to: person,
                    channel,
                    subject: &subject,
                    body: &body,
                    visit: Some(visit.id),
                    alarm: None,
                    webhook: None,
                };
                outbox::queue(&mut tx, &m, now).await?;
            }
        }
    }
    tx.commit().await?;
    Ok(queued)
}

/// Fires every level of the alarm's ladder that has come due and was not fired yet, queueing its
/// messages; returns how many levels fired. Safe to call from several instances at once.
pub async fn fire_due_levels(
    db: &Db,
    alarm: &Alarm,
    webhook: Option<&str>,
    now: DateTime<Utc>,
) -> Result<usize> {
    let climb = read_climb(db, alarm, now).await?;
    let mut tx = db.begin().await?;
    let count = write_climb(&mut tx, &climb, webhook, now).await?;
    tx.commit().await?;
    Ok(count)
}

/// [`fire_due_levels`] for many alarms: everything is read first, then every alarm's levels are
/// written in one transaction (one disk flush for all of them). On any error nothing is written
/// and the caller climbs them one by one instead. Levels fired, per alarm in order.
pub async fn fire_due_levels_of_all(
    db: &Db,
    alarms: &[Alarm],
    webhook: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Vec<usize>> {
    let mut climbs = Vec::with_capacity(alarms.len());
    for alarm in alarms {
        climbs.push(read_climb(db, alarm, now).await?);
    }
    let mut tx = db.begin().await?;
    let mut counts = Vec::with_capacity(climbs.len());
    for climb in &climbs {
        counts.push(write_climb(&mut tx, climb, webhook, now).await?);
    }
    tx.commit().await?;
    Ok(counts)
}

/// What climbing one alarm's ladder needs, read before its transaction.
struct Climb<'a> {
    alarm: &'a Alarm,
    kind: AlarmKind,
    visit: Visit,
    ladder: Vec<domain::policy::EscalationLevel>,
    fired: Vec<usize>,
    due: Vec<usize>,
    people: domain::monitor::VisitPeople,
    staff: Vec<store::Staff>,
    pack: String,
}

async fn read_climb<'a>(db: &Db, alarm: &'a Alarm, now: DateTime<Utc>) -> Result<Climb<'a>> {
    let kind = AlarmKind::from_str(&alarm.kind)?;
    let visit = match alarm.visit_id {
        Some(id) => db.visit(VisitId(id)).await?,
        None => {
            return Err(FieldError::new("alarm", "an alarm without a visit has no ladder").into());
        }
    };
    let policy = db.policy_version(visit.policy_version_id).await?;
    let ladder = monitor::ladder_for(kind, &policy.settings.escalation);
    let fired: Vec<usize> = db
        .alarm_levels_fired(alarm.id)
        .await?
        .into_iter()
        .map(|(l, _)| l as usize)
        .collect();
    let due: Vec<usize> = monitor::levels_due(&ladder, kind, alarm.raised_at, now)
        .into_iter()
        .filter(|l| !fired.contains(l))
        .collect();
    let watch = db.watch(visit.id).await?;
    let (people, staff) = visit_people(db, &visit, watch.as_ref()).await?;
    // The information pack takes several reads; only levels that send it need it.
    let pack = if due.iter().any(|l| ladder[*l].information_pack) {
        messages::information_pack(
            db,
            &visit,
            watch.as_ref(),
            kind,
            alarm.raised_at,
            &policy.settings,
        )
        .await?
    } else {
        String::new()
    };
    Ok(Climb {
        alarm,
        kind,
        visit,
        ladder,
        fired,
        due,
        people,
        staff,
        pack,
    })
}

async fn write_climb(
    tx: &mut Tx,
    c: &Climb<'_>,
    webhook: Option<&str>,
    now: DateTime<Utc>,
) -> Result<usize> {
    let (alarm, kind, visit, ladder) = (c.alarm, c.kind, &c.visit, &c.ladder);
    let (fired, due, people, staff, pack) = (&c.fired, &c.due, &c.people, &c.staff, &c.pack);
    let mut count = 0;
    for level_index in due {
        let level = &ladder[*level_index];
        if !tx
            .record_level_fired(alarm.id, *level_index as i64, now)
            .await?
        {
            continue;
        }
        count += 1;
        let (subject, body) = messages::alarm_message(
            visit,
            kind,
            level,
            level.information_pack.then_some(pack.as_str()),
        );
        // One topic per alarm and level: each person is told once per level and channel.
        let topic = format!("alarm:{}:level:{}", alarm.id, level_index);
        for recipient in monitor::resolve_recipients(level, people) {
            let Some(person) = staff.iter().find(|s| s.id == recipient.staff) else {
                continue;
            };
            for channel in level.channels.iter().filter(|c| **c != Channel::Webhook) {
                let m = Outgoing {
                    topic: &topic,
                    to: person,
                    channel: *channel,
                    subject: &subject,
                    body: &body,
                    visit: Some(visit.id),
                    alarm: Some(alarm.id),
                    webhook: None,
                };
                outbox::queue(tx, &m, now).await?;
            }
        }
        if let Some(url) = webhook.filter(|_| level.channels.contains(&Channel::Webhook)) {
            // The school's webhook is no person, so not an `Outgoing`; its key is the level's topic.
            let key = format!("{topic}:webhook");
            tx.enqueue_notification(&NewNotification {
                alarm: Some(alarm.id),
                visit: Some(visit.id),
                staff: None,
                channel: "webhook",
                address: url,
                subject: &subject,
                body: &body,
                idempotency_key: &key,
                at: now,
            })
            .await?;
        }
    }
    let mut all_fired = fired.clone();
    all_fired.extend(due);
    let next_at = monitor::next_level_at(ladder, kind, alarm.raised_at, &all_fired);
    let next_level = (0..ladder.len())
        .find(|l| !all_fired.contains(l))
        .unwrap_or(ladder.len());
    tx.set_alarm_next_level(alarm.id, next_level as i64, next_at)
        .await?;
    Ok(count)
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
    let subject = format!("Update: {}", messages::alarm_label(&alarm.kind));
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
        tx.enqueue_notification(&NewNotification {
            alarm: Some(alarm.id),
            visit: alarm.visit_id.map(VisitId),
            staff: n.staff_id.map(StaffId),
            channel: &n.channel,
            address: &n.address,
            subject: &subject,
            body: text,
            idempotency_key: &key,
            at: now,
        })
        .await?;
    }
    Ok(())
}

/// Acknowledges the alarm inside `tx`: read (and on PostgreSQL locked) there, marked as in
/// hand by `by`, everyone alerted told who. Returns the alarm as it now stands.
/// Errors: `Invalid("note")` when the note is empty or over 2,000 characters; `NotFound("alarm")`;
/// `Conflict("alarm")` when it is no longer open.
pub(crate) async fn acknowledge_in(
    tx: &mut Tx,
    alarm_id: i64,
    by: &store::Staff,
    note: &str,
    now: DateTime<Utc>,
) -> Result<Alarm> {
    let note = inputs::text("note", note, 2000)?;
    let alarm = tx.alarm_locked(alarm_id).await?;
    tx.acknowledge_alarm(alarm.id, by.id, &note, now).await?;
    let text = format!(
        "{} has acknowledged this alarm and is dealing with it: {note}",
        by.name
    );
    tell_everyone_alerted(tx, &alarm, "acknowledged", &text, now).await?;
    Ok(tx.alarm_locked(alarm.id).await?)
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
            let text = format!("{}: {outcome}", messages::alarm_label(&alarm.kind));
            tell_everyone_alerted(tx, alarm, "resolved", &text, now).await?;
        }
    }
    Ok(())
}
