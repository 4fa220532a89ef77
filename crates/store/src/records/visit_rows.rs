//! Visits as flat rows for exports (CSV, iCalendar) and the chronology: the plan, the people, the
//! actual times from the event log, the authoriser, the outcome and the slip. Plus the two reads
//! need-to-know (A9) rests on: whether someone is involved with a child, and who read what.

use crate::db::{Db, Result, with_pool};
use chrono::{DateTime, NaiveDate, Utc};
use domain::inputs::Postcode;
use domain::recorded::Recorded;
use domain::visit::VisitStatus;
use domain::{PupilId, SchoolId, StaffId, TrustId};
use serde::Serialize;
use sqlx::types::Json;

/// Which visits: one trust always, then optionally one school, one pupil, one person's visits
/// (on it, buddy for it), and a window on the planned leaving time (`from` inclusive, `to`
/// exclusive).
#[derive(Debug, Clone, Default)]
pub struct VisitRowFilter {
    pub trust: Option<TrustId>,
    pub school: Option<SchoolId>,
    pub pupil: Option<PupilId>,
    pub involving: Option<StaffId>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
    pub limit: i64,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct VisitRow {
    pub id: i64,
    pub school_id: i64,
    pub school_name: String,
    pub pupil_id: i64,
    pub pupil_name: String,
    pub date_of_birth: NaiveDate,
    pub family_name: String,
    pub address: String,
    #[sqlx(try_from = "crate::stored::StoredText<Recorded<Postcode>>")]
    pub postcode: Recorded<Postcode>,
    pub reason_category: String,
    pub purpose: String,
    pub appointment: String,
    #[sqlx(try_from = "crate::stored::Stored<VisitStatus>")]
    pub status: VisitStatus,
    pub planned_leave_school: DateTime<Utc>,
    pub planned_arrive: DateTime<Utc>,
    pub planned_leave_property: DateTime<Utc>,
    pub planned_return: DateTime<Utc>,
    pub returns_to: String,
    pub rescheduled_from: Option<i64>,
    pub buddy_name: Option<String>,
    pub authorised_by: Option<String>,
    pub authorised_at: Option<DateTime<Utc>>,
    pub signed_out_at: Option<DateTime<Utc>>,
    pub arrived_at: Option<DateTime<Utc>>,
    pub nobody_home_at: Option<DateTime<Utc>>,
    pub left_property_at: Option<DateTime<Utc>>,
    pub returned_at: Option<DateTime<Utc>>,
    pub outcome: Option<String>,
    pub action_required: Option<String>,
    pub people_seen: Option<String>,
    pub outcome_recorded_at: Option<DateTime<Utc>>,
    pub actions_open: i64,
    pub actions_done: i64,
    pub slip_left_at: Option<DateTime<Utc>>,
    pub slip_respond_by: Option<DateTime<Utc>>,
    pub slip_responded_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    /// The visitors with their roles on the visit, driver first.
    #[sqlx(skip)]
    pub staff: Vec<(String, String)>,
    #[sqlx(skip)]
    pub staff_ids: Vec<i64>,
}

const WHERE: &str = "from visits v join schools sc on sc.id = v.school_id join pupils p on p.id = v.pupil_id \
    join households h on h.id = v.household_id \
    where sc.trust_id = $1 and ($2 = 0 or v.school_id = $2) and ($3 = 0 or v.pupil_id = $3) \
      and ($4 = 0 or v.buddy_staff_id = $4 or exists (select 1 from visit_staff x where x.visit_id = v.id and x.staff_id = $4)) \
      and ($5 = 0 or v.planned_leave_school >= $6) and ($7 = 0 or v.planned_leave_school < $8)";

fn event(step: &str) -> String {
    format!(
        "(select min(e.at) from visit_events e where e.visit_id = v.id and e.step = '{step}') as {step}_at"
    )
}

/// Who read a child's records, and what (A9).
#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct RecordRead {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub actor_staff_id: Option<i64>,
    pub actor_name: Option<String>,
    pub action: String,
    pub subject_type: String,
    pub subject_id: Option<i64>,
    #[schema(value_type = Object)]
    pub detail: Option<Json<serde_json::Value>>,
}

impl Db {
    /// Visits as flat rows, in planned order (oldest first), at most `limit`.
    pub async fn visit_rows(&self, f: &VisitRowFilter) -> Result<Vec<VisitRow>> {
        let q = format!(
            "select v.id, v.school_id, sc.name as school_name, v.pupil_id, p.name as pupil_name, p.date_of_birth, h.family_name, \
             h.address, h.postcode, v.reason_category, v.purpose, v.appointment, v.status, v.planned_leave_school, v.planned_arrive, \
             v.planned_leave_property, v.planned_return, v.returns_to, v.rescheduled_from, \
             (select b.name from staff b where b.id = v.buddy_staff_id) as buddy_name, \
             (select s.name from visit_decisions d join staff s on s.id = d.decided_by where d.visit_id = v.id and d.decision = 'authorised' \
              order by d.decided_at desc limit 1) as authorised_by, \
             (select max(d.decided_at) from visit_decisions d where d.visit_id = v.id and d.decision = 'authorised') as authorised_at, \
             {}, {}, {}, {}, {}, \
             o.outcome, o.action_required, o.people_seen, o.recorded_at as outcome_recorded_at, \
             (select count(*) from follow_up_actions a where a.visit_id = v.id and a.done_at is null) as actions_open, \
             (select count(*) from follow_up_actions a where a.visit_id = v.id and a.done_at is not null) as actions_done, \
             sl.left_at as slip_left_at, sl.respond_by as slip_respond_by, sl.responded_at as slip_responded_at, v.created_at \
             {WHERE} order by v.planned_leave_school, v.id limit $9",
            event("signed_out"),
            event("arrived"),
            event("nobody_home"),
            event("left_property"),
            event("returned"),
        )
        .replace(
            "join households h on h.id = v.household_id",
            "join households h on h.id = v.household_id left join visit_outcomes o on o.visit_id = v.id \
             left join home_visit_slips sl on sl.visit_id = v.id",
        );
        let q = sqlx::AssertSqlSafe(q);
        let mut rows: Vec<VisitRow> = with_pool!(self, p => bind_filter(sqlx::query_as(q), f).bind(f.limit).fetch_all(p).await)?;
        let staff_q = sqlx::AssertSqlSafe(format!(
            "select vs.visit_id, s.id, s.name, vs.role_on_visit from visit_staff vs join staff s on s.id = vs.staff_id \
             where vs.visit_id in (select v.id {WHERE} order by v.planned_leave_school, v.id limit $9) \
             order by vs.visit_id, vs.is_driver desc, s.name"
        ));
        let staff: Vec<(i64, i64, String, String)> = with_pool!(self, p => bind_filter(sqlx::query_as(staff_q), f).bind(f.limit).fetch_all(p).await)?;
        for row in &mut rows {
            for (_, id, name, role) in staff.iter().filter(|s| s.0 == row.id) {
                row.staff.push((name.clone(), role.clone()));
                row.staff_ids.push(*id);
            }
        }
        Ok(rows)
    }

    /// A9: every read of the child's records (their chronology, their visits' records, slips,
    /// concerns), refused tries and break-glass openings included, newest first, with the
    /// reader's name.
    pub async fn reads_of_pupil(&self, pupil: PupilId, limit: i64) -> Result<Vec<RecordRead>> {
        const Q: &str = "select a.id, a.at, a.actor_staff_id, s.name as actor_name, a.action, a.subject_type, a.subject_id, a.detail \
            from audit_log a left join staff s on s.id = a.actor_staff_id \
            where (a.action like '%read%' or a.action like '%break_glass%') and ((a.subject_type = 'pupil' and a.subject_id = $1) \
               or (a.subject_type = 'visit' and a.subject_id in (select id from visits where pupil_id = $1))) \
            order by a.id desc limit $2";
        Ok(with_pool!(self, p => sqlx::query_as(Q).bind(pupil.0).bind(limit).fetch_all(p).await)?)
    }
}

impl Db {
    /// Schools whose name is `name` (ignoring case), in any trust: for the command line.
    pub async fn schools_named(&self, name: &str) -> Result<Vec<crate::School>> {
        const Q: &str = "select id, trust_id, name, phone, preset from schools where lower(name) = lower($1) order by id";
        Ok(with_pool!(self, p => sqlx::query_as(Q).bind(name).fetch_all(p).await)?)
    }

    /// Every trust's id, oldest first: for the command line.
    pub async fn trust_ids(&self) -> Result<Vec<TrustId>> {
        let ids: Vec<i64> = with_pool!(self, p => sqlx::query_scalar("select id from trusts order by id").fetch_all(p).await)?;
        Ok(ids.into_iter().map(TrustId).collect())
    }
}

fn bind_filter<'q, DB, O>(
    q: sqlx::query::QueryAs<'q, DB, O, <DB as sqlx::Database>::Arguments>,
    f: &VisitRowFilter,
) -> sqlx::query::QueryAs<'q, DB, O, <DB as sqlx::Database>::Arguments>
where
    DB: sqlx::Database,
    i64: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    DateTime<Utc>: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
{
    q.bind(f.trust.map_or(0, |t| t.0))
        .bind(f.school.map_or(0, |s| s.0))
        .bind(f.pupil.map_or(0, |p| p.0))
        .bind(f.involving.map_or(0, |s| s.0))
        .bind(i64::from(f.from.is_some()))
        .bind(f.from.unwrap_or_default())
        .bind(i64::from(f.to.is_some()))
        .bind(f.to.unwrap_or_default())
}
