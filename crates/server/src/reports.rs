//! G5: the report for governors and the trust board as JSON, each of its tables as CSV and the
//! whole report as a PDF. The figures, their access decision and the audit row come from
//! `app::reports`; the page (with its charts) is in `web::reports`.

use crate::AppState;
use crate::after_visit::{pdf, render};
use crate::auth::CurrentStaff;
use crate::error::ApiError;
use crate::exports::{csv_download, neutralise};
use crate::extract::ApiQuery;
use app::Refusal;
use app::reports::{GovernorsReport, ReportQuery, governors_report_for};
use axum::Json;
use axum::extract::State;
use axum::response::Response;
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(report))
        .routes(routes!(report_csv))
        .routes(routes!(report_pdf))
}

/// G5: the report of one school (or, for a trust administrator naming none, the trust) for a
/// term or a range of days; no child is named. For the head, the DSL, the chair of governors and
/// trust administrators; each read is audited.
#[utoipa::path(get, path = "/api/reports/governors", tag = "reports", params(ReportQuery),
    responses((status = 200, body = GovernorsReport), (status = 403), (status = 422)))]
async fn report(
    State(state): State<AppState>,
    CurrentStaff(me): CurrentStaff,
    ApiQuery(q): ApiQuery<ReportQuery>,
) -> Result<Json<GovernorsReport>, ApiError> {
    Ok(Json(governors_report_for(&state, &me, &q).await?))
}

/// The CSV's query: the report's, and which table.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
struct CsvQuery {
    /// One of the report's tables: visits_by_reason, visits_by_outcome, staffing,
    /// authorisation, declined_reasons, alarms, acknowledged_by, slips, incidents,
    /// actions_and_blocks, policy, schools (a trust's report). Left out: visits_by_reason.
    table: Option<String>,
    school_id: Option<i64>,
    term: Option<String>,
    from: Option<String>,
    to: Option<String>,
}

/// One table of the report as CSV (UTF-8 with a byte-order mark for spreadsheets; cells a
/// spreadsheet would run as a formula start with `'`). Errors: `table` not one of the report's.
#[utoipa::path(get, path = "/api/reports/governors.csv", tag = "reports", params(CsvQuery),
    responses((status = 200, description = "One table as CSV", content_type = "text/csv"), (status = 403), (status = 422)))]
async fn report_csv(
    State(state): State<AppState>,
    CurrentStaff(me): CurrentStaff,
    ApiQuery(q): ApiQuery<CsvQuery>,
) -> Result<Response, ApiError> {
    let report = ReportQuery {
        school_id: q.school_id,
        term: q.term,
        from: q.from,
        to: q.to,
    };
    let report = governors_report_for(&state, &me, &report).await?;
    let table = q
        .table
        .as_deref()
        .unwrap_or(GovernorsReport::TABLE_NAMES[0]);
    Ok(table_csv(&report, table)?)
}

/// The CSV download of one table, shared with the page.
pub(crate) fn table_csv(report: &GovernorsReport, name: &str) -> Result<Response, Refusal> {
    let mut table = report.table(name).ok_or_else(|| {
        Refusal::invalid(
            "table",
            format!(
                "choose one of the report's tables: {}",
                GovernorsReport::TABLE_NAMES.join(", ")
            ),
        )
    })?;
    for row in &mut table.rows {
        for cell in row.iter_mut() {
            *cell = neutralise(cell);
        }
    }
    let bytes = format!("\u{feff}{}", table.to_csv()).into_bytes();
    let file = format!(
        "governors-report-{}-{}-{}.csv",
        table.name, report.range.from, report.range.to
    );
    Ok(csv_download(bytes, &file))
}

/// The whole report as a PDF, every table under its heading.
#[utoipa::path(get, path = "/api/reports/governors.pdf", tag = "reports", params(ReportQuery),
    responses((status = 200, description = "The report as PDF", content_type = "application/pdf"), (status = 403), (status = 422)))]
async fn report_pdf(
    State(state): State<AppState>,
    CurrentStaff(me): CurrentStaff,
    ApiQuery(q): ApiQuery<ReportQuery>,
) -> Result<Response, ApiError> {
    let report = governors_report_for(&state, &me, &q).await?;
    pdf_response(report).await
}

/// The PDF answer, rendered off the async threads; shared with the page.
pub(crate) async fn pdf_response(report: GovernorsReport) -> Result<Response, ApiError> {
    let file = format!(
        "governors-report-{}-{}.pdf",
        report.range.from, report.range.to
    );
    let bytes = render(report, GovernorsReport::pdf).await?;
    Ok(pdf(bytes, &file))
}
