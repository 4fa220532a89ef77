//! Reading the audit trail: the DSL, the head and trust administrators see who did and read what.

use crate::AppState;
use crate::access::{require_any, scope};
use crate::auth::CurrentStaff;
use crate::error::ApiError;
use crate::extract::ApiQuery;
use axum::Json;
use axum::extract::State;
use domain::{Role, SchoolId};
use serde::Deserialize;
use store::AuditRow;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(audit_trail))
}

#[derive(Deserialize, utoipa::IntoParams)]
struct AuditQuery {
    subject_type: Option<String>,
    subject_id: Option<i64>,
    limit: Option<i64>,
}

/// Newest first.
#[utoipa::path(get, path = "/api/audit", tag = "audit", params(AuditQuery), responses((status = 200, body = Vec<AuditRow>), (status = 403)))]
async fn audit_trail(
    State(state): State<AppState>,
    CurrentStaff(me): CurrentStaff,
    ApiQuery(q): ApiQuery<AuditQuery>,
) -> Result<Json<Vec<AuditRow>>, ApiError> {
    require_any(
        &me,
        &[Role::Dsl, Role::Headteacher, Role::TrustAdmin],
        "read the audit trail",
    )?;
    let s = scope(&me);
    let subject = match (&q.subject_type, q.subject_id) {
        (Some(t), Some(id)) => Some((t.as_str(), id)),
        (Some(t), None) => Some((t.as_str(), 0)),
        _ => None,
    };
    let limit = q.limit.unwrap_or(200).clamp(1, 1000);
    let rows = state
        .db()
        .audit_trail(
            s.trust,
            s.school.filter(|s| *s != SchoolId(0)),
            subject,
            limit,
        )
        .await?;
    Ok(Json(rows))
}
