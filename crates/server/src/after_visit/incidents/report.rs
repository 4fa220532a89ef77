//! What a member of staff writes in an incident report, checked, and where it happened.

use super::rules::IncidentKind;
use crate::AppState;
use crate::access::{sees_school_visits, visible_visit};
use crate::error::ApiError;
use crate::households::visible_household;
use chrono::{DateTime, Duration, Utc};
use domain::{FieldError, HouseholdId, PupilId, SchoolId, VisitId, inputs};
use serde::Deserialize;
use store::{IncidentDraft, Staff};

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct ReportInput {
    kind: IncidentKind,
    occurred_at: DateTime<Utc>,
    location: Option<String>,
    /// What happened, factually. May be completed later, but before the report is shared.
    account: Option<String>,
    people_involved: Option<String>,
    injuries: Option<String>,
    #[serde(default)]
    police_called: bool,
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

pub(super) fn check_report(
    r: &ReportInput,
    now: DateTime<Utc>,
) -> Result<CheckedReport, FieldError> {
    if r.occurred_at > now + Duration::minutes(5) {
        return Err(FieldError::new("occurred_at", "is in the future"));
    }
    if r.occurred_at < now - Duration::days(31) {
        return Err(FieldError::new("occurred_at", "is more than a month ago"));
    }
    let opt = |field: &str, v: &Option<String>, max| {
        inputs::optional_text(field, v.as_deref().unwrap_or(""), max)
    };
    Ok(CheckedReport {
        kind: r.kind,
        occurred_at: r.occurred_at,
        location: opt("location", &r.location, 300)?,
        account: opt("account", &r.account, 10_000)?.unwrap_or_default(),
        people_involved: opt("people_involved", &r.people_involved, 1000)?,
        injuries: opt("injuries", &r.injuries, 1000)?,
        police_called: r.police_called,
    })
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct NewIncidentInput {
    /// The visit it happened on, if any: its household and pupil are used.
    visit_id: Option<i64>,
    /// The household, when not on a planned visit.
    household_id: Option<i64>,
    pupil_id: Option<i64>,
    #[serde(flatten)]
    pub(super) report: ReportInput,
}

/// Where the incident happened: the visit's household and pupil, or a household the person sees.
pub(super) async fn place(
    state: &AppState,
    me: &Staff,
    input: &NewIncidentInput,
) -> Result<(SchoolId, HouseholdId, Option<PupilId>, Option<VisitId>), ApiError> {
    if let Some(v) = input.visit_id {
        let visit = visible_visit(state, me, VisitId(v))
            .await
            .map_err(app::access::unknown("visit_id", "no such visit"))?;
        if !visit.involves(me.id) && !sees_school_visits(state, me, visit.school_id).await? {
            return Err(ApiError::forbidden(
                "only the staff on this visit, its buddy or school leaders may report an incident on it",
            ));
        }
        return Ok((
            visit.school_id,
            visit.household_id,
            Some(visit.pupil_id),
            Some(visit.id),
        ));
    }
    let Some(h) = input.household_id else {
        return Err(FieldError::new(
            "household_id",
            "name the visit or the household where it happened",
        )
        .into());
    };
    let household = visible_household(state, me, HouseholdId(h))
        .await
        .map_err(super::super::unknown("household_id", "no such household"))?;
    let pupil = match input.pupil_id {
        Some(p) => {
            let pupil = super::super::found(state.db().pupil(PupilId(p)).await)?
                .filter(|p| p.household_id == household.id);
            Some(
                pupil
                    .ok_or_else(|| FieldError::new("pupil_id", "is not a pupil of this household"))?
                    .id,
            )
        }
        None => None,
    };
    Ok((household.school_id, household.id, pupil, None))
}
