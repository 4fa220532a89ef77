//! Reading the audit trail: the DSL, the head and trust administrators see who did and read what
//! in the schools they work across. Each look is itself a row of the trail.

use crate::access::may_read_audit;
use crate::audit::entry;
use crate::{App, Result};
use domain::SchoolId;
use serde::Deserialize;
use store::{AuditRow, Staff};

#[derive(Default, Deserialize, utoipa::IntoParams)]
pub struct AuditQuery {
    pub subject_type: Option<String>,
    pub subject_id: Option<i64>,
    /// At most this many rows (1 to 1,000; 200 when left out).
    pub limit: Option<i64>,
}

/// The audit trail, newest first, of the person's school (a trust administrator: the trust),
/// optionally about one subject. The look is recorded after the rows are read, so it is not among
/// them. Error: `Forbidden` for anyone but the DSL, the head and trust administrators.
pub async fn audit_trail(app: &App, me: &Staff, q: &AuditQuery) -> Result<Vec<AuditRow>> {
    let scope = may_read_audit(me)?;
    let school = scope.school.filter(|s| *s != SchoolId(0));
    let subject = match (&q.subject_type, q.subject_id) {
        (Some(t), Some(id)) => Some((t.as_str(), id)),
        (Some(t), None) => Some((t.as_str(), 0)),
        _ => None,
    };
    let limit = q.limit.unwrap_or(200).clamp(1, 1000);
    let rows = app
        .db()
        .audit_trail(scope.trust, school, subject, limit)
        .await?;
    let (subject_type, subject_id) = match school {
        Some(s) => ("school", s.0),
        None => ("trust", scope.trust.0),
    };
    let e = entry(
        app,
        me,
        "audit_trail.viewed",
        subject_type,
        subject_id,
        school,
        serde_json::json!({ "subject_type": q.subject_type, "subject_id": q.subject_id, "count": rows.len() }),
    );
    app.db().append_audit(&e).await?;
    Ok(rows)
}
