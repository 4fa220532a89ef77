//! Risk assessments (P8): the REAch2 first-visit questionnaire and the SEN Trust lone-working
//! hazard matrix on one form, the senior sign-off, and staff acknowledging they have read it.

mod summary;

use super::form::FormData;
use super::page::{
    Choice, Chrome, Ctx, Errors, WebError, local_path, render, render_with, see_other,
};
use crate::AppState;
use crate::web::PageQuery;
use app::Refusal;
use app::school_admin::{self as uc, NewAssessmentInput, SignOffInput};
use askama::Template;
use axum::Router;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use domain::risk::{Hazard, Likelihood, QUESTIONS, Questionnaire, RiskAssessmentInput, Severity};
use domain::{HouseholdId, RiskAssessmentId};
use serde::Deserialize;

pub use summary::{RiskSummary, summary};

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
    (household_id, family): (i64, String),
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
        household_id,
        family,
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
    PageQuery(q): PageQuery<NewQuery>,
) -> Result<Response, WebError> {
    // The form names the family only: no children or cautions are read for it.
    let family =
        app::access::family_name_for_planning(&ctx.state, &ctx.me, HouseholdId(id)).await?;
    let mut page = form_page(&ctx, (id, family), None, Errors::none());
    page.visit_id = q.visit_id.map(|v| v.to_string()).unwrap_or_default();
    Ok(render(&page))
}

fn severity(v: &str) -> Option<Severity> {
    match v {
        "minor" => Some(Severity::Minor),
        "serious" => Some(Severity::Serious),
        "major" => Some(Severity::Major),
        _ => None,
    }
}

fn likelihood(v: &str) -> Option<Likelihood> {
    match v {
        "remote" => Some(Likelihood::Remote),
        "possible" => Some(Likelihood::Possible),
        "likely" => Some(Likelihood::Likely),
        _ => None,
    }
}

/// The assessment as typed, and for each hazard sent the form row it came from.
fn to_input(f: &FormData) -> Result<(NewAssessmentInput, Vec<usize>), Errors> {
    let mut errors = Errors::none();
    let answered: Vec<_> = QUESTIONS
        .iter()
        .map(|(key, _)| (*key, f.get(&format!("questionnaire.{key}"))))
        .collect();
    let questionnaire = if answered.iter().all(|(_, v)| v.is_empty()) {
        None
    } else {
        let mut q = Questionnaire::default();
        for (key, v) in &answered {
            match *v {
                "yes" | "no" => {
                    q.set(key, *v == "yes");
                }
                _ => errors.add(&format!("questionnaire.{key}"), "Answer this question"),
            }
        }
        Some(q)
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
        let sev = severity(f.get(&n("severity")));
        let lik = likelihood(f.get(&n("likelihood")));
        if sev.is_none() {
            errors.add(&n("severity"), "Choose minor, serious or major");
        }
        if lik.is_none() {
            errors.add(&n("likelihood"), "Choose remote, possible or likely");
        }
        if let (Some(severity), Some(likelihood)) = (sev, lik) {
            rows.push(i);
            hazards.push(Hazard {
                hazard: f.get(&n("hazard")).to_string(),
                people_at_risk: f.get(&n("people_at_risk")).to_string(),
                severity,
                likelihood,
                controls: f.get(&n("controls")).to_string(),
            });
        }
    }
    let mut level = |field: &str| match f.get(field).parse() {
        Ok(l) => Some(l),
        Err(_) => {
            errors.add(field, "Choose low, medium or high");
            None
        }
    };
    let before = level("risk_before_controls");
    let after = level("risk_after_controls");
    let (Some(risk_before_controls), Some(risk_after_controls)) = (before, after) else {
        return Err(errors);
    };
    if !errors.is_empty() {
        return Err(errors);
    }
    let input = NewAssessmentInput {
        visit_id: f.get("visit_id").parse::<i64>().ok(),
        assessment: RiskAssessmentInput {
            questionnaire,
            hazards,
            areas_of_concern: f.get("areas_of_concern").to_string(),
            risk_before_controls,
            control_measures: f.get("control_measures").to_string(),
            risk_after_controls,
        },
    };
    Ok((input, rows))
}

/// A refusal placed on the form: a hazard's field on the row it was typed in.
fn place(e: Refusal, rows: &[usize]) -> Errors {
    let moved = |field: &str| -> Option<String> {
        if field == "questionnaire" {
            return Some("questionnaire.violent_offences".into());
        }
        let rest = field.strip_prefix("hazards[")?;
        let (n, tail) = rest.split_once(']')?;
        let row = rows.get(n.parse::<usize>().ok()?)?;
        Some(format!("hazards[{row}]{tail}"))
    };
    if let Refusal::BadRequest { field, reason }
    | Refusal::Invalid { field, reason }
    | Refusal::Conflict { field, reason } = &e
        && let Some(on) = moved(field)
    {
        return Errors::one(&on, reason.clone());
    }
    Errors::from_refusal(e, &[], "")
}

async fn create(ctx: Ctx, Path(id): Path<i64>, f: FormData) -> Result<Response, WebError> {
    let family =
        app::access::family_name_for_planning(&ctx.state, &ctx.me, HouseholdId(id)).await?;
    let errors = match to_input(&f) {
        Ok((input, rows)) => {
            let now = ctx.state.now();
            match uc::create_assessment(&ctx.state, &ctx.me, HouseholdId(id), &input, now).await {
                Ok(_) => {
                    let back = match input.visit_id {
                        Some(v) => format!("/visits/{v}?done=risk-assessed"),
                        None => format!("/households/{id}"),
                    };
                    return Ok(see_other(&back));
                }
                Err(e) if e.is_fixable() => place(e, &rows),
                Err(e) => return Err(e.into()),
            }
        }
        Err(e) => e,
    };
    let page = form_page(&ctx, (id, family), Some(&f), errors);
    Ok(render_with(StatusCode::UNPROCESSABLE_ENTITY, &page))
}

async fn sign_off(ctx: Ctx, Path(id): Path<i64>, f: FormData) -> Result<Response, WebError> {
    let back = local_path(f.get("return_to"), "/");
    let input = SignOffInput {
        comment: f.opt_text("comment")?,
    };
    let now = ctx.state.now();
    uc::sign_off_assessment(&ctx.state, &ctx.me, RiskAssessmentId(id), &input, now).await?;
    Ok(see_other(&back))
}

async fn acknowledge(ctx: Ctx, Path(id): Path<i64>, f: FormData) -> Result<Response, WebError> {
    let back = local_path(f.get("return_to"), "/");
    let now = ctx.state.now();
    uc::acknowledge_assessment(&ctx.state, &ctx.me, RiskAssessmentId(id), now).await?;
    Ok(see_other(&back))
}
