//! "Need more time" (and the buddy's hand-over, in [`super::hand_over`]): both change the watch of a visit that is out, so
//! both read the watch inside the transaction that writes it (the visit row locked on
//! PostgreSQL). A visit that came back meanwhile is refused, and its watch and deadlines stay
//! gone: no false overdue alarm.

use crate::alarms;
use crate::watch::{store_deadlines, timeline};
use crate::{App, Refusal, Result, access, audit};
use chrono::{DateTime, Utc};
use domain::monitor::{self, AlarmKind};
use domain::{FieldError, VisitId, inputs};
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

pub(super) fn refuse_unless_out(visit: &Visit) -> Result<()> {
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
pub(super) async fn watch_in(tx: &mut Tx, visit: &Visit) -> Result<Watch> {
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
