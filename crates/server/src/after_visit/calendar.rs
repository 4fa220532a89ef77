//! G4 and P7: the visits CSV export for the DSL and the head, and secret, revocable calendar links
//! (a person's visits, or a school's "calendar of whereabouts") served as iCalendar.

use super::sees_all_children;
use crate::AppState;
use crate::access::{self, school_in_scope, sees_school_visits};
use crate::auth::CurrentStaff;
use crate::error::ApiError;
use crate::exports::{self, ExportQuery};
use crate::extract::{ApiJson, ApiQuery, Id};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{Duration, NaiveDate};
use domain::{Role, StaffId, inputs};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use store::{CalendarLink, NewCalendarLink, VisitRowFilter};
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
    let school = school_in_scope(&state, &me, q.school_id).await?;
    if !(me.school_id == Some(school) && me.roles.any_of(&[Role::Dsl, Role::Headteacher])) {
        return Err(ApiError::forbidden(
            "only the school's DSL or headteacher may export its visits",
        ));
    }
    if let (Some(from), Some(to)) = (q.from, q.to)
        && to < from
    {
        return Err(ApiError::bad_request("to", "must not be before from"));
    }
    let query = ExportQuery {
        trust: me.trust_id,
        school: Some(school),
        from: q.from,
        to: q.to,
    };
    let (bytes, count) = exports::visits_csv(state.db(), &query, true).await?;
    let e = access::entry(
        &state,
        &me,
        "visits.export_read",
        "school",
        school.0,
        Some(school),
        serde_json::json!({ "format": "csv", "visits": count, "from": q.from, "to": q.to }),
    );
    state.db().append_audit(&e).await?;
    let name = format!(
        "doorstep-visits-school-{}{}{}.csv",
        school.0,
        q.from.map(|d| format!("-from-{d}")).unwrap_or_default(),
        q.to.map(|d| format!("-to-{d}")).unwrap_or_default()
    );
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
            (header::CACHE_CONTROL, "no-store".to_string()),
        ],
        bytes,
    )
        .into_response())
}

#[derive(Debug, Clone, Copy, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
enum LinkScope {
    /// The visits I am on or buddy for.
    Mine,
    /// Every visit of the school: the office's calendar of whereabouts.
    School,
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct NewLinkInput {
    scope: LinkScope,
    school_id: Option<i64>,
    label: Option<String>,
}

#[derive(Serialize, utoipa::ToSchema)]
struct NewLink {
    link: CalendarLink,
    /// Shown once: only a hash of the secret is kept. Anyone with this address sees the feed
    /// until the link is revoked.
    url: String,
}

fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(format!("doorstep-ical:{token}").as_bytes()))
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
    let school = school_in_scope(&state, &me, input.school_id).await?;
    let staff = match input.scope {
        LinkScope::Mine => Some(me.id),
        LinkScope::School => {
            if !sees_school_visits(&state, &me, school).await? {
                return Err(ApiError::forbidden(
                    "only the office and school leaders may publish the school's calendar",
                ));
            }
            None
        }
    };
    let label = inputs::optional_text("label", input.label.as_deref().unwrap_or(""), 100)?
        .unwrap_or_else(|| match staff {
            Some(_) => format!("{}'s visits", me.name),
            None => "School calendar of whereabouts".to_string(),
        });
    let token = format!(
        "{}{}",
        uuid::Uuid::new_v4().simple(),
        uuid::Uuid::new_v4().simple()
    );
    let now = state.clock().now();
    let mut tx = state.db().begin().await?;
    let id = tx
        .create_calendar_link(
            &NewCalendarLink {
                token_hash: &token_hash(&token),
                school,
                staff,
                label: &label,
                created_by: me.id,
            },
            now,
        )
        .await?;
    tx.append_audit(&access::entry(
        &state,
        &me,
        "calendar_link.create",
        "calendar_link",
        id,
        Some(school),
        serde_json::json!({ "scope": if staff.is_some() { "mine" } else { "school" } }),
    ))
    .await?;
    tx.commit().await?;
    Ok((
        StatusCode::CREATED,
        Json(NewLink {
            link: state.db().calendar_link(id).await?,
            url: format!("/ical/{token}.ics"),
        }),
    ))
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
    let school = school_in_scope(&state, &me, q.school_id).await?;
    let mine_only = !(me.roles.has(Role::Headteacher) && me.school_id == Some(school));
    Ok(Json(
        state
            .db()
            .calendar_links(school, mine_only.then_some(me.id))
            .await?,
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
    let link = state.db().calendar_link(id).await?;
    let head = me.roles.has(Role::Headteacher) && me.school_id == Some(link.school_id);
    if link.created_by != me.id.0 && !head {
        return Err(ApiError::NotFound("calendar link".into()));
    }
    let now = state.clock().now();
    let mut tx = state.db().begin().await?;
    tx.revoke_calendar_link(link.id, me.id, now).await?;
    tx.append_audit(&access::entry(
        &state,
        &me,
        "calendar_link.revoke",
        "calendar_link",
        link.id,
        Some(link.school_id),
        serde_json::json!({}),
    ))
    .await?;
    tx.commit().await?;
    Ok(Json(state.db().calendar_link(link.id).await?))
}

/// The iCalendar feed behind a secret link: visits from 30 days ago to 120 days ahead. A revoked
/// or unknown link, or one whose owner has left or lost the right to see it, is "not found".
#[utoipa::path(get, path = "/ical/{file}", tag = "after the visit", params(("file" = String, Path, description = "the secret token followed by .ics")),
    responses((status = 200, description = "iCalendar feed", content_type = "text/calendar"), (status = 404)))]
async fn feed(
    State(state): State<AppState>,
    Path(file): Path<String>,
) -> Result<Response, ApiError> {
    let not_found = || ApiError::NotFound("calendar".into());
    let token = file.strip_suffix(".ics").ok_or_else(not_found)?;
    if token.is_empty() || token.len() > 128 {
        return Err(not_found());
    }
    let db = state.db();
    let link = db
        .live_calendar_link(&token_hash(token))
        .await?
        .ok_or_else(not_found)?;
    let creator = db.staff(StaffId(link.created_by)).await?;
    let still_allowed = creator.active
        && match link.staff_id {
            Some(_) => true,
            None => {
                sees_school_visits(&state, &creator, link.school_id).await?
                    || sees_all_children(&creator)
            }
        };
    if !still_allowed {
        return Err(not_found());
    }
    let school = db.school(link.school_id).await?;
    let now = state.clock().now();
    let rows = db
        .visit_rows(&VisitRowFilter {
            trust: Some(school.trust_id),
            school: Some(school.id),
            involving: link.staff_id.map(StaffId),
            from: Some(now - Duration::days(30)),
            to: Some(now + Duration::days(120)),
            limit: 5000,
            ..VisitRowFilter::default()
        })
        .await?;
    db.touch_calendar_link(link.id, now).await?;
    let body = exports::visits_ical(&format!("{} - {}", school.name, link.label), &rows, now);
    Ok((
        [
            (header::CONTENT_TYPE, "text/calendar; charset=utf-8"),
            (header::CACHE_CONTROL, "private, max-age=0"),
        ],
        body,
    )
        .into_response())
}
