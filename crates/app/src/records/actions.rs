//! A3: follow-up actions of a visit, each with an owner and a due date: added with the outcome
//! or on their own, listed for their owner, marked done.

use crate::access::{found, hide_as, readable_pupil, readable_visit_record};
use crate::audit::entry;
use crate::outbox::tell;
use crate::permissions::reads_every_child;
use crate::words::a_pupil;
use crate::words::short_date;
use crate::{App, Refusal, Result};
use chrono::{DateTime, NaiveDate, Utc};
use domain::records::check_action_due;
use domain::text::MultiLine;
use domain::{FieldError, StaffId, VisitId};
use serde::Deserialize;
use store::{FollowUpAction, NewAction, Pupil, Staff, Tx, Visit};

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ActionInput {
    pub description: MultiLine<1000>,
    /// The member of staff who will do it.
    pub owner_staff_id: i64,
    pub due_on: NaiveDate,
}

#[derive(Debug, Deserialize, utoipa::ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct DoneInput {
    #[serde(default, deserialize_with = "domain::text::blank_as_none")]
    pub note: Option<MultiLine<1000>>,
}

/// Who writes a visit's record: the staff on it (and its buddy), the DSL and the head.
pub(super) fn require_writer(visit: &Visit, me: &Staff) -> Result<()> {
    if visit.involves(me.id) || reads_every_child(me) {
        Ok(())
    } else {
        Err(Refusal::forbidden(
            "only the staff on this visit, the DSL or the headteacher may write its record",
        ))
    }
}

/// An action that passed its checks: what to store and whom to tell.
pub(super) struct CheckedAction {
    description: String,
    owner: Staff,
    due_on: NaiveDate,
}

/// Checks a follow-up action: an active owner who works at the visit's school, a due day not
/// before the visit. `field` prefixes the refused field (`actions[0]`, `action`).
pub(super) async fn check_action(
    app: &App,
    visit: &Visit,
    field: &str,
    a: &ActionInput,
) -> Result<CheckedAction> {
    let description = a.description.to_string();
    let owner = found(app.db().staff(StaffId(a.owner_staff_id)).await)?
        .filter(|s| s.active && s.school_id == Some(visit.school_id))
        .ok_or_else(|| {
            FieldError::new(
                format!("{field}.owner_staff_id"),
                "is not a member of staff at this school",
            )
        })?;
    check_action_due(
        &format!("{field}.due_on"),
        a.due_on,
        visit.planned_leave_school.date_naive(),
    )?;
    Ok(CheckedAction {
        description,
        owner,
        due_on: a.due_on,
    })
}

/// Stores checked actions in the caller's transaction; their ids in order.
pub(super) async fn store_actions(
    tx: &mut Tx,
    visit: &Visit,
    me: &Staff,
    checked: &[CheckedAction],
    now: DateTime<Utc>,
) -> Result<Vec<i64>> {
    let mut ids = Vec::with_capacity(checked.len());
    for a in checked {
        let new = NewAction {
            school: visit.school_id,
            pupil: visit.pupil_id,
            visit: Some(visit.id),
            description: &a.description,
            owner: a.owner.id,
            due_on: a.due_on,
        };
        ids.push(tx.add_action(&new, me.id, now).await?);
    }
    Ok(ids)
}

/// Tells each owner (other than the writer) of their new action, in the caller's transaction.
pub(super) async fn notify_owners(
    tx: &mut Tx,
    visit: &Visit,
    pupil: &Pupil,
    me: &Staff,
    checked: &[CheckedAction],
    ids: &[i64],
    now: DateTime<Utc>,
) -> Result<()> {
    for (a, id) in checked.iter().zip(ids) {
        if a.owner.id == me.id {
            continue;
        }
        let due = short_date(a.due_on);
        // The action's words and the child's name stay in Doorstep (e-mail is not a secure
        // channel; "refer to MASH" says why a child needs help).
        let subject = format!(
            "Follow-up action for {} by {due}",
            a_pupil(pupil.year_group.as_deref())
        );
        let body = format!(
            "{} asked you to follow up visit {}: open Doorstep's Actions page to read it.\nDue by {due}.",
            me.name, visit.id
        );
        let owners = [a.owner.clone()];
        let topic = format!("action:{id}");
        tell(tx, &owners, &topic, &subject, &body, Some(visit.id), now).await?;
    }
    Ok(())
}

/// A3: adds one follow-up action to a visit's record and tells its owner; one transaction with
/// the visit event and the audit row (`visit.action_added`). Errors: `NotFound("visit")`;
/// `Forbidden` for anyone not on the visit, the DSL or the head; `Invalid` naming
/// `action.description`, `action.owner_staff_id` or `action.due_on`.
pub async fn add_action(
    app: &App,
    me: &Staff,
    id: VisitId,
    input: ActionInput,
) -> Result<FollowUpAction> {
    let (visit, pupil, school) = readable_visit_record(app, me, id).await?;
    require_writer(&visit, me)?;
    let checked = [check_action(app, &visit, "action", &input).await?];
    let now = app.now();
    let mut tx = app.db().begin().await?;
    tx.lock_visit(visit.id).await?;
    let ids = store_actions(&mut tx, &visit, me, &checked, now).await?;
    notify_owners(&mut tx, &visit, &pupil, me, &checked, &ids, now).await?;
    let detail = serde_json::json!({ "pupil": visit.pupil_id, "actions": ids });
    tx.add_visit_event(visit.id, "action_added", Some(me.id), now, &detail)
        .await?;
    tx.append_audit(&entry(
        app,
        me,
        "visit.action_added",
        "visit",
        visit.id.0,
        Some(school.id),
        detail,
    ))
    .await?;
    let first = ids
        .first()
        .copied()
        .ok_or_else(|| Refusal::internal("the action just stored has no id"))?;
    let action = tx.action(first).await?;
    tx.commit().await?;
    Ok(action)
}

/// Marks a follow-up action done: its owner, the staff on its visit, the DSL or the head. One
/// transaction with the audit row (`action.done`, against the pupil). Errors:
/// `NotFound("follow-up action")` for an action of a child this person may not read;
/// `Forbidden` for others who may read it; `Conflict("action")` when it is already done;
/// `Invalid("note")`.
pub async fn complete_action(
    app: &App,
    me: &Staff,
    id: i64,
    input: DoneInput,
) -> Result<FollowUpAction> {
    let action = app.db().action(id).await?;
    // Its owner marks it done without reading the child's history (owning an action grants none).
    let school = if action.owner_staff_id == me.id.0 {
        let pupil = app.db().pupil(action.pupil_id).await?;
        app.db().school(pupil.school_id).await?
    } else {
        readable_pupil(app, me, action.pupil_id)
            .await
            .map_err(hide_as("follow-up action"))?
            .1
    };
    let on_visit = match action.visit_id {
        Some(v) => app.visit(VisitId(v)).await?.involves(me.id),
        None => false,
    };
    if action.owner_staff_id != me.id.0 && !on_visit && !reads_every_child(me) {
        return Err(Refusal::forbidden(
            "only the action's owner, the staff on its visit, the DSL or the headteacher may mark it done",
        ));
    }
    let note = input.note.as_deref().map(str::to_string);
    let now = app.now();
    let mut tx = app.db().begin().await?;
    tx.complete_action(action.id, me.id, note.as_deref(), now)
        .await?;
    tx.append_audit(&entry(
        app,
        me,
        "action.done",
        "pupil",
        action.pupil_id.0,
        Some(school.id),
        serde_json::json!({ "action": action.id, "visit": action.visit_id }),
    ))
    .await?;
    let done = tx.action(action.id).await?;
    tx.commit().await?;
    Ok(done)
}

/// My follow-up actions not yet done, soonest due first. Only my own, so no further check.
pub async fn my_actions(app: &App, me: &Staff) -> Result<Vec<FollowUpAction>> {
    Ok(app.db().open_actions_of(me.id).await?)
}
