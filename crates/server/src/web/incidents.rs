//! Incident reports (A5): the list (the head, the DSL and reviewers see the school's; anyone else
//! the reports they wrote), a report written from a visit or about a household — trips, falls,
//! accidents, verbal abuse, threats, aggression — and sharing it with the head, who must have it
//! by the end of the working day; a report not shared by then is marked overdue.

use super::form::FormData;
use super::page::{Choice, Chrome, Ctx, Errors, WebError, render, render_with, see_other};
use super::time::Local;
use crate::AppState;
use askama::Template;
use axum::Router;
use axum::extract::Query;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use chrono::{DateTime, Utc};
use domain::{HouseholdId, SchoolId};
use serde::Deserialize;
use serde_json::json;

mod detail;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/incidents", get(list).post(create))
        .route("/incidents/new", get(new_page))
        .route("/incidents/{id}", get(detail::detail).post(detail::update))
        .route("/incidents/{id}/submit", post(detail::submit))
}

const KINDS: [(&str, &str); 6] = [
    ("trip", "A trip"),
    ("fall", "A fall"),
    ("accident", "An accident"),
    ("verbal_abuse", "Verbal abuse"),
    ("threat", "A threat"),
    ("aggression", "Aggression"),
];

fn kind_label(kind: &str) -> &'static str {
    KINDS
        .iter()
        .find(|(k, _)| *k == kind)
        .map_or("An incident", |(_, l)| l)
}

#[derive(Deserialize)]
struct IncidentJson {
    id: i64,
    school_id: i64,
    household_id: i64,
    visit_id: Option<i64>,
    kind: String,
    occurred_at: DateTime<Utc>,
    location: Option<String>,
    account: String,
    people_involved: Option<String>,
    injuries: Option<String>,
    police_called: bool,
    author_staff_id: i64,
    due_at: DateTime<Utc>,
    submitted_at: Option<DateTime<Utc>>,
    household_blocked: bool,
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
        &ctx.state.db().current_policy(school).await?.settings,
    ))
}

fn status(i: &IncidentJson, now: DateTime<Utc>) -> (&'static str, bool) {
    match i.submitted_at {
        Some(_) => ("Shared with the head", false),
        None if now >= i.due_at => ("Not shared with the head: overdue", true),
        None => ("Draft: share it with the head by the end of the day", false),
    }
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

async fn list(ctx: Ctx, Query(q): Query<ListQuery>) -> Result<Response, WebError> {
    let school = ctx.school(None).await?;
    let local = local_of(&ctx, school).await?;
    let overdue_only = q.overdue.is_some_and(|o| !o.is_empty());
    let path = format!(
        "/api/incidents?school_id={}{}",
        school.0,
        if overdue_only { "&overdue=true" } else { "" }
    );
    let list: Vec<IncidentJson> = ctx.get(&path).await?;
    let now = ctx.state.clock().now();
    let mut rows = Vec::new();
    for i in list {
        let household = ctx
            .state
            .db()
            .household(HouseholdId(i.household_id))
            .await?;
        let (status, overdue) = status(&i, now);
        rows.push(Row {
            id: i.id,
            kind: kind_label(&i.kind),
            when: local.day_time(i.occurred_at),
            household: format!("{} family", household.family_name),
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

#[derive(Deserialize)]
struct HouseholdJson {
    id: i64,
    family_name: String,
    postcode: String,
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
        let v = super::visit::seen_visit(ctx, id).await?;
        local = local_of(ctx, v.school_id).await?;
        let household = ctx.state.db().household(v.household_id).await?;
        visit = format!(
            "The visit to the {} family on {}",
            household.family_name,
            local.day(v.planned_arrive)
        );
    } else {
        let list: Vec<HouseholdJson> = ctx
            .get(&format!("/api/households?school_id={}", school.0))
            .await?;
        let chosen = typed
            .iter()
            .find(|(k, _)| k == "household_id")
            .map(|(_, v)| v.clone())
            .unwrap_or_default();
        households.push(Choice::new("", "Choose the household", chosen.is_empty()));
        households.extend(list.into_iter().map(|h| {
            let id = h.id.to_string();
            let selected = id == chosen;
            Choice::new(
                id,
                format!("{} family, {}", h.family_name, h.postcode),
                selected,
            )
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
        kinds: KINDS
            .iter()
            .map(|(k, l)| Choice::new(*k, *l, *k == kind))
            .collect(),
        v,
        visit,
        households,
    })
}

async fn new_page(ctx: Ctx, Query(q): Query<NewQuery>) -> Result<Response, WebError> {
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

/// The report as the API takes it (`ReportInput`), or the field a person must fix first.
fn report_json(f: &FormData, local: &Local) -> Result<serde_json::Value, Errors> {
    if f.opt("kind").is_none() {
        return Err(Errors::one("kind", "Choose what happened"));
    }
    let Some(occurred_at) = local.parse(f.get("occurred_on"), f.get("occurred_at")) else {
        return Err(Errors::one(
            "occurred_at",
            "Enter the day and time it happened, like 14:30",
        ));
    };
    Ok(json!({
        "kind": f.get("kind"),
        "occurred_at": occurred_at,
        "location": f.text_or_null("location"),
        "account": f.text_or_null("account"),
        "people_involved": f.text_or_null("people_involved"),
        "injuries": f.text_or_null("injuries"),
        "police_called": f.checked("police_called"),
    }))
}

/// Records the report; with "share now" ticked it goes to the head at once.
async fn create(ctx: Ctx, f: FormData) -> Result<Response, WebError> {
    let visit_id = f.get("visit_id").parse::<i64>().ok();
    let school = ctx.school(None).await?;
    let local = local_of(&ctx, school).await?;
    let mut body = match report_json(&f, &local) {
        Ok(body) => body,
        Err(errors) => return refuse(&ctx, visit_id, &f, errors).await,
    };
    match visit_id {
        Some(v) => body["visit_id"] = v.into(),
        None => body["household_id"] = f.get("household_id").parse::<i64>().ok().into(),
    }
    let answer = match ctx.post("/api/incidents", body).await {
        Ok(a) => a,
        Err(e) if e.is_fixable() => {
            return refuse(&ctx, visit_id, &f, Errors::from_failure(&e, &[], "kind")).await;
        }
        Err(e) => return Err(e.into()),
    };
    let id = answer.body["incident"]["id"].as_i64().unwrap_or_default();
    if f.checked("share_now") {
        return detail::share(&ctx, id).await;
    }
    Ok(see_other(&format!("/incidents/{id}?done=recorded")))
}
