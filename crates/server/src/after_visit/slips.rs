//! D9, A6: the Home Visit Slip left when nobody is home — printed in the school's own words with
//! the time by which the family must respond — and the response that closes it. If no response
//! is recorded by then, the safety monitor fires the slip's deadline and the DSL is alarmed
//! through the escalation ladder with the police / social-services prompt.

use super::outcomes::record_header;
use super::{clock_time, long_date, pdf, readable_visit_record, render, school_tz};
use crate::AppState;
use crate::access::{self, sees_school_visits, visible_visit};
use crate::auth::CurrentStaff;
use crate::error::ApiError;
use crate::extract::{ApiJson, Id};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{DateTime, Duration, Utc};
use domain::monitor::AlarmKind;
use domain::{FieldError, VisitId, inputs};
use serde::{Deserialize, Serialize};
use store::{NewSlip, Slip, Staff, Visit};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(get_slip, leave_slip))
        .routes(routes!(slip_pdf))
        .routes(routes!(record_response))
}

/// A slip with where it stands now.
#[derive(Serialize, utoipa::ToSchema)]
pub struct SlipView {
    slip: Slip,
    /// awaiting_response, answered or deadline_passed
    status: &'static str,
    pdf: String,
}

pub(super) fn slip_view(slip: Slip, now: DateTime<Utc>) -> SlipView {
    let status = match slip.responded_at {
        Some(_) => "answered",
        None if now >= slip.respond_by => "deadline_passed",
        None => "awaiting_response",
    };
    SlipView {
        pdf: format!("/api/visits/{}/slip.pdf", slip.visit_id),
        slip,
        status,
    }
}

/// "12:30 on Monday 23 November 2026"
fn deadline_words(at: DateTime<Utc>, tz: chrono_tz::Tz) -> String {
    format!("{} on {}", clock_time(at, tz), long_date(at, tz))
}

/// The school's wording with `{child}`, `{deadline}`, `{school}` and `{phone}` filled in.
pub(super) fn fill_wording(
    wording: &str,
    child: &str,
    deadline: &str,
    school: &str,
    phone: Option<&str>,
) -> String {
    wording
        .replace("{child}", child)
        .replace("{deadline}", deadline)
        .replace("{school}", school)
        .replace("{phone}", phone.unwrap_or("the school office"))
}

async fn may_move(
    state: &AppState,
    me: &Staff,
    visit: &Visit,
    doing: &str,
) -> Result<(), ApiError> {
    if visit.involves(me.id) || sees_school_visits(state, me, visit.school_id).await? {
        Ok(())
    } else {
        Err(ApiError::forbidden(format!(
            "only the staff on this visit, its buddy or school leaders may {doing}"
        )))
    }
}

#[derive(Deserialize, utoipa::ToSchema, Default)]
#[serde(deny_unknown_fields)]
struct LeaveSlipInput {
    /// When the slip went through the door; now if left out.
    left_at: Option<DateTime<Utc>>,
}

/// D9: a Home Visit Slip is left after nobody answered. The response deadline (the policy's
/// `slip.response_hours` from when it was left) is armed for the safety monitor.
#[utoipa::path(post, path = "/api/visits/{id}/slip", tag = "after the visit", params(("id" = i64, Path)), request_body = LeaveSlipInput,
    responses((status = 201, body = SlipView), (status = 403), (status = 404), (status = 409), (status = 422)))]
async fn leave_slip(
    State(state): State<AppState>,
    CurrentStaff(me): CurrentStaff,
    Id(id): Id,
    ApiJson(input): ApiJson<LeaveSlipInput>,
) -> Result<(StatusCode, Json<SlipView>), ApiError> {
    let visit = visible_visit(&state, &me, VisitId(id)).await?;
    may_move(&state, &me, &visit, "leave a Home Visit Slip").await?;
    let db = state.db();
    let Some(nobody_home) = db
        .visit_events(visit.id)
        .await?
        .into_iter()
        .find(|e| e.step == "nobody_home")
    else {
        return Err(ApiError::Conflict {
            field: "status".into(),
            reason: format!(
                "a slip is left when nobody is home; this visit is {} (record \"nobody home\" first)",
                visit.status
            ),
        });
    };
    let now = state.clock().now();
    let left_at = input.left_at.unwrap_or(now);
    if left_at > now + Duration::minutes(5) || left_at < nobody_home.at - Duration::minutes(5) {
        return Err(FieldError::new(
            "left_at",
            "must be between recording \"nobody home\" and now",
        )
        .into());
    }
    let policy = db.policy_version(visit.policy_version_id).await?;
    let school = db.school(visit.school_id).await?;
    let pupil = db.pupil(visit.pupil_id).await?;
    let tz = policy.settings.tz();
    let respond_by = left_at + Duration::hours(i64::from(policy.settings.slip.response_hours));
    let message = fill_wording(
        &policy.settings.slip.wording,
        &pupil.name,
        &deadline_words(respond_by, tz),
        &school.name,
        school.phone.as_deref(),
    );
    let mut tx = db.begin().await?;
    let slip_id = tx
        .create_slip(
            &NewSlip {
                visit: visit.id,
                school: visit.school_id,
                pupil: visit.pupil_id,
                left_at,
                respond_by,
                message: &message,
                left_by: me.id,
            },
            now,
        )
        .await?;
    let detail =
        serde_json::json!({ "slip": slip_id, "pupil": pupil.id, "respond_by": respond_by });
    tx.add_visit_event(visit.id, "slip_left", Some(me.id), now, &detail)
        .await?;
    tx.append_audit(&access::entry(
        &state,
        &me,
        "visit.slip_left",
        "visit",
        visit.id.0,
        Some(school.id),
        detail,
    ))
    .await?;
    tx.commit().await?;
    let slip = db
        .slip_of_visit(visit.id)
        .await?
        .ok_or_else(|| ApiError::internal("the slip just stored is missing"))?;
    Ok((StatusCode::CREATED, Json(slip_view(slip, now))))
}

async fn readable_slip(
    state: &AppState,
    me: &Staff,
    id: i64,
    action: &str,
) -> Result<(Visit, Slip), ApiError> {
    let (visit, pupil, school) = readable_visit_record(state, me, VisitId(id)).await?;
    let slip = state
        .db()
        .slip_of_visit(visit.id)
        .await?
        .ok_or_else(|| ApiError::NotFound("Home Visit Slip".into()))?;
    let e = access::entry(
        state,
        me,
        action,
        "visit",
        visit.id.0,
        Some(school.id),
        serde_json::json!({ "pupil": pupil.id, "slip": slip.id }),
    );
    state.db().append_audit(&e).await?;
    Ok((visit, slip))
}

/// The visit's slip and whether the family has responded.
#[utoipa::path(get, path = "/api/visits/{id}/slip", tag = "after the visit", params(("id" = i64, Path)),
    responses((status = 200, body = SlipView), (status = 404)))]
async fn get_slip(
    State(state): State<AppState>,
    CurrentStaff(me): CurrentStaff,
    Id(id): Id,
) -> Result<Json<SlipView>, ApiError> {
    let (_, slip) = readable_slip(&state, &me, id, "slip.read").await?;
    Ok(Json(slip_view(slip, state.clock().now())))
}

/// The Home Visit Slip, printable, in the school's words (St Joseph's slip is the model).
#[utoipa::path(get, path = "/api/visits/{id}/slip.pdf", tag = "after the visit", params(("id" = i64, Path)),
    responses((status = 200, description = "The Home Visit Slip as PDF", content_type = "application/pdf"), (status = 404)))]
async fn slip_pdf(
    State(state): State<AppState>,
    CurrentStaff(me): CurrentStaff,
    Id(id): Id,
) -> Result<Response, ApiError> {
    let (visit, slip) = readable_slip(&state, &me, id, "slip.pdf_read").await?;
    let db = state.db();
    let school = db.school(visit.school_id).await?;
    let tz = school_tz(&state, school.id).await?;
    let header = record_header(&state, &visit, &school, tz, Some(slip.left_at)).await?;
    let doc = documents::HomeVisitSlip {
        header,
        school_phone: school.phone.clone(),
        message: slip.message.clone(),
        respond_by: deadline_words(slip.respond_by, tz),
    };
    let bytes = render(doc, documents::home_visit_slip).await?;
    Ok(pdf(bytes, &format!("home-visit-slip-{}.pdf", visit.id)))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct ResponseInput {
    /// Who got in touch, and how ("Jo Smith (mother) rang the office").
    from: String,
    note: Option<String>,
    /// When they got in touch; now if left out.
    responded_at: Option<DateTime<Utc>>,
}

/// A6: the family responded. The slip is closed and its deadline disarmed; if the DSL was already
/// alarmed, the alarm is resolved and everyone alerted is told.
#[utoipa::path(post, path = "/api/visits/{id}/slip/response", tag = "after the visit", params(("id" = i64, Path)), request_body = ResponseInput,
    responses((status = 200, body = SlipView), (status = 403), (status = 404), (status = 409), (status = 422)))]
async fn record_response(
    State(state): State<AppState>,
    CurrentStaff(me): CurrentStaff,
    Id(id): Id,
    ApiJson(input): ApiJson<ResponseInput>,
) -> Result<Json<SlipView>, ApiError> {
    let visit = visible_visit(&state, &me, VisitId(id)).await?;
    may_move(&state, &me, &visit, "record a response to the slip").await?;
    let db = state.db();
    let slip = db
        .slip_of_visit(visit.id)
        .await?
        .ok_or_else(|| ApiError::NotFound("Home Visit Slip".into()))?;
    let from = inputs::text("from", &input.from, 300)?;
    let note = inputs::optional_text("note", input.note.as_deref().unwrap_or(""), 2000)?;
    let now = state.clock().now();
    let responded_at = input.responded_at.unwrap_or(now);
    if responded_at > now + Duration::minutes(5) || responded_at < slip.left_at {
        return Err(
            FieldError::new("responded_at", "must be between leaving the slip and now").into(),
        );
    }
    let mut tx = db.begin().await?;
    tx.record_slip_response(&slip, &from, note.as_deref(), responded_at, me.id)
        .await?;
    let detail = serde_json::json!({ "slip": slip.id, "pupil": visit.pupil_id, "after_deadline": responded_at > slip.respond_by });
    tx.add_visit_event(visit.id, "slip_answered", Some(me.id), now, &detail)
        .await?;
    tx.append_audit(&access::entry(
        &state,
        &me,
        "visit.slip_answered",
        "visit",
        visit.id.0,
        Some(visit.school_id),
        detail,
    ))
    .await?;
    tx.commit().await?;
    // The DSL may already have been alarmed: close that too, telling everyone it reached.
    let open = db
        .alarms_of_visit(visit.id)
        .await?
        .into_iter()
        .filter(|a| a.kind == AlarmKind::SlipDeadlinePassed.as_str() && a.state != "resolved");
    for alarm in open {
        let outcome = format!("The family responded to the Home Visit Slip: {from}.");
        app::resolve(db, alarm.id, &me, &outcome, now).await?;
        state.wake_monitor();
    }
    let slip = db
        .slip_of_visit(visit.id)
        .await?
        .ok_or_else(|| ApiError::internal("the slip just answered is missing"))?;
    Ok(Json(slip_view(slip, now)))
}
