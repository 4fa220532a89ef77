//! D9, A6: the Home Visit Slip left when nobody is home, the family's response, and the
//! `slip_response` deadline the safety monitor fires if no response comes in time.

use super::SLIP_DEADLINE;
use crate::db::{Db, Result, StoreError, Tx, with_pool, with_tx};
use chrono::{DateTime, Utc};
use domain::{PupilId, SchoolId, StaffId, VisitId};
use serde::Serialize;

#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Slip {
    pub id: i64,
    #[sqlx(try_from = "i64")]
    pub visit_id: VisitId,
    #[sqlx(try_from = "i64")]
    pub school_id: SchoolId,
    #[sqlx(try_from = "i64")]
    pub pupil_id: PupilId,
    pub left_at: DateTime<Utc>,
    /// The time printed on the slip: no response by then and the DSL is alarmed.
    pub respond_by: DateTime<Utc>,
    /// The school's wording as printed, with the child's name and the deadline filled in.
    pub message: String,
    pub left_by: i64,
    pub responded_at: Option<DateTime<Utc>>,
    /// Who got in touch ("Jo Smith (mother), by phone").
    pub response_from: Option<String>,
    pub response_note: Option<String>,
    pub response_recorded_by: Option<i64>,
    pub created_at: DateTime<Utc>,
}

pub struct NewSlip<'a> {
    pub visit: VisitId,
    pub school: SchoolId,
    pub pupil: PupilId,
    pub left_at: DateTime<Utc>,
    pub respond_by: DateTime<Utc>,
    pub message: &'a str,
    pub left_by: StaffId,
}

const SLIP_COLUMNS: &str = "id, visit_id, school_id, pupil_id, left_at, respond_by, message, left_by, responded_at, response_from, \
    response_note, response_recorded_by, created_at";

fn sql(q: String) -> sqlx::AssertSqlSafe<String> {
    sqlx::AssertSqlSafe(q)
}

impl Tx {
    /// Stores the slip and arms its deadline for the safety monitor, in the caller's transaction.
    pub async fn create_slip(&mut self, s: &NewSlip<'_>, now: DateTime<Utc>) -> Result<i64> {
        const Q: &str = "insert into home_visit_slips (visit_id, school_id, pupil_id, left_at, respond_by, message, left_by, created_at) \
            values ($1, $2, $3, $4, $5, $6, $7, $8) returning id";
        let id: i64 = with_tx!(self, c => sqlx::query_scalar(Q)
            .bind(s.visit.0)
            .bind(s.school.0)
            .bind(s.pupil.0)
            .bind(s.left_at)
            .bind(s.respond_by)
            .bind(s.message)
            .bind(s.left_by.0)
            .bind(now)
            .fetch_one(c)
            .await)
        .map_err(StoreError::unique(
            "visit",
            "a Home Visit Slip was already left for this visit",
        ))?;
        // The deadline fires at the time printed on the slip: the policy gives no grace.
        const ARM: &str = "insert into deadlines (visit_id, school_id, kind, due_at, fires_at, remind_at, reminded, state) \
            values ($1, $2, $3, $4, $4, null, $5, 'pending') on conflict (visit_id, kind) do update set \
            due_at = excluded.due_at, fires_at = excluded.fires_at, state = 'pending', reminded = excluded.reminded";
        with_tx!(self, c => sqlx::query(ARM)
            .bind(s.visit.0)
            .bind(s.school.0)
            .bind(SLIP_DEADLINE)
            .bind(s.respond_by)
            .bind(false)
            .execute(c)
            .await
            .map(|_| ()))?;
        Ok(id)
    }

    /// The family got in touch: the slip is closed and its deadline, if not yet fired, disarmed.
    pub async fn record_slip_response(
        &mut self,
        slip: &Slip,
        from: &str,
        note: Option<&str>,
        responded_at: DateTime<Utc>,
        by: StaffId,
    ) -> Result<()> {
        const Q: &str = "update home_visit_slips set responded_at = $1, response_from = $2, response_note = $3, response_recorded_by = $4 \
            where id = $5 and responded_at is null";
        let n = with_tx!(self, c => sqlx::query(Q)
            .bind(responded_at)
            .bind(from)
            .bind(note)
            .bind(by.0)
            .bind(slip.id)
            .execute(c)
            .await
            .map(|r| r.rows_affected()))?;
        if n == 0 {
            return Err(StoreError::Conflict {
                field: "slip",
                reason: "a response to this slip is already recorded".into(),
            });
        }
        const DISARM: &str =
            "delete from deadlines where visit_id = $1 and kind = $2 and state = 'pending'";
        with_tx!(self, c => sqlx::query(DISARM).bind(slip.visit_id.0).bind(SLIP_DEADLINE).execute(c).await.map(|_| ()))?;
        Ok(())
    }
}

impl Tx {
    /// The visit's slip as stored now, inside the transaction.
    pub async fn slip_of_visit(&mut self, visit: VisitId) -> Result<Option<Slip>> {
        let q = sql(format!(
            "select {SLIP_COLUMNS} from home_visit_slips where visit_id = $1"
        ));
        Ok(with_tx!(self, c => sqlx::query_as(q).bind(visit.0).fetch_optional(c).await)?)
    }
}

impl Db {
    pub async fn slip_of_visit(&self, visit: VisitId) -> Result<Option<Slip>> {
        let q = sql(format!(
            "select {SLIP_COLUMNS} from home_visit_slips where visit_id = $1"
        ));
        Ok(with_pool!(self, p => sqlx::query_as(q).bind(visit.0).fetch_optional(p).await)?)
    }

    pub async fn slips_of_pupil(&self, pupil: PupilId) -> Result<Vec<Slip>> {
        let q = sql(format!(
            "select {SLIP_COLUMNS} from home_visit_slips where pupil_id = $1 order by left_at, id"
        ));
        Ok(with_pool!(self, p => sqlx::query_as(q).bind(pupil.0).fetch_all(p).await)?)
    }

    /// Whether the slip's deadline is still armed (pending) for the monitor.
    pub async fn slip_deadline_state(&self, visit: VisitId) -> Result<Option<String>> {
        const Q: &str = "select state from deadlines where visit_id = $1 and kind = $2";
        Ok(
            with_pool!(self, p => sqlx::query_scalar(Q).bind(visit.0).bind(SLIP_DEADLINE).fetch_optional(p).await)?,
        )
    }
}
