//! The household's newest risk assessment as the household, visit and authorisation pages
//! show it, with the sign-off and "I have read it" buttons for those who may use them.

use crate::web::page::{Ctx, WebError};
use crate::web::time::Local;
use app::school_admin as uc;
use askama::Template;
use domain::HouseholdId;
use domain::policy::PolicySettings;
use domain::risk::{Likelihood, QUESTIONS, Severity};

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

/// The summary of the household's newest assessment, `None` when it has none. The caller has
/// already found the household readable. `visitor`: the person looking is on the visit and
/// may acknowledge having read it (G2).
pub async fn summary(
    ctx: &Ctx,
    household: HouseholdId,
    settings: &PolicySettings,
    visitor: bool,
    return_to: &str,
) -> Result<Option<RiskSummary>, WebError> {
    let Some(view) = uc::latest_assessment(&ctx.state, household).await? else {
        return Ok(None);
    };
    let ra = &view.assessment;
    let local = Local::of(settings);
    let signed_off = match (&view.signed_off_by, ra.signed_off_at) {
        (Some(by), Some(at)) => format!(
            "Signed off by {by} on {}{}",
            local.day_time(at),
            ra.sign_off_comment
                .as_deref()
                .map(|c| format!(": {c}"))
                .unwrap_or_default()
        ),
        _ => String::new(),
    };
    let answers = match &ra.questionnaire {
        Some(q) => QUESTIONS
            .iter()
            .map(|(key, text)| {
                let yes = q.0.answer(key).unwrap_or(false);
                (*text, if yes { "Yes" } else { "No" })
            })
            .collect(),
        None => vec![],
    };
    Ok(Some(RiskSummary {
        id: ra.id.0,
        completed: format!(
            "{} by {}",
            local.day_time(ra.completed_at),
            view.completed_by
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
        may_acknowledge: visitor && !view.acknowledged_by.contains(&ctx.me.id),
        acknowledged_by: view.acknowledged_names,
        return_to: return_to.to_string(),
    }))
}
