//! [`RecordClass::Visit`](super::RecordClass::Visit): who sees a visit and acts on it, and who
//! sees or watches a school's visits and alarms.

use super::can_see_school;
use crate::permissions::{self, ALARM_WATCHERS};
use crate::{App, Refusal, Result};
use domain::{SchoolId, VisitId};
use std::collections::HashMap;
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

/// [`visible_visit`] for many visits at once (a page of cards): the visits in one read, and
/// whether the person sees a school's visits decided once per school. Returned in the order of
/// `ids`. Errors: `NotFound("visit")` when any of them is missing or not theirs to see.
pub async fn visible_visits(app: &App, staff: &Staff, ids: &[VisitId]) -> Result<Vec<Visit>> {
    let mut found = app.db().visits_by_id(ids).await?;
    let mut schools: HashMap<SchoolId, bool> = HashMap::new();
    let mut out = Vec::with_capacity(ids.len());
    for id in ids {
        let Some(at) = found.iter().position(|v| v.id == *id) else {
            return Err(Refusal::not_found("visit"));
        };
        let mut visit = found.swap_remove(at);
        if !visit.involves(staff.id) {
            let sees = match schools.get(&visit.school_id) {
                Some(sees) => *sees,
                None => {
                    let sees = sees_school_visits(app, staff, visit.school_id).await?;
                    schools.insert(visit.school_id, sees);
                    sees
                }
            };
            if !sees {
                return Err(Refusal::not_found("visit"));
            }
        }
        permissions::redact_code_word(&mut visit, staff);
        out.push(visit);
    }
    Ok(out)
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

/// [`RecordClass::Visit`](super::RecordClass::Visit), the visitors' own safety taps ("I'm OK",
/// "need more time", arrived, nobody home, left, back): only the staff named as visiting. A buddy,
/// the office or a leader who hears from them records a phoned-in check-in instead, which names
/// who phoned (D3). Anyone else who may see the visit gets `Forbidden`; others `NotFound`.
pub async fn visit_as_visitor(app: &App, staff: &Staff, id: VisitId, doing: &str) -> Result<Visit> {
    let visit = visible_visit(app, staff, id).await?;
    if visit.staff.iter().any(|s| s.staff_id == staff.id) {
        Ok(visit)
    } else {
        Err(Refusal::forbidden(format!(
            "only the staff visiting may {doing}; if they phoned, record a phoned-in check-in, which names who phoned"
        )))
    }
}

/// [`RecordClass::Visit`](super::RecordClass::Visit), the information pack (A2: what the police
/// are read when staff are missing): only for a visit that has left school — out now, or back
/// with an alarm on record — and only to the people on it or an alarm watcher who sees it. A
/// visit being planned opens nothing of the family beyond the planner's view
/// ([`super::household_for_planning`]). Errors: `NotFound("visit")`; `Forbidden` for anyone else,
/// or before the visit has been signed out.
pub async fn visit_for_pack(app: &App, staff: &Staff, id: VisitId) -> Result<Visit> {
    let visit = visible_visit(app, staff, id).await?;
    if !visit.involves(staff.id) {
        super::require_any(staff, &ALARM_WATCHERS, "read the information pack")?;
    }
    let left_school = visit.state.is_out() || !app.db().alarms_of_visit(visit.id).await?.is_empty();
    if left_school {
        Ok(visit)
    } else {
        Err(Refusal::forbidden(
            "the information pack opens once the visit is signed out (or after one with an alarm); \
             while planning, the visit's page shows what planners may read of the family",
        ))
    }
}

/// P9 (Harton/HSP: visits are "authorised by the headteacher or other senior manager"): the
/// authorisation is a second person's check, so nobody authorises a visit they are going on,
/// whatever their role. Errors: `Forbidden`, naming who else may.
pub fn authorises_not_own(staff: &Staff, visit: &Visit) -> Result<()> {
    if visit.staff.iter().any(|s| s.staff_id == staff.id) {
        Err(Refusal::forbidden(
            "you are going on this visit: another of the people the policy names must authorise it",
        ))
    } else {
        Ok(())
    }
}
