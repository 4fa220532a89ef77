//! The buddy's hand-over (#11 item 10, tester A4): a buddy who must leave hands the visit to a
//! named colleague, so someone at school can always be phoned. It cannot be half done: in one
//! transaction the visit's buddy (the one value access, the code word, duress, Today and the
//! alarm ladder read) and the watch move to the new buddy, the visit's history and the audit trail
//! record it, and both buddies and the visitors are told in the app and by text.

use super::extend::{refuse_unless_out, watch_in};
use crate::access::{self, HandingOver, found};
use crate::messages::Whereabouts;
use crate::messages::handover::{self, HandOverFacts};
use crate::outbox::{self, Outgoing};
use crate::{App, Refusal, Result, audit, words};
use chrono::{DateTime, Utc};
use domain::policy::Channel;
use domain::{FieldError, StaffId, VisitId};
use store::{Staff, Watch};

/// What a hand-over did.
#[derive(Debug, Clone)]
pub struct HandedOver {
    /// The watch as written (its buddy is the new one).
    pub watch: Watch,
    /// The buddy before, if the visit had one.
    pub from: Option<Staff>,
    /// The buddy now.
    pub to: Staff,
    /// Done by a stand-in on the buddy's behalf, not by the buddy.
    pub on_behalf: bool,
    /// "Buddy handed over from Lina Liaison to Tess Assistant at 16:40" (the school's clock).
    pub summary: String,
}

/// The buddy (or the office, the DSL or the head on their behalf, see
/// [`access::visit_to_hand_over`]) hands a visit that is out to `to`, who must be allowed to be
/// its buddy ([`access::may_be_buddy`]: staff based at this school, not visiting, with a mobile).
/// Written in one transaction: the watch and the visit's buddy, the visit event
/// "buddy_handover" (its detail: `from_staff_id`, `to_staff_id`, `on_behalf`, `summary`), the
/// audit row "visit.buddy_handover" and, to the old and new buddy and each visitor, an in-app
/// message and a text (queued in the outbox; a person with no mobile is recorded as not told).
/// Open alarms' next rungs go to the new buddy, who reads the code word and may raise duress;
/// the old one no longer sees the visit. `now`: UTC.
/// Errors: `NotFound("visit")`, `Forbidden` (a visitor, a former buddy, anyone else),
/// `Invalid("to_staff_id")` when nobody is chosen, for nobody by that id at this school, the
/// buddy already, or someone who may not be buddy (naming why), `Conflict("status")` when staff
/// are not out (also when they came back meanwhile).
pub async fn hand_over_buddy(
    app: &App,
    me: &Staff,
    visit: VisitId,
    to: Option<StaffId>,
    now: DateTime<Utc>,
) -> Result<HandedOver> {
    let (visit, by) = access::visit_to_hand_over(app, me, visit).await?;
    let field = |why: String| Refusal::from(FieldError::new("to_staff_id", why));
    let Some(to) = to else {
        return Err(field("Choose who takes over as buddy".into()));
    };
    let Some(next) = found(app.db().staff(to).await)?.filter(|s| s.trust_id == me.trust_id) else {
        return Err(field(
            "Choose who takes over as buddy: there is no such member of staff at this school"
                .into(),
        ));
    };
    if visit.buddy_staff_id == Some(next.id.0) {
        return Err(field(format!("{} is the buddy already", next.name)));
    }
    let visitors: Vec<StaffId> = visit.staff.iter().map(|s| s.staff_id).collect();
    access::may_be_buddy(&next, visit.school_id, &visitors).map_err(field)?;
    refuse_unless_out(&visit)?;

    let from = match visit.buddy_staff_id {
        Some(id) => found(app.db().staff(StaffId(id)).await)?,
        None => None,
    };
    let mut told = vec![next.clone()];
    told.extend(from.clone());
    for v in &visitors {
        told.push(app.db().staff(*v).await?);
    }
    let policy = app.policy_version(visit.policy_version_id).await?;
    let household = app.db().household(visit.household_id).await?;
    let whereabouts = Whereabouts::of(
        &household.family_name,
        &household.address,
        &household.postcode,
    );
    let at = words::clock_time(now, policy.settings.tz());
    let facts = HandOverFacts {
        from: from.as_ref().map(|f| f.name.as_str()),
        to: &next.name,
        to_mobile: next.mobile.as_ref().map_or("", |m| m.as_str()),
        at: &at,
        whereabouts: &whereabouts,
    };
    let summary = handover::summary(&facts);
    let message = handover::hand_over(&facts);
    let on_behalf = by == HandingOver::OnBehalf;

    let mut tx = app.db().begin().await?;
    let w = watch_in(&mut tx, &visit).await?;
    let w = Watch {
        buddy_staff_id: Some(next.id.0),
        buddy_left_at: None,
        ..w
    };
    tx.put_watch(&w).await?;
    // The visit's buddy is the one value access, the code word, duress, Today and the ladder
    // read: it moves with the watch, so the new buddy has all of it and the one who left none.
    tx.set_visit_buddy(visit.id, Some(next.id), now).await?;
    let detail = serde_json::json!({
        "from_staff_id": visit.buddy_staff_id,
        "to_staff_id": next.id.0,
        "on_behalf": on_behalf,
        "summary": summary,
    });
    tx.add_visit_event(visit.id, "buddy_handover", Some(me.id), now, &detail)
        .await?;
    let mut e = audit::entry(
        app,
        me,
        "visit.buddy_handover",
        "visit",
        visit.id.0,
        Some(visit.school_id),
        detail,
    );
    e.at = now;
    tx.append_audit(&e).await?;
    let topic = format!("buddy_handover:{}:{}", visit.id, now.timestamp_millis());
    for person in &told {
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
    tx.commit().await?;
    app.wake_monitor();
    Ok(HandedOver {
        watch: w,
        from,
        to: next,
        on_behalf,
        summary,
    })
}
