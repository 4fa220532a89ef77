//! Reading the audit trail: the DSL, the head and trust administrators see who did and read what
//! in the schools they work across. Each look is itself a row of the trail.

use crate::access::{self, may_read_audit};
use crate::audit::entry;
use crate::{App, Result};
use domain::{HouseholdId, PupilId, SchoolId, VisitId};
use serde::Deserialize;
use std::collections::HashMap;
use store::{AuditRow, Staff};

#[derive(Default, Deserialize, utoipa::IntoParams)]
pub struct AuditQuery {
    pub subject_type: Option<String>,
    pub subject_id: Option<i64>,
    /// At most this many rows (1 to 1,000; 200 when left out).
    pub limit: Option<i64>,
}

/// The audit trail, newest first, of the person's school (a trust administrator: the trust),
/// optionally about one subject. The trail is need-to-know too: a row about a record is shown
/// only to someone who may read that record ([`row_visible`]), so nobody sees the rows about an
/// allegation concerning themselves, and rows about a record for the head go only to its
/// readers. The look is recorded after the rows are read, so it is not among them. Error:
/// `Forbidden` for anyone but the DSL, the head and trust administrators.
pub async fn audit_trail(app: &App, me: &Staff, q: &AuditQuery) -> Result<Vec<AuditRow>> {
    let scope = may_read_audit(me)?;
    let school = scope.school.filter(|s| *s != SchoolId(0));
    let subject = match (&q.subject_type, q.subject_id) {
        (Some(t), Some(id)) => Some((t.as_str(), id)),
        (Some(t), None) => Some((t.as_str(), 0)),
        _ => None,
    };
    let limit = q.limit.unwrap_or(200).clamp(1, 1000);
    let mut rows = Vec::new();
    let mut decided: HashMap<(String, i64), bool> = HashMap::new();
    for row in app
        .db()
        .audit_trail(scope.trust, school, subject, limit)
        .await?
    {
        let Some(id) = row.subject_id else {
            rows.push(row);
            continue;
        };
        let key = (row.subject_type.clone(), id);
        let visible = match decided.get(&key) {
            Some(v) => *v,
            None => {
                let v = row_visible(app, me, &row.subject_type, id).await?;
                decided.insert(key, v);
                v
            }
        };
        if visible {
            rows.push(row);
        }
    }
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

/// Whether a row about record `id` of `subject_type` may be shown to `me`: the record's own
/// access decision, asked without recording a read. Rows about schools, staff accounts,
/// policies and the like are shown to every reader of the trail.
async fn row_visible(app: &App, me: &Staff, subject_type: &str, id: i64) -> Result<bool> {
    use crate::Refusal;
    let decided = match subject_type {
        "head_only_record" => access::readable_head_only(app, me, id).await.map(|_| ()),
        "pupil" => access::readable_pupil(app, me, PupilId(id))
            .await
            .map(|_| ()),
        "safeguarding_concern" => match app.db().safeguarding_concern(id).await {
            Ok(c) if c.raised_by == me.id.0 => Ok(()),
            Ok(c) => access::readable_pupil(app, me, c.pupil_id)
                .await
                .map(|_| ()),
            Err(_) => Err(Refusal::not_found("safeguarding concern")),
        },
        "incident" => access::readable_incident(app, me, id).await.map(|_| ()),
        "visit" => access::visible_visit(app, me, VisitId(id))
            .await
            .map(|_| ()),
        "household" => access::visible_household(app, me, HouseholdId(id))
            .await
            .map(|_| ()),
        "alarm" => access::visible_alarm(app, me, id).await.map(|_| ()),
        _ => Ok(()),
    };
    match decided {
        Ok(()) => Ok(true),
        Err(Refusal::NotFound(_) | Refusal::Forbidden(_)) => Ok(false),
        Err(e) => Err(e),
    }
}
