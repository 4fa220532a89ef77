//! A3: the outcome of a visit (St Joseph's Home Visit Form: outcome, action required, who was
//! seen), read and written. Follow-up actions are in [`super::actions`]; the slip in
//! [`super::slips`].

use super::actions::{
    ActionInput, CheckedAction, check_action, notify_owners, require_writer, store_actions,
};
use super::slips::{SlipView, slip_view};
use crate::access::readable_visit_record;
use crate::audit::entry;
use crate::{App, Refusal, Result};
use domain::VisitId;
use domain::records::has_happened;
use domain::text::{Line, MultiLine};
use domain::visit::VisitStatus;
use serde::{Deserialize, Serialize};
use store::{FollowUpAction, NewOutcome, Staff, Visit, VisitOutcome};

/// A visit's record after the door closed: the outcome, the follow-up actions, any slip.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct VisitRecordView {
    pub visit_id: i64,
    pub pupil_id: i64,
    pub status: VisitStatus,
    pub outcome: Option<VisitOutcome>,
    pub actions: Vec<FollowUpAction>,
    pub slip: Option<SlipView>,
    /// Where the Home Visit Form prints.
    pub record_pdf: String,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OutcomeInput {
    /// "Outcome of Home Visit".
    pub outcome: MultiLine<5000>,
    /// "Action Required", in the visitor's words.
    #[serde(default, deserialize_with = "domain::text::blank_as_none")]
    pub action_required: Option<MultiLine<2000>>,
    #[serde(default, deserialize_with = "domain::text::blank_as_none")]
    pub people_seen: Option<Line<500>>,
    /// The outcome's revision when changing it; leave out when recording it first.
    pub revision: Option<i64>,
    /// Follow-up actions to add, each with an owner and a due date.
    #[serde(default)]
    pub actions: Vec<ActionInput>,
}

async fn view(app: &App, visit: &Visit) -> Result<VisitRecordView> {
    let db = app.db();
    let (slip, outcome, actions) = tokio::try_join!(
        db.slip_of_visit(visit.id),
        db.outcome(visit.id),
        db.actions_of_visit(visit.id),
    )?;
    Ok(VisitRecordView {
        visit_id: visit.id.0,
        pupil_id: visit.pupil_id.0,
        status: visit.status,
        outcome,
        actions,
        slip: slip.map(|s| slip_view(s, app.now())),
        record_pdf: format!("/api/visits/{}/record.pdf", visit.id),
    })
}

/// The visit's outcome, actions and slip, for the staff involved with the child, the DSL and the
/// head (A9); the read is audited (`visit_record.read`). Errors: `NotFound("visit")` for anyone
/// else or no such visit.
pub async fn visit_record(app: &App, me: &Staff, id: VisitId) -> Result<VisitRecordView> {
    let (visit, pupil, school) = readable_visit_record(app, me, id).await?;
    let record = view(app, &visit).await?;
    let e = entry(
        app,
        me,
        "visit_record.read",
        "visit",
        visit.id.0,
        Some(school.id),
        serde_json::json!({ "pupil": pupil.id }),
    );
    app.db().append_audit(&e).await?;
    Ok(record)
}

fn not_happened(status: VisitStatus) -> Refusal {
    Refusal::conflict(
        "status",
        format!("the visit is {status}; record the outcome once staff have been to the house"),
    )
}

/// A3: records (or, with its revision, changes) the outcome and adds follow-up actions, each
/// owner told in the app and by e-mail; it then shows on the pupil's chronology. One transaction
/// with the visit event and the audit row (`visit.outcome_recorded` / `visit.outcome_changed`).
/// Errors: `NotFound("visit")`; `Forbidden` for anyone not on the visit, the DSL or the head;
/// `Conflict("status")` before staff have been to the house; `Conflict("revision")` when someone
/// else changed it meanwhile; `Invalid` naming the field (`outcome`, `actions[i].due_on`, ...).
pub async fn record_outcome(
    app: &App,
    me: &Staff,
    id: VisitId,
    input: OutcomeInput,
) -> Result<VisitRecordView> {
    let (visit, pupil, school) = readable_visit_record(app, me, id).await?;
    require_writer(&visit, me)?;
    if !has_happened(visit.status) {
        return Err(not_happened(visit.status));
    }
    let outcome = input.outcome.to_string();
    let action_required = input.action_required.as_deref().map(str::to_string);
    let people_seen = input.people_seen.as_deref().map(str::to_string);
    let mut checked: Vec<CheckedAction> = Vec::new();
    for (i, a) in input.actions.iter().enumerate() {
        checked.push(check_action(app, &visit, &format!("actions[{i}]"), a).await?);
    }
    let now = app.now();
    let mut tx = app.db().begin().await?;
    tx.lock_visit(visit.id).await?;
    // Checked again under the lock: the visit's state is what the write depends on.
    let status = tx.visit_status(visit.id).await?;
    if !has_happened(status) {
        return Err(not_happened(status));
    }
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
    let actions = store_actions(&mut tx, &visit, me, &checked, now).await?;
    notify_owners(&mut tx, &visit, &pupil, me, &checked, &actions, now).await?;
    let step = if input.revision.is_some() {
        "outcome_changed"
    } else {
        "outcome_recorded"
    };
    let detail = serde_json::json!({ "pupil": pupil.id, "revision": revision, "actions": actions });
    tx.add_visit_event(visit.id, step, Some(me.id), now, &detail)
        .await?;
    tx.append_audit(&entry(
        app,
        me,
        &format!("visit.{step}"),
        "visit",
        visit.id.0,
        Some(school.id),
        detail,
    ))
    .await?;
    tx.commit().await?;
    view(app, &visit).await
}
