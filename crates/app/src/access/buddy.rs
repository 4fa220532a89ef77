//! [`RecordClass::Visit`](super::RecordClass::Visit), the buddy role (#11 item 10, tester A4):
//! who may hand it over, and who may hold it. One decision each, asked by the hand-over, the
//! plan, the request and authorisation steps and the pages' choice of buddies.

use super::{sees_school_visits, visible_visit};
use crate::permissions::{BUDDIES, BUDDY_STAND_INS};
use crate::{App, Refusal, Result};
use domain::{SchoolId, StaffId, VisitId};
use store::{Staff, Visit};

/// Who is handing the buddy role over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HandingOver {
    /// The visit's buddy themself.
    Buddy,
    /// The office, the DSL, a deputy DSL or the head, on the buddy's behalf (recorded so).
    OnBehalf,
}

/// The visit whose buddy role this person may hand over: its buddy, or one of
/// [`BUDDY_STAND_INS`] who sees the school's visits, on the buddy's behalf. Never one of the
/// visiting staff (they cannot watch over themselves), nor a buddy who has already handed over
/// (they no longer see the visit). Errors: `NotFound("visit")` for a visit they may not see,
/// `Forbidden` for anyone else who sees it.
pub async fn visit_to_hand_over(
    app: &App,
    staff: &Staff,
    id: VisitId,
) -> Result<(Visit, HandingOver)> {
    let visit = visible_visit(app, staff, id).await?;
    let handing = handing_over(app, staff, &visit).await?;
    Ok((visit, handing))
}

/// [`visit_to_hand_over`]'s decision for a visit the person already sees (a page read it through
/// [`super::visible_visits`]): how they may hand its buddy role over. Errors: `Forbidden`.
pub async fn handing_over(app: &App, staff: &Staff, visit: &Visit) -> Result<HandingOver> {
    if visit.staff.iter().any(|s| s.staff_id == staff.id) {
        return Err(Refusal::forbidden(
            "you are on this visit: only its buddy (or the office, the DSL or the head for them) hands the buddy role over",
        ));
    }
    if visit.buddy_staff_id == Some(staff.id.0) {
        return Ok(HandingOver::Buddy);
    }
    if staff.roles.any_of(&BUDDY_STAND_INS)
        && sees_school_visits(app, staff, visit.school_id).await?
    {
        return Ok(HandingOver::OnBehalf);
    }
    Err(Refusal::forbidden(
        "only the visit's buddy, or the office, the DSL or the head on their behalf, may hand the buddy role over",
    ))
}

/// Whether `candidate` may be the buddy of a visit of `school` on which `visitors` go: an active
/// member of staff of that school, based there ([`BUDDIES`]; REAch2: "a member of staff based at
/// school who is accessible and available throughout the full duration of the visit"), not one
/// of the visitors, with a mobile number the visitors can phone. Answers why not, in a school's
/// words naming the person, for the caller to put against its field (`buddy_staff_id`,
/// `to_staff_id`).
pub fn may_be_buddy(
    candidate: &Staff,
    school: SchoolId,
    visitors: &[StaffId],
) -> Result<(), String> {
    let name = &candidate.name;
    if candidate.school_id != Some(school) || !candidate.active {
        return Err(format!(
            "{name} is not an active member of staff at this school"
        ));
    }
    if visitors.contains(&candidate.id) {
        return Err(format!(
            "{name} is going on the visit: the buddy stays at school to be phoned"
        ));
    }
    if !candidate.roles.any_of(&BUDDIES) {
        return Err(format!(
            "{name} is not a member of staff based at school, so cannot be the buddy (the policy: \"a member of staff based at school who is accessible and available throughout the visit\")"
        ));
    }
    // The store reads a blank number as none; one typed before the parser was stricter still
    // counts: the office can read it and ring it.
    if candidate.mobile.is_none() {
        return Err(format!(
            "{name} has no mobile number: add one on the staff page first"
        ));
    }
    Ok(())
}

/// The colleagues who could take over as this visit's buddy (everyone [`may_be_buddy`] allows
/// but the buddy now), by name, for the hand-over's choice.
pub async fn eligible_buddies(app: &App, visit: &Visit) -> Result<Vec<Staff>> {
    Ok(buddies_among(
        &school_staff(app, visit.school_id).await?,
        visit,
    ))
}

/// Every member of staff of `school`, for [`buddies_among`]: read once for a page showing
/// several visits of one school (Today), not once per visit.
pub async fn school_staff(app: &App, school: SchoolId) -> Result<Vec<Staff>> {
    let school = app.db().school(school).await?;
    Ok(app
        .db()
        .staff_list(school.trust_id, Some(school.id))
        .await?)
}

/// Those of `staff` (the visit's school's, from [`school_staff`]) who could take over as this
/// visit's buddy, as [`eligible_buddies`].
pub fn buddies_among(staff: &[Staff], visit: &Visit) -> Vec<Staff> {
    let visitors: Vec<StaffId> = visit.staff.iter().map(|s| s.staff_id).collect();
    staff
        .iter()
        .filter(|s| visit.buddy_staff_id != Some(s.id.0))
        .filter(|s| may_be_buddy(s, visit.school_id, &visitors).is_ok())
        .cloned()
        .collect()
}
