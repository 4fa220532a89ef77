//! Who may read and change what: one decision per record class, asked by every reader (JSON
//! handler, page, PDF, CSV, iCal, live feed, audit listing). Nothing decides access elsewhere.
//!
//! Records a person may not see answer "not found", so their existence is not revealed. Today's
//! rules: visiting staff see the visits they are on or buddy for; school leaders, the DSL and the
//! office see their school's; a trust administrator sees the trust. A child's records (chronology,
//! a visit's record, safeguarding concerns) are read by the staff involved with the child and the
//! school's safeguarding leads (A9); records for the head by the head, or about the head by the
//! chair of governors and the trust (A10).
//!
//! One file per record class: [`visit`] (visits, the school's board and alarms it watches),
//! [`pupil`] (a child's records: chronology, a visit's record, safeguarding concerns),
//! [`household`] (the household and the planner's view of it), [`records`] (incidents, records
//! for the head, the audit trail, alarms), [`schools`] (exports, reports, calendar links) and
//! [`roll`] (the lists of a school's pupils and households).

mod buddy;
mod household;
mod pupil;
mod records;
mod roll;
mod schools;
mod visit;

pub use buddy::{
    HandingOver, buddies_among, eligible_buddies, handing_over, may_be_buddy, school_staff,
    visit_to_hand_over,
};
pub use household::{
    HouseholdForPlanning, PlanningPupil, family_name_for_planning, household_for_planning,
    households_of_visits, visible_household,
};
pub use pupil::{
    child_missing_reader, may_break_glass, readable_concern, readable_pupil, readable_visit_record,
    reading_pupil,
};
pub use records::{
    duress_hidden_from, incident_readers, is_about_head, may_read_audit, may_read_head_only,
    readable_head_only, readable_incident, visible_alarm,
};
pub use roll::{
    Detail, HouseholdName, PupilName, RegisterHousehold, RollPupil, household_register, roll,
};
pub use schools::{
    calendar_feed_allowed, drill_report_school, manages_calendar_links, may_run_drills,
    report_schools, visible_school, visits_to_export,
};
pub use visit::{
    authorises_not_own, sees_school_visits, visible_visit, visible_visits, visit_as_visitor,
    visit_for_pack, visit_to_act_on, watches_school,
};

use crate::{App, Refusal, Result};
use domain::{Role, SchoolId, TrustId};
use store::{Staff, StoreError};

/// Every class of record an access decision exists for. A test walks them all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecordClass {
    Visit,
    /// A pupil's chronology and a visit's record after it (outcome, actions, slip).
    Chronology,
    Household,
    SafeguardingConcern,
    Incident,
    HeadOnly,
    AuditRow,
    Alarm,
    /// The list of a school's pupils ([`roll`]).
    Roll,
    /// The list of a school's households ([`household_register`]).
    HouseholdRegister,
}

impl RecordClass {
    pub const ALL: [RecordClass; 10] = [
        RecordClass::Visit,
        RecordClass::Chronology,
        RecordClass::Household,
        RecordClass::SafeguardingConcern,
        RecordClass::Incident,
        RecordClass::HeadOnly,
        RecordClass::AuditRow,
        RecordClass::Alarm,
        RecordClass::Roll,
        RecordClass::HouseholdRegister,
    ];
}

/// The schools a member of staff works across.
#[derive(Debug, Clone, Copy)]
pub struct Scope {
    pub trust: TrustId,
    /// `None`: every school of the trust.
    pub school: Option<SchoolId>,
}

pub fn scope(staff: &Staff) -> Scope {
    Scope {
        trust: staff.trust_id,
        school: if staff.roles.has(Role::TrustAdmin) {
            None
        } else {
            staff.school_id.or(Some(SchoolId(0)))
        },
    }
}

pub fn can_see_school(staff: &Staff, school: SchoolId, trust: TrustId) -> bool {
    staff.trust_id == trust
        && (staff.roles.has(Role::TrustAdmin) || staff.school_id == Some(school))
}

/// The school a request is about: the one named, which the person must work in, or their own.
/// Errors: `Invalid("school_id")` for a school they do not work in; `BadRequest` when a trust
/// administrator names none.
pub async fn school_in_scope(app: &App, staff: &Staff, named: Option<i64>) -> Result<SchoolId> {
    match named {
        Some(id) => {
            let unknown = || Refusal::invalid("school_id", "no such school");
            let school = match app.db().school(SchoolId(id)).await {
                Ok(school) => school,
                Err(StoreError::NotFound { .. }) => return Err(unknown()),
                Err(e) => return Err(e.into()),
            };
            if can_see_school(staff, school.id, school.trust_id) {
                Ok(school.id)
            } else {
                Err(unknown())
            }
        }
        None => staff.school_id.ok_or_else(|| {
            Refusal::bad_request("school_id", "name the school (you work across the trust)")
        }),
    }
}

/// The school whose roll the person may import from the MIS: one they work in (or their own),
/// and they are among [`crate::permissions::MIS_IMPORTERS`]. Errors as [`school_in_scope`];
/// `Forbidden` for anyone else.
pub async fn may_import(app: &App, staff: &Staff, named: Option<i64>) -> Result<SchoolId> {
    let school = school_in_scope(app, staff, named).await?;
    require_any(
        staff,
        &crate::permissions::MIS_IMPORTERS,
        "import the school's pupils, families and staff",
    )?;
    Ok(school)
}

/// The school whose staff the person may import from a CSV: as [`may_import`], and only the
/// head or a trust administrator (who add a school's staff, P6), never the office.
/// Errors as [`may_import`]; `Forbidden` for anyone else.
pub async fn may_import_staff(app: &App, staff: &Staff, named: Option<i64>) -> Result<SchoolId> {
    let school = may_import(app, staff, named).await?;
    require_any(
        staff,
        &crate::permissions::SCHOOL_ADMINS,
        "import the school's staff",
    )?;
    Ok(school)
}

/// Allowed when the person holds any of `roles`; otherwise `Forbidden` naming who may.
pub fn require_any(staff: &Staff, roles: &[Role], doing: &str) -> Result<()> {
    if staff.roles.any_of(roles) {
        Ok(())
    } else {
        let who: Vec<_> = roles.iter().map(|r| r.title()).collect();
        Err(Refusal::forbidden(format!(
            "only {} may {doing}",
            who.join(" or ")
        )))
    }
}
/// "Not found" named as `what`; any other refusal unchanged.
pub fn hide_as(what: &'static str) -> impl FnOnce(Refusal) -> Refusal {
    move |e| match e {
        Refusal::NotFound(_) => Refusal::not_found(what),
        other => other,
    }
}

/// "Not found" as a refusal naming the field the caller filled in; any other refusal unchanged.
pub fn unknown(field: &'static str, reason: &'static str) -> impl FnOnce(Refusal) -> Refusal {
    move |e| match e {
        Refusal::NotFound(_) => Refusal::invalid(field, reason),
        other => other,
    }
}

/// A record named by the caller: `None` when there is no such record, so the caller can name the
/// field; any other failure stays an error (an outage must not look like "not found").
pub fn found<T>(r: Result<T, StoreError>) -> Result<Option<T>> {
    match r {
        Ok(v) => Ok(Some(v)),
        Err(StoreError::NotFound { .. }) => Ok(None),
        Err(e) => Err(e.into()),
    }
}
