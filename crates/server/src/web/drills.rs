//! `/drills` (#11 item 9): practice alarms. The head and DSL start one on a visit that is out
//! (a labelled select of the board's visits out now) and end it; the report below (per rung:
//! sent, acknowledged, by whom, how long; the median) is what the head shows governors, with a
//! CSV download. Everything comes from `app::drills`, the same use cases as `/api/drills`.
//! Plain forms (Post/Redirect/Get), no inline script or style.

use super::form::FormData;
use super::page::{Choice, Chrome, Ctx, Errors, WebError, render_with, see_other};
use super::time::Local;
use crate::AppState;
use crate::web::PageQuery;
use app::drills::{self, DrillReport, StartDrill};
use app::reports::ReportQuery;
use askama::Template;
use axum::Router;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/drills", get(page).post(start))
        .route("/drills.csv", get(csv))
        .route("/drills/{id}/end", post(end))
}

struct RungRow {
    rung: i64,
    sent: String,
    acknowledged: String,
    took: String,
}

struct DrillRow {
    id: i64,
    visit: String,
    started: String,
    started_by: String,
    state: &'static str,
    rungs: Vec<RungRow>,
    acknowledged_by: String,
    took: String,
    ended: String,
}

#[derive(Template)]
#[template(path = "drills.html")]
struct Page {
    chrome: Chrome,
    errors: Errors,
    /// The head or DSL: the start and end forms are shown.
    runs: bool,
    visits: Vec<Choice>,
    terms: Vec<Choice>,
    from: String,
    to: String,
    /// The query of the report shown, for its CSV link.
    query: String,
    title: String,
    median: String,
    rows: Vec<DrillRow>,
}

/// "7 min 5 s", "45 s".
fn took(seconds: Option<i64>) -> String {
    match seconds {
        Some(s) if s >= 60 => format!("{} min {} s", s / 60, s % 60),
        Some(s) => format!("{s} s"),
        None => String::new(),
    }
}

fn rows(report: &DrillReport, local: &Local) -> Vec<DrillRow> {
    report
        .drills
        .iter()
        .map(|d| DrillRow {
            id: d.drill_id,
            visit: d.visit_id.map(|v| v.to_string()).unwrap_or_default(),
            started: local.day_time(d.started_at),
            started_by: d.started_by.clone().unwrap_or_default(),
            state: d.state,
            rungs: d
                .rungs
                .iter()
                .map(|r| RungRow {
                    rung: r.rung,
                    sent: local.time(r.sent_at),
                    acknowledged: match (r.acknowledged, d.acknowledged_at) {
                        (true, Some(at)) => format!(
                            "{} by {}",
                            local.time(at),
                            d.acknowledged_by.clone().unwrap_or_default()
                        ),
                        _ => String::new(),
                    },
                    took: took(r.seconds_to_acknowledge),
                })
                .collect(),
            acknowledged_by: d.acknowledged_by.clone().unwrap_or_default(),
            took: took(d.seconds_to_acknowledge),
            ended: d.ended_at.map(|t| local.time(t)).unwrap_or_default(),
        })
        .collect()
}

async fn build(ctx: &Ctx, q: &ReportQuery, mut errors: Errors) -> Result<Page, WebError> {
    let runs = ctx.me.roles.any_of(&app::permissions::DRILL_RUNNERS);
    let mut visits = Vec::new();
    if runs {
        let b = app::board::board(&ctx.state, &ctx.me, None, ctx.state.now()).await?;
        for o in &b.out {
            let label = format!("Visit {}: {}", o.visit_id, o.staff.join(" and "));
            visits.push(Choice::new(o.visit_id.to_string(), label, false));
        }
    }
    let custom = q.from.as_deref().is_some_and(|f| !f.is_empty());
    let term = q.term.as_deref().unwrap_or("this");
    let mut page = Page {
        chrome: ctx.chrome("drills"),
        errors: Errors::none(),
        runs,
        visits,
        terms: vec![
            Choice::new("this", "This term", !custom && term != "last"),
            Choice::new("last", "Last term", !custom && term == "last"),
        ],
        from: q.from.clone().unwrap_or_default(),
        to: q.to.clone().unwrap_or_default(),
        query: String::new(),
        title: String::new(),
        median: String::new(),
        rows: Vec::new(),
    };
    match drills::report_for(&ctx.state, &ctx.me, q).await {
        Ok(report) => {
            let local = ctx.local().await?;
            page.query = format!("from={}&to={}", report.range.from, report.range.to);
            page.title = format!("{}: {}", report.school_name, report.range.label);
            page.median = took(report.median_seconds_to_acknowledge);
            page.rows = rows(&report, &local);
        }
        Err(r) if r.is_fixable() => {
            let more = Errors::from_refusal(r, &["term", "from", "to"], "term");
            errors.list.extend(more.list);
        }
        Err(r) => return Err(r.into()),
    }
    page.errors = errors;
    Ok(page)
}

async fn page(ctx: Ctx, PageQuery(q): PageQuery<ReportQuery>) -> Result<Response, WebError> {
    let page = build(&ctx, &q, Errors::none()).await?;
    let status = match page.errors.is_empty() {
        true => StatusCode::OK,
        false => StatusCode::UNPROCESSABLE_ENTITY,
    };
    Ok(render_with(status, &page))
}

async fn csv(ctx: Ctx, PageQuery(q): PageQuery<ReportQuery>) -> Result<Response, WebError> {
    let report = drills::report_for(&ctx.state, &ctx.me, &q).await?;
    Ok(crate::drills::csv_response(&report))
}

/// A refusal of a start or end, shown on the page next to `field`.
async fn refused(ctx: &Ctx, r: app::Refusal, field: &str) -> Result<Response, WebError> {
    if !r.is_fixable() {
        return Err(r.into());
    }
    let errors = Errors::from_refusal(r, &[field], field);
    let page = build(ctx, &ReportQuery::default(), errors).await?;
    Ok(render_with(StatusCode::UNPROCESSABLE_ENTITY, &page))
}

async fn start(ctx: Ctx, f: FormData) -> Result<Response, WebError> {
    let Ok(visit_id) = f.get("visit_id").trim().parse::<i64>() else {
        let errors = Errors::one("visit_id", "Choose the visit to run the drill on");
        let page = build(&ctx, &ReportQuery::default(), errors).await?;
        return Ok(render_with(StatusCode::UNPROCESSABLE_ENTITY, &page));
    };
    match drills::start(
        &ctx.state,
        &ctx.me,
        &StartDrill { visit_id },
        ctx.state.now(),
    )
    .await
    {
        Ok(_) => Ok(see_other("/drills")),
        Err(r) => refused(&ctx, r, "visit_id").await,
    }
}

async fn end(ctx: Ctx, Path(id): Path<i64>) -> Result<Response, WebError> {
    match drills::end(&ctx.state, &ctx.me, id, ctx.state.now()).await {
        Ok(()) => Ok(see_other("/drills")),
        Err(r) => refused(&ctx, r, "drill").await,
    }
}
