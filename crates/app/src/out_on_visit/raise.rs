//! Alarms raised from the phone: panic (D5), duress heard by the buddy or the office (D4), and
//! doorstep observations that need action now (D6). A tap sent twice raises one alarm.

use crate::alarms::{AlarmRequest, raise_from_phone_in};
use crate::{App, Refusal, Result, access, audit};
use chrono::{DateTime, Utc};
use domain::monitor::AlarmKind;
use domain::{VisitId, inputs};
use store::Staff;

/// What the phone sends with the tap.
#[derive(Debug, Clone, Default)]
pub struct AlarmInput {
    pub note: Option<String>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    /// The phone's own id for this tap: sent again (say from its offline queue), it raises no
    /// second alarm and gets the first one's answer.
    pub client_ref: Option<String>,
}

/// The alarm, whether this tap raised it, and what to do now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Raised {
    pub alarm_id: i64,
    /// False when the same tap (`client_ref`) had already raised it.
    pub newly_raised: bool,
    pub guidance: &'static str,
}

fn doing(kind: AlarmKind) -> Result<&'static str> {
    Ok(match kind {
        AlarmKind::Panic => "raise a panic alarm",
        AlarmKind::Duress => "raise a duress alarm",
        k if k.is_observation() => "report an observation",
        _ => {
            return Err(Refusal::bad_request(
                "kind",
                "this alarm is raised by the monitor",
            ));
        }
    })
}

/// Raises a panic (D5: straight to the top of the ladder, with the information pack), a duress
/// alarm (D4: silent, top level) or a doorstep observation (D6: the safeguarding team is told at
/// once), with its audit row ("visit.panic", "visit.duress", "visit.child_alone"…) in the same
/// transaction, and wakes the monitor so the first level goes out at once.
/// Errors: `NotFound("visit")`, `Forbidden` (an observation from anyone but the visitors),
/// `Conflict("visit")` for an observation or duress on a visit nobody is out on (a panic is
/// never refused), `Invalid("note")` over 2,000 characters,
/// `Invalid("client_ref")` over 100, `BadRequest("kind")` for a kind only the monitor raises.
pub async fn raise_alarm(
    app: &App,
    me: &Staff,
    visit: VisitId,
    kind: AlarmKind,
    input: &AlarmInput,
    now: DateTime<Utc>,
) -> Result<Raised> {
    raise_alarm_tapped(app, me, visit, kind, input, None, now).await
}

/// [`raise_alarm`] for a tap kept on the phone with no signal and sent later (A6): the alarm is
/// raised at `tapped_at` (UTC, within [`domain::tap::tap_time`]'s bounds), and the time it
/// reached the server, `now`, is kept as the visit event `alarm_received`. Errors as
/// [`raise_alarm`]; `Invalid("tapped_at")` before the visit was signed out or more than 2
/// minutes ahead of `now`.
pub async fn raise_alarm_tapped(
    app: &App,
    me: &Staff,
    visit: VisitId,
    kind: AlarmKind,
    input: &AlarmInput,
    tapped_at: Option<DateTime<Utc>>,
    received: DateTime<Utc>,
) -> Result<Raised> {
    let doing = doing(kind)?;
    // D6: what staff saw at the door is reported by the staff at the door, not their buddy.
    let visit = if kind.is_observation() {
        access::visit_as_visitor(app, me, visit, doing).await?
    } else {
        access::visit_to_act_on(app, me, visit, doing).await?
    };
    // A panic is never refused; a report from the door or a duress code word needs staff out.
    if kind != AlarmKind::Panic && !visit.state.is_out() {
        return Err(Refusal::conflict(
            "visit",
            format!("you can {doing} only while staff are out on the visit"),
        ));
    }
    let now = super::tap_time(app, &visit, tapped_at, received).await?;
    let note = inputs::optional_text("note", input.note.as_deref().unwrap_or(""), 2000)?;
    let client_ref =
        inputs::optional_text("client_ref", input.client_ref.as_deref().unwrap_or(""), 100)?;
    // A panic is never refused for a bad GPS reading: a position off the earth is left out.
    let (latitude, longitude) = match inputs::position(input.latitude, input.longitude, None) {
        Ok(()) => (input.latitude, input.longitude),
        Err(_) => (None, None),
    };
    let detail = serde_json::json!({ "note": note, "latitude": latitude, "longitude": longitude, "raised_by": me.name });
    let request = AlarmRequest {
        kind,
        raised_by: Some(me.id),
        detail,
    };
    let mut tx = app.db().begin().await?;
    let raised = raise_from_phone_in(&mut tx, &visit, &request, client_ref.as_deref(), now).await?;
    if raised.newly_raised {
        let mut e = audit::entry(
            app,
            me,
            &format!("visit.{}", kind.as_str()),
            "visit",
            visit.id.0,
            Some(visit.school_id),
            serde_json::json!({ "alarm_id": raised.alarm_id }),
        );
        e.at = now;
        tx.append_audit(&e).await?;
        if now < received {
            let detail = serde_json::json!({ "alarm_id": raised.alarm_id, "kind": kind.as_str(), "tapped_at": now, "received_at": received });
            tx.add_visit_event(visit.id, "alarm_received", Some(me.id), received, &detail)
                .await?;
        }
    }
    tx.commit().await?;
    if raised.newly_raised {
        tracing::warn!(visit.id = %visit.id, alarm.id = raised.alarm_id, alarm.kind = kind.as_str(), "alarm raised");
        app.wake_monitor();
    }
    Ok(Raised {
        alarm_id: raised.alarm_id,
        newly_raised: raised.newly_raised,
        guidance: kind.guidance(),
    })
}
