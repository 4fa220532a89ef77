//! A5: factual incident reports, due to the head by the end of the working day, and the rows the
//! overdue-report reminders claim. Only SQL: the reminders' wording and recipients are in
//! `app::safeguarding`.

use crate::db::{Db, Result, StoreError, Tx, with_pool, with_tx};
use chrono::{DateTime, Duration, Utc};
use domain::safeguarding::IncidentKind;
use domain::{HouseholdId, PupilId, SchoolId, StaffId, VisitId};
use serde::Serialize;

#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Incident {
    pub id: i64,
    #[sqlx(try_from = "i64")]
    pub school_id: SchoolId,
    #[sqlx(try_from = "i64")]
    pub household_id: HouseholdId,
    pub pupil_id: Option<i64>,
    pub visit_id: Option<i64>,
    /// trip, fall, accident, verbal_abuse, threat, aggression
    #[sqlx(try_from = "crate::stored::Stored<IncidentKind>")]
    #[schema(value_type = IncidentKind)]
    pub kind: IncidentKind,
    pub occurred_at: DateTime<Utc>,
    pub location: Option<String>,
    /// What happened, factually.
    pub account: String,
    pub people_involved: Option<String>,
    pub injuries: Option<String>,
    pub police_called: bool,
    pub author_staff_id: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// The end of the working day by which the report must reach the head.
    pub due_at: DateTime<Utc>,
    /// When the author shared the finished report with the head.
    pub submitted_at: Option<DateTime<Utc>>,
    /// P10: the household was blocked for new appointments because of this incident.
    pub household_blocked: bool,
    /// A8: the household's risk assessment is to be updated and signed off.
    pub risk_review_requested: bool,
    pub reminders: i64,
    pub last_reminded_at: Option<DateTime<Utc>>,
}

/// The parts of a report its author writes (and may change until it is shared).
pub struct IncidentDraft<'a> {
    pub kind: &'a str,
    pub occurred_at: DateTime<Utc>,
    pub location: Option<&'a str>,
    pub account: &'a str,
    pub people_involved: Option<&'a str>,
    pub injuries: Option<&'a str>,
    pub police_called: bool,
}

pub struct NewIncident<'a> {
    pub school: SchoolId,
    pub household: HouseholdId,
    pub pupil: Option<PupilId>,
    pub visit: Option<VisitId>,
    pub draft: IncidentDraft<'a>,
    pub author: StaffId,
    pub due_at: DateTime<Utc>,
    pub household_blocked: bool,
    pub risk_review_requested: bool,
}

const INCIDENT_COLUMNS: &str = "id, school_id, household_id, pupil_id, visit_id, kind, occurred_at, location, account, people_involved, \
    injuries, police_called, author_staff_id, created_at, updated_at, due_at, submitted_at, household_blocked, risk_review_requested, \
    reminders, last_reminded_at";

fn sql(q: String) -> sqlx::AssertSqlSafe<String> {
    sqlx::AssertSqlSafe(q)
}

impl Tx {
    /// One report, read inside the transaction that changes it (on PostgreSQL the row is locked
    /// until the transaction ends, so a concurrent change waits). Error: `NotFound("incident")`.
    pub async fn incident(&mut self, id: i64) -> Result<Incident> {
        let lock = match self {
            Tx::Sqlite(_) => "",
            Tx::Pg(_) => " for update",
        };
        let q = sql(format!(
            "select {INCIDENT_COLUMNS} from incidents where id = $1{lock}"
        ));
        with_tx!(self, c => sqlx::query_as(q).bind(id).fetch_optional(c).await)?
            .ok_or_else(StoreError::not_found("incident", id))
    }

    pub async fn create_incident(
        &mut self,
        i: &NewIncident<'_>,
        now: DateTime<Utc>,
    ) -> Result<i64> {
        const Q: &str = "insert into incidents (school_id, household_id, pupil_id, visit_id, kind, occurred_at, location, account, \
            people_involved, injuries, police_called, author_staff_id, created_at, updated_at, due_at, household_blocked, \
            risk_review_requested, reminders) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13, $14, $15, $16, 0) returning id";
        let d = &i.draft;
        Ok(with_tx!(self, c => sqlx::query_scalar(Q)
            .bind(i.school.0)
            .bind(i.household.0)
            .bind(i.pupil.map(|p| p.0))
            .bind(i.visit.map(|v| v.0))
            .bind(d.kind)
            .bind(d.occurred_at)
            .bind(d.location)
            .bind(d.account)
            .bind(d.people_involved)
            .bind(d.injuries)
            .bind(d.police_called)
            .bind(i.author.0)
            .bind(now)
            .bind(i.due_at)
            .bind(i.household_blocked)
            .bind(i.risk_review_requested)
            .fetch_one(c)
            .await)?)
    }

    /// Changes a report not yet shared with the head.
    pub async fn update_incident(
        &mut self,
        id: i64,
        d: &IncidentDraft<'_>,
        now: DateTime<Utc>,
    ) -> Result<()> {
        const Q: &str = "update incidents set kind = $1, occurred_at = $2, location = $3, account = $4, people_involved = $5, \
            injuries = $6, police_called = $7, updated_at = $8 where id = $9 and submitted_at is null";
        let n = with_tx!(self, c => sqlx::query(Q)
            .bind(d.kind)
            .bind(d.occurred_at)
            .bind(d.location)
            .bind(d.account)
            .bind(d.people_involved)
            .bind(d.injuries)
            .bind(d.police_called)
            .bind(now)
            .bind(id)
            .execute(c)
            .await
            .map(|r| r.rows_affected()))?;
        if n == 0 {
            return Err(already_shared());
        }
        Ok(())
    }

    /// The author shares the report with the head; reminders stop.
    pub async fn submit_incident(&mut self, id: i64, now: DateTime<Utc>) -> Result<()> {
        const Q: &str =
            "update incidents set submitted_at = $1 where id = $2 and submitted_at is null";
        let n = with_tx!(self, c => sqlx::query(Q).bind(now).bind(id).execute(c).await.map(|r| r.rows_affected()))?;
        if n == 0 {
            return Err(already_shared());
        }
        Ok(())
    }

    /// Claims the `n`th reminder of an overdue report: true for exactly one caller.
    pub async fn claim_incident_reminder(
        &mut self,
        id: i64,
        n: i64,
        now: DateTime<Utc>,
    ) -> Result<bool> {
        const Q: &str = "update incidents set reminders = reminders + 1, last_reminded_at = $1 \
            where id = $2 and reminders = $3 and submitted_at is null";
        let n = with_tx!(self, c => sqlx::query(Q).bind(now).bind(id).bind(n).execute(c).await.map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }
}

fn already_shared() -> StoreError {
    StoreError::Conflict {
        field: "submitted_at",
        reason: "this report has already been shared with the head and can no longer be changed"
            .into(),
    }
}

impl Db {
    pub async fn incident(&self, id: i64) -> Result<Incident> {
        let q = sql(format!(
            "select {INCIDENT_COLUMNS} from incidents where id = $1"
        ));
        with_pool!(self, p => sqlx::query_as(q).bind(id).fetch_optional(p).await)?
            .ok_or_else(StoreError::not_found("incident", id))
    }

    /// A school's reports, newest first; `overdue_at` keeps only those not shared by then.
    pub async fn incidents_of_school(
        &self,
        school: SchoolId,
        overdue_at: Option<DateTime<Utc>>,
    ) -> Result<Vec<Incident>> {
        let q = sql(format!(
            "select {INCIDENT_COLUMNS} from incidents where school_id = $1 \
             and ($2 = 0 or (submitted_at is null and due_at <= $3)) order by occurred_at desc, id desc limit 500"
        ));
        Ok(with_pool!(self, p => sqlx::query_as(q)
            .bind(school.0)
            .bind(i64::from(overdue_at.is_some()))
            .bind(overdue_at.unwrap_or_default())
            .fetch_all(p)
            .await)?)
    }

    pub async fn incidents_of_pupil(&self, pupil: PupilId) -> Result<Vec<Incident>> {
        let q = sql(format!(
            "select {INCIDENT_COLUMNS} from incidents where pupil_id = $1 order by occurred_at, id"
        ));
        Ok(with_pool!(self, p => sqlx::query_as(q).bind(pupil.0).fetch_all(p).await)?)
    }

    pub async fn incidents_by_author(&self, author: StaffId) -> Result<Vec<Incident>> {
        let q = sql(format!(
            "select {INCIDENT_COLUMNS} from incidents where author_staff_id = $1 order by occurred_at desc, id desc limit 200"
        ));
        Ok(with_pool!(self, p => sqlx::query_as(q).bind(author.0).fetch_all(p).await)?)
    }

    /// When the overdue-report reminders (`app::safeguarding::remind_overdue_incidents`) next have work: the soonest due time of a report not yet
    /// reminded about, or a day after the last reminder of one still not shared. For a monitor
    /// loop that sleeps until its next piece of work.
    pub async fn next_incident_reminder_at(&self) -> Result<Option<DateTime<Utc>>> {
        const Q: &str = "select due_at, last_reminded_at from incidents where submitted_at is null";
        let rows: Vec<(DateTime<Utc>, Option<DateTime<Utc>>)> =
            with_pool!(self, p => sqlx::query_as(Q).fetch_all(p).await)?;
        Ok(rows
            .into_iter()
            .map(|(due, last)| last.map_or(due, |l| l + Duration::hours(24)))
            .min())
    }

    /// Reports not shared with the head by their due time whose next reminder is due: the first
    /// at the due time, then one a day. At most `limit`, the longest overdue first.
    pub async fn incidents_to_remind(
        &self,
        now: DateTime<Utc>,
        limit: i64,
    ) -> Result<Vec<Incident>> {
        let q = sql(format!(
            "select {INCIDENT_COLUMNS} from incidents where submitted_at is null and due_at <= $1 \
             and (last_reminded_at is null or last_reminded_at <= $2) order by due_at, id limit $3"
        ));
        Ok(with_pool!(self, p => sqlx::query_as(q)
            .bind(now)
            .bind(now - Duration::hours(24))
            .bind(limit)
            .fetch_all(p)
            .await)?)
    }
}
