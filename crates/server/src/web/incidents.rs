//! Incident reports (A5): the list (the head, the DSL and reviewers see the school's; anyone else
//! the reports they wrote), a report written from a visit or about a household — trips, falls,
//! accidents, verbal abuse, threats, aggression — and sharing it with the head, who must have it
//! by the end of the working day; a report not shared by then is marked overdue.

use super::form::FormData;
use super::page::{Choice, Chrome, Ctx, Errors, WebError, render, render_with, see_other};
use super::time::Local;
use crate::AppState;
use crate::web::PageQuery;
use app::safeguarding::{
    IncidentQuery, NewIncidentInput, ReportInput, incident_households, list_incidents,
    record_incident, report_place,
};
use askama::Template;
use axum::Router;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use chrono::{DateTime, Utc};
use domain::safeguarding::{IncidentKind, ReportStatus};
use domain::{SchoolId, VisitId};
use serde::Deserialize;

mod detail;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/incidents", get(list).post(create))
        .route("/incidents/new", get(new_page))
        .route("/incidents/{id}", get(detail::detail).post(detail::update))
        .route("/incidents/{id}/submit", post(detail::submit))
}

/// Every kind, as the form offers them: (stored word, label).
fn kinds(chosen: &str) -> Vec<Choice> {
    IncidentKind::ALL
        .iter()
        .map(|k| Choice::new(k.as_str(), k.label(), k.as_str() == chosen))
        .collect()
}

pub struct Row {
    pub id: i64,
    pub kind: &'static str,
    pub when: String,
    pub household: String,
    pub status: &'static str,
    pub overdue: bool,
}

async fn local_of(ctx: &Ctx, school: SchoolId) -> Result<Local, WebError> {
    Ok(Local::of(
        &app::school::current_policy(&ctx.state, &ctx.me, school)
            .await?
            .settings,
    ))
}

/// Where the report stands, in words, and whether it is overdue.
fn status(i: &store::Incident, now: DateTime<Utc>) -> (&'static str, bool) {
    let s = ReportStatus::at(i.submitted_at, i.due_at, now);
    (s.words(), s == ReportStatus::Overdue)
}

#[derive(Template)]
#[template(path = "incidents.html")]
struct ListPage {
    chrome: Chrome,
    rows: Vec<Row>,
    overdue_only: bool,
}

#[derive(Deserialize)]
struct ListQuery {
    overdue: Option<String>,
}

async fn list(ctx: Ctx, PageQuery(q): PageQuery<ListQuery>) -> Result<Response, WebError> {
    let school = ctx.school(None).await?;
    let overdue_only = q.overdue.is_some_and(|o| !o.is_empty());
    let q = IncidentQuery {
        school_id: Some(school.0),
        overdue: overdue_only.then_some(true),
    };
    let (local, list) = tokio::try_join!(local_of(&ctx, school), async {
        Ok(list_incidents(&ctx.state, &ctx.me, &q).await?)
    })?;
    let now = ctx.state.clock().now();
    let families = app::safeguarding::incident_families(&ctx.state, &list).await?;
    let mut rows = Vec::new();
    for (i, family) in list.into_iter().zip(families) {
        let (status, overdue) = status(&i, now);
        rows.push(Row {
            id: i.id,
            kind: i.kind.label(),
            when: local.day_time(i.occurred_at),
            household: format!("{family} family"),
            status,
            overdue,
        });
    }
    Ok(render(&ListPage {
        chrome: ctx.chrome("incidents"),
        rows,
        overdue_only,
    }))
}

#[derive(Template)]
#[template(path = "incident_new.html")]
struct NewPage {
    chrome: Chrome,
    errors: Errors,
    v: Vec<(String, String)>,
    kinds: Vec<Choice>,
    /// The visit it happened on, in words; empty when it is about a household.
    visit: String,
    households: Vec<Choice>,
}

impl NewPage {
    fn value(&self, name: &str) -> &str {
        super::form::typed(&self.v, name)
    }
}

#[derive(Deserialize)]
struct NewQuery {
    visit_id: Option<i64>,
    household_id: Option<i64>,
}

async fn new_form(
    ctx: &Ctx,
    visit_id: Option<i64>,
    typed: Vec<(String, String)>,
    errors: Errors,
) -> Result<NewPage, WebError> {
    let school = ctx.school(None).await?;
    let mut local = local_of(ctx, school).await?;
    let mut visit = String::new();
    let mut households = vec![];
    if let Some(id) = visit_id {
        let at = report_place(&ctx.state, &ctx.me, VisitId(id)).await?;
        local = local_of(ctx, at.visit.school_id).await?;
        visit = format!(
            "The visit to the {} family on {}",
            at.household.family_name,
            local.day(at.visit.planned_arrive)
        );
    } else {
        let list = incident_households(&ctx.state, &ctx.me, Some(school.0)).await?;
        let chosen = typed
            .iter()
            .find(|(k, _)| k == "household_id")
            .map(|(_, v)| v.clone())
            .unwrap_or_default();
        households.push(Choice::new("", "Choose the household", chosen.is_empty()));
        households.extend(list.into_iter().map(|h| {
            let id = h.id().to_string();
            let selected = id == chosen;
            let label = match h.address() {
                Some((_, postcode)) => format!("{} family, {postcode}", h.family_name()),
                None => format!("{} family", h.family_name()),
            };
            Choice::new(id, label, selected)
        }));
    }
    let now = ctx.state.clock().now();
    let mut v = vec![
        (
            "visit_id".to_string(),
            visit_id.map(|i| i.to_string()).unwrap_or_default(),
        ),
        ("occurred_on".to_string(), local.date_input(now)),
        ("occurred_at".to_string(), local.time_input(now)),
    ];
    v.extend(typed);
    let kind = v
        .iter()
        .rev()
        .find(|(k, _)| k == "kind")
        .map(|(_, x)| x.clone())
        .unwrap_or_default();
    Ok(NewPage {
        chrome: ctx.chrome("incidents"),
        errors,
        kinds: kinds(&kind),
        v,
        visit,
        households,
    })
}

async fn new_page(ctx: Ctx, PageQuery(q): PageQuery<NewQuery>) -> Result<Response, WebError> {
    let typed = q
        .household_id
        .map(|h| vec![("household_id".to_string(), h.to_string())])
        .unwrap_or_default();
    let page = new_form(&ctx, q.visit_id, typed, Errors::none()).await?;
    Ok(render(&page))
}

async fn refuse(
    ctx: &Ctx,
    visit_id: Option<i64>,
    f: &FormData,
    errors: Errors,
) -> Result<Response, WebError> {
    let page = new_form(ctx, visit_id, f.pairs(), errors).await?;
    Ok(render_with(StatusCode::UNPROCESSABLE_ENTITY, &page))
}

/// The report as typed, or the field a person must fix first.
fn report_input(f: &FormData, local: &Local) -> Result<ReportInput, Errors> {
    let Some(kind) = f.opt("kind").and_then(IncidentKind::parse) else {
        return Err(Errors::one("kind", "Choose what happened"));
    };
    let Some(occurred_at) = local.parse(f.get("occurred_on"), f.get("occurred_at")) else {
        return Err(Errors::one(
            "occurred_at",
            "Enter the day and time it happened, like 14:30",
        ));
    };
    Ok(ReportInput {
        kind,
        occurred_at,
        location: f.opt_text("location")?,
        account: f.opt_text("account")?,
        people_involved: f.opt_text("people_involved")?,
        injuries: f.opt_text("injuries")?,
        police_called: f.checked("police_called"),
    })
}

/// Records the report; with "share now" ticked it goes to the head at once.
async fn create(ctx: Ctx, f: FormData) -> Result<Response, WebError> {
    let visit_id = f.get("visit_id").parse::<i64>().ok();
    let school = ctx.school(None).await?;
    let local = local_of(&ctx, school).await?;
    let report = match report_input(&f, &local) {
        Ok(report) => report,
        Err(errors) => return refuse(&ctx, visit_id, &f, errors).await,
    };
    let input = NewIncidentInput {
        visit_id,
        household_id: match visit_id {
            Some(_) => None,
            None => f.get("household_id").parse::<i64>().ok(),
        },
        pupil_id: None,
        report,
    };
    let view = match record_incident(&ctx.state, &ctx.me, &input).await {
        Ok(view) => view,
        Err(e) if e.is_fixable() => {
            return refuse(&ctx, visit_id, &f, Errors::from_refusal(e, &[], "kind")).await;
        }
        Err(e) => return Err(e.into()),
    };
    let id = view.incident.id;
    if f.checked("share_now") {
        return detail::share(&ctx, id).await;
    }
    Ok(see_other(&format!("/incidents/{id}?done=recorded")))
}
