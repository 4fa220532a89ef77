//! The visit record as St Joseph's Home Visit Form, printable (G4).

use super::super::{
    clock_time, long_date, pdf, readable_visit_record, render, short_date, short_datetime,
};
use crate::AppState;
use crate::access;
use crate::auth::CurrentStaff;
use crate::error::ApiError;
use crate::extract::Id;
use axum::extract::State;
use axum::response::Response;
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use documents::{ActionLine, Field, VisitHeader, VisitRecord};
use domain::VisitId;
use store::{School, Visit};

/// The head of the form, shared with the slip: staff, roles, pupil, address, reason, date, time.
/// The time is `at` if given (when the slip went through the door), else when staff were at the
/// door (arrival or "nobody home"), else the planned arrival.
pub(in crate::after_visit) async fn record_header(
    state: &AppState,
    visit: &Visit,
    school: &School,
    tz: Tz,
    at: Option<DateTime<Utc>>,
) -> Result<VisitHeader, ApiError> {
    let db = state.db();
    let pupil = db.pupil(visit.pupil_id).await?;
    let household = db.household(visit.household_id).await?;
    let policy = db.policy_version(visit.policy_version_id).await?;
    let reason = policy
        .settings
        .category(&visit.reason_category)
        .map_or_else(|| visit.reason_category.clone(), |c| c.label.clone());
    let events = db.visit_events(visit.id).await?;
    let at = at.unwrap_or_else(|| {
        events
            .iter()
            .find(|e| e.step == "arrived" || e.step == "nobody_home")
            .map_or(visit.planned_arrive, |e| e.at)
    });
    Ok(VisitHeader {
        school: school.name.clone(),
        staff_names: visit
            .staff
            .iter()
            .map(|s| s.name.as_str())
            .collect::<Vec<_>>()
            .join(", "),
        job_roles: visit
            .staff
            .iter()
            .map(|s| s.role_on_visit.as_str())
            .collect::<Vec<_>>()
            .join(", "),
        student_name: pupil.name.clone(),
        address: format!("{}, {}", household.address, household.postcode),
        reason,
        date: long_date(at, tz),
        time: clock_time(at, tz),
        signatories: visit.staff.iter().map(|s| s.name.clone()).collect(),
    })
}

/// The visit record (Home Visit Form with outcome, action required and follow-up actions) as a
/// PDF, for the staff involved with the child, the DSL and the head (A9); audited.
#[utoipa::path(get, path = "/api/visits/{id}/record.pdf", tag = "after the visit", params(("id" = i64, Path)),
    responses((status = 200, description = "The Home Visit Form as PDF", content_type = "application/pdf"), (status = 404)))]
pub(super) async fn visit_record_pdf(
    State(state): State<AppState>,
    CurrentStaff(me): CurrentStaff,
    Id(id): Id,
) -> Result<Response, ApiError> {
    let (visit, pupil, school) = readable_visit_record(&state, &me, VisitId(id)).await?;
    let db = state.db();
    let tz = super::super::school_tz(&state, school.id).await?;
    let header = record_header(&state, &visit, &school, tz, None).await?;
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
        status: visit.status.replace('_', " "),
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
        printed: format!(
            "Printed {} by {}",
            short_datetime(state.clock().now(), tz),
            me.name
        ),
    };
    let bytes = render(record, documents::visit_record).await?;
    let e = access::entry(
        &state,
        &me,
        "visit_record.pdf_read",
        "visit",
        visit.id.0,
        Some(school.id),
        serde_json::json!({ "pupil": pupil.id }),
    );
    db.append_audit(&e).await?;
    Ok(pdf(bytes, &format!("home-visit-form-{}.pdf", visit.id)))
}
