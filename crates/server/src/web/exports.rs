//! Exports and calendars (G4, P7): the school's visits as CSV, one row per visit, for the DSL and
//! the head, filtered by dates; and secret calendar addresses (iCal) of my visits or of the
//! school's "calendar of whereabouts" — created, listed and revoked. The address is shown once,
//! on the page that answers the form: only a hash of it is kept.

use super::form::FormData;
use super::page::{Choice, Chrome, Ctx, Errors, WebError, render, render_with, see_other};
use super::time::Local;
use crate::AppState;
use crate::exports::{csv_download, encode_csv};
use crate::web::PageQuery;
use app::Refusal;
use app::permissions::RECORD_OVERSEERS;
use app::records::{self, ExportInput, LinkScope, NewLinkInput};
use askama::Template;
use axum::Router;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use chrono::NaiveDate;
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/exports", get(page))
        .route("/exports/visits.csv", get(csv))
        .route("/exports/calendar-links", post(create_link))
        .route("/exports/calendar-links/{id}/revoke", post(revoke_link))
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
    let (policy, links) = tokio::try_join!(
        app::school::current_policy(&ctx.state, &ctx.me, school),
        records::calendar_links(&ctx.state, &ctx.me, Some(school.0)),
    )?;
    let local = Local::of(&policy.settings);
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
        school: app::school::school_name(&ctx.state, &ctx.me, school).await?,
        can_export: ctx.me.school_id == Some(school) && ctx.me.roles.any_of(&RECORD_OVERSEERS),
        from: q.from.clone().unwrap_or_default(),
        to: q.to.clone().unwrap_or_default(),
        links,
        scopes,
        label: String::new(),
        new_url,
    })
}

async fn page(ctx: Ctx, PageQuery(q): PageQuery<Q>) -> Result<Response, WebError> {
    Ok(render(
        &build(&ctx, &q, Errors::none(), String::new()).await?,
    ))
}

/// A date typed into the filter: empty is none, anything else must read as a date.
fn date(q: &Option<String>, field: &'static str) -> Result<Option<NaiveDate>, Refusal> {
    match q.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(v) => NaiveDate::parse_from_str(v, "%Y-%m-%d")
            .map(Some)
            .map_err(|_| Refusal::bad_request(field, "must be a date like 2026-09-01")),
    }
}

/// G4: the CSV downloaded; a filter the use case refuses comes back next to its field.
async fn csv(ctx: Ctx, PageQuery(q): PageQuery<Q>) -> Result<Response, WebError> {
    let school = ctx.school(None).await?;
    let export = match (date(&q.from, "from"), date(&q.to, "to")) {
        (Ok(from), Ok(to)) => {
            let input = ExportInput {
                school_id: Some(school.0),
                from,
                to,
            };
            records::export_visits(&ctx.state, &ctx.me, &input).await
        }
        (Err(r), _) | (_, Err(r)) => Err(r),
    };
    match export {
        Ok(export) => {
            let bytes = encode_csv(export.rows, export.zones, true)
                .await
                .map_err(Refusal::from)?;
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
            Ok(csv_download(bytes, &name))
        }
        Err(r) if r.is_fixable() => {
            let errors = Errors::from_refusal(r, &["from", "to"], "from");
            let page = build(&ctx, &q, errors, String::new()).await?;
            Ok(render_with(StatusCode::BAD_REQUEST, &page))
        }
        Err(r) => Err(r.into()),
    }
}

/// P7: a new secret calendar address, shown once on the page that answers (not redirected to,
/// so the secret never sits in an address bar, a history or a log).
async fn create_link(ctx: Ctx, f: FormData) -> Result<Response, WebError> {
    let input = NewLinkInput {
        scope: if f.get("scope") == "school" {
            LinkScope::School
        } else {
            LinkScope::Mine
        },
        school_id: None,
        label: f.opt_text("label")?,
    };
    match records::create_calendar_link(&ctx.state, &ctx.me, input).await {
        Ok(link) => {
            // The public address (`--public-url`), never the request's Host header, which the
            // caller chooses; unset, the address is shown relative to this site.
            let origin = ctx
                .state
                .public_url()
                .map(|l| l.base().to_string())
                .unwrap_or_default();
            let page = build(
                &ctx,
                &Q::default(),
                Errors::none(),
                format!("{origin}{}", link.url),
            )
            .await?;
            Ok(render_with(StatusCode::CREATED, &page))
        }
        Err(r) if r.is_fixable() => {
            let errors = Errors::from_refusal(r, &["label", "scope"], "label");
            let mut page = build(&ctx, &Q::default(), errors, String::new()).await?;
            page.label = f.get("label").to_string();
            Ok(render_with(StatusCode::UNPROCESSABLE_ENTITY, &page))
        }
        Err(r) => Err(r.into()),
    }
}

async fn revoke_link(ctx: Ctx, Path(id): Path<i64>) -> Result<Response, WebError> {
    records::revoke_calendar_link(&ctx.state, &ctx.me, id).await?;
    Ok(see_other("/exports?done=revoked"))
}
