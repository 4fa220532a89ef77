//! A5: factual incident reports, due to the head by the end of the working day, and the scan that
//! reminds the author and the head of every report still not shared once it is overdue.

use super::in_app_address;
use crate::db::{Db, Result, StoreError, Tx, with_pool, with_tx};
use crate::monitor::NewNotification;
use chrono::{DateTime, Duration, Utc};
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
    pub kind: String,
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
    async fn claim_incident_reminder(
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

    /// When [`remind_overdue_incidents`] next has work: the soonest due time of a report not yet
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
    /// at the due time, then one a day.
    async fn incidents_to_remind(&self, now: DateTime<Utc>, limit: i64) -> Result<Vec<Incident>> {
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

/// A5: reminds the author and the head (the role the school's policy names in
/// `incident_report.due_to`) of every incident report not shared by the end of the working day,
/// in the app and by e-mail, through the notification outbox. Once when the report falls
/// overdue, then once a day until it is shared. Safe to run from several instances at once (each
/// reminder is claimed); independent of the safety monitor, whose pass may call it. Returns how
/// many reports were reminded about.
pub async fn remind_overdue_incidents(db: &Db, now: DateTime<Utc>) -> Result<usize> {
    let mut reminded = 0;
    for incident in db.incidents_to_remind(now, 200).await? {
        let school = db.school(incident.school_id).await?;
        let policy = db.current_policy(school.id).await?;
        let due_to = policy.settings.incident_report.due_to;
        let staff = db.staff_list(school.trust_id, Some(school.id)).await?;
        let household = db.household(incident.household_id).await?;
        let mut tx = db.begin().await?;
        if !tx
            .claim_incident_reminder(incident.id, incident.reminders, now)
            .await?
        {
            continue;
        }
        let when = incident.occurred_at.with_timezone(&policy.settings.tz());
        let subject = format!(
            "Overdue: incident report {} ({}) has not been shared with {}",
            incident.id,
            incident.kind.replace('_', " "),
            due_to.title()
        );
        let body = format!(
            "The incident report for the {} at the {} household ({}) on {} was due to {} by the end of the working day and has not been shared yet.\n\n\
             Complete the factual report and share it now (REAch2: \"All incident report forms must be shared with the Headteacher by the end of the working day\").",
            incident.kind.replace('_', " "),
            household.family_name,
            household.postcode,
            when.format("%A %-d %B %Y at %H:%M"),
            due_to.title(),
        );
        let recipients = staff
            .iter()
            .filter(|s| s.active)
            .filter(|s| s.id.0 == incident.author_staff_id || s.roles.has(due_to));
        for person in recipients {
            for (channel, address) in [
                ("in_app", in_app_address(person.id)),
                ("email", person.email.clone()),
            ] {
                let key = format!(
                    "incident:{}:overdue:{}:staff:{}:{channel}",
                    incident.id, incident.reminders, person.id
                );
                tx.enqueue_notification(&NewNotification {
                    alarm: None,
                    visit: incident.visit_id.map(VisitId),
                    staff: Some(person.id),
                    channel,
                    address: &address,
                    subject: &subject,
                    body: &body,
                    idempotency_key: &key,
                    at: now,
                })
                .await?;
            }
        }
        tx.commit().await?;
        reminded += 1;
    }
    if reminded > 0 {
        tracing::info!(
            incidents.reminded = reminded,
            "reminded authors and heads of overdue incident reports"
        );
    }
    Ok(reminded)
}
