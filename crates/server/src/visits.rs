//! Visits: plan, policy check, the lifecycle steps, authorisation and staff safety concerns.

mod facts;
mod plan;

use crate::AppState;
use crate::access::{self, require_any, scope, sees_school_visits, visible_visit, visit_to_act_on};
use crate::auth::CurrentStaff;
use crate::error::ApiError;
use crate::extract::{ApiJson, ApiQuery, Id};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use domain::inputs;
use domain::policy::{Stage, Unmet, evaluate};
use domain::visit::{VisitStep, apply};
use domain::{CautionFlagId, FieldError, Role, SafetyConcernId, SchoolId, VisitId};
use plan::VisitPlanInput;
use serde::{Deserialize, Serialize};
use store::{Decision, SafetyConcern, Staff, Visit, VisitEvent, VisitFilter, VisitSummary};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_visits, create_visit))
        .routes(routes!(get_visit, update_visit))
        .routes(routes!(policy_check))
        .routes(routes!(request_visit))
        .routes(routes!(authorise_visit))
        .routes(routes!(decline_visit))
        .routes(routes!(request_changes))
        .routes(routes!(sign_out))
        .routes(routes!(arrived))
        .routes(routes!(nobody_home))
        .routes(routes!(left_property))
        .routes(routes!(returned))
        .routes(routes!(complete_record))
        .routes(routes!(cancel_visit))
        .routes(routes!(reschedule_visit))
        .routes(routes!(raise_concern))
        .routes(routes!(resolve_concern))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct VisitDetail {
    visit: Visit,
    decisions: Vec<Decision>,
    events: Vec<VisitEvent>,
    safety_concerns: Vec<SafetyConcern>,
    acknowledged_cautions: Vec<CautionFlagId>,
    /// Sign-out, check-ins, extensions: every word from the staff while out.
    check_ins: Vec<store::CheckIn>,
    /// What stands between the visit and its next step, under its policy version.
    unmet: Vec<Unmet>,
}

fn next_stage(visit: &Visit) -> Stage {
    match visit.status.as_str() {
        "requested" => Stage::Authorise,
        "authorised" => Stage::SignOut,
        _ => Stage::Request,
    }
}

async fn check_policy(
    state: &AppState,
    visit: &Visit,
    stage: Stage,
    authoriser: Option<&Staff>,
    extra: &[CautionFlagId],
) -> Result<Vec<Unmet>, ApiError> {
    let policy = state.db().policy_version(visit.policy_version_id).await?;
    let facts = facts::gather(state, visit, authoriser.map(|a| &a.roles), extra).await?;
    let today = state
        .clock()
        .now()
        .with_timezone(&policy.settings.tz())
        .date_naive();
    Ok(evaluate(&policy.settings, &facts, stage, today))
}

/// The visit as this person may see it: the code word only for the people on it and the buddy (P5).
async fn detail(state: &AppState, me: &Staff, mut visit: Visit) -> Result<VisitDetail, ApiError> {
    let reveal_code_word = visit.involves(me.id);
    if !reveal_code_word {
        visit.code_word = None;
    }
    let action = if reveal_code_word && visit.code_word.is_some() {
        "visit.read_with_code_word"
    } else {
        "visit.read"
    };
    access::audit_read(state, me, action, "visit", visit.id.0, visit.school_id).await?;
    let db = state.db();
    let unmet = if visit.status == "draft"
        || visit.status == "changes_requested"
        || visit.status == "requested"
        || visit.status == "authorised"
    {
        check_policy(state, &visit, next_stage(&visit), None, &[])
            .await?
            .into_iter()
            .filter(|u| u.requirement != "P9")
            .collect()
    } else {
        vec![]
    };
    Ok(VisitDetail {
        decisions: db.decisions(visit.id).await?,
        events: db.visit_events(visit.id).await?,
        safety_concerns: db.safety_concerns(visit.id).await?,
        acknowledged_cautions: db.acknowledged_cautions(visit.id).await?,
        check_ins: db.check_ins_of(visit.id).await?,
        unmet,
        visit,
    })
}

#[derive(Deserialize, utoipa::IntoParams)]
struct VisitQuery {
    school_id: Option<i64>,
    status: Option<String>,
    /// Only visits I am on or buddy for.
    mine: Option<bool>,
}

/// Visits this person may see: their own, or their school's (their trust's) for leaders and the office.
#[utoipa::path(get, path = "/api/visits", tag = "visits", params(VisitQuery), responses((status = 200, body = Vec<VisitSummary>)))]
async fn list_visits(
    State(state): State<AppState>,
    CurrentStaff(me): CurrentStaff,
    ApiQuery(q): ApiQuery<VisitQuery>,
) -> Result<Json<Vec<VisitSummary>>, ApiError> {
    let s = scope(&me);
    let school = match q.school_id {
        Some(id) => Some(access::school_in_scope(&state, &me, Some(id)).await?),
        None => s.school.filter(|id| *id != SchoolId(0)),
    };
    let sees_all = match school {
        Some(school) => sees_school_visits(&state, &me, school).await?,
        None => me.roles.has(Role::TrustAdmin),
    };
    let involving = if q.mine.unwrap_or(false) || !sees_all {
        Some(me.id)
    } else {
        None
    };
    let filter = VisitFilter {
        trust: Some(me.trust_id),
        school,
        involving,
        status: q.status.filter(|s| !s.is_empty()),
        limit: Some(500),
    };
    Ok(Json(state.db().visits(&filter).await?))
}

/// Plans a visit (a draft). The answer carries every rule still unmet for the request.
#[utoipa::path(post, path = "/api/visits", tag = "visits", request_body = VisitPlanInput,
    responses((status = 201, body = VisitDetail), (status = 400), (status = 422)))]
async fn create_visit(
    State(state): State<AppState>,
    CurrentStaff(me): CurrentStaff,
    ApiJson(input): ApiJson<VisitPlanInput>,
) -> Result<(StatusCode, Json<VisitDetail>), ApiError> {
    let checked = plan::check(&state, &me, &input, None).await?;
    let now = state.clock().now();
    let mut tx = state.db().begin().await?;
    let id = tx
        .create_visit(&checked.as_new_visit(&input, None), me.id, now)
        .await?;
    tx.add_visit_event(id, "planned", Some(me.id), now, &serde_json::json!({}))
        .await?;
    tx.append_audit(&access::entry(
        &state,
        &me,
        "visit.create",
        "visit",
        id.0,
        Some(checked.school),
        serde_json::json!({ "pupil": checked.pupil.id }),
    ))
    .await?;
    tx.commit().await?;
    let visit = state.db().visit(id).await?;
    Ok((StatusCode::CREATED, Json(detail(&state, &me, visit).await?)))
}

#[utoipa::path(get, path = "/api/visits/{id}", tag = "visits", params(("id" = i64, Path)), responses((status = 200, body = VisitDetail), (status = 404)))]
async fn get_visit(
    State(state): State<AppState>,
    CurrentStaff(me): CurrentStaff,
    Id(id): Id,
) -> Result<Json<VisitDetail>, ApiError> {
    let visit = visible_visit(&state, &me, VisitId(id)).await?;
    Ok(Json(detail(&state, &me, visit).await?))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct UpdateVisitInput {
    /// The revision you edited, so two people's changes cannot silently overwrite each other.
    revision: i64,
    #[serde(flatten)]
    plan: VisitPlanInput,
}

/// Changes a draft, or a plan the authoriser asked to change.
#[utoipa::path(put, path = "/api/visits/{id}", tag = "visits", params(("id" = i64, Path)), request_body = UpdateVisitInput,
    responses((status = 200, body = VisitDetail), (status = 404), (status = 409), (status = 422)))]
async fn update_visit(
    State(state): State<AppState>,
    CurrentStaff(me): CurrentStaff,
    Id(id): Id,
    ApiJson(input): ApiJson<UpdateVisitInput>,
) -> Result<Json<VisitDetail>, ApiError> {
    let visit = visible_visit(&state, &me, VisitId(id)).await?;
    if !visit.state.is_editable() {
        return Err(ApiError::Conflict {
            field: "status".into(),
            reason: format!("a visit that is {} can no longer be changed", visit.status),
        });
    }
    let mut checked = plan::check(&state, &me, &input.plan, Some(visit.id)).await?;
    // Someone editing a visit they are not on never saw its code word (P5), so leaving it out
    // keeps it rather than erasing what the visitors agreed.
    if checked.code_word.is_none() && !visit.involves(me.id) {
        checked.code_word = visit.code_word.clone();
    }
    if checked.pupil.id != visit.pupil_id {
        return Err(FieldError::new("pupil_id", "plan a new visit for a different pupil").into());
    }
    let now = state.clock().now();
    let mut tx = state.db().begin().await?;
    tx.replace_visit_plan(
        visit.id,
        input.revision,
        &checked.as_new_visit(&input.plan, None),
        now,
    )
    .await?;
    tx.add_visit_event(
        visit.id,
        "plan_changed",
        Some(me.id),
        now,
        &serde_json::json!({}),
    )
    .await?;
    tx.append_audit(&access::entry(
        &state,
        &me,
        "visit.update",
        "visit",
        id,
        Some(visit.school_id),
        serde_json::json!({}),
    ))
    .await?;
    tx.commit().await?;
    let visit = state.db().visit(visit.id).await?;
    Ok(Json(detail(&state, &me, visit).await?))
}

#[derive(Deserialize, utoipa::IntoParams)]
struct StageQuery {
    /// request, authorise or sign_out; defaults to the visit's next step.
    stage: Option<String>,
}

#[derive(Serialize, utoipa::ToSchema)]
struct PolicyCheck {
    stage: String,
    policy_version: i64,
    unmet: Vec<Unmet>,
}

/// Every rule of the school's policy the visit does not yet meet, in plain words.
#[utoipa::path(get, path = "/api/visits/{id}/policy-check", tag = "visits", params(("id" = i64, Path), StageQuery),
    responses((status = 200, body = PolicyCheck), (status = 404)))]
async fn policy_check(
    State(state): State<AppState>,
    CurrentStaff(me): CurrentStaff,
    Id(id): Id,
    ApiQuery(q): ApiQuery<StageQuery>,
) -> Result<Json<PolicyCheck>, ApiError> {
    let visit = visible_visit(&state, &me, VisitId(id)).await?;
    let stage = match q.stage.as_deref() {
        None => next_stage(&visit),
        Some("request") => Stage::Request,
        Some("authorise") => Stage::Authorise,
        Some("sign_out") => Stage::SignOut,
        Some(other) => {
            return Err(ApiError::bad_request(
                "stage",
                format!("'{other}' is not request, authorise or sign_out"),
            ));
        }
    };
    let authoriser = if stage == Stage::Authorise {
        Some(&me)
    } else {
        None
    };
    let policy = state.db().policy_version(visit.policy_version_id).await?;
    let unmet = check_policy(&state, &visit, stage, authoriser, &[]).await?;
    let stage = serde_json::to_value(stage)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default();
    Ok(Json(PolicyCheck {
        stage,
        policy_version: policy.version,
        unmet,
    }))
}

/// Applies one step: refuses illegal steps, then stores the new state, an event, any decision and
/// the audit entry in one transaction.
struct StepRecord<'a> {
    step: VisitStep,
    event: &'a str,
    detail: serde_json::Value,
    decision: Option<(&'a str, Option<String>)>,
    acknowledge: Vec<CautionFlagId>,
}

async fn take_step(
    state: &AppState,
    me: &Staff,
    visit: &Visit,
    record: StepRecord<'_>,
) -> Result<Visit, ApiError> {
    let now = state.clock().now();
    let next = apply(&visit.state, record.step, now)?;
    let watch = state.db().watch(visit.id).await?;
    let policy = state.db().policy_version(visit.policy_version_id).await?;
    let mut tx = state.db().begin().await?;
    tx.set_visit_state(visit.id, visit.revision, &next, now)
        .await?;
    // The monitor starts, moves or stops watching in the same transaction as the step.
    app::after_step(
        &mut tx,
        state.db(),
        visit,
        watch,
        &next,
        &policy.settings,
        Some(me.id),
        now,
    )
    .await?;
    for flag in &record.acknowledge {
        tx.acknowledge_caution(visit.id, *flag, me.id, now).await?;
    }
    if let Some((decision, comment)) = &record.decision {
        tx.add_decision(visit.id, me.id, decision, comment.as_deref(), now)
            .await?;
    }
    tx.add_visit_event(visit.id, record.event, Some(me.id), now, &record.detail)
        .await?;
    tx.append_audit(&access::entry(
        state,
        me,
        &format!("visit.{}", record.event),
        "visit",
        visit.id.0,
        Some(visit.school_id),
        record.detail.clone(),
    ))
    .await?;
    tx.commit().await?;
    Ok(state.db().visit(visit.id).await?)
}

async fn step_response(
    state: &AppState,
    me: &Staff,
    visit: Visit,
) -> Result<Json<VisitDetail>, ApiError> {
    Ok(Json(detail(state, me, visit).await?))
}

fn simple(step: VisitStep, event: &str) -> StepRecord<'_> {
    StepRecord {
        step,
        event,
        detail: serde_json::json!({}),
        decision: None,
        acknowledge: vec![],
    }
}

/// Asks for authorisation. Refused, naming every unmet rule, if the plan breaks the policy.
#[utoipa::path(post, path = "/api/visits/{id}/request", tag = "visits", params(("id" = i64, Path)),
    responses((status = 200, body = VisitDetail), (status = 409), (status = 422)))]
async fn request_visit(
    State(state): State<AppState>,
    CurrentStaff(me): CurrentStaff,
    Id(id): Id,
) -> Result<Json<VisitDetail>, ApiError> {
    let visit = visit_to_act_on(&state, &me, VisitId(id), "request this visit").await?;
    apply(
        &visit.state,
        VisitStep::Request { by: me.id },
        state.clock().now(),
    )?;
    let unmet = check_policy(&state, &visit, Stage::Request, None, &[]).await?;
    if !unmet.is_empty() {
        return Err(ApiError::Refused(unmet));
    }
    let visit = take_step(
        &state,
        &me,
        &visit,
        simple(VisitStep::Request { by: me.id }, "requested"),
    )
    .await?;
    step_response(&state, &me, visit).await
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct AuthoriseInput {
    comment: Option<String>,
    /// P10: the caution flags the authoriser has read and acknowledges.
    #[serde(default)]
    acknowledge_cautions: Vec<i64>,
}

/// P9: the authoriser approves, acknowledging each caution flag (P10).
#[utoipa::path(post, path = "/api/visits/{id}/authorise", tag = "visits", params(("id" = i64, Path)), request_body = AuthoriseInput,
    responses((status = 200, body = VisitDetail), (status = 403), (status = 409), (status = 422)))]
async fn authorise_visit(
    State(state): State<AppState>,
    CurrentStaff(me): CurrentStaff,
    Id(id): Id,
    ApiJson(input): ApiJson<AuthoriseInput>,
) -> Result<Json<VisitDetail>, ApiError> {
    let visit = visible_visit(&state, &me, VisitId(id)).await?;
    let policy = state.db().policy_version(visit.policy_version_id).await?;
    require_any(
        &me,
        &policy.settings.authorisation.roles,
        "authorise a visit under this school's policy",
    )?;
    let comment = inputs::optional_text("comment", input.comment.as_deref().unwrap_or(""), 2000)?;
    let flags: Vec<CautionFlagId> = state
        .db()
        .caution_flags(visit.household_id)
        .await?
        .into_iter()
        .map(|f| f.id)
        .collect();
    let mut acknowledge = Vec::new();
    for (i, raw) in input.acknowledge_cautions.iter().enumerate() {
        let flag = CautionFlagId(*raw);
        if !flags.contains(&flag) {
            return Err(FieldError::new(
                format!("acknowledge_cautions[{i}]"),
                "is not a caution flag on this household",
            )
            .into());
        }
        acknowledge.push(flag);
    }
    apply(
        &visit.state,
        VisitStep::Authorise { by: me.id },
        state.clock().now(),
    )?;
    let unmet = check_policy(&state, &visit, Stage::Authorise, Some(&me), &acknowledge).await?;
    if !unmet.is_empty() {
        return Err(ApiError::Refused(unmet));
    }
    let record = StepRecord {
        step: VisitStep::Authorise { by: me.id },
        event: "authorised",
        detail: serde_json::json!({ "comment": comment, "policy_version": policy.version }),
        decision: Some(("authorised", comment)),
        acknowledge,
    };
    let visit = take_step(&state, &me, &visit, record).await?;
    step_response(&state, &me, visit).await
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct CommentInput {
    comment: String,
}

async fn decide(
    state: &AppState,
    me: &Staff,
    id: i64,
    comment: &str,
    changes: bool,
) -> Result<Json<VisitDetail>, ApiError> {
    let visit = visible_visit(state, me, VisitId(id)).await?;
    let policy = state.db().policy_version(visit.policy_version_id).await?;
    require_any(
        me,
        &policy.settings.authorisation.roles,
        "decide on a visit under this school's policy",
    )?;
    let comment = inputs::text("comment", comment, 2000)?;
    let (step, event) = if changes {
        (
            VisitStep::RequestChanges {
                by: me.id,
                comment: comment.clone(),
            },
            "changes_requested",
        )
    } else {
        (
            VisitStep::Decline {
                by: me.id,
                comment: comment.clone(),
            },
            "declined",
        )
    };
    let record = StepRecord {
        step,
        event,
        detail: serde_json::json!({ "comment": comment }),
        decision: Some((event, Some(comment.clone()))),
        acknowledge: vec![],
    };
    let visit = take_step(state, me, &visit, record).await?;
    step_response(state, me, visit).await
}

/// P9: the authoriser declines, saying why.
#[utoipa::path(post, path = "/api/visits/{id}/decline", tag = "visits", params(("id" = i64, Path)), request_body = CommentInput,
    responses((status = 200, body = VisitDetail), (status = 403), (status = 409)))]
async fn decline_visit(
    State(state): State<AppState>,
    CurrentStaff(me): CurrentStaff,
    Id(id): Id,
    ApiJson(input): ApiJson<CommentInput>,
) -> Result<Json<VisitDetail>, ApiError> {
    decide(&state, &me, id, &input.comment, false).await
}

/// P9: the authoriser asks for changes to the plan.
#[utoipa::path(post, path = "/api/visits/{id}/request-changes", tag = "visits", params(("id" = i64, Path)), request_body = CommentInput,
    responses((status = 200, body = VisitDetail), (status = 403), (status = 409)))]
async fn request_changes(
    State(state): State<AppState>,
    CurrentStaff(me): CurrentStaff,
    Id(id): Id,
    ApiJson(input): ApiJson<CommentInput>,
) -> Result<Json<VisitDetail>, ApiError> {
    decide(&state, &me, id, &input.comment, true).await
}

/// D1: signs the visitors out of school, writing the office log (REAch2 Appendix 3).
#[utoipa::path(post, path = "/api/visits/{id}/sign-out", tag = "visit in progress", params(("id" = i64, Path)),
    responses((status = 200, body = VisitDetail), (status = 409), (status = 422)))]
async fn sign_out(
    State(state): State<AppState>,
    CurrentStaff(me): CurrentStaff,
    Id(id): Id,
) -> Result<Json<VisitDetail>, ApiError> {
    let visit = visit_to_act_on(&state, &me, VisitId(id), "sign this visit out").await?;
    let now = state.clock().now();
    apply(&visit.state, VisitStep::SignOut, now)?;
    let unmet = check_policy(&state, &visit, Stage::SignOut, None, &[]).await?;
    if !unmet.is_empty() {
        return Err(ApiError::Refused(unmet));
    }
    let log = office_log(&state, &visit, now).await?;
    let record = StepRecord {
        step: VisitStep::SignOut,
        event: "signed_out",
        detail: log,
        decision: None,
        acknowledge: vec![],
    };
    let visit = take_step(&state, &me, &visit, record).await?;
    step_response(&state, &me, visit).await
}

async fn office_log(
    state: &AppState,
    visit: &Visit,
    now: DateTime<Utc>,
) -> Result<serde_json::Value, ApiError> {
    let household = state.db().household(visit.household_id).await?;
    let car = match visit.vehicle_id {
        Some(id) => Some(
            state
                .db()
                .vehicle(domain::VehicleId(id))
                .await?
                .registration,
        ),
        None => None,
    };
    Ok(serde_json::json!({
        "time_leaving": now,
        "staff": visit.staff.iter().map(|s| serde_json::json!({ "name": s.name, "mobile": s.mobile, "role": s.role_on_visit })).collect::<Vec<_>>(),
        "car_registration": car,
        "address": household.address,
        "postcode": household.postcode,
        "expecting_to_see": visit.expect_to_see,
        "planned_arrive": visit.planned_arrive,
        "planned_leave_property": visit.planned_leave_property,
        "planned_return": visit.planned_return,
        "returns_to": visit.returns_to,
    }))
}

async fn movement(
    state: &AppState,
    me: &Staff,
    id: i64,
    record: StepRecord<'_>,
    doing: &str,
) -> Result<Json<VisitDetail>, ApiError> {
    let visit = visit_to_act_on(state, me, VisitId(id), doing).await?;
    let visit = take_step(state, me, &visit, record).await?;
    step_response(state, me, visit).await
}

/// D2: arrived at the property.
#[utoipa::path(post, path = "/api/visits/{id}/arrived", tag = "visit in progress", params(("id" = i64, Path)),
    responses((status = 200, body = VisitDetail), (status = 409)))]
async fn arrived(
    State(state): State<AppState>,
    CurrentStaff(me): CurrentStaff,
    Id(id): Id,
) -> Result<Json<VisitDetail>, ApiError> {
    movement(
        &state,
        &me,
        id,
        simple(VisitStep::Arrive, "arrived"),
        "record arrival",
    )
    .await
}

/// D9: nobody answered; a slip or card is left.
#[utoipa::path(post, path = "/api/visits/{id}/nobody-home", tag = "visit in progress", params(("id" = i64, Path)),
    responses((status = 200, body = VisitDetail), (status = 409)))]
async fn nobody_home(
    State(state): State<AppState>,
    CurrentStaff(me): CurrentStaff,
    Id(id): Id,
) -> Result<Json<VisitDetail>, ApiError> {
    movement(
        &state,
        &me,
        id,
        simple(VisitStep::NobodyHome, "nobody_home"),
        "record that nobody was home",
    )
    .await
}

#[derive(Deserialize, utoipa::ToSchema, Default)]
#[serde(deny_unknown_fields)]
struct LeftInput {
    /// D7: left early because staff felt unsafe.
    #[serde(default)]
    early_for_safety: bool,
    note: Option<String>,
}

/// A1: left the property (D7: early, for safety).
#[utoipa::path(post, path = "/api/visits/{id}/left", tag = "visit in progress", params(("id" = i64, Path)), request_body = LeftInput,
    responses((status = 200, body = VisitDetail), (status = 409)))]
async fn left_property(
    State(state): State<AppState>,
    CurrentStaff(me): CurrentStaff,
    Id(id): Id,
    ApiJson(input): ApiJson<LeftInput>,
) -> Result<Json<VisitDetail>, ApiError> {
    let note = inputs::optional_text("note", input.note.as_deref().unwrap_or(""), 2000)?;
    let record = StepRecord {
        step: VisitStep::LeaveProperty {
            early_for_safety: input.early_for_safety,
        },
        event: "left_property",
        detail: serde_json::json!({ "early_for_safety": input.early_for_safety, "note": note }),
        decision: None,
        acknowledge: vec![],
    };
    movement(&state, &me, id, record, "record leaving").await
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct ReturnedInput {
    /// true: home safely rather than back at school.
    #[serde(default)]
    at_home: bool,
}

/// A1: back at school (signed in) or home safely.
#[utoipa::path(post, path = "/api/visits/{id}/returned", tag = "visit in progress", params(("id" = i64, Path)), request_body = ReturnedInput,
    responses((status = 200, body = VisitDetail), (status = 409)))]
async fn returned(
    State(state): State<AppState>,
    CurrentStaff(me): CurrentStaff,
    Id(id): Id,
    ApiJson(input): ApiJson<ReturnedInput>,
) -> Result<Json<VisitDetail>, ApiError> {
    let record = StepRecord {
        step: VisitStep::Return {
            at_home: input.at_home,
        },
        event: "returned",
        detail: serde_json::json!({ "at_home": input.at_home }),
        decision: None,
        acknowledge: vec![],
    };
    movement(&state, &me, id, record, "record the return").await
}

/// The visit's record is complete.
#[utoipa::path(post, path = "/api/visits/{id}/complete", tag = "visits", params(("id" = i64, Path)),
    responses((status = 200, body = VisitDetail), (status = 409)))]
async fn complete_record(
    State(state): State<AppState>,
    CurrentStaff(me): CurrentStaff,
    Id(id): Id,
) -> Result<Json<VisitDetail>, ApiError> {
    movement(
        &state,
        &me,
        id,
        simple(VisitStep::CompleteRecord, "record_completed"),
        "complete the record",
    )
    .await
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct CancelInput {
    reason: String,
}

/// Cancels a visit that has not started (A7: it should then be rescheduled).
#[utoipa::path(post, path = "/api/visits/{id}/cancel", tag = "visits", params(("id" = i64, Path)), request_body = CancelInput,
    responses((status = 200, body = VisitDetail), (status = 409), (status = 422)))]
async fn cancel_visit(
    State(state): State<AppState>,
    CurrentStaff(me): CurrentStaff,
    Id(id): Id,
    ApiJson(input): ApiJson<CancelInput>,
) -> Result<Json<VisitDetail>, ApiError> {
    let reason = inputs::text("reason", &input.reason, 1000)?;
    let record = StepRecord {
        step: VisitStep::Cancel {
            reason: reason.clone(),
        },
        event: "cancelled",
        detail: serde_json::json!({ "reason": reason }),
        decision: None,
        acknowledge: vec![],
    };
    movement(&state, &me, id, record, "cancel this visit").await
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct RescheduleInput {
    planned_leave_school: DateTime<Utc>,
    planned_arrive: DateTime<Utc>,
    planned_leave_property: DateTime<Utc>,
    planned_return: DateTime<Utc>,
}

/// A7: a new draft visit with the same plan at new times, linked to this one.
#[utoipa::path(post, path = "/api/visits/{id}/reschedule", tag = "visits", params(("id" = i64, Path)), request_body = RescheduleInput,
    responses((status = 201, body = VisitDetail), (status = 409), (status = 422)))]
async fn reschedule_visit(
    State(state): State<AppState>,
    CurrentStaff(me): CurrentStaff,
    Id(id): Id,
    ApiJson(input): ApiJson<RescheduleInput>,
) -> Result<(StatusCode, Json<VisitDetail>), ApiError> {
    let old = visit_to_act_on(&state, &me, VisitId(id), "reschedule this visit").await?;
    let now = state.clock().now();
    // Refuse before writing anything: the placeholder id is replaced once the new visit exists.
    apply(
        &old.state,
        VisitStep::Reschedule {
            new_visit: VisitId(0),
        },
        now,
    )?;
    let plan_input = VisitPlanInput {
        pupil_id: old.pupil_id.0,
        reason_category: old.reason_category.clone(),
        purpose: old.purpose.clone(),
        parents_could_come_in: old.parents_could_come_in,
        parents_come_in_note: old.parents_come_in_note.clone(),
        appointment: match old.appointment.as_str() {
            "unannounced" => plan::AppointmentInput::Unannounced {
                reason: old.unannounced_reason.clone().unwrap_or_default(),
            },
            _ => plan::AppointmentInput::Agreed {
                agenda: old.agenda.clone(),
            },
        },
        expect_to_see: old.expect_to_see.clone(),
        planned_leave_school: input.planned_leave_school,
        planned_arrive: input.planned_arrive,
        planned_leave_property: input.planned_leave_property,
        planned_return: input.planned_return,
        returns_to: if old.returns_to == "home" {
            domain::visit::ReturnsTo::Home
        } else {
            domain::visit::ReturnsTo::School
        },
        joint_agency: old.joint_agency.clone(),
        transport: old.transport.as_ref().map(|t| t.0.clone()),
        visitors: old
            .staff
            .iter()
            .map(|s| plan::VisitorInput {
                staff_id: s.staff_id.0,
                role_on_visit: s.role_on_visit.clone(),
            })
            .collect(),
        buddy_staff_id: old.buddy_staff_id,
        backup_staff_id: old.backup_staff_id,
        code_word: old.code_word.clone(),
        vehicle_id: old.vehicle_id,
    };
    let checked = plan::check(&state, &me, &plan_input, None).await?;
    let mut tx = state.db().begin().await?;
    let new_id = tx
        .create_visit(&checked.as_new_visit(&plan_input, Some(old.id)), me.id, now)
        .await?;
    let next = apply(&old.state, VisitStep::Reschedule { new_visit: new_id }, now)?;
    tx.set_visit_state(old.id, old.revision, &next, now).await?;
    tx.add_visit_event(
        old.id,
        "rescheduled",
        Some(me.id),
        now,
        &serde_json::json!({ "new_visit": new_id }),
    )
    .await?;
    tx.add_visit_event(
        new_id,
        "planned",
        Some(me.id),
        now,
        &serde_json::json!({ "rescheduled_from": old.id }),
    )
    .await?;
    tx.append_audit(&access::entry(
        &state,
        &me,
        "visit.reschedule",
        "visit",
        old.id.0,
        Some(old.school_id),
        serde_json::json!({ "new_visit": new_id }),
    ))
    .await?;
    tx.commit().await?;
    let visit = state.db().visit(new_id).await?;
    Ok((StatusCode::CREATED, Json(detail(&state, &me, visit).await?)))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct ConcernInput {
    concern: String,
}

/// P11: a member of staff refuses or raises a safety concern; the visit waits until it is dealt with.
#[utoipa::path(post, path = "/api/visits/{id}/concerns", tag = "visits", params(("id" = i64, Path)), request_body = ConcernInput,
    responses((status = 201, body = SafetyConcern), (status = 403), (status = 404)))]
async fn raise_concern(
    State(state): State<AppState>,
    CurrentStaff(me): CurrentStaff,
    Id(id): Id,
    ApiJson(input): ApiJson<ConcernInput>,
) -> Result<(StatusCode, Json<SafetyConcern>), ApiError> {
    let visit =
        visit_to_act_on(&state, &me, VisitId(id), "raise a concern about this visit").await?;
    let concern = inputs::text("concern", &input.concern, 2000)?;
    let now = state.clock().now();
    let mut tx = state.db().begin().await?;
    let cid = tx
        .raise_safety_concern(visit.id, me.id, &concern, now)
        .await?;
    tx.add_visit_event(
        visit.id,
        "safety_concern_raised",
        Some(me.id),
        now,
        &serde_json::json!({ "concern": cid }),
    )
    .await?;
    tx.append_audit(&access::entry(
        &state,
        &me,
        "visit.safety_concern.raise",
        "visit",
        visit.id.0,
        Some(visit.school_id),
        serde_json::json!({ "concern": cid }),
    ))
    .await?;
    tx.commit().await?;
    Ok((
        StatusCode::CREATED,
        Json(state.db().safety_concern(cid).await?),
    ))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct ResolveInput {
    resolution: String,
}

/// P11: an authoriser deals with a staff safety concern.
#[utoipa::path(post, path = "/api/concerns/{id}/resolve", tag = "visits", params(("id" = i64, Path)), request_body = ResolveInput,
    responses((status = 200, body = SafetyConcern), (status = 403), (status = 404), (status = 409)))]
async fn resolve_concern(
    State(state): State<AppState>,
    CurrentStaff(me): CurrentStaff,
    Id(id): Id,
    ApiJson(input): ApiJson<ResolveInput>,
) -> Result<Json<SafetyConcern>, ApiError> {
    let concern = state.db().safety_concern(SafetyConcernId(id)).await?;
    let visit = visible_visit(&state, &me, VisitId(concern.visit_id))
        .await
        .map_err(|_| ApiError::NotFound("safety concern".into()))?;
    let policy = state.db().policy_version(visit.policy_version_id).await?;
    require_any(
        &me,
        &policy.settings.authorisation.roles,
        "resolve a safety concern",
    )?;
    let resolution = inputs::text("resolution", &input.resolution, 2000)?;
    let now = state.clock().now();
    let mut tx = state.db().begin().await?;
    tx.resolve_safety_concern(concern.id, me.id, &resolution, now)
        .await?;
    tx.add_visit_event(
        visit.id,
        "safety_concern_resolved",
        Some(me.id),
        now,
        &serde_json::json!({ "concern": concern.id }),
    )
    .await?;
    tx.append_audit(&access::entry(
        &state,
        &me,
        "visit.safety_concern.resolve",
        "visit",
        visit.id.0,
        Some(visit.school_id),
        serde_json::json!({ "concern": concern.id }),
    ))
    .await?;
    tx.commit().await?;
    Ok(Json(state.db().safety_concern(concern.id).await?))
}
