//! Reading visits: the list a person may see, one visit with everything about it, and the
//! policy check of its next step. Reads change nothing but the audit trail (A9).

use super::facts::{self, Pool};
use crate::access::{school_in_scope, scope, sees_school_visits, visible_visit};
use crate::permissions::{redact_code_word, visit_read_action};
use crate::{App, Refusal, Result, audit};
use domain::monitor::CheckInKind;
use domain::policy::{Stage, Unmet};
use domain::visit::VisitStatus;
use domain::{CautionFlagId, Role, SchoolId, VisitId};
use serde::{Deserialize, Serialize};
use store::{Decision, SafetyConcern, Staff, Visit, VisitEvent, VisitFilter, VisitSummary};

/// One visit as a person may see it, with everything recorded about it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct VisitDetail {
    pub visit: Visit,
    pub decisions: Vec<Decision>,
    pub events: Vec<VisitEvent>,
    pub safety_concerns: Vec<SafetyConcern>,
    pub acknowledged_cautions: Vec<CautionFlagId>,
    /// Sign-out, check-ins, extensions: every word from the staff while out.
    pub check_ins: Vec<store::CheckIn>,
    /// What stands between the visit and its next step, under its policy version. Rules the
    /// policy only advises are marked `advisory`.
    pub unmet: Vec<Unmet>,
    /// Why the visit goes ahead although rules the policy advises are unmet, as staff typed it
    /// when they last requested it (shown to the authoriser).
    pub advisory_reason: Option<String>,
    /// D7: after leaving early because they felt unsafe, the incident form for this visit
    /// ("/incidents/new?visit_id=7"), which the phone and the visit page offer as "Report an
    /// incident"; `None` otherwise.
    pub report_incident: Option<String>,
}

/// Which visits to list.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
pub struct VisitQuery {
    pub school_id: Option<i64>,
    pub status: Option<String>,
    /// Only visits I am on or buddy for.
    pub mine: Option<bool>,
}

/// A `status` filter as typed: blank is none; one that is not a visit status is refused naming
/// `status` (it would only ever list nothing).
fn known_status(status: Option<String>) -> Result<Option<String>> {
    let Some(status) = status
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
    else {
        return Ok(None);
    };
    let all = VisitStatus::ALL.map(VisitStatus::as_str);
    if all.contains(&status.as_str()) {
        return Ok(Some(status));
    }
    Err(Refusal::invalid(
        "status",
        format!(
            "'{status}' is not a visit's status: one of {}",
            all.join(", ")
        ),
    ))
}

/// The policy check of a visit at one stage.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PolicyCheck {
    /// request, authorise or sign_out.
    pub stage: String,
    pub policy_version: i64,
    pub unmet: Vec<Unmet>,
}

/// The stage the visit's next step is checked at: authorise once requested, sign out once
/// authorised, otherwise the request.
pub fn next_stage(visit: &Visit) -> Stage {
    match visit.status {
        VisitStatus::Requested => Stage::Authorise,
        VisitStatus::Authorised => Stage::SignOut,
        _ => Stage::Request,
    }
}

/// A stage named in a query. Errors: `BadRequest("stage")` for any other word.
pub fn stage_named(name: &str) -> Result<Stage> {
    match name {
        "request" => Ok(Stage::Request),
        "authorise" => Ok(Stage::Authorise),
        "sign_out" => Ok(Stage::SignOut),
        other => Err(Refusal::bad_request(
            "stage",
            format!("'{other}' is not request, authorise or sign_out"),
        )),
    }
}

fn stage_word(stage: Stage) -> &'static str {
    match stage {
        Stage::Request => "request",
        Stage::Authorise => "authorise",
        Stage::SignOut => "sign_out",
    }
}

/// Visits this person may see: their own, or their school's (their trust's) for leaders and the
/// office; at most 500, latest first. Errors: `Invalid("school_id")` for a school they do not
/// work in.
pub async fn list(app: &App, me: &Staff, q: VisitQuery) -> Result<Vec<VisitSummary>> {
    let s = scope(me);
    let school = match q.school_id {
        Some(id) => Some(school_in_scope(app, me, Some(id)).await?),
        None => s.school.filter(|id| *id != SchoolId(0)),
    };
    let sees_all = match school {
        Some(school) => sees_school_visits(app, me, school).await?,
        None => me.roles.has(Role::TrustAdmin),
    };
    let involving = if q.mine.unwrap_or(false) || !sees_all {
        Some(me.id)
    } else {
        None
    };
    let filter = VisitFilter {
        trust: Some(me.trust_id),
        school,
        involving,
        status: known_status(q.status)?,
        limit: Some(500),
    };
    Ok(app.db().visits(&filter).await?)
}

/// One visit with its decisions, events, concerns and check-ins. Errors: `NotFound("visit")`
/// for a visit this person may not see.
pub async fn get(app: &App, me: &Staff, id: VisitId) -> Result<VisitDetail> {
    visible_visit(app, me, id).await?;
    // Judged as it is (C1); [`detail`] hides the code word from the answer.
    detail(app, me, app.visit(id).await?).await
}

/// The visit as this person may see it: the code word only for the people on it and the buddy
/// (P5). The look is audited, naming whether the code word was shown (A9).
/// A duress check-in is shown as an ordinary "ok" one to everyone (D4: covert; the other visitor
/// or a colleague at the door may be looking at the phone); the monitor reads the store.
pub async fn detail(app: &App, me: &Staff, visit: Visit) -> Result<VisitDetail> {
    let db = app.db();
    let unmet = if visit.status.is_planning() {
        facts::check(app, &mut Pool(db), &visit, next_stage(&visit), None, &[])
            .await?
            .into_iter()
            // Whether the person looking may authorise is not the plan's problem.
            .filter(|u| u.requirement != "P9")
            .collect()
    } else {
        vec![]
    };
    // The rules above are judged on the visit as it is; the answer hides the code word (P5).
    let mut visit = visit;
    let action = visit_read_action(redact_code_word(&mut visit, me));
    audit::audit_read(app, me, action, "visit", visit.id.0, visit.school_id).await?;
    let mut check_ins = db.check_ins_of(visit.id).await?;
    for c in check_ins
        .iter_mut()
        .filter(|c| c.kind == CheckInKind::Duress)
    {
        c.kind = CheckInKind::Ok;
    }
    let events = db.visit_events(visit.id).await?;
    let advisory_reason = advisory_reason_of(&events);
    let report_incident = left_early(&events).then(|| super::incident_form(&visit));
    Ok(VisitDetail {
        report_incident,
        decisions: db.decisions(visit.id).await?,
        events,
        advisory_reason,
        safety_concerns: db.safety_concerns(visit.id).await?,
        acknowledged_cautions: db.acknowledged_cautions(visit.id).await?,
        check_ins,
        unmet,
        visit,
    })
}

/// Why staff go ahead although rules the policy advises are unmet: the reason typed with the
/// visit's latest request (kept in that event's detail), if any.
pub fn advisory_reason_of(events: &[VisitEvent]) -> Option<String> {
    events
        .iter()
        .rev()
        .find(|e| e.step == "requested")
        .and_then(|e| e.detail.as_ref())
        .and_then(|d| d.0.get("advisory_reason"))
        .and_then(|r| r.as_str())
        .map(str::to_string)
}

/// D7: whether the visitors left the property early because they felt unsafe.
pub fn left_early(events: &[VisitEvent]) -> bool {
    events.iter().any(|e| {
        e.step == "left_property"
            && e.detail
                .as_ref()
                .and_then(|d| d.0.get("early_for_safety"))
                .and_then(|v| v.as_bool())
                .unwrap_or(false)
    })
}

/// [`policy_check`] at a stage named in a query ("request", "authorise", "sign_out"). Errors:
/// `NotFound("visit")` first, then `BadRequest("stage")` for any other word.
pub async fn policy_check_named(
    app: &App,
    me: &Staff,
    id: VisitId,
    stage: Option<&str>,
) -> Result<PolicyCheck> {
    visible_visit(app, me, id).await?;
    let stage = stage.map(stage_named).transpose()?;
    policy_check(app, me, id, stage).await
}

/// Every rule of the school's policy the visit does not yet meet at `stage` (the visit's next
/// step when `None`), in plain words. At the authorise stage the person asking is judged as the
/// authoriser (P9). Errors: `NotFound("visit")`.
pub async fn policy_check(
    app: &App,
    me: &Staff,
    id: VisitId,
    stage: Option<Stage>,
) -> Result<PolicyCheck> {
    visible_visit(app, me, id).await?;
    // The rules are judged on the visit as it is (tester's C1: a code word hidden from the
    // reader is still agreed); the answer names rules only, never the word.
    let visit = app.visit(id).await?;
    let stage = stage.unwrap_or_else(|| next_stage(&visit));
    let authoriser = (stage == Stage::Authorise).then_some(&me.roles);
    let policy = app.policy_version(visit.policy_version_id).await?;
    let unmet = facts::check(app, &mut Pool(app.db()), &visit, stage, authoriser, &[]).await?;
    Ok(PolicyCheck {
        stage: stage_word(stage).to_string(),
        policy_version: policy.version,
        unmet,
    })
}
