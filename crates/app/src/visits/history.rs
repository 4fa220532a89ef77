//! What has happened on a visit, for the pages that show it: decisions, steps, check-ins, safety
//! concerns, the watch and its deadlines, the car, the cautions to acknowledge. Each read asks
//! [`visible_visit`] first, so a page shows nothing of a visit its reader may not see; the
//! page's read of the visit itself is what is audited.

use crate::access::{household_for_planning, visible_visit};
use crate::{App, Result};
use domain::{CautionFlagId, VehicleId, VisitId};
use store::{
    CautionFlag, CheckIn, DeadlineRow, Decision, SafetyConcern, Staff, Vehicle, VisitEvent, Watch,
};

/// Everything recorded on a visit so far, oldest first.
pub struct VisitHistory {
    pub decisions: Vec<Decision>,
    pub events: Vec<VisitEvent>,
    pub check_ins: Vec<CheckIn>,
    pub safety_concerns: Vec<SafetyConcern>,
}

/// The visit's history, for someone who sees the visit. Errors: `NotFound("visit")`.
pub async fn history(app: &App, me: &Staff, id: VisitId) -> Result<VisitHistory> {
    visible_visit(app, me, id).await?;
    let db = app.db();
    let (decisions, events, check_ins, safety_concerns) = tokio::try_join!(
        db.decisions(id),
        db.visit_events(id),
        db.check_ins_of(id),
        db.safety_concerns(id),
    )?;
    Ok(VisitHistory {
        decisions,
        events,
        check_ins,
        safety_concerns,
    })
}

/// The visit's check-ins, oldest first (the Today card counts them). Errors: `NotFound("visit")`.
pub async fn check_ins(app: &App, me: &Staff, id: VisitId) -> Result<Vec<CheckIn>> {
    visible_visit(app, me, id).await?;
    Ok(app.db().check_ins_of(id).await?)
}

/// The visit's steps (planned, changed, requested, signed out…), oldest first.
/// Errors: `NotFound("visit")`.
pub async fn events(app: &App, me: &Staff, id: VisitId) -> Result<Vec<VisitEvent>> {
    visible_visit(app, me, id).await?;
    Ok(app.db().visit_events(id).await?)
}

/// The decisions on the visit (P9), oldest first. Errors: `NotFound("visit")`.
pub async fn decisions(app: &App, me: &Staff, id: VisitId) -> Result<Vec<Decision>> {
    visible_visit(app, me, id).await?;
    Ok(app.db().decisions(id).await?)
}

/// The car the visit goes in, if any. Errors: `NotFound("visit")`.
pub async fn vehicle(app: &App, me: &Staff, id: VisitId) -> Result<Option<Vehicle>> {
    let visit = visible_visit(app, me, id).await?;
    Ok(match visit.vehicle_id {
        Some(v) => Some(app.db().vehicle(VehicleId(v)).await?),
        None => None,
    })
}

/// The safety monitor's watch of a visit that is out, with its deadlines (empty when not out).
/// Errors: `NotFound("visit")`.
pub async fn watch(
    app: &App,
    me: &Staff,
    id: VisitId,
) -> Result<(Option<Watch>, Vec<DeadlineRow>)> {
    visible_visit(app, me, id).await?;
    let watch = app.db().watch(id).await?;
    let deadlines = match watch {
        Some(_) => app.db().deadlines_of(id).await?,
        None => vec![],
    };
    Ok((watch, deadlines))
}

/// The household's caution flags, with those already acknowledged for this visit (P3, P10), for
/// someone who sees the visit and at least the planner's view of its household.
/// Errors: `NotFound("visit")`, `NotFound("household")`.
pub async fn cautions(
    app: &App,
    me: &Staff,
    id: VisitId,
) -> Result<(Vec<CautionFlag>, Vec<CautionFlagId>)> {
    let visit = visible_visit(app, me, id).await?;
    household_for_planning(app, me, visit.household_id).await?;
    Ok((
        app.db().caution_flags(visit.household_id).await?,
        app.db().acknowledged_cautions(id).await?,
    ))
}
