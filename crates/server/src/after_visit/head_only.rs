//! A10: allegations against staff and parents' concerns about a visit, recorded apart from the
//! pupil's record and visible only to the head (SEN Trust: "Responding to any issues or concerns
//! raised by parents or carers about home visits"; "allegations ... in accordance with our
//! allegations against staff policy").
//!
//! Anyone at the school may record one; only the headteacher reads it back. An allegation about
//! a headteacher (the member of staff it is about holds that role) goes to the school's chair of
//! governors and the trust's administrators instead, as "Keeping children safe in education" has
//! it: no headteacher of the school reads it, and none is told. Nobody else is told it exists:
//! reads are 404.

use super::{short_datetime, staff_with};
use crate::AppState;
use crate::access::{self, can_see_school};
use crate::auth::CurrentStaff;
use crate::error::ApiError;
use crate::extract::{ApiJson, Id};
use axum::Json;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use chrono::{DateTime, Duration, Utc};
use domain::{FieldError, PupilId, Role, SchoolId, StaffId, VisitId, inputs};
use serde::{Deserialize, Serialize};
use store::{HeadOnlyRecord, NewHeadOnlyRecord, Staff};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, record))
        .routes(routes!(get_record))
        .routes(routes!(close))
}

#[derive(Debug, Clone, Copy, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
enum Kind {
    AllegationAgainstStaff,
    ParentConcern,
}

impl Kind {
    fn as_str(self) -> &'static str {
        match self {
            Kind::AllegationAgainstStaff => "allegation_against_staff",
            Kind::ParentConcern => "parent_concern",
        }
    }
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct RecordInput {
    kind: Kind,
    visit_id: Option<i64>,
    pupil_id: Option<i64>,
    /// The member of staff an allegation is about.
    about_staff_id: Option<i64>,
    /// Who made it ("Jo Smith, mother, by phone").
    raised_by_name: String,
    /// When it was received; now if left out.
    received_at: Option<DateTime<Utc>>,
    account: String,
}

/// What the person who recorded it is told: that it reached the head, not its content.
#[derive(Serialize, utoipa::ToSchema)]
struct Receipt {
    id: i64,
    kind: &'static str,
    recorded_at: DateTime<Utc>,
    visible_to: &'static str,
}

/// Whether this person may read a record of `school` about `about` (if anyone).
async fn may_read(
    state: &AppState,
    me: &Staff,
    school: SchoolId,
    about: Option<i64>,
) -> Result<bool, ApiError> {
    let s = state.db().school(school).await?;
    if !can_see_school(me, s.id, s.trust_id) || about == Some(me.id.0) {
        return Ok(false);
    }
    let own_school = me.school_id == Some(school);
    Ok(if about_head(state, about).await? {
        (me.roles.has(Role::ChairOfGovernors) && own_school) || me.roles.has(Role::TrustAdmin)
    } else {
        me.roles.has(Role::Headteacher) && own_school
    })
}

/// Whether the member of staff a record is about is a headteacher: then it goes to the chair of
/// governors (and the trust), never to a head.
async fn about_head(state: &AppState, about: Option<i64>) -> Result<bool, ApiError> {
    Ok(match about {
        Some(id) => state
            .db()
            .staff(StaffId(id))
            .await?
            .roles
            .has(Role::Headteacher),
        None => false,
    })
}

/// A10: records an allegation against staff or a parent's concern about a visit, for the head.
#[utoipa::path(post, path = "/api/head-only-records", tag = "after the visit", request_body = RecordInput,
    responses((status = 201, body = Receipt), (status = 422)))]
async fn record(
    State(state): State<AppState>,
    CurrentStaff(me): CurrentStaff,
    ApiJson(input): ApiJson<RecordInput>,
) -> Result<(StatusCode, Json<Receipt>), ApiError> {
    let db = state.db();
    let visit = match input.visit_id {
        Some(v) => Some(
            db.visit(VisitId(v))
                .await
                .map_err(|e| super::unknown("visit_id", "no such visit")(e.into()))?,
        ),
        None => None,
    };
    let pupil = match input.pupil_id {
        Some(p) => Some(
            db.pupil(PupilId(p))
                .await
                .map_err(|e| super::unknown("pupil_id", "no such pupil")(e.into()))?,
        ),
        None => None,
    };
    let school = visit
        .as_ref()
        .map(|v| v.school_id)
        .or(pupil.as_ref().map(|p| p.school_id))
        .or(me.school_id)
        .ok_or_else(|| FieldError::new("visit_id", "name the visit or pupil this is about"))?;
    let s = db.school(school).await?;
    if !can_see_school(&me, s.id, s.trust_id) {
        return Err(FieldError::new("visit_id", "no such visit").into());
    }
    if let (Some(v), Some(p)) = (&visit, &pupil)
        && v.pupil_id != p.id
    {
        return Err(FieldError::new("pupil_id", "is not the pupil of that visit").into());
    }
    let about = match input.about_staff_id {
        Some(id) => Some(
            super::found(db.staff(StaffId(id)).await)?
                .filter(|x| x.school_id == Some(school))
                .ok_or_else(|| {
                    FieldError::new("about_staff_id", "is not a member of staff at this school")
                })?,
        ),
        None => None,
    };
    let raised_by_name = inputs::text("raised_by_name", &input.raised_by_name, 300)?;
    let account = inputs::text("account", &input.account, 10_000)?;
    let now = state.clock().now();
    let received_at = input.received_at.unwrap_or(now);
    if received_at > now + Duration::minutes(5) {
        return Err(FieldError::new("received_at", "is in the future").into());
    }
    let about_head = about
        .as_ref()
        .is_some_and(|a| a.roles.has(Role::Headteacher));
    let readers = if about_head {
        let mut chair = staff_with(
            &state,
            &s,
            &[Role::ChairOfGovernors],
            about.as_ref().map(|a| a.id),
        )
        .await?;
        chair.extend(
            db.staff_list(s.trust_id, None)
                .await?
                .into_iter()
                .filter(|x| {
                    x.active && x.roles.has(Role::TrustAdmin) && !x.roles.has(Role::Headteacher)
                }),
        );
        chair
    } else {
        staff_with(
            &state,
            &s,
            &[Role::Headteacher],
            about.as_ref().map(|a| a.id),
        )
        .await?
    };
    let mut tx = db.begin().await?;
    let id = tx
        .create_head_only_record(
            &NewHeadOnlyRecord {
                school,
                kind: input.kind.as_str(),
                visit: visit.as_ref().map(|v| v.id),
                pupil: pupil.as_ref().map(|p| p.id),
                about_staff: about.as_ref().map(|a| a.id),
                raised_by_name: &raised_by_name,
                received_at,
                account: &account,
                recorded_by: me.id,
            },
            now,
        )
        .await?;
    // The message says only that something is waiting: its content stays in the app.
    let tz = db.current_policy(school).await?.settings.tz();
    let what = match input.kind {
        Kind::AllegationAgainstStaff => "An allegation against a member of staff",
        Kind::ParentConcern => "A parent's concern about a home visit",
    };
    let subject = format!("{what} has been recorded for you");
    let body = format!(
        "{what} was recorded by {} at {} (record {id}). Read it in Doorstep.",
        me.name,
        short_datetime(now, tz)
    );
    super::tell(
        &mut tx,
        &readers,
        &format!("head_only:{id}"),
        &subject,
        &body,
        None,
        now,
    )
    .await?;
    // The trail says a record was made, not what it says or whom it is about.
    tx.append_audit(&access::entry(
        &state,
        &me,
        "head_only_record.create",
        "head_only_record",
        id,
        Some(school),
        serde_json::json!({}),
    ))
    .await?;
    tx.commit().await?;
    Ok((
        StatusCode::CREATED,
        Json(Receipt {
            id,
            kind: input.kind.as_str(),
            recorded_at: now,
            visible_to: if about_head {
                "the chair of governors and the trust's administrators"
            } else {
                "the headteacher"
            },
        }),
    ))
}

async fn readable(state: &AppState, me: &Staff, id: i64) -> Result<HeadOnlyRecord, ApiError> {
    let r = state
        .db()
        .head_only_record(id)
        .await
        .map_err(|e| super::hide_as("record")(e.into()))?;
    if may_read(state, me, r.school_id, r.about_staff_id).await? {
        Ok(r)
    } else {
        Err(ApiError::NotFound("record".into()))
    }
}

#[utoipa::path(get, path = "/api/head-only-records/{id}", tag = "after the visit", params(("id" = i64, Path)),
    responses((status = 200, body = HeadOnlyRecord), (status = 404)))]
async fn get_record(
    State(state): State<AppState>,
    CurrentStaff(me): CurrentStaff,
    Id(id): Id,
) -> Result<Json<HeadOnlyRecord>, ApiError> {
    let r = readable(&state, &me, id).await?;
    let e = access::entry(
        &state,
        &me,
        "head_only_record.read",
        "head_only_record",
        r.id,
        Some(r.school_id),
        serde_json::json!({}),
    );
    state.db().append_audit(&e).await?;
    Ok(Json(r))
}

#[derive(Deserialize, utoipa::IntoParams)]
struct ListQuery {
    school_id: Option<i64>,
}

/// The school's records for the head, newest first; for the chair of governors and the trust's
/// administrators, those about a headteacher. Anyone else is refused.
#[utoipa::path(get, path = "/api/head-only-records", tag = "after the visit", params(ListQuery),
    responses((status = 200, body = Vec<HeadOnlyRecord>), (status = 403)))]
async fn list(
    State(state): State<AppState>,
    CurrentStaff(me): CurrentStaff,
    Query(q): Query<ListQuery>,
) -> Result<Json<Vec<HeadOnlyRecord>>, ApiError> {
    let school = access::school_in_scope(&state, &me, q.school_id).await?;
    if !me
        .roles
        .any_of(&[Role::Headteacher, Role::TrustAdmin, Role::ChairOfGovernors])
    {
        return Err(ApiError::forbidden(
            "only the headteacher (or, about the head, the chair of governors) reads these records",
        ));
    }
    let mut list = Vec::new();
    for r in state.db().head_only_records(school).await? {
        if may_read(&state, &me, r.school_id, r.about_staff_id).await? {
            list.push(r);
        }
    }
    let e = access::entry(
        &state,
        &me,
        "head_only_record.list_read",
        "school",
        school.0,
        Some(school),
        serde_json::json!({ "count": list.len() }),
    );
    state.db().append_audit(&e).await?;
    Ok(Json(list))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct CloseInput {
    outcome: String,
}

/// The head records how it was dealt with.
#[utoipa::path(post, path = "/api/head-only-records/{id}/close", tag = "after the visit", params(("id" = i64, Path)), request_body = CloseInput,
    responses((status = 200, body = HeadOnlyRecord), (status = 404), (status = 409)))]
async fn close(
    State(state): State<AppState>,
    CurrentStaff(me): CurrentStaff,
    Id(id): Id,
    ApiJson(input): ApiJson<CloseInput>,
) -> Result<Json<HeadOnlyRecord>, ApiError> {
    let r = readable(&state, &me, id).await?;
    let outcome = inputs::text("outcome", &input.outcome, 5000)?;
    let now = state.clock().now();
    let mut tx = state.db().begin().await?;
    tx.close_head_only_record(r.id, me.id, &outcome, now)
        .await?;
    tx.append_audit(&access::entry(
        &state,
        &me,
        "head_only_record.close",
        "head_only_record",
        r.id,
        Some(r.school_id),
        serde_json::json!({}),
    ))
    .await?;
    tx.commit().await?;
    Ok(Json(state.db().head_only_record(r.id).await?))
}
