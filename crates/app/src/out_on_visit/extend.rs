//! "Need more time" and the buddy's hand-over: both change the watch of a visit that is out, so
//! both read the watch inside the transaction that writes it (the visit row locked on
//! PostgreSQL). A visit that came back meanwhile is refused, and its watch and deadlines stay
//! gone: no false overdue alarm.

use crate::alarms;
use crate::watch::{store_deadlines, timeline};
use crate::{App, Refusal, Result, access, audit};
use chrono::{DateTime, Utc};
use domain::monitor::{self, AlarmKind};
use domain::{FieldError, StaffId, VisitId, inputs};
use store::{NewCheckIn, Staff, Tx, Visit, Watch};

/// D8: more time, with a reason.
#[derive(Debug, Clone, Default)]
pub struct ExtendInput {
    /// Minutes to add (1 to 240); `None` takes the policy's one-tap extension (15 in the presets).
    pub minutes: Option<u32>,
    pub reason: String,
    /// The phone's id for this tap: sent again, it is applied once.
    pub client_ref: Option<String>,
}

/// The times the visitors are now expected (UTC).
#[derive(Debug, Clone)]
pub struct Extended {
    /// Expected to leave the property by; `None` when the visit has no such time any more.
    pub leave_property_by: Option<DateTime<Utc>>,
    pub back_by: DateTime<Utc>,
    /// The watch as written.
    pub watch: Watch,
}

fn refuse_unless_out(visit: &Visit) -> Result<()> {
    if visit.state.is_out() {
        Ok(())
    } else {
        Err(Refusal::not_out(format!(
            "this visit is {}; check-ins are for staff who are out",
            visit.status
        )))
    }
}

/// The watch as it stands in `tx` (visit row locked on PostgreSQL); a conflict when the visit
/// is no longer out (it came back, or was never signed out).
async fn watch_in(tx: &mut Tx, visit: &Visit) -> Result<Watch> {
    tx.watch_locked(visit.id).await?.ok_or_else(|| {
        Refusal::not_out("this visit is no longer out: staff are back, so nothing was changed")
    })
}

/// D8: "need more time", with a reason: moves leaving and return by the same amount and counts
/// as contact. Open missed-check-in and overdue alarms are resolved with the reason. Written with
/// its audit row ("visit.extend") in one transaction.
/// Errors: `NotFound("visit")`, `Forbidden` unless one of the visiting staff, `Invalid("minutes")` outside 1–240,
/// `Invalid("reason")` when empty, `Conflict("status")` when staff are not out (also when they
/// came back while this was being written).
pub async fn extend(
    app: &App,
    me: &Staff,
    visit: VisitId,
    input: &ExtendInput,
    now: DateTime<Utc>,
) -> Result<Extended> {
    let visit = access::visit_as_visitor(app, me, visit, "ask for more time").await?;
    let policy = app.policy_version(visit.policy_version_id).await?;
    let minutes = input
        .minutes
        .unwrap_or(policy.settings.check_in.extend_minutes);
    if minutes == 0 || minutes > 240 {
        return Err(FieldError::new("minutes", "add between 1 and 240 minutes").into());
    }
    let reason = inputs::text("reason", &input.reason, 1000)?;
    refuse_unless_out(&visit)?;
    let mut tx = app.db().begin().await?;
    let w = watch_in(&mut tx, &visit).await?;
    let recorded = tx
        .record_check_in(&NewCheckIn {
            visit: visit.id,
            staff: Some(me.id),
            kind: domain::monitor::CheckInKind::Extend,
            at: now,
            note: Some(&reason),
            latitude: None,
            longitude: None,
            accuracy_m: None,
            client_ref: input.client_ref.as_deref(),
        })
        .await?;
    let w = if recorded.is_none() {
        // The phone sent this tap before; it was applied (and audited) then.
        w
    } else {
        let moved = monitor::extend(&timeline(&visit, &w), minutes, now);
        let w = Watch {
            last_contact_at: moved.last_contact,
            extended_until: moved.extended_until,
            ..w
        };
        tx.put_watch(&w).await?;
        store_deadlines(&mut tx, &visit, &w, &policy.settings).await?;
        let note = format!("Extended by {minutes} minutes: {reason}");
        for kind in AlarmKind::OVERDUE {
            alarms::resolve_open_of_kind(&mut tx, &visit, kind, Some(me.id), &note, now).await?;
        }
        let detail = serde_json::json!({ "minutes": minutes, "reason": reason });
        let mut e = audit::entry(
            app,
            me,
            "visit.extend",
            "visit",
            visit.id.0,
            Some(visit.school_id),
            detail,
        );
        e.at = now;
        tx.append_audit(&e).await?;
        w
    };
    tx.commit().await?;
    let shift = w
        .extended_until
        .map(|e| e - visit.planned_leave_property)
        .unwrap_or_default()
        .max(chrono::Duration::zero());
    Ok(Extended {
        leave_property_by: w.extended_until,
        back_by: visit.planned_return + shift,
        watch: w,
    })
}

/// The buddy leaves site: hands the visit to a named colleague (`to`), or with `None` records
/// that the buddy has gone, so the board shows the visit as unwatched and the ladder uses the
/// office. The visit's buddy becomes `to` (none when nobody takes over): the new buddy reads the
/// visit and its code word, raises duress and shows on Today; the one who left no longer does.
/// Written with the watch's change and its audit row ("visit.buddy_handover", with the buddy
/// before and after) in one transaction.
/// Errors: `NotFound("visit")`, `Forbidden`, `Invalid("to_staff_id")` for nobody by that id or
/// someone not at the school or already on the visit, `Conflict("status")` when staff are not
/// out (also when they came back meanwhile).
pub async fn hand_over_buddy(
    app: &App,
    me: &Staff,
    visit: VisitId,
    to: Option<StaffId>,
    now: DateTime<Utc>,
) -> Result<Watch> {
    let visit = access::visit_to_act_on(app, me, visit, "hand over the buddy role").await?;
    let to = match to {
        Some(id) => {
            let next = app
                .db()
                .staff(id)
                .await
                .map_err(Refusal::from)
                .map_err(access::unknown("to_staff_id", "no such member of staff"))?;
            if next.school_id != Some(visit.school_id)
                || visit.staff.iter().any(|s| s.staff_id == next.id)
            {
                return Err(FieldError::new(
                    "to_staff_id",
                    "must be a colleague at school who is not on the visit",
                )
                .into());
            }
            Some(next.id)
        }
        None => None,
    };
    refuse_unless_out(&visit)?;
    let mut tx = app.db().begin().await?;
    let w = watch_in(&mut tx, &visit).await?;
    let w = match to {
        Some(next) => Watch {
            buddy_staff_id: Some(next.0),
            buddy_left_at: None,
            ..w
        },
        None => Watch {
            buddy_left_at: Some(now),
            ..w
        },
    };
    tx.put_watch(&w).await?;
    // The visit's buddy is the one value access, the code word, duress and Today read: it moves
    // with the watch, so the new buddy has all of it and the one who left none of it.
    tx.set_visit_buddy(visit.id, to, now).await?;
    let detail = serde_json::json!({
        "from_staff_id": visit.buddy_staff_id,
        "to_staff_id": to.map(|s| s.0),
    });
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
    tx.commit().await?;
    Ok(w)
}
