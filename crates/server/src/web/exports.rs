//! Exports and calendars (G4, P7): the school's visits as CSV, one row per visit, for the DSL and
//! the head, filtered by dates; and secret calendar addresses (iCal) of my visits or of the
//! school's "calendar of whereabouts" — created, listed and revoked. The address is shown once,
//! on the page that answers the form: only a hash of it is kept.

use super::form::FormData;
use super::page::{Choice, Chrome, Ctx, Errors, WebError, render, render_with, see_other};
use super::time::Local;
use crate::AppState;
use askama::Template;
use axum::Router;
use axum::extract::{Path, Query};
use axum::http::header::{CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use chrono::{DateTime, Utc};
use domain::Role;
use serde::Deserialize;
use serde_json::json;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/exports", get(page))
        .route("/exports/visits.csv", get(csv))
        .route("/exports/calendar-links", post(create_link))
        .route("/exports/calendar-links/{id}/revoke", post(revoke_link))
}

#[derive(Deserialize)]
struct LinkJson {
    id: i64,
    staff_id: Option<i64>,
    label: String,
    created_by: i64,
    created_at: DateTime<Utc>,
    last_used_at: Option<DateTime<Utc>>,
    revoked_at: Option<DateTime<Utc>>,
}

pub struct LinkRow {
    pub id: i64,
    pub label: String,
    pub scope: &'static str,
    pub made: String,
    pub used: String,
    pub revoked: String,
}

#[derive(Template)]
#[template(path = "exports.html")]
struct Page {
    chrome: Chrome,
    errors: Errors,
    flash: Option<&'static str>,
    school_id: i64,
    school: String,
    can_export: bool,
    from: String,
    to: String,
    links: Vec<LinkRow>,
    scopes: Vec<Choice>,
    label: String,
    /// The address of a link just made: shown this once.
    new_url: String,
}

#[derive(Deserialize, Default)]
struct Q {
    from: Option<String>,
    to: Option<String>,
    done: Option<String>,
}

async fn build(ctx: &Ctx, q: &Q, errors: Errors, new_url: String) -> Result<Page, WebError> {
    let school = ctx.school(None).await?;
    let db = ctx.state.db();
    let local = Local::of(&db.current_policy(school).await?.settings);
    let links: Vec<LinkJson> = ctx
        .get(&format!("/api/calendar-links?school_id={}", school.0))
        .await?;
    let me = ctx.me.id.0;
    let links = links
        .into_iter()
        .map(|l| LinkRow {
            id: l.id,
            label: if l.created_by == me {
                l.label
            } else {
                format!("{} (made by someone else)", l.label)
            },
            scope: if l.staff_id.is_some() {
                "Visits of one person"
            } else {
                "The school's calendar of whereabouts"
            },
            made: local.day_time(l.created_at),
            used: l
                .last_used_at
                .map(|t| local.day_time(t))
                .unwrap_or_default(),
            revoked: l.revoked_at.map(|t| local.day_time(t)).unwrap_or_default(),
        })
        .collect();
    let sees_school = ctx.me.school_id == Some(school) && ctx.me.roles.sees_whole_school();
    let mut scopes = vec![Choice::new(
        "mine",
        "My visits (the ones I am on or buddy for)",
        true,
    )];
    if sees_school {
        scopes.push(Choice::new(
            "school",
            "Every visit of the school: the calendar of whereabouts",
            false,
        ));
    }
    Ok(Page {
        chrome: ctx.chrome("exports"),
        errors,
        flash: match q.done.as_deref() {
            Some("revoked") => Some("The link is revoked: its address no longer works."),
            _ => None,
        },
        school_id: school.0,
        school: db.school(school).await?.name,
        can_export: ctx.me.school_id == Some(school)
            && ctx.me.roles.any_of(&[Role::Dsl, Role::Headteacher]),
        from: q.from.clone().unwrap_or_default(),
        to: q.to.clone().unwrap_or_default(),
        links,
        scopes,
        label: String::new(),
        new_url,
    })
}

async fn page(ctx: Ctx, Query(q): Query<Q>) -> Result<Response, WebError> {
    Ok(render(
        &build(&ctx, &q, Errors::none(), String::new()).await?,
    ))
}

/// G4: the CSV from the API, downloaded; a filter the API refuses comes back next to its field.
async fn csv(ctx: Ctx, Query(q): Query<Q>) -> Result<Response, WebError> {
    let school = ctx.school(None).await?;
    let query = {
        let mut query = form_urlencoded::Serializer::new(String::new());
        query.append_pair("school_id", &school.0.to_string());
        for (k, v) in [("from", &q.from), ("to", &q.to)] {
            if let Some(v) = v.as_deref().filter(|v| !v.trim().is_empty()) {
                query.append_pair(k, v.trim());
            }
        }
        query.finish()
    };
    let path = format!("/api/exports/visits.csv?{query}");
    match ctx.call(Method::GET, &path, None).await {
        Ok(answer) => {
            let name = format!(
                "doorstep-visits{}{}.csv",
                q.from
                    .as_deref()
                    .map(|d| format!("-from-{d}"))
                    .unwrap_or_default(),
                q.to.as_deref()
                    .map(|d| format!("-to-{d}"))
                    .unwrap_or_default()
            )
            .replace(
                |c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '.'),
                "",
            );
            Ok((
                [
                    (CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
                    (
                        CONTENT_DISPOSITION,
                        format!("attachment; filename=\"{name}\""),
                    ),
                    (CACHE_CONTROL, "no-store".to_string()),
                ],
                answer.text,
            )
                .into_response())
        }
        Err(f) if f.is_fixable() => {
            let errors = Errors::from_failure(&f, &["from", "to"], "from");
            let page = build(&ctx, &q, errors, String::new()).await?;
            Ok(render_with(StatusCode::BAD_REQUEST, &page))
        }
        Err(f) => Err(f.into()),
    }
}

/// P7: a new secret calendar address, shown once on the page that answers (not redirected to,
/// so the secret never sits in an address bar, a history or a log).
async fn create_link(ctx: Ctx, headers: HeaderMap, f: FormData) -> Result<Response, WebError> {
    let body = json!({
        "scope": if f.get("scope") == "school" { "school" } else { "mine" },
        "label": f.text_or_null("label"),
    });
    match ctx.post("/api/calendar-links", body).await {
        Ok(answer) => {
            let path = answer.body["url"].as_str().unwrap_or_default();
            let origin = headers
                .get("origin")
                .and_then(|o| o.to_str().ok())
                .filter(|o| o.starts_with("http"))
                .map(str::to_string)
                .or_else(|| {
                    headers
                        .get("host")
                        .and_then(|h| h.to_str().ok())
                        .map(|h| format!("https://{h}"))
                })
                .unwrap_or_default();
            let page = build(
                &ctx,
                &Q::default(),
                Errors::none(),
                format!("{origin}{path}"),
            )
            .await?;
            Ok(render_with(StatusCode::CREATED, &page))
        }
        Err(e) if e.is_fixable() => {
            let errors = Errors::from_failure(&e, &["label", "scope"], "label");
            let mut page = build(&ctx, &Q::default(), errors, String::new()).await?;
            page.label = f.get("label").to_string();
            Ok(render_with(StatusCode::UNPROCESSABLE_ENTITY, &page))
        }
        Err(e) => Err(e.into()),
    }
}

async fn revoke_link(ctx: Ctx, Path(id): Path<i64>) -> Result<Response, WebError> {
    ctx.call(Method::DELETE, &format!("/api/calendar-links/{id}"), None)
        .await?;
    Ok(see_other("/exports?done=revoked"))
}
