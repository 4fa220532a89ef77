//! A9, need-to-know: who is involved with a child, as facts the school granted — authorised
//! visits, the DSL's grants, break-glass openings — never what a person did on their own
//! (drafting a visit, raising a concern). SQL only: the decision is `app::access`'s.

use crate::db::{Db, Result, Tx, with_pool, with_tx};
use chrono::{DateTime, Utc};
use domain::{HouseholdId, PupilId, SchoolId, StaffId};
use serde::Serialize;

/// The DSL (or head) lets a member of staff read one child's records until a date.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct InvolvementGrant {
    pub id: i64,
    pub pupil_id: i64,
    pub staff_id: i64,
    pub staff_name: String,
    pub granted_by: i64,
    pub granted_by_name: String,
    pub reason: String,
    pub granted_at: DateTime<Utc>,
    /// The grant ends here (UTC).
    pub ends_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
}

/// One break-glass opening of a child's records, as the DSL's list shows it.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct BreakGlass {
    pub id: i64,
    pub pupil_id: i64,
    pub pupil_name: String,
    pub staff_id: i64,
    pub staff_name: String,
    /// What the person typed: why they needed the records.
    pub reason: String,
    pub opened_at: DateTime<Utc>,
    /// Access ends here (UTC).
    pub ends_at: DateTime<Utc>,
}

pub struct NewGrant<'a> {
    pub school: SchoolId,
    pub pupil: PupilId,
    pub staff: StaffId,
    pub granted_by: StaffId,
    pub reason: &'a str,
    pub ends_at: DateTime<Utc>,
}

const GRANT_COLUMNS: &str = "g.id, g.pupil_id, g.staff_id, s.name as staff_name, g.granted_by, \
    b.name as granted_by_name, g.reason, g.granted_at, g.ends_at, g.revoked_at";

impl Db {
    /// A9: whether the member of staff is involved with the child at `now`: a visitor or the
    /// buddy on an authorised visit for the child that has not ended before `ended_after`; an
    /// unrevoked grant that has not ended; or a break-glass opening still open.
    pub async fn involved_with_pupil(
        &self,
        staff: StaffId,
        pupil: PupilId,
        ended_after: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<bool> {
        const Q: &str = "select (select count(*) from visits v where v.pupil_id = $1 \
                and (v.buddy_staff_id = $2 or exists (select 1 from visit_staff vs where vs.visit_id = v.id and vs.staff_id = $2)) \
                and exists (select 1 from visit_decisions d where d.visit_id = v.id and d.decision = 'authorised') \
                and (v.planned_return >= $3 or exists (select 1 from visit_events e where e.visit_id = v.id and e.at >= $3))) \
            + (select count(*) from involvement_grants g where g.pupil_id = $1 and g.staff_id = $2 \
                and g.revoked_at is null and g.granted_at <= $4 and g.ends_at > $4) \
            + (select count(*) from break_glass b where b.pupil_id = $1 and b.staff_id = $2 \
                and b.opened_at <= $4 and b.ends_at > $4)";
        let n: i64 = with_pool!(self, p => sqlx::query_scalar(Q).bind(pupil.0).bind(staff.0).bind(ended_after).bind(now).fetch_one(p).await)?;
        Ok(n > 0)
    }

    /// #10: whether the member of staff drafted a visit to the household or is named on one (a
    /// visitor or the buddy), whatever its state: what opens the planner's view of it, nothing more.
    pub async fn plans_visit_to_household(
        &self,
        staff: StaffId,
        household: HouseholdId,
    ) -> Result<bool> {
        const Q: &str = "select count(*) from visits v where v.household_id = $1 \
            and (v.created_by = $2 or v.buddy_staff_id = $2 \
                 or exists (select 1 from visit_staff vs where vs.visit_id = v.id and vs.staff_id = $2))";
        let n: i64 = with_pool!(self, p => sqlx::query_scalar(Q).bind(household.0).bind(staff.0).fetch_one(p).await)?;
        Ok(n > 0)
    }

    /// The child's grants, newest first, revoked and ended ones included.
    pub async fn involvement_grants(&self, pupil: PupilId) -> Result<Vec<InvolvementGrant>> {
        let q = sqlx::AssertSqlSafe(format!(
            "select {GRANT_COLUMNS} from involvement_grants g join staff s on s.id = g.staff_id \
             join staff b on b.id = g.granted_by where g.pupil_id = $1 order by g.id desc"
        ));
        Ok(with_pool!(self, p => sqlx::query_as(q).bind(pupil.0).fetch_all(p).await)?)
    }

    pub async fn involvement_grant(&self, id: i64) -> Result<Option<InvolvementGrant>> {
        let q = sqlx::AssertSqlSafe(format!(
            "select {GRANT_COLUMNS} from involvement_grants g join staff s on s.id = g.staff_id \
             join staff b on b.id = g.granted_by where g.id = $1"
        ));
        Ok(with_pool!(self, p => sqlx::query_as(q).bind(id).fetch_optional(p).await)?)
    }

    /// The school's break-glass openings, newest first, at most `limit`.
    pub async fn break_glass_of_school(
        &self,
        school: SchoolId,
        limit: i64,
    ) -> Result<Vec<BreakGlass>> {
        const Q: &str = "select b.id, b.pupil_id, p.name as pupil_name, b.staff_id, s.name as staff_name, \
            b.reason, b.opened_at, b.ends_at from break_glass b join pupils p on p.id = b.pupil_id \
            join staff s on s.id = b.staff_id where b.school_id = $1 order by b.id desc limit $2";
        Ok(with_pool!(self, p => sqlx::query_as(Q).bind(school.0).bind(limit).fetch_all(p).await)?)
    }
}

impl Tx {
    pub async fn insert_involvement_grant(
        &mut self,
        g: &NewGrant<'_>,
        now: DateTime<Utc>,
    ) -> Result<i64> {
        const Q: &str = "insert into involvement_grants (school_id, pupil_id, staff_id, granted_by, reason, granted_at, ends_at) \
            values ($1, $2, $3, $4, $5, $6, $7) returning id";
        Ok(with_tx!(self, x => sqlx::query_scalar(Q)
            .bind(g.school.0)
            .bind(g.pupil.0)
            .bind(g.staff.0)
            .bind(g.granted_by.0)
            .bind(g.reason)
            .bind(now)
            .bind(g.ends_at)
            .fetch_one(x)
            .await)?)
    }

    /// Ends a grant now. False when it was already revoked.
    pub async fn revoke_involvement_grant(
        &mut self,
        id: i64,
        by: StaffId,
        now: DateTime<Utc>,
    ) -> Result<bool> {
        const Q: &str = "update involvement_grants set revoked_by = $2, revoked_at = $3 where id = $1 and revoked_at is null";
        let n = with_tx!(self, x => sqlx::query(Q).bind(id).bind(by.0).bind(now).execute(x).await.map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }

    #[allow(clippy::too_many_arguments)]
    pub async fn insert_break_glass(
        &mut self,
        school: SchoolId,
        pupil: PupilId,
        staff: StaffId,
        reason: &str,
        opened_at: DateTime<Utc>,
        ends_at: DateTime<Utc>,
    ) -> Result<i64> {
        const Q: &str = "insert into break_glass (school_id, pupil_id, staff_id, reason, opened_at, ends_at) \
            values ($1, $2, $3, $4, $5, $6) returning id";
        Ok(with_tx!(self, x => sqlx::query_scalar(Q)
            .bind(school.0)
            .bind(pupil.0)
            .bind(staff.0)
            .bind(reason)
            .bind(opened_at)
            .bind(ends_at)
            .fetch_one(x)
            .await)?)
    }
}
