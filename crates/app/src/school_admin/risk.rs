//! Risk assessments (P8): the questionnaire and hazard matrix, the senior sign-off the policy
//! names, and staff acknowledging they have read it (G2). Readable by whoever may see the
//! household ([`access::visible_household`]); the newest one, which the visit being planned is
//! judged by and its staff acknowledge, also by its planners
//! ([`access::household_for_planning`]), who may complete a new one.

use crate::access::{self, found, hide_as, require_any};
use crate::{App, Refusal, Result, audit};
use chrono::{DateTime, Utc};
use domain::risk::RiskAssessmentInput;
use domain::text::MultiLine;
use domain::{FieldError, HouseholdId, RiskAssessmentId, StaffId, VisitId};
use serde::{Deserialize, Serialize};
use serde_json::json;
use store::{Household, NewRiskAssessment, RiskAssessment, Staff, StoreError};

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewAssessmentInput {
    /// The visit this assessment was made for, if any.
    pub visit_id: Option<i64>,
    #[serde(flatten)]
    pub assessment: RiskAssessmentInput,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct AssessmentDetail {
    pub assessment: RiskAssessment,
    pub acknowledged_by: Vec<StaffId>,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SignOffInput {
    #[serde(default, deserialize_with = "domain::text::blank_as_none")]
    pub comment: Option<MultiLine<2000>>,
}

async fn detail(app: &App, id: RiskAssessmentId) -> Result<AssessmentDetail> {
    Ok(AssessmentDetail {
        assessment: app.db().risk_assessment(id).await?,
        acknowledged_by: app.db().risk_acknowledgements(id).await?,
    })
}

async fn visible_assessment(
    app: &App,
    me: &Staff,
    id: RiskAssessmentId,
) -> Result<(RiskAssessment, Household)> {
    let ra = app.db().risk_assessment(id).await?;
    let household = match access::visible_household(app, me, ra.household_id).await {
        Err(Refusal::NotFound(_)) => {
            // The planner of a visit reads the assessment it is judged by, not the history.
            access::household_for_planning(app, me, ra.household_id)
                .await
                .map_err(hide_as("risk assessment"))?;
            let newest = app.db().latest_risk_assessment(ra.household_id).await?;
            if newest.map(|n| n.id) != Some(ra.id) {
                return Err(Refusal::not_found("risk assessment"));
            }
            app.db().household(ra.household_id).await?
        }
        other => other.map_err(hide_as("risk assessment"))?,
    };
    Ok((ra, household))
}

/// The household's risk assessments, newest first, audited as `risk_assessment.list`.
/// Errors: `NotFound("household")`.
pub async fn assessments(app: &App, me: &Staff, id: HouseholdId) -> Result<Vec<RiskAssessment>> {
    let household = access::visible_household(app, me, id).await?;
    audit::audit_read(
        app,
        me,
        "risk_assessment.list",
        "household",
        id.0,
        household.school_id,
    )
    .await?;
    Ok(app.db().risk_assessments_of(household.id).await?)
}

/// Completes a risk assessment for the household; the newest one is what visits are judged by.
/// Audited as `risk_assessment.create`. Errors: `NotFound("household")`; `Invalid` naming
/// `questionnaire`, `hazards[n].…`, or `visit_id` (no such visit, or one to another household).
pub async fn create_assessment(
    app: &App,
    me: &Staff,
    id: HouseholdId,
    input: &NewAssessmentInput,
    now: DateTime<Utc>,
) -> Result<AssessmentDetail> {
    access::household_for_planning(app, me, id).await?;
    let household = app.db().household(id).await?;
    input.assessment.validate()?;
    if let Some(visit_id) = input.visit_id {
        let visit = found(app.db().visit(VisitId(visit_id)).await)?
            .ok_or_else(|| Refusal::invalid("visit_id", "no such visit"))?;
        if visit.household_id != household.id {
            return Err(FieldError::new("visit_id", "that visit is to another household").into());
        }
    }
    let mut tx = app.db().begin().await?;
    let ra = tx
        .create_risk_assessment(
            &NewRiskAssessment {
                household: household.id,
                visit: input.visit_id.map(VisitId),
                input: &input.assessment,
                completed_by: me.id,
            },
            now,
        )
        .await?;
    let detail_row =
        json!({ "household": household.id, "risk_after": input.assessment.risk_after_controls });
    let e = audit::entry(
        app,
        me,
        "risk_assessment.create",
        "risk_assessment",
        ra.0,
        Some(household.school_id),
        detail_row,
    );
    tx.append_audit(&e).await?;
    tx.commit().await?;
    detail(app, ra).await
}

/// One risk assessment with who has acknowledged it, audited as `risk_assessment.read`.
/// Errors: `NotFound("risk assessment")`.
pub async fn assessment(app: &App, me: &Staff, id: RiskAssessmentId) -> Result<AssessmentDetail> {
    let (ra, household) = visible_assessment(app, me, id).await?;
    audit::audit_read(
        app,
        me,
        "risk_assessment.read",
        "risk_assessment",
        id.0,
        household.school_id,
    )
    .await?;
    detail(app, ra.id).await
}

/// P8: the senior sign-off, by a role the school's policy names, audited as
/// `risk_assessment.sign_off`. Errors: `Forbidden`; `Conflict("risk_assessment")` when it is
/// already signed off; `Invalid("comment")`.
pub async fn sign_off_assessment(
    app: &App,
    me: &Staff,
    id: RiskAssessmentId,
    input: &SignOffInput,
    now: DateTime<Utc>,
) -> Result<AssessmentDetail> {
    let (ra, household) = visible_assessment(app, me, id).await?;
    let mut tx = app.db().begin().await?;
    let policy = tx.current_policy(household.school_id).await?;
    require_any(
        me,
        &policy.settings.risk_assessment.sign_off_roles,
        "sign off a risk assessment",
    )?;
    let comment = input.comment.as_deref().map(str::to_string);
    tx.sign_off_risk_assessment(ra.id, me.id, comment.as_deref(), now)
        .await?;
    let e = audit::entry(
        app,
        me,
        "risk_assessment.sign_off",
        "risk_assessment",
        id.0,
        Some(household.school_id),
        json!({}),
    );
    tx.append_audit(&e).await?;
    tx.commit().await?;
    detail(app, ra.id).await
}

/// G2: "I have read and understand the risk assessment." Saying it twice is harmless; each
/// is audited as `risk_assessment.acknowledge`. Errors: `NotFound("risk assessment")`.
pub async fn acknowledge_assessment(
    app: &App,
    me: &Staff,
    id: RiskAssessmentId,
    now: DateTime<Utc>,
) -> Result<AssessmentDetail> {
    let (ra, household) = visible_assessment(app, me, id).await?;
    let mut tx = app.db().begin().await?;
    tx.acknowledge_risk_assessment(ra.id, me.id, now).await?;
    let e = audit::entry(
        app,
        me,
        "risk_assessment.acknowledge",
        "risk_assessment",
        id.0,
        Some(household.school_id),
        json!({}),
    );
    tx.append_audit(&e).await?;
    tx.commit().await?;
    detail(app, ra.id).await
}

/// The household's newest risk assessment as pages show it, with the people named.
pub struct AssessmentView {
    pub assessment: RiskAssessment,
    pub acknowledged_by: Vec<StaffId>,
    /// Names of those who acknowledged it, in the same order.
    pub acknowledged_names: Vec<String>,
    pub completed_by: String,
    pub signed_off_by: Option<String>,
}

async fn name(app: &App, id: i64) -> Result<String> {
    match app.db().staff(StaffId(id)).await {
        Ok(s) => Ok(s.name),
        // An account removed since: the record stays readable.
        Err(StoreError::NotFound { .. }) => Ok("someone".into()),
        Err(e) => Err(e.into()),
    }
}

/// The newest risk assessment of a household the caller has already found readable (the
/// household, visit and authorisation pages), with names; `None` when there is none.
pub async fn latest_assessment(
    app: &App,
    household: HouseholdId,
) -> Result<Option<AssessmentView>> {
    let Some(ra) = app.db().latest_risk_assessment(household).await? else {
        return Ok(None);
    };
    let acks = app.db().risk_acknowledgements(ra.id).await?;
    let mut acknowledged_names = Vec::with_capacity(acks.len());
    for a in &acks {
        acknowledged_names.push(name(app, a.0).await?);
    }
    let signed_off_by = match ra.signed_off_by {
        Some(by) => Some(name(app, by).await?),
        None => None,
    };
    Ok(Some(AssessmentView {
        completed_by: name(app, ra.completed_by).await?,
        signed_off_by,
        acknowledged_by: acks,
        acknowledged_names,
        assessment: ra,
    }))
}
