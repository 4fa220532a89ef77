//! [`RecordClass::Visit`](super::RecordClass::Visit): who sees a visit and acts on it, and who
//! sees or watches a school's visits and alarms.

use super::can_see_school;
use crate::permissions::{self, ALARM_WATCHERS};
use crate::{App, Refusal, Result};
use domain::{SchoolId, VisitId};
use store::{Staff, Visit};

/// Whether the person sees the whole of this school's visits (not just visits they are on).
pub async fn sees_school_visits(app: &App, staff: &Staff, school: SchoolId) -> Result<bool> {
    let s = app.db().school(school).await?;
    Ok(can_see_school(staff, s.id, s.trust_id) && permissions::sees_whole_school(staff))
}

/// Whether the person watches this school's alarms (the board).
pub async fn watches_school(app: &App, staff: &Staff, school: SchoolId) -> Result<bool> {
    let s = app.db().school(school).await?;
    Ok(can_see_school(staff, s.id, s.trust_id) && staff.roles.any_of(&ALARM_WATCHERS))
}

/// [`RecordClass::Visit`](super::RecordClass::Visit), read: the visit, if this person may see it, with its code word only
/// for its people ([`permissions::redact_code_word`]); otherwise `NotFound`.
pub async fn visible_visit(app: &App, staff: &Staff, id: VisitId) -> Result<Visit> {
    let mut visit = app.visit(id).await?;
    if visit.involves(staff.id) || sees_school_visits(app, staff, visit.school_id).await? {
        permissions::redact_code_word(&mut visit, staff);
        Ok(visit)
    } else {
        Err(Refusal::not_found("visit"))
    }
}

/// [`RecordClass::Visit`](super::RecordClass::Visit), change: the people on it and its buddy, or those who see the school's
/// visits (the office records phoned-in check-ins, leaders step in).
pub async fn visit_to_act_on(app: &App, staff: &Staff, id: VisitId, doing: &str) -> Result<Visit> {
    let visit = visible_visit(app, staff, id).await?;
    if visit.involves(staff.id) || sees_school_visits(app, staff, visit.school_id).await? {
        Ok(visit)
    } else {
        Err(Refusal::forbidden(format!(
            "only the staff on this visit, its buddy or school leaders and office may {doing}"
        )))
    }
}
