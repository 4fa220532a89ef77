//! One incident report: what it says and where it stands; for its author, until it is shared,
//! finishing it (the account may follow the first note) and sharing it with the head (A5).

use super::super::form::FormData;
use super::super::page::{Choice, Chrome, Ctx, Errors, WebError, render, render_with, see_other};
use super::{kinds, local_of, report_input, status};
use crate::web::PageQuery;
use app::safeguarding::{incident, submit_incident, update_incident};
use askama::Template;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

#[derive(Template)]
#[template(path = "incident.html")]
struct DetailPage {
    chrome: Chrome,
    errors: Errors,
    flash: Option<&'static str>,
    id: i64,
    kind: &'static str,
    facts: Vec<(&'static str, String)>,
    account: String,
    status: &'static str,
    overdue: bool,
    can_share: bool,
    visit_id: i64,
    household_id: i64,
    /// The draft as its author edits it: stored values, or what was typed into a refused form.
    v: Vec<(String, String)>,
    kinds: Vec<Choice>,
}

impl DetailPage {
    fn value(&self, name: &str) -> &str {
        crate::web::form::typed(&self.v, name)
    }
}

async fn page(
    ctx: &Ctx,
    id: i64,
    flash: Option<&'static str>,
    errors: Errors,
    typed: Vec<(String, String)>,
) -> Result<DetailPage, WebError> {
    let i = incident(&ctx.state, &ctx.me, id).await?.incident;
    let local = local_of(ctx, i.school_id).await?;
    let (status, overdue) = status(&i, ctx.state.clock().now());
    let (family, postcode) = app::safeguarding::incident_family(&ctx.state, &ctx.me, i.id).await?;
    let opt = |v: &Option<String>| v.clone().unwrap_or_default();
    let mut v: Vec<(String, String)> = vec![
        ("kind".into(), i.kind.as_str().to_string()),
        ("occurred_on".into(), local.date_input(i.occurred_at)),
        ("occurred_at".into(), local.time_input(i.occurred_at)),
        ("location".into(), opt(&i.location)),
        ("account".into(), i.account.clone()),
        ("people_involved".into(), opt(&i.people_involved)),
        ("injuries".into(), opt(&i.injuries)),
        (
            "police_called".into(),
            if i.police_called { "on" } else { "" }.into(),
        ),
    ];
    if !typed.is_empty() {
        // A refused form: what was typed, and no box ticked that was not ticked.
        v.retain(|(k, _)| k != "police_called");
        v.extend(typed);
    }
    let kind = v
        .iter()
        .rev()
        .find(|(k, _)| k == "kind")
        .map(|(_, x)| x.clone())
        .unwrap_or_default();
    let mut facts = vec![
        ("Happened", local.day_time(i.occurred_at)),
        ("Household", format!("{family} family, {postcode}")),
        ("Where", opt(&i.location)),
        ("People involved", opt(&i.people_involved)),
        ("Injuries", opt(&i.injuries)),
        (
            "Police called",
            if i.police_called { "Yes" } else { "No" }.into(),
        ),
        ("Due with the head by", local.day_time(i.due_at)),
    ];
    if let Some(at) = i.submitted_at {
        facts.push(("Shared with the head", local.day_time(at)));
    }
    if i.household_blocked {
        facts.push((
            "Household",
            "Blocked for new appointments until a senior leader reviews it".into(),
        ));
    }
    facts.retain(|(_, v)| !v.is_empty());
    Ok(DetailPage {
        chrome: ctx.chrome("incidents"),
        errors,
        flash,
        id: i.id,
        kind: i.kind.label(),
        facts,
        account: i.account.clone(),
        status,
        overdue,
        can_share: i.submitted_at.is_none() && i.author_staff_id == ctx.me.id.0,
        visit_id: i.visit_id.unwrap_or_default(),
        household_id: i.household_id.0,
        kinds: kinds(&kind),
        v,
    })
}

#[derive(Deserialize)]
pub(super) struct DoneQuery {
    done: Option<String>,
}

pub(super) async fn detail(
    ctx: Ctx,
    Path(id): Path<i64>,
    PageQuery(q): PageQuery<DoneQuery>,
) -> Result<Response, WebError> {
    let flash = match q.done.as_deref() {
        Some("recorded") => {
            Some("The report is saved. Share it with the head by the end of the day.")
        }
        Some("saved") => Some("The report is saved."),
        Some("shared") => Some("The report is shared with the head."),
        _ => None,
    };
    Ok(render(
        &page(&ctx, id, flash, Errors::none(), vec![]).await?,
    ))
}

async fn refused(
    ctx: &Ctx,
    id: i64,
    errors: Errors,
    typed: Vec<(String, String)>,
) -> Result<Response, WebError> {
    let page = page(ctx, id, None, errors, typed).await?;
    Ok(render_with(StatusCode::UNPROCESSABLE_ENTITY, &page))
}

/// The author finishes the draft; ticking "share now" sends it to the head too.
pub(super) async fn update(
    ctx: Ctx,
    Path(id): Path<i64>,
    f: FormData,
) -> Result<Response, WebError> {
    let school = ctx.school(None).await?;
    let local = local_of(&ctx, school).await?;
    let report = match report_input(&f, &local) {
        Ok(report) => report,
        Err(errors) => return refused(&ctx, id, errors, f.pairs()).await,
    };
    match update_incident(&ctx.state, &ctx.me, id, &report).await {
        Ok(_) if f.checked("share_now") => share(&ctx, id).await,
        Ok(_) => Ok(see_other(&format!("/incidents/{id}?done=saved"))),
        Err(e) if e.is_fixable() => {
            refused(&ctx, id, Errors::from_refusal(e, &[], "kind"), f.pairs()).await
        }
        Err(e) => Err(e.into()),
    }
}

/// A5: shares the report with the head; a report without an account comes back with the reason
/// next to the account.
pub(super) async fn share(ctx: &Ctx, id: i64) -> Result<Response, WebError> {
    match submit_incident(&ctx.state, &ctx.me, id).await {
        Ok(_) => Ok(see_other(&format!("/incidents/{id}?done=shared"))),
        Err(e) if e.is_fixable() => {
            let errors = Errors::from_refusal(e, &["account"], "share");
            refused(ctx, id, errors, vec![]).await
        }
        Err(e) => Err(e.into()),
    }
}

pub(super) async fn submit(ctx: Ctx, Path(id): Path<i64>) -> Result<Response, WebError> {
    share(&ctx, id).await
}
