//! Who may read and change what: one decision per record class, asked by every reader (JSON
//! handler, page, PDF, CSV, iCal, live feed, audit listing). Nothing decides access elsewhere.
//!
//! Records a person may not see answer "not found", so their existence is not revealed. Today's
//! rules: visiting staff see the visits they are on or buddy for; school leaders, the DSL and the
//! office see their school's; a trust administrator sees the trust. A child's records (chronology,
//! a visit's record, safeguarding concerns) are read by the staff involved with the child and the
//! school's safeguarding leads (A9); records for the head by the head, or about the head by the
//! chair of governors and the trust (A10).

use crate::permissions::{self, ALARM_WATCHERS, AUDIT_READERS, SAFEGUARDING_LEADS};
use crate::{App, Refusal, Result};
use domain::{HouseholdId, PupilId, Role, SchoolId, StaffId, TrustId, VisitId};
use store::{
    Alarm, HeadOnlyRecord, Household, Incident, Pupil, SafeguardingConcern, School, Staff,
    StoreError, Visit, VisitFilter,
};

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
}

impl RecordClass {
    pub const ALL: [RecordClass; 8] = [
        RecordClass::Visit,
        RecordClass::Chronology,
        RecordClass::Household,
        RecordClass::SafeguardingConcern,
        RecordClass::Incident,
        RecordClass::HeadOnly,
        RecordClass::AuditRow,
        RecordClass::Alarm,
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

/// [`RecordClass::Visit`], read: the visit, if this person may see it, with its code word only
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

/// [`RecordClass::Visit`], change: the people on it and its buddy, or those who see the school's
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

fn leads_children_of(staff: &Staff, school: &School) -> bool {
    // A trust administrator runs the trust but is not one of the school's people for a child.
    staff.trust_id == school.trust_id
        && staff.school_id == Some(school.id)
        && staff.roles.any_of(&SAFEGUARDING_LEADS)
}

/// [`RecordClass::Chronology`]: the pupil, if this person may read the child's records (A9);
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
    if !can_see_school(staff, school.id, school.trust_id) {
        return Err(Refusal::not_found("pupil"));
    }
    let rules = app
        .db()
        .current_policy(school.id)
        .await?
        .settings
        .records_access;
    let now = app.now();
    let after = now - chrono::Duration::days(i64::from(rules.involvement_after_visit_days));
    if app
        .db()
        .involved_with_pupil(staff.id, pupil.id, after, now)
        .await?
    {
        Ok((pupil, school))
    } else {
        Err(Refusal::not_found("pupil"))
    }
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

/// [`RecordClass::Chronology`] for one visit's record (outcome, actions, slip); the visit comes
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

/// [`RecordClass::SafeguardingConcern`]: readable by whoever may read the child's records, and
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

/// [`RecordClass::Household`]: leaders and the office of its school, and staff on a visit to it.
pub async fn visible_household(app: &App, staff: &Staff, id: HouseholdId) -> Result<Household> {
    let household = app.db().household(id).await?;
    if sees_school_visits(app, staff, household.school_id).await? {
        return Ok(household);
    }
    let mine = app
        .db()
        .visits(&VisitFilter {
            school: Some(household.school_id),
            involving: Some(staff.id),
            ..Default::default()
        })
        .await?;
    if mine.iter().any(|v| v.household_id == id) {
        Ok(household)
    } else {
        Err(Refusal::not_found("household"))
    }
}

/// Who reads incident reports of a school besides their author: the head (or whoever the policy
/// names), the DSL and safeguarding team, and the leaders who review a blocked household.
pub async fn incident_readers(app: &App, school: SchoolId) -> Result<Vec<Role>> {
    let policy = app.db().current_policy(school).await?;
    let mut roles = SAFEGUARDING_LEADS.to_vec();
    roles.push(policy.settings.incident_report.due_to);
    roles.extend(policy.settings.household.review_roles.iter().copied());
    Ok(roles)
}

/// [`RecordClass::Incident`]: its author, the school's incident readers, and those who may read
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

/// [`RecordClass::HeadOnly`]: whether this person may read a record of `school` about `about`.
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

/// [`RecordClass::HeadOnly`], one record: `NotFound("record")` for anyone who may not read it.
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

/// [`RecordClass::AuditRow`]: the DSL, the head and trust administrators read the audit trail
/// of the schools they work across.
pub fn may_read_audit(staff: &Staff) -> Result<Scope> {
    require_any(staff, &AUDIT_READERS, "read the audit trail")?;
    Ok(scope(staff))
}

/// [`RecordClass::Alarm`]: the school's alarm watchers and the visit's people.
pub async fn visible_alarm(app: &App, staff: &Staff, id: i64) -> Result<Alarm> {
    let alarm = app.db().alarm(id).await?;
    let visit_involves = match alarm.visit_id {
        Some(v) => app.visit(VisitId(v)).await?.involves(staff.id),
        None => false,
    };
    if visit_involves || watches_school(app, staff, SchoolId(alarm.school_id)).await? {
        Ok(alarm)
    } else {
        Err(Refusal::not_found("alarm"))
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

/// The visits export (G4) of the school named (or the person's own): its DSL or head only, as
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
