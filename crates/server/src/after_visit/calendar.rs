//! G4 and P7: the visits CSV export for the DSL and the head, and secret, revocable calendar links
//! (a person's visits, or a school's "calendar of whereabouts") served as iCalendar. JSON
//! adapters of [`app::records`]; the CSV and iCalendar encodings are [`crate::exports`].

use crate::AppState;
use crate::auth::CurrentStaff;
use crate::error::ApiError;
use crate::exports;
use crate::extract::{ApiJson, ApiQuery, Id};
use app::records::{self, ExportInput, NewLink, NewLinkInput};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use serde::Deserialize;
use store::CalendarLink;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(visits_csv))
        .routes(routes!(list_links, create_link))
        .routes(routes!(revoke_link))
        .routes(routes!(feed))
}

#[derive(Deserialize, utoipa::IntoParams)]
struct ExportParams {
    school_id: Option<i64>,
    /// First day (the school's local date) on which staff planned to leave school, e.g. 2026-09-01.
    from: Option<NaiveDate>,
    /// Last day, inclusive.
    to: Option<NaiveDate>,
}

/// G4: the school's visits as CSV, one row per visit, for the DSL and the head (the rows carry
/// every child's outcomes). The export is audited.
#[utoipa::path(get, path = "/api/exports/visits.csv", tag = "after the visit", params(ExportParams),
    responses((status = 200, description = "Visits as CSV", content_type = "text/csv"), (status = 400), (status = 403)))]
async fn visits_csv(
    State(state): State<AppState>,
    CurrentStaff(me): CurrentStaff,
    ApiQuery(q): ApiQuery<ExportParams>,
) -> Result<Response, ApiError> {
    let input = ExportInput {
        school_id: q.school_id,
        from: q.from,
        to: q.to,
    };
    let export = records::export_visits(&state, &me, &input).await?;
    let bytes = exports::encode_csv(export.rows, export.zones, true).await?;
    let name = format!(
        "doorstep-visits-school-{}{}{}.csv",
        export.school.0,
        q.from.map(|d| format!("-from-{d}")).unwrap_or_default(),
        q.to.map(|d| format!("-to-{d}")).unwrap_or_default()
    );
    Ok(exports::csv_download(bytes, &name))
}

/// P7: a secret calendar address for my visits, or (for the office and school leaders) the
/// school's.
#[utoipa::path(post, path = "/api/calendar-links", tag = "after the visit", request_body = NewLinkInput,
    responses((status = 201, body = NewLink), (status = 403), (status = 422)))]
async fn create_link(
    State(state): State<AppState>,
    CurrentStaff(me): CurrentStaff,
    ApiJson(input): ApiJson<NewLinkInput>,
) -> Result<(StatusCode, Json<NewLink>), ApiError> {
    let mut link = records::create_calendar_link(&state, &me, input).await?;
    // A whole address to paste into a calendar app, at the public address (`--public-url`),
    // never one built from the request's Host header.
    if let Some(public) = state.public_url() {
        link.url = format!("{}{}", public.base(), link.url);
    }
    Ok((StatusCode::CREATED, Json(link)))
}

#[derive(Deserialize, utoipa::IntoParams)]
struct LinkQuery {
    school_id: Option<i64>,
}

/// My calendar links; the headteacher sees (and may revoke) every link of the school.
#[utoipa::path(get, path = "/api/calendar-links", tag = "after the visit", params(LinkQuery),
    responses((status = 200, body = Vec<CalendarLink>)))]
async fn list_links(
    State(state): State<AppState>,
    CurrentStaff(me): CurrentStaff,
    ApiQuery(q): ApiQuery<LinkQuery>,
) -> Result<Json<Vec<CalendarLink>>, ApiError> {
    Ok(Json(
        records::calendar_links(&state, &me, q.school_id).await?,
    ))
}

/// Revokes a link at once: its address answers "not found" from now on.
#[utoipa::path(delete, path = "/api/calendar-links/{id}", tag = "after the visit", params(("id" = i64, Path)),
    responses((status = 200, body = CalendarLink), (status = 404), (status = 409)))]
async fn revoke_link(
    State(state): State<AppState>,
    CurrentStaff(me): CurrentStaff,
    Id(id): Id,
) -> Result<Json<CalendarLink>, ApiError> {
    Ok(Json(records::revoke_calendar_link(&state, &me, id).await?))
}

/// The iCalendar feed behind a secret link: visits from 30 days ago to 120 days ahead. A revoked
/// or unknown link, or one whose owner has left or lost the right to see it, is "not found".
#[utoipa::path(get, path = "/ical/{file}", tag = "after the visit", params(("file" = String, Path, description = "the secret token followed by .ics")),
    responses((status = 200, description = "iCalendar feed", content_type = "text/calendar"), (status = 404)))]
async fn feed(
    State(state): State<AppState>,
    Path(file): Path<String>,
) -> Result<Response, ApiError> {
    let token = file
        .strip_suffix(".ics")
        .ok_or_else(|| ApiError::NotFound("calendar".into()))?;
    let feed = records::calendar_feed(&state, token).await?;
    let body = exports::visits_ical(&feed.name, &feed.rows, feed.at);
    Ok((
        [
            (header::CONTENT_TYPE, "text/calendar; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        body,
    )
        .into_response())
}
