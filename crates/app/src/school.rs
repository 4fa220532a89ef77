//! Facts about a school that many use cases need: its time zone, its staff by role.

use crate::{App, Refusal, Result};
use chrono_tz::Tz;
use domain::{PupilId, Role, SchoolId, StaffId};
use std::collections::HashMap;
use store::{PolicyVersion, School, Staff, Vehicle};

/// The school's time zone, from its current policy.
pub async fn school_tz(app: &App, school: SchoolId) -> Result<Tz> {
    Ok(app.db().current_policy(school).await?.settings.tz())
}

/// Active staff of a school holding any of `roles`, leaving out `except`.
pub async fn staff_with(
    app: &App,
    school: &School,
    roles: &[Role],
    except: Option<StaffId>,
) -> Result<Vec<Staff>> {
    Ok(app
        .db()
        .staff_list(school.trust_id, Some(school.id))
        .await?
        .into_iter()
        .filter(|s| s.active && s.roles.any_of(roles) && Some(s.id) != except)
        .collect())
}

/// The school's current policy, for a page to format by (its time zone, wording, minutes), for
/// someone who works in the school or across its trust ([`crate::access::can_see_school`]).
/// Errors: `NotFound("school")` for anyone else.
pub async fn current_policy(app: &App, me: &Staff, school: SchoolId) -> Result<PolicyVersion> {
    in_scope(app, me, school).await?;
    Ok(app.db().current_policy(school).await?)
}

/// The schools of the person's trust (the directory a trust administrator switches between).
pub async fn schools_of_my_trust(app: &App, me: &Staff) -> Result<Vec<School>> {
    Ok(app.db().schools_of_trust(me.trust_id).await?)
}

/// The school's name, for someone in its scope. Errors: `NotFound("school")`.
pub async fn school_name(app: &App, me: &Staff, school: SchoolId) -> Result<String> {
    Ok(in_scope(app, me, school).await?.name)
}

/// The school's staff, active or not: the directory everyone at the school plans and reports
/// with (names, job titles). Errors: `NotFound("school")` outside the person's scope.
pub async fn staff_directory(app: &App, me: &Staff, school: SchoolId) -> Result<Vec<Staff>> {
    in_scope(app, me, school).await?;
    Ok(app.db().staff_list(me.trust_id, Some(school)).await?)
}

/// A colleague's name, from the directory of the person's trust. Errors: `NotFound("staff")`.
pub async fn staff_name(app: &App, me: &Staff, id: StaffId) -> Result<String> {
    let s = app.db().staff(id).await?;
    if s.trust_id == me.trust_id {
        Ok(s.name)
    } else {
        Err(Refusal::not_found("staff"))
    }
}

/// Colleagues' names by staff id, for a page that names the few people on one record (a
/// visit's staff, buddy, events and check-ins): one read however many, instead of the whole
/// directory. An id outside the person's trust, or with no account, is left out; the page
/// shows a dash for it. Errors: a store error only.
pub async fn staff_names(app: &App, me: &Staff, ids: &[i64]) -> Result<HashMap<i64, String>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let found = app.db().staff_names_in_trust(me.trust_id, ids).await?;
    Ok(found.into_iter().collect())
}

/// A pupil's name and school, as the school's roll lists them to all its staff (the plan form
/// offers every pupil): no record of the child. Errors: `NotFound("pupil")` outside the
/// person's scope.
pub async fn pupil_name(app: &App, me: &Staff, pupil: PupilId) -> Result<(String, SchoolId)> {
    let p = app.db().pupil(pupil).await?;
    in_scope(app, me, p.school_id)
        .await
        .map_err(crate::access::hide_as("pupil"))?;
    Ok((p.name, p.school_id))
}

/// [`pupil_name`] for many pupils at once (a page of cards), in the order of `pupils`: one read
/// of the pupils, and each school's scope checked once. Errors: `NotFound("pupil")`.
pub async fn pupil_names(app: &App, me: &Staff, pupils: &[PupilId]) -> Result<Vec<String>> {
    let found = app.db().pupils_by_id(pupils).await?;
    let mut schools: Vec<SchoolId> = Vec::new();
    let mut out = Vec::with_capacity(pupils.len());
    for id in pupils {
        let p = found
            .iter()
            .find(|p| p.id == *id)
            .ok_or_else(|| Refusal::not_found("pupil"))?;
        if !schools.contains(&p.school_id) {
            in_scope(app, me, p.school_id)
                .await
                .map_err(crate::access::hide_as("pupil"))?;
            schools.push(p.school_id);
        }
        out.push(p.name.clone());
    }
    Ok(out)
}

async fn in_scope(app: &App, me: &Staff, school: SchoolId) -> Result<School> {
    let s = app.db().school(school).await?;
    if crate::access::can_see_school(me, s.id, s.trust_id) {
        Ok(s)
    } else {
        Err(Refusal::not_found("school"))
    }
}

/// A colleague of the person's trust: the directory entry (name, job title, mobile) that a
/// visit's card shows for its buddy. Errors: `NotFound("staff")`.
pub async fn colleague(app: &App, me: &Staff, id: StaffId) -> Result<Staff> {
    let s = app.db().staff(id).await?;
    if s.trust_id == me.trust_id {
        Ok(s)
    } else {
        Err(Refusal::not_found("staff"))
    }
}

/// One pupil on the school's roll as the plan form offers them: name, year group, and the
/// family name and postcode (empty for those who read names only) that tell two pupils of one
/// name apart.
pub struct RollEntry {
    pub pupil: PupilId,
    pub name: String,
    pub year_group: Option<String>,
    pub family_name: String,
    pub postcode: String,
}

/// The school's roll for planning a visit, as [`crate::access::roll`] lets the person list it:
/// the postcode only for those who read whole entries (a planner tells two pupils of one name
/// apart by family name and year group). Errors: `NotFound("school")`; `Forbidden` as
/// [`crate::access::roll`].
pub async fn roll(app: &App, me: &Staff, school: SchoolId) -> Result<Vec<RollEntry>> {
    in_scope(app, me, school).await?;
    let (_, detail) = crate::access::roll(app, me, Some(school.0)).await?;
    let full = detail == crate::access::Detail::Full;
    let households = app.db().households_of_school(school).await?;
    Ok(app
        .db()
        .pupils_of_school(school)
        .await?
        .into_iter()
        .map(|p| {
            let h = households.iter().find(|h| h.id == p.household_id);
            RollEntry {
                pupil: p.id,
                name: p.name,
                year_group: p.year_group,
                family_name: h.map_or(String::new(), |h| h.family_name.clone()),
                postcode: h
                    .filter(|_| full)
                    .map_or(String::new(), |h| h.postcode.to_string()),
            }
        })
        .collect())
}

/// The school's cars (with their registrations), for choosing one on the plan form.
/// Errors: `NotFound("school")`.
pub async fn vehicles(app: &App, me: &Staff, school: SchoolId) -> Result<Vec<Vehicle>> {
    in_scope(app, me, school).await?;
    Ok(app.db().vehicles_of_school(school).await?)
}
