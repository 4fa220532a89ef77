//! The planner's view of a household (#10 item 1): what planning a visit needs, for the staff
//! who draft one or are named on one before anybody authorised it. Every read is audited.

use crate::access::{self, HouseholdForPlanning};
use crate::{App, Result, audit};
use domain::{HouseholdId, VisitId};
use store::Staff;

/// The household as planning a visit needs it ([`access::household_for_planning`]), audited as
/// `household.read_for_planning`. Errors: `NotFound("household")` for anyone who neither sees
/// the household nor drafted or is named on a visit to it.
pub async fn household_for_planning(
    app: &App,
    me: &Staff,
    id: HouseholdId,
) -> Result<HouseholdForPlanning> {
    let view = access::household_for_planning(app, me, id).await?;
    let school = app.db().household(id).await?.school_id;
    audit::audit_read(
        app,
        me,
        "household.read_for_planning",
        "household",
        id.0,
        school,
    )
    .await?;
    Ok(view)
}

/// The visit's household as planning needs it, for someone who sees the visit
/// ([`access::visible_visit`]): a visit's people and its school's leaders and office.
/// Errors: `NotFound("visit")`.
pub async fn visit_household(
    app: &App,
    me: &Staff,
    visit: VisitId,
) -> Result<HouseholdForPlanning> {
    let visit = access::visible_visit(app, me, visit).await?;
    household_for_planning(app, me, visit.household_id).await
}
