//! Reads of visits outside a use case's transaction: lists, the board's rows, one visit.

use super::*;
use crate::stored::StoredText;

impl Db {
    /// The visit with its staff, in one read: a row per member of staff on it (or one row with
    /// no staff columns when there are none).
    pub async fn visit(&self, id: VisitId) -> Result<Visit> {
        self.visits_by_id(&[id])
            .await?
            .pop()
            .ok_or_else(StoreError::not_found("visit", id.0))
    }

    /// The visits that exist of these, each with its staff, in one read per 64 ids.
    pub async fn visits_by_id(&self, ids: &[VisitId]) -> Result<Vec<Visit>> {
        static Q: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
            let columns: Vec<String> = VISIT_COLUMNS
                .split(", ")
                .map(|c| format!("v.{}", c.trim()))
                .collect();
            format!(
                "select {}, vs.staff_id as vs_staff_id, s.name as vs_name, s.mobile as vs_mobile, \
                 vs.role_on_visit as vs_role_on_visit, vs.is_driver as vs_is_driver from visits v \
                 left join visit_staff vs on vs.visit_id = v.id left join staff s on s.id = vs.staff_id \
                 where v.id in (",
                columns.join(", ")
            )
        });
        let mut out: Vec<Visit> = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(64) {
            // Padded to a power of two with the last id, so the statement has few shapes.
            let mut keys: Vec<i64> = chunk.iter().map(|v| v.0).collect();
            keys.resize(chunk.len().next_power_of_two(), keys[keys.len() - 1]);
            with_pool!(self, p => {
                let mut q = sqlx::QueryBuilder::new(Q.as_str());
                let mut list = q.separated(", ");
                for k in &keys {
                    list.push_bind(*k);
                }
                q.push(") order by v.id, vs.is_driver desc, s.name");
                let rows = q.build().fetch_all(p).await?;
                for r in &rows {
                    let id: i64 = r.try_get("id")?;
                    if out.last().is_none_or(|v| v.id.0 != id) {
                        out.push(Visit::from_row(r)?.opened(self.secrets())?);
                    }
                    if let Some(staff_id) = r.try_get::<Option<i64>, _>("vs_staff_id")?
                        && let Some(visit) = out.last_mut()
                    {
                        visit.staff.push(VisitStaff {
                            staff_id: StaffId(staff_id),
                            name: r.try_get("vs_name")?,
                            mobile: r
                                .try_get::<StoredText<Option<Recorded<PhoneNumber>>>, _>("vs_mobile")?
                                .into(),
                            role_on_visit: r.try_get("vs_role_on_visit")?,
                            is_driver: r.try_get("vs_is_driver")?,
                        });
                    }
                }
            });
        }
        Ok(out)
    }

    pub async fn visits(&self, f: &VisitFilter) -> Result<Vec<VisitSummary>> {
        const Q: &str = "select v.id, v.school_id, v.household_id, p.name as pupil_name, h.family_name, h.postcode, v.reason_category, v.status, \
            v.planned_leave_school, v.planned_return from visits v join pupils p on p.id = v.pupil_id join households h on h.id = v.household_id \
            join schools sc on sc.id = v.school_id \
            where ($1 = 0 or sc.trust_id = $1) and ($2 = 0 or v.school_id = $2) \
              and ($3 = 0 or v.buddy_staff_id = $3 or exists (select 1 from visit_staff vs where vs.visit_id = v.id and vs.staff_id = $3)) \
              and ($4 = '' or v.status = $4) \
            order by v.planned_leave_school desc, v.id desc limit $5";
        Ok(with_pool!(self, p => sqlx::query_as(Q)
            .bind(f.trust.map_or(0, |t| t.0))
            .bind(f.school.map_or(0, |s| s.0))
            .bind(f.involving.map_or(0, |s| s.0))
            .bind(f.status.map_or("", VisitStatus::as_str))
            .bind(f.limit.unwrap_or(500))
            .fetch_all(p)
            .await)?)
    }

    /// Whether staff have been to this household before (any other visit that arrived).
    pub async fn household_visited_before(
        &self,
        household: HouseholdId,
        except: Option<VisitId>,
    ) -> Result<bool> {
        const Q: &str = "select count(*) from visit_events e join visits v on v.id = e.visit_id \
                         where v.household_id = $1 and e.step = 'arrived' and v.id <> $2";
        let n: i64 = with_pool!(self, p => sqlx::query_scalar(Q).bind(household.0).bind(except.map_or(0, |v| v.0)).fetch_one(p).await)?;
        Ok(n > 0)
    }

    pub async fn visit_events(&self, visit: VisitId) -> Result<Vec<VisitEvent>> {
        const Q: &str = "select id, step, actor_staff_id, at, detail from visit_events where visit_id = $1 order by at, id";
        Ok(with_pool!(self, p => sqlx::query_as(Q).bind(visit.0).fetch_all(p).await)?)
    }

    pub async fn decisions(&self, visit: VisitId) -> Result<Vec<Decision>> {
        const Q: &str = "select d.id, d.decided_by, s.name as decided_by_name, d.decision, d.comment, d.decided_at \
                         from visit_decisions d join staff s on s.id = d.decided_by where d.visit_id = $1 order by d.decided_at, d.id";
        Ok(with_pool!(self, p => sqlx::query_as(Q).bind(visit.0).fetch_all(p).await)?)
    }

    pub async fn acknowledged_cautions(&self, visit: VisitId) -> Result<Vec<CautionFlagId>> {
        const Q: &str = "select caution_flag_id from caution_acknowledgements where visit_id = $1 order by caution_flag_id";
        let ids: Vec<i64> =
            with_pool!(self, p => sqlx::query_scalar(Q).bind(visit.0).fetch_all(p).await)?;
        Ok(ids.into_iter().map(CautionFlagId).collect())
    }

    pub async fn safety_concerns(&self, visit: VisitId) -> Result<Vec<SafetyConcern>> {
        const Q: &str = "select id, visit_id, raised_by, concern, raised_at, resolved_by, resolution, resolved_at from safety_concerns where visit_id = $1 order by id";
        Ok(with_pool!(self, p => sqlx::query_as(Q).bind(visit.0).fetch_all(p).await)?)
    }

    pub async fn safety_concern(&self, id: SafetyConcernId) -> Result<SafetyConcern> {
        const Q: &str = "select id, visit_id, raised_by, concern, raised_at, resolved_by, resolution, resolved_at from safety_concerns where id = $1";
        with_pool!(self, p => sqlx::query_as(Q).bind(id.0).fetch_optional(p).await)?
            .ok_or_else(StoreError::not_found("safety concern", id.0))
    }
}
