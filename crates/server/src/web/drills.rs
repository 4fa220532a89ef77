//! `/drills` (#11 item 9): practice alarms. The head and DSL start one on a visit that is out
//! (a labelled select of the board's visits out now) or on a practice visit (tick boxes for the
//! school's staff and a buddy select), practising the alarm kind they choose, and end it; the report below (per rung:
//! sent, acknowledged, by whom, how long; the median) is what the head shows governors, with a
//! CSV download. Everything comes from `app::drills`, the same use cases as `/api/drills`.
//! Plain forms (Post/Redirect/Get), no inline script or style.

use super::form::FormData;
use super::page::{Choice, Chrome, Ctx, Errors, WebError, render_with, see_other};
use super::time::Local;
use crate::AppState;
use crate::web::PageQuery;
use app::drills::{self, DrillReport, PracticeDrill, StartDrill};
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
    /// The alarm kind practised, in words ("missed check-in").
    kind: &'static str,
    started: String,
    started_by: String,
    state: &'static str,
    rungs: Vec<RungRow>,
    acknowledged_by: String,
    took: String,
    ended: String,
}

/// A member of staff offered as a practice visitor.
struct StaffTick {
    id: i64,
    name: String,
    ticked: bool,
}

/// What the person typed into a start form, kept when it is refused.
#[derive(Default)]
struct Typed {
    visit_id: String,
    kind: String,
    practice_kind: String,
    visitor_ids: Vec<String>,
    buddy_staff_id: String,
}

#[derive(Template)]
#[template(path = "drills.html")]
struct Page {
    chrome: Chrome,
    errors: Errors,
    /// The head or DSL: the start and end forms are shown.
    runs: bool,
    visits: Vec<Choice>,
    /// The alarm kinds a drill practises, for the real visit's form and the practice visit's.
    kinds: Vec<Choice>,
    practice_kinds: Vec<Choice>,
    staff: Vec<StaffTick>,
    buddies: Vec<Choice>,
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
            visit: match (d.visit_id, d.practice_visit_id) {
                (Some(v), _) => format!("visit {v}"),
                (None, Some(_)) => "practice visit".to_string(),
                (None, None) => String::new(),
            },
            kind: d.kind.label(),
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

fn kind_choices(typed: &str) -> Vec<Choice> {
    drills::DRILL_KINDS
        .iter()
        .map(|k| {
            let selected = typed == k.as_str();
            Choice::new(k.as_str(), capitalised(k.label()), selected)
        })
        .collect()
}

fn capitalised(words: &str) -> String {
    let mut c = words.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

async fn build(
    ctx: &Ctx,
    q: &ReportQuery,
    mut errors: Errors,
    typed: &Typed,
) -> Result<Page, WebError> {
    let runs = ctx.me.roles.any_of(&app::permissions::DRILL_RUNNERS);
    let mut visits = Vec::new();
    let mut staff = Vec::new();
    let mut buddies = vec![Choice::new("", "Choose the buddy", false)];
    if runs {
        let b = app::board::board(&ctx.state, &ctx.me, None, ctx.state.now()).await?;
        for o in &b.out {
            let label = format!("Visit {}: {}", o.visit_id, o.staff.join(" and "));
            let selected = typed.visit_id == o.visit_id.to_string();
            visits.push(Choice::new(o.visit_id.to_string(), label, selected));
        }
        let colleagues = app::school_admin::staff_list(&ctx.state, &ctx.me, None).await?;
        for s in colleagues.iter().filter(|s| s.active) {
            let id = s.id.0.to_string();
            let ticked = typed.visitor_ids.contains(&id);
            let selected = typed.buddy_staff_id == id;
            buddies.push(Choice::new(id, s.name.clone(), selected));
            staff.push(StaffTick {
                id: s.id.0,
                name: s.name.clone(),
                ticked,
            });
        }
    }
    let custom = q.from.as_deref().is_some_and(|f| !f.is_empty());
    let term = q.term.as_deref().unwrap_or("this");
    let mut page = Page {
        chrome: ctx.chrome("drills"),
        errors: Errors::none(),
        runs,
        visits,
        kinds: kind_choices(&typed.kind),
        practice_kinds: kind_choices(&typed.practice_kind),
        staff,
        buddies,
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
    let page = build(&ctx, &q, Errors::none(), &Typed::default()).await?;
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

/// A refusal of a start or end, shown on the page next to its box (`fields`: the page's boxes,
/// `fallback` where any other goes), with what was typed kept.
async fn refused(
    ctx: &Ctx,
    r: app::Refusal,
    fields: &[&str],
    fallback: &str,
    typed: &Typed,
) -> Result<Response, WebError> {
    if !r.is_fixable() {
        return Err(r.into());
    }
    let errors = Errors::from_refusal(r, fields, fallback);
    let page = build(ctx, &ReportQuery::default(), errors, typed).await?;
    Ok(render_with(StatusCode::UNPROCESSABLE_ENTITY, &page))
}

/// The JSON's field names in the practice form's boxes: `practice.visitor_ids[2]` is the tick
/// boxes', `kind` the practice form's own select.
fn on_practice_form(r: app::Refusal) -> app::Refusal {
    match r {
        app::Refusal::Invalid { field, reason } => {
            let field = if field.starts_with("practice.visitor_ids") {
                "visitor_ids".to_string()
            } else if field == "practice.buddy_staff_id" {
                "buddy_staff_id".to_string()
            } else if field == "kind" {
                "practice_kind".to_string()
            } else {
                field
            };
            app::Refusal::Invalid { field, reason }
        }
        other => other,
    }
}

async fn start(ctx: Ctx, f: FormData) -> Result<Response, WebError> {
    let typed = Typed {
        visit_id: f.get("visit_id").trim().to_string(),
        kind: f.get("kind").trim().to_string(),
        practice_kind: f.get("practice_kind").trim().to_string(),
        visitor_ids: f
            .all("visitor_ids")
            .iter()
            .map(|v| v.trim().to_string())
            .collect(),
        buddy_staff_id: f.get("buddy_staff_id").trim().to_string(),
    };
    if f.get("on") == "practice" {
        return start_practice(ctx, typed).await;
    }
    let Ok(visit_id) = typed.visit_id.parse::<i64>() else {
        let errors = Errors::one("visit_id", "Choose the visit to run the drill on");
        let page = build(&ctx, &ReportQuery::default(), errors, &typed).await?;
        return Ok(render_with(StatusCode::UNPROCESSABLE_ENTITY, &page));
    };
    let input = StartDrill {
        visit_id: Some(visit_id),
        kind: Some(typed.kind.clone()),
        ..StartDrill::default()
    };
    match drills::start(&ctx.state, &ctx.me, &input, ctx.state.now()).await {
        Ok(_) => Ok(see_other("/drills")),
        Err(r) => refused(&ctx, r, &["visit_id", "kind"], "visit_id", &typed).await,
    }
}

async fn start_practice(ctx: Ctx, typed: Typed) -> Result<Response, WebError> {
    // A tick box carries a staff id; anything else is refused by the use case as no such staff.
    let visitor_ids = typed
        .visitor_ids
        .iter()
        .map(|v| v.parse::<i64>().unwrap_or(0))
        .collect();
    let input = StartDrill {
        practice: Some(PracticeDrill {
            visitor_ids,
            buddy_staff_id: typed.buddy_staff_id.parse().ok(),
        }),
        kind: Some(typed.practice_kind.clone()),
        ..StartDrill::default()
    };
    match drills::start(&ctx.state, &ctx.me, &input, ctx.state.now()).await {
        Ok(_) => Ok(see_other("/drills")),
        Err(r) => {
            let fields = ["visitor_ids", "buddy_staff_id", "practice_kind"];
            refused(&ctx, on_practice_form(r), &fields, "visitor_ids", &typed).await
        }
    }
}

async fn end(ctx: Ctx, Path(id): Path<i64>) -> Result<Response, WebError> {
    match drills::end(&ctx.state, &ctx.me, id, ctx.state.now()).await {
        Ok(()) => Ok(see_other("/drills")),
        Err(r) => refused(&ctx, r, &["drill"], "drill", &Typed::default()).await,
    }
}
