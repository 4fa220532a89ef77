//! Alarms and the office board: everyone out now, alarms at the top with acknowledge and
//! resolve, delivery status per recipient, the information pack, and a live feed.

use crate::AppState;
use crate::access::{self, require_any, school_in_scope, visible_visit};
use crate::auth::CurrentStaff;
use crate::error::ApiError;
use crate::extract::{ApiJson, ApiQuery, Id};
use axum::Json;
use axum::extract::State;
use axum::response::IntoResponse;
use axum::response::sse::{Event, KeepAlive, Sse};
use chrono::{DateTime, Utc};
use domain::monitor::AlarmKind;
use domain::{SchoolId, VisitId};
use serde::{Deserialize, Serialize};
use std::str::FromStr;
use std::time::Duration;
use store::{Alarm, Notification, Staff};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_alarms))
        .routes(routes!(get_alarm))
        .routes(routes!(acknowledge))
        .routes(routes!(resolve))
        .routes(routes!(board))
        .routes(routes!(information_pack))
        .routes(routes!(feed))
}

use app::permissions::ALARM_WATCHERS as WATCHERS;

#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct AlarmView {
    #[serde(flatten)]
    pub alarm: Alarm,
    pub label: String,
    /// Duress and panic first.
    pub urgent: bool,
}

fn view(alarm: Alarm) -> AlarmView {
    let kind = AlarmKind::from_str(&alarm.kind).ok();
    AlarmView {
        label: kind.map_or(alarm.kind.clone(), |k| k.label().to_string()),
        urgent: kind.is_some_and(|k| k.starts_at_top()),
        alarm,
    }
}

async fn visible_alarm(state: &AppState, me: &Staff, id: i64) -> Result<Alarm, ApiError> {
    Ok(app::access::visible_alarm(state, me, id).await?)
}

#[derive(Deserialize, utoipa::IntoParams)]
struct SchoolQuery {
    school_id: Option<i64>,
}

/// Unresolved alarms of the school, most urgent first.
#[utoipa::path(get, path = "/api/alarms", tag = "alarms", params(SchoolQuery), responses((status = 200, body = Vec<AlarmView>), (status = 403)))]
async fn list_alarms(
    State(state): State<AppState>,
    CurrentStaff(me): CurrentStaff,
    ApiQuery(q): ApiQuery<SchoolQuery>,
) -> Result<Json<Vec<AlarmView>>, ApiError> {
    require_any(&me, &WATCHERS, "watch the school's alarms")?;
    let school = school_in_scope(&state, &me, q.school_id).await?;
    let mut alarms: Vec<AlarmView> = state
        .db()
        .unresolved_alarms(school)
        .await?
        .into_iter()
        .map(view)
        .collect();
    alarms.sort_by_key(|a| (!a.urgent, a.alarm.raised_at));
    Ok(Json(alarms))
}

#[derive(Serialize, utoipa::ToSchema)]
struct AlarmDetail {
    alarm: AlarmView,
    levels_fired: Vec<LevelFired>,
    /// Delivery status per recipient and channel.
    deliveries: Vec<Notification>,
}

#[derive(Serialize, utoipa::ToSchema)]
struct LevelFired {
    level: i64,
    fired_at: DateTime<Utc>,
}

#[utoipa::path(get, path = "/api/alarms/{id}", tag = "alarms", params(("id" = i64, Path)), responses((status = 200, body = AlarmDetail), (status = 404)))]
async fn get_alarm(
    State(state): State<AppState>,
    CurrentStaff(me): CurrentStaff,
    Id(id): Id,
) -> Result<Json<AlarmDetail>, ApiError> {
    let alarm = visible_alarm(&state, &me, id).await?;
    let levels_fired = state
        .db()
        .alarm_levels_fired(alarm.id)
        .await?
        .into_iter()
        .map(|(level, fired_at)| LevelFired { level, fired_at })
        .collect();
    let deliveries = state.db().notifications_of_alarm(alarm.id).await?;
    Ok(Json(AlarmDetail {
        alarm: view(alarm),
        levels_fired,
        deliveries,
    }))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct NoteBody {
    note: String,
}

/// A named person takes charge: the ladder stops climbing and everyone alerted is told.
#[utoipa::path(post, path = "/api/alarms/{id}/acknowledge", tag = "alarms", params(("id" = i64, Path)), request_body = NoteBody,
    responses((status = 200, body = AlarmView), (status = 404), (status = 409)))]
async fn acknowledge(
    State(state): State<AppState>,
    CurrentStaff(me): CurrentStaff,
    Id(id): Id,
    ApiJson(body): ApiJson<NoteBody>,
) -> Result<Json<AlarmView>, ApiError> {
    let alarm = visible_alarm(&state, &me, id).await?;
    let alarm =
        app::acknowledge(state.db(), alarm.id, &me, &body.note, state.clock().now()).await?;
    access::audit_read(
        &state,
        &me,
        "alarm.acknowledge",
        "alarm",
        alarm.id,
        SchoolId(alarm.school_id),
    )
    .await?;
    state.wake_monitor();
    Ok(Json(view(alarm)))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct OutcomeBody {
    /// e.g. "contact made, staff safe", "police called".
    outcome: String,
}

#[utoipa::path(post, path = "/api/alarms/{id}/resolve", tag = "alarms", params(("id" = i64, Path)), request_body = OutcomeBody,
    responses((status = 200, body = AlarmView), (status = 404), (status = 409)))]
async fn resolve(
    State(state): State<AppState>,
    CurrentStaff(me): CurrentStaff,
    Id(id): Id,
    ApiJson(body): ApiJson<OutcomeBody>,
) -> Result<Json<AlarmView>, ApiError> {
    let alarm = visible_alarm(&state, &me, id).await?;
    let alarm = app::resolve(
        state.db(),
        alarm.id,
        &me,
        &body.outcome,
        state.clock().now(),
    )
    .await?;
    access::audit_read(
        &state,
        &me,
        "alarm.resolve",
        "alarm",
        alarm.id,
        SchoolId(alarm.school_id),
    )
    .await?;
    state.wake_monitor();
    Ok(Json(view(alarm)))
}

#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct OutNow {
    pub visit_id: i64,
    pub status: String,
    pub staff: Vec<String>,
    pub family_name: String,
    pub address: String,
    pub postcode: String,
    pub buddy: Option<String>,
    /// The buddy left site with nobody taking over.
    pub buddy_missing: bool,
    pub signed_out_at: DateTime<Utc>,
    pub last_contact_at: DateTime<Utc>,
    pub next_due: Option<DateTime<Utc>>,
    pub due_back: DateTime<Utc>,
    pub overdue: bool,
}

#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct Board {
    pub school_id: i64,
    pub now: DateTime<Utc>,
    pub alarms: Vec<AlarmView>,
    pub out: Vec<OutNow>,
}

/// The office board: alarms at the top, then everyone out now.
#[utoipa::path(get, path = "/api/board", tag = "alarms", params(SchoolQuery), responses((status = 200, body = Board), (status = 403)))]
async fn board(
    State(state): State<AppState>,
    CurrentStaff(me): CurrentStaff,
    ApiQuery(q): ApiQuery<SchoolQuery>,
) -> Result<Json<Board>, ApiError> {
    Ok(Json(read_board(&state, &me, q.school_id).await?))
}

/// The board as the API and the web page show it, read once for both.
pub(crate) async fn read_board(
    state: &AppState,
    me: &Staff,
    school_id: Option<i64>,
) -> Result<Board, ApiError> {
    require_any(me, &WATCHERS, "see the office board")?;
    let school = school_in_scope(state, me, school_id).await?;
    let db = state.db();
    let now = state.clock().now();
    let mut alarms: Vec<AlarmView> = db
        .unresolved_alarms(school)
        .await?
        .into_iter()
        .map(view)
        .collect();
    alarms.sort_by_key(|a| (!a.urgent, !a.alarm.all_channels_failed, a.alarm.raised_at));
    let alarmed: std::collections::HashSet<i64> =
        alarms.iter().filter_map(|a| a.alarm.visit_id).collect();
    // One read for the whole board, however many staff are out.
    let mut out: Vec<OutNow> = db
        .out_now(school, now)
        .await?
        .into_iter()
        .map(|row| {
            let buddy = row.buddy_name.filter(|_| row.buddy_left_at.is_none());
            OutNow {
                visit_id: row.visit_id,
                status: row.status,
                staff: row.staff,
                family_name: row.family_name,
                address: row.address,
                postcode: row.postcode,
                buddy_missing: buddy.is_none(),
                buddy,
                signed_out_at: row.signed_out_at,
                last_contact_at: row.last_contact_at,
                next_due: row.next_due,
                due_back: row.return_due.unwrap_or(row.planned_return),
                overdue: row.late || alarmed.contains(&row.visit_id),
            }
        })
        .collect();
    out.sort_by_key(|o| (!o.overdue, o.next_due));
    Ok(Board {
        school_id: school.0,
        now,
        alarms,
        out,
    })
}

/// The information pack for the police, printable. Every read is audited.
#[utoipa::path(get, path = "/api/visits/{id}/information-pack", tag = "alarms", params(("id" = i64, Path)),
    responses((status = 200, content_type = "text/plain", body = String), (status = 403), (status = 404)))]
async fn information_pack(
    State(state): State<AppState>,
    CurrentStaff(me): CurrentStaff,
    Id(id): Id,
) -> Result<impl IntoResponse, ApiError> {
    let visit = visible_visit(&state, &me, VisitId(id)).await?;
    if !visit.involves(me.id) {
        require_any(&me, &WATCHERS, "read the information pack")?;
    }
    let policy = state.db().policy_version(visit.policy_version_id).await?;
    let watch = state.db().watch(visit.id).await?;
    let latest = state
        .db()
        .alarms_of_visit(visit.id)
        .await?
        .into_iter()
        .last();
    let (kind, raised_at) = match &latest {
        Some(a) => (
            AlarmKind::from_str(&a.kind).unwrap_or(AlarmKind::OverdueReturn),
            a.raised_at,
        ),
        None => (AlarmKind::OverdueReturn, state.clock().now()),
    };
    let text = app::information_pack(
        state.db(),
        &visit,
        watch.as_ref(),
        kind,
        raised_at,
        &policy.settings,
    )
    .await?;
    access::audit_read(
        &state,
        &me,
        "visit.information_pack.read",
        "visit",
        visit.id.0,
        visit.school_id,
    )
    .await?;
    Ok((
        [(
            axum::http::header::CONTENT_TYPE,
            "text/plain; charset=utf-8",
        )],
        text,
    ))
}

#[derive(Deserialize, utoipa::IntoParams)]
struct FeedQuery {
    /// Resume after this notification id (the browser sends Last-Event-ID itself).
    after: Option<i64>,
}

/// My in-app messages as server-sent events, from the durable outbox: nothing is missed across
/// reconnects.
#[utoipa::path(get, path = "/api/feed", tag = "alarms", params(FeedQuery), responses((status = 200, content_type = "text/event-stream")))]
async fn feed(
    State(state): State<AppState>,
    CurrentStaff(me): CurrentStaff,
    headers: axum::http::HeaderMap,
    ApiQuery(q): ApiQuery<FeedQuery>,
) -> impl IntoResponse {
    let resume = headers
        .get("last-event-id")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok());
    let start = resume.or(q.after).unwrap_or(0);
    let stream = futures_util::stream::unfold(
        (state, me.id, start, Vec::<Notification>::new()),
        |(state, staff, mut after, mut pending)| async move {
            loop {
                if let Some(n) = pending.pop() {
                    after = after.max(n.id);
                    let data = serde_json::json!({ "id": n.id, "alarm_id": n.alarm_id, "visit_id": n.visit_id, "subject": n.subject, "body": n.body, "at": n.created_at });
                    let event = Event::default()
                        .id(n.id.to_string())
                        .event("notification")
                        .data(data.to_string());
                    return Some((
                        Ok::<_, std::convert::Infallible>(event),
                        (state, staff, after, pending),
                    ));
                }
                match state.db().in_app_notifications(staff, after, 50).await {
                    Ok(mut fresh) if !fresh.is_empty() => {
                        fresh.reverse();
                        pending = fresh;
                    }
                    Ok(_) => tokio::time::sleep(Duration::from_secs(1)).await,
                    Err(e) => {
                        tracing::warn!(error = %e, "feed: cannot read notifications");
                        tokio::time::sleep(Duration::from_secs(5)).await;
                    }
                }
            }
        },
    );
    Sse::new(stream).keep_alive(KeepAlive::default())
}
