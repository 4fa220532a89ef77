//! Pupils (P3): the school roll, adding a pupil to a household, and the pupil's page.

use super::household_list::household_visits;
use crate::access::{self, can_see_school, found};
use crate::{App, Refusal, Result, audit};
use chrono::{DateTime, NaiveDate, Utc};
use domain::text::Line;
use domain::{FieldError, HouseholdId, PupilId};
use serde::Deserialize;
use serde_json::json;
use store::{Household, NewPupil, Pupil, Staff, VisitSummary};

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewPupilInput {
    pub household_id: i64,
    pub name: Line<200>,
    #[schema(value_type = String, format = Date)]
    pub date_of_birth: NaiveDate,
    pub height_cm: Option<i64>,
    #[serde(default, deserialize_with = "domain::text::blank_as_none")]
    pub year_group: Option<Line<20>>,
}

/// The school roll: pupils of the school named (or the person's own), each whole or by name and
/// year group only as [`access::roll`] decides. Errors: `Invalid("school_id")` for a school they
/// do not work in; `Forbidden` for those with no need to know the school's children.
pub async fn pupils(
    app: &App,
    me: &Staff,
    school_id: Option<i64>,
) -> Result<Vec<access::RollPupil>> {
    let (school, detail) = access::roll(app, me, school_id).await?;
    Ok(app
        .db()
        .pupils_of_school(school)
        .await?
        .into_iter()
        .map(|p| access::RollPupil::of(p, detail))
        .collect())
}

/// Adds a pupil to a household of a school the person works in, audited as `pupil.create`.
/// Errors: `Invalid("household_id")` for no such household (or one of another school);
/// `Invalid` naming `name`, `date_of_birth` (not after today, not before 1990) or
/// `height_cm` (30 to 250 cm).
pub async fn create_pupil(
    app: &App,
    me: &Staff,
    input: &NewPupilInput,
    now: DateTime<Utc>,
) -> Result<Pupil> {
    let no_such = || Refusal::invalid("household_id", "no such household");
    let household =
        found(app.db().household(HouseholdId(input.household_id)).await)?.ok_or_else(no_such)?;
    let school = found(app.db().school(household.school_id).await)?.ok_or_else(no_such)?;
    if !can_see_school(me, school.id, school.trust_id) {
        return Err(no_such());
    }
    let name = input.name.to_string();
    let today = now.date_naive();
    let earliest = NaiveDate::from_ymd_opt(1990, 1, 1).unwrap_or(input.date_of_birth);
    if input.date_of_birth > today || input.date_of_birth < earliest {
        return Err(FieldError::new("date_of_birth", "is not a pupil's date of birth").into());
    }
    if input.height_cm.is_some_and(|h| !(30..=250).contains(&h)) {
        return Err(FieldError::new("height_cm", "must be between 30 and 250 cm").into());
    }
    let year_group = input.year_group.as_deref().map(str::to_string);
    let mut tx = app.db().begin().await?;
    let id = tx
        .create_pupil(&NewPupil {
            school: household.school_id,
            household: household.id,
            name: &name,
            date_of_birth: input.date_of_birth,
            height_cm: input.height_cm,
            year_group: year_group.as_deref(),
        })
        .await?;
    let e = audit::entry(
        app,
        me,
        "pupil.create",
        "pupil",
        id.0,
        Some(household.school_id),
        json!({}),
    );
    tx.append_audit(&e).await?;
    tx.commit().await?;
    Ok(app.db().pupil(id).await?)
}

/// A pupil of a school the person works in, whole or by name and year group only as
/// [`access::roll`] decides. Errors: `NotFound("pupil")` for a pupil of another school;
/// `Forbidden` as [`access::roll`].
pub async fn pupil(app: &App, me: &Staff, id: PupilId) -> Result<access::RollPupil> {
    let pupil = app.db().pupil(id).await?;
    let school = app.db().school(pupil.school_id).await?;
    if !can_see_school(me, school.id, school.trust_id) {
        return Err(Refusal::not_found("pupil"));
    }
    let (_, detail) = access::roll(app, me, Some(school.id.0)).await?;
    Ok(access::RollPupil::of(pupil, detail))
}

/// What the pupil's page shows.
pub struct PupilView {
    pub pupil: Pupil,
    pub household: Household,
    /// Visits to the household for this pupil that the person sees.
    pub visits: Vec<VisitSummary>,
    /// Whether the person may open the child's chronology (A9).
    pub reads_chronology: bool,
}

/// The pupil's page: readable by whoever may see the pupil's household
/// ([`access::visible_household`]); audited as `pupil.read`. Errors: `NotFound("pupil")`.
pub async fn pupil_page(app: &App, me: &Staff, id: PupilId) -> Result<PupilView> {
    let pupil = app.db().pupil(id).await?;
    let household = access::visible_household(app, me, pupil.household_id)
        .await
        .map_err(access::hide_as("pupil"))?;
    audit::audit_read(app, me, "pupil.read", "pupil", id.0, pupil.school_id).await?;
    let visits = household_visits(app, me, &household)
        .await?
        .into_iter()
        .filter(|v| v.pupil_name == pupil.name)
        .collect();
    let reads_chronology = match access::readable_pupil(app, me, pupil.id).await {
        Ok(_) => true,
        Err(Refusal::NotFound(_)) => false,
        Err(e) => return Err(e),
    };
    Ok(PupilView {
        pupil,
        household,
        visits,
        reads_chronology,
    })
}
