//! Which roles may do what, in one place. Each list is named for what it allows; the access
//! decisions ([`crate::access`]) and the pages' menus both read these, so they cannot disagree.

use domain::Role;
use store::{Staff, Visit};

/// Watch the school's board and its alarms: acknowledge, resolve, read the information pack.
/// The attendance lead runs attendance visits (HSP) and watches them like the office does.
pub const ALARM_WATCHERS: [Role; 8] = [
    Role::Office,
    Role::SeniorLeader,
    Role::Dsl,
    Role::DeputyDsl,
    Role::SafeguardingTeam,
    Role::Headteacher,
    Role::TrustAdmin,
    Role::AttendanceLead,
];

/// Decide on visit requests when the policy names them (authorise, decline, ask for changes).
pub const DECIDERS: [Role; 6] = [
    Role::Headteacher,
    Role::SeniorLeader,
    Role::Dsl,
    Role::DeputyDsl,
    Role::SafeguardingTeam,
    Role::TrustAdmin,
];

/// Read every child's records of their own school (A9): the DSL, a deputy DSL (who reads what
/// the DSL reads), the safeguarding team and the head.
pub const SAFEGUARDING_LEADS: [Role; 4] = [
    Role::Dsl,
    Role::DeputyDsl,
    Role::SafeguardingTeam,
    Role::Headteacher,
];

/// Read the audit trail of their school (a trust administrator: of the trust).
pub const AUDIT_READERS: [Role; 4] = [
    Role::Dsl,
    Role::DeputyDsl,
    Role::Headteacher,
    Role::TrustAdmin,
];

/// See who has read a child's records, and make school-wide calendar links.
pub const RECORD_OVERSEERS: [Role; 3] = [Role::Dsl, Role::DeputyDsl, Role::Headteacher];

/// List the school's pupils with everything the roll holds (date of birth, household): the
/// office and the attendance lead, who keep the roll and chase absence, the safeguarding leads
/// and a trust administrator, who imports it ([`crate::access::roll`]).
pub const ROLL_KEEPERS: [Role; 7] = [
    Role::Office,
    Role::AttendanceLead,
    Role::Dsl,
    Role::DeputyDsl,
    Role::SafeguardingTeam,
    Role::Headteacher,
    Role::TrustAdmin,
];

/// List the school's pupils and households by name only: staff who plan, decide on and go on
/// visits. Not the chair of governors, who has no need to know individual children.
pub const ROLL_NAME_READERS: [Role; 3] = [Role::VisitingStaff, Role::Ewo, Role::SeniorLeader];

/// List the school's households with their addresses: those who manage households (the office,
/// the DSL, a deputy DSL and the head, [`crate::access::household_register`]).
pub const HOUSEHOLD_KEEPERS: [Role; 4] =
    [Role::Office, Role::Dsl, Role::DeputyDsl, Role::Headteacher];

/// Read the child-missing pack of an unanswered Home Visit Slip (A6, #13): those who ring 101
/// and report the child missing (example absence protocol, section 5: "the DSL (or a Deputy
/// DSL) … The Headteacher is told").
pub const CHILD_MISSING_READERS: [Role; 3] = [Role::Dsl, Role::DeputyDsl, Role::Headteacher];

/// Read the records for the head (A10), each as [`crate::access`] decides per record.
pub const HEAD_ONLY_READERS: [Role; 3] =
    [Role::Headteacher, Role::TrustAdmin, Role::ChairOfGovernors];

/// Read the governors' report of their own school (G5); a trust administrator reads the trust's.
pub const REPORT_READERS: [Role; 5] = [
    Role::Headteacher,
    Role::Dsl,
    Role::DeputyDsl,
    Role::ChairOfGovernors,
    Role::TrustAdmin,
];

/// Start and end practice alarms (drills, #11 item 9): the head and the DSL, who answer for the
/// school's alarm ladder. A drill sends the school's real ladder to real people, so nobody else.
pub const DRILL_RUNNERS: [Role; 2] = [Role::Headteacher, Role::Dsl];

/// Change the school's policy, add staff.
pub const SCHOOL_ADMINS: [Role; 2] = [Role::Headteacher, Role::TrustAdmin];

/// Roles whose grant needs a second person (#12 item 3): each reads or decides what the others
/// cannot, so no one person may hand them out alone.
pub const SENIOR_ROLES: [Role; 4] = [
    Role::Headteacher,
    Role::Dsl,
    Role::ChairOfGovernors,
    Role::TrustAdmin,
];

/// Approve a senior role asked for by someone else: the trust administrator, or one of these
/// at the school of the person who would hold it (never the person who asked, nor the holder).
pub const GRANT_APPROVERS: [Role; 3] = [Role::Headteacher, Role::Dsl, Role::ChairOfGovernors];

/// Set or clear the trust's single sign-on (its OpenID provider and client secret).
pub const SSO_SETTERS: [Role; 1] = [Role::TrustAdmin];

/// Keep staff records: vehicles and driver documents.
pub const STAFF_RECORD_KEEPERS: [Role; 3] = [Role::Office, Role::Headteacher, Role::TrustAdmin];

/// Import the school's pupils, families and staff from the MIS (the office keeps the roll).
pub const MIS_IMPORTERS: [Role; 3] = [Role::Office, Role::Headteacher, Role::TrustAdmin];

/// Read the demo outbox (`doorstep demo` only): the office and the head, who watch alarms.
pub const DEMO_OUTBOX_READERS: [Role; 2] = [Role::Office, Role::Headteacher];

/// May be a visit's buddy: a member of staff based at school (REAch2: "a 'buddy', i.e. a member
/// of staff based at school who is accessible and available throughout the full duration of the
/// visit"). Not the chair of governors, a trust administrator or the EWO, who are not based at
/// the school; whoever it is must also have a mobile ([`crate::access::may_be_buddy`]).
pub const BUDDIES: [Role; 8] = [
    Role::VisitingStaff,
    Role::Office,
    Role::SeniorLeader,
    Role::Dsl,
    Role::DeputyDsl,
    Role::SafeguardingTeam,
    Role::Headteacher,
    Role::AttendanceLead,
];

/// Hand the buddy role over on the buddy's behalf (a buddy taken ill, or whose phone died): the
/// office, who keep the sign-out log, and the DSL, a deputy DSL and the head. Recorded as done on
/// the buddy's behalf.
pub const BUDDY_STAND_INS: [Role; 4] =
    [Role::Office, Role::Dsl, Role::DeputyDsl, Role::Headteacher];

/// Open a child's records outside their involvement by giving a reason ("break the glass", A9):
/// staff who may have to cover a colleague's visit to the child — those who go out on visits and
/// the senior leaders who decide on them. The office, governors and the trust administrator
/// have no such need; the safeguarding leads read the records already.
pub const GLASS_BREAKERS: [Role; 4] = [
    Role::VisitingStaff,
    Role::AttendanceLead,
    Role::Ewo,
    Role::SeniorLeader,
];

/// Go out on visits.
pub const VISITORS: [Role; 3] = [Role::VisitingStaff, Role::AttendanceLead, Role::Ewo];

/// Whether the person sees every visit of a school they work in (not just visits they are on).
pub fn sees_whole_school(staff: &Staff) -> bool {
    staff.roles.sees_whole_school() || staff.roles.has(Role::TrustAdmin)
}

/// Whether the person is one of the safeguarding leads who read every child's records.
pub fn reads_every_child(staff: &Staff) -> bool {
    staff.roles.any_of(&SAFEGUARDING_LEADS)
}

/// P5: the code word is shown only to the people on the visit and its buddy ("a buddy at school
/// and a code word", REAch2: "call your buddy using the code word to summon help"). This is the
/// one decision: [`crate::access::visible_visit`] and
/// [`crate::access::readable_visit_record`] pass every visit they hand out through it, so every
/// route (JSON answers, including the answer to someone else's edit, pages, PDFs, the board)
/// gets the visit already without it for anyone else. Exports, calendar feeds and the board's
/// rows carry no code word at all; audit rows never name it (only whether it was shown, see
/// [`visit_read_action`]). The information pack leaves it out too: the pack is read to the
/// police, and the policies give the code word to the buddy only (the buddy makes the 999 call).
/// Removes it for anyone else; says whether it was shown.
pub fn redact_code_word(visit: &mut Visit, to: &Staff) -> bool {
    if visit.involves(to.id) {
        visit.code_word.is_some()
    } else {
        visit.code_word = None;
        false
    }
}

/// The audit action of a read of a visit: whether the code word was shown with it (A9), never
/// the word itself.
pub fn visit_read_action(code_word_shown: bool) -> &'static str {
    if code_word_shown {
        "visit.read_with_code_word"
    } else {
        "visit.read"
    }
}
