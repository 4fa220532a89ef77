//! A5: incident reports — trips, falls, accidents, verbal abuse, threats, aggression — written
//! factually and shared with the head by the end of the working day (overdue reports are
//! reminded by [`super::remind_overdue_incidents`]). P10 and A8: an abusive or aggressive
//! incident blocks the household for new appointments until a senior leader reviews it, and every
//! incident asks for the household's risk assessment to be updated and signed off.

use super::report::{NewIncidentInput, ReportInput, check_report, place};
use crate::access::{incident_readers, readable_incident, school_in_scope};
use crate::audit::entry;
use crate::permissions::reads_every_child;
use crate::school::staff_with;
use crate::words::{open_in_doorstep, short_datetime};
use crate::{App, Refusal, Result, outbox};
use domain::safeguarding::{ReportStatus, RiskReview, report_due};
use domain::{FieldError, HouseholdId, Role, VisitId};
use serde::{Deserialize, Serialize};
use store::{Incident, NewIncident, Staff};

#[derive(Serialize, utoipa::ToSchema)]
pub struct IncidentView {
    pub incident: Incident,
    /// draft, overdue or shared (with the head)
    pub status: &'static str,
    /// A8: requested, completed (awaiting sign-off) or signed_off.
    pub risk_assessment_update: &'static str,
    /// P10: whether the household is blocked for new appointments now.
    pub household_blocked_now: bool,
}

async fn view(app: &App, i: Incident) -> Result<IncidentView> {
    let status = ReportStatus::at(i.submitted_at, i.due_at, app.now());
    let latest = app.db().latest_risk_assessment(i.household_id).await?;
    let review = RiskReview::of(
        latest.map(|ra| (ra.completed_at, ra.signed_off_at.is_some())),
        i.created_at,
    );
    let household_blocked_now = app.db().household(i.household_id).await?.blocked;
    Ok(IncidentView {
        incident: i,
        status: status.as_str(),
        risk_assessment_update: review.as_str(),
        household_blocked_now,
    })
}

/// A5: records an incident (the factual account may follow before it is shared), due with the
/// head by the end of the working day. Abusive or aggressive incidents block the household and
/// add a caution (P10, when the policy says so); every incident asks the leaders who sign off
/// risk assessments to update the household's (A8), told in the app and by e-mail.
/// Errors: `Invalid` naming the field (`occurred_at`, `visit_id`, `household_id`, `pupil_id`,
/// a text too long); `Forbidden` for a visit the person only sees.
pub async fn record_incident(
    app: &App,
    me: &Staff,
    input: &NewIncidentInput,
) -> Result<IncidentView> {
    let now = app.now();
    let report = check_report(&input.report, now)?;
    let at = place(app, me, input).await?;
    let db = app.db();
    let school = db.school(at.school).await?;
    let policy = db.current_policy(school.id).await?;
    let settings = &policy.settings;
    let tz = settings.tz();
    let household = db.household(at.household).await?;
    let due_at = report_due(
        report.occurred_at,
        settings.incident_report.working_day_ends,
        tz,
    );
    let block = report.kind.is_abusive_or_aggressive() && settings.household.block_after_aggression;
    let mut roles: Vec<Role> = settings.risk_assessment.sign_off_roles.clone();
    if block {
        roles.extend(settings.household.review_roles.iter().copied());
    }
    if roles.is_empty() {
        roles.push(Role::Headteacher);
    }
    let leaders = staff_with(app, &school, &roles, Some(me.id)).await?;
    let mut tx = db.begin().await?;
    let id = tx
        .create_incident(
            &NewIncident {
                school: school.id,
                household: household.id,
                pupil: at.pupil,
                visit: at.visit,
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
    // No family name, postcode or account by e-mail (not a secure channel; a block is a flag
    // on a family): the leaders read the report in Doorstep.
    let subject = if block {
        "A household has been blocked after an incident".to_string()
    } else {
        "A household's risk assessment needs updating after an incident".to_string()
    };
    let mut body = format!(
        "{} reported {} at a household on {when} (incident report {id}): open Doorstep to read it.\n\n{}\n\n",
        me.name,
        report.kind.label().to_lowercase(),
        open_in_doorstep(app, &format!("/incidents/{id}")),
    );
    if block {
        body.push_str("The household is blocked for new appointments until a senior leader has reviewed the case.\n");
    }
    body.push_str("Please update the household's risk assessment and sign it off.");
    let topic = format!("incident:{id}:recorded");
    outbox::tell(&mut tx, &leaders, &topic, &subject, &body, at.visit, now).await?;
    let detail = serde_json::json!({ "incident": id, "kind": report.kind.as_str(), "household_blocked": block, "pupil": at.pupil });
    if let Some(v) = at.visit {
        tx.add_visit_event(v, "incident_recorded", Some(me.id), now, &detail)
            .await?;
    }
    let e = entry(
        app,
        me,
        "incident.record",
        "household",
        household.id.0,
        Some(school.id),
        detail,
    );
    tx.append_audit(&e).await?;
    let incident = tx.incident(id).await?;
    tx.commit().await?;
    view(app, incident).await
}

/// The family name and postcode of the household an incident is about, as the incident pages
/// name it, for whoever may read the incident ([`readable_incident`]).
/// Error: `NotFound("incident")`.
pub async fn incident_family(app: &App, me: &Staff, id: i64) -> Result<(String, String)> {
    let i = readable_incident(app, me, id).await?;
    let h = app.db().household(i.household_id).await?;
    Ok((h.family_name, h.postcode.to_string()))
}

/// One report, for its author, the school's incident readers and those who may read the child's
/// records; the read is audited against the pupil (or the household). Error: `NotFound("incident")`.
pub async fn incident(app: &App, me: &Staff, id: i64) -> Result<IncidentView> {
    let i = readable_incident(app, me, id).await?;
    let (subject, subject_id) = match i.pupil_id {
        Some(p) => ("pupil", p),
        None => ("household", i.household_id.0),
    };
    let e = entry(
        app,
        me,
        "incident.read",
        subject,
        subject_id,
        Some(i.school_id),
        serde_json::json!({ "incident": i.id }),
    );
    app.db().append_audit(&e).await?;
    view(app, i).await
}

/// The author changes a report not yet shared with the head. Errors: `NotFound("incident")`;
/// `Forbidden` for anyone but the author; `Invalid` naming the field; `Conflict("submitted_at")`
/// once it is shared.
pub async fn update_incident(
    app: &App,
    me: &Staff,
    id: i64,
    input: &ReportInput,
) -> Result<IncidentView> {
    let i = readable_incident(app, me, id).await?;
    if i.author_staff_id != me.id.0 {
        return Err(Refusal::forbidden("only the report's author may change it"));
    }
    let now = app.now();
    let report = check_report(input, now)?;
    let mut tx = app.db().begin().await?;
    tx.update_incident(i.id, &report.draft(), now).await?;
    let e = entry(
        app,
        me,
        "incident.update",
        "household",
        i.household_id.0,
        Some(i.school_id),
        serde_json::json!({ "incident": i.id }),
    );
    tx.append_audit(&e).await?;
    let i = tx.incident(i.id).await?;
    tx.commit().await?;
    view(app, i).await
}

/// A5: the author shares the finished factual report with the role the policy names
/// (`incident_report.due_to`, the head), who is sent it in the app and by e-mail; reminders stop.
/// Errors: `NotFound("incident")`; `Forbidden` for anyone but the author; `Invalid("account")`
/// while nothing is written of what happened; `Conflict("submitted_at")` once shared.
pub async fn submit_incident(app: &App, me: &Staff, id: i64) -> Result<IncidentView> {
    let i = readable_incident(app, me, id).await?;
    if i.author_staff_id != me.id.0 {
        return Err(Refusal::forbidden(
            "only the report's author may share it with the head",
        ));
    }
    let db = app.db();
    let school = db.school(i.school_id).await?;
    let policy = db.current_policy(school.id).await?;
    let tz = policy.settings.tz();
    let due_to = policy.settings.incident_report.due_to;
    let heads = staff_with(app, &school, &[due_to], Some(me.id)).await?;
    let now = app.now();
    let mut tx = db.begin().await?;
    // Read again inside the transaction: the account must be there as it is shared.
    let i = tx.incident(i.id).await?;
    if i.account.trim().is_empty() {
        return Err(FieldError::new(
            "account",
            "write down what happened before sharing the report",
        )
        .into());
    }
    tx.submit_incident(i.id, now).await?;
    // The factual account, injuries and place stay in Doorstep (e-mail is not a secure channel).
    let subject = format!(
        "Incident report {}: {} shared with you",
        i.id,
        i.kind.as_str().replace('_', " ")
    );
    let body = format!(
        "{} shared the incident report of {} (report {}): open Doorstep to read it.\n\n{}",
        me.name,
        short_datetime(i.occurred_at, tz),
        i.id,
        open_in_doorstep(app, &format!("/incidents/{}", i.id)),
    );
    let topic = format!("incident:{}:shared", i.id);
    outbox::tell(
        &mut tx,
        &heads,
        &topic,
        &subject,
        &body,
        i.visit_id.map(VisitId),
        now,
    )
    .await?;
    let e = entry(
        app,
        me,
        "incident.share",
        "household",
        i.household_id.0,
        Some(school.id),
        serde_json::json!({ "incident": i.id, "late": now > i.due_at }),
    );
    tx.append_audit(&e).await?;
    let i = tx.incident(i.id).await?;
    tx.commit().await?;
    view(app, i).await
}

#[derive(Default, Deserialize, utoipa::IntoParams)]
pub struct IncidentQuery {
    pub school_id: Option<i64>,
    /// Only reports not shared with the head by their due time.
    pub overdue: Option<bool>,
}

/// The school's incident reports, newest first, for its head, DSL and reviewers; anyone else sees
/// the reports they wrote. Error: `Invalid("school_id")` for a school the person does not work in.
pub async fn list_incidents(app: &App, me: &Staff, q: &IncidentQuery) -> Result<Vec<Incident>> {
    let school = school_in_scope(app, me, q.school_id).await?;
    let reader = reads_every_child(me) || me.roles.any_of(&incident_readers(app, school).await?);
    let overdue_at = q.overdue.unwrap_or(false).then(|| app.now());
    let list = if reader && me.school_id == Some(school) {
        app.db().incidents_of_school(school, overdue_at).await?
    } else {
        app.db()
            .incidents_by_author(me.id)
            .await?
            .into_iter()
            .filter(|i| {
                i.school_id == school
                    && overdue_at.is_none_or(|at| i.submitted_at.is_none() && i.due_at <= at)
            })
            .collect()
    };
    Ok(list)
}

/// The family name of each incident's household, in the order of `list`: the reports
/// [`list_incidents`] gave this person (its decision is the access), their households read at
/// once rather than one report at a time. A household gone from the roll reads "—".
/// Errors: a store error only.
pub async fn incident_families(app: &App, list: &[Incident]) -> Result<Vec<String>> {
    let ids: Vec<HouseholdId> = list.iter().map(|i| i.household_id).collect();
    let found = app.db().households_by_id(&ids).await?;
    Ok(list
        .iter()
        .map(|i| {
            found
                .iter()
                .find(|h| h.id == i.household_id)
                .map_or_else(|| "—".to_string(), |h| h.family_name.clone())
        })
        .collect())
}
