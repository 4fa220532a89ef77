//! The visit in progress: one call for each safety action on a phone — I'm OK, need more time,
//! panic, duress (the buddy heard the code word), doorstep observations, buddy hand-over.
//! Each is durably committed before it is acknowledged. The safety taps take [`TapStaff`]: a
//! visitor out on the visit is never refused them for an old session. Thin adapters: the JSON body becomes the
//! typed input of an `app::out_on_visit` use case, whose answer becomes the JSON reply.

use crate::AppState;
use crate::auth::{CurrentStaff, TapStaff};
use crate::error::ApiError;
use crate::extract::{ApiJson, Id, OptionalJson};
use app::out_on_visit::{self, CheckInInput};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use domain::monitor::AlarmKind;
use domain::{Line, MultiLine, StaffId, VisitId};
use serde::{Deserialize, Serialize};
use store::Staff;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

mod phone;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(check_in))
        .routes(routes!(extend))
        .routes(routes!(panic))
        .routes(routes!(duress))
        .routes(routes!(observation))
        .routes(routes!(hand_over))
        .routes(routes!(set_duress_pin))
        .merge(phone::router())
}

#[derive(Deserialize, utoipa::ToSchema, Default)]
#[serde(deny_unknown_fields)]
struct CheckInBody {
    #[serde(default, deserialize_with = "domain::text::blank_as_none")]
    note: Option<MultiLine<1000>>,
    /// Degrees north (WGS 84); with `longitude`, or neither.
    #[schema(minimum = -90, maximum = 90)]
    latitude: Option<f64>,
    /// Degrees east (WGS 84).
    #[schema(minimum = -180, maximum = 180)]
    longitude: Option<f64>,
    /// How far off the position may be, in metres (the phone's radius).
    #[schema(minimum = 0, maximum = 100000)]
    accuracy_m: Option<f64>,
    /// Optional PIN. Your duress PIN raises a silent alarm and looks like an ordinary check-in.
    pin: Option<String>,
    /// The phone's id for this action: a retried action is applied once.
    #[serde(default, deserialize_with = "domain::text::blank_as_none")]
    client_ref: Option<Line<100>>,
    /// When it was tapped (UTC): a tap kept on the phone with no signal is recorded then, if
    /// within the visit's time out and at most 2 minutes ahead of the school's clock.
    #[serde(default)]
    tapped_at: Option<DateTime<Utc>>,
}

#[derive(Serialize, utoipa::ToSchema)]
struct CheckInAnswer {
    recorded_at: DateTime<Utc>,
    next_check_in_due: Option<DateTime<Utc>>,
}

/// D3: "I'm OK" (with an optional note and the phone's location). Also used by the office to
/// record a check-in phoned in.
#[utoipa::path(post, path = "/api/visits/{id}/check-in", tag = "visit in progress", params(("id" = i64, Path)), request_body = CheckInBody,
    responses((status = 200, body = CheckInAnswer), (status = 409), (status = 422)))]
async fn check_in(
    State(state): State<AppState>,
    TapStaff(me): TapStaff,
    Id(id): Id,
    OptionalJson(body): OptionalJson<CheckInBody>,
) -> Result<Json<CheckInAnswer>, ApiError> {
    let input = CheckInInput {
        note: body.note.map(String::from),
        latitude: body.latitude,
        longitude: body.longitude,
        accuracy_m: body.accuracy_m,
        pin: body.pin,
        client_ref: body.client_ref.map(String::from),
    };
    let (visit, now) = (VisitId(id), state.now());
    let outcome =
        out_on_visit::check_in_tapped(&state, &me, visit, &input, body.tapped_at, now).await?;
    Ok(Json(CheckInAnswer {
        recorded_at: outcome.recorded_at,
        next_check_in_due: outcome.next_check_in_due,
    }))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct ExtendBody {
    /// Defaults to the policy's one-tap extension (15 minutes in the presets).
    #[schema(minimum = 1, maximum = 240)]
    minutes: Option<u32>,
    reason: MultiLine<1000>,
    #[serde(default, deserialize_with = "domain::text::blank_as_none")]
    client_ref: Option<Line<100>>,
}

#[derive(Serialize, utoipa::ToSchema)]
struct ExtendAnswer {
    leave_property_by: Option<DateTime<Utc>>,
    back_by: DateTime<Utc>,
}

/// D8: need more time, with a reason.
#[utoipa::path(post, path = "/api/visits/{id}/extend", tag = "visit in progress", params(("id" = i64, Path)), request_body = ExtendBody,
    responses((status = 200, body = ExtendAnswer), (status = 409), (status = 422)))]
async fn extend(
    State(state): State<AppState>,
    TapStaff(me): TapStaff,
    Id(id): Id,
    ApiJson(body): ApiJson<ExtendBody>,
) -> Result<Json<ExtendAnswer>, ApiError> {
    let input = out_on_visit::ExtendInput {
        minutes: body.minutes,
        reason: body.reason.into(),
        client_ref: body.client_ref.map(String::from),
    };
    let done = out_on_visit::extend(&state, &me, VisitId(id), &input, state.now()).await?;
    Ok(Json(ExtendAnswer {
        leave_property_by: done.leave_property_by,
        back_by: done.back_by,
    }))
}

#[derive(Deserialize, utoipa::ToSchema, Default)]
#[serde(deny_unknown_fields)]
struct AlarmBody {
    #[serde(default, deserialize_with = "domain::text::blank_as_none")]
    note: Option<MultiLine<2000>>,
    /// Degrees north (WGS 84). A panic is never refused for a bad reading: one off the earth
    /// is left out.
    latitude: Option<f64>,
    /// Degrees east (WGS 84).
    longitude: Option<f64>,
    /// The phone's own id for this tap: sent again (say from its offline queue), it raises no
    /// second alarm and gets the first one's answer.
    #[serde(default, deserialize_with = "domain::text::blank_as_none")]
    client_ref: Option<Line<100>>,
    /// When it was tapped (UTC): a tap kept on the phone with no signal is recorded then, if
    /// within the visit's time out and at most 2 minutes ahead of the school's clock.
    #[serde(default)]
    tapped_at: Option<DateTime<Utc>>,
}

#[derive(Serialize, utoipa::ToSchema)]
#[schema(as = AlarmRaised)]
struct Raised {
    alarm_id: i64,
    guidance: &'static str,
}

async fn raise(
    state: &AppState,
    me: &Staff,
    id: i64,
    kind: AlarmKind,
    body: AlarmBody,
) -> Result<(StatusCode, Json<Raised>), ApiError> {
    let input = out_on_visit::AlarmInput {
        note: body.note.map(String::from),
        latitude: body.latitude,
        longitude: body.longitude,
        client_ref: body.client_ref.map(String::from),
    };
    let (visit, now) = (VisitId(id), state.now());
    let raised =
        out_on_visit::raise_alarm_tapped(state, me, visit, kind, &input, body.tapped_at, now)
            .await?;
    let status = if raised.newly_raised {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((
        status,
        Json(Raised {
            alarm_id: raised.alarm_id,
            guidance: raised.guidance,
        }),
    ))
}

/// D5: panic — straight to the top of the ladder, with the information pack. The body may be
/// left out (no Content-Type), as for every safety tap that needs nothing more.
#[utoipa::path(post, path = "/api/visits/{id}/panic", tag = "visit in progress", params(("id" = i64, Path)), request_body = AlarmBody,
    responses((status = 201, body = Raised), (status = 200, description = "the same tap (client_ref) was already received", body = Raised), (status = 404)))]
async fn panic(
    State(state): State<AppState>,
    TapStaff(me): TapStaff,
    Id(id): Id,
    OptionalJson(body): OptionalJson<AlarmBody>,
) -> Result<(StatusCode, Json<Raised>), ApiError> {
    raise(&state, &me, id, AlarmKind::Panic, body).await
}

/// D4: the buddy heard the code word (or the office did): a silent top-level alarm.
#[utoipa::path(post, path = "/api/visits/{id}/duress", tag = "visit in progress", params(("id" = i64, Path)), request_body = AlarmBody,
    responses((status = 201, body = Raised), (status = 200, description = "the same tap (client_ref) was already received", body = Raised), (status = 404)))]
async fn duress(
    State(state): State<AppState>,
    TapStaff(me): TapStaff,
    Id(id): Id,
    OptionalJson(body): OptionalJson<AlarmBody>,
) -> Result<(StatusCode, Json<Raised>), ApiError> {
    raise(&state, &me, id, AlarmKind::Duress, body).await
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
enum Observation {
    ChildAlone,
    ChildInDanger,
    NotInvitedIn,
    AnimalsNotSecured,
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct ObservationBody {
    kind: Observation,
    #[serde(default, deserialize_with = "domain::text::blank_as_none")]
    note: Option<MultiLine<2000>>,
    /// As for panic: the same tap sent twice raises one alarm.
    #[serde(default, deserialize_with = "domain::text::blank_as_none")]
    client_ref: Option<Line<100>>,
    /// When it was tapped (UTC): a tap kept on the phone with no signal is recorded then, if
    /// within the visit's time out and at most 2 minutes ahead of the school's clock.
    #[serde(default)]
    tapped_at: Option<DateTime<Utc>>,
}

/// D6: something on the doorstep that needs action now; the safeguarding team is told at once.
#[utoipa::path(post, path = "/api/visits/{id}/observations", tag = "visit in progress", params(("id" = i64, Path)), request_body = ObservationBody,
    responses((status = 201, body = Raised), (status = 200, description = "the same tap (client_ref) was already received", body = Raised), (status = 404)))]
async fn observation(
    State(state): State<AppState>,
    TapStaff(me): TapStaff,
    Id(id): Id,
    ApiJson(body): ApiJson<ObservationBody>,
) -> Result<(StatusCode, Json<Raised>), ApiError> {
    let kind = match body.kind {
        Observation::ChildAlone => AlarmKind::ChildAlone,
        Observation::ChildInDanger => AlarmKind::ChildInDanger,
        Observation::NotInvitedIn => AlarmKind::NotInvitedIn,
        Observation::AnimalsNotSecured => AlarmKind::AnimalsNotSecured,
    };
    raise(
        &state,
        &me,
        id,
        kind,
        AlarmBody {
            note: body.note,
            client_ref: body.client_ref,
            tapped_at: body.tapped_at,
            ..Default::default()
        },
    )
    .await
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct HandOverBody {
    /// The colleague taking over as buddy (required: a buddy leaves only when someone takes
    /// over): staff based at this school, not visiting, with a mobile number.
    #[serde(default)]
    to_staff_id: Option<i64>,
}

/// The buddy (or the office, the DSL or the head on their behalf) hands a visit that is out to
/// a named colleague; both buddies and the visitors are told in the app and by text. Answers the
/// watch as written; 422 naming `to_staff_id` when nobody, or someone who may not be buddy, is
/// chosen.
#[utoipa::path(post, path = "/api/visits/{id}/buddy-handover", tag = "visit in progress", params(("id" = i64, Path)), request_body = HandOverBody,
    responses((status = 200, body = store::Watch), (status = 409), (status = 422)))]
async fn hand_over(
    State(state): State<AppState>,
    CurrentStaff(me): CurrentStaff,
    Id(id): Id,
    ApiJson(body): ApiJson<HandOverBody>,
) -> Result<Json<store::Watch>, ApiError> {
    let to = body.to_staff_id.map(StaffId);
    let done = out_on_visit::hand_over_buddy(&state, &me, VisitId(id), to, state.now()).await?;
    Ok(Json(done.watch))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct PinBody {
    pin: String,
}

/// Sets my covert duress PIN (4 to 12 digits).
#[utoipa::path(post, path = "/api/me/duress-pin", tag = "visit in progress", request_body = PinBody, responses((status = 204), (status = 422)))]
async fn set_duress_pin(
    State(state): State<AppState>,
    CurrentStaff(me): CurrentStaff,
    ApiJson(body): ApiJson<PinBody>,
) -> Result<StatusCode, ApiError> {
    out_on_visit::set_duress_pin(&state, &me, &body.pin, state.now()).await?;
    Ok(StatusCode::NO_CONTENT)
}
