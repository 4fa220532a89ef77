//! A3: the outcome of a visit (St Joseph's Home Visit Form) with its follow-up actions, the
//! visit record as a PDF, and A7 for a visit where nobody was home: a new visit linked to it.

use super::slips::{SlipView, slip_view};
use super::{readable_visit_record, sees_all_children, short_date, staff_with, tell};
use crate::AppState;
use crate::access::{self, sees_school_visits, visible_visit};
use crate::auth::CurrentStaff;
use crate::error::ApiError;
use crate::extract::{ApiJson, Id};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::NaiveDate;
use domain::{FieldError, Role, StaffId, VisitId, inputs};
use serde::{Deserialize, Serialize};
use store::{FollowUpAction, NewAction, NewOutcome, Staff, Visit, VisitOutcome};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

mod record_pdf;
mod revisit;

pub(super) use record_pdf::record_header;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(get_outcome, put_outcome))
        .routes(routes!(add_action))
        .routes(routes!(action_done))
        .routes(routes!(my_actions))
        .routes(routes!(record_pdf::visit_record_pdf))
        .routes(routes!(revisit::revisit))
}

/// A visit's record after the door closed: the outcome, the follow-up actions, any slip.
#[derive(Serialize, utoipa::ToSchema)]
pub struct VisitRecordView {
    visit_id: i64,
    pupil_id: i64,
    status: String,
    outcome: Option<VisitOutcome>,
    actions: Vec<FollowUpAction>,
    slip: Option<SlipView>,
    /// Where the Home Visit Form prints.
    record_pdf: String,
}

/// States in which the visit has happened, so there is an outcome to record.
const HAPPENED: [&str; 4] = [
    "nobody_home",
    "left_property",
    "returned",
    "record_completed",
];

async fn view(state: &AppState, visit: &Visit) -> Result<VisitRecordView, ApiError> {
    let db = state.db();
    let now = state.clock().now();
    let slip = db.slip_of_visit(visit.id).await?.map(|s| slip_view(s, now));
    Ok(VisitRecordView {
        visit_id: visit.id.0,
        pupil_id: visit.pupil_id.0,
        status: visit.status.clone(),
        outcome: db.outcome(visit.id).await?,
        actions: db.actions_of_visit(visit.id).await?,
        slip,
        record_pdf: format!("/api/visits/{}/record.pdf", visit.id),
    })
}

/// The visit's outcome, actions and slip, for the staff involved with the child, the DSL and the
/// head (A9); each read is audited.
#[utoipa::path(get, path = "/api/visits/{id}/outcome", tag = "after the visit", params(("id" = i64, Path)),
    responses((status = 200, body = VisitRecordView), (status = 404)))]
async fn get_outcome(
    State(state): State<AppState>,
    CurrentStaff(me): CurrentStaff,
    Id(id): Id,
) -> Result<Json<VisitRecordView>, ApiError> {
    let (visit, pupil, school) = readable_visit_record(&state, &me, VisitId(id)).await?;
    let record = view(&state, &visit).await?;
    let e = access::entry(
        &state,
        &me,
        "visit_record.read",
        "visit",
        visit.id.0,
        Some(school.id),
        serde_json::json!({ "pupil": pupil.id }),
    );
    state.db().append_audit(&e).await?;
    Ok(Json(record))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ActionInput {
    description: String,
    /// The member of staff who will do it.
    owner_staff_id: i64,
    due_on: NaiveDate,
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct OutcomeInput {
    /// "Outcome of Home Visit".
    outcome: String,
    /// "Action Required", in the visitor's words.
    action_required: Option<String>,
    people_seen: Option<String>,
    /// The outcome's revision when changing it; leave out when recording it first.
    revision: Option<i64>,
    /// Follow-up actions to add, each with an owner and a due date.
    #[serde(default)]
    actions: Vec<ActionInput>,
}

/// Who writes a visit's record: the staff on it (and its buddy), the DSL and the head.
fn require_writer(visit: &Visit, me: &Staff) -> Result<(), ApiError> {
    if visit.involves(me.id) || sees_all_children(me) {
        Ok(())
    } else {
        Err(ApiError::forbidden(
            "only the staff on this visit, the DSL or the headteacher may write its record",
        ))
    }
}

/// Checks a follow-up action: an owner who works at the school, a date not before the visit.
async fn check_action(
    state: &AppState,
    visit: &Visit,
    field: &str,
    a: &ActionInput,
) -> Result<(String, StaffId), ApiError> {
    let description = inputs::text(&format!("{field}.description"), &a.description, 1000)?;
    let owner = super::found(state.db().staff(StaffId(a.owner_staff_id)).await)?
        .filter(|s| s.active && s.school_id == Some(visit.school_id))
        .ok_or_else(|| {
            FieldError::new(
                format!("{field}.owner_staff_id"),
                "is not a member of staff at this school",
            )
        })?;
    let visit_day = visit.planned_leave_school.date_naive();
    if a.due_on < visit_day {
        return Err(
            FieldError::new(format!("{field}.due_on"), "must not be before the visit").into(),
        );
    }
    Ok((description, owner.id))
}

/// Adds checked actions in the transaction and tells each owner (other than the writer).
async fn add_actions(
    state: &AppState,
    tx: &mut store::Tx,
    visit: &Visit,
    me: &Staff,
    checked: &[(String, StaffId, NaiveDate)],
) -> Result<Vec<i64>, ApiError> {
    let now = state.clock().now();
    let school = state.db().school(visit.school_id).await?;
    let pupil = state.db().pupil(visit.pupil_id).await?;
    let staff = staff_with(state, &school, &Role::ALL, Some(me.id)).await?;
    let mut ids = Vec::new();
    for (description, owner, due_on) in checked {
        let id = tx
            .add_action(
                &NewAction {
                    school: visit.school_id,
                    pupil: visit.pupil_id,
                    visit: Some(visit.id),
                    description,
                    owner: *owner,
                    due_on: *due_on,
                },
                me.id,
                now,
            )
            .await?;
        let owners: Vec<Staff> = staff.iter().filter(|s| s.id == *owner).cloned().collect();
        let subject = format!(
            "Follow-up action for {} by {}",
            pupil.name,
            short_date(*due_on)
        );
        let body = format!(
            "{} asked you to follow up visit {}: {description}\nDue by {}.",
            me.name,
            visit.id,
            short_date(*due_on)
        );
        tell(
            tx,
            &owners,
            &format!("action:{id}"),
            &subject,
            &body,
            Some(visit.id),
            now,
        )
        .await?;
        ids.push(id);
    }
    Ok(ids)
}

/// A3: records (or, with its revision, changes) the outcome and adds follow-up actions. It then
/// shows on the pupil's chronology.
#[utoipa::path(put, path = "/api/visits/{id}/outcome", tag = "after the visit", params(("id" = i64, Path)), request_body = OutcomeInput,
    responses((status = 200, body = VisitRecordView), (status = 403), (status = 404), (status = 409), (status = 422)))]
async fn put_outcome(
    State(state): State<AppState>,
    CurrentStaff(me): CurrentStaff,
    Id(id): Id,
    ApiJson(input): ApiJson<OutcomeInput>,
) -> Result<Json<VisitRecordView>, ApiError> {
    let (visit, pupil, school) = readable_visit_record(&state, &me, VisitId(id)).await?;
    require_writer(&visit, &me)?;
    if !HAPPENED.contains(&visit.status.as_str()) {
        return Err(ApiError::Conflict {
            field: "status".into(),
            reason: format!(
                "the visit is {}; record the outcome once staff have been to the house",
                visit.status
            ),
        });
    }
    let outcome = inputs::text("outcome", &input.outcome, 5000)?;
    let action_required = inputs::optional_text(
        "action_required",
        input.action_required.as_deref().unwrap_or(""),
        2000,
    )?;
    let people_seen = inputs::optional_text(
        "people_seen",
        input.people_seen.as_deref().unwrap_or(""),
        500,
    )?;
    let mut checked = Vec::new();
    for (i, a) in input.actions.iter().enumerate() {
        let (description, owner) =
            check_action(&state, &visit, &format!("actions[{i}]"), a).await?;
        checked.push((description, owner, a.due_on));
    }
    let now = state.clock().now();
    let mut tx = state.db().begin().await?;
    let revision = tx
        .put_outcome(
            &visit,
            &NewOutcome {
                outcome: &outcome,
                action_required: action_required.as_deref(),
                people_seen: people_seen.as_deref(),
            },
            input.revision,
            me.id,
            now,
        )
        .await?;
    let actions = add_actions(&state, &mut tx, &visit, &me, &checked).await?;
    let step = if input.revision.is_some() {
        "outcome_changed"
    } else {
        "outcome_recorded"
    };
    let detail = serde_json::json!({ "pupil": pupil.id, "revision": revision, "actions": actions });
    tx.add_visit_event(visit.id, step, Some(me.id), now, &detail)
        .await?;
    tx.append_audit(&access::entry(
        &state,
        &me,
        &format!("visit.{step}"),
        "visit",
        visit.id.0,
        Some(school.id),
        detail,
    ))
    .await?;
    tx.commit().await?;
    Ok(Json(view(&state, &visit).await?))
}

/// Adds one follow-up action to a visit's record.
#[utoipa::path(post, path = "/api/visits/{id}/actions", tag = "after the visit", params(("id" = i64, Path)), request_body = ActionInput,
    responses((status = 201, body = FollowUpAction), (status = 403), (status = 404), (status = 422)))]
async fn add_action(
    State(state): State<AppState>,
    CurrentStaff(me): CurrentStaff,
    Id(id): Id,
    ApiJson(input): ApiJson<ActionInput>,
) -> Result<(StatusCode, Json<FollowUpAction>), ApiError> {
    let (visit, _, school) = readable_visit_record(&state, &me, VisitId(id)).await?;
    require_writer(&visit, &me)?;
    let (description, owner) = check_action(&state, &visit, "action", &input).await?;
    let now = state.clock().now();
    let mut tx = state.db().begin().await?;
    let ids = add_actions(
        &state,
        &mut tx,
        &visit,
        &me,
        &[(description, owner, input.due_on)],
    )
    .await?;
    let detail = serde_json::json!({ "pupil": visit.pupil_id, "actions": ids });
    tx.add_visit_event(visit.id, "action_added", Some(me.id), now, &detail)
        .await?;
    tx.append_audit(&access::entry(
        &state,
        &me,
        "visit.action_added",
        "visit",
        visit.id.0,
        Some(school.id),
        detail,
    ))
    .await?;
    tx.commit().await?;
    let id = ids.first().copied().unwrap_or_default();
    Ok((StatusCode::CREATED, Json(state.db().action(id).await?)))
}

#[derive(Deserialize, utoipa::ToSchema, Default)]
#[serde(deny_unknown_fields)]
struct DoneInput {
    note: Option<String>,
}

/// Marks a follow-up action done: its owner, the staff on its visit, the DSL or the head.
#[utoipa::path(post, path = "/api/actions/{id}/done", tag = "after the visit", params(("id" = i64, Path)), request_body = DoneInput,
    responses((status = 200, body = FollowUpAction), (status = 403), (status = 404), (status = 409)))]
async fn action_done(
    State(state): State<AppState>,
    CurrentStaff(me): CurrentStaff,
    Id(id): Id,
    ApiJson(input): ApiJson<DoneInput>,
) -> Result<Json<FollowUpAction>, ApiError> {
    let action = state.db().action(id).await?;
    let (_, school) = super::readable_pupil(&state, &me, action.pupil_id)
        .await
        .map_err(app::access::hide_as("follow-up action"))?;
    let on_visit = match action.visit_id {
        Some(v) => state.db().visit(VisitId(v)).await?.involves(me.id),
        None => false,
    };
    if action.owner_staff_id != me.id.0 && !on_visit && !sees_all_children(&me) {
        return Err(ApiError::forbidden(
            "only the action's owner, the staff on its visit, the DSL or the headteacher may mark it done",
        ));
    }
    let note = inputs::optional_text("note", input.note.as_deref().unwrap_or(""), 1000)?;
    let now = state.clock().now();
    let mut tx = state.db().begin().await?;
    tx.complete_action(action.id, me.id, note.as_deref(), now)
        .await?;
    tx.append_audit(&access::entry(
        &state,
        &me,
        "action.done",
        "pupil",
        action.pupil_id.0,
        Some(school.id),
        serde_json::json!({ "action": action.id, "visit": action.visit_id }),
    ))
    .await?;
    tx.commit().await?;
    Ok(Json(state.db().action(action.id).await?))
}

/// My follow-up actions not yet done, soonest due first.
#[utoipa::path(get, path = "/api/actions", tag = "after the visit", responses((status = 200, body = Vec<FollowUpAction>)))]
async fn my_actions(
    State(state): State<AppState>,
    CurrentStaff(me): CurrentStaff,
) -> Result<Json<Vec<FollowUpAction>>, ApiError> {
    Ok(Json(state.db().open_actions_of(me.id).await?))
}

/// The visit as its planner may see it, for the answers of the routes here: the code word only
/// for the people on it and the buddy (P5).
pub(super) async fn plan_of(
    state: &AppState,
    me: &Staff,
    id: VisitId,
) -> Result<(Visit, bool), ApiError> {
    let visit = visible_visit(state, me, id).await?;
    let sees_school = sees_school_visits(state, me, visit.school_id).await?;
    Ok((visit, sees_school))
}
