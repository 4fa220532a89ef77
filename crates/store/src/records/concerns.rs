//! A4: safeguarding concerns about a child, for the DSL at once; and A10: allegations against
//! staff and parents' concerns about a visit, kept apart in their own table for the head only.

use crate::db::{Db, Result, StoreError, Tx, with_pool, with_tx};
use chrono::{DateTime, Utc};
use domain::safeguarding::HeadOnlyKind;
use domain::{PupilId, SchoolId, StaffId, VisitId};
use serde::Serialize;

#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct SafeguardingConcern {
    pub id: i64,
    #[sqlx(try_from = "i64")]
    pub school_id: SchoolId,
    #[sqlx(try_from = "i64")]
    pub pupil_id: PupilId,
    pub visit_id: Option<i64>,
    /// The doorstep alarm (D6) this concern follows, if any.
    pub alarm_id: Option<i64>,
    /// visit, doorstep_observation or other
    pub source: String,
    pub concern: String,
    pub observed_at: DateTime<Utc>,
    pub raised_by: i64,
    pub raised_by_name: String,
    pub raised_at: DateTime<Utc>,
    pub acknowledged_by: Option<i64>,
    pub acknowledged_at: Option<DateTime<Utc>>,
    /// What the DSL decided or did.
    pub dsl_note: Option<String>,
}

pub struct NewSafeguardingConcern<'a> {
    pub school: SchoolId,
    pub pupil: PupilId,
    pub visit: Option<VisitId>,
    pub alarm: Option<i64>,
    pub source: &'a str,
    pub concern: &'a str,
    pub observed_at: DateTime<Utc>,
    pub raised_by: StaffId,
}

/// An allegation against a member of staff, or a parent's concern about a visit (A10).
#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct HeadOnlyRecord {
    pub id: i64,
    #[sqlx(try_from = "i64")]
    pub school_id: SchoolId,
    /// allegation_against_staff or parent_concern
    #[sqlx(try_from = "crate::stored::Stored<HeadOnlyKind>")]
    pub kind: HeadOnlyKind,
    pub visit_id: Option<i64>,
    pub pupil_id: Option<i64>,
    pub about_staff_id: Option<i64>,
    /// Who made the allegation or raised the concern ("Jo Smith, mother, by phone").
    pub raised_by_name: String,
    pub received_at: DateTime<Utc>,
    pub account: String,
    pub recorded_by: i64,
    pub recorded_at: DateTime<Utc>,
    pub outcome: Option<String>,
    pub closed_by: Option<i64>,
    pub closed_at: Option<DateTime<Utc>>,
}

pub struct NewHeadOnlyRecord<'a> {
    pub school: SchoolId,
    pub kind: &'a str,
    pub visit: Option<VisitId>,
    pub pupil: Option<PupilId>,
    pub about_staff: Option<StaffId>,
    pub raised_by_name: &'a str,
    pub received_at: DateTime<Utc>,
    pub account: &'a str,
    pub recorded_by: StaffId,
}

const CONCERN_COLUMNS: &str = "c.id, c.school_id, c.pupil_id, c.visit_id, c.alarm_id, c.source, c.concern, c.observed_at, c.raised_by, \
    s.name as raised_by_name, c.raised_at, c.acknowledged_by, c.acknowledged_at, c.dsl_note";
const HEAD_ONLY_COLUMNS: &str = "id, school_id, kind, visit_id, pupil_id, about_staff_id, raised_by_name, received_at, account, \
    recorded_by, recorded_at, outcome, closed_by, closed_at";

fn sql(q: String) -> sqlx::AssertSqlSafe<String> {
    sqlx::AssertSqlSafe(q)
}

impl Tx {
    /// One concern, read inside the transaction that changes it.
    /// Error: `NotFound("safeguarding concern")`.
    pub async fn safeguarding_concern(&mut self, id: i64) -> Result<SafeguardingConcern> {
        let q = sql(format!(
            "select {CONCERN_COLUMNS} from safeguarding_concerns c join staff s on s.id = c.raised_by where c.id = $1"
        ));
        with_tx!(self, x => sqlx::query_as(q).bind(id).fetch_optional(x).await)?
            .ok_or_else(StoreError::not_found("safeguarding concern", id))
    }

    /// One record for the head, read inside the transaction that changes it.
    /// Error: `NotFound("record")`.
    pub async fn head_only_record(&mut self, id: i64) -> Result<HeadOnlyRecord> {
        let q = sql(format!(
            "select {HEAD_ONLY_COLUMNS} from head_only_records where id = $1"
        ));
        with_tx!(self, x => sqlx::query_as(q).bind(id).fetch_optional(x).await)?
            .ok_or_else(StoreError::not_found("record", id))
    }

    pub async fn raise_safeguarding_concern(
        &mut self,
        c: &NewSafeguardingConcern<'_>,
        now: DateTime<Utc>,
    ) -> Result<i64> {
        const Q: &str = "insert into safeguarding_concerns (school_id, pupil_id, visit_id, alarm_id, source, concern, observed_at, raised_by, raised_at) \
            values ($1, $2, $3, $4, $5, $6, $7, $8, $9) returning id";
        Ok(with_tx!(self, x => sqlx::query_scalar(Q)
            .bind(c.school.0)
            .bind(c.pupil.0)
            .bind(c.visit.map(|v| v.0))
            .bind(c.alarm)
            .bind(c.source)
            .bind(c.concern)
            .bind(c.observed_at)
            .bind(c.raised_by.0)
            .bind(now)
            .fetch_one(x)
            .await)?)
    }

    /// The DSL has it in hand, saying what they decided.
    pub async fn acknowledge_safeguarding_concern(
        &mut self,
        id: i64,
        by: StaffId,
        note: &str,
        now: DateTime<Utc>,
    ) -> Result<()> {
        const Q: &str = "update safeguarding_concerns set acknowledged_by = $1, acknowledged_at = $2, dsl_note = $3 \
            where id = $4 and acknowledged_at is null";
        let n = with_tx!(self, x => sqlx::query(Q).bind(by.0).bind(now).bind(note).bind(id).execute(x).await.map(|r| r.rows_affected()))?;
        if n == 0 {
            return Err(StoreError::Conflict {
                field: "concern",
                reason: "this concern is already acknowledged".into(),
            });
        }
        Ok(())
    }

    pub async fn create_head_only_record(
        &mut self,
        r: &NewHeadOnlyRecord<'_>,
        now: DateTime<Utc>,
    ) -> Result<i64> {
        const Q: &str = "insert into head_only_records (school_id, kind, visit_id, pupil_id, about_staff_id, raised_by_name, received_at, \
            account, recorded_by, recorded_at) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) returning id";
        Ok(with_tx!(self, x => sqlx::query_scalar(Q)
            .bind(r.school.0)
            .bind(r.kind)
            .bind(r.visit.map(|v| v.0))
            .bind(r.pupil.map(|p| p.0))
            .bind(r.about_staff.map(|s| s.0))
            .bind(r.raised_by_name)
            .bind(r.received_at)
            .bind(r.account)
            .bind(r.recorded_by.0)
            .bind(now)
            .fetch_one(x)
            .await)?)
    }

    pub async fn close_head_only_record(
        &mut self,
        id: i64,
        by: StaffId,
        outcome: &str,
        now: DateTime<Utc>,
    ) -> Result<()> {
        const Q: &str = "update head_only_records set outcome = $1, closed_by = $2, closed_at = $3 where id = $4 and closed_at is null";
        let n = with_tx!(self, x => sqlx::query(Q).bind(outcome).bind(by.0).bind(now).bind(id).execute(x).await.map(|r| r.rows_affected()))?;
        if n == 0 {
            return Err(StoreError::Conflict {
                field: "record",
                reason: "this record is already closed".into(),
            });
        }
        Ok(())
    }
}

impl Db {
    pub async fn safeguarding_concern(&self, id: i64) -> Result<SafeguardingConcern> {
        let q = sql(format!(
            "select {CONCERN_COLUMNS} from safeguarding_concerns c join staff s on s.id = c.raised_by where c.id = $1"
        ));
        with_pool!(self, p => sqlx::query_as(q).bind(id).fetch_optional(p).await)?
            .ok_or_else(StoreError::not_found("safeguarding concern", id))
    }

    pub async fn safeguarding_concerns_of_pupil(
        &self,
        pupil: PupilId,
    ) -> Result<Vec<SafeguardingConcern>> {
        let q = sql(format!(
            "select {CONCERN_COLUMNS} from safeguarding_concerns c join staff s on s.id = c.raised_by \
             where c.pupil_id = $1 order by c.observed_at, c.id"
        ));
        Ok(with_pool!(self, p => sqlx::query_as(q).bind(pupil.0).fetch_all(p).await)?)
    }

    /// A school's concerns, newest first; `open_only` keeps those the DSL has not acknowledged.
    pub async fn safeguarding_concerns_of_school(
        &self,
        school: SchoolId,
        open_only: bool,
    ) -> Result<Vec<SafeguardingConcern>> {
        let q = sql(format!(
            "select {CONCERN_COLUMNS} from safeguarding_concerns c join staff s on s.id = c.raised_by \
             where c.school_id = $1 and ($2 = 0 or c.acknowledged_at is null) order by c.raised_at desc, c.id desc limit 500"
        ));
        Ok(
            with_pool!(self, p => sqlx::query_as(q).bind(school.0).bind(i64::from(open_only)).fetch_all(p).await)?,
        )
    }

    pub async fn head_only_record(&self, id: i64) -> Result<HeadOnlyRecord> {
        let q = sql(format!(
            "select {HEAD_ONLY_COLUMNS} from head_only_records where id = $1"
        ));
        with_pool!(self, p => sqlx::query_as(q).bind(id).fetch_optional(p).await)?
            .ok_or_else(StoreError::not_found("record", id))
    }

    pub async fn head_only_records(&self, school: SchoolId) -> Result<Vec<HeadOnlyRecord>> {
        let q = sql(format!(
            "select {HEAD_ONLY_COLUMNS} from head_only_records where school_id = $1 order by received_at desc, id desc"
        ));
        Ok(with_pool!(self, p => sqlx::query_as(q).bind(school.0).fetch_all(p).await)?)
    }
}
