//! The policy editor heads use (#13 item 5): every single-valued setting as a labelled form
//! control with its help beside it; saving makes a draft (G1) whose changes are shown in words;
//! the approving body's role approves it on the same page; staff confirm reading the version in
//! force (G2). The lists (alarm rungs, visit reasons) have their own controls in
//! [`super::lists`].

use super::choices::choices_of;
use super::help::help;
use super::lists::{Tick, alarm_kinds, choices, edited_as_list, ticks};
use crate::web::form::FormData;
use crate::web::page::{Ctx, Errors, WebError, render_with, see_other};
use app::school_admin::{self as uc, AdoptInput};
use axum::Router;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::post;
use domain::SchoolId;
use domain::policy::changes::{
    OPTIONAL_SECTIONS, SettingValue, label, refusal_words, section_of, settings_by_path,
};
use domain::policy::limits::ask_number;
use domain::policy::{PolicySettings, time_of_day};

pub fn router() -> Router<crate::AppState> {
    Router::new()
        .route("/policy/{school}/acknowledge", post(acknowledge))
        .route("/policy/{school}/adopt-trust", post(adopt_trust))
}

/// One setting on the form.
pub struct SettingField {
    /// The form name: the setting's path, e.g. `check_in.interval_minutes`.
    pub name: String,
    pub label: String,
    pub help: String,
    /// `checkbox`, `number`, `text`, `textarea`, `ticks` (a list of choices), `select` (see
    /// [`SettingField::choices`]) or `section`: the tick box that switches an optional part of
    /// the policy on or off, named `use.` and its path, before that part's own settings.
    pub kind: &'static str,
    /// For `select`: (value, label) of each answer.
    pub choices: &'static [(&'static str, &'static str)],
    pub value: String,
    pub checked: bool,
    /// The choices of a `ticks` setting, those in the list ticked.
    pub ticks: Vec<Tick>,
    /// The optional part of the policy this setting belongs to, e.g. `staffing.evening`.
    pub section: Option<&'static str>,
    /// For a `section`: its error is shown by its tick box, as no setting of its own shows it
    /// (the reply-by time is both a part and its one setting).
    pub own_error: bool,
}

/// The form name of the tick box that switches the optional part at `path` on.
fn switch(path: &str) -> String {
    format!("use.{path}")
}

/// Whether the optional part at `path` is on: as ticked when the form offered its tick box
/// (a hidden `offered` names it, since an unticked box sends nothing), else as `current` has it.
fn section_on(current: &PolicySettings, f: Option<&FormData>, path: &str) -> bool {
    match f {
        Some(f) if f.all("offered").contains(&path) => f.checked(&switch(path)),
        _ => current.has_section(path),
    }
}

/// A time of day as typed ("18:00", "6:00", "18:00:00") in the form settings keep ("18:00:00").
fn time_of_day(typed: &str) -> Option<String> {
    domain::policy::time_of_day::parse(typed).map(|t| t.format("%H:%M:%S").to_string())
}

/// What the form sent for `name`, an empty box included; none when it sent no such box.
fn sent(f: &FormData, name: &str) -> Option<String> {
    f.pairs()
        .into_iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v)
}

/// A stored time ("17:30:00") as the form shows it and hints ask for it ("17:30").
fn shown_time(stored: &str) -> String {
    chrono::NaiveTime::parse_from_str(stored, "%H:%M:%S")
        .map(|t| t.format("%H:%M").to_string())
        .unwrap_or_else(|_| stored.to_string())
}

/// The form's controls for `settings`, showing what was typed after a refusal: every
/// single-valued setting, every list of choices (roles, who is told, advisory rules) as tick
/// boxes, and an instruction box per alarm kind.
pub fn fields(settings: &PolicySettings, typed: Option<&FormData>) -> Vec<SettingField> {
    // Optional parts that are off show their starting values under an unticked box.
    let shown = settings.with_every_section();
    let mut out: Vec<SettingField> = settings_by_path(&shown)
        .into_iter()
        .filter(|(path, _)| !edited_as_list(path) && !path.starts_with("alarm_instructions"))
        .filter_map(|(path, value)| {
            let options = choices(&path);
            let select = choices_of(&path);
            let kind = match &value {
                SettingValue::Flag(_) => "checkbox",
                SettingValue::Number(_) => "number",
                SettingValue::Text(_) if !select.is_empty() => "select",
                SettingValue::Text(_) => "text",
                SettingValue::Names(_) if options.is_some() => "ticks",
                SettingValue::Names(_) => return None,
            };
            let ticked = match (&value, &options) {
                (SettingValue::Names(on), Some(options)) => {
                    let on: Vec<String> = match typed {
                        Some(f) => f.all(&path).into_iter().map(str::to_string).collect(),
                        None => on.clone(),
                    };
                    ticks(options, &on)
                }
                _ => Vec::new(),
            };
            // What was typed, an emptied box included (a box the form did not send: as stored);
            // a stored time as typed ("17:30").
            let value = match typed.and_then(|f| sent(f, &path)) {
                Some(typed) => typed,
                None => match &value {
                    SettingValue::Text(t) if time_of_day(t).is_some() => shown_time(t),
                    v => v.shown(),
                },
            };
            let checked = match typed {
                Some(f) => f.checked(&path),
                None => value == "true",
            };
            let section = section_of(&path).map(|s| s.path);
            Some(SettingField {
                label: label(&path),
                help: help(&path).unwrap_or_else(|| format!("Setting {path}.")),
                name: path,
                kind,
                choices: select,
                value,
                checked,
                ticks: ticked,
                section,
                own_error: false,
            })
        })
        .collect();
    for section in OPTIONAL_SECTIONS.iter().rev() {
        let at = out
            .iter()
            .position(|f| f.section == Some(section.path))
            .unwrap_or(out.len());
        let on = section_on(settings, typed, section.path);
        let own_error = !out.iter().any(|f| f.name == section.path);
        out.insert(
            at,
            SettingField {
                name: switch(section.path),
                label: section.label.to_string(),
                help: section.help.to_string(),
                kind: "section",
                choices: &[],
                value: section.path.to_string(),
                checked: on,
                ticks: Vec::new(),
                section: Some(section.path),
                own_error,
            },
        );
    }
    for (kind, _) in alarm_kinds() {
        let path = format!("alarm_instructions.{kind}");
        let stored = settings.alarm_instructions.get(kind).cloned();
        let value = match typed.and_then(|f| sent(f, &path)) {
            Some(typed) => typed,
            None => stored.unwrap_or_default(),
        };
        out.push(SettingField {
            label: label(&path),
            help: help(&path).unwrap_or_default(),
            name: path,
            kind: "textarea",
            value,
            checked: false,
            choices: &[],
            ticks: Vec::new(),
            section: None,
            own_error: false,
        });
    }
    out
}

/// The settings the form describes, laid on `current` one setting at a time so each problem is
/// named on its own field. Errors: one per field, in the setting's label.
pub fn settings_from_form(
    current: &PolicySettings,
    f: &FormData,
) -> Result<PolicySettings, Errors> {
    let mut errors = Errors::none();
    let on = |path: &str| section_on(current, Some(f), path);
    let base = current.with_every_section();
    let mut settings = base.clone();
    for (path, old) in settings_by_path(&base) {
        if edited_as_list(&path) || path.starts_with("alarm_instructions") {
            continue;
        }
        if section_of(&path).is_some_and(|s| !on(s.path)) {
            continue;
        }
        let new = match &old {
            SettingValue::Text(t) if time_of_day(t).is_some() => match time_of_day(f.get(&path)) {
                Some(time) => SettingValue::Text(time),
                None => {
                    errors.add(&path, refusal_words(&path, time_of_day::ASK));
                    continue;
                }
            },
            SettingValue::Flag(_) => SettingValue::Flag(f.checked(&path)),
            SettingValue::Number(_) => match f.get(&path).trim().parse::<u32>() {
                Ok(n) => SettingValue::Number(n.into()),
                Err(_) => {
                    errors.add(&path, refusal_words(&path, &ask_number(&path)));
                    continue;
                }
            },
            SettingValue::Text(_) => SettingValue::Text(f.get(&path).trim().to_string()),
            SettingValue::Names(_) if choices(&path).is_some() => {
                SettingValue::Names(f.all(&path).into_iter().map(str::to_string).collect())
            }
            SettingValue::Names(_) => continue,
        };
        if new == old {
            continue;
        }
        match settings.with_setting(&path, new) {
            Ok(tried) => settings = tried,
            Err(e) => errors.add(&path, refusal_words(&path, &e.reason)),
        }
    }
    for section in OPTIONAL_SECTIONS {
        match settings.with_section(section.path, on(section.path)) {
            Ok(switched) => settings = switched,
            Err(e) => errors.add(section.path, format!("{}: {}", section.label, e.reason)),
        }
    }
    // An empty box: Doorstep's general guidance for that alarm.
    settings.alarm_instructions.clear();
    for (kind, _) in alarm_kinds() {
        let path = format!("alarm_instructions.{kind}");
        let text = f.get(&path).trim();
        if text.chars().count() > 1000 {
            errors.add(&path, format!("{}: at most 1000 characters", label(&path)));
        } else if !text.is_empty() {
            settings
                .alarm_instructions
                .insert(kind.to_string(), text.to_string());
        }
    }
    super::check::check_all(current, settings, errors)
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
            let mut page = super::build(&ctx, Some(school), errors, Some(&f)).await?;
            page.refused_from("adopt-trust");
            Ok(render_with(StatusCode::UNPROCESSABLE_ENTITY, &page))
        }
        Err(e) => Err(e.into()),
    }
}
