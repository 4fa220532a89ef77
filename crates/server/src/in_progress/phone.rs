//! The phone's view of the visit's alarms (#11 item 4): a status the Today card polls, and the
//! panic button's pocket-tap guard (the first tap and a cancel, both recorded). Thin adapters
//! over `app::out_on_visit`.

use crate::AppState;
use crate::auth::TapStaff;
use crate::error::ApiError;
use crate::extract::Id;
use app::out_on_visit::{self, PhoneStatus};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use domain::VisitId;
use domain::{Line, MultiLine};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(phone_status))
        .routes(routes!(panic_pressed))
        .routes(routes!(panic_cancelled))
        .routes(routes!(phoned_in))
}

#[derive(serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct PhonedInBody {
    /// The visiting member of staff who phoned.
    caller_staff_id: i64,
    #[serde(default, deserialize_with = "domain::text::blank_as_none")]
    note: Option<MultiLine<500>>,
    #[serde(default, deserialize_with = "domain::text::blank_as_none")]
    client_ref: Option<Line<100>>,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
struct PhonedInAnswer {
    recorded_at: chrono::DateTime<chrono::Utc>,
    next_check_in_due: Option<chrono::DateTime<chrono::Utc>>,
}

/// A check-in phoned in to school: recorded as the person who took the call, naming the caller.
#[utoipa::path(post, path = "/api/visits/{id}/phoned-in", tag = "visit in progress", params(("id" = i64, Path)), request_body = PhonedInBody,
    responses((status = 200, body = PhonedInAnswer), (status = 409), (status = 422)))]
async fn phoned_in(
    State(state): State<AppState>,
    TapStaff(me): TapStaff,
    Id(id): Id,
    crate::extract::ApiJson(body): crate::extract::ApiJson<PhonedInBody>,
) -> Result<Json<PhonedInAnswer>, ApiError> {
    let input = out_on_visit::PhonedInInput {
        caller: Some(domain::StaffId(body.caller_staff_id)),
        note: body.note.map(String::from),
        client_ref: body.client_ref.map(String::from),
    };
    let done = out_on_visit::phoned_in(&state, &me, VisitId(id), &input, state.now())
        .await
        .map_err(|r| match r {
            // The use case's `caller` is this body's `caller_staff_id`.
            app::Refusal::Invalid { field, reason } if field == "caller" => app::Refusal::Invalid {
                field: "caller_staff_id".into(),
                reason,
            },
            other => other,
        })?;
    Ok(Json(PhonedInAnswer {
        recorded_at: done.recorded_at,
        next_check_in_due: done.next_check_in_due,
    }))
}

/// What the visitor's Today card shows: the open panic and who is dealing with it, and an open
/// missed check-in with the ladder's instruction and the buddy's mobile. Never a duress alarm.
#[utoipa::path(get, path = "/api/visits/{id}/phone-status", tag = "visit in progress", params(("id" = i64, Path)),
    responses((status = 200, body = PhoneStatus), (status = 404)))]
async fn phone_status(
    State(state): State<AppState>,
    TapStaff(me): TapStaff,
    Id(id): Id,
) -> Result<Json<PhoneStatus>, ApiError> {
    let status = out_on_visit::phone_status(&state, &me, VisitId(id), state.now()).await?;
    Ok(Json(status))
}

/// The first tap on panic: recorded, nothing raised. Send `/panic` to raise the alarm, or
/// `/panic-cancelled` to take back a pocket tap.
#[utoipa::path(post, path = "/api/visits/{id}/panic-pressed", tag = "visit in progress", params(("id" = i64, Path)),
    responses((status = 204), (status = 404)))]
async fn panic_pressed(
    State(state): State<AppState>,
    TapStaff(me): TapStaff,
    Id(id): Id,
) -> Result<StatusCode, ApiError> {
    out_on_visit::panic_pressed(&state, &me, VisitId(id), state.now()).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A panic taken back before it was sent: recorded; no alarm.
#[utoipa::path(post, path = "/api/visits/{id}/panic-cancelled", tag = "visit in progress", params(("id" = i64, Path)),
    responses((status = 204), (status = 404)))]
async fn panic_cancelled(
    State(state): State<AppState>,
    TapStaff(me): TapStaff,
    Id(id): Id,
) -> Result<StatusCode, ApiError> {
    out_on_visit::panic_cancelled(&state, &me, VisitId(id), state.now()).await?;
    Ok(StatusCode::NO_CONTENT)
}
