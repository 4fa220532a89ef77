//! Plan a visit, in the order a member of staff thinks it through: pupil and household → reason
//! and purpose → could they come in instead → appointment → staff, buddy, code word → travel →
//! planned times. Saving stores a draft ([`app::visits::create`], [`app::visits::update`]); from
//! then on the policy check shows every unmet rule in plain words, live with htmx as the plan
//! changes, before it is requested.

mod form;
mod options;
mod times;

use super::failure::Failure;
use super::form::FormData;
use super::page::{Choice, Chrome, Ctx, Errors, WebError, render, render_with, see_other};
use super::time::Local;
use super::visit::{PolicyPanel, policy_panel, seen_visit};
use crate::AppState;
use crate::web::PageQuery;
use app::visits::{self, UpdateVisitInput};
use askama::Template;
use axum::Router;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use chrono::Duration;
use domain::policy::PolicySettings;
use domain::{SchoolId, VisitId};
use form::{PlanForm, opt_id};
use options::{VisitorRow, options, pick};
use serde::Deserialize;
use store::Visit;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/visits/new", get(new_page).post(create))
        .route("/visits/{id}/edit", get(edit_page).post(update))
        .route("/visits/{id}/autosave", post(autosave))
}

/// The use case names visitors by their place among those sent; the form by its row.
fn place_errors(refusal: app::Refusal, rows: &[usize]) -> Errors {
    let mut failure = Failure::from(refusal);
    if let Some(field) = &failure.field
        && let Some(rest) = field.strip_prefix("visitors[")
        && let Some((n, tail)) = rest.split_once(']')
        && let Ok(n) = n.parse::<usize>()
        && let Some(row) = rows.get(n)
    {
        failure.field = Some(format!("visitors[{row}]{tail}"));
    }
    if failure.field.as_deref() == Some("visitors") {
        failure.field = Some("visitors[0].staff_id".into());
    }
    match failure.field.as_deref() {
        Some("appointment.reason" | "appointment.agenda" | "appointment") => {}
        Some(f) if f.starts_with("appointment.") => failure.field = Some("appointment".into()),
        _ => {}
    }
    Errors::from_failure(&failure, &[], "")
}

#[derive(Template)]
#[template(path = "plan.html")]
struct PlanPage {
    chrome: Chrome,
    visit_id: i64,
    form: PlanForm,
    errors: Errors,
    pupils: Vec<Choice>,
    reasons: Vec<Choice>,
    visitor_rows: Vec<VisitorRow>,
    buddies: Vec<Choice>,
    backups: Vec<Choice>,
    vehicles: Vec<Choice>,
    rules: Vec<String>,
    visit_lengths: String,
    length_hint: String,
    check: Option<PolicyPanel>,
    yes_no: Vec<Choice>,
    appointments: Vec<Choice>,
    returns: Vec<Choice>,
    code_word_hidden: bool,
}

async fn page(
    ctx: &Ctx,
    school: SchoolId,
    visit: Option<&Visit>,
    form: PlanForm,
    errors: Errors,
) -> Result<PlanPage, WebError> {
    let check = async {
        match visit {
            Some(v) => Ok(Some(policy_panel(ctx, v, "").await?)),
            None => Ok(None),
        }
    };
    let (o, check) = tokio::try_join!(options(ctx, school, &form), check)?;
    let visitor_rows = form
        .visitors
        .iter()
        .enumerate()
        .map(|(index, (staff, role))| VisitorRow {
            staff_field: format!("visitors[{index}].staff_id"),
            role_field: format!("visitors[{index}].role_on_visit"),
            label: format!("Visiting staff {}", index + 1),
            staff: pick(
                &o.staff,
                if index == 0 {
                    "Choose who goes"
                } else {
                    "Nobody else"
                },
                staff,
            ),
            role: role.clone(),
        })
        .collect();
    Ok(PlanPage {
        chrome: ctx.chrome("plan"),
        visit_id: visit.map_or(0, |v| v.id.0),
        buddies: pick(&o.buddies, "No buddy", &form.buddy_staff_id),
        backups: pick(&o.staff, "Nobody else", &form.backup_staff_id),
        vehicles: pick(
            &o.vehicles,
            "No car (walking or public transport)",
            &form.vehicle_id,
        ),
        visitor_rows,
        pupils: o.pupils,
        reasons: o.reasons,
        rules: o.rules,
        visit_lengths: o.visit_lengths,
        length_hint: o.length_hint,
        check,
        yes_no: form.yes_no(),
        appointments: form.appointments(),
        returns: form.returns(),
        code_word_hidden: visit.is_some_and(|v| !v.involves(ctx.me.id)),
        form,
        errors,
    })
}

#[derive(Deserialize)]
struct NewQuery {
    school_id: Option<i64>,
    pupil_id: Option<i64>,
}

async fn new_page(ctx: Ctx, PageQuery(q): PageQuery<NewQuery>) -> Result<Response, WebError> {
    let school = ctx.school(q.school_id).await?;
    let local = ctx.local().await?;
    let mut form = PlanForm::blank(&ctx.me, ctx.state.clock().now(), &local);
    form.pupil_id = opt_id(q.pupil_id);
    let mut new = page(&ctx, school, None, form, Errors::none()).await?;
    // Where the policy gives reasons a usual length (St Joseph's nursery visits: "around 30
    // minutes"), the end times start blank: without script, the reason chosen fills them on
    // saving; a reason with no usual length has the field named.
    if !new.length_hint.is_empty() {
        new.form.planned_leave_property.clear();
        new.form.planned_return.clear();
    }
    Ok(render(&new))
}

/// A refusal the person can fix on the form, placed by its field; anything else is an error page.
fn on_form(refusal: app::Refusal, rows: &[usize]) -> Result<Errors, WebError> {
    if refusal.is_fixable() {
        Ok(place_errors(refusal, rows))
    } else {
        Err(refusal.into())
    }
}

async fn create(ctx: Ctx, f: FormData) -> Result<Response, WebError> {
    let form = PlanForm::of_form(&f);
    let school = match form.pupil_id.parse::<i64>() {
        Ok(p) => match visits::pupil_in_scope(&ctx.state, &ctx.me, p).await {
            Ok((_, school)) => school,
            Err(app::Refusal::Invalid { .. }) => ctx.school(None).await?,
            Err(e) => return Err(e.into()),
        },
        Err(_) => ctx.school(None).await?,
    };
    let local = Local::of(
        &app::school::current_policy(&ctx.state, &ctx.me, school)
            .await?
            .settings,
    );
    let errors = match form.to_input(&local) {
        Ok((input, rows)) => match visits::create(&ctx.state, &ctx.me, input).await {
            Ok(saved) => {
                let id = saved.visit.id;
                return Ok(see_other(&format!("/visits/{id}?saved=1")));
            }
            Err(refusal) => on_form(refusal, &rows)?,
        },
        Err(e) => e,
    };
    let page = page(&ctx, school, None, form, errors).await?;
    Ok(render_with(StatusCode::UNPROCESSABLE_ENTITY, &page))
}

async fn edit_page(ctx: Ctx, Path(id): Path<i64>) -> Result<Response, WebError> {
    let visit = seen_visit(&ctx, id).await?;
    if !visit.state.is_editable() {
        return Ok(see_other(&format!("/visits/{id}")));
    }
    let policy = ctx.state.policy_version(visit.policy_version_id).await?;
    let form = PlanForm::of_visit(&visit, &Local::of(&policy.settings));
    let school = visit.school_id;
    Ok(render(
        &page(&ctx, school, Some(&visit), form, Errors::none()).await?,
    ))
}

/// Saves the plan ([`visits::update`]), naming the revision edited.
async fn save(
    ctx: &Ctx,
    visit: &Visit,
    settings: &PolicySettings,
    form: &PlanForm,
) -> Result<Result<(), Errors>, WebError> {
    let (plan, rows) = match form.to_input(&Local::of(settings)) {
        Ok(ok) => ok,
        Err(e) => return Ok(Err(e)),
    };
    // The code word is shown only to the people on the visit (P5): someone else changing the
    // plan sends none, and the use case keeps the one stored.
    let plan = if visit.involves(ctx.me.id) {
        plan
    } else {
        visits::VisitPlanInput {
            code_word: None,
            ..plan
        }
    };
    let revision = form.revision.parse::<i64>().unwrap_or(visit.revision);
    let mut input = UpdateVisitInput { revision, plan };
    let mut result = visits::update(&ctx.state, &ctx.me, visit.id, input.clone()).await;
    // The page's own autosave may have moved the revision a moment before Save was pressed:
    // that is not "someone else", so save again on top of it.
    if let Err(app::Refusal::Conflict { field, .. }) = &result
        && field == "revision"
        && own_autosave(ctx, visit).await?
    {
        input.revision = app::access::visible_visit(&ctx.state, &ctx.me, visit.id)
            .await?
            .revision;
        result = visits::update(&ctx.state, &ctx.me, visit.id, input).await;
    }
    match result {
        Ok(_) => Ok(Ok(())),
        Err(refusal) => Ok(Err(on_form(refusal, &rows)?)),
    }
}

/// Whether the last change to the plan was this person's, in the last few minutes.
async fn own_autosave(ctx: &Ctx, visit: &Visit) -> Result<bool, WebError> {
    let events = visits::events(&ctx.state, &ctx.me, visit.id).await?;
    let recent = ctx.state.now() - Duration::minutes(5);
    Ok(events.last().is_some_and(|e| {
        e.step == "plan_changed" && e.actor_staff_id == Some(ctx.me.id.0) && e.at >= recent
    }))
}

async fn update(ctx: Ctx, Path(id): Path<i64>, f: FormData) -> Result<Response, WebError> {
    let visit = seen_visit(&ctx, id).await?;
    let policy = ctx.state.policy_version(visit.policy_version_id).await?;
    let form = PlanForm::of_form(&f);
    match save(&ctx, &visit, &policy.settings, &form).await? {
        Ok(()) => Ok(see_other(&format!("/visits/{id}?saved=1"))),
        Err(errors) => {
            let page = page(&ctx, visit.school_id, Some(&visit), form, errors).await?;
            Ok(render_with(StatusCode::UNPROCESSABLE_ENTITY, &page))
        }
    }
}

/// htmx: saves the draft as it changes and answers with the policy check (and the new revision).
async fn autosave(ctx: Ctx, Path(id): Path<i64>, f: FormData) -> Result<Response, WebError> {
    let visit = seen_visit(&ctx, id).await?;
    let policy = ctx.state.policy_version(visit.policy_version_id).await?;
    let form = PlanForm::of_form(&f);
    let note = match save(&ctx, &visit, &policy.settings, &form).await? {
        Ok(()) => "Saved.".to_string(),
        Err(errors) => {
            let first = errors
                .list
                .first()
                .map_or(String::new(), |m| m.message.clone());
            format!("Not saved yet: {first}")
        }
    };
    let visit = app::access::visible_visit(&ctx.state, &ctx.me, VisitId(id)).await?;
    Ok(render(&policy_panel(&ctx, &visit, &note).await?))
}
