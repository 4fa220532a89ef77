//! [`RecordClass::Chronology`](super::RecordClass::Chronology) and
//! [`RecordClass::SafeguardingConcern`](super::RecordClass::SafeguardingConcern): a child's
//! records, read only by the involved (granted, never self-declared) and the safeguarding leads.

use super::{can_see_school, hide_as};
use crate::permissions::{self, CHILD_MISSING_READERS, GLASS_BREAKERS, SAFEGUARDING_LEADS};
use crate::{App, Refusal, Result};
use domain::{PupilId, VisitId};
use store::{Pupil, SafeguardingConcern, School, Staff, Visit};

fn leads_children_of(staff: &Staff, school: &School) -> bool {
    // A trust administrator runs the trust but is not one of the school's people for a child.
    staff.trust_id == school.trust_id
        && staff.school_id == Some(school.id)
        && staff.roles.any_of(&SAFEGUARDING_LEADS)
}

/// [`RecordClass::Chronology`](super::RecordClass::Chronology): the pupil, if this person may read the child's records (A9);
/// otherwise `NotFound("pupil")`. Involvement is granted, never self-declared: the school's
/// safeguarding leads; a visitor or the buddy on an *authorised* visit for the child, until the
/// policy's `records_access.involvement_after_visit_days` after it ends; a grant by the DSL or
/// head ([`crate::safeguarding::grant_involvement`]); an open break-glass
/// ([`crate::safeguarding::break_glass`]). Drafting or requesting a visit, raising a concern or
/// owning an action gives none.
pub async fn readable_pupil(app: &App, staff: &Staff, id: PupilId) -> Result<(Pupil, School)> {
    let pupil = app.db().pupil(id).await?;
    let school = app.db().school(pupil.school_id).await?;
    if leads_children_of(staff, &school) {
        return Ok((pupil, school));
    }
    if involved(app, staff, &pupil, &school).await? {
        Ok((pupil, school))
    } else {
        Err(Refusal::not_found("pupil"))
    }
}

/// Whether `staff` may break the glass on a child of `school` (A9): one of the school's own
/// people whose work may need it ([`GLASS_BREAKERS`]). Everyone else is told "not found", as for
/// any record closed to them, and is never offered the break-glass form.
pub fn may_break_glass(staff: &Staff, school: &School) -> bool {
    staff.trust_id == school.trust_id
        && staff.school_id == Some(school.id)
        && staff.roles.any_of(&GLASS_BREAKERS)
}

/// Whether `staff` is involved with the child now, as the school granted it (A9, #10): in the
/// school's scope and a visitor or the buddy on an authorised visit for the child until the
/// policy's `records_access.involvement_after_visit_days` (days) after it ends, an unrevoked
/// grant that has not ended, or an open break-glass. Roles are not considered here.
pub(super) async fn involved(
    app: &App,
    staff: &Staff,
    pupil: &Pupil,
    school: &School,
) -> Result<bool> {
    if !can_see_school(staff, school.id, school.trust_id) {
        return Ok(false);
    }
    let rules = app
        .db()
        .current_policy(school.id)
        .await?
        .settings
        .records_access;
    let now = app.now();
    let after = now - chrono::Duration::days(i64::from(rules.involvement_after_visit_days));
    Ok(app
        .db()
        .involved_with_pupil(staff.id, pupil.id, after, now)
        .await?)
}

/// [`readable_pupil`] for an actual read of the child's history (`what`, e.g.
/// "chronology.read"): a refusal of someone in the school's scope is itself recorded
/// (`pupil.read_refused`), so the DSL sees who tried next to who read. A reader must also have
/// stepped up with their second factor ([`crate::second_factor::require`]; else
/// `Refusal::SecondFactor`).
pub async fn reading_pupil(
    app: &App,
    staff: &Staff,
    id: PupilId,
    what: &str,
) -> Result<(Pupil, School)> {
    match readable_pupil(app, staff, id).await {
        Err(Refusal::NotFound(n)) => {
            if let Ok(pupil) = app.db().pupil(id).await {
                let school = app.db().school(pupil.school_id).await?;
                if can_see_school(staff, school.id, school.trust_id) {
                    let e = crate::audit::entry(
                        app,
                        staff,
                        "pupil.read_refused",
                        "pupil",
                        id.0,
                        Some(school.id),
                        serde_json::json!({ "tried": what }),
                    );
                    app.db().append_audit(&e).await?;
                }
            }
            Err(Refusal::NotFound(n))
        }
        Ok((pupil, school)) => {
            crate::second_factor::require(app, staff, school.id).await?;
            Ok((pupil, school))
        }
        other => other,
    }
}

/// [`RecordClass::Chronology`](super::RecordClass::Chronology) for one visit's record (outcome, actions, slip); the visit comes
/// with its code word only for its people ([`permissions::redact_code_word`]).
pub async fn readable_visit_record(
    app: &App,
    staff: &Staff,
    id: VisitId,
) -> Result<(Visit, Pupil, School)> {
    let mut visit = app.db().visit(id).await?;
    let (pupil, school) = readable_pupil(app, staff, visit.pupil_id)
        .await
        .map_err(hide_as("visit"))?;
    permissions::redact_code_word(&mut visit, staff);
    Ok((visit, pupil, school))
}

/// [`RecordClass::Chronology`](super::RecordClass::Chronology) for the child-missing pack of a
/// visit's unanswered slip (A6): the DSL, a deputy DSL or the headteacher of the visit's school
/// ([`CHILD_MISSING_READERS`]). Errors: `NotFound("visit")` for whoever may not see the visit;
/// `Forbidden` for others who see it (the teacher who left the slip reads the slip, not the pack).
pub async fn child_missing_reader(
    app: &App,
    staff: &Staff,
    id: VisitId,
) -> Result<(Visit, Pupil, School)> {
    let visit = super::visible_visit(app, staff, id).await?;
    let pupil = app.db().pupil(visit.pupil_id).await?;
    let school = app.db().school(visit.school_id).await?;
    let reads = staff.trust_id == school.trust_id
        && staff.school_id == Some(school.id)
        && staff.roles.any_of(&CHILD_MISSING_READERS);
    if !reads {
        return Err(Refusal::forbidden(
            "only the DSL, a deputy DSL or the headteacher read the child-missing pack",
        ));
    }
    Ok((visit, pupil, school))
}

/// [`RecordClass::SafeguardingConcern`](super::RecordClass::SafeguardingConcern): readable by whoever may read the child's records, and
/// by the person who raised it (their own concern only: raising one opens nothing else); either
/// after a second-factor step-up (`Refusal::SecondFactor` otherwise). Raising one never needs it.
pub async fn readable_concern(
    app: &App,
    staff: &Staff,
    id: i64,
) -> Result<(SafeguardingConcern, Pupil, School)> {
    let c = app
        .db()
        .safeguarding_concern(id)
        .await
        .map_err(|e| hide_as("safeguarding concern")(e.into()))?;
    if c.raised_by == staff.id.0 {
        let pupil = app.db().pupil(c.pupil_id).await?;
        let school = app.db().school(pupil.school_id).await?;
        crate::second_factor::require(app, staff, school.id).await?;
        return Ok((c, pupil, school));
    }
    let (pupil, school) = reading_pupil(app, staff, c.pupil_id, "safeguarding_concern.read")
        .await
        .map_err(hide_as("safeguarding concern"))?;
    Ok((c, pupil, school))
}
