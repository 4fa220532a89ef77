//! Planning a visit: a new draft, a change to a draft (or to a plan the authoriser sent back),
//! and a cancelled or declined visit planned again at new times (A7). Each is one transaction:
//! the plan's reads, its writes, the visit's event and the audit row.

use super::plan::{self, AppointmentInput, VisitPlanInput, VisitorInput, pupil_in_scope};
use super::read::{VisitDetail, detail};
use crate::access::{visible_visit, visit_to_act_on};
use crate::{App, Refusal, Result, audit};
use chrono::{DateTime, Utc};
use domain::text::Text;
use domain::visit::{ReturnsTo, VisitStep, apply};
use domain::{FieldError, VisitId};
use serde::Deserialize;
use serde_json::json;
use store::{Staff, Visit};

/// Plans a visit (a draft) about a pupil of the person's school. The answer carries every rule
/// still unmet for the request. Errors: `Invalid` naming the first field that is wrong.
pub async fn create(app: &App, me: &Staff, input: VisitPlanInput) -> Result<VisitDetail> {
    let pupil = pupil_in_scope(app, me, input.pupil_id).await?;
    let now = app.now();
    let mut tx = app.db().begin().await?;
    let checked = plan::check(&mut tx, pupil, &input, None, now).await?;
    let id = tx
        .create_visit(&checked.as_new_visit(&input, None), me.id, now)
        .await?;
    tx.add_visit_event(id, "planned", Some(me.id), now, &json!({}))
        .await?;
    tx.append_audit(&audit::entry(
        app,
        me,
        "visit.create",
        "visit",
        id.0,
        Some(checked.school),
        json!({ "pupil": checked.pupil.id }),
    ))
    .await?;
    tx.commit().await?;
    let visit = app.db().visit(id).await?;
    detail(app, me, visit).await
}

/// A changed plan, naming the revision it was made from.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateVisitInput {
    /// The revision you edited, so two people's changes cannot silently overwrite each other.
    pub revision: i64,
    #[serde(flatten)]
    pub plan: VisitPlanInput,
}

fn editable(visit: &Visit) -> Result<()> {
    if visit.state.is_editable() {
        Ok(())
    } else {
        Err(Refusal::conflict(
            "status",
            format!("a visit that is {} can no longer be changed", visit.status),
        ))
    }
}

/// Changes a draft, or a plan the authoriser asked to change. Someone not on the visit who
/// leaves the code word out keeps it (they never saw it, P5), unless they put themselves on the
/// visit: then it is cleared, so joining a visit never reveals the word agreed before. Errors: `NotFound("visit")`;
/// `Conflict("status")` once requested; `Invalid` naming a wrong field (`pupil_id` for another
/// pupil); `Conflict("revision")` when someone else changed the visit since `revision`.
pub async fn update(
    app: &App,
    me: &Staff,
    id: VisitId,
    input: UpdateVisitInput,
) -> Result<VisitDetail> {
    let seen = visible_visit(app, me, id).await?;
    editable(&seen)?;
    let pupil = pupil_in_scope(app, me, input.plan.pupil_id).await?;
    let now = app.now();
    let mut tx = app.db().begin().await?;
    tx.lock_visit(id).await?;
    let visit = tx.visit(id).await?;
    editable(&visit)?;
    let mut checked = plan::check(&mut tx, pupil, &input.plan, Some(visit.id), now).await?;
    // P5: someone who could not see the code word keeps it by leaving it out; but one who puts
    // themselves on the visit would be shown it from then on, so it is cleared and the
    // visiting staff agree a new one (Harton: "agree a code word").
    let joins = input.plan.visitors.iter().any(|v| v.staff_id == me.id.0)
        || input.plan.buddy_staff_id == Some(me.id.0);
    if checked.code_word.is_none() && !visit.involves(me.id) && !joins {
        checked.code_word = visit.code_word.clone();
    }
    if checked.pupil.id != visit.pupil_id {
        return Err(FieldError::new("pupil_id", "plan a new visit for a different pupil").into());
    }
    tx.replace_visit_plan(
        visit.id,
        input.revision,
        &checked.as_new_visit(&input.plan, None),
        now,
    )
    .await?;
    tx.add_visit_event(visit.id, "plan_changed", Some(me.id), now, &json!({}))
        .await?;
    tx.append_audit(&audit::entry(
        app,
        me,
        "visit.update",
        "visit",
        id.0,
        Some(visit.school_id),
        json!({}),
    ))
    .await?;
    tx.commit().await?;
    let visit = app.db().visit(visit.id).await?;
    detail(app, me, visit).await
}

/// The new times of a visit planned again (UTC).
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RescheduleInput {
    pub planned_leave_school: DateTime<Utc>,
    pub planned_arrive: DateTime<Utc>,
    pub planned_leave_property: DateTime<Utc>,
    pub planned_return: DateTime<Utc>,
}

/// A7: a new draft visit with the same plan at new times, linked to this one, which becomes
/// rescheduled. Errors: `IllegalStep` unless requested, authorised, cancelled or declined;
/// `Invalid` for times out of order or out of range.
pub async fn reschedule(
    app: &App,
    me: &Staff,
    id: VisitId,
    input: RescheduleInput,
) -> Result<VisitDetail> {
    let seen = visit_to_act_on(app, me, id, "reschedule this visit").await?;
    // A visit's pupil never changes, so the new plan's pupil is known before the transaction.
    let pupil = pupil_in_scope(app, me, seen.pupil_id.0).await?;
    let now = app.now();
    let mut tx = app.db().begin().await?;
    tx.lock_visit(seen.id).await?;
    let old = tx.visit(seen.id).await?;
    // Refuse before writing anything: the placeholder id is replaced once the new visit exists.
    let placeholder = VisitStep::Reschedule {
        new_visit: VisitId(0),
    };
    apply(&old.state, placeholder, now)?;
    let plan_input = same_plan(&old, &input)?;
    let checked = plan::check(&mut tx, pupil, &plan_input, None, now).await?;
    let new_id = tx
        .create_visit(&checked.as_new_visit(&plan_input, Some(old.id)), me.id, now)
        .await?;
    let next = apply(&old.state, VisitStep::Reschedule { new_visit: new_id }, now)?;
    tx.set_visit_state(old.id, old.revision, &next, now).await?;
    tx.add_visit_event(
        old.id,
        "rescheduled",
        Some(me.id),
        now,
        &json!({ "new_visit": new_id }),
    )
    .await?;
    tx.add_visit_event(
        new_id,
        "planned",
        Some(me.id),
        now,
        &json!({ "rescheduled_from": old.id }),
    )
    .await?;
    tx.append_audit(&audit::entry(
        app,
        me,
        "visit.reschedule",
        "visit",
        old.id.0,
        Some(old.school_id),
        json!({ "new_visit": new_id }),
    ))
    .await?;
    tx.commit().await?;
    let visit = app.db().visit(new_id).await?;
    detail(app, me, visit).await
}

/// The old visit's plan at the new times; its texts are checked again as a new plan's are.
fn same_plan(old: &Visit, at: &RescheduleInput) -> std::result::Result<VisitPlanInput, FieldError> {
    Ok(VisitPlanInput {
        pupil_id: old.pupil_id.0,
        reason_category: old.reason_category.clone(),
        purpose: Text::parse("purpose", &old.purpose)?,
        parents_could_come_in: old.parents_could_come_in,
        parents_come_in_note: Text::parse_optional(
            "parents_come_in_note",
            old.parents_come_in_note.as_deref().unwrap_or(""),
        )?,
        appointment: match old.appointment.as_str() {
            "unannounced" => AppointmentInput::Unannounced {
                reason: Text::parse(
                    "appointment.reason",
                    old.unannounced_reason.as_deref().unwrap_or(""),
                )?,
            },
            _ => AppointmentInput::Agreed {
                agenda: Text::parse_optional(
                    "appointment.agenda",
                    old.agenda.as_deref().unwrap_or(""),
                )?,
            },
        },
        expect_to_see: Text::parse_optional(
            "expect_to_see",
            old.expect_to_see.as_deref().unwrap_or(""),
        )?,
        planned_leave_school: at.planned_leave_school,
        planned_arrive: at.planned_arrive,
        planned_leave_property: Some(at.planned_leave_property),
        planned_return: Some(at.planned_return),
        returns_to: if old.returns_to == "home" {
            ReturnsTo::Home
        } else {
            ReturnsTo::School
        },
        joint_agency: Text::parse_optional(
            "joint_agency",
            old.joint_agency.as_deref().unwrap_or(""),
        )?,
        transport: old.transport.as_ref().map(|t| t.0.clone()),
        visitors: old
            .staff
            .iter()
            .enumerate()
            .map(|(i, s)| {
                Ok(VisitorInput {
                    staff_id: s.staff_id.0,
                    role_on_visit: Text::parse(
                        &format!("visitors[{i}].role_on_visit"),
                        &s.role_on_visit,
                    )?,
                })
            })
            .collect::<std::result::Result<_, FieldError>>()?,
        buddy_staff_id: old.buddy_staff_id,
        backup_staff_id: old.backup_staff_id,
        code_word: Text::parse_optional("code_word", old.code_word.as_deref().unwrap_or(""))?,
        vehicle_id: old.vehicle_id,
    })
}
