//! Check-in reminders: shortly before a check-in falls due the visitors are reminded in the app
//! and by text, once per due time (the outbox key is the reminder's occasion and the person).

use crate::Result;
use crate::messages::{self, Links, ReminderFacts, Whereabouts};
use crate::outbox::{self, Outgoing};
use chrono::{DateTime, Utc};
use domain::VisitId;
use domain::policy::Channel;
use store::{Db, DeadlineRow};

/// A check-in falls due soon: remind the visitors (in the app and by text), once per due time.
/// `links`: where the messages' link to Today points.
pub async fn remind(db: &Db, d: &DeadlineRow, links: &Links, now: DateTime<Utc>) -> Result<bool> {
    let mut reminded = remind_all(db, std::slice::from_ref(d), links, now).await?;
    Ok(reminded.pop().unwrap_or(false))
}

/// [`remind`] for a batch of due reminders in one transaction (one disk flush for all of them;
/// after an outage there can be thousands). Each school's staff and each policy version are read
/// once. On any error nothing is written; the caller then reminds them one by one. For each, in
/// order, whether this call queued it (false: reminded already).
pub async fn remind_all(
    db: &Db,
    due: &[DeadlineRow],
    links: &Links,
    now: DateTime<Utc>,
) -> Result<Vec<bool>> {
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
        let household = db.household(visit.household_id).await?;
        let whereabouts = Whereabouts::of(
            &household.family_name,
            &household.address,
            &household.postcode,
        );
        read.push((visit, whereabouts));
    }
    let mut tx = db.begin().await?;
    let mut queued = Vec::with_capacity(due.len());
    for (d, (visit, whereabouts)) in due.iter().zip(&read) {
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
        let message = messages::reminder(&ReminderFacts {
            visit: visit.id,
            due: d.due_at.with_timezone(&tz),
            extend_minutes: policy.settings.check_in.extend_minutes,
            whereabouts,
            links,
        });
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
                    subject: &message.subject,
                    body: message.body_for(channel),
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
