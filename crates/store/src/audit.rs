//! The append-only audit trail: who did what, when. The database refuses updates and deletes.

use crate::db::{Db, Result, Tx, with_pool, with_tx};
use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::types::Json;

/// One thing somebody did, written in the same transaction as the change itself.
#[derive(Debug, Clone)]
pub struct AuditEntry {
    pub at: DateTime<Utc>,
    pub actor: Option<domain::StaffId>,
    pub school: Option<domain::SchoolId>,
    /// A verb phrase: "visit.authorise", "household.read".
    pub action: String,
    pub subject_type: &'static str,
    pub subject_id: Option<i64>,
    pub detail: serde_json::Value,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct AuditRow {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub actor_staff_id: Option<i64>,
    pub school_id: Option<i64>,
    pub action: String,
    pub subject_type: String,
    pub subject_id: Option<i64>,
    #[schema(value_type = Object)]
    pub detail: Option<Json<serde_json::Value>>,
}

impl Tx {
    pub async fn append_audit(&mut self, e: &AuditEntry) -> Result<()> {
        const Q: &str = "insert into audit_log (at, actor_staff_id, school_id, action, subject_type, subject_id, detail) \
                         values ($1, $2, $3, $4, $5, $6, $7)";
        with_tx!(self, c => sqlx::query(Q)
            .bind(e.at)
            .bind(e.actor.map(|a| a.0))
            .bind(e.school.map(|s| s.0))
            .bind(&e.action)
            .bind(e.subject_type)
            .bind(e.subject_id)
            .bind(Json(&e.detail))
            .execute(c)
            .await
            .map(|_| ()))?;
        Ok(())
    }
}

impl Tx {
    /// Appends several entries in one statement per 64 rows (the check-in group commit writes
    /// one per check-in in its own transaction, so it stays one flush for the whole group).
    pub async fn append_audits(&mut self, entries: &[AuditEntry]) -> Result<()> {
        for chunk in entries.chunks(64) {
            with_tx!(self, c => {
                let mut q = sqlx::QueryBuilder::new(
                    "insert into audit_log (at, actor_staff_id, school_id, action, subject_type, subject_id, detail) ",
                );
                q.push_values(chunk, |mut row, e| {
                    row.push_bind(e.at)
                        .push_bind(e.actor.map(|a| a.0))
                        .push_bind(e.school.map(|s| s.0))
                        .push_bind(&e.action)
                        .push_bind(e.subject_type)
                        .push_bind(e.subject_id)
                        .push_bind(Json(&e.detail));
                });
                q.build().execute(c).await.map(|_| ())
            })?;
        }
        Ok(())
    }
}

impl Db {
    /// Appends one entry outside any other change (reads of sensitive records).
    pub async fn append_audit(&self, e: &AuditEntry) -> Result<()> {
        let mut tx = self.begin().await?;
        tx.append_audit(e).await?;
        tx.commit().await
    }

    /// Whether `actor` already has an entry of `action` about the subject at or after `since`
    /// (UTC): a repeated read that need not be written again.
    pub async fn audited_since(
        &self,
        actor: domain::StaffId,
        action: &str,
        subject: (&str, i64),
        since: DateTime<Utc>,
    ) -> Result<bool> {
        const Q: &str = "select count(*) from audit_log where actor_staff_id = $1 and action = $2 \
                         and subject_type = $3 and subject_id = $4 and at >= $5";
        let n: i64 = with_pool!(self, p => {
            sqlx::query_scalar(Q)
                .bind(actor.0)
                .bind(action)
                .bind(subject.0)
                .bind(subject.1)
                .bind(since)
                .fetch_one(p)
                .await
        })?;
        Ok(n > 0)
    }

    /// Newest first: one trust's entries, optionally one school's and one subject's. The trust's
    /// entries include those with no actor about the trust itself (a refused single sign-on).
    pub async fn audit_trail(
        &self,
        trust: domain::TrustId,
        school: Option<domain::SchoolId>,
        subject: Option<(&str, i64)>,
        limit: i64,
    ) -> Result<Vec<AuditRow>> {
        self.audit_trail_filtered(&AuditFilter {
            trust,
            school,
            subject,
            limit,
            ..AuditFilter::of(trust)
        })
        .await
    }

    /// Newest first, as [`AuditFilter`] narrows it: a page of at most `limit` rows.
    pub async fn audit_trail_filtered(&self, f: &AuditFilter<'_>) -> Result<Vec<AuditRow>> {
        const Q: &str = "select a.id, a.at, a.actor_staff_id, a.school_id, a.action, a.subject_type, a.subject_id, a.detail \
            from audit_log a left join staff s on s.id = a.actor_staff_id \
            where (a.school_id in (select id from schools where trust_id = $1) or (a.school_id is null and s.trust_id = $1) \
                   or (a.actor_staff_id is null and a.subject_type = 'trust' and a.subject_id = $1)) \
              and ($2 = 0 or a.school_id = $2) \
              and ($3 = '' or a.subject_type = $3) and ($4 = 0 or a.subject_id = $4) \
              and ($5 = 0 or a.actor_staff_id = $5) and ($6 = '' or a.action = $6) \
              and ($7 = 0 or a.id < $7) and a.at >= $8 and a.at < $9 \
            order by a.id desc limit $10";
        // Bounds both backends hold and SQLite's text timestamps compare in order (4-digit years).
        let from = f.from.unwrap_or(DateTime::<Utc>::UNIX_EPOCH);
        let to = f.to.unwrap_or_else(|| {
            DateTime::parse_from_rfc3339("9999-12-31T00:00:00Z")
                .map_or(DateTime::<Utc>::UNIX_EPOCH, |d| d.with_timezone(&Utc))
        });
        Ok(with_pool!(self, p => {
            sqlx::query_as(Q)
                .bind(f.trust.0)
                .bind(f.school.map_or(0, |s| s.0))
                .bind(f.subject.map_or("", |s| s.0))
                .bind(f.subject.map_or(0, |s| s.1))
                .bind(f.actor.map_or(0, |a| a.0))
                .bind(f.action.unwrap_or(""))
                .bind(f.before_id.unwrap_or(0))
                .bind(from)
                .bind(to)
                .bind(f.limit)
                .fetch_all(p)
                .await
        })?)
    }
}

/// What a page of the audit trail is narrowed to. Times are UTC; `to` is exclusive.
#[derive(Debug, Clone)]
pub struct AuditFilter<'a> {
    pub trust: domain::TrustId,
    pub school: Option<domain::SchoolId>,
    /// A subject type and id (0: any of that type).
    pub subject: Option<(&'a str, i64)>,
    /// Only what this member of staff did.
    pub actor: Option<domain::StaffId>,
    /// Only this action, e.g. `chronology.read`.
    pub action: Option<&'a str>,
    /// Only rows older than this row (the next page).
    pub before_id: Option<i64>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
    pub limit: i64,
}

impl AuditFilter<'_> {
    /// Everything of the trust, 200 rows.
    pub fn of(trust: domain::TrustId) -> Self {
        AuditFilter {
            trust,
            school: None,
            subject: None,
            actor: None,
            action: None,
            before_id: None,
            from: None,
            to: None,
            limit: 200,
        }
    }
}
