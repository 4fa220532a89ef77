//! Risk assessments (P8): the REAch2 first-visit questionnaire and the SEN Trust lone-working
//! hazard matrix on one form, the senior sign-off, and staff acknowledging they have read it.

use super::api::Failure;
use super::form::FormData;
use super::page::{
    Choice, Chrome, Ctx, Errors, WebError, local_path, render, render_with, see_other,
};
use super::time::Local;
use crate::AppState;
use crate::households::visible_household;
use askama::Template;
use axum::Router;
use axum::extract::{Path, Query};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use domain::HouseholdId;
use domain::policy::PolicySettings;
use domain::risk::{Likelihood, QUESTIONS, Severity};
use serde::Deserialize;
use serde_json::{Value, json};

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/households/{id}/risk-assessments/new",
            get(new_page).post(create),
        )
        .route("/risk-assessments/{id}/sign-off", post(sign_off))
        .route("/risk-assessments/{id}/acknowledge", post(acknowledge))
}

const HAZARD_ROWS: usize = 3;

/// The household's newest risk assessment, as the visit and authorisation pages show it.
#[derive(Template)]
#[template(path = "risk_summary.html")]
pub struct RiskSummary {
    pub id: i64,
    pub completed: String,
    pub answers: Vec<(&'static str, &'static str)>,
    pub hazards: Vec<HazardView>,
    pub areas_of_concern: String,
    pub risk_before: String,
    pub control_measures: String,
    pub risk_after: String,
    pub signed_off: String,
    pub can_sign_off: bool,
    pub acknowledged_by: Vec<String>,
    pub may_acknowledge: bool,
    pub return_to: String,
}

pub struct HazardView {
    pub hazard: String,
    pub people: String,
    pub severity: &'static str,
    pub likelihood: &'static str,
    pub level: &'static str,
    pub controls: String,
}

fn severity(s: Severity) -> &'static str {
    match s {
        Severity::Minor => "minor",
        Severity::Serious => "serious",
        Severity::Major => "major",
    }
}

fn likelihood(l: Likelihood) -> &'static str {
    match l {
        Likelihood::Remote => "remote",
        Likelihood::Possible => "possible",
        Likelihood::Likely => "likely",
    }
}

/// `visitor`: the person looking is on the visit and may acknowledge having read it (G2).
pub async fn summary(
    ctx: &Ctx,
    household: HouseholdId,
    settings: &PolicySettings,
    visitor: bool,
    return_to: &str,
) -> Result<Option<RiskSummary>, WebError> {
    let db = ctx.state.db();
    let Some(ra) = db.latest_risk_assessment(household).await? else {
        return Ok(None);
    };
    let local = Local::of(settings);
    let acks = db.risk_acknowledgements(ra.id).await?;
    let name = |id: i64| async move {
        db.staff(domain::StaffId(id))
            .await
            .map(|s| s.name)
            .unwrap_or_else(|_| "someone".into())
    };
    let mut acknowledged_by = Vec::new();
    for a in &acks {
        acknowledged_by.push(name(a.0).await);
    }
    let signed_off = match (ra.signed_off_by, ra.signed_off_at) {
        (Some(by), Some(at)) => format!(
            "Signed off by {} on {}{}",
            name(by).await,
            local.day_time(at),
            ra.sign_off_comment
                .as_deref()
                .map(|c| format!(": {c}"))
                .unwrap_or_default()
        ),
        _ => String::new(),
    };
    let answers = match &ra.questionnaire {
        Some(q) => {
            let q = serde_json::to_value(&q.0).unwrap_or(Value::Null);
            QUESTIONS
                .iter()
                .map(|(key, text)| {
                    (
                        *text,
                        if q[*key] == Value::Bool(true) {
                            "Yes"
                        } else {
                            "No"
                        },
                    )
                })
                .collect()
        }
        None => vec![],
    };
    Ok(Some(RiskSummary {
        id: ra.id.0,
        completed: format!(
            "{} by {}",
            local.day_time(ra.completed_at),
            name(ra.completed_by).await
        ),
        answers,
        hazards: ra
            .hazards
            .0
            .iter()
            .map(|h| HazardView {
                hazard: h.hazard.clone(),
                people: h.people_at_risk.clone(),
                severity: severity(h.severity),
                likelihood: likelihood(h.likelihood),
                level: h.risk_level().as_str(),
                controls: h.controls.clone(),
            })
            .collect(),
        areas_of_concern: ra.areas_of_concern.clone().unwrap_or_default(),
        risk_before: ra.risk_before.clone(),
        control_measures: ra.control_measures.clone().unwrap_or_default(),
        risk_after: ra.risk_after.clone(),
        can_sign_off: signed_off.is_empty()
            && ctx
                .me
                .roles
                .any_of(&settings.risk_assessment.sign_off_roles),
        signed_off,
        may_acknowledge: visitor && !acks.contains(&ctx.me.id),
        acknowledged_by,
        return_to: return_to.to_string(),
    }))
}

pub struct QuestionRow {
    pub name: String,
    pub text: &'static str,
    pub choices: Vec<Choice>,
}

pub struct HazardRow {
    pub hazard_field: String,
    pub people_field: String,
    pub severity_field: String,
    pub likelihood_field: String,
    pub controls_field: String,
    pub hazard: String,
    pub people: String,
    pub severities: Vec<Choice>,
    pub likelihoods: Vec<Choice>,
    pub controls: String,
    pub number: usize,
}

#[derive(Template)]
#[template(path = "risk_form.html")]
struct RiskForm {
    chrome: Chrome,
    household_id: i64,
    family: String,
    visit_id: String,
    errors: Errors,
    questions: Vec<QuestionRow>,
    hazards: Vec<HazardRow>,
    areas_of_concern: String,
    control_measures: String,
    before: Vec<Choice>,
    after: Vec<Choice>,
}

fn levels(current: &str) -> Vec<Choice> {
    std::iter::once(Choice::new("", "Choose a level", current.is_empty()))
        .chain(
            ["low", "medium", "high"]
                .into_iter()
                .map(|l| Choice::new(l, l, l == current)),
        )
        .collect()
}

fn options(all: &[&str], current: &str) -> Vec<Choice> {
    all.iter()
        .map(|v| Choice::new(*v, *v, *v == current))
        .collect()
}

fn form_page(
    ctx: &Ctx,
    household: &store::Household,
    f: Option<&FormData>,
    errors: Errors,
) -> RiskForm {
    let get = |n: &str| f.map_or(String::new(), |f| f.get(n).to_string());
    let questions = QUESTIONS
        .iter()
        .map(|(key, text)| {
            let name = format!("questionnaire.{key}");
            let v = get(&name);
            QuestionRow {
                choices: vec![
                    Choice::new("yes", "Yes", v == "yes"),
                    Choice::new("no", "No", v == "no"),
                ],
                name,
                text,
            }
        })
        .collect();
    let hazards = (0..HAZARD_ROWS)
        .map(|i| {
            let n = |part: &str| format!("hazards[{i}].{part}");
            let sev = get(&n("severity"));
            let lik = get(&n("likelihood"));
            HazardRow {
                hazard: get(&n("hazard")),
                people: get(&n("people_at_risk")),
                severities: options(
                    &["minor", "serious", "major"],
                    if sev.is_empty() { "serious" } else { &sev },
                ),
                likelihoods: options(
                    &["remote", "possible", "likely"],
                    if lik.is_empty() { "possible" } else { &lik },
                ),
                controls: get(&n("controls")),
                hazard_field: n("hazard"),
                people_field: n("people_at_risk"),
                severity_field: n("severity"),
                likelihood_field: n("likelihood"),
                controls_field: n("controls"),
                number: i + 1,
            }
        })
        .collect();
    RiskForm {
        chrome: ctx.chrome("plan"),
        household_id: household.id.0,
        family: household.family_name.clone(),
        visit_id: f.map_or(String::new(), |f| f.get("visit_id").to_string()),
        errors,
        questions,
        hazards,
        areas_of_concern: get("areas_of_concern"),
        control_measures: get("control_measures"),
        before: levels(&get("risk_before_controls")),
        after: levels(&get("risk_after_controls")),
    }
}

#[derive(Deserialize)]
struct NewQuery {
    visit_id: Option<i64>,
}

async fn new_page(
    ctx: Ctx,
    Path(id): Path<i64>,
    Query(q): Query<NewQuery>,
) -> Result<Response, WebError> {
    let household = visible_household(&ctx.state, &ctx.me, HouseholdId(id)).await?;
    let mut page = form_page(&ctx, &household, None, Errors::none());
    page.visit_id = q.visit_id.map(|v| v.to_string()).unwrap_or_default();
    Ok(render(&page))
}

/// The API's JSON, and for each hazard sent the form row it came from.
fn to_json(f: &FormData) -> Result<(Value, Vec<usize>), Errors> {
    let mut errors = Errors::none();
    let answered: Vec<_> = QUESTIONS
        .iter()
        .map(|(key, _)| (*key, f.get(&format!("questionnaire.{key}"))))
        .collect();
    let questionnaire = if answered.iter().all(|(_, v)| v.is_empty()) {
        Value::Null
    } else {
        let mut q = serde_json::Map::new();
        for (key, v) in &answered {
            match *v {
                "yes" => {
                    q.insert((*key).into(), true.into());
                }
                "no" => {
                    q.insert((*key).into(), false.into());
                }
                _ => errors.add(&format!("questionnaire.{key}"), "Answer this question"),
            }
        }
        Value::Object(q)
    };
    let mut rows = Vec::new();
    let mut hazards = Vec::new();
    for i in 0..HAZARD_ROWS {
        let n = |part: &str| format!("hazards[{i}].{part}");
        if f.opt(&n("hazard")).is_none()
            && f.opt(&n("controls")).is_none()
            && f.opt(&n("people_at_risk")).is_none()
        {
            continue;
        }
        rows.push(i);
        hazards.push(json!({
            "hazard": f.get(&n("hazard")),
            "people_at_risk": f.get(&n("people_at_risk")),
            "severity": f.get(&n("severity")),
            "likelihood": f.get(&n("likelihood")),
            "controls": f.get(&n("controls")),
        }));
    }
    for field in ["risk_before_controls", "risk_after_controls"] {
        if f.opt(field).is_none() {
            errors.add(field, "Choose low, medium or high");
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let visit_id = f.get("visit_id").parse::<i64>().ok();
    Ok((
        json!({
            "visit_id": visit_id,
            "questionnaire": questionnaire,
            "hazards": hazards,
            "areas_of_concern": f.get("areas_of_concern"),
            "risk_before_controls": f.get("risk_before_controls"),
            "control_measures": f.get("control_measures"),
            "risk_after_controls": f.get("risk_after_controls"),
        }),
        rows,
    ))
}

fn place(f: &Failure, rows: &[usize]) -> Errors {
    let mut failure = f.clone();
    if let Some(field) = &failure.field
        && let Some(rest) = field.strip_prefix("hazards[")
        && let Some((n, tail)) = rest.split_once(']')
        && let Ok(n) = n.parse::<usize>()
        && let Some(row) = rows.get(n)
    {
        failure.field = Some(format!("hazards[{row}]{tail}"));
    }
    if failure.field.as_deref() == Some("questionnaire") {
        failure.field = Some("questionnaire.violent_offences".into());
    }
    Errors::from_failure(&failure, &[], "")
}

async fn create(ctx: Ctx, Path(id): Path<i64>, f: FormData) -> Result<Response, WebError> {
    let household = visible_household(&ctx.state, &ctx.me, HouseholdId(id)).await?;
    let errors = match to_json(&f) {
        Ok((body, rows)) => {
            match ctx
                .post(&format!("/api/households/{id}/risk-assessments"), body)
                .await
            {
                Ok(_) => {
                    let back = match f.get("visit_id").parse::<i64>() {
                        Ok(v) => format!("/visits/{v}?done=risk-assessed"),
                        Err(_) => format!("/households/{id}"),
                    };
                    return Ok(see_other(&back));
                }
                Err(e) if e.is_fixable() => place(&e, &rows),
                Err(e) => return Err(e.into()),
            }
        }
        Err(e) => e,
    };
    let page = form_page(&ctx, &household, Some(&f), errors);
    Ok(render_with(StatusCode::UNPROCESSABLE_ENTITY, &page))
}

async fn sign_off(ctx: Ctx, Path(id): Path<i64>, f: FormData) -> Result<Response, WebError> {
    let back = local_path(f.get("return_to"), "/");
    ctx.post(
        &format!("/api/risk-assessments/{id}/sign-off"),
        json!({ "comment": f.text_or_null("comment") }),
    )
    .await?;
    Ok(see_other(&back))
}

async fn acknowledge(ctx: Ctx, Path(id): Path<i64>, f: FormData) -> Result<Response, WebError> {
    let back = local_path(f.get("return_to"), "/");
    ctx.post(
        &format!("/api/risk-assessments/{id}/acknowledge"),
        json!({}),
    )
    .await?;
    Ok(see_other(&back))
}
