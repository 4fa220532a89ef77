//! A7 for a no-answer visit: nobody was home, so a new visit is planned, linked to the first.
//!
//! The visit itself happened (staff went, left a slip, came back), so unlike a cancelled or
//! requested visit it is not moved to "rescheduled": it keeps its record, and the new draft points
//! back to it (`rescheduled_from`). The draft is judged against the policy when it is requested.

use super::plan_of;
use crate::AppState;
use crate::access;
use crate::auth::CurrentStaff;
use crate::error::ApiError;
use crate::extract::{ApiJson, Id};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, Duration, Utc};
use domain::{FieldError, StaffId, VehicleId, VisitId};
use serde::{Deserialize, Serialize};
use store::{NewVisit, VisitorOnPlan};

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct RevisitInput {
    planned_leave_school: DateTime<Utc>,
    planned_arrive: DateTime<Utc>,
    planned_leave_property: DateTime<Utc>,
    planned_return: DateTime<Utc>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub(super) struct Revisit {
    /// The new draft visit.
    visit_id: i64,
    rescheduled_from: i64,
    status: String,
}

fn check_times(i: &RevisitInput, now: DateTime<Utc>) -> Result<(), FieldError> {
    let order = [
        ("planned_leave_school", i.planned_leave_school),
        ("planned_arrive", i.planned_arrive),
        ("planned_leave_property", i.planned_leave_property),
        ("planned_return", i.planned_return),
    ];
    for pair in order.windows(2) {
        if pair[1].1 < pair[0].1 {
            return Err(FieldError::new(
                pair[1].0,
                format!("must not be before {}", pair[0].0),
            ));
        }
    }
    if i.planned_leave_school < now {
        return Err(FieldError::new("planned_leave_school", "is in the past"));
    }
    if i.planned_leave_school > now + Duration::days(366) {
        return Err(FieldError::new(
            "planned_leave_school",
            "is more than a year ahead",
        ));
    }
    if i.planned_return - i.planned_leave_school > Duration::hours(12) {
        return Err(FieldError::new(
            "planned_return",
            "a visit lasts at most 12 hours from leaving school",
        ));
    }
    Ok(())
}

/// A7: nobody was home, so plan the visit again: a new draft with the same plan at new times,
/// linked to this one.
#[utoipa::path(post, path = "/api/visits/{id}/revisit", tag = "after the visit", params(("id" = i64, Path)), request_body = RevisitInput,
    responses((status = 201, body = Revisit), (status = 403), (status = 404), (status = 409), (status = 422)))]
pub(super) async fn revisit(
    State(state): State<AppState>,
    CurrentStaff(me): CurrentStaff,
    Id(id): Id,
    ApiJson(input): ApiJson<RevisitInput>,
) -> Result<(StatusCode, Json<Revisit>), ApiError> {
    let (old, sees_school) = plan_of(&state, &me, VisitId(id)).await?;
    if !old.involves(me.id) && !sees_school {
        return Err(ApiError::forbidden(
            "only the staff on this visit, its buddy or school leaders may plan it again",
        ));
    }
    let db = state.db();
    let nobody_home = db
        .visit_events(old.id)
        .await?
        .iter()
        .any(|e| e.step == "nobody_home");
    if !nobody_home || old.status == "signed_out" || old.status == "arrived" {
        return Err(ApiError::Conflict {
            field: "status".into(),
            reason: "only a visit where nobody was home is planned again this way; a cancelled or declined visit is rescheduled".into(),
        });
    }
    let now = state.clock().now();
    check_times(&input, now)?;
    let policy = db.current_policy(old.school_id).await?;
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
    let mut tx = db.begin().await?;
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
    tx.append_audit(&access::entry(
        &state,
        &me,
        "visit.revisit",
        "visit",
        old.id.0,
        Some(old.school_id),
        serde_json::json!({ "new_visit": new_id }),
    ))
    .await?;
    tx.commit().await?;
    Ok((
        StatusCode::CREATED,
        Json(Revisit {
            visit_id: new_id.0,
            rescheduled_from: old.id.0,
            status: "draft".into(),
        }),
    ))
}
