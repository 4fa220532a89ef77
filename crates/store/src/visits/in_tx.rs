//! Reads of a visit inside a use case's transaction, and the buddy hand-over's write.

use super::*;

/// Reads inside a use case's transaction: a step's policy check sees what the step is written
/// over, and on PostgreSQL the visit row stays locked until the step commits.
impl Tx {
    /// Locks the visit's row until the transaction ends, so two changes to one visit queue
    /// (PostgreSQL `for update`; SQLite's `BEGIN IMMEDIATE` already holds the write lock).
    /// Errors: `NotFound("visit")`.
    pub async fn lock_visit(&mut self, id: VisitId) -> Result<()> {
        let found: Option<i64> = match self {
            Tx::Sqlite(t) => {
                sqlx::query_scalar("select id from visits where id = $1")
                    .bind(id.0)
                    .fetch_optional(&mut **t)
                    .await?
            }
            Tx::Pg(t) => {
                sqlx::query_scalar("select id from visits where id = $1 for update")
                    .bind(id.0)
                    .fetch_optional(&mut **t)
                    .await?
            }
        };
        found
            .map(|_| ())
            .ok_or_else(StoreError::not_found("visit", id.0))
    }

    /// The visit with its staff, as this transaction sees it.
    pub async fn visit(&mut self, id: VisitId) -> Result<Visit> {
        let q = sqlx::AssertSqlSafe(format!("select {VISIT_COLUMNS} from visits where id = $1"));
        let found: Option<Visit> =
            with_tx!(self, c => sqlx::query_as(q).bind(id.0).fetch_optional(c).await)?;
        let mut visit = found
            .ok_or_else(StoreError::not_found("visit", id.0))?
            .opened(self.secrets())?;
        const STAFF: &str = "select vs.staff_id, s.name, s.mobile, vs.role_on_visit, vs.is_driver from visit_staff vs \
                             join staff s on s.id = vs.staff_id where vs.visit_id = $1 order by vs.is_driver desc, s.name";
        visit.staff = with_tx!(self, c => sqlx::query_as(STAFF).bind(id.0).fetch_all(c).await)?;
        Ok(visit)
    }

    /// Whether staff have been to this household before (any other visit that arrived).
    pub async fn household_visited_before(
        &mut self,
        household: HouseholdId,
        except: Option<VisitId>,
    ) -> Result<bool> {
        const Q: &str = "select count(*) from visit_events e join visits v on v.id = e.visit_id \
                         where v.household_id = $1 and e.step = 'arrived' and v.id <> $2";
        let n: i64 = with_tx!(self, c => sqlx::query_scalar(Q).bind(household.0).bind(except.map_or(0, |v| v.0)).fetch_one(c).await)?;
        Ok(n > 0)
    }

    pub async fn acknowledged_cautions(&mut self, visit: VisitId) -> Result<Vec<CautionFlagId>> {
        const Q: &str = "select caution_flag_id from caution_acknowledgements where visit_id = $1 order by caution_flag_id";
        let ids: Vec<i64> =
            with_tx!(self, c => sqlx::query_scalar(Q).bind(visit.0).fetch_all(c).await)?;
        Ok(ids.into_iter().map(CautionFlagId).collect())
    }

    pub async fn safety_concerns(&mut self, visit: VisitId) -> Result<Vec<SafetyConcern>> {
        const Q: &str = "select id, visit_id, raised_by, concern, raised_at, resolved_by, resolution, resolved_at from safety_concerns where visit_id = $1 order by id";
        Ok(with_tx!(self, c => sqlx::query_as(Q).bind(visit.0).fetch_all(c).await)?)
    }

    pub async fn safety_concern(&mut self, id: SafetyConcernId) -> Result<SafetyConcern> {
        const Q: &str = "select id, visit_id, raised_by, concern, raised_at, resolved_by, resolution, resolved_at from safety_concerns where id = $1";
        with_tx!(self, c => sqlx::query_as(Q).bind(id.0).fetch_optional(c).await)?
            .ok_or_else(StoreError::not_found("safety concern", id.0))
    }

    /// The visit's status as stored now, inside the transaction. Errors: `NotFound("visit")`.
    pub async fn visit_status(&mut self, id: VisitId) -> Result<VisitStatus> {
        const Q: &str = "select status from visits where id = $1";
        let found: Option<crate::stored::Stored<VisitStatus>> =
            with_tx!(self, c => sqlx::query_scalar(Q).bind(id.0).fetch_optional(c).await)?;
        found
            .map(VisitStatus::from)
            .ok_or_else(StoreError::not_found("visit", id.0))
    }

    /// When `step` was first recorded in the visit's event log (UTC), if it was.
    pub async fn first_step_at(
        &mut self,
        visit: VisitId,
        step: &str,
    ) -> Result<Option<DateTime<Utc>>> {
        const Q: &str =
            "select at from visit_events where visit_id = $1 and step = $2 order by at, id limit 1";
        Ok(
            with_tx!(self, c => sqlx::query_scalar(Q).bind(visit.0).bind(step).fetch_optional(c).await)?,
        )
    }

    /// The detail of the last time `step` was recorded in the visit's event log, if it was.
    pub async fn last_step_detail(
        &mut self,
        visit: VisitId,
        step: &str,
    ) -> Result<Option<serde_json::Value>> {
        const Q: &str = "select detail from visit_events where visit_id = $1 and step = $2 order by at desc, id desc limit 1";
        let detail: Option<Option<sqlx::types::Json<serde_json::Value>>> = with_tx!(self, c => sqlx::query_scalar(Q).bind(visit.0).bind(step).fetch_optional(c).await)?;
        Ok(detail.flatten().map(|d| d.0))
    }

    /// Makes `buddy` the visit's buddy (none: the buddy left with nobody to take over), as the
    /// buddy hand-over does while staff are out. The visit's buddy is the one value access, the
    /// code word and Today read, so this is written with the watch's change in one transaction.
    /// Errors: `NotFound("visit")`.
    pub async fn set_visit_buddy(
        &mut self,
        id: VisitId,
        buddy: Option<StaffId>,
        now: DateTime<Utc>,
    ) -> Result<()> {
        const Q: &str = "update visits set buddy_staff_id = $1, updated_at = $2, revision = revision + 1 where id = $3";
        let done = with_tx!(self, c => sqlx::query(Q).bind(buddy.map(|b| b.0)).bind(now).bind(id.0).execute(c).await.map(|r| r.rows_affected()))?;
        if done == 0 {
            return Err(StoreError::not_found("visit", id.0)());
        }
        Ok(())
    }
}
