//! Visits: the plan (P1–P7, P12), its staff, its state, decisions (P9), acknowledged caution
//! flags (P10), staff safety concerns (P11) and the event log of every step.

use crate::db::{Db, Result, StoreError, Tx, with_pool, with_tx};
use chrono::{DateTime, Utc};
use domain::visit::{TransportPlan, VisitState};
use domain::{
    CautionFlagId, HouseholdId, PolicyVersionId, PupilId, SafetyConcernId, SchoolId, StaffId,
    TrustId, VehicleId, VisitId,
};
use serde::Serialize;
use sqlx::types::Json;
use sqlx::{FromRow, Row};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VisitorOnPlan {
    pub staff: StaffId,
    pub role_on_visit: String,
    pub is_driver: bool,
}

/// A validated plan, ready to store.
pub struct NewVisit<'a> {
    pub school: SchoolId,
    pub pupil: PupilId,
    pub household: HouseholdId,
    pub policy_version: PolicyVersionId,
    pub reason_category: &'a str,
    pub purpose: &'a str,
    pub parents_could_come_in: Option<bool>,
    pub parents_come_in_note: Option<&'a str>,
    pub appointment: &'a str,
    pub agenda: Option<&'a str>,
    pub unannounced_reason: Option<&'a str>,
    pub expect_to_see: Option<&'a str>,
    pub planned_leave_school: DateTime<Utc>,
    pub planned_arrive: DateTime<Utc>,
    pub planned_leave_property: DateTime<Utc>,
    pub planned_return: DateTime<Utc>,
    pub returns_to: &'a str,
    pub first_visit: bool,
    pub joint_agency: Option<&'a str>,
    pub transport: Option<&'a TransportPlan>,
    pub buddy: Option<StaffId>,
    pub backup: Option<StaffId>,
    pub code_word: Option<&'a str>,
    pub vehicle: Option<VehicleId>,
    pub visitors: &'a [VisitorOnPlan],
    pub rescheduled_from: Option<VisitId>,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct VisitStaff {
    #[sqlx(try_from = "i64")]
    pub staff_id: StaffId,
    pub name: String,
    pub mobile: Option<String>,
    pub role_on_visit: String,
    pub is_driver: bool,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Visit {
    #[sqlx(try_from = "i64")]
    pub id: VisitId,
    #[sqlx(try_from = "i64")]
    pub school_id: SchoolId,
    #[sqlx(try_from = "i64")]
    pub pupil_id: PupilId,
    #[sqlx(try_from = "i64")]
    pub household_id: HouseholdId,
    #[sqlx(try_from = "i64")]
    pub policy_version_id: PolicyVersionId,
    pub reason_category: String,
    pub purpose: String,
    pub parents_could_come_in: Option<bool>,
    pub parents_come_in_note: Option<String>,
    pub appointment: String,
    pub agenda: Option<String>,
    pub unannounced_reason: Option<String>,
    pub expect_to_see: Option<String>,
    pub planned_leave_school: DateTime<Utc>,
    pub planned_arrive: DateTime<Utc>,
    pub planned_leave_property: DateTime<Utc>,
    pub planned_return: DateTime<Utc>,
    pub returns_to: String,
    pub first_visit: bool,
    pub joint_agency: Option<String>,
    #[schema(value_type = Option<TransportPlan>)]
    pub transport: Option<Json<TransportPlan>>,
    pub buddy_staff_id: Option<i64>,
    pub backup_staff_id: Option<i64>,
    /// Only ever shown to the people on the visit and the buddy (P5).
    pub code_word: Option<String>,
    pub vehicle_id: Option<i64>,
    pub status: String,
    #[schema(value_type = VisitState)]
    pub state: Json<VisitState>,
    pub rescheduled_from: Option<i64>,
    pub created_by: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub revision: i64,
    #[sqlx(skip)]
    pub staff: Vec<VisitStaff>,
}

impl Visit {
    pub fn involves(&self, staff: StaffId) -> bool {
        self.staff.iter().any(|s| s.staff_id == staff) || self.buddy_staff_id == Some(staff.0)
    }
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct VisitSummary {
    #[sqlx(try_from = "i64")]
    pub id: VisitId,
    #[sqlx(try_from = "i64")]
    pub school_id: SchoolId,
    #[sqlx(try_from = "i64")]
    pub household_id: HouseholdId,
    pub pupil_name: String,
    pub family_name: String,
    pub postcode: String,
    pub reason_category: String,
    pub status: String,
    pub planned_leave_school: DateTime<Utc>,
    pub planned_return: DateTime<Utc>,
}

/// Which visits to list. `involving` limits to visits the person is on or is buddy for.
#[derive(Debug, Clone, Default)]
pub struct VisitFilter {
    pub trust: Option<TrustId>,
    pub school: Option<SchoolId>,
    pub involving: Option<StaffId>,
    pub status: Option<String>,
    pub limit: Option<i64>,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct VisitEvent {
    pub id: i64,
    pub step: String,
    pub actor_staff_id: Option<i64>,
    pub at: DateTime<Utc>,
    #[schema(value_type = Object)]
    pub detail: Option<Json<serde_json::Value>>,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Decision {
    pub id: i64,
    pub decided_by: i64,
    pub decided_by_name: String,
    pub decision: String,
    pub comment: Option<String>,
    pub decided_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct SafetyConcern {
    #[sqlx(try_from = "i64")]
    pub id: SafetyConcernId,
    pub visit_id: i64,
    pub raised_by: i64,
    pub concern: String,
    pub raised_at: DateTime<Utc>,
    pub resolved_by: Option<i64>,
    pub resolution: Option<String>,
    pub resolved_at: Option<DateTime<Utc>>,
}

const VISIT_COLUMNS: &str = "id, school_id, pupil_id, household_id, policy_version_id, reason_category, purpose, \
    parents_could_come_in, parents_come_in_note, appointment, agenda, unannounced_reason, expect_to_see, \
    planned_leave_school, planned_arrive, planned_leave_property, planned_return, returns_to, first_visit, joint_agency, \
    transport, buddy_staff_id, backup_staff_id, code_word, vehicle_id, status, state, rescheduled_from, created_by, \
    created_at, updated_at, revision";

impl Tx {
    pub async fn create_visit(
        &mut self,
        v: &NewVisit<'_>,
        created_by: StaffId,
        now: DateTime<Utc>,
    ) -> Result<VisitId> {
        const Q: &str = "insert into visits (school_id, pupil_id, household_id, policy_version_id, reason_category, purpose, \
            parents_could_come_in, parents_come_in_note, appointment, agenda, unannounced_reason, expect_to_see, \
            planned_leave_school, planned_arrive, planned_leave_property, planned_return, returns_to, first_visit, joint_agency, \
            transport, buddy_staff_id, backup_staff_id, code_word, vehicle_id, status, state, rescheduled_from, created_by, \
            created_at, updated_at, revision) \
            values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, \
            $25, $26, $27, $28, $29, $29, 1) returning id";
        let state = VisitState::Draft;
        let id: i64 = with_tx!(self, c => sqlx::query_scalar(Q)
            .bind(v.school.0)
            .bind(v.pupil.0)
            .bind(v.household.0)
            .bind(v.policy_version.0)
            .bind(v.reason_category)
            .bind(v.purpose)
            .bind(v.parents_could_come_in)
            .bind(v.parents_come_in_note)
            .bind(v.appointment)
            .bind(v.agenda)
            .bind(v.unannounced_reason)
            .bind(v.expect_to_see)
            .bind(v.planned_leave_school)
            .bind(v.planned_arrive)
            .bind(v.planned_leave_property)
            .bind(v.planned_return)
            .bind(v.returns_to)
            .bind(v.first_visit)
            .bind(v.joint_agency)
            .bind(v.transport.map(Json))
            .bind(v.buddy.map(|s| s.0))
            .bind(v.backup.map(|s| s.0))
            .bind(v.code_word)
            .bind(v.vehicle.map(|x| x.0))
            .bind(state.status())
            .bind(Json(&state))
            .bind(v.rescheduled_from.map(|x| x.0))
            .bind(created_by.0)
            .bind(now)
            .fetch_one(c)
            .await)?;
        self.set_visitors(VisitId(id), v.visitors).await?;
        Ok(VisitId(id))
    }

    /// Replaces an editable plan. Refused when someone else changed the visit since `revision`.
    pub async fn replace_visit_plan(
        &mut self,
        id: VisitId,
        revision: i64,
        v: &NewVisit<'_>,
        now: DateTime<Utc>,
    ) -> Result<i64> {
        const Q: &str = "update visits set policy_version_id = $1, reason_category = $2, purpose = $3, parents_could_come_in = $4, \
            parents_come_in_note = $5, appointment = $6, agenda = $7, unannounced_reason = $8, expect_to_see = $9, \
            planned_leave_school = $10, planned_arrive = $11, planned_leave_property = $12, planned_return = $13, returns_to = $14, \
            first_visit = $15, joint_agency = $16, transport = $17, buddy_staff_id = $18, backup_staff_id = $19, code_word = $20, \
            vehicle_id = $21, updated_at = $22, revision = revision + 1 where id = $23 and revision = $24";
        let n = with_tx!(self, c => sqlx::query(Q)
            .bind(v.policy_version.0)
            .bind(v.reason_category)
            .bind(v.purpose)
            .bind(v.parents_could_come_in)
            .bind(v.parents_come_in_note)
            .bind(v.appointment)
            .bind(v.agenda)
            .bind(v.unannounced_reason)
            .bind(v.expect_to_see)
            .bind(v.planned_leave_school)
            .bind(v.planned_arrive)
            .bind(v.planned_leave_property)
            .bind(v.planned_return)
            .bind(v.returns_to)
            .bind(v.first_visit)
            .bind(v.joint_agency)
            .bind(v.transport.map(Json))
            .bind(v.buddy.map(|s| s.0))
            .bind(v.backup.map(|s| s.0))
            .bind(v.code_word)
            .bind(v.vehicle.map(|x| x.0))
            .bind(now)
            .bind(id.0)
            .bind(revision)
            .execute(c)
            .await
            .map(|r| r.rows_affected()))?;
        if n == 0 {
            return Err(stale());
        }
        self.set_visitors(id, v.visitors).await?;
        Ok(revision + 1)
    }

    async fn set_visitors(&mut self, id: VisitId, visitors: &[VisitorOnPlan]) -> Result<()> {
        with_tx!(self, c => sqlx::query("delete from visit_staff where visit_id = $1").bind(id.0).execute(c).await.map(|_| ()))?;
        for v in visitors {
            with_tx!(self, c => sqlx::query("insert into visit_staff (visit_id, staff_id, role_on_visit, is_driver) values ($1, $2, $3, $4)")
                .bind(id.0)
                .bind(v.staff.0)
                .bind(&v.role_on_visit)
                .bind(v.is_driver)
                .execute(c)
                .await
                .map(|_| ()))
            .map_err(StoreError::unique("staff", "a member of staff is named twice"))?;
        }
        Ok(())
    }

    /// Moves the visit to `state` if nobody else moved it since `revision`; returns the new revision.
    pub async fn set_visit_state(
        &mut self,
        id: VisitId,
        revision: i64,
        state: &VisitState,
        now: DateTime<Utc>,
    ) -> Result<i64> {
        const Q: &str = "update visits set status = $1, state = $2, updated_at = $3, revision = revision + 1 where id = $4 and revision = $5";
        let n = with_tx!(self, c => sqlx::query(Q).bind(state.status()).bind(Json(state)).bind(now).bind(id.0).bind(revision).execute(c).await.map(|r| r.rows_affected()))?;
        if n == 0 {
            return Err(stale());
        }
        Ok(revision + 1)
    }

    pub async fn add_visit_event(
        &mut self,
        visit: VisitId,
        step: &str,
        actor: Option<StaffId>,
        at: DateTime<Utc>,
        detail: &serde_json::Value,
    ) -> Result<()> {
        const Q: &str = "insert into visit_events (visit_id, step, actor_staff_id, at, detail) values ($1, $2, $3, $4, $5)";
        with_tx!(self, c => sqlx::query(Q).bind(visit.0).bind(step).bind(actor.map(|a| a.0)).bind(at).bind(Json(detail)).execute(c).await.map(|_| ()))?;
        Ok(())
    }

    pub async fn add_decision(
        &mut self,
        visit: VisitId,
        by: StaffId,
        decision: &str,
        comment: Option<&str>,
        at: DateTime<Utc>,
    ) -> Result<()> {
        const Q: &str = "insert into visit_decisions (visit_id, decided_by, decision, comment, decided_at) values ($1, $2, $3, $4, $5)";
        with_tx!(self, c => sqlx::query(Q).bind(visit.0).bind(by.0).bind(decision).bind(comment).bind(at).execute(c).await.map(|_| ()))?;
        Ok(())
    }

    pub async fn acknowledge_caution(
        &mut self,
        visit: VisitId,
        flag: CautionFlagId,
        by: StaffId,
        at: DateTime<Utc>,
    ) -> Result<()> {
        const Q: &str = "insert into caution_acknowledgements (visit_id, caution_flag_id, acknowledged_by, acknowledged_at) values ($1, $2, $3, $4) \
                         on conflict (visit_id, caution_flag_id) do nothing";
        with_tx!(self, c => sqlx::query(Q).bind(visit.0).bind(flag.0).bind(by.0).bind(at).execute(c).await.map(|_| ()))?;
        Ok(())
    }

    pub async fn raise_safety_concern(
        &mut self,
        visit: VisitId,
        by: StaffId,
        concern: &str,
        at: DateTime<Utc>,
    ) -> Result<SafetyConcernId> {
        const Q: &str = "insert into safety_concerns (visit_id, raised_by, concern, raised_at) values ($1, $2, $3, $4) returning id";
        let id: i64 = with_tx!(self, c => sqlx::query_scalar(Q).bind(visit.0).bind(by.0).bind(concern).bind(at).fetch_one(c).await)?;
        Ok(SafetyConcernId(id))
    }

    pub async fn resolve_safety_concern(
        &mut self,
        id: SafetyConcernId,
        by: StaffId,
        resolution: &str,
        at: DateTime<Utc>,
    ) -> Result<()> {
        const Q: &str = "update safety_concerns set resolved_by = $1, resolution = $2, resolved_at = $3 where id = $4 and resolved_at is null";
        let n = with_tx!(self, c => sqlx::query(Q).bind(by.0).bind(resolution).bind(at).bind(id.0).execute(c).await.map(|r| r.rows_affected()))?;
        if n == 0 {
            return Err(StoreError::Conflict {
                field: "concern",
                reason: "this concern is already resolved".into(),
            });
        }
        Ok(())
    }
}

fn stale() -> StoreError {
    StoreError::Conflict {
        field: "revision",
        reason: "the visit was changed by someone else; reload it and try again".into(),
    }
}

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
                        out.push(Visit::from_row(r)?);
                    }
                    if let Some(staff_id) = r.try_get::<Option<i64>, _>("vs_staff_id")?
                        && let Some(visit) = out.last_mut()
                    {
                        visit.staff.push(VisitStaff {
                            staff_id: StaffId(staff_id),
                            name: r.try_get("vs_name")?,
                            mobile: r.try_get("vs_mobile")?,
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
            .bind(f.status.as_deref().unwrap_or(""))
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
        let mut visit: Visit =
            with_tx!(self, c => sqlx::query_as(q).bind(id.0).fetch_optional(c).await)?
                .ok_or_else(StoreError::not_found("visit", id.0))?;
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
    pub async fn visit_status(&mut self, id: VisitId) -> Result<String> {
        const Q: &str = "select status from visits where id = $1";
        with_tx!(self, c => sqlx::query_scalar(Q).bind(id.0).fetch_optional(c).await)?
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
}
