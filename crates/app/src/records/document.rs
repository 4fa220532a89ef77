//! G4: what goes on the printable documents — St Joseph's Home Visit Form (the visit record) and
//! the Home Visit Slip — for a reader of the child's record, each read audited (A9). The server
//! renders the PDF from what these return.

use super::slips::{deadline_words, readable_slip};
use crate::access::readable_visit_record;
use crate::audit::entry;
use crate::school::school_tz;
use crate::words::{clock_time, long_date, short_date, short_datetime};
use crate::{App, Result};
use chrono_tz::Tz;
use documents::{ActionLine, Field, HomeVisitSlip, SlipHeader, VisitHeader, VisitRecord};
use domain::VisitId;
use store::{School, Staff, Visit};

/// The head of the form: staff, roles, pupil, address, reason, date, time. The time is when staff
/// were at the door (arrival or "nobody home"), else the planned arrival. Never on the slip,
/// which a neighbour may read (see [`slip_document`]).
async fn record_header(app: &App, visit: &Visit, school: &School, tz: Tz) -> Result<VisitHeader> {
    let db = app.db();
    let pupil = db.pupil(visit.pupil_id).await?;
    let household = db.household(visit.household_id).await?;
    let policy = app.policy_version(visit.policy_version_id).await?;
    let reason = policy
        .settings
        .category(&visit.reason_category)
        .map_or_else(|| visit.reason_category.clone(), |c| c.label.clone());
    let at = db
        .visit_events(visit.id)
        .await?
        .iter()
        .find(|e| e.step == "arrived" || e.step == "nobody_home")
        .map_or(visit.planned_arrive, |e| e.at);
    let names = |f: fn(&store::VisitStaff) -> &str| {
        visit.staff.iter().map(f).collect::<Vec<_>>().join(", ")
    };
    Ok(VisitHeader {
        school: school.name.clone(),
        staff_names: names(|s| s.name.as_str()),
        job_roles: names(|s| s.role_on_visit.as_str()),
        student_name: pupil.name.clone(),
        address: format!("{}, {}", household.address, household.postcode),
        reason,
        date: long_date(at, tz),
        time: clock_time(at, tz),
        signatories: visit.staff.iter().map(|s| s.name.clone()).collect(),
    })
}

/// The visit record (Home Visit Form with outcome, action required, follow-up actions, who was
/// seen and the slip) for the staff involved with the child, the DSL and the head (A9); the read
/// is audited (`visit_record.pdf_read`). Times are in the school's time zone. Errors:
/// `NotFound("visit")`.
pub async fn visit_record_document(app: &App, me: &Staff, id: VisitId) -> Result<VisitRecord> {
    let (visit, pupil, school) = readable_visit_record(app, me, id).await?;
    let db = app.db();
    let tz = school_tz(app, school.id).await?;
    let header = record_header(app, &visit, &school, tz).await?;
    let authorised = db
        .decisions(visit.id)
        .await?
        .into_iter()
        .rfind(|d| d.decision == "authorised");
    let outcome = db.outcome(visit.id).await?;
    let actions = db.actions_of_visit(visit.id).await?;
    let mut notes = Vec::new();
    if let Some(seen) = outcome.as_ref().and_then(|o| o.people_seen.clone()) {
        notes.push(Field::new("People seen", seen));
    }
    if let Some(slip) = db.slip_of_visit(visit.id).await? {
        let answer = match (&slip.responded_at, &slip.response_from) {
            (Some(at), from) => format!(
                "answered {} by {}",
                short_datetime(*at, tz),
                from.clone().unwrap_or_default()
            ),
            (None, _) => "no response recorded".to_string(),
        };
        notes.push(Field::new(
            "Home Visit Slip",
            format!(
                "left {}; respond by {}; {answer}",
                short_datetime(slip.left_at, tz),
                short_datetime(slip.respond_by, tz)
            ),
        ));
    }
    let record = VisitRecord {
        header,
        reference: format!("Visit {}", visit.id),
        status: visit.status.as_str().replace('_', " "),
        authorised_by: authorised
            .as_ref()
            .map_or_else(String::new, |d| d.decided_by_name.clone()),
        authorised_date: authorised.as_ref().map_or_else(String::new, |d| {
            short_date(d.decided_at.with_timezone(&tz).date_naive())
        }),
        authorised_time: authorised
            .as_ref()
            .map_or_else(String::new, |d| clock_time(d.decided_at, tz)),
        outcome: outcome
            .as_ref()
            .map_or_else(String::new, |o| o.outcome.clone()),
        action_required: outcome
            .as_ref()
            .and_then(|o| o.action_required.clone())
            .unwrap_or_default(),
        actions: actions
            .iter()
            .map(|a| ActionLine {
                description: a.description.clone(),
                owner: a.owner_name.clone(),
                due: short_date(a.due_on),
                done: a
                    .done_at
                    .map_or_else(String::new, |d| short_datetime(d, tz)),
            })
            .collect(),
        notes,
        printed: format!("Printed {} by {}", short_datetime(app.now(), tz), me.name),
    };
    let e = entry(
        app,
        me,
        "visit_record.pdf_read",
        "visit",
        visit.id.0,
        Some(school.id),
        serde_json::json!({ "pupil": pupil.id }),
    );
    db.append_audit(&e).await?;
    Ok(record)
}

/// The Home Visit Slip as printed, for a reader of the child's record (A9; audited as
/// `slip.pdf_read`). It goes through a door where anyone may read it, so it carries only the
/// school's name, when staff called (the school's time zone), the school's wording (with the
/// child's first name where the wording asks for it), the deadline and the school's number: no
/// staff, job roles, surname, address or reason for calling (issue #10 item 6). Errors:
/// `NotFound("visit")`, `NotFound("Home Visit Slip")`.
pub async fn slip_document(app: &App, me: &Staff, id: VisitId) -> Result<HomeVisitSlip> {
    let (_, slip, school) = readable_slip(app, me, id, "slip.pdf_read").await?;
    let tz = school_tz(app, school.id).await?;
    let header = SlipHeader {
        school: school.name.clone(),
        date: long_date(slip.left_at, tz),
        time: clock_time(slip.left_at, tz),
    };
    Ok(HomeVisitSlip {
        header,
        school_phone: school.phone.as_ref().map(ToString::to_string),
        message: slip.message.clone(),
        respond_by: deadline_words(slip.respond_by, tz),
    })
}
