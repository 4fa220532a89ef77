//! Reading the audit trail as JSON: the DSL, the head and trust administrators see who did and
//! read what. The decision and the audit of the look are `app::safeguarding::audit_trail`'s.

use crate::AppState;
use crate::auth::CurrentStaff;
use crate::error::ApiError;
use crate::extract::ApiQuery;
use app::safeguarding::{AuditQuery, audit_trail as read_trail};
use axum::Json;
use axum::extract::State;
use store::AuditRow;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(audit_trail))
}

/// Newest first.
#[utoipa::path(get, path = "/api/audit", tag = "audit", params(AuditQuery), responses((status = 200, body = Vec<AuditRow>), (status = 403)))]
async fn audit_trail(
    State(state): State<AppState>,
    CurrentStaff(me): CurrentStaff,
    ApiQuery(q): ApiQuery<AuditQuery>,
) -> Result<Json<Vec<AuditRow>>, ApiError> {
    Ok(Json(read_trail(&state, &me, &q).await?))
}
