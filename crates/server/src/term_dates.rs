//! The school calendar's term dates from an iCalendar file: the JSON adapter of
//! [`app::school_admin::import_term_dates`].

use crate::AppState;
use crate::error::ApiError;
use crate::schools::PathSchool;
use app::school_admin as uc;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(import_terms))
}

/// Replaces the school's term dates (`calendar.terms`) with the events of an iCalendar file
/// (`text/calendar`, one event per term): a policy draft, in force once approved. Refused naming `ics`.
#[utoipa::path(put, path = "/api/schools/{id}/calendar/terms", tag = "policy", params(("id" = i64, Path)),
    request_body(content = String, content_type = "text/calendar"),
    responses((status = 201, body = uc::DraftView), (status = 403), (status = 404), (status = 422)))]
async fn import_terms(
    State(state): State<AppState>,
    PathSchool { me, school }: PathSchool,
    body: String,
) -> Result<(StatusCode, Json<uc::DraftView>), ApiError> {
    let draft = uc::import_term_dates(&state, &me, school, &body, state.now()).await?;
    Ok((StatusCode::CREATED, Json(draft)))
}
