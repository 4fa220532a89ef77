//! The school's policy (G1): what it asks in plain words, change it — every setting on a form
//! (see [`editor`]), start again from a preset, adjust the check-ins, or import
//! TOML — each change a draft until the approving body approves it, and see each version with
//! who approved it and why. Reading is open to staff; changing is for the head and trust
//! administrators, approving for the body's role (the use cases decide).

mod check;
mod choices;
mod drafts;
mod editor;
mod help;
mod lists;
mod rules;

use super::form::FormData;
use super::page::{Choice, Chrome, Ctx, Errors, WebError, render, render_with, see_other};
use crate::AppState;
use crate::web::PageQuery;
use app::Refusal;
use app::permissions::SCHOOL_ADMINS;
use app::school_admin::{self as uc, PolicyChange};
use askama::Template;
use axum::Router;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use domain::SchoolId;
use domain::policy::changes;
use domain::policy::{PolicySettings, presets};
use drafts::{DraftRow, draft_rows};
use editor::{SettingField, fields, settings_from_form};
use lists::ListsForm;
pub use rules::rules_in_words;
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/policy", get(policy_page))
        .route("/policy/{school}/{kind}", post(change))
        .merge(editor::router())
        .merge(drafts::router())
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
pub(super) struct PolicyPage {
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
    /// Every single-valued setting as a form control.
    fields: Vec<SettingField>,
    drafts: Vec<DraftRow>,
    /// What the last form did: "draft", "approved", "read", "withdrawn".
    done: String,
    /// A member of the school's staff who has not yet confirmed reading this version.
    may_read: bool,
    /// For the head: who has not confirmed reading this version.
    not_read: Option<Vec<String>>,
    /// The trust has a policy of its own: whether this school is on it (G3).
    on_trust_policy: Option<bool>,
    /// The alarm rungs and visit reasons as rows of controls.
    lists: ListsForm,
    /// The form a refused change came from (`form`, `lists`, `check-ins`, `preset`, `settings`,
    /// `adopt`) and its "Why the change" as typed, shown back on that form only.
    note_on: String,
    note: String,
}

#[derive(Deserialize)]
struct PolicyQuery {
    school_id: Option<i64>,
    changed: Option<String>,
    approved: Option<String>,
    read: Option<String>,
    withdrawn: Option<String>,
}

pub(super) async fn build(
    ctx: &Ctx,
    school_id: Option<i64>,
    errors: Errors,
    f: Option<&FormData>,
) -> Result<PolicyPage, WebError> {
    let school = ctx.school(school_id).await?;
    let (st, me) = (&ctx.state, &ctx.me);
    // Independent reads side by side: each is a round trip to the store.
    let (current, versions, schools, drafts, read_current, not_read, on_trust_policy) = tokio::try_join!(
        async { Ok::<_, WebError>(uc::current_policy(st, me, school).await?) },
        async { Ok(uc::policy_versions(st, me, school).await?) },
        ctx.school_choices(school),
        async { Ok(uc::policy_drafts(st, me, school).await?) },
        async {
            match me.school_id == Some(school) {
                true => Ok(uc::has_read_current(st, me, school).await?),
                false => Ok(true),
            }
        },
        async {
            Ok(uc::acknowledgement_status(st, me, school)
                .await
                .ok()
                .map(|s| s.not_yet))
        },
        async { Ok(uc::trust_policy_status(st, me, school).await?) },
    )?;
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
        schools,
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
        presets: uc::preset_choices()
            .map(|(name, written_for)| {
                let selected = name == current.preset;
                Choice::new(name, format!("{written_for} ({name})"), selected)
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
                approved: match v.takes_effect_on {
                    Some(on) => format!(
                        "{} ({}), in force from {}",
                        v.approved_on.format("%-d %b %Y"),
                        v.approved_by,
                        on.format("%-d %b %Y")
                    ),
                    None => format!("{} ({})", v.approved_on.format("%-d %b %Y"), v.approved_by),
                },
                review_due: v.review_due.format("%-d %b %Y").to_string(),
                note: v.change_note.unwrap_or_default(),
                at: local.day_time(v.created_at),
            })
            .collect(),
        may_change: ctx.me.roles.any_of(&SCHOOL_ADMINS),
        // Only the settings form's own post is shown back in it: the page's form always posts
        // its hidden `offered` names, a form sent by hand at least the title (emptied or not).
        fields: fields(
            &current.settings,
            f.filter(|f| f.pairs().iter().any(|(k, _)| k == "offered" || k == "name")),
        ),
        drafts: draft_rows(ctx, drafts),
        done: String::new(),
        may_read: !read_current,
        not_read,
        on_trust_policy,
        // The lists as posted when the lists form sent this page, otherwise as the policy has them.
        lists: match f {
            Some(f) if f.opt("rung_count").is_some() => ListsForm::posted(f),
            _ => ListsForm::of(&current.settings),
        },
        note_on: String::new(),
        note: f
            .map(|f| f.get("change_note").to_string())
            .unwrap_or_default(),
    })
}

impl PolicyPage {
    /// After a refused change: which form sent it, so its "Why the change" is kept there.
    pub(super) fn refused_from(&mut self, kind: &str) {
        self.note_on = kind.to_string();
    }

    /// After a refused approval: the date the chair typed, back on that draft's form.
    pub(super) fn keep_typed_date(&mut self, draft: i64, typed: String) {
        if let Some(d) = self.drafts.iter_mut().find(|d| d.id == draft) {
            d.typed_date = typed;
        }
    }
}

async fn policy_page(ctx: Ctx, PageQuery(q): PageQuery<PolicyQuery>) -> Result<Response, WebError> {
    let mut page = build(&ctx, q.school_id, Errors::none(), None).await?;
    page.flash =
        q.changed.is_some() || q.approved.is_some() || q.read.is_some() || q.withdrawn.is_some();
    page.done = match (q.changed, q.approved, q.read, q.withdrawn) {
        (Some(c), _, _, _) if c == "adopt" => "adopt",
        (Some(_), _, _, _) => "draft",
        (_, Some(_), _, _) => "approved",
        (_, _, Some(_), _) => "read",
        (_, _, _, Some(_)) => "withdrawn",
        _ => "",
    }
    .to_string();
    Ok(render(&page))
}

/// A check-in setting's minutes as typed; refused in the words the settings form and the API
/// use, with the setting's rule ("Check-in interval: enter a whole number between 1 and 1440
/// minutes").
fn minutes(f: &FormData, name: &str, errors: &mut Errors) -> u32 {
    match f.get(name).trim().parse::<u32>() {
        Ok(n) => n,
        Err(_) => {
            let path = format!("check_in.{name}");
            let ask = domain::policy::limits::ask_number(&path);
            errors.add(name, changes::refusal_words(&path, &ask));
            0
        }
    }
}

/// A refusal of a policy change, placed on the form that sent it: settings problems are
/// reported against that form's field, naming the setting.
fn place(e: Refusal, kind: &str) -> Errors {
    if let Refusal::BadRequest { field, reason }
    | Refusal::Invalid { field, reason }
    | Refusal::Conflict { field, reason } = &e
        && field.starts_with("settings")
    {
        let path = field.trim_start_matches("settings.");
        let on = match kind {
            "check-ins" if field.contains("check_in.") => {
                field.rsplit('.').next().unwrap_or("interval_minutes")
            }
            "check-ins" => "interval_minutes",
            "form" => path,
            "lists" if field.contains("reason") => "reasons",
            "lists" => "rungs",
            _ => "toml",
        };
        // "Nothing has changed" is about the whole form, not one setting.
        if field == "settings" {
            return Errors::one(on, format!("{}.", uppercase_first(reason)));
        }
        // A rung's problem names the rung already, and sits on it on the lists form.
        if let Some(rung) = rung_field(path, reason) {
            let on = if kind == "lists" { rung.as_str() } else { on };
            return Errors::one(on, reason.clone());
        }
        return Errors::one(on, changes::refusal_words(path, reason));
    }
    Errors::from_refusal(e, &[], "change_note")
}

/// One of the five ways to change the policy, each a draft (the same use case as the JSON
/// API's).
async fn change(
    ctx: Ctx,
    Path((school, kind)): Path<(i64, String)>,
    f: FormData,
) -> Result<Response, WebError> {
    // The school in the address first: an unknown one is not found, whatever the boxes hold.
    uc::school(&ctx.state, &ctx.me, SchoolId(school)).await?;
    let mut errors = Errors::none();
    let asked = match kind.as_str() {
        "preset" => Some(PolicyChange::Preset(f.get("preset").to_string())),
        "check-ins" => {
            let change = PolicyChange::CheckIns {
                interval_minutes: minutes(&f, "interval_minutes", &mut errors),
                grace_minutes: minutes(&f, "grace_minutes", &mut errors),
                remind_before_minutes: minutes(&f, "remind_before_minutes", &mut errors),
                extend_minutes: minutes(&f, "extend_minutes", &mut errors),
            };
            errors.is_empty().then_some(change)
        }
        "form" => {
            let current = uc::current_policy(&ctx.state, &ctx.me, SchoolId(school)).await?;
            match settings_from_form(&current.settings, &f) {
                Ok(settings) => Some(PolicyChange::Settings(Box::new(settings))),
                Err(e) => {
                    errors = e;
                    None
                }
            }
        }
        // A row added, removed or moved: the form again, nothing saved yet.
        "lists" if !matches!(f.get("do"), "" | "save") => {
            let mut page = build(&ctx, Some(school), Errors::none(), Some(&f)).await?;
            page.refused_from("lists");
            return Ok(render(&page));
        }
        "lists" => {
            let current = uc::current_policy(&ctx.state, &ctx.me, SchoolId(school)).await?;
            match ListsForm::posted(&f).settings(&current.settings) {
                Ok(settings) => Some(PolicyChange::Settings(Box::new(settings))),
                Err(e) => {
                    errors = e;
                    None
                }
            }
        }
        "settings" => match PolicySettings::from_toml(f.get("toml")) {
            Ok(settings) => Some(PolicyChange::Settings(Box::new(settings))),
            Err(e) => {
                // A mistake in the text itself names its line; anything else, its setting.
                let shown = if e.field == "settings" || e.reason.contains("is not a policy setting")
                {
                    e.reason
                } else {
                    // The TOML names a setting by its path, as the text does.
                    format!("{}: {}", e.field, e.reason)
                };
                errors.add("toml", shown);
                None
            }
        },
        _ => return Err(Refusal::not_found("page").into()),
    };
    if let Some(change) = asked {
        let now = ctx.state.now();
        let note = f.get("change_note");
        match change
            .apply(&ctx.state, &ctx.me, SchoolId(school), note, now)
            .await
        {
            Ok(_) => return Ok(see_other(&format!("/policy?school_id={school}&changed=1"))),
            Err(e) if e.is_fixable() => errors = place(e, &kind),
            Err(e) => return Err(e.into()),
        }
    }
    let mut page = build(&ctx, Some(school), errors, Some(&f)).await?;
    page.refused_from(&kind);
    Ok(render_with(StatusCode::UNPROCESSABLE_ENTITY, &page))
}

/// The lists form's box for a rung's problem: `escalation[3].instruction` is
/// `rungs[3].instruction` (both count rungs from 1), and a ladder out of order ("Rung 3: must
/// come after rung 2's minutes") is that rung's minutes.
pub(super) fn rung_field(path: &str, reason: &str) -> Option<String> {
    if let Some(rest) = path
        .strip_prefix("escalation[")
        .filter(|rest| rest.contains("]."))
    {
        return Some(format!("rungs[{rest}"));
    }
    let n: usize = reason
        .strip_prefix("Rung ")?
        .split(':')
        .next()?
        .parse()
        .ok()?;
    (path == "escalation").then(|| format!("rungs[{n}].after_minutes"))
}

fn uppercase_first(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|h| h.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}
