//! Practice alarms (drills, #11 item 9): the head or the DSL starts one on a visit that is out,
//! or on a practice visit ([`practice`]: chosen staff and a buddy, no pupil, no household, no
//! address, never in any list of real visits), practising the alarm kind they choose; it is an ordinary alarm row marked `drill`, so the monitor climbs the school's real ladder
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

mod practice;
mod report;

pub use practice::PracticeDrill;
pub use report::{DrillLine, DrillReport, DrillRung, report, report_for};

use crate::alarms::{self, AlarmRequest};
use crate::{App, Refusal, Result, access, audit};
use chrono::{DateTime, Utc};
use domain::monitor::AlarmKind;
use domain::{SchoolId, VisitId};
use serde::Deserialize;
use store::Staff;

/// The alarm kind a drill plays when none is chosen: a missed check-in climbs every rung of the
/// policy's ladder in turn, so each rung's people and channels are exercised.
pub const DRILL_KIND: AlarmKind = AlarmKind::MissedCheckIn;

/// The alarm kinds a drill may practise (#11 item 9): those the people out raise or the monitor
/// raises about the staff themselves. The child-related kinds (D6) and the slip deadline are
/// about a real child and are not practised.
pub const DRILL_KINDS: [AlarmKind; 5] = [
    AlarmKind::MissedCheckIn,
    AlarmKind::Panic,
    AlarmKind::OverdueReturn,
    AlarmKind::OverdueLeaving,
    AlarmKind::Duress,
];

/// What starting a drill names: either a real visit that is out (`visit_id`), or a practice
/// visit (`practice`), and the alarm `kind` to practise (one of [`DRILL_KINDS`] by its stored
/// name, e.g. `"panic"`; missed check-in when left out).
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StartDrill {
    #[serde(default)]
    pub visit_id: Option<i64>,
    #[serde(default)]
    pub practice: Option<PracticeDrill>,
    /// `missed_check_in` (the default), `panic`, `overdue_return`, `overdue_leaving` or `duress`.
    #[serde(default)]
    pub kind: Option<String>,
}

/// The alarm kind `kind` names, in a school's words when it is not one a drill may practise.
/// Errors: `Invalid("kind")`.
pub fn drill_kind(kind: Option<&str>) -> Result<AlarmKind> {
    let Some(kind) = kind.map(str::trim).filter(|k| !k.is_empty()) else {
        return Ok(DRILL_KIND);
    };
    DRILL_KINDS
        .into_iter()
        .find(|k| k.as_str() == kind)
        .ok_or_else(|| {
            let words: Vec<&str> = DRILL_KINDS.iter().map(|k| k.label()).collect();
            Refusal::invalid(
                "kind",
                format!(
                    "a drill practises one of these alarms: {}",
                    words.join(", ")
                ),
            )
        })
}

/// Starts a drill: on a real visit that is out (`visit_id`) or on a new practice visit
/// (`practice`, see [`practice::start`]). The school's ladder for the chosen kind begins now
/// (its first rung goes out on the monitor's next pass, which is woken at once), every message
/// marked DRILL. Returns the drill's alarm id. Audited (`drill.start`) in the same transaction.
/// Errors: `Invalid("visit_id")` for a visit the person cannot see, one that is not out, or
/// neither a visit nor a practice visit named; `Invalid("practice")` for both; `Invalid("kind")`;
/// `Forbidden` unless the head or DSL of the school; the practice visit's errors.
pub async fn start(app: &App, me: &Staff, input: &StartDrill, now: DateTime<Utc>) -> Result<i64> {
    let visit_id = match (input.visit_id, &input.practice) {
        (Some(_), Some(_)) => {
            return Err(Refusal::invalid(
                "practice",
                "choose either a visit that is out or a practice visit, not both",
            ));
        }
        (None, Some(practice)) => return practice::start(app, me, practice, input, now).await,
        (None, None) => {
            access::may_run_drills(me, me.school_id.unwrap_or(SchoolId(0)))?;
            return Err(Refusal::invalid(
                "visit_id",
                "choose a visit that is out, or a practice visit",
            ));
        }
        (Some(id), None) => id,
    };
    let visit = access::visible_visit(app, me, VisitId(visit_id))
        .await
        .map_err(access::unknown("visit_id", "there is no such visit"))?;
    access::may_run_drills(me, visit.school_id)?;
    let kind = drill_kind(input.kind.as_deref())?;
    if app.db().watch(visit.id).await?.is_none() {
        return Err(Refusal::invalid(
            "visit_id",
            "this visit is not out: a drill runs on a visit that has signed out and is not back",
        ));
    }
    let req = AlarmRequest {
        kind,
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
        serde_json::json!({ "visit_id": visit.id.0, "kind": kind.as_str() }),
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
    if let Some(practice) = alarm.practice_visit_id {
        tx.end_practice_visit(practice, now).await?;
    }
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
