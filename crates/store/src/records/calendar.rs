//! P7: secret, revocable links to an iCalendar feed of visits, for one member of staff or for a
//! whole school (the office's "calendar of whereabouts"). Only a hash of each secret is kept.

use crate::db::{Db, Result, StoreError, Tx, with_pool, with_tx};
use chrono::{DateTime, Utc};
use domain::{SchoolId, StaffId};
use serde::Serialize;

#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct CalendarLink {
    pub id: i64,
    #[sqlx(try_from = "i64")]
    pub school_id: SchoolId,
    /// A person's feed (their visits); `None`: the whole school's.
    pub staff_id: Option<i64>,
    pub label: String,
    pub created_by: i64,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked_by: Option<i64>,
    pub revoked_at: Option<DateTime<Utc>>,
}

pub struct NewCalendarLink<'a> {
    pub token_hash: &'a str,
    pub school: SchoolId,
    pub staff: Option<StaffId>,
    pub label: &'a str,
    pub created_by: StaffId,
}

const LINK_COLUMNS: &str =
    "id, school_id, staff_id, label, created_by, created_at, last_used_at, revoked_by, revoked_at";

fn sql(q: String) -> sqlx::AssertSqlSafe<String> {
    sqlx::AssertSqlSafe(q)
}

impl Tx {
    pub async fn create_calendar_link(
        &mut self,
        l: &NewCalendarLink<'_>,
        now: DateTime<Utc>,
    ) -> Result<i64> {
        const Q: &str = "insert into calendar_links (token_hash, school_id, staff_id, label, created_by, created_at) \
            values ($1, $2, $3, $4, $5, $6) returning id";
        Ok(with_tx!(self, c => sqlx::query_scalar(Q)
            .bind(l.token_hash)
            .bind(l.school.0)
            .bind(l.staff.map(|s| s.0))
            .bind(l.label)
            .bind(l.created_by.0)
            .bind(now)
            .fetch_one(c)
            .await)?)
    }

    pub async fn revoke_calendar_link(
        &mut self,
        id: i64,
        by: StaffId,
        now: DateTime<Utc>,
    ) -> Result<()> {
        const Q: &str = "update calendar_links set revoked_by = $1, revoked_at = $2 where id = $3 and revoked_at is null";
        let n = with_tx!(self, c => sqlx::query(Q).bind(by.0).bind(now).bind(id).execute(c).await.map(|r| r.rows_affected()))?;
        if n == 0 {
            return Err(StoreError::Conflict {
                field: "link",
                reason: "this calendar link is already revoked".into(),
            });
        }
        Ok(())
    }
}

impl Tx {
    /// A calendar link as stored now, inside the transaction. Errors: `NotFound`.
    pub async fn calendar_link(&mut self, id: i64) -> Result<CalendarLink> {
        let q = sql(format!(
            "select {LINK_COLUMNS} from calendar_links where id = $1"
        ));
        with_tx!(self, c => sqlx::query_as(q).bind(id).fetch_optional(c).await)?
            .ok_or_else(StoreError::not_found("calendar link", id))
    }
}

impl Db {
    pub async fn calendar_link(&self, id: i64) -> Result<CalendarLink> {
        let q = sql(format!(
            "select {LINK_COLUMNS} from calendar_links where id = $1"
        ));
        with_pool!(self, p => sqlx::query_as(q).bind(id).fetch_optional(p).await)?
            .ok_or_else(StoreError::not_found("calendar link", id))
    }

    /// The live link with this secret's hash; revoked links are not found.
    pub async fn live_calendar_link(&self, token_hash: &str) -> Result<Option<CalendarLink>> {
        let q = sql(format!(
            "select {LINK_COLUMNS} from calendar_links where token_hash = $1 and revoked_at is null"
        ));
        Ok(with_pool!(self, p => sqlx::query_as(q).bind(token_hash).fetch_optional(p).await)?)
    }

    /// Links of a school; with `created_by`, only that person's.
    pub async fn calendar_links(
        &self,
        school: SchoolId,
        created_by: Option<StaffId>,
    ) -> Result<Vec<CalendarLink>> {
        let q = sql(format!(
            "select {LINK_COLUMNS} from calendar_links where school_id = $1 and ($2 = 0 or created_by = $2) order by id"
        ));
        Ok(
            with_pool!(self, p => sqlx::query_as(q).bind(school.0).bind(created_by.map_or(0, |s| s.0)).fetch_all(p).await)?,
        )
    }

    /// Notes when a calendar app last fetched the feed (instead of an audit entry per poll).
    pub async fn touch_calendar_link(&self, id: i64, now: DateTime<Utc>) -> Result<()> {
        const Q: &str = "update calendar_links set last_used_at = $1 where id = $2";
        with_pool!(self, p => sqlx::query(Q).bind(now).bind(id).execute(p).await.map(|_| ()))?;
        Ok(())
    }
}
