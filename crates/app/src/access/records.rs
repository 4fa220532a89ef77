//! Incidents, records for the head (A10), the audit trail and alarms: one decision each.

use super::{Scope, can_see_school, hide_as, readable_pupil, require_any, scope, watches_school};
use crate::permissions::{AUDIT_READERS, SAFEGUARDING_LEADS};
use crate::{App, Refusal, Result};
use domain::{PupilId, Role, SchoolId, StaffId, VisitId};
use store::{Alarm, HeadOnlyRecord, Incident, Staff};

/// Who reads incident reports of a school besides their author: the head (or whoever the policy
/// names), the DSL and safeguarding team, and the leaders who review a blocked household.
pub async fn incident_readers(app: &App, school: SchoolId) -> Result<Vec<Role>> {
    let policy = app.db().current_policy(school).await?;
    let mut roles = SAFEGUARDING_LEADS.to_vec();
    roles.push(policy.settings.incident_report.due_to);
    roles.extend(policy.settings.household.review_roles.iter().copied());
    Ok(roles)
}

/// [`RecordClass::Incident`](super::RecordClass::Incident): its author, the school's incident readers, and those who may read
/// the child's records.
pub async fn readable_incident(app: &App, staff: &Staff, id: i64) -> Result<Incident> {
    let i = app.db().incident(id).await?;
    let school = app.db().school(i.school_id).await?;
    let reader = staff.school_id == Some(school.id)
        && staff.roles.any_of(&incident_readers(app, school.id).await?);
    let involved = match i.pupil_id {
        Some(p) => match readable_pupil(app, staff, PupilId(p)).await {
            Ok(_) => true,
            Err(Refusal::NotFound(_)) => false,
            Err(e) => return Err(e),
        },
        None => false,
    };
    if i.author_staff_id == staff.id.0
        || (can_see_school(staff, school.id, school.trust_id) && (reader || involved))
    {
        Ok(i)
    } else {
        Err(Refusal::not_found("incident"))
    }
}

/// [`RecordClass::HeadOnly`](super::RecordClass::HeadOnly): whether this person may read a record of `school` about `about`.
/// The head reads the school's records; one about a headteacher goes to the chair of governors
/// and the trust instead (A10). Nobody reads a record about themself.
pub async fn may_read_head_only(
    app: &App,
    staff: &Staff,
    school: SchoolId,
    about: Option<i64>,
) -> Result<bool> {
    let s = app.db().school(school).await?;
    if !can_see_school(staff, s.id, s.trust_id) || about == Some(staff.id.0) {
        return Ok(false);
    }
    let own_school = staff.school_id == Some(school);
    Ok(if is_about_head(app, about).await? {
        (staff.roles.has(Role::ChairOfGovernors) && own_school) || staff.roles.has(Role::TrustAdmin)
    } else {
        staff.roles.has(Role::Headteacher) && own_school
    })
}

/// Whether the member of staff a record is about holds the headteacher role.
pub async fn is_about_head(app: &App, about: Option<i64>) -> Result<bool> {
    Ok(match about {
        Some(id) => app
            .db()
            .staff(StaffId(id))
            .await?
            .roles
            .has(Role::Headteacher),
        None => false,
    })
}

/// [`RecordClass::HeadOnly`](super::RecordClass::HeadOnly), one record: `NotFound("record")` for anyone who may not read it.
pub async fn readable_head_only(app: &App, staff: &Staff, id: i64) -> Result<HeadOnlyRecord> {
    let r = app
        .db()
        .head_only_record(id)
        .await
        .map_err(|e| hide_as("record")(e.into()))?;
    if may_read_head_only(app, staff, r.school_id, r.about_staff_id).await? {
        Ok(r)
    } else {
        Err(Refusal::not_found("record"))
    }
}

/// [`RecordClass::AuditRow`](super::RecordClass::AuditRow): the DSL, the head and trust administrators read the audit trail
/// of the schools they work across.
pub fn may_read_audit(staff: &Staff) -> Result<Scope> {
    require_any(staff, &AUDIT_READERS, "read the audit trail")?;
    Ok(scope(staff))
}

/// [`RecordClass::Alarm`](super::RecordClass::Alarm): the school's alarm watchers and the visit's people.
pub async fn visible_alarm(app: &App, staff: &Staff, id: i64) -> Result<Alarm> {
    let alarm = app.db().alarm(id).await?;
    if duress_hidden_from(app, staff, &alarm).await? {
        return Err(Refusal::not_found("alarm"));
    }
    let visit_involves = match (alarm.visit_id, alarm.practice_visit_id) {
        (Some(v), _) => app.visit(VisitId(v)).await?.involves(staff.id),
        // A drill's practice visit (#11 item 9): its visitors and buddy, as on a real visit.
        (None, Some(p)) => {
            let practice = app.db().practice_visit(p).await?;
            practice.visitor_ids.contains(&staff.id.0)
                || practice.buddy_staff_id == Some(staff.id.0)
        }
        (None, None) => false,
    };
    if visit_involves || watches_school(app, staff, SchoolId(alarm.school_id)).await? {
        Ok(alarm)
    } else {
        Err(Refusal::not_found("alarm"))
    }
}

/// [`RecordClass::Alarm`](super::RecordClass::Alarm), D4: a duress alarm is covert, so it is
/// hidden from the staff visiting on it even when they also watch the board (an attendance lead
/// out on a visit): their phone, in the hand of whoever they are with, must not show it.
pub async fn duress_hidden_from(app: &App, staff: &Staff, alarm: &Alarm) -> Result<bool> {
    if alarm.kind != domain::monitor::AlarmKind::Duress {
        return Ok(false);
    }
    Ok(match alarm.visit_id {
        Some(v) => {
            let visit = app.visit(VisitId(v)).await?;
            visit.staff.iter().any(|s| s.staff_id == staff.id)
        }
        None => false,
    })
}
