//! Visits: the plan (P1–P7, P12), its staff, its state, decisions (P9), acknowledged caution
//! flags (P10), staff safety concerns (P11) and the event log of every step.

use crate::db::{Db, Result, StoreError, Tx, with_pool, with_tx};
use chrono::{DateTime, Utc};
use domain::visit::{TransportPlan, VisitState, VisitStatus};
use domain::{
    CautionFlagId, HouseholdId, PolicyVersionId, PupilId, SafetyConcernId, SchoolId, StaffId,
    TrustId, VehicleId, VisitId,
    inputs::{PhoneNumber, Postcode},
    recorded::Recorded,
};
use serde::Serialize;
use sqlx::types::Json;
use sqlx::{FromRow, Row};

mod code_words;
mod in_tx;
mod reads;

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
    #[sqlx(try_from = "crate::stored::StoredText<Option<Recorded<PhoneNumber>>>")]
    #[schema(value_type = Option<String>)]
    pub mobile: Option<Recorded<PhoneNumber>>,
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
    #[sqlx(try_from = "crate::stored::Stored<VisitStatus>")]
    pub status: VisitStatus,
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
    #[sqlx(try_from = "crate::stored::StoredText<Recorded<Postcode>>")]
    #[schema(value_type = String)]
    pub postcode: Recorded<Postcode>,
    pub reason_category: String,
    #[sqlx(try_from = "crate::stored::Stored<VisitStatus>")]
    pub status: VisitStatus,
    pub planned_leave_school: DateTime<Utc>,
    pub planned_return: DateTime<Utc>,
}

/// Which visits to list. `involving` limits to visits the person is on or is buddy for.
#[derive(Debug, Clone, Default)]
pub struct VisitFilter {
    pub trust: Option<TrustId>,
    pub school: Option<SchoolId>,
    pub involving: Option<StaffId>,
    pub status: Option<VisitStatus>,
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
        let code_word = v.code_word.map(|w| self.secrets().seal_code_word(w));
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
            .bind(code_word.as_deref())
            .bind(v.vehicle.map(|x| x.0))
            .bind(state.status().as_str())
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
        let code_word = v.code_word.map(|w| self.secrets().seal_code_word(w));
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
            .bind(code_word.as_deref())
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
        let n = with_tx!(self, c => sqlx::query(Q).bind(state.status().as_str()).bind(Json(state)).bind(now).bind(id.0).bind(revision).execute(c).await.map(|r| r.rows_affected()))?;
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
