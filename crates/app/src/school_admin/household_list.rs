//! Which households a person sees, and which visits to one: the lists the household pages and
//! the incident form offer, each entry behind [`access::visible_household`].

use crate::access::{self, RegisterHousehold, sees_school_visits};
use crate::{App, Refusal, Result};
use store::{Household, Staff, VisitFilter, VisitSummary};

/// The households of a school (`school_id`, or the person's own) this person may see: all of
/// them for those who see the school's visits, otherwise those they are involved with
/// ([`access::visible_household`]); each with its address only for those who keep the
/// households ([`access::household_register`]), by family name for other staff.
/// Errors: `Invalid("school_id")` for a school they do not work in; `Forbidden` for those with
/// no need to know the school's families (the chair of governors).
pub async fn households(
    app: &App,
    me: &Staff,
    school_id: Option<i64>,
) -> Result<Vec<RegisterHousehold>> {
    let (school, detail) = access::household_register(app, me, school_id).await?;
    let listed = |all: Vec<Household>| {
        all.into_iter()
            .map(|h| RegisterHousehold::of(h, detail))
            .collect()
    };
    let all = app.db().households_of_school(school).await?;
    if sees_school_visits(app, me, school).await? {
        return Ok(listed(all));
    }
    let mine = app
        .db()
        .visits(&VisitFilter {
            school: Some(school),
            involving: Some(me.id),
            ..Default::default()
        })
        .await?;
    // Being named on a visit nobody authorised opens only the planner's view (#10).
    let mut seen = Vec::new();
    for h in all
        .into_iter()
        .filter(|h| mine.iter().any(|v| v.household_id == h.id))
    {
        match access::visible_household(app, me, h.id).await {
            Ok(h) => seen.push(h),
            Err(Refusal::NotFound(_)) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(listed(seen))
}

/// The visits to this household the person sees (all the school's for those who see them,
/// otherwise those they are on or buddy for), at most 500, as planned.
pub async fn household_visits(
    app: &App,
    me: &Staff,
    household: &Household,
) -> Result<Vec<VisitSummary>> {
    let sees_all = sees_school_visits(app, me, household.school_id).await?;
    let rows = app
        .db()
        .visits(&VisitFilter {
            school: Some(household.school_id),
            involving: if sees_all { None } else { Some(me.id) },
            limit: Some(500),
            ..Default::default()
        })
        .await?;
    Ok(rows
        .into_iter()
        .filter(|v| v.household_id == household.id)
        .collect())
}
