//! D9, A6: the Home Visit Slip left when nobody is home — in the school's own words with the
//! time by which the family must respond — and the response that closes it. If no response is
//! recorded by then, the safety monitor fires the slip's deadline and the DSL is alarmed.

use crate::access::{readable_visit_record, visit_to_act_on};
use crate::audit::entry;
use crate::words::{clock_time, long_date};
use crate::{App, Refusal, Result};
use chrono::{DateTime, Utc};
use domain::VisitId;
use domain::monitor::{AlarmKind, AlarmState};
use domain::records::{
    SlipStatus, check_slip_left_at, check_slip_response_at, fill_slip_wording, slip_first_name,
};
use domain::text::{Line, MultiLine};
use serde::{Deserialize, Serialize};
use store::{NewSlip, School, Slip, Staff, Visit};

/// A slip with where it stands now.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SlipView {
    pub slip: Slip,
    /// awaiting_response, answered or deadline_passed
    pub status: &'static str,
    pub pdf: String,
}

pub(super) fn slip_view(slip: Slip, now: DateTime<Utc>) -> SlipView {
    let status = SlipStatus::of(slip.responded_at.is_some(), slip.respond_by, now);
    SlipView {
        pdf: format!("/api/visits/{}/slip.pdf", slip.visit_id),
        slip,
        status: status.as_str(),
    }
}

/// "12:30 on Monday 23 November 2026"
pub(super) fn deadline_words(at: DateTime<Utc>, tz: chrono_tz::Tz) -> String {
    format!("{} on {}", clock_time(at, tz), long_date(at, tz))
}

/// The visit, for the people on it, its buddy and those who see the school's visits; the refusal
/// worded as this area always has.
pub(super) async fn visit_to_move(
    app: &App,
    me: &Staff,
    id: VisitId,
    doing: &str,
) -> Result<Visit> {
    visit_to_act_on(app, me, id, doing)
        .await
        .map_err(|e| match e {
            Refusal::Forbidden(_) => Refusal::forbidden(format!(
                "only the staff on this visit, its buddy or school leaders may {doing}"
            )),
            other => other,
        })
}

#[derive(Debug, Deserialize, utoipa::ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct LeaveSlipInput {
    /// When the slip went through the door; now if left out.
    pub left_at: Option<DateTime<Utc>>,
    /// The time staff wrote on the slip ("BEFORE ____"), when the policy has them write it
    /// (`slip.staff_write_the_deadline`); left out otherwise.
    #[serde(default)]
    pub respond_by: Option<DateTime<Utc>>,
}

/// D9: a Home Visit Slip is left after nobody answered. Its message is the policy's wording with
/// the child's first name only (a neighbour may read it; issue #10 item 6), the school, its phone and the deadline (`slip.response_hours` after `left_at`, the next
/// `slip.respond_by_time` on a school day, or the time staff wrote: see
/// [`domain::policy::SlipRule::respond_by`])
/// filled in; the deadline is armed for the safety monitor. One transaction with the visit event
/// and the audit row (`visit.slip_left`). Errors: `NotFound("visit")`; `Forbidden`;
/// `Conflict("status")` before "nobody home" is recorded; `Conflict("visit")` when a slip was
/// already left; `Invalid("left_at")`; `Invalid("respond_by")` for a written time the policy
/// does not ask for, or none when it does.
pub async fn leave_slip(
    app: &App,
    me: &Staff,
    id: VisitId,
    input: LeaveSlipInput,
) -> Result<SlipView> {
    let visit = visit_to_move(app, me, id, "leave a Home Visit Slip").await?;
    let db = app.db();
    let policy = app.policy_version(visit.policy_version_id).await?;
    let school = db.school(visit.school_id).await?;
    let pupil = db.pupil(visit.pupil_id).await?;
    let now = app.now();
    let mut tx = db.begin().await?;
    tx.lock_visit(visit.id).await?;
    let Some(nobody_home_at) = tx.first_step_at(visit.id, "nobody_home").await? else {
        let status = tx.visit_status(visit.id).await?;
        return Err(Refusal::conflict(
            "status",
            format!(
                "a slip is left when nobody is home; this visit is {status} (record \"nobody home\" first)"
            ),
        ));
    };
    let left_at = input.left_at.unwrap_or(now);
    check_slip_left_at(left_at, nobody_home_at, now)?;
    let tz = policy.settings.tz();
    let respond_by =
        policy
            .settings
            .slip
            .respond_by(&policy.settings, left_at, input.respond_by)?;
    let message = fill_slip_wording(
        &policy.settings.slip.wording,
        slip_first_name(&pupil.name),
        &deadline_words(respond_by, tz),
        &school.name,
        school.phone.as_ref().map(|p| p.as_str()),
    );
    let slip_id = tx
        .create_slip(
            &NewSlip {
                visit: visit.id,
                school: visit.school_id,
                pupil: visit.pupil_id,
                left_at,
                respond_by,
                message: &message,
                left_by: me.id,
            },
            now,
        )
        .await?;
    let detail =
        serde_json::json!({ "slip": slip_id, "pupil": pupil.id, "respond_by": respond_by });
    tx.add_visit_event(visit.id, "slip_left", Some(me.id), now, &detail)
        .await?;
    tx.append_audit(&entry(
        app,
        me,
        "visit.slip_left",
        "visit",
        visit.id.0,
        Some(school.id),
        detail,
    ))
    .await?;
    let slip = tx
        .slip_of_visit(visit.id)
        .await?
        .ok_or_else(|| Refusal::internal("the slip just stored is missing"))?;
    tx.commit().await?;
    Ok(slip_view(slip, now))
}

/// The visit's slip for a reader of the child's record (A9), the read audited as `action`.
/// Errors: `NotFound("visit")` for anyone else; `NotFound("Home Visit Slip")` when none was left.
pub(super) async fn readable_slip(
    app: &App,
    me: &Staff,
    id: VisitId,
    action: &str,
) -> Result<(Visit, Slip, School)> {
    let (visit, pupil, school) = readable_visit_record(app, me, id).await?;
    let slip = app
        .db()
        .slip_of_visit(visit.id)
        .await?
        .ok_or_else(|| Refusal::not_found("Home Visit Slip"))?;
    let e = entry(
        app,
        me,
        action,
        "visit",
        visit.id.0,
        Some(school.id),
        serde_json::json!({ "pupil": pupil.id, "slip": slip.id }),
    );
    app.db().append_audit(&e).await?;
    Ok((visit, slip, school))
}

/// The visit's slip and whether the family has responded (A9; audited as `slip.read`).
pub async fn slip(app: &App, me: &Staff, id: VisitId) -> Result<SlipView> {
    let (_, slip, _) = readable_slip(app, me, id, "slip.read").await?;
    Ok(slip_view(slip, app.now()))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResponseInput {
    /// Who got in touch, and how ("Jo Smith (mother) rang the office").
    pub from: Line<300>,
    #[serde(default, deserialize_with = "domain::text::blank_as_none")]
    pub note: Option<MultiLine<2000>>,
    /// When they got in touch; now if left out.
    pub responded_at: Option<DateTime<Utc>>,
}

/// A6: the family responded. The slip is closed and its deadline disarmed in one transaction
/// with the visit event and the audit row (`visit.slip_answered`); then, if the DSL was already
/// alarmed, that alarm is resolved and everyone alerted is told. The office may record it
/// without reading the child's record. Errors: `NotFound("visit")`; `Forbidden`;
/// `NotFound("Home Visit Slip")`; `Invalid` for `from`, `note`, `responded_at`;
/// `Conflict("slip")` when a response is already recorded.
pub async fn record_slip_response(
    app: &App,
    me: &Staff,
    id: VisitId,
    input: ResponseInput,
) -> Result<SlipView> {
    let visit = visit_to_move(app, me, id, "record a response to the slip").await?;
    let now = app.now();
    let mut tx = app.db().begin().await?;
    tx.lock_visit(visit.id).await?;
    let slip = tx
        .slip_of_visit(visit.id)
        .await?
        .ok_or_else(|| Refusal::not_found("Home Visit Slip"))?;
    let from = input.from.to_string();
    let note = input.note.as_deref().map(str::to_string);
    let responded_at = input.responded_at.unwrap_or(now);
    check_slip_response_at(responded_at, slip.left_at, now)?;
    tx.record_slip_response(&slip, &from, note.as_deref(), responded_at, me.id)
        .await?;
    let detail = serde_json::json!({ "slip": slip.id, "pupil": visit.pupil_id, "after_deadline": responded_at > slip.respond_by });
    tx.add_visit_event(visit.id, "slip_answered", Some(me.id), now, &detail)
        .await?;
    tx.append_audit(&entry(
        app,
        me,
        "visit.slip_answered",
        "visit",
        visit.id.0,
        Some(visit.school_id),
        detail,
    ))
    .await?;
    let answered = tx
        .slip_of_visit(visit.id)
        .await?
        .ok_or_else(|| Refusal::internal("the slip just answered is missing"))?;
    tx.commit().await?;
    // The DSL may already have been alarmed: close that too, telling everyone it reached. Each
    // resolution is the alarm's own transaction (the ladder's use case).
    let open = app
        .db()
        .alarms_of_visit(visit.id)
        .await?
        .into_iter()
        .filter(|a| a.kind == AlarmKind::SlipDeadlinePassed && a.state != AlarmState::Resolved);
    for alarm in open {
        let outcome = format!("The family responded to the Home Visit Slip: {from}.");
        crate::resolve(app.db(), alarm.id, me, &outcome, now).await?;
        app.wake_monitor();
    }
    Ok(slip_view(answered, now))
}
