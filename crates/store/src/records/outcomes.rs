//! A3: the outcome of a visit (St Joseph's Home Visit Form: outcome, action required) and its
//! follow-up actions, each with an owner and a due date.

use crate::db::{Db, Result, StoreError, Tx, with_pool, with_tx};
use crate::visits::Visit;
use chrono::{DateTime, NaiveDate, Utc};
use domain::{PupilId, SchoolId, StaffId, VisitId};
use serde::Serialize;

#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct VisitOutcome {
    #[sqlx(try_from = "i64")]
    pub visit_id: VisitId,
    #[sqlx(try_from = "i64")]
    pub school_id: SchoolId,
    #[sqlx(try_from = "i64")]
    pub pupil_id: PupilId,
    /// "Outcome of Home Visit".
    pub outcome: String,
    /// "Action Required".
    pub action_required: Option<String>,
    /// Who the visitors saw (P3: who the visit expected to see).
    pub people_seen: Option<String>,
    pub recorded_by: i64,
    pub recorded_at: DateTime<Utc>,
    pub updated_by: i64,
    pub updated_at: DateTime<Utc>,
    /// Send it back when changing the outcome, so two people cannot overwrite each other.
    pub revision: i64,
}

pub struct NewOutcome<'a> {
    pub outcome: &'a str,
    pub action_required: Option<&'a str>,
    pub people_seen: Option<&'a str>,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct FollowUpAction {
    pub id: i64,
    #[sqlx(try_from = "i64")]
    pub school_id: SchoolId,
    #[sqlx(try_from = "i64")]
    pub pupil_id: PupilId,
    pub visit_id: Option<i64>,
    pub description: String,
    pub owner_staff_id: i64,
    pub owner_name: String,
    pub due_on: NaiveDate,
    pub created_by: i64,
    pub created_at: DateTime<Utc>,
    pub done_at: Option<DateTime<Utc>>,
    pub done_by: Option<i64>,
    pub done_note: Option<String>,
}

pub struct NewAction<'a> {
    pub school: SchoolId,
    pub pupil: PupilId,
    pub visit: Option<VisitId>,
    pub description: &'a str,
    pub owner: StaffId,
    pub due_on: NaiveDate,
}

const OUTCOME_COLUMNS: &str = "visit_id, school_id, pupil_id, outcome, action_required, people_seen, recorded_by, recorded_at, \
    updated_by, updated_at, revision";
const ACTION_COLUMNS: &str = "a.id, a.school_id, a.pupil_id, a.visit_id, a.description, a.owner_staff_id, s.name as owner_name, a.due_on, \
    a.created_by, a.created_at, a.done_at, a.done_by, a.done_note";

fn sql(q: String) -> sqlx::AssertSqlSafe<String> {
    sqlx::AssertSqlSafe(q)
}

impl Tx {
    /// Records the outcome, or changes it when `revision` is the one stored. A first outcome is
    /// recorded with `revision` `None`; a second attempt without a revision is a conflict.
    pub async fn put_outcome(
        &mut self,
        visit: &Visit,
        o: &NewOutcome<'_>,
        revision: Option<i64>,
        by: StaffId,
        now: DateTime<Utc>,
    ) -> Result<i64> {
        match revision {
            None => {
                const Q: &str = "insert into visit_outcomes (visit_id, school_id, pupil_id, outcome, action_required, people_seen, \
                    recorded_by, recorded_at, updated_by, updated_at, revision) values ($1, $2, $3, $4, $5, $6, $7, $8, $7, $8, 1)";
                with_tx!(self, c => sqlx::query(Q)
                    .bind(visit.id.0)
                    .bind(visit.school_id.0)
                    .bind(visit.pupil_id.0)
                    .bind(o.outcome)
                    .bind(o.action_required)
                    .bind(o.people_seen)
                    .bind(by.0)
                    .bind(now)
                    .execute(c)
                    .await
                    .map(|_| ()))
                .map_err(StoreError::unique(
                    "revision",
                    "an outcome is already recorded for this visit; send its revision to change it",
                ))?;
                Ok(1)
            }
            Some(rev) => {
                const Q: &str = "update visit_outcomes set outcome = $1, action_required = $2, people_seen = $3, updated_by = $4, \
                    updated_at = $5, revision = revision + 1 where visit_id = $6 and revision = $7";
                let n = with_tx!(self, c => sqlx::query(Q)
                    .bind(o.outcome)
                    .bind(o.action_required)
                    .bind(o.people_seen)
                    .bind(by.0)
                    .bind(now)
                    .bind(visit.id.0)
                    .bind(rev)
                    .execute(c)
                    .await
                    .map(|r| r.rows_affected()))?;
                if n == 0 {
                    return Err(StoreError::Conflict {
                        field: "revision",
                        reason: "the outcome was changed by someone else (or is not recorded yet); reload it and try again".into(),
                    });
                }
                Ok(rev + 1)
            }
        }
    }

    pub async fn add_action(
        &mut self,
        a: &NewAction<'_>,
        by: StaffId,
        now: DateTime<Utc>,
    ) -> Result<i64> {
        const Q: &str = "insert into follow_up_actions (school_id, pupil_id, visit_id, description, owner_staff_id, due_on, created_by, created_at) \
            values ($1, $2, $3, $4, $5, $6, $7, $8) returning id";
        Ok(with_tx!(self, c => sqlx::query_scalar(Q)
            .bind(a.school.0)
            .bind(a.pupil.0)
            .bind(a.visit.map(|v| v.0))
            .bind(a.description)
            .bind(a.owner.0)
            .bind(a.due_on)
            .bind(by.0)
            .bind(now)
            .fetch_one(c)
            .await)?)
    }

    /// Marks an action done; a conflict when it already was.
    pub async fn complete_action(
        &mut self,
        id: i64,
        by: StaffId,
        note: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<()> {
        const Q: &str = "update follow_up_actions set done_at = $1, done_by = $2, done_note = $3 where id = $4 and done_at is null";
        let n = with_tx!(self, c => sqlx::query(Q).bind(now).bind(by.0).bind(note).bind(id).execute(c).await.map(|r| r.rows_affected()))?;
        if n == 0 {
            return Err(StoreError::Conflict {
                field: "action",
                reason: "this action is already done".into(),
            });
        }
        Ok(())
    }
}

impl Tx {
    /// A follow-up action as stored now, inside the transaction. Errors: `NotFound`.
    pub async fn action(&mut self, id: i64) -> Result<FollowUpAction> {
        let q = sql(format!(
            "select {ACTION_COLUMNS} from follow_up_actions a join staff s on s.id = a.owner_staff_id where a.id = $1"
        ));
        with_tx!(self, c => sqlx::query_as(q).bind(id).fetch_optional(c).await)?
            .ok_or_else(StoreError::not_found("follow-up action", id))
    }
}

impl Db {
    pub async fn outcome(&self, visit: VisitId) -> Result<Option<VisitOutcome>> {
        let q = sql(format!(
            "select {OUTCOME_COLUMNS} from visit_outcomes where visit_id = $1"
        ));
        Ok(with_pool!(self, p => sqlx::query_as(q).bind(visit.0).fetch_optional(p).await)?)
    }

    pub async fn outcomes_of_pupil(&self, pupil: PupilId) -> Result<Vec<VisitOutcome>> {
        let q = sql(format!(
            "select {OUTCOME_COLUMNS} from visit_outcomes where pupil_id = $1 order by recorded_at, visit_id"
        ));
        Ok(with_pool!(self, p => sqlx::query_as(q).bind(pupil.0).fetch_all(p).await)?)
    }

    pub async fn action(&self, id: i64) -> Result<FollowUpAction> {
        let q = sql(format!(
            "select {ACTION_COLUMNS} from follow_up_actions a join staff s on s.id = a.owner_staff_id where a.id = $1"
        ));
        with_pool!(self, p => sqlx::query_as(q).bind(id).fetch_optional(p).await)?
            .ok_or_else(StoreError::not_found("follow-up action", id))
    }

    pub async fn actions_of_visit(&self, visit: VisitId) -> Result<Vec<FollowUpAction>> {
        let q = sql(format!(
            "select {ACTION_COLUMNS} from follow_up_actions a join staff s on s.id = a.owner_staff_id \
             where a.visit_id = $1 order by a.due_on, a.id"
        ));
        Ok(with_pool!(self, p => sqlx::query_as(q).bind(visit.0).fetch_all(p).await)?)
    }

    pub async fn actions_of_pupil(&self, pupil: PupilId) -> Result<Vec<FollowUpAction>> {
        let q = sql(format!(
            "select {ACTION_COLUMNS} from follow_up_actions a join staff s on s.id = a.owner_staff_id \
             where a.pupil_id = $1 order by a.created_at, a.id"
        ));
        Ok(with_pool!(self, p => sqlx::query_as(q).bind(pupil.0).fetch_all(p).await)?)
    }

    /// A member of staff's actions not yet done, soonest due first.
    pub async fn open_actions_of(&self, owner: StaffId) -> Result<Vec<FollowUpAction>> {
        let q = sql(format!(
            "select {ACTION_COLUMNS} from follow_up_actions a join staff s on s.id = a.owner_staff_id \
             where a.owner_staff_id = $1 and a.done_at is null order by a.due_on, a.id"
        ));
        Ok(with_pool!(self, p => sqlx::query_as(q).bind(owner.0).fetch_all(p).await)?)
    }
}
