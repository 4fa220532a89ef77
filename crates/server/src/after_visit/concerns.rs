//! A4: safeguarding concerns, raised from a visit or a doorstep observation (or anything else a
//! member of staff notices), sent to the DSL at once — in the app and by e-mail, through the
//! outbox — and kept on the pupil's chronology.

use super::{readable_pupil, sees_all_children, short_datetime, staff_with, tell};
use crate::AppState;
use crate::access::{self, can_see_school, require_any};
use crate::auth::CurrentStaff;
use crate::error::ApiError;
use crate::extract::{ApiJson, Id};
use axum::Json;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use chrono::{DateTime, Duration, Utc};
use domain::{FieldError, PupilId, Role, VisitId, inputs};
use serde::{Deserialize, Serialize};
use store::{NewSafeguardingConcern, SafeguardingConcern, Staff};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(raise))
        .routes(routes!(list))
        .routes(routes!(get_concern))
        .routes(routes!(acknowledge))
}

#[derive(Debug, Clone, Copy, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
enum Source {
    /// Something seen or heard on a visit.
    Visit,
    /// D6: seen on the doorstep (a child alone, in danger, not invited in...).
    DoorstepObservation,
    Other,
}

impl Source {
    fn as_str(self) -> &'static str {
        match self {
            Source::Visit => "visit",
            Source::DoorstepObservation => "doorstep_observation",
            Source::Other => "other",
        }
    }
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct ConcernInput {
    concern: String,
    /// visit, doorstep_observation or other; "visit" when a visit is named, else "other".
    source: Option<Source>,
    visit_id: Option<i64>,
    /// The doorstep alarm (D6) this follows, if any.
    alarm_id: Option<i64>,
    /// When it was seen or heard; now if left out.
    observed_at: Option<DateTime<Utc>>,
}

#[derive(Serialize, utoipa::ToSchema)]
struct Raised {
    concern: SafeguardingConcern,
    /// Who was told at once.
    told: Vec<String>,
}

/// The DSL; if the school has none on record, the safeguarding team; then the head.
async fn dsl_of(
    state: &AppState,
    school: &store::School,
    except: &Staff,
) -> Result<Vec<Staff>, ApiError> {
    for roles in [
        &[Role::Dsl][..],
        &[Role::SafeguardingTeam],
        &[Role::Headteacher],
    ] {
        let people = staff_with(state, school, roles, Some(except.id)).await?;
        if !people.is_empty() {
            return Ok(people);
        }
    }
    Ok(vec![])
}

/// A4: any member of staff at the school raises a concern about a child; the DSL is told at
/// once. Raising needs no access to the child's records.
#[utoipa::path(post, path = "/api/pupils/{id}/safeguarding-concerns", tag = "after the visit", params(("id" = i64, Path)), request_body = ConcernInput,
    responses((status = 201, body = Raised), (status = 404), (status = 422)))]
async fn raise(
    State(state): State<AppState>,
    CurrentStaff(me): CurrentStaff,
    Id(id): Id,
    ApiJson(input): ApiJson<ConcernInput>,
) -> Result<(StatusCode, Json<Raised>), ApiError> {
    let db = state.db();
    let pupil = db.pupil(PupilId(id)).await?;
    let school = db.school(pupil.school_id).await?;
    if !can_see_school(&me, school.id, school.trust_id) {
        return Err(ApiError::NotFound("pupil".into()));
    }
    let concern = inputs::text("concern", &input.concern, 5000)?;
    let now = state.clock().now();
    let observed_at = input.observed_at.unwrap_or(now);
    if observed_at > now + Duration::minutes(5) {
        return Err(FieldError::new("observed_at", "is in the future").into());
    }
    let visit = match input.visit_id {
        Some(v) => {
            let visit =
                super::found(db.visit(VisitId(v)).await)?.filter(|v| v.pupil_id == pupil.id);
            Some(
                visit
                    .ok_or_else(|| FieldError::new("visit_id", "is not a visit to this pupil"))?
                    .id,
            )
        }
        None => None,
    };
    if let Some(a) = input.alarm_id {
        let alarm = super::found(db.alarm(a).await)?.filter(|a| a.school_id == school.id.0);
        if alarm.is_none() {
            return Err(FieldError::new("alarm_id", "is not an alarm at this school").into());
        }
    }
    let source = input.source.unwrap_or(if visit.is_some() {
        Source::Visit
    } else {
        Source::Other
    });
    let dsl = dsl_of(&state, &school, &me).await?;
    let tz = db.current_policy(school.id).await?.settings.tz();
    let mut tx = db.begin().await?;
    let cid = tx
        .raise_safeguarding_concern(
            &NewSafeguardingConcern {
                school: school.id,
                pupil: pupil.id,
                visit,
                alarm: input.alarm_id,
                source: source.as_str(),
                concern: &concern,
                observed_at,
                raised_by: me.id,
            },
            now,
        )
        .await?;
    let subject = format!(
        "Safeguarding concern: {} ({})",
        pupil.name,
        pupil.year_group.as_deref().unwrap_or("pupil")
    );
    let body = format!(
        "{} raised a safeguarding concern about {} (concern {cid}, {} at {}).\n\n{concern}\n\nPlease read it in Doorstep and record what you decide.",
        me.name,
        pupil.name,
        source.as_str().replace('_', " "),
        short_datetime(observed_at, tz)
    );
    tell(
        &mut tx,
        &dsl,
        &format!("safeguarding:{cid}"),
        &subject,
        &body,
        visit,
        now,
    )
    .await?;
    let detail = serde_json::json!({ "concern": cid, "source": source.as_str(), "told": dsl.iter().map(|s| s.id).collect::<Vec<_>>() });
    if let Some(v) = visit {
        tx.add_visit_event(v, "safeguarding_concern_raised", Some(me.id), now, &detail)
            .await?;
    }
    tx.append_audit(&access::entry(
        &state,
        &me,
        "safeguarding_concern.raise",
        "pupil",
        pupil.id.0,
        Some(school.id),
        detail,
    ))
    .await?;
    tx.commit().await?;
    // "At once": the monitor delivers the outbox now rather than on its next tick.
    state.wake_monitor();
    Ok((
        StatusCode::CREATED,
        Json(Raised {
            concern: db.safeguarding_concern(cid).await?,
            told: dsl.into_iter().map(|s| s.name).collect(),
        }),
    ))
}

#[utoipa::path(get, path = "/api/safeguarding-concerns/{id}", tag = "after the visit", params(("id" = i64, Path)),
    responses((status = 200, body = SafeguardingConcern), (status = 404)))]
async fn get_concern(
    State(state): State<AppState>,
    CurrentStaff(me): CurrentStaff,
    Id(id): Id,
) -> Result<Json<SafeguardingConcern>, ApiError> {
    let c = state.db().safeguarding_concern(id).await?;
    let (pupil, school) = readable_pupil(&state, &me, c.pupil_id)
        .await
        .map_err(app::access::hide_as("safeguarding concern"))?;
    let e = access::entry(
        &state,
        &me,
        "safeguarding_concern.read",
        "pupil",
        pupil.id.0,
        Some(school.id),
        serde_json::json!({ "concern": c.id }),
    );
    state.db().append_audit(&e).await?;
    Ok(Json(c))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct AcknowledgeInput {
    /// What the DSL decided or did (referral to social care, monitor, no further action...).
    note: String,
}

const SAFEGUARDING_LEADS: [Role; 3] = [Role::Dsl, Role::SafeguardingTeam, Role::Headteacher];

/// The DSL has the concern in hand and records what they decided.
#[utoipa::path(post, path = "/api/safeguarding-concerns/{id}/acknowledge", tag = "after the visit", params(("id" = i64, Path)), request_body = AcknowledgeInput,
    responses((status = 200, body = SafeguardingConcern), (status = 403), (status = 404), (status = 409)))]
async fn acknowledge(
    State(state): State<AppState>,
    CurrentStaff(me): CurrentStaff,
    Id(id): Id,
    ApiJson(input): ApiJson<AcknowledgeInput>,
) -> Result<Json<SafeguardingConcern>, ApiError> {
    let c = state.db().safeguarding_concern(id).await?;
    let (pupil, school) = readable_pupil(&state, &me, c.pupil_id)
        .await
        .map_err(app::access::hide_as("safeguarding concern"))?;
    require_any(
        &me,
        &SAFEGUARDING_LEADS,
        "acknowledge a safeguarding concern",
    )?;
    let note = inputs::text("note", &input.note, 5000)?;
    let now = state.clock().now();
    let mut tx = state.db().begin().await?;
    tx.acknowledge_safeguarding_concern(c.id, me.id, &note, now)
        .await?;
    tx.append_audit(&access::entry(
        &state,
        &me,
        "safeguarding_concern.acknowledge",
        "pupil",
        pupil.id.0,
        Some(school.id),
        serde_json::json!({ "concern": c.id }),
    ))
    .await?;
    tx.commit().await?;
    Ok(Json(state.db().safeguarding_concern(c.id).await?))
}

#[derive(Deserialize, utoipa::IntoParams)]
struct ListQuery {
    school_id: Option<i64>,
    /// Only concerns the DSL has not yet acknowledged.
    open: Option<bool>,
}

/// The school's safeguarding concerns, newest first: for the DSL, the safeguarding team and the head.
#[utoipa::path(get, path = "/api/safeguarding-concerns", tag = "after the visit", params(ListQuery),
    responses((status = 200, body = Vec<SafeguardingConcern>), (status = 403)))]
async fn list(
    State(state): State<AppState>,
    CurrentStaff(me): CurrentStaff,
    Query(q): Query<ListQuery>,
) -> Result<Json<Vec<SafeguardingConcern>>, ApiError> {
    let school = access::school_in_scope(&state, &me, q.school_id).await?;
    if !(sees_all_children(&me) && me.school_id == Some(school)) {
        return Err(ApiError::forbidden(
            "only the DSL, the safeguarding team or the headteacher may list safeguarding concerns",
        ));
    }
    let list = state
        .db()
        .safeguarding_concerns_of_school(school, q.open.unwrap_or(false))
        .await?;
    let e = access::entry(
        &state,
        &me,
        "safeguarding_concern.list_read",
        "school",
        school.0,
        Some(school),
        serde_json::json!({ "count": list.len() }),
    );
    state.db().append_audit(&e).await?;
    Ok(Json(list))
}
