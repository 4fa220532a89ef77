//! D7: the visitors left early because they felt unsafe. The buddy and the DSL are told at once,
//! in the app, by text and by e-mail, through the outbox in the step's own transaction (so the
//! step and the messages are written together or not at all), and the visitor is asked for an
//! incident report. Policy: SEN Trust Southend 6.3, "Once in a place of safety, inform the
//! headteacher and any other appropriate members of staff (e.g. the DSL) of the incident"; REAch2,
//! "You must telephone your buddy when leaving each home visit".

use crate::messages::Whereabouts;
use crate::outbox::{Outgoing, queue};
use crate::{Result, words};
use chrono::{DateTime, Utc};
use domain::StaffId;
use domain::policy::Channel;
use store::{Db, Staff, Tx, Visit, Watch};

/// The incident form for this visit, which the phone and the visit page offer after an early
/// leave for safety.
pub fn incident_form(visit: &Visit) -> String {
    format!("/incidents/new?visit_id={}", visit.id.0)
}

/// Queues, in `tx`, the message to the visit's current buddy and every DSL of the school (not
/// the person leaving) on each of in-app, SMS and e-mail, once per visit (topic
/// `visit:{id}:left_early`). Answers the names of the people told, for the visit event.
pub(super) async fn tell_buddy_and_dsl(
    tx: &mut Tx,
    db: &Db,
    visit: &Visit,
    watch: Option<&Watch>,
    me: &Staff,
    tz: chrono_tz::Tz,
    now: DateTime<Utc>,
) -> Result<Vec<String>> {
    let (people, staff) = crate::visit_people(db, visit, watch).await?;
    let mut ids: Vec<StaffId> = people.buddy.into_iter().collect();
    ids.extend(people.dsl.iter().copied());
    ids.retain(|id| *id != me.id);
    ids.dedup();
    let household = tx.household(visit.household_id).await?;
    let place = Whereabouts::of(
        &household.family_name,
        &household.address,
        &household.postcode,
    );
    let at = words::clock_time(now, tz);
    let subject = format!("Left early, felt unsafe: {place}");
    let body = format!(
        "{} left the {place} early at {at} because they felt unsafe. Phone them now to check they \
         are safe and whether they need help. An incident report should follow.",
        me.name
    );
    let topic = format!("visit:{}:left_early", visit.id.0);
    let mut told = Vec::new();
    for id in ids {
        let Some(person) = staff.iter().find(|s| s.id == id) else {
            continue;
        };
        for channel in [Channel::InApp, Channel::Sms, Channel::Email] {
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
            queue(tx, &m, now).await?;
        }
        told.push(person.name.clone());
    }
    Ok(told)
}
