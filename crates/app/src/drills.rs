//! Practice alarms (drills, #11 item 9): the head or the DSL starts one on a visit that is out;
//! it is an ordinary alarm row marked `drill`, so the monitor climbs the school's real ladder
//! over its real channels with the same code as a real alarm ([`crate::alarms`]). Every message
//! starts with "DRILL" ([`crate::messages::drill`]); the police-contact rung goes to the same
//! school staff the policy names but never carries the real information pack (a drill is never
//! read to the police). People acknowledge it on the board as they would a real alarm; the head
//! or DSL ends it. The drill report (per rung: sent, acknowledged, how long) is for governors.
//!
//! Drills are left out of the governors' report's real alarm figures and are never answered by
//! a check-in. Who may start, end and read is decided in [`crate::access::may_run_drills`] and
//! [`crate::access::drill_report_school`]; start, acknowledge and end are audited
//! (`drill.start`, `drill.acknowledge`, `drill.end`), reading the report too (`drill.report.read`).

mod report;

pub use report::{DrillLine, DrillReport, DrillRung, report, report_for};

use crate::alarms::{self, AlarmRequest};
use crate::{App, Refusal, Result, access, audit};
use chrono::{DateTime, Utc};
use domain::monitor::AlarmKind;
use domain::{SchoolId, VisitId};
use serde::Deserialize;
use store::Staff;

/// The alarm kind a drill plays: a missed check-in climbs every rung of the policy's ladder in
/// turn, so each rung's people and channels are exercised.
pub const DRILL_KIND: AlarmKind = AlarmKind::MissedCheckIn;

/// What starting a drill names: the visit (it must be out: signed out and not back).
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StartDrill {
    pub visit_id: i64,
}

/// Starts a drill on a visit that is out: the school's ladder for a missed check-in begins now
/// (its first rung goes out on the monitor's next pass, which is woken at once), every message
/// marked DRILL. Returns the drill's alarm id. Audited (`drill.start`) in the same transaction.
/// Errors: `Invalid("visit_id")` for a visit the person cannot see or one that is not out;
/// `Forbidden` unless the head or DSL of the visit's school.
pub async fn start(app: &App, me: &Staff, input: &StartDrill, now: DateTime<Utc>) -> Result<i64> {
    let visit = access::visible_visit(app, me, VisitId(input.visit_id))
        .await
        .map_err(access::unknown("visit_id", "there is no such visit"))?;
    access::may_run_drills(me, visit.school_id)?;
    if app.db().watch(visit.id).await?.is_none() {
        return Err(Refusal::invalid(
            "visit_id",
            "this visit is not out: a drill runs on a visit that has signed out and is not back",
        ));
    }
    let req = AlarmRequest {
        kind: DRILL_KIND,
        raised_by: Some(me.id),
        detail: serde_json::json!({ "drill": true, "started_by": me.name }),
    };
    let mut tx = app.db().begin().await?;
    let id = alarms::raise_in(&mut tx, &visit, &req, now)
        .await?
        .ok_or_else(|| Refusal::conflict("visit_id", "a drill was just started on this visit"))?;
    tx.mark_alarm_drill(id).await?;
    let mut e = audit::entry(
        app,
        me,
        "drill.start",
        "alarm",
        id,
        Some(visit.school_id),
        serde_json::json!({ "visit_id": visit.id.0 }),
    );
    e.at = now;
    tx.append_audit(&e).await?;
    tx.commit().await?;
    app.wake_monitor();
    Ok(id)
}

/// Ends a drill: it is resolved ("Drill ended by …"), its ladder stops and everyone it reached
/// is told (marked DRILL). Audited (`drill.end`) in the same transaction.
/// Errors: `NotFound("drill")` for no such drill (or a real alarm); `Forbidden` unless the head
/// or DSL of its school; `Conflict("drill")` when it has already ended.
pub async fn end(app: &App, me: &Staff, id: i64, now: DateTime<Utc>) -> Result<()> {
    let alarm = access::found(app.db().alarm(id).await)?
        .filter(|a| a.drill)
        .ok_or_else(|| Refusal::not_found("drill"))?;
    access::may_run_drills(me, SchoolId(alarm.school_id))?;
    let mut tx = app.db().begin().await?;
    let outcome = format!("Drill ended by {}", me.name);
    alarms::resolve_in(&mut tx, alarm.id, me, &outcome, now)
        .await
        .map_err(|e| match e {
            Refusal::Conflict { .. } => Refusal::conflict("drill", "this drill has already ended"),
            other => other,
        })?;
    let mut e = audit::entry(
        app,
        me,
        "drill.end",
        "alarm",
        alarm.id,
        Some(SchoolId(alarm.school_id)),
        serde_json::json!({}),
    );
    e.at = now;
    tx.append_audit(&e).await?;
    tx.commit().await?;
    app.wake_monitor();
    Ok(())
}
