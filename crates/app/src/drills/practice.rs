//! A drill on a practice visit (#11 item 9): the head or DSL chooses practice visitors (staff of
//! the school) and a buddy; Doorstep records a practice visit (no pupil, no household, no
//! address) and raises the drill on it. A practice visit is kept apart from real visits, so the
//! chronology, the governors' report, exports and calendar feeds never show it; the monitor
//! still climbs the school's real ladder over its real channels for it, every message marked
//! DRILL and worded "Practice visit (drill)". Ending the drill ends the practice visit.

use super::{StartDrill, drill_kind};
use crate::{App, Refusal, Result, access, audit};
use chrono::{DateTime, Utc};
use domain::{SchoolId, StaffId};
use serde::Deserialize;
use store::{NewAlarm, Staff};

/// The practice visit a drill runs on: its visitors and its buddy, staff of the school.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PracticeDrill {
    /// The practice visitors (staff ids of the school, at least one).
    #[serde(default)]
    pub visitor_ids: Vec<i64>,
    /// The buddy (a member of staff of the school who is not one of the visitors).
    #[serde(default)]
    pub buddy_staff_id: Option<i64>,
}

/// The most practice visitors a practice visit takes (a visit is at most six staff).
const MOST_VISITORS: usize = 6;

/// Starts a drill on a new practice visit at the person's own school. Returns the drill's alarm
/// id. The practice visit, the alarm and the audit row (`drill.start`) are written in one
/// transaction. Errors: `Forbidden` unless the head or DSL; `Invalid("practice.visitor_ids")`
/// for none or too many, `Invalid("practice.visitor_ids[i]")` for one who is not active staff
/// of the school or is named twice, `Invalid("practice.buddy_staff_id")` for no buddy, one who
/// is not active staff of the school or is a visitor; `Invalid("kind")`.
pub async fn start(
    app: &App,
    me: &Staff,
    input: &PracticeDrill,
    drill: &StartDrill,
    now: DateTime<Utc>,
) -> Result<i64> {
    let school = me.school_id.unwrap_or(SchoolId(0));
    access::may_run_drills(me, school)?;
    let kind = drill_kind(drill.kind.as_deref())?;
    let (visitors, buddy) = checked(app, school, input).await?;
    let mut tx = app.db().begin().await?;
    let practice = tx
        .create_practice_visit(school, &visitors, Some(buddy), me.id, now)
        .await?;
    let key = format!("practice:{practice}:{}", kind.as_str());
    let id = tx
        .raise_alarm(&NewAlarm {
            school,
            visit: None,
            kind,
            dedupe_key: &key,
            raised_at: now,
            raised_by: Some(me.id),
            detail: serde_json::json!({ "drill": true, "practice": true, "started_by": me.name }),
            next_level: 0,
            next_level_at: Some(now),
        })
        .await?
        .ok_or_else(|| Refusal::conflict("practice", "this practice drill was just started"))?;
    tx.mark_alarm_drill(id).await?;
    tx.set_alarm_practice_visit(id, practice).await?;
    let mut e = audit::entry(
        app,
        me,
        "drill.start",
        "alarm",
        id,
        Some(school),
        serde_json::json!({ "practice_visit_id": practice, "kind": kind.as_str() }),
    );
    e.at = now;
    tx.append_audit(&e).await?;
    tx.commit().await?;
    app.wake_monitor();
    Ok(id)
}

/// The practice visitors and buddy, each active staff of the school, the buddy not a visitor.
async fn checked(
    app: &App,
    school: SchoolId,
    input: &PracticeDrill,
) -> Result<(Vec<StaffId>, StaffId)> {
    if input.visitor_ids.is_empty() {
        return Err(Refusal::invalid(
            "practice.visitor_ids",
            "choose at least one member of staff to go on the practice visit",
        ));
    }
    if input.visitor_ids.len() > MOST_VISITORS {
        return Err(Refusal::invalid(
            "practice.visitor_ids",
            format!("a practice visit takes at most {MOST_VISITORS} members of staff"),
        ));
    }
    let mut visitors = Vec::new();
    for (i, id) in input.visitor_ids.iter().enumerate() {
        let field = format!("practice.visitor_ids[{i}]");
        if !is_staff_of(app, school, *id).await? {
            return Err(Refusal::invalid(
                field,
                "there is no member of staff of your school with this id",
            ));
        }
        if visitors.contains(&StaffId(*id)) {
            return Err(Refusal::invalid(
                field,
                "this member of staff is already on the practice visit",
            ));
        }
        visitors.push(StaffId(*id));
    }
    let field = "practice.buddy_staff_id";
    let Some(buddy) = input.buddy_staff_id else {
        return Err(Refusal::invalid(
            field,
            "choose a buddy at school for the practice visit",
        ));
    };
    if !is_staff_of(app, school, buddy).await? {
        return Err(Refusal::invalid(
            field,
            "there is no member of staff of your school with this id",
        ));
    }
    if visitors.contains(&StaffId(buddy)) {
        return Err(Refusal::invalid(
            field,
            "the buddy stays at school: choose someone who is not on the practice visit",
        ));
    }
    Ok((visitors, StaffId(buddy)))
}

async fn is_staff_of(app: &App, school: SchoolId, id: i64) -> Result<bool> {
    let found = access::found(app.db().staff(StaffId(id)).await)?;
    Ok(found.is_some_and(|s| s.active && s.school_id == Some(school)))
}
