//! What a member of staff writes in an incident report, checked, and where it happened: the
//! visit it was on, or a household they may see.

use crate::access::{found, sees_school_visits, unknown, visible_household, visible_visit};
use crate::audit::audit_read;
use crate::permissions::{redact_code_word, visit_read_action};
use crate::{App, Refusal, Result};
use chrono::{DateTime, Utc};
use domain::safeguarding::{IncidentKind, check_occurred_at};
use domain::text::{Line, MultiLine};
use domain::{FieldError, HouseholdId, PupilId, SchoolId, VisitId};
use serde::Deserialize;
use store::{Household, IncidentDraft, Staff, Visit};

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReportInput {
    pub kind: IncidentKind,
    pub occurred_at: DateTime<Utc>,
    #[serde(default, deserialize_with = "domain::text::blank_as_none")]
    pub location: Option<Line<300>>,
    /// What happened, factually. May be completed later, but before the report is shared.
    #[serde(default, deserialize_with = "domain::text::blank_as_none")]
    pub account: Option<MultiLine<10000>>,
    #[serde(default, deserialize_with = "domain::text::blank_as_none")]
    pub people_involved: Option<MultiLine<1000>>,
    #[serde(default, deserialize_with = "domain::text::blank_as_none")]
    pub injuries: Option<MultiLine<1000>>,
    #[serde(default)]
    pub police_called: bool,
}

pub(super) struct CheckedReport {
    pub(super) kind: IncidentKind,
    pub(super) occurred_at: DateTime<Utc>,
    location: Option<String>,
    account: String,
    people_involved: Option<String>,
    injuries: Option<String>,
    police_called: bool,
}

impl CheckedReport {
    pub(super) fn draft(&self) -> IncidentDraft<'_> {
        IncidentDraft {
            kind: self.kind.as_str(),
            occurred_at: self.occurred_at,
            location: self.location.as_deref(),
            account: &self.account,
            people_involved: self.people_involved.as_deref(),
            injuries: self.injuries.as_deref(),
            police_called: self.police_called,
        }
    }
}

/// The report's texts checked and trimmed. Errors name the field: `occurred_at` (in the future,
/// more than a month ago), `location`, `account`, `people_involved`, `injuries` (too long).
pub(super) fn check_report(r: &ReportInput, now: DateTime<Utc>) -> Result<CheckedReport> {
    check_occurred_at(r.occurred_at, now)?;
    Ok(CheckedReport {
        kind: r.kind,
        occurred_at: r.occurred_at,
        location: r.location.as_deref().map(str::to_string),
        account: r.account.as_deref().map(str::to_string).unwrap_or_default(),
        people_involved: r.people_involved.as_deref().map(str::to_string),
        injuries: r.injuries.as_deref().map(str::to_string),
        police_called: r.police_called,
    })
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewIncidentInput {
    /// The visit it happened on, if any: its household and pupil are used.
    pub visit_id: Option<i64>,
    /// The household, when not on a planned visit.
    pub household_id: Option<i64>,
    pub pupil_id: Option<i64>,
    #[serde(flatten)]
    pub report: ReportInput,
}

/// Where the incident happened.
pub(super) struct Place {
    pub(super) school: SchoolId,
    pub(super) household: HouseholdId,
    pub(super) pupil: Option<PupilId>,
    pub(super) visit: Option<VisitId>,
}

/// Where the incident happened: the visit's household and pupil, or a household the person sees.
pub(super) async fn place(app: &App, me: &Staff, input: &NewIncidentInput) -> Result<Place> {
    if let Some(v) = input.visit_id {
        let visit = visible_visit(app, me, VisitId(v))
            .await
            .map_err(unknown("visit_id", "no such visit"))?;
        if !visit.involves(me.id) && !sees_school_visits(app, me, visit.school_id).await? {
            return Err(Refusal::forbidden(
                "only the staff on this visit, its buddy or school leaders may report an incident on it",
            ));
        }
        return Ok(Place {
            school: visit.school_id,
            household: visit.household_id,
            pupil: Some(visit.pupil_id),
            visit: Some(visit.id),
        });
    }
    let Some(h) = input.household_id else {
        return Err(FieldError::new(
            "household_id",
            "name the visit or the household where it happened",
        )
        .into());
    };
    let household = visible_household(app, me, HouseholdId(h))
        .await
        .map_err(unknown("household_id", "no such household"))?;
    let pupil = match input.pupil_id {
        Some(p) => {
            let pupil =
                found(app.db().pupil(PupilId(p)).await)?.filter(|p| p.household_id == household.id);
            Some(
                pupil
                    .ok_or_else(|| FieldError::new("pupil_id", "is not a pupil of this household"))?
                    .id,
            )
        }
        None => None,
    };
    Ok(Place {
        school: household.school_id,
        household: household.id,
        pupil,
        visit: None,
    })
}

/// The visit a report is being written from, and its household, for the report's form.
pub struct ReportPlace {
    /// Without its code word for anyone not on it (P5).
    pub visit: Visit,
    pub household: Household,
}

/// The visit a report is written from, if this person may see it; the look is audited like any
/// read of a visit. Error: `NotFound("visit")`.
pub async fn report_place(app: &App, me: &Staff, visit: VisitId) -> Result<ReportPlace> {
    let mut visit = visible_visit(app, me, visit).await?;
    let action = visit_read_action(redact_code_word(&mut visit, me));
    audit_read(app, me, action, "visit", visit.id.0, visit.school_id).await?;
    let household = app.db().household(visit.household_id).await?;
    Ok(ReportPlace { visit, household })
}

/// The households of `school` this person may report an incident about: the households they may
/// list ([`crate::school_admin::households`]), with addresses only for those who read them; none
/// for those who may list none (they report an incident from a visit).
pub async fn incident_households(
    app: &App,
    me: &Staff,
    school: Option<i64>,
) -> Result<Vec<crate::access::RegisterHousehold>> {
    match crate::school_admin::households(app, me, school).await {
        Err(Refusal::Forbidden(_)) => Ok(Vec::new()),
        other => other,
    }
}
