//! A5: incident reports — trips, falls, accidents, verbal abuse, threats, aggression — written
//! factually and shared with the head by the end of the working day (overdue reports are
//! reminded by `store::remind_overdue_incidents`). P10 and A8: an abusive or aggressive incident
//! blocks the household for new appointments until a senior leader reviews it, and every
//! incident asks for the household's risk assessment to be updated and signed off.

mod report;
mod rules;

use super::{readable_pupil, sees_all_children, short_datetime, staff_with, tell};
use crate::AppState;
use crate::access::{self, can_see_school};
use crate::auth::CurrentStaff;
use crate::error::ApiError;
use crate::extract::{ApiJson, Id};
use axum::Json;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use domain::{FieldError, PupilId, Role, SchoolId, VisitId};
use report::{NewIncidentInput, ReportInput, check_report, place};
use rules::report_due;
use serde::{Deserialize, Serialize};
use store::{Incident, NewIncident, School, Staff};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_incidents, record_incident))
        .routes(routes!(get_incident, update_incident))
        .routes(routes!(submit_incident))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct IncidentView {
    incident: Incident,
    /// draft, overdue or shared (with the head)
    status: &'static str,
    /// A8: requested, completed (awaiting sign-off) or signed_off.
    risk_assessment_update: &'static str,
    /// P10: whether the household is blocked for new appointments now.
    household_blocked_now: bool,
}

async fn view(state: &AppState, i: Incident) -> Result<IncidentView, ApiError> {
    let now = state.clock().now();
    let status = match i.submitted_at {
        Some(_) => "shared",
        None if now >= i.due_at => "overdue",
        None => "draft",
    };
    let latest = state.db().latest_risk_assessment(i.household_id).await?;
    let risk_assessment_update = match latest.filter(|ra| ra.completed_at >= i.created_at) {
        Some(ra) if ra.signed_off_at.is_some() => "signed_off",
        Some(_) => "completed",
        None => "requested",
    };
    let household_blocked_now = state.db().household(i.household_id).await?.blocked;
    Ok(IncidentView {
        incident: i,
        status,
        risk_assessment_update,
        household_blocked_now,
    })
}

/// Who reads incident reports of a school besides their author: the head (or whoever the policy
/// names), the DSL and safeguarding team, and the leaders who review a blocked household.
async fn readers(state: &AppState, school: SchoolId) -> Result<Vec<Role>, ApiError> {
    let policy = state.db().current_policy(school).await?;
    let mut roles = vec![Role::Headteacher, Role::Dsl, Role::SafeguardingTeam];
    roles.push(policy.settings.incident_report.due_to);
    roles.extend(policy.settings.household.review_roles.iter().copied());
    Ok(roles)
}

async fn readable_incident(state: &AppState, me: &Staff, id: i64) -> Result<Incident, ApiError> {
    let i = state.db().incident(id).await?;
    let school = state.db().school(i.school_id).await?;
    let reader =
        me.school_id == Some(school.id) && me.roles.any_of(&readers(state, school.id).await?);
    let involved = match i.pupil_id {
        Some(p) => match readable_pupil(state, me, PupilId(p)).await {
            Ok(_) => true,
            Err(app::Refusal::NotFound(_)) => false,
            Err(e) => return Err(e.into()),
        },
        None => false,
    };
    if i.author_staff_id == me.id.0
        || (can_see_school(me, school.id, school.trust_id) && (reader || involved))
    {
        Ok(i)
    } else {
        Err(ApiError::NotFound("incident".into()))
    }
}

/// A5: records an incident (the factual account may follow before it is shared). Abusive or
/// aggressive incidents block the household (P10); every incident asks for the household's risk
/// assessment to be updated and signed off (A8).
#[utoipa::path(post, path = "/api/incidents", tag = "after the visit", request_body = NewIncidentInput,
    responses((status = 201, body = IncidentView), (status = 403), (status = 422)))]
async fn record_incident(
    State(state): State<AppState>,
    CurrentStaff(me): CurrentStaff,
    ApiJson(input): ApiJson<NewIncidentInput>,
) -> Result<(StatusCode, Json<IncidentView>), ApiError> {
    let now = state.clock().now();
    let report = check_report(&input.report, now)?;
    let (school_id, household_id, pupil, visit) = place(&state, &me, &input).await?;
    let db = state.db();
    let school = db.school(school_id).await?;
    let policy = db.current_policy(school.id).await?;
    let settings = &policy.settings;
    let tz = settings.tz();
    let household = db.household(household_id).await?;
    let due_at = report_due(
        report.occurred_at,
        settings.incident_report.working_day_ends,
        tz,
    );
    let block = report.kind.is_abusive_or_aggressive() && settings.household.block_after_aggression;
    let mut tx = db.begin().await?;
    let id = tx
        .create_incident(
            &NewIncident {
                school: school.id,
                household: household.id,
                pupil,
                visit,
                draft: report.draft(),
                author: me.id,
                due_at,
                household_blocked: block,
                risk_review_requested: true,
            },
            now,
        )
        .await?;
    let when = short_datetime(report.occurred_at, tz);
    if block {
        let reason = format!(
            "{} on {when} (incident report {id}): no new appointment until a senior leader has reviewed the case.",
            report.kind.label()
        );
        tx.block_household(household.id, &reason, now).await?;
        tx.add_caution(
            household.id,
            &format!("{} towards staff on {when}", report.kind.label()),
            &format!("incident report {id}"),
            me.id,
            now,
        )
        .await?;
    }
    let mut roles: Vec<Role> = settings.risk_assessment.sign_off_roles.clone();
    if block {
        roles.extend(settings.household.review_roles.iter().copied());
    }
    if roles.is_empty() {
        roles.push(Role::Headteacher);
    }
    let leaders = staff_with(&state, &school, &roles, Some(me.id)).await?;
    let subject = if block {
        format!(
            "Household blocked after an incident: {} family ({})",
            household.family_name, household.postcode
        )
    } else {
        format!(
            "Risk assessment to update: {} family ({})",
            household.family_name, household.postcode
        )
    };
    let mut body = format!(
        "{} reported {} at the {} household on {when} (incident report {id}).\n\n",
        me.name,
        report.kind.label().to_lowercase(),
        household.family_name
    );
    if block {
        body.push_str("The household is blocked for new appointments until a senior leader reviews the case (P10).\n");
    }
    body.push_str("Please update the household's risk assessment and sign it off (A8).");
    tell(
        &mut tx,
        &leaders,
        &format!("incident:{id}:recorded"),
        &subject,
        &body,
        visit,
        now,
    )
    .await?;
    let detail = serde_json::json!({ "incident": id, "kind": report.kind.as_str(), "household_blocked": block, "pupil": pupil });
    if let Some(v) = visit {
        tx.add_visit_event(v, "incident_recorded", Some(me.id), now, &detail)
            .await?;
    }
    tx.append_audit(&access::entry(
        &state,
        &me,
        "incident.record",
        "household",
        household.id.0,
        Some(school.id),
        detail,
    ))
    .await?;
    tx.commit().await?;
    let incident = db.incident(id).await?;
    Ok((StatusCode::CREATED, Json(view(&state, incident).await?)))
}

#[utoipa::path(get, path = "/api/incidents/{id}", tag = "after the visit", params(("id" = i64, Path)),
    responses((status = 200, body = IncidentView), (status = 404)))]
async fn get_incident(
    State(state): State<AppState>,
    CurrentStaff(me): CurrentStaff,
    Id(id): Id,
) -> Result<Json<IncidentView>, ApiError> {
    let i = readable_incident(&state, &me, id).await?;
    let (subject, subject_id) = match i.pupil_id {
        Some(p) => ("pupil", p),
        None => ("household", i.household_id.0),
    };
    let e = access::entry(
        &state,
        &me,
        "incident.read",
        subject,
        subject_id,
        Some(i.school_id),
        serde_json::json!({ "incident": i.id }),
    );
    state.db().append_audit(&e).await?;
    Ok(Json(view(&state, i).await?))
}

/// Changes a report its author has not yet shared with the head.
#[utoipa::path(put, path = "/api/incidents/{id}", tag = "after the visit", params(("id" = i64, Path)), request_body = ReportInput,
    responses((status = 200, body = IncidentView), (status = 403), (status = 404), (status = 409), (status = 422)))]
async fn update_incident(
    State(state): State<AppState>,
    CurrentStaff(me): CurrentStaff,
    Id(id): Id,
    ApiJson(input): ApiJson<ReportInput>,
) -> Result<Json<IncidentView>, ApiError> {
    let i = readable_incident(&state, &me, id).await?;
    if i.author_staff_id != me.id.0 {
        return Err(ApiError::forbidden(
            "only the report's author may change it",
        ));
    }
    let now = state.clock().now();
    let report = check_report(&input, now)?;
    let mut tx = state.db().begin().await?;
    tx.update_incident(i.id, &report.draft(), now).await?;
    tx.append_audit(&access::entry(
        &state,
        &me,
        "incident.update",
        "household",
        i.household_id.0,
        Some(i.school_id),
        serde_json::json!({ "incident": i.id }),
    ))
    .await?;
    tx.commit().await?;
    Ok(Json(view(&state, state.db().incident(i.id).await?).await?))
}

/// A5: the author shares the finished factual report with the head; reminders stop.
#[utoipa::path(post, path = "/api/incidents/{id}/submit", tag = "after the visit", params(("id" = i64, Path)),
    responses((status = 200, body = IncidentView), (status = 403), (status = 404), (status = 409), (status = 422)))]
async fn submit_incident(
    State(state): State<AppState>,
    CurrentStaff(me): CurrentStaff,
    Id(id): Id,
) -> Result<Json<IncidentView>, ApiError> {
    let i = readable_incident(&state, &me, id).await?;
    if i.author_staff_id != me.id.0 {
        return Err(ApiError::forbidden(
            "only the report's author may share it with the head",
        ));
    }
    if i.account.trim().is_empty() {
        return Err(FieldError::new(
            "account",
            "write down what happened before sharing the report",
        )
        .into());
    }
    let db = state.db();
    let school: School = db.school(i.school_id).await?;
    let policy = db.current_policy(school.id).await?;
    let tz = policy.settings.tz();
    let due_to = policy.settings.incident_report.due_to;
    let heads = staff_with(&state, &school, &[due_to], Some(me.id)).await?;
    let household = db.household(i.household_id).await?;
    let now = state.clock().now();
    let mut tx = db.begin().await?;
    tx.submit_incident(i.id, now).await?;
    let subject = format!(
        "Incident report {}: {} at the {} household",
        i.id,
        i.kind.replace('_', " "),
        household.family_name
    );
    let body = format!(
        "From {}. Happened {}{}.\n\n{}\n\nInjuries: {}\nPolice called: {}",
        me.name,
        short_datetime(i.occurred_at, tz),
        i.location
            .as_deref()
            .map(|l| format!(" at {l}"))
            .unwrap_or_default(),
        i.account,
        i.injuries.as_deref().unwrap_or("none recorded"),
        if i.police_called { "yes" } else { "no" }
    );
    tell(
        &mut tx,
        &heads,
        &format!("incident:{}:shared", i.id),
        &subject,
        &body,
        i.visit_id.map(VisitId),
        now,
    )
    .await?;
    tx.append_audit(&access::entry(
        &state,
        &me,
        "incident.share",
        "household",
        i.household_id.0,
        Some(school.id),
        serde_json::json!({ "incident": i.id, "late": now > i.due_at }),
    ))
    .await?;
    tx.commit().await?;
    Ok(Json(view(&state, db.incident(i.id).await?).await?))
}

#[derive(Deserialize, utoipa::IntoParams)]
struct IncidentQuery {
    school_id: Option<i64>,
    /// Only reports not shared with the head by their due time.
    overdue: Option<bool>,
}

/// The school's incident reports for the head, the DSL and reviewers; anyone else sees the
/// reports they wrote.
#[utoipa::path(get, path = "/api/incidents", tag = "after the visit", params(IncidentQuery),
    responses((status = 200, body = Vec<Incident>)))]
async fn list_incidents(
    State(state): State<AppState>,
    CurrentStaff(me): CurrentStaff,
    Query(q): Query<IncidentQuery>,
) -> Result<Json<Vec<Incident>>, ApiError> {
    let school = access::school_in_scope(&state, &me, q.school_id).await?;
    let reader = sees_all_children(&me) || me.roles.any_of(&readers(&state, school).await?);
    let overdue_at = q.overdue.unwrap_or(false).then(|| state.clock().now());
    let list = if reader && me.school_id == Some(school) {
        state.db().incidents_of_school(school, overdue_at).await?
    } else {
        state
            .db()
            .incidents_by_author(me.id)
            .await?
            .into_iter()
            .filter(|i| {
                i.school_id == school
                    && overdue_at.is_none_or(|at| i.submitted_at.is_none() && i.due_at <= at)
            })
            .collect()
    };
    Ok(Json(list))
}
