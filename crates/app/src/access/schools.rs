//! A school's records as a whole: the visits export (G4), the governors' report (G5) and
//! calendar links (P7).

use super::{can_see_school, require_any, school_in_scope, sees_school_visits};
use crate::permissions;
use crate::{App, Refusal, Result};
use domain::{Role, SchoolId};
use store::{School, Staff};

/// the rows carry every child's outcomes. Errors: as [`school_in_scope`]; `Forbidden` otherwise.
pub async fn visits_to_export(app: &App, staff: &Staff, named: Option<i64>) -> Result<SchoolId> {
    let school = school_in_scope(app, staff, named).await?;
    if staff.school_id == Some(school) && staff.roles.any_of(&permissions::RECORD_OVERSEERS) {
        Ok(school)
    } else {
        Err(Refusal::forbidden(
            "only the school's DSL or headteacher may export its visits",
        ))
    }
}

/// G5: the schools a governors' report covers. The head, the DSL and the chair of governors read
/// their own school's (`named` must be it or `None`); a trust administrator reads one school of
/// the trust (`named`) or, with `None`, the whole trust. Errors: `Forbidden` for anyone else;
/// `Invalid("school_id")` for a school outside the person's scope.
pub async fn report_schools(app: &App, staff: &Staff, named: Option<i64>) -> Result<Vec<School>> {
    require_any(
        staff,
        &permissions::REPORT_READERS,
        "read the governors' report",
    )?;
    if staff.roles.has(Role::TrustAdmin) && named.is_none() {
        return Ok(app.db().schools_of_trust(staff.trust_id).await?);
    }
    let school = school_in_scope(app, staff, named).await?;
    let own = staff.school_id == Some(school);
    if own || staff.roles.has(Role::TrustAdmin) {
        Ok(vec![app.db().school(school).await?])
    } else {
        Err(Refusal::invalid("school_id", "no such school"))
    }
}

/// #11 item 9: the school whose drills the person may start and end — their own school, and
/// they are among [`permissions::DRILL_RUNNERS`] (the head, the DSL). Errors: `Forbidden` for
/// anyone else, or for another school.
pub fn may_run_drills(staff: &Staff, school: SchoolId) -> Result<()> {
    require_any(staff, &permissions::DRILL_RUNNERS, "start or end a drill")?;
    if staff.school_id == Some(school) {
        Ok(())
    } else {
        Err(Refusal::forbidden(
            "a drill may only be run at your own school",
        ))
    }
}

/// #11 item 9: the school whose drill report the person may read: the drill runners and the
/// governors' report readers (the head shows it to governors) of their own school; a trust
/// administrator names one school of the trust. Errors: as [`school_in_scope`]; `Forbidden`.
pub async fn drill_report_school(app: &App, staff: &Staff, named: Option<i64>) -> Result<SchoolId> {
    let school = school_in_scope(app, staff, named).await?;
    if staff.roles.any_of(&permissions::DRILL_RUNNERS) {
        return Ok(school);
    }
    require_any(staff, &permissions::REPORT_READERS, "read the drill report")?;
    Ok(school)
}

/// P7: whether the person sees and revokes every calendar link of `school` (its head), not
/// just the links they made.
pub fn manages_calendar_links(staff: &Staff, school: SchoolId) -> bool {
    staff.roles.has(Role::Headteacher) && staff.school_id == Some(school)
}

/// P7: whether a calendar link's feed is still served: its maker is active and, for a whole
/// school's feed, still sees that school's visits or reads every child's records.
pub async fn calendar_feed_allowed(
    app: &App,
    maker: &Staff,
    school: SchoolId,
    whole_school: bool,
) -> Result<bool> {
    Ok(maker.active
        && (!whole_school
            || sees_school_visits(app, maker, school).await?
            || permissions::reads_every_child(maker)))
}

/// A school this person works in (their own, or their trust's for trust-wide roles).
/// Errors: `NotFound("school")`, also for a school out of their scope.
pub async fn visible_school(app: &App, me: &Staff, id: SchoolId) -> Result<School> {
    let school = app.db().school(id).await?;
    if can_see_school(me, school.id, school.trust_id) {
        Ok(school)
    } else {
        Err(Refusal::not_found("school"))
    }
}
