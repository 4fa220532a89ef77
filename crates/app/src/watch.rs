//! Watching a visit while staff are out: the watch row and its deadlines, kept in step with each
//! step of the visit; check-ins in [`check_in`].

mod check_in;
pub mod duress_pin;

pub use check_in::{
    CheckInInput, CheckInOutcome, PreparedCheckIn, apply_check_in, apply_check_ins, check_in,
    prepare_check_in,
};

use crate::Result;
use crate::alarms;
use chrono::{DateTime, Utc};
use domain::StaffId;
use domain::monitor::{self, AlarmKind, Timeline};
use domain::policy::PolicySettings;
use domain::visit::VisitState;
use store::{Db, NewDeadline, Tx, Visit, Watch};

pub(crate) fn timeline(visit: &Visit, w: &Watch) -> Timeline {
    Timeline {
        planned_arrive: visit.planned_arrive,
        planned_leave_property: visit.planned_leave_property,
        planned_return: visit.planned_return,
        last_contact: w.last_contact_at,
        extended_until: w.extended_until,
        arrived: w.arrived,
        left_property: w.left_property,
    }
}

pub(crate) async fn store_deadlines(
    tx: &mut Tx,
    visit: &Visit,
    w: &Watch,
    policy: &PolicySettings,
) -> Result<()> {
    let due = monitor::deadlines(&policy.check_in, &timeline(visit, w));
    let rows: Vec<NewDeadline> = due
        .iter()
        .map(|d| NewDeadline {
            kind: d.kind.as_str(),
            due_at: d.due_at,
            fires_at: d.fires_at,
            remind_at: d.remind_at,
        })
        .collect();
    tx.set_deadlines(visit.id, visit.school_id, &rows).await?;
    Ok(())
}

/// [`after_step_in`] for callers that still pass the pool; `_db` is not used.
#[allow(clippy::too_many_arguments)] // each is a distinct input of the step; a struct would only rename them
pub async fn after_step(
    tx: &mut Tx,
    _db: &Db,
    visit: &Visit,
    watch: Option<Watch>,
    next: &VisitState,
    policy: &PolicySettings,
    actor: Option<StaffId>,
    now: DateTime<Utc>,
) -> Result<()> {
    after_step_in(tx, visit, watch, next, policy, actor, now).await
}

/// Keeps the watch and deadlines in step with a visit step, in the step's own transaction.
/// `watch` is the watch as it was before the step (read in the same transaction).
pub async fn after_step_in(
    tx: &mut Tx,
    visit: &Visit,
    watch: Option<Watch>,
    next: &VisitState,
    policy: &PolicySettings,
    actor: Option<StaffId>,
    now: DateTime<Utc>,
) -> Result<()> {
    let fresh = || Watch {
        visit_id: visit.id.0,
        school_id: visit.school_id.0,
        signed_out_at: now,
        last_contact_at: now,
        extended_until: None,
        arrived: false,
        left_property: false,
        last_latitude: None,
        last_longitude: None,
        buddy_staff_id: visit.buddy_staff_id,
        buddy_left_at: None,
    };
    let mut w = match next {
        VisitState::SignedOut { .. } => fresh(),
        // Back from a visit called off at the door: finished like any return.
        VisitState::Returned { .. }
        | VisitState::CancelledAtDoor {
            returned_at: Some(_),
            ..
        }
        | VisitState::TurnedBack {
            returned_at: Some(_),
            ..
        } => {
            tx.end_watch(visit.id).await?;
            let at_home = matches!(next, VisitState::Returned { at_home: true, .. });
            let outcome = if at_home {
                "home safely"
            } else {
                "back at school"
            };
            for kind in AlarmKind::OVERDUE {
                alarms::resolve_open_of_kind(
                    tx,
                    visit,
                    kind,
                    actor,
                    &format!("Staff are {outcome}."),
                    now,
                )
                .await?;
            }
            return Ok(());
        }
        _ if !next.is_out() => return Ok(()),
        _ => watch.unwrap_or_else(fresh),
    };
    w.last_contact_at = now;
    match next {
        VisitState::Arrived { .. } | VisitState::NobodyHome { .. } => w.arrived = true,
        // Called off at the door: they walk away now, so the return deadline applies.
        VisitState::LeftProperty { .. } | VisitState::CancelledAtDoor { .. } => {
            w.arrived = true;
            w.left_property = true;
        }
        // A9: turned back on the way: nothing is due at the house any more, getting back is.
        VisitState::TurnedBack { .. } => w.left_property = true,
        _ => {}
    }
    tx.put_watch(&w).await?;
    store_deadlines(tx, visit, &w, policy).await?;
    if w.arrived {
        alarms::resolve_open_of_kind(
            tx,
            visit,
            AlarmKind::OverdueArrival,
            actor,
            "Staff have arrived.",
            now,
        )
        .await?;
    }
    if matches!(
        next,
        VisitState::LeftProperty { .. }
            | VisitState::CancelledAtDoor { .. }
            | VisitState::TurnedBack { .. }
    ) {
        alarms::resolve_open_of_kind(
            tx,
            visit,
            AlarmKind::OverdueLeaving,
            actor,
            "Staff have left the property.",
            now,
        )
        .await?;
    }
    alarms::resolve_open_of_kind(
        tx,
        visit,
        AlarmKind::MissedCheckIn,
        actor,
        "Staff have been in touch.",
        now,
    )
    .await?;
    Ok(())
}
