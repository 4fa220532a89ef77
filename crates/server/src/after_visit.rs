//! After the visit: outcomes and follow-up actions (A3), the pupil's chronology, Home Visit Slips
//! (D9, A6), incident reports (A5), safeguarding concerns (A4), records for the head only (A10),
//! documents, exports and calendar links (G4, P7).
//!
//! Need-to-know (A9) lives here too: a visit's record and a pupil's chronology are readable only by
//! the staff involved with that child, the DSL (and safeguarding team) and the head. Anyone else
//! is told "not found", and every read is written to the audit trail against the child.

mod calendar;
mod chronology;
mod concerns;
mod head_only;
mod incidents;
mod outcomes;
mod slips;

use crate::AppState;
use crate::error::ApiError;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use domain::{Role, SchoolId, StaffId, VisitId};
use store::{NewNotification, School, Staff, Tx};
use utoipa_axum::router::OpenApiRouter;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .merge(outcomes::router())
        .merge(chronology::router())
        .merge(slips::router())
        .merge(incidents::router())
        .merge(concerns::router())
        .merge(head_only::router())
        .merge(calendar::router())
}

pub(crate) use app::access::{found, readable_pupil, readable_visit_record};
pub(crate) use app::permissions::reads_every_child as sees_all_children;

/// "Not found" named as `what`; any other error unchanged.
pub(crate) fn hide_as(what: &'static str) -> impl FnOnce(ApiError) -> ApiError {
    move |e| match e {
        ApiError::NotFound(_) => ApiError::NotFound(what.into()),
        other => other,
    }
}

/// "Not found" as a refusal naming the field the caller filled in; any other error unchanged.
pub(crate) fn unknown(
    field: &'static str,
    reason: &'static str,
) -> impl FnOnce(ApiError) -> ApiError {
    move |e| match e {
        ApiError::NotFound(_) => ApiError::Invalid(domain::FieldError::new(field, reason)),
        other => other,
    }
}

/// The school's time zone, from its current policy.
pub(crate) async fn school_tz(state: &AppState, school: SchoolId) -> Result<Tz, ApiError> {
    Ok(state.db().current_policy(school).await?.settings.tz())
}

/// Active staff of a school holding any of `roles`, leaving out `except`.
pub(crate) async fn staff_with(
    state: &AppState,
    school: &School,
    roles: &[Role],
    except: Option<StaffId>,
) -> Result<Vec<Staff>, ApiError> {
    Ok(state
        .db()
        .staff_list(school.trust_id, Some(school.id))
        .await?
        .into_iter()
        .filter(|s| s.active && s.roles.any_of(roles) && Some(s.id) != except)
        .collect())
}

/// Queues a message to each person in the app and by e-mail, once per `key` and person.
/// Returns how many people were told.
pub(crate) async fn tell(
    tx: &mut Tx,
    people: &[Staff],
    key: &str,
    subject: &str,
    body: &str,
    visit: Option<VisitId>,
    now: DateTime<Utc>,
) -> Result<usize, ApiError> {
    for person in people {
        for (channel, address) in [
            ("in_app", store::in_app_address(person.id)),
            ("email", person.email.clone()),
        ] {
            let idempotency_key = format!("{key}:staff:{}:{channel}", person.id);
            tx.enqueue_notification(&NewNotification {
                alarm: None,
                visit,
                staff: Some(person.id),
                channel,
                address: &address,
                subject,
                body,
                idempotency_key: &idempotency_key,
                at: now,
            })
            .await?;
        }
    }
    Ok(people.len())
}

/// "Monday 23 November 2026"
pub(crate) fn long_date(at: DateTime<Utc>, tz: Tz) -> String {
    at.with_timezone(&tz).format("%A %-d %B %Y").to_string()
}

/// "10:20"
pub(crate) fn clock_time(at: DateTime<Utc>, tz: Tz) -> String {
    at.with_timezone(&tz).format("%H:%M").to_string()
}

/// "23/11/2026 10:20"
pub(crate) fn short_datetime(at: DateTime<Utc>, tz: Tz) -> String {
    at.with_timezone(&tz).format("%d/%m/%Y %H:%M").to_string()
}

pub(crate) fn short_date(d: NaiveDate) -> String {
    d.format("%d/%m/%Y").to_string()
}

/// Renders a document off the async threads (STYLE: PDF work in `spawn_blocking`).
pub(crate) async fn render<T: Send + 'static>(
    doc: T,
    f: fn(&T) -> Vec<u8>,
) -> Result<Vec<u8>, ApiError> {
    tokio::task::spawn_blocking(move || f(&doc))
        .await
        .map_err(ApiError::internal)
}

/// A PDF answer that browsers show inline and nobody caches.
pub(crate) fn pdf(bytes: Vec<u8>, filename: &str) -> Response {
    (
        [
            (header::CONTENT_TYPE, "application/pdf".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("inline; filename=\"{filename}\""),
            ),
            (header::CACHE_CONTROL, "no-store".to_string()),
        ],
        bytes,
    )
        .into_response()
}
