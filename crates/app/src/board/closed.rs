//! Tester C2: when someone at school closes a missed check-in or overdue alarm while the
//! visitors are still out, the visitors are told in the app in plain words
//! ([`crate::words::alarm_closed_for_visitors`]), so the card does not stay red or silent. Never
//! for a duress alarm (covert) or a drill.

use crate::{App, Result, outbox};
use chrono::{DateTime, Utc};
use domain::monitor::AlarmKind;
use domain::policy::Channel;
use domain::{StaffId, VisitId};
use store::{Alarm, Staff, Tx};

/// The visitors to tell should `alarm` be closed, read before the write transaction opens;
/// empty for an alarm that is not an overdue one of a visit, or a drill.
pub(super) async fn visitors_to_tell(app: &App, alarm: &Alarm) -> Result<Vec<Staff>> {
    let Some(visit) = alarm.visit_id.filter(|_| is_told(alarm)) else {
        return Ok(Vec::new());
    };
    let visit = app.visit(VisitId(visit)).await?;
    let mut people = Vec::new();
    for s in &visit.staff {
        people.push(app.db().staff(s.staff_id).await?);
    }
    Ok(people)
}

/// Only missed check-ins and overdue arrival, leaving or return; never duress, never a drill.
pub(crate) fn is_told(alarm: &Alarm) -> bool {
    AlarmKind::OVERDUE.contains(&alarm.kind) && !alarm.drill
}

/// Queues the in-app message to each of `visitors` inside `tx`, when the visit is still being
/// watched (the staff are out). `tz` is the school's time zone.
pub(super) async fn tell_visitors(
    tx: &mut Tx,
    alarm: &Alarm,
    visitors: &[Staff],
    tz: chrono_tz::Tz,
    now: DateTime<Utc>,
) -> Result<()> {
    let Some(visit) = alarm.visit_id.map(VisitId) else {
        return Ok(());
    };
    if visitors.is_empty() || tx.watch_locked(visit).await?.is_none() {
        return Ok(());
    }
    let body = crate::words::alarm_closed_for_visitors(now, tz);
    let topic = format!("alarm:{}:closed_for_visitors", alarm.id);
    for person in visitors {
        let m = outbox::Outgoing {
            topic: &topic,
            to: person,
            channel: Channel::InApp,
            subject: "School has closed the alarm for your visit",
            body: &body,
            visit: Some(visit),
            alarm: Some(alarm.id),
            webhook: None,
        };
        outbox::queue(tx, &m, now).await?;
    }
    Ok(())
}

/// Who closed it is not one of `visitors` (a visitor's own check-in or tap closes it otherwise).
pub(crate) fn closed_by_school(alarm: &Alarm, visitors: &[StaffId]) -> bool {
    alarm
        .resolved_by
        .is_some_and(|by| !visitors.contains(&StaffId(by)))
}
