//! The policy editor heads use (#13 item 5): every single-valued setting as a labelled form
//! control with its help beside it; saving makes a draft (G1) whose changes are shown in words;
//! the approving body's role approves it on the same page; staff confirm reading the version in
//! force (G2). The lists (alarm rungs, visit reasons) have their own controls in
//! [`super::policy_lists`].

use super::form::FormData;
use super::page::{Ctx, Errors, WebError, render_with, see_other};
use super::policy_lists::edited_as_list;
use app::Refusal;
use app::school_admin::{self as uc, AdoptInput, ApproveInput, DraftView};
use axum::Router;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::post;
use chrono::NaiveDate;
use domain::SchoolId;
use domain::policy::PolicySettings;
use domain::policy::changes::{flatten, label};
use serde_json::Value;

pub fn router() -> Router<crate::AppState> {
    Router::new()
        .route("/policy/drafts/{id}/approve", post(approve))
        .route("/policy/{school}/acknowledge", post(acknowledge))
        .route("/policy/{school}/adopt-trust", post(adopt_trust))
}

/// Help shown beside a setting, from the policies' own sentences where one fits.
const HELP: &[(&str, &str)] = &[
    (
        "check_in.interval_minutes",
        "REAch2: \"staff will check in with the office at agreed intervals\". 1–1440 minutes.",
    ),
    (
        "check_in.grace_minutes",
        "Minutes after a missed check-in before the alarm ladder starts.",
    ),
    (
        "check_in.arrived",
        "Required: staff tap \"Arrived\" at the house; if no tap comes by the planned arrival time plus the grace minutes, the buddy and office are alerted (\"no word of arrival\"), and \"Leaving now\" waits for \"Arrived\". Optional: staff may tap \"Leaving now\" without \"Arrived\", and no arrival alert is sent. REAch2 records \"the time you are expected to arrive\"; Harton asks only for contact \"every 30 minutes/at the end of the home visit(s)\".",
    ),
    (
        "staffing.minimum",
        "\"Home visits should be made in pairs\": 2; 1 where lone visits are allowed.",
    ),
    (
        "staffing.first_visit_minimum",
        "A first visit to a household is never made alone in most policies.",
    ),
    (
        "review_every_months",
        "SEN Trust Southend: \"reviewed every 3 years by the trust board\": 36.",
    ),
    (
        "approver",
        "The body that approves the policy; its chair or the trust administrator records approval.",
    ),
    (
        "acknowledgement.before_sign_out",
        "Staff confirm they have read the version in force before they sign out.",
    ),
];

/// Settings with a fixed set of answers, shown as a choice rather than a text box:
/// (path, [(value, what the school sees)]).
const CHOICES: &[(&str, &[(&str, &str)])] = &[(
    "check_in.arrived",
    &[
        ("required", "Required: staff must tap Arrived"),
        ("optional", "Optional: staff may skip Arrived"),
    ],
)];

/// One setting on the form.
pub struct SettingField {
    /// The form name: the setting's path, e.g. `check_in.interval_minutes`.
    pub name: String,
    pub label: String,
    pub help: String,
    /// `checkbox`, `number`, `text` or `select` (see [`SettingField::choices`]).
    pub kind: &'static str,
    /// For `select`: (value, label) of each answer.
    pub choices: &'static [(&'static str, &'static str)],
    pub value: String,
    pub checked: bool,
}

/// The form's controls for `settings`, showing what was typed after a refusal.
pub fn fields(settings: &PolicySettings, typed: Option<&FormData>) -> Vec<SettingField> {
    flatten(settings)
        .into_iter()
        .filter(|(path, _)| !edited_as_list(path))
        .filter_map(|(path, value)| {
            let choices = CHOICES
                .iter()
                .find(|(p, _)| *p == path)
                .map_or(&[][..], |(_, c)| *c);
            let kind = match &value {
                Value::Bool(_) => "checkbox",
                Value::Number(_) => "number",
                Value::String(_) if !choices.is_empty() => "select",
                Value::String(_) => "text",
                _ => return None,
            };
            let help = HELP
                .iter()
                .find(|(p, _)| *p == path)
                .map_or_else(|| format!("Setting {path}."), |(_, h)| (*h).to_string());
            let shown = match &value {
                Value::String(s) => s.clone(),
                v => v.to_string(),
            };
            let value = typed
                .and_then(|f| f.opt(&path))
                .map_or(shown, str::to_string);
            let checked = match typed {
                Some(f) => f.checked(&path),
                None => value == "true",
            };
            Some(SettingField {
                label: label(&path),
                name: path,
                help,
                kind,
                choices,
                value,
                checked,
            })
        })
        .collect()
}

/// The settings the form describes, laid on `current` one setting at a time so each problem is
/// named on its own field. Errors: one per field, in the setting's label.
pub fn settings_from_form(
    current: &PolicySettings,
    f: &FormData,
) -> Result<PolicySettings, Errors> {
    let mut errors = Errors::none();
    let mut json = serde_json::to_value(current).map_err(|e| Errors::one("form", e.to_string()))?;
    for (path, old) in flatten(current) {
        if edited_as_list(&path) {
            continue;
        }
        let new = match &old {
            Value::Bool(_) => Value::Bool(f.checked(&path)),
            Value::Number(_) => match f.get(&path).trim().parse::<u32>() {
                Ok(n) => Value::from(n),
                Err(_) => {
                    errors.add(&path, format!("{}: enter a whole number", label(&path)));
                    continue;
                }
            },
            Value::String(_) => Value::String(f.get(&path).trim().to_string()),
            _ => continue,
        };
        if new == old {
            continue;
        }
        let mut tried = json.clone();
        set(&mut tried, &path, new);
        match serde_json::from_value::<PolicySettings>(tried.clone()) {
            Ok(_) => json = tried,
            Err(e) => errors.add(
                &path,
                format!("{}: {}", label(&path), plain(&e.to_string())),
            ),
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let settings: PolicySettings =
        serde_json::from_value(json).map_err(|e| Errors::one("form", e.to_string()))?;
    settings
        .check()
        .map_err(|e| Errors::one(&e.field, format!("{}: {}", label(&e.field), e.reason)))?;
    Ok(settings)
}

/// serde's "unknown variant `x`, expected one of `a`, `b`" in a school's words.
fn plain(e: &str) -> String {
    match e.split_once("expected one of ") {
        Some((_, one_of)) => format!(
            "choose one of {}",
            one_of
                .replace('`', "")
                .replace('_', " ")
                .split(" at line")
                .next()
                .unwrap_or("")
        ),
        None => e.to_string(),
    }
}

fn set(v: &mut Value, path: &str, new: Value) {
    let mut at = v;
    for k in path.split('.') {
        match at.get_mut(k) {
            Some(next) => at = next,
            None => return,
        }
    }
    *at = new;
}

/// A draft on the page: its changes in words, and whether this person may approve it.
pub struct DraftRow {
    pub id: i64,
    pub note: String,
    pub changes: Vec<String>,
    pub waiting_for: String,
    pub approved: Option<String>,
    pub may_approve: bool,
}

pub fn draft_rows(ctx: &Ctx, drafts: Vec<DraftView>) -> Vec<DraftRow> {
    drafts
        .into_iter()
        .map(|d| DraftRow {
            id: d.draft.id,
            note: d.draft.change_note.clone(),
            changes: d.changes.iter().map(|c| c.words.clone()).collect(),
            waiting_for: format!(
                "{} ({})",
                d.draft.settings.approver,
                d.approved_by_role.title()
            ),
            approved: d.draft.approved_by_name.as_ref().map(|who| {
                let from = d
                    .draft
                    .takes_effect_on
                    .map(|on| on.format("%-d %B %Y").to_string());
                format!(
                    "Approved by {who}; in force from {}",
                    from.unwrap_or_default()
                )
            }),
            may_approve: d.draft.approved_by.is_none() && ctx.me.roles.has(d.approved_by_role),
        })
        .collect()
}

async fn approve(ctx: Ctx, Path(id): Path<i64>, f: FormData) -> Result<Response, WebError> {
    let on = f.get("takes_effect_on").trim();
    let takes_effect_on = if on.is_empty() {
        None
    } else {
        Some(NaiveDate::parse_from_str(on, "%Y-%m-%d").map_err(|_| {
            Refusal::invalid(
                "takes_effect_on",
                "enter the day it takes effect, e.g. 2027-01-05",
            )
        })?)
    };
    let done = uc::approve_policy(
        &ctx.state,
        &ctx.me,
        id,
        &ApproveInput { takes_effect_on },
        ctx.state.now(),
    )
    .await?;
    let school = done.draft.school_id.0;
    Ok(see_other(&format!("/policy?school_id={school}&approved=1")))
}

async fn acknowledge(ctx: Ctx, Path(school): Path<i64>) -> Result<Response, WebError> {
    uc::acknowledge_policy(&ctx.state, &ctx.me, SchoolId(school), ctx.state.now()).await?;
    Ok(see_other(&format!("/policy?school_id={school}&read=1")))
}

/// G3: "adopt the trust policy" — a draft taking the trust's settings and keeping the school's
/// own values of what the trust lets it change; a refusal is shown on the page, naming why.
async fn adopt_trust(ctx: Ctx, Path(school): Path<i64>, f: FormData) -> Result<Response, WebError> {
    let input = AdoptInput {
        change_note: f.opt("change_note").map(str::to_string),
    };
    let now = ctx.state.now();
    match uc::adopt_trust_policy(&ctx.state, &ctx.me, SchoolId(school), &input, now).await {
        Ok(_) => Ok(see_other(&format!(
            "/policy?school_id={school}&changed=adopt"
        ))),
        Err(e) if e.is_fixable() => {
            let errors = Errors::from_refusal(e, &["change_note"], "trust_policy");
            let page = super::policy::build(&ctx, Some(school), errors, Some(&f)).await?;
            Ok(render_with(StatusCode::UNPROCESSABLE_ENTITY, &page))
        }
        Err(e) => Err(e.into()),
    }
}
