//! A5: reminders of incident reports not shared with the head by the end of the working day —
//! who is reminded and in what words. The store only finds and claims the overdue reports.

use crate::{Result, outbox};
use chrono::{DateTime, Utc};
use domain::VisitId;
use store::{Db, Incident};

/// At most this many reports are reminded about in one pass; the rest wait for the next.
const BATCH: i64 = 200;

/// A5: reminds the author and the head (the role the school's policy names in
/// `incident_report.due_to`) of every incident report not shared by the end of the working day,
/// in the app and by e-mail, through the outbox: once when the report falls overdue, then once a
/// day until it is shared. Safe to run from several instances at once (each reminder is claimed
/// in the transaction that queues it). Called by the safety monitor's pass. `now` is UTC.
/// Returns how many reports were reminded about.
pub async fn remind_overdue_incidents(db: &Db, now: DateTime<Utc>) -> Result<usize> {
    let mut reminded = 0;
    for incident in db.incidents_to_remind(now, BATCH).await? {
        if remind(db, &incident, now).await? {
            reminded += 1;
        }
    }
    if reminded > 0 {
        tracing::info!(
            incidents.reminded = reminded,
            "reminded authors and heads of overdue incident reports"
        );
    }
    Ok(reminded)
}

/// One report's reminder, claimed and queued in one transaction; `false` when another instance
/// claimed it first.
async fn remind(db: &Db, incident: &Incident, now: DateTime<Utc>) -> Result<bool> {
    let school = db.school(incident.school_id).await?;
    let policy = db.current_policy(school.id).await?;
    let due_to = policy.settings.incident_report.due_to;
    let staff = db.staff_list(school.trust_id, Some(school.id)).await?;
    let mut tx = db.begin().await?;
    if !tx
        .claim_incident_reminder(incident.id, incident.reminders, now)
        .await?
    {
        return Ok(false);
    }
    let kind = incident.kind.as_str().replace('_', " ");
    let when = incident.occurred_at.with_timezone(&policy.settings.tz());
    let subject = format!(
        "Overdue: incident report {} ({kind}) has not been shared with {}",
        incident.id,
        due_to.title()
    );
    // No family name or postcode by e-mail (not a secure channel): the report is in Doorstep.
    let body = format!(
        "The incident report for the {kind} on {} was due to {} by the end of the working day and has not been shared yet.\n\n\
         Open Doorstep's Incidents page, complete the factual report and share it now.",
        when.format("%A %-d %B %Y at %H:%M"),
        due_to.title(),
    );
    let recipients: Vec<_> = staff
        .into_iter()
        .filter(|s| s.active)
        .filter(|s| s.id.0 == incident.author_staff_id || s.roles.has(due_to))
        .collect();
    // One topic per reminder round, so each day's reminder is queued once per person.
    let topic = format!("incident:{}:overdue:{}", incident.id, incident.reminders);
    outbox::tell(
        &mut tx,
        &recipients,
        &topic,
        &subject,
        &body,
        incident.visit_id.map(VisitId),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(true)
}
