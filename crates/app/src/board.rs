//! The office board and the alarms on it: everyone out now with alarms at the top
//! ([`board`], [`alarms`]), one alarm with its levels and deliveries ([`alarm`]), taking charge
//! of one ([`acknowledge`]) and closing it ([`resolve`]), the information pack for the police
//! ([`information_pack`]) and a person's in-app messages for the live feed
//! ([`my_notifications`]).
//!
//! Who may see an alarm is decided by [`crate::access::visible_alarm`]; the board needs one of
//! [`crate::permissions::ALARM_WATCHERS`]. Writes carry their audit row in their transaction.

mod channels;
pub(crate) mod closed;
pub mod feed;
mod read;
mod told;

pub use channels::{ChannelState, Reach, reach};
pub use read::{AlarmDetail, AlarmView, Board, LevelFired, OutNow, alarm, alarms, board};
pub use told::{Told, channel_words, told};

use crate::{App, Result, access, alarms as ladder, audit};
use chrono::{DateTime, Utc};
use domain::monitor::AlarmKind;
use domain::{SchoolId, VisitId};
use store::{Notification, Staff};

async fn audited_change(
    app: &App,
    me: &Staff,
    id: i64,
    action: &str,
    text: &str,
    now: DateTime<Utc>,
) -> Result<AlarmView> {
    let alarm = access::visible_alarm(app, me, id).await?;
    if alarm.drill && action == "alarm.resolve" {
        // Only the head or DSL ends a drill (#11 item 9); anyone alerted may acknowledge it.
        access::may_run_drills(me, SchoolId(alarm.school_id))?;
    }
    // Read before the transaction opens (SQLite has one writer; nothing else is read inside it).
    let watched = match alarm.visit_id {
        Some(v) if alarm.kind == AlarmKind::MissedCheckIn => {
            let visit = app.visit(VisitId(v)).await?;
            let policy = app.policy_version(visit.policy_version_id).await?;
            Some((visit, policy))
        }
        _ => None,
    };
    let resolving = action == "alarm.resolve";
    let visitors = match resolving {
        true => closed::visitors_to_tell(app, &alarm).await?,
        false => Vec::new(),
    };
    let tz = app
        .db()
        .current_policy(SchoolId(alarm.school_id))
        .await?
        .settings
        .tz();
    let mut tx = app.db().begin().await?;
    let alarm = match action {
        "alarm.acknowledge" => ladder::acknowledge_in(&mut tx, alarm.id, me, text, now).await?,
        _ => ladder::resolve_in(&mut tx, alarm.id, me, text, now).await?,
    };
    // A drill's acknowledgement is audited as the drill's, so the trail never reads as a real alarm.
    let action = match (alarm.drill, action) {
        (true, "alarm.acknowledge") => "drill.acknowledge",
        (true, _) => "drill.end",
        (false, a) => a,
    };
    if let Some((visit, policy)) = &watched {
        restart_check_in_clock(&mut tx, visit, &policy.settings, now).await?;
    }
    if resolving {
        closed::tell_visitors(&mut tx, &alarm, &visitors, tz, now).await?;
    }
    let mut e = audit::entry(
        app,
        me,
        action,
        "alarm",
        alarm.id,
        Some(SchoolId(alarm.school_id)),
        serde_json::json!({}),
    );
    e.at = now;
    tx.append_audit(&e).await?;
    tx.commit().await?;
    app.wake_monitor();
    let in_charge = match alarm.acknowledged_by {
        Some(by) if by == me.id.0 => Some(me.name.clone()),
        Some(by) => told::names_of(app.db(), [by]).await?.remove(&by),
        None => None,
    };
    let mut view = AlarmView::from(alarm);
    view.acknowledged_by_name = in_charge;
    Ok(view)
}

/// Tester's A3: once someone has a missed check-in in hand (acknowledged or resolved) while the
/// staff are still out, the check-in clock starts again from `now`, so a further silence raises
/// a new alarm one check-in interval later rather than nothing until the leave-the-house
/// deadline. The watch's last contact is the clock's start (the monitor counts from it).
async fn restart_check_in_clock(
    tx: &mut store::Tx,
    visit: &store::Visit,
    settings: &domain::policy::PolicySettings,
    now: DateTime<Utc>,
) -> Result<()> {
    let Some(w) = tx.watch_locked(visit.id).await? else {
        return Ok(()); // back already: nothing to watch
    };
    let w = store::Watch {
        last_contact_at: w.last_contact_at.max(now),
        ..w
    };
    tx.put_watch(&w).await?;
    crate::watch::store_deadlines(tx, visit, &w, settings).await
}

/// A named person takes charge of an alarm with a note: the ladder stops climbing and everyone
/// alerted is told who. Anyone who sees the alarm may (those on the visit, and the school's
/// alarm watchers, attendance leads included). Audited ("alarm.acknowledge") in the same
/// transaction. The note is optional (the outcome of [`resolve`] is not). Errors:
/// `NotFound("alarm")` (also for an alarm the person may not see), `Invalid("note")` over 2,000
/// characters, `Conflict("alarm")` naming who is already dealing with it and since when.
pub async fn acknowledge(
    app: &App,
    me: &Staff,
    id: i64,
    note: &str,
    now: DateTime<Utc>,
) -> Result<AlarmView> {
    audited_change(app, me, id, "alarm.acknowledge", note, now).await
}

/// Closes an alarm with its outcome ("contact made, staff safe", "police called"); everyone
/// alerted is told. Audited ("alarm.resolve") in the same transaction.
/// Errors: `NotFound("alarm")`, `Invalid("outcome")`, `Conflict("alarm")` when already resolved.
pub async fn resolve(
    app: &App,
    me: &Staff,
    id: i64,
    outcome: &str,
    now: DateTime<Utc>,
) -> Result<AlarmView> {
    audited_change(app, me, id, "alarm.resolve", outcome, now).await
}

/// A2: the information pack for the police, as plain text, for the visit's latest alarm (or, with
/// none, as for an overdue return raised `now`), once the visit has left school; who may read
/// it is [`access::visit_for_pack`]. Every read is audited ("visit.information_pack.read").
/// Errors: `NotFound("visit")`, `Forbidden` (not allowed, or not yet signed out).
pub async fn information_pack(
    app: &App,
    me: &Staff,
    visit: VisitId,
    now: DateTime<Utc>,
) -> Result<String> {
    let visit = access::visit_for_pack(app, me, visit).await?;
    let db = app.db();
    let (policy, watch, alarms) = tokio::try_join!(
        app.policy_version(visit.policy_version_id),
        async { Ok(db.watch(visit.id).await?) },
        async { Ok(db.alarms_of_visit(visit.id).await?) },
    )?;
    let latest = alarms.into_iter().last();
    let (kind, raised_at) = match &latest {
        Some(a) => (a.kind, a.raised_at),
        None => (AlarmKind::OverdueReturn, now),
    };
    let text = crate::messages::information_pack(
        db,
        &visit,
        watch.as_ref(),
        kind,
        raised_at,
        &policy.settings,
    )
    .await?;
    audit::audit_read(
        app,
        me,
        "visit.information_pack.read",
        "visit",
        visit.id.0,
        visit.school_id,
    )
    .await?;
    Ok(text)
}

/// My in-app messages after notification `after` (an id; 0 for all), oldest first, at most
/// `limit`: the live feed resumes from the last one it sent.
pub async fn my_notifications(
    app: &App,
    me: &Staff,
    after: i64,
    limit: i64,
) -> Result<Vec<Notification>> {
    Ok(app.db().in_app_notifications(me.id, after, limit).await?)
}
