//! Who is involved in a visit, by the roles the ladder names.

use crate::Result;
use domain::monitor::VisitPeople;
use domain::{Role, SchoolId, StaffId};
use store::{Db, Staff, Visit, Watch};

/// The visit's people and the school's office, leaders, DSL, safeguarding team and heads.
/// The buddy is the current one from the watch (after any hand-over), or the planned one.
pub async fn visit_people(
    db: &Db,
    visit: &Visit,
    watch: Option<&Watch>,
) -> Result<(VisitPeople, Vec<Staff>)> {
    let buddy = match watch {
        Some(w) if w.buddy_left_at.is_some() => None,
        Some(w) => w.buddy_staff_id.map(StaffId),
        None => visit.buddy_staff_id.map(StaffId),
    };
    let visitors: Vec<StaffId> = visit.staff.iter().map(|s| s.staff_id).collect();
    people_of(db, visit.school_id, &visitors, buddy).await
}

/// The people of a visit given by its visitors and buddy (a practice visit for a drill has no
/// visit row, #11 item 9), with the school's office, leaders, DSL, safeguarding team and heads,
/// and every member of staff of the school.
pub async fn people_of(
    db: &Db,
    school: SchoolId,
    visitors: &[StaffId],
    buddy: Option<StaffId>,
) -> Result<(VisitPeople, Vec<Staff>)> {
    let school = db.school(school).await?;
    let staff = db.staff_list(school.trust_id, Some(school.id)).await?;
    let with = |role: Role| -> Vec<StaffId> {
        staff
            .iter()
            .filter(|s| s.active && s.roles.has(role))
            .map(|s| s.id)
            .collect()
    };
    let people = VisitPeople {
        visitors: visitors.to_vec(),
        buddy,
        office: with(Role::Office),
        senior_leaders: with(Role::SeniorLeader),
        dsl: with(Role::Dsl),
        deputy_dsl: with(Role::DeputyDsl),
        safeguarding_team: with(Role::SafeguardingTeam),
        headteachers: with(Role::Headteacher),
        attendance_leads: with(Role::AttendanceLead),
        ewos: with(Role::Ewo),
        line_managers: db.line_managers_of(visitors).await?,
    };
    Ok((people, staff))
}
