//! Which roles may do what, in one place. Each list is named for what it allows; the access
//! decisions ([`crate::access`]) and the pages' menus both read these, so they cannot disagree.

use domain::Role;
use store::{Staff, Visit};

/// Watch the school's board and its alarms: acknowledge, resolve, read the information pack.
/// The attendance lead runs attendance visits (HSP) and watches them like the office does.
pub const ALARM_WATCHERS: [Role; 7] = [
    Role::Office,
    Role::SeniorLeader,
    Role::Dsl,
    Role::SafeguardingTeam,
    Role::Headteacher,
    Role::TrustAdmin,
    Role::AttendanceLead,
];

/// Decide on visit requests when the policy names them (authorise, decline, ask for changes).
pub const DECIDERS: [Role; 5] = [
    Role::Headteacher,
    Role::SeniorLeader,
    Role::Dsl,
    Role::SafeguardingTeam,
    Role::TrustAdmin,
];

/// Read every child's records of their own school (A9): the DSL, the safeguarding team (the
/// DSL's deputies) and the head.
pub const SAFEGUARDING_LEADS: [Role; 3] = [Role::Dsl, Role::SafeguardingTeam, Role::Headteacher];

/// Read the audit trail of their school (a trust administrator: of the trust).
pub const AUDIT_READERS: [Role; 3] = [Role::Dsl, Role::Headteacher, Role::TrustAdmin];

/// See who has read a child's records, and make school-wide calendar links.
pub const RECORD_OVERSEERS: [Role; 2] = [Role::Dsl, Role::Headteacher];

/// Read the records for the head (A10), each as [`crate::access`] decides per record.
pub const HEAD_ONLY_READERS: [Role; 3] =
    [Role::Headteacher, Role::TrustAdmin, Role::ChairOfGovernors];

/// Change the school's policy, add staff.
pub const SCHOOL_ADMINS: [Role; 2] = [Role::Headteacher, Role::TrustAdmin];

/// Keep staff records: vehicles and driver documents.
pub const STAFF_RECORD_KEEPERS: [Role; 3] = [Role::Office, Role::Headteacher, Role::TrustAdmin];

/// Go out on visits.
pub const VISITORS: [Role; 2] = [Role::VisitingStaff, Role::AttendanceLead];

/// Whether the person sees every visit of a school they work in (not just visits they are on).
pub fn sees_whole_school(staff: &Staff) -> bool {
    staff.roles.sees_whole_school() || staff.roles.has(Role::TrustAdmin)
}

/// Whether the person is one of the safeguarding leads who read every child's records.
pub fn reads_every_child(staff: &Staff) -> bool {
    staff.roles.any_of(&SAFEGUARDING_LEADS)
}

/// P5: the code word is shown only to the people on the visit and the buddy. Removes it for
/// anyone else; says whether it was shown.
pub fn redact_code_word(visit: &mut Visit, to: &Staff) -> bool {
    if visit.involves(to.id) {
        visit.code_word.is_some()
    } else {
        visit.code_word = None;
        false
    }
}
