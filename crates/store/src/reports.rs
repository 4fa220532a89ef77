//! G5: the facts one school's governors' report is counted from, for a range of days. Only SQL:
//! the counting, the percentiles and the wording are in `app::reports` and `domain::reports`.
//! No row carries a child's name, address or UPN; the pupils' names are read only so the report
//! can take them out of the free text it quotes.

use crate::db::{Db, Result, with_pool};
use chrono::{DateTime, NaiveDate, Utc};
use domain::SchoolId;
use domain::monitor::AlarmKind;
use domain::safeguarding::IncidentKind;
use domain::visit::VisitStatus;

/// One visit planned to leave school within the range.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ReportVisit {
    pub reason_category: String,
    /// The visit's status (`returned`, `nobody_home`, `declined`, ...).
    #[sqlx(try_from = "crate::stored::Stored<VisitStatus>")]
    pub status: VisitStatus,
    /// How many staff were on it.
    pub staff_count: i64,
    /// Authorised at some point (it may have been cancelled since).
    pub authorised: bool,
    /// The comment of the latest decision to decline it, when it was declined.
    pub declined_why: Option<String>,
}

/// One alarm raised within the range.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ReportAlarm {
    #[sqlx(try_from = "crate::stored::Stored<AlarmKind>")]
    pub kind: AlarmKind,
    pub raised_at: DateTime<Utc>,
    pub acknowledged_at: Option<DateTime<Utc>>,
    pub acknowledged_by: Option<i64>,
}

/// One Home Visit Slip left within the range.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ReportSlip {
    pub respond_by: DateTime<Utc>,
    pub responded_at: Option<DateTime<Utc>>,
}

/// One incident that happened within the range.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ReportIncident {
    #[sqlx(try_from = "crate::stored::Stored<IncidentKind>")]
    pub kind: IncidentKind,
    pub household_blocked: bool,
}

/// Everything one school's report counts.
#[derive(Debug, Clone)]
pub struct ReportFacts {
    pub visits: Vec<ReportVisit>,
    pub alarms: Vec<ReportAlarm>,
    pub slips: Vec<ReportSlip>,
    pub incidents: Vec<ReportIncident>,
    /// Households blocked for new appointments now (P10), and of those blocked within the range.
    pub households_blocked_now: i64,
    pub households_blocked_in_range: i64,
    /// Follow-up actions not done whose due day is before `today`.
    pub actions_overdue: i64,
    /// The pupils' names, only to take them out of quoted text.
    pub pupil_names: Vec<String>,
}

impl Db {
    /// The facts of `school` from `from` (inclusive) to `to` (exclusive), UTC; overdue actions
    /// as at `today` (the school's local date).
    pub async fn report_facts(
        &self,
        school: SchoolId,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        today: NaiveDate,
    ) -> Result<ReportFacts> {
        const VISITS: &str = "select v.reason_category, v.status, \
            (select count(*) from visit_staff vs where vs.visit_id = v.id) as staff_count, \
            (v.status in ('authorised', 'signed_out', 'arrived', 'nobody_home', 'left_property', 'returned', 'record_completed') \
             or exists (select 1 from visit_decisions d where d.visit_id = v.id and d.decision = 'authorised')) as authorised, \
            case when v.status = 'declined' then (select d.comment from visit_decisions d where d.visit_id = v.id \
                and d.decision = 'declined' order by d.decided_at desc, d.id desc limit 1) end as declined_why \
            from visits v where v.school_id = $1 and v.planned_leave_school >= $2 and v.planned_leave_school < $3 order by v.id";
        // Drills (practice alarms) are never counted as real alarms.
        const ALARMS: &str = "select kind, raised_at, acknowledged_at, acknowledged_by from alarms \
            where school_id = $1 and raised_at >= $2 and raised_at < $3 and drill = $4 order by id";
        const SLIPS: &str = "select respond_by, responded_at from home_visit_slips \
            where school_id = $1 and left_at >= $2 and left_at < $3 order by id";
        const INCIDENTS: &str = "select kind, household_blocked from incidents \
            where school_id = $1 and occurred_at >= $2 and occurred_at < $3 order by id";
        const BLOCKED_NOW: &str =
            "select count(*) from households where school_id = $1 and blocked = $2";
        const BLOCKED_IN_RANGE: &str = "select count(*) from households where school_id = $1 \
            and blocked_at >= $2 and blocked_at < $3";
        const OVERDUE: &str = "select count(*) from follow_up_actions where school_id = $1 \
            and done_at is null and due_on < $2";
        const NAMES: &str = "select name from pupils where school_id = $1";
        let s = school.0;
        with_pool!(self, p => {
            let visits = sqlx::query_as(VISITS).bind(s).bind(from).bind(to).fetch_all(p).await?;
            let alarms = sqlx::query_as(ALARMS).bind(s).bind(from).bind(to).bind(false).fetch_all(p).await?;
            let slips = sqlx::query_as(SLIPS).bind(s).bind(from).bind(to).fetch_all(p).await?;
            let incidents = sqlx::query_as(INCIDENTS).bind(s).bind(from).bind(to).fetch_all(p).await?;
            let households_blocked_now = sqlx::query_scalar(BLOCKED_NOW).bind(s).bind(true).fetch_one(p).await?;
            let households_blocked_in_range = sqlx::query_scalar(BLOCKED_IN_RANGE).bind(s).bind(from).bind(to).fetch_one(p).await?;
            let actions_overdue = sqlx::query_scalar(OVERDUE).bind(s).bind(today).fetch_one(p).await?;
            let pupil_names = sqlx::query_scalar(NAMES).bind(s).fetch_all(p).await?;
            Ok(ReportFacts {
                visits,
                alarms,
                slips,
                incidents,
                households_blocked_now,
                households_blocked_in_range,
                actions_overdue,
                pupil_names,
            })
        })
    }
}
