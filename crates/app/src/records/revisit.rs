//! A7 for a no-answer visit: nobody was home, so a new visit is planned, linked to the first.
//!
//! The visit itself happened (staff went, left a slip, came back), so unlike a cancelled or
//! requested visit it is not moved to "rescheduled": it keeps its record, and the new draft points
//! back to it (`rescheduled_from`). The draft is judged against the policy when it is requested.

use super::slips::visit_to_move;
use crate::audit::entry;
use crate::{App, Refusal, Result};
use chrono::{DateTime, Utc};
use domain::records::{PlannedTimes, check_planned_times, may_revisit};
use domain::{StaffId, VehicleId, VisitId};
use serde::{Deserialize, Serialize};
use store::{NewVisit, Staff, VisitorOnPlan};

/// The new visit's times (UTC).
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RevisitInput {
    pub planned_leave_school: DateTime<Utc>,
    pub planned_arrive: DateTime<Utc>,
    pub planned_leave_property: DateTime<Utc>,
    pub planned_return: DateTime<Utc>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Revisit {
    /// The new draft visit.
    pub visit_id: i64,
    pub rescheduled_from: i64,
    pub status: domain::visit::VisitStatus,
}

/// A7: nobody was home, so plan the visit again: a new draft with the same plan at new times,
/// under the school's current policy, linked to this one. One transaction with both visits'
/// events and the audit row (`visit.revisit`). Errors: `NotFound("visit")`; `Forbidden`;
/// `Conflict("status")` unless nobody was home and staff are back; `Invalid` naming the time.
pub async fn revisit(app: &App, me: &Staff, id: VisitId, input: RevisitInput) -> Result<Revisit> {
    let old = visit_to_move(app, me, id, "plan it again").await?;
    let policy = app.db().current_policy(old.school_id).await?;
    let now = app.now();
    let mut tx = app.db().begin().await?;
    tx.lock_visit(old.id).await?;
    // Read again in the transaction: the copy the access decision gave may lack the code word
    // (P5), and the new plan keeps the visitors' word.
    let old = tx.visit(old.id).await?;
    let nobody_home = tx.first_step_at(old.id, "nobody_home").await?.is_some();
    if !may_revisit(nobody_home, tx.visit_status(old.id).await?) {
        return Err(Refusal::conflict(
            "status",
            "only a visit where nobody was home is planned again this way; a cancelled or declined visit is rescheduled",
        ));
    }
    check_planned_times(
        &PlannedTimes {
            leave_school: input.planned_leave_school,
            arrive: input.planned_arrive,
            leave_property: input.planned_leave_property,
            return_by: input.planned_return,
        },
        now,
    )?;
    let visitors: Vec<VisitorOnPlan> = old
        .staff
        .iter()
        .map(|s| VisitorOnPlan {
            staff: s.staff_id,
            role_on_visit: s.role_on_visit.clone(),
            is_driver: s.is_driver,
        })
        .collect();
    let plan = NewVisit {
        school: old.school_id,
        pupil: old.pupil_id,
        household: old.household_id,
        policy_version: policy.id,
        reason_category: &old.reason_category,
        purpose: &old.purpose,
        parents_could_come_in: old.parents_could_come_in,
        parents_come_in_note: old.parents_come_in_note.as_deref(),
        appointment: &old.appointment,
        agenda: old.agenda.as_deref(),
        unannounced_reason: old.unannounced_reason.as_deref(),
        expect_to_see: old.expect_to_see.as_deref(),
        planned_leave_school: input.planned_leave_school,
        planned_arrive: input.planned_arrive,
        planned_leave_property: input.planned_leave_property,
        planned_return: input.planned_return,
        returns_to: &old.returns_to,
        first_visit: old.first_visit,
        joint_agency: old.joint_agency.as_deref(),
        transport: old.transport.as_ref().map(|t| &t.0),
        buddy: old.buddy_staff_id.map(StaffId),
        backup: old.backup_staff_id.map(StaffId),
        code_word: old.code_word.as_deref(),
        vehicle: old.vehicle_id.map(VehicleId),
        visitors: &visitors,
        rescheduled_from: Some(old.id),
    };
    let new_id = tx.create_visit(&plan, me.id, now).await?;
    tx.add_visit_event(
        old.id,
        "revisit_planned",
        Some(me.id),
        now,
        &serde_json::json!({ "new_visit": new_id }),
    )
    .await?;
    tx.add_visit_event(
        new_id,
        "planned",
        Some(me.id),
        now,
        &serde_json::json!({ "rescheduled_from": old.id, "because": "nobody was home" }),
    )
    .await?;
    tx.append_audit(&entry(
        app,
        me,
        "visit.revisit",
        "visit",
        old.id.0,
        Some(old.school_id),
        serde_json::json!({ "new_visit": new_id }),
    ))
    .await?;
    tx.commit().await?;
    Ok(Revisit {
        visit_id: new_id.0,
        rescheduled_from: old.id.0,
        status: domain::visit::VisitStatus::Draft,
    })
}
