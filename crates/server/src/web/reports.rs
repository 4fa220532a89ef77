//! G5: the governors' report page — a term or dates picked in a plain GET form, the headline
//! figures, bar charts drawn on the server as SVG by `plotters` ([`chart`]; readable without
//! JavaScript, printed with the page), every table with its CSV download, and the PDF. The
//! figures come from the same use case as the JSON route (`app::reports`).

use super::page::{Choice, Chrome, Ctx, Errors, WebError, render, render_with};
use crate::AppState;
use crate::web::PageQuery;
mod chart;

use app::reports::{GovernorsReport, ReportQuery, Table, governors_report_for};
use askama::Template;
use axum::Router;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use chart::{Chart, bar_chart};
use domain::Role;

pub fn router() -> Router<AppState> {
    Router::new().route("/reports/governors", get(page))
}

#[derive(Template)]
#[template(path = "governors_report.html")]
struct Page {
    chrome: Chrome,
    errors: Errors,
    report: Option<GovernorsReport>,
    lines: Vec<String>,
    charts: Vec<Chart>,
    tables: Vec<Table>,
    /// The query string of the report shown, for its CSV and PDF links.
    query: String,
    schools: Vec<Choice>,
    terms: Vec<Choice>,
    from: String,
    to: String,
}

fn encode(v: &str) -> String {
    v.bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

async fn page(ctx: Ctx, PageQuery(q): PageQuery<ReportQuery>) -> Result<Response, WebError> {
    let trust_admin = ctx.me.roles.has(Role::TrustAdmin);
    let mut schools = Vec::new();
    if trust_admin {
        schools.push(Choice::new(
            "",
            "All schools of the trust",
            q.school_id.is_none(),
        ));
        for s in app::school::schools_of_my_trust(&ctx.state, &ctx.me).await? {
            schools.push(Choice::new(
                s.id.0.to_string(),
                s.name,
                q.school_id == Some(s.id.0),
            ));
        }
    }
    let custom = q.from.as_deref().is_some_and(|f| !f.is_empty());
    let term = q.term.as_deref().unwrap_or("this");
    let terms = vec![
        Choice::new("this", "This term", !custom && term != "last"),
        Choice::new("last", "Last term", !custom && term == "last"),
    ];
    let mut page = Page {
        chrome: ctx.chrome("reports"),
        errors: Errors::none(),
        report: None,
        lines: Vec::new(),
        charts: Vec::new(),
        tables: Vec::new(),
        query: String::new(),
        schools,
        terms,
        from: q.from.clone().unwrap_or_default(),
        to: q.to.clone().unwrap_or_default(),
    };
    match governors_report_for(&ctx.state, &ctx.me, &q).await {
        Ok(report) => {
            let mut query = Vec::new();
            if let Some(s) = q.school_id {
                query.push(format!("school_id={s}"));
            }
            query.push(format!("from={}&to={}", report.range.from, report.range.to));
            page.query = query.join("&");
            page.lines = report.lines();
            page.charts = report
                .charts()
                .iter()
                .map(|c| bar_chart(c.id, c.heading, c.unit, &c.bars))
                .collect();
            page.tables = report.tables();
            page.report = Some(report);
            Ok(render(&page))
        }
        Err(r) if r.is_fixable() => {
            page.errors = Errors::from_refusal(r, &["term", "from", "to", "school_id"], "term");
            Ok(render_with(StatusCode::UNPROCESSABLE_ENTITY, &page))
        }
        Err(r) => Err(r.into()),
    }
}

impl Page {
    fn csv_href(&self, table: &str) -> String {
        format!(
            "/api/reports/governors.csv?table={}&{}",
            encode(table),
            self.query
        )
    }
}
