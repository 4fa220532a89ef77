//! Staff safety concerns about a visit (P11): anyone on it may refuse or raise one, and the
//! visit cannot be requested, authorised or signed out while one is open; an authoriser deals
//! with it. Each is one transaction with the visit row locked, its event and its audit row.

use crate::access::{hide_as, require_any, visible_visit, visit_to_act_on};
use crate::{App, Result, audit};
use domain::text::MultiLine;
use domain::{SafetyConcernId, VisitId};
use serde::Deserialize;
use serde_json::json;
use store::{SafetyConcern, Staff};

/// A staff safety concern, in the member of staff's words.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConcernInput {
    pub concern: MultiLine<2000>,
}

/// P11: a member of staff refuses or raises a safety concern; the visit waits until it is dealt
/// with. Errors: `NotFound("visit")`; `Forbidden` for someone who may not act on the visit;
/// `Invalid("concern")` when empty or over 2000 characters.
pub async fn raise_concern(
    app: &App,
    me: &Staff,
    id: VisitId,
    input: ConcernInput,
) -> Result<SafetyConcern> {
    let visit = visit_to_act_on(app, me, id, "raise a concern about this visit").await?;
    let concern = input.concern.to_string();
    let now = app.now();
    let mut tx = app.db().begin().await?;
    // A step of this visit waits for the concern, and then sees it.
    tx.lock_visit(visit.id).await?;
    let cid = tx
        .raise_safety_concern(visit.id, me.id, &concern, now)
        .await?;
    tx.add_visit_event(
        visit.id,
        "safety_concern_raised",
        Some(me.id),
        now,
        &json!({ "concern": cid }),
    )
    .await?;
    tx.append_audit(&audit::entry(
        app,
        me,
        "visit.safety_concern.raise",
        "visit",
        visit.id.0,
        Some(visit.school_id),
        json!({ "concern": cid }),
    ))
    .await?;
    let raised = tx.safety_concern(cid).await?;
    tx.commit().await?;
    Ok(raised)
}

/// How an authoriser dealt with a concern.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResolveInput {
    pub resolution: MultiLine<2000>,
}

/// The visit a concern is about, for pages that come back to it. Errors:
/// `NotFound("safety concern")` for a concern, or a visit, this person may not see.
pub async fn visit_of_concern(app: &App, me: &Staff, id: SafetyConcernId) -> Result<VisitId> {
    let concern = app.db().safety_concern(id).await?;
    let visit = visible_visit(app, me, VisitId(concern.visit_id))
        .await
        .map_err(hide_as("safety concern"))?;
    Ok(visit.id)
}

/// P11: an authoriser deals with a staff safety concern. Errors: `NotFound("safety concern")`;
/// `Forbidden` unless the person holds a role the policy names to authorise;
/// `Invalid("resolution")` when empty; `Conflict("concern")` when already resolved.
pub async fn resolve_concern(
    app: &App,
    me: &Staff,
    id: SafetyConcernId,
    input: ResolveInput,
) -> Result<SafetyConcern> {
    let visit_id = visit_of_concern(app, me, id).await?;
    let visit = app.visit(visit_id).await?;
    let policy = app.policy_version(visit.policy_version_id).await?;
    require_any(
        me,
        &policy.settings.authorisation.roles,
        "resolve a safety concern",
    )?;
    let resolution = input.resolution.to_string();
    let now = app.now();
    let mut tx = app.db().begin().await?;
    tx.lock_visit(visit.id).await?;
    tx.resolve_safety_concern(id, me.id, &resolution, now)
        .await?;
    tx.add_visit_event(
        visit.id,
        "safety_concern_resolved",
        Some(me.id),
        now,
        &json!({ "concern": id }),
    )
    .await?;
    tx.append_audit(&audit::entry(
        app,
        me,
        "visit.safety_concern.resolve",
        "visit",
        visit.id.0,
        Some(visit.school_id),
        json!({ "concern": id }),
    ))
    .await?;
    let resolved = tx.safety_concern(id).await?;
    tx.commit().await?;
    Ok(resolved)
}
