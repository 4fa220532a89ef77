//! [`RecordClass::Household`](super::RecordClass::Household): the whole household (its adults,
//! contacts, notes, risk history) for those involved with it, and the planner's view of it
//! ([`HouseholdForPlanning`]) for the staff planning a visit there (#10 item 1).

use super::pupil::involved;
use super::{can_see_school, sees_school_visits};
use crate::{App, Refusal, Result};
use domain::inputs::Postcode;
use domain::recorded::Recorded;
use domain::{HouseholdId, SchoolId};
use serde::Serialize;
use std::collections::HashMap;
use store::{Household, Staff, Visit};

/// [`RecordClass::Household`](super::RecordClass::Household), the whole record: the leaders and
/// the office of its school (who see all its visits), and staff involved with one of its
/// children as the school granted it ([`super::readable_pupil`]'s involvement: a visitor or the
/// buddy on an *authorised* visit, within the policy's
/// `records_access.involvement_after_visit_days` after it ends; a grant; an open break-glass).
/// Drafting, requesting or being named on a visit nobody authorised gives only
/// [`household_for_planning`]. Errors: `NotFound("household")` for anyone else.
pub async fn visible_household(app: &App, staff: &Staff, id: HouseholdId) -> Result<Household> {
    let household = app.db().household(id).await?;
    if sees_school_visits(app, staff, household.school_id).await? {
        return Ok(household);
    }
    let school = app.db().school(household.school_id).await?;
    for pupil in app.db().pupils_of_household(id).await? {
        if involved(app, staff, &pupil, &school).await? {
            return Ok(household);
        }
    }
    Err(Refusal::not_found("household"))
}

/// The household of each of `visits` (visits the person sees, from [`super::visible_visits`]),
/// in their order, for a page of cards: [`visible_household`]'s decision, with the households
/// read at once. Being a visitor or the buddy of a visit past authorisation whose planned return
/// is within the policy's `records_access.involvement_after_visit_days` is involvement with its
/// child (the same rule the store's involvement check applies), so it opens the household
/// without a read; anyone else is judged by [`visible_household`] itself.
/// Errors: `NotFound("household")`.
pub async fn households_of_visits(
    app: &App,
    staff: &Staff,
    visits: &[Visit],
) -> Result<Vec<Household>> {
    let ids: Vec<HouseholdId> = visits.iter().map(|v| v.household_id).collect();
    let found = app.db().households_by_id(&ids).await?;
    let mut days: HashMap<SchoolId, i64> = HashMap::new();
    let now = app.now();
    let mut out = Vec::with_capacity(visits.len());
    for visit in visits {
        let named = visit.involves(staff.id) && visit.status.has_been_authorised();
        let recent = if named {
            let days = match days.get(&visit.school_id) {
                Some(d) => *d,
                None => {
                    let policy = app.db().current_policy(visit.school_id).await?;
                    let d = i64::from(policy.settings.records_access.involvement_after_visit_days);
                    days.insert(visit.school_id, d);
                    d
                }
            };
            visit.planned_return >= now - chrono::Duration::days(days)
        } else {
            false
        };
        let household = match found.iter().position(|h| h.id == visit.household_id) {
            Some(at) if recent => found[at].clone(),
            Some(_) | None => visible_household(app, staff, visit.household_id).await?,
        };
        out.push(household);
    }
    Ok(out)
}

/// What planning a visit needs of a household, and no more: the family's name, the address
/// and postcode the visit goes to, the children's names, the caution flags a planner must
/// think about (P3, P10) and whether the household is blocked until reviewed (P10). No adults,
/// contacts, notes, risk history or chronology.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct HouseholdForPlanning {
    pub id: i64,
    pub family_name: String,
    pub address: String,
    #[schema(value_type = String)]
    pub postcode: Recorded<Postcode>,
    pub pupils: Vec<PlanningPupil>,
    /// Each caution's words, as raised (its source and who raised it are left out).
    pub cautions: Vec<String>,
    /// Blocked until the leaders review it (P10): no visit may be requested.
    pub blocked: bool,
}

/// A child of the household as the planner sees them: the name and year group only.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PlanningPupil {
    pub id: i64,
    pub name: String,
    pub year_group: Option<String>,
}

/// [`RecordClass::Household`](super::RecordClass::Household), the planner's view: whoever sees
/// the whole household ([`visible_household`]), and staff who drafted or requested a visit to
/// it or are named on one (a visitor or the buddy), whatever its state. Errors:
/// `NotFound("household")` for anyone else.
pub async fn household_for_planning(
    app: &App,
    staff: &Staff,
    id: HouseholdId,
) -> Result<HouseholdForPlanning> {
    let household = plannable(app, staff, id).await?;
    let db = app.db();
    let (pupils, cautions) = tokio::try_join!(
        db.pupils_of_household(household.id),
        db.caution_flags(household.id),
    )?;
    Ok(HouseholdForPlanning {
        id: household.id.0,
        pupils: pupils
            .into_iter()
            .map(|p| PlanningPupil {
                id: p.id.0,
                name: p.name,
                year_group: p.year_group,
            })
            .collect(),
        cautions: cautions.into_iter().map(|c| c.description).collect(),
        blocked: household.blocked,
        family_name: household.family_name,
        address: household.address,
        postcode: household.postcode,
    })
}

/// [`household_for_planning`]'s decision for a page that shows only whose household it is (the
/// risk assessment form): the family's name, without reading the children or the cautions.
/// Errors: `NotFound("household")`, as [`household_for_planning`].
pub async fn family_name_for_planning(app: &App, staff: &Staff, id: HouseholdId) -> Result<String> {
    Ok(plannable(app, staff, id).await?.family_name)
}

/// The household, if the person sees it whole or plans a visit to it.
async fn plannable(app: &App, staff: &Staff, id: HouseholdId) -> Result<Household> {
    match visible_household(app, staff, id).await {
        Ok(h) => Ok(h),
        Err(Refusal::NotFound(_)) => {
            let h = app.db().household(id).await?;
            let school = app.db().school(h.school_id).await?;
            if !can_see_school(staff, school.id, school.trust_id)
                || !app.db().plans_visit_to_household(staff.id, id).await?
            {
                return Err(Refusal::not_found("household"));
            }
            Ok(h)
        }
        Err(e) => Err(e),
    }
}
