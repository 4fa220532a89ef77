//! Alarms and the office board: everyone out now, alarms at the top with acknowledge and
//! resolve, delivery status per recipient, the information pack, and a live feed. Thin JSON
//! adapters over `app::board`.

use crate::AppState;
use crate::auth::CurrentStaff;
use crate::error::ApiError;
use crate::extract::{ApiJson, ApiQuery, Id};
use crate::session_watch::{RECHECK, SessionWatch};
use app::board::{self, AlarmDetail, AlarmView, Board};
use axum::Json;
use axum::extract::State;
use axum::response::IntoResponse;
use axum::response::sse::{Event, KeepAlive, Sse};
use domain::MultiLine;
use domain::VisitId;
use serde::Deserialize;
use std::time::Duration;
use store::Notification;
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
    Ok(Json(board::alarms(&state, &me, q.school_id).await?))
}

#[utoipa::path(get, path = "/api/alarms/{id}", tag = "alarms", params(("id" = i64, Path)), responses((status = 200, body = AlarmDetail), (status = 404)))]
async fn get_alarm(
    State(state): State<AppState>,
    CurrentStaff(me): CurrentStaff,
    Id(id): Id,
) -> Result<Json<AlarmDetail>, ApiError> {
    Ok(Json(board::alarm(&state, &me, id).await?))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct NoteBody {
    /// What the person is doing ("Phoning the staff now"); optional, as on the board.
    #[serde(default, deserialize_with = "domain::text::blank_as_none")]
    note: Option<MultiLine<2000>>,
}

/// A named person takes charge: the ladder stops climbing and everyone alerted is told. The note
/// is optional; 409 names who is already dealing with the alarm and since when.
#[utoipa::path(post, path = "/api/alarms/{id}/acknowledge", tag = "alarms", params(("id" = i64, Path)), request_body = NoteBody,
    responses((status = 200, body = AlarmView), (status = 404), (status = 409)))]
async fn acknowledge(
    State(state): State<AppState>,
    CurrentStaff(me): CurrentStaff,
    Id(id): Id,
    ApiJson(body): ApiJson<NoteBody>,
) -> Result<Json<AlarmView>, ApiError> {
    Ok(Json(
        board::acknowledge(
            &state,
            &me,
            id,
            body.note.as_deref().unwrap_or(""),
            state.now(),
        )
        .await?,
    ))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct OutcomeBody {
    /// e.g. "contact made, staff safe", "police called".
    outcome: MultiLine<2000>,
}

#[utoipa::path(post, path = "/api/alarms/{id}/resolve", tag = "alarms", params(("id" = i64, Path)), request_body = OutcomeBody,
    responses((status = 200, body = AlarmView), (status = 404), (status = 409)))]
async fn resolve(
    State(state): State<AppState>,
    CurrentStaff(me): CurrentStaff,
    Id(id): Id,
    ApiJson(body): ApiJson<OutcomeBody>,
) -> Result<Json<AlarmView>, ApiError> {
    Ok(Json(
        board::resolve(&state, &me, id, &body.outcome, state.now()).await?,
    ))
}

/// The office board: alarms at the top, then everyone out now.
#[utoipa::path(get, path = "/api/board", tag = "alarms", params(SchoolQuery), responses((status = 200, body = Board), (status = 403)))]
async fn board(
    State(state): State<AppState>,
    CurrentStaff(me): CurrentStaff,
    ApiQuery(q): ApiQuery<SchoolQuery>,
) -> Result<Json<Board>, ApiError> {
    Ok(Json(
        board::board(&state, &me, q.school_id, state.now()).await?,
    ))
}

/// The information pack for the police, printable. Every read is audited.
#[utoipa::path(get, path = "/api/visits/{id}/information-pack", tag = "alarms", params(("id" = i64, Path)),
    responses((status = 200, content_type = "text/plain", body = String), (status = 403), (status = 404)))]
async fn information_pack(
    State(state): State<AppState>,
    CurrentStaff(me): CurrentStaff,
    Id(id): Id,
) -> Result<impl IntoResponse, ApiError> {
    let text = board::information_pack(&state, &me, VisitId(id), state.now()).await?;
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
/// reconnects. The stream ends at once when its session is signed out or the account deactivated
/// (checked before each event and every couple of seconds: [`crate::session_watch`]).
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
    let watch = SessionWatch::of(&headers);
    let stream = futures_util::stream::unfold(
        (state, me, start, Vec::<Notification>::new()),
        move |(state, me, mut after, mut pending)| {
            let watch = watch.clone();
            async move {
                loop {
                    // CurrentStaff let this request in, so a cookie is there.
                    if !watch.as_ref()?.holds(&state).await {
                        return None;
                    }
                    if let Some(n) = pending.pop() {
                        after = after.max(n.id);
                        let data = serde_json::json!({ "id": n.id, "alarm_id": n.alarm_id, "visit_id": n.visit_id, "subject": n.subject, "body": n.body, "at": n.created_at });
                        let event = Event::default()
                            .id(n.id.to_string())
                            .event("notification")
                            .data(data.to_string());
                        return Some((
                            Ok::<_, std::convert::Infallible>(event),
                            (state, me, after, pending),
                        ));
                    }
                    match board::my_notifications(&state, &me, after, 50).await {
                        Ok(mut fresh) if !fresh.is_empty() => {
                            fresh.reverse();
                            pending = fresh;
                        }
                        Ok(_) => tokio::time::sleep(Duration::from_secs(1)).await,
                        Err(e) => {
                            tracing::warn!(error = %e, "feed: cannot read notifications");
                            tokio::time::sleep(RECHECK).await;
                        }
                    }
                }
            }
        },
    );
    Sse::new(stream).keep_alive(KeepAlive::default())
}
