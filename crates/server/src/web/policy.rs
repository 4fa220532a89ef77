//! The school's policy (G1): what it asks in plain words, change it — start again from a
//! preset, adjust the check-ins, or edit every setting — and see each version with who changed
//! it and why. Reading is open to staff; changing is for the head and trust administrators
//! (the API decides).

use super::form::FormData;
use super::page::{Choice, Chrome, Ctx, Errors, WebError, render, render_with, see_other};
use crate::AppState;
use askama::Template;
use axum::Router;
use axum::extract::{Path, Query};
use axum::http::{Method, StatusCode};
use axum::response::Response;
use axum::routing::{get, post};
use chrono::{DateTime, NaiveDate, Utc};
use domain::Role;
use domain::policy::{CodeWordRule, PolicySettings, RiskAssessmentRequiredFor, presets};
use serde::Deserialize;
use serde_json::{Value, json};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/policy", get(policy_page))
        .route("/policy/{school}/{kind}", post(change))
}

#[derive(Deserialize)]
struct VersionJson {
    version: i64,
    preset: String,
    settings: PolicySettings,
    approved_by: String,
    approved_on: NaiveDate,
    review_due: NaiveDate,
    change_note: Option<String>,
    created_at: DateTime<Utc>,
}

#[derive(Deserialize)]
struct PresetJson {
    name: String,
    written_for: String,
}

struct VersionRow {
    version: i64,
    preset: String,
    approved: String,
    review_due: String,
    note: String,
    at: String,
}

#[derive(Template)]
#[template(path = "policy.html")]
struct PolicyPage {
    chrome: Chrome,
    flash: bool,
    errors: Errors,
    school_id: i64,
    schools: Vec<Choice>,
    title: String,
    version: i64,
    preset: String,
    approved: String,
    review_due: String,
    rules: Vec<String>,
    presets: Vec<Choice>,
    interval: String,
    grace: String,
    remind: String,
    extend: String,
    toml: String,
    versions: Vec<VersionRow>,
    may_change: bool,
}

#[derive(Deserialize)]
struct PolicyQuery {
    school_id: Option<i64>,
    changed: Option<String>,
}

async fn build(
    ctx: &Ctx,
    school_id: Option<i64>,
    errors: Errors,
    f: Option<&FormData>,
) -> Result<PolicyPage, WebError> {
    let school = ctx.school(school_id).await?;
    let current: VersionJson = ctx
        .get(&format!("/api/schools/{}/policy", school.0))
        .await?;
    let versions: Vec<VersionJson> = ctx
        .get(&format!("/api/schools/{}/policy/versions", school.0))
        .await?;
    let list: Vec<PresetJson> = ctx.get("/api/presets").await?;
    let local = super::time::Local::of(&current.settings);
    let c = &current.settings.check_in;
    // After a refusal the form shows what was typed.
    let value =
        |name: &str, default: String| f.and_then(|f| f.opt(name)).map_or(default, str::to_string);
    Ok(PolicyPage {
        chrome: ctx.chrome("policy"),
        flash: false,
        errors,
        school_id: school.0,
        schools: ctx.school_choices(school).await?,
        title: current.settings.name.clone(),
        version: current.version,
        preset: current.preset.clone(),
        approved: format!(
            "{} by {}",
            current.approved_on.format("%-d %B %Y"),
            current.approved_by
        ),
        review_due: current.review_due.format("%-d %B %Y").to_string(),
        rules: rules_in_words(&current.settings),
        presets: list
            .into_iter()
            .map(|p| {
                let selected = p.name == current.preset;
                Choice::new(
                    p.name.clone(),
                    format!("{} ({})", p.written_for, p.name),
                    selected,
                )
            })
            .collect(),
        interval: value("interval_minutes", c.interval_minutes.to_string()),
        grace: value("grace_minutes", c.grace_minutes.to_string()),
        remind: value("remind_before_minutes", c.remind_before_minutes.to_string()),
        extend: value("extend_minutes", c.extend_minutes.to_string()),
        toml: value("toml", presets::to_toml(&current.settings)),
        versions: versions
            .into_iter()
            .map(|v| VersionRow {
                version: v.version,
                preset: v.preset,
                approved: format!("{} ({})", v.approved_on.format("%-d %b %Y"), v.approved_by),
                review_due: v.review_due.format("%-d %b %Y").to_string(),
                note: v.change_note.unwrap_or_default(),
                at: local.day_time(v.created_at),
            })
            .collect(),
        may_change: ctx.me.roles.any_of(&[Role::Headteacher, Role::TrustAdmin]),
    })
}

async fn policy_page(ctx: Ctx, Query(q): Query<PolicyQuery>) -> Result<Response, WebError> {
    let mut page = build(&ctx, q.school_id, Errors::none(), None).await?;
    page.flash = q.changed.is_some();
    Ok(render(&page))
}

fn minutes(f: &FormData, name: &str, errors: &mut Errors) -> u32 {
    match f.get(name).parse::<u32>() {
        Ok(n) => n,
        Err(_) => {
            errors.add(name, "Enter a whole number of minutes");
            0
        }
    }
}

/// One of the three ways to change the policy, each a new version through the API.
async fn change(
    ctx: Ctx,
    Path((school, kind)): Path<(i64, String)>,
    f: FormData,
) -> Result<Response, WebError> {
    let note = f.get("change_note");
    let mut errors = Errors::none();
    let body: Option<Value> = match kind.as_str() {
        "preset" => Some(json!({ "preset": f.get("preset"), "change_note": note })),
        "check-ins" => {
            let current: VersionJson = ctx.get(&format!("/api/schools/{school}/policy")).await?;
            let mut settings = current.settings;
            settings.check_in.interval_minutes = minutes(&f, "interval_minutes", &mut errors);
            settings.check_in.grace_minutes = minutes(&f, "grace_minutes", &mut errors);
            settings.check_in.remind_before_minutes =
                minutes(&f, "remind_before_minutes", &mut errors);
            settings.check_in.extend_minutes = minutes(&f, "extend_minutes", &mut errors);
            errors
                .is_empty()
                .then(|| json!({ "settings": settings, "change_note": note }))
        }
        "settings" => match PolicySettings::from_toml(f.get("toml")) {
            Ok(settings) => Some(json!({ "settings": settings, "change_note": note })),
            Err(e) => {
                errors.add("toml", format!("{}: {}", e.field, e.reason));
                None
            }
        },
        _ => return Err(crate::ApiError::NotFound("page".into()).into()),
    };
    if let Some(body) = body {
        match ctx
            .call(
                Method::PUT,
                &format!("/api/schools/{school}/policy"),
                Some(&body),
            )
            .await
        {
            Ok(_) => return Ok(see_other(&format!("/policy?school_id={school}&changed=1"))),
            Err(e) if e.is_fixable() => {
                let mut e = e;
                // Settings problems are reported against the form that sent them.
                if let Some(field) = e.field.clone()
                    && field.starts_with("settings")
                {
                    e.reason = format!("{field}: {}", e.reason);
                    e.field = Some(match kind.as_str() {
                        "check-ins" if field.contains("check_in.") => field
                            .rsplit('.')
                            .next()
                            .unwrap_or("interval_minutes")
                            .to_string(),
                        "check-ins" => "interval_minutes".into(),
                        _ => "toml".into(),
                    });
                }
                errors = Errors::from_failure(&e, &[], "change_note");
            }
            Err(e) => return Err(e.into()),
        }
    }
    let page = build(&ctx, Some(school), errors, Some(&f)).await?;
    Ok(render_with(StatusCode::UNPROCESSABLE_ENTITY, &page))
}

fn roles(list: &[domain::Role]) -> String {
    let titles: Vec<&str> = list.iter().map(|r| r.title()).collect();
    match titles.as_slice() {
        [] => "nobody".into(),
        [one] => (*one).into(),
        [rest @ .., last] => format!("{} or {last}", rest.join(", ")),
    }
}

/// The school's main rules in a headteacher's words, for the side of the plan form.
pub fn rules_in_words(p: &PolicySettings) -> Vec<String> {
    let mut out = Vec::new();
    if p.ask_parents_come_in_first {
        out.push("Say first whether the parents could come into school instead.".to_string());
    }
    out.push(format!(
        "At least {} member(s) of staff go; {} on a first visit to a household.",
        p.staffing.minimum, p.staffing.first_visit_minimum
    ));
    if let Some(e) = &p.staffing.evening
        && e.lone_needs_backup_at_school
    {
        out.push(format!(
            "No lone evening visit (from {}) without back-up at school.",
            e.starts.format("%H:%M")
        ));
    }
    if p.buddy.required {
        out.push("Name a buddy at school, reachable for the whole visit.".to_string());
    }
    match p.buddy.code_word {
        CodeWordRule::Always => out.push("Agree a code word.".to_string()),
        CodeWordRule::WhenPaired => {
            out.push("Agree a code word when two or more of you go.".to_string())
        }
        CodeWordRule::Optional => {}
    }
    match p.risk_assessment.required_for {
        RiskAssessmentRequiredFor::Never => {}
        RiskAssessmentRequiredFor::FirstVisit => out.push(format!(
            "A first visit needs a risk assessment, signed off by {}.",
            roles(&p.risk_assessment.sign_off_roles)
        )),
        RiskAssessmentRequiredFor::EveryVisit => out.push(format!(
            "Every visit needs a risk assessment, signed off by {}.",
            roles(&p.risk_assessment.sign_off_roles)
        )),
    }
    if p.unannounced_needs_reason {
        out.push("An unannounced visit records why the family was not told.".to_string());
    }
    out.push(format!(
        "Authorised by {} before anyone leaves.",
        roles(&p.authorisation.roles)
    ));
    out.push(format!(
        "While out, check in every {} minutes.",
        p.check_in.interval_minutes
    ));
    out
}
