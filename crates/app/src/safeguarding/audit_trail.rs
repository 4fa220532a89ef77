//! Reading the audit trail: the DSL, the head and trust administrators see who did and read what
//! in the schools they work across. Each look is itself a row of the trail.

use crate::access::{self, may_read_audit};
use crate::audit::entry;
use crate::{App, Refusal, Result};
use chrono::{Duration, NaiveDate, NaiveTime};
use domain::{HouseholdId, PupilId, SchoolId, StaffId, VisitId};
use serde::Deserialize;
use std::collections::HashMap;
use store::{AuditFilter, AuditRow, Staff};

#[derive(Default, Deserialize, utoipa::IntoParams)]
pub struct AuditQuery {
    pub subject_type: Option<String>,
    pub subject_id: Option<i64>,
    /// At most this many rows (1 to 1,000; 200 when left out).
    pub limit: Option<i64>,
    /// Only what this member of staff did.
    pub actor_staff_id: Option<i64>,
    /// Only this action, e.g. `chronology.read`.
    pub action: Option<String>,
    /// From this day (UTC), inclusive.
    pub from: Option<NaiveDate>,
    /// To this day (UTC), inclusive.
    pub to: Option<NaiveDate>,
    /// The next page: rows older than this row id (the `id` of the last row of the page before).
    pub before_id: Option<i64>,
}

/// The audit trail, newest first, of the person's school (a trust administrator: the trust),
/// optionally about one subject. The trail is need-to-know too: a row about a record is shown
/// only to someone who may read that record ([`row_visible`]), so nobody sees the rows about an
/// allegation concerning themselves, and rows about a record for the head go only to its
/// readers. Narrowed by person, action and days (UTC) and paged by `before_id`; a page may hold
/// fewer than `limit` rows when some are hidden. The look is recorded (with its filter) after
/// the rows are read, so it is not among them. Errors: `Forbidden` for anyone but the DSL, the
/// head and trust administrators; `Invalid("to")` before `from`.
pub async fn audit_trail(app: &App, me: &Staff, q: &AuditQuery) -> Result<Vec<AuditRow>> {
    let scope = may_read_audit(me)?;
    let school = scope.school.filter(|s| *s != SchoolId(0));
    let subject = match (&q.subject_type, q.subject_id) {
        (Some(t), Some(id)) => Some((t.as_str(), id)),
        (Some(t), None) => Some((t.as_str(), 0)),
        _ => None,
    };
    if let (Some(from), Some(to)) = (q.from, q.to)
        && to < from
    {
        return Err(Refusal::invalid(
            "to",
            "is before the day the trail is read from",
        ));
    }
    let day = |d: NaiveDate| d.and_time(NaiveTime::MIN).and_utc();
    let filter = AuditFilter {
        trust: scope.trust,
        school,
        subject,
        actor: q.actor_staff_id.map(StaffId),
        action: q.action.as_deref().map(str::trim).filter(|a| !a.is_empty()),
        before_id: q.before_id,
        from: q.from.map(day),
        to: q.to.map(|d| day(d) + Duration::days(1)),
        limit: q.limit.unwrap_or(200).clamp(1, 1000),
    };
    let mut rows = Vec::new();
    let mut decided: HashMap<(String, i64), bool> = HashMap::new();
    for row in app.db().audit_trail_filtered(&filter).await? {
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
        serde_json::json!({
            "subject_type": q.subject_type, "subject_id": q.subject_id,
            "actor_staff_id": q.actor_staff_id, "action": filter.action,
            "from": q.from, "to": q.to, "before_id": q.before_id, "count": rows.len()
        }),
    );
    app.db().append_audit(&e).await?;
    Ok(rows)
}

/// Whether a row about record `id` of `subject_type` may be shown to `me`: the record's own
/// access decision, asked without recording a read. Rows about schools, staff accounts,
/// policies and the like are shown to every reader of the trail.
async fn row_visible(app: &App, me: &Staff, subject_type: &str, id: i64) -> Result<bool> {
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
