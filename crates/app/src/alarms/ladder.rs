//! Climbing an alarm's escalation ladder: each level due is recorded as fired and its messages
//! are queued in the outbox in the same transaction (one key per alarm, level, person, channel).

use crate::Result;
use crate::messages::{self, AlarmFacts, Links, Whereabouts};
use crate::outbox::{self, Outgoing};
use crate::people::{people_of, visit_people};
use chrono::{DateTime, Utc};
use domain::FieldError;
use domain::monitor::{self, AlarmKind, Audience};
use domain::policy::{Channel, EscalationLevel};
use domain::{SchoolId, StaffId, VisitId};
use store::{Alarm, Db, NewNotification, Tx};

/// Fires every level of the alarm's ladder that has come due and was not fired yet, queueing its
/// messages; returns how many levels fired. Safe to call from several instances at once.
/// `links`: where the messages' links to the information pack point.
pub async fn fire_due_levels(
    db: &Db,
    alarm: &Alarm,
    webhook: Option<&str>,
    links: &Links,
    now: DateTime<Utc>,
) -> Result<usize> {
    let climb = read_climb(db, alarm, now).await?;
    let mut tx = db.begin().await?;
    let count = write_climb(&mut tx, &climb, webhook, links, now).await?;
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
    links: &Links,
    now: DateTime<Utc>,
) -> Result<Vec<usize>> {
    let mut climbs = Vec::with_capacity(alarms.len());
    for alarm in alarms {
        climbs.push(read_climb(db, alarm, now).await?);
    }
    let mut tx = db.begin().await?;
    let mut counts = Vec::with_capacity(climbs.len());
    for climb in &climbs {
        counts.push(write_climb(&mut tx, climb, webhook, links, now).await?);
    }
    tx.commit().await?;
    Ok(counts)
}

/// What climbing one alarm's ladder needs, read before its transaction.
struct Climb<'a> {
    alarm: &'a Alarm,
    kind: AlarmKind,
    /// The real visit; `None` for a drill on a practice visit (#11 item 9).
    visit: Option<VisitId>,
    /// The visitors' names, as the messages give them.
    names: Vec<String>,
    ladder: Vec<EscalationLevel>,
    /// Levels fired so far, with their times (UTC).
    fired: Vec<(usize, DateTime<Utc>)>,
    /// The levels to fire now: rungs of the ladder, or a repeat of its top rung.
    due: Vec<(usize, EscalationLevel)>,
    repeat_every: u32,
    people: domain::monitor::VisitPeople,
    staff: Vec<store::Staff>,
    whereabouts: Whereabouts,
    pack: String,
}

async fn read_climb<'a>(db: &Db, alarm: &'a Alarm, now: DateTime<Utc>) -> Result<Climb<'a>> {
    let kind = alarm.kind;
    let visit = match (alarm.visit_id, alarm.practice_visit_id) {
        (Some(id), _) => Some(db.visit(VisitId(id)).await?),
        (None, Some(_)) if alarm.drill => None,
        (None, _) => {
            return Err(FieldError::new("alarm", "an alarm without a visit has no ladder").into());
        }
    };
    let policy = match &visit {
        Some(v) => db.policy_version(v.policy_version_id).await?,
        None => db.current_policy(SchoolId(alarm.school_id)).await?,
    };
    let ladder = monitor::ladder_for_policy(kind, &policy.settings);
    let fired: Vec<(usize, DateTime<Utc>)> = db
        .alarm_levels_fired(alarm.id)
        .await?
        .into_iter()
        .map(|(l, at)| (usize::try_from(l).unwrap_or(usize::MAX), at))
        .collect();
    let settings = &policy.settings;
    let repeat_every = settings.repeat_top_rung_every_minutes;
    let mut due: Vec<(usize, EscalationLevel)> =
        monitor::levels_due(&ladder, kind, alarm.raised_at, now)
            .into_iter()
            .filter(|l| !fired.iter().any(|(f, _)| f == l))
            .map(|l| (l, ladder[l].clone()))
            .collect();
    // A2: after the last rung, the top rung again, widened to the safety responders.
    if let Some(level) = monitor::repeat_due(&ladder, kind, &fired, repeat_every, now) {
        let responders = &settings.safety_responders;
        due.extend(
            monitor::repeat_rung(&ladder, level, responders, repeat_every).map(|r| (level, r)),
        );
    }
    let Some(visit) = visit else {
        // A practice visit: its chosen visitors and buddy, no household, no address.
        let practice = db
            .practice_visit(alarm.practice_visit_id.unwrap_or_default())
            .await?;
        let visitors: Vec<StaffId> = practice.visitor_ids.iter().copied().map(StaffId).collect();
        let buddy = practice.buddy_staff_id.map(StaffId);
        let (people, staff) = people_of(db, SchoolId(alarm.school_id), &visitors, buddy).await?;
        let names = visitors
            .iter()
            .filter_map(|v| staff.iter().find(|s| s.id == *v).map(|s| s.name.clone()))
            .collect();
        return Ok(Climb {
            alarm,
            kind,
            visit: None,
            names,
            ladder,
            fired,
            due,
            repeat_every,
            people,
            staff,
            whereabouts: messages::drill::practice_whereabouts(),
            pack: messages::drill::DRILL_PACK.to_string(),
        });
    };
    let watch = db.watch(visit.id).await?;
    let (people, staff) = visit_people(db, &visit, watch.as_ref()).await?;
    let household = db.household(visit.household_id).await?;
    let whereabouts = Whereabouts::of(
        &household.family_name,
        &household.address,
        &household.postcode,
    );
    // The information pack takes several reads; only levels that send it need it. A drill never
    // sends the real pack: its police-contact rung says so instead (#11 item 9).
    let pack = if alarm.drill {
        messages::drill::DRILL_PACK.to_string()
    } else if due.iter().any(|(_, l)| l.information_pack) {
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
        visit: Some(visit.id),
        names: visit.staff.iter().map(|s| s.name.clone()).collect(),
        ladder,
        fired,
        due,
        repeat_every,
        people,
        staff,
        whereabouts,
        pack,
    })
}

async fn write_climb(
    tx: &mut Tx,
    c: &Climb<'_>,
    webhook: Option<&str>,
    links: &Links,
    now: DateTime<Utc>,
) -> Result<usize> {
    let (alarm, kind, visit, ladder) = (c.alarm, c.kind, c.visit, &c.ladder);
    let (fired, due, people, staff, pack) = (&c.fired, &c.due, &c.people, &c.staff, &c.pack);
    let names = &c.names;
    let mut count = 0;
    for (level_index, level) in due {
        let level_no = i64::try_from(*level_index).unwrap_or(i64::MAX);
        if !tx.record_level_fired(alarm.id, level_no, now).await? {
            continue;
        }
        count += 1;
        // Each audience reads its own words for the kind (C10): the visitors what to do about
        // their own visit, the buddy to phone them, everyone else at school what happened.
        let message_for = |audience: Audience| {
            let facts = AlarmFacts {
                visit: visit.unwrap_or(messages::drill::PRACTICE_VISIT),
                kind,
                audience,
                instruction: &level.instruction,
                rung: *level_index,
                rungs: ladder.len(),
                staff: names,
                whereabouts: &c.whereabouts,
                links,
            };
            let message = messages::alarm_message(&facts, level, pack);
            match (alarm.drill, visit) {
                (true, Some(_)) => messages::drill::marked(message),
                (true, None) => messages::drill::marked(messages::drill::practice(message, links)),
                (false, _) => message,
            }
        };
        // One topic per alarm and level: each person is told once per level and channel.
        let topic = format!("alarm:{}:level:{}", alarm.id, level_index);
        for recipient in monitor::resolve_recipients(level, people) {
            let Some(person) = staff.iter().find(|s| s.id == recipient.staff) else {
                continue;
            };
            let message = message_for(Audience::of(recipient.because));
            for channel in level.channels.iter().filter(|c| **c != Channel::Webhook) {
                let m = Outgoing {
                    topic: &topic,
                    to: person,
                    channel: *channel,
                    subject: &message.subject,
                    body: message.body_for(*channel),
                    visit,
                    alarm: Some(alarm.id),
                    webhook: None,
                };
                outbox::queue(tx, &m, now).await?;
            }
        }
        if let Some(url) = webhook.filter(|_| level.channels.contains(&Channel::Webhook)) {
            // The school's webhook is no person, so not an `Outgoing`; its key is the level's topic.
            let message = message_for(Audience::Office);
            let subject = message.subject.as_str();
            let key = format!("{topic}:webhook");
            tx.enqueue_notification(&NewNotification {
                alarm: Some(alarm.id),
                visit,
                staff: None,
                channel: Channel::Webhook,
                address: url,
                subject,
                body: message.body_for(Channel::Webhook),
                idempotency_key: &key,
                at: now,
            })
            .await?;
        }
    }
    // Levels another instance fired first count as fired now: the next repeat is an interval on.
    let mut all_fired = fired.clone();
    all_fired.extend(due.iter().map(|(l, _)| (*l, now)));
    let levels: Vec<usize> = all_fired.iter().map(|(l, _)| *l).collect();
    let next_at = monitor::next_level_at(ladder, kind, alarm.raised_at, &levels)
        .or_else(|| monitor::next_repeat_at(ladder, kind, &all_fired, c.repeat_every));
    let next_level = (0..ladder.len())
        .find(|l| !levels.contains(l))
        .or_else(|| levels.iter().max().map(|l| l.saturating_add(1)))
        .unwrap_or(ladder.len());
    tx.set_alarm_next_level(
        alarm.id,
        i64::try_from(next_level).unwrap_or(i64::MAX),
        next_at,
    )
    .await?;
    Ok(count)
}
