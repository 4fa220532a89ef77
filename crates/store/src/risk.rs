//! Risk assessments (P8): questionnaire and hazard matrix, sign-off and staff acknowledgements.

use crate::db::{Db, Result, StoreError, Tx, with_pool, with_tx};
use chrono::{DateTime, Utc};
use domain::risk::{Hazard, Questionnaire, RiskAssessmentInput};
use domain::{HouseholdId, RiskAssessmentId, StaffId, VisitId};
use serde::Serialize;
use sqlx::types::Json;

#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct RiskAssessment {
    #[sqlx(try_from = "i64")]
    pub id: RiskAssessmentId,
    #[sqlx(try_from = "i64")]
    pub household_id: HouseholdId,
    pub visit_id: Option<i64>,
    #[schema(value_type = Option<Questionnaire>)]
    pub questionnaire: Option<Json<Questionnaire>>,
    #[schema(value_type = Vec<Hazard>)]
    pub hazards: Json<Vec<Hazard>>,
    pub areas_of_concern: Option<String>,
    pub risk_before: String,
    pub control_measures: Option<String>,
    pub risk_after: String,
    pub completed_by: i64,
    pub completed_at: DateTime<Utc>,
    pub signed_off_by: Option<i64>,
    pub signed_off_at: Option<DateTime<Utc>>,
    pub sign_off_comment: Option<String>,
}

impl RiskAssessment {
    pub fn risk_after_controls(&self) -> Result<domain::risk::RiskLevel> {
        self.risk_after.parse().map_err(StoreError::Corrupt)
    }
}

pub struct NewRiskAssessment<'a> {
    pub household: HouseholdId,
    pub visit: Option<VisitId>,
    pub input: &'a RiskAssessmentInput,
    pub completed_by: StaffId,
}

const COLUMNS: &str = "id, household_id, visit_id, questionnaire, hazards, areas_of_concern, risk_before, control_measures, \
    risk_after, completed_by, completed_at, signed_off_by, signed_off_at, sign_off_comment";

impl Tx {
    pub async fn create_risk_assessment(
        &mut self,
        ra: &NewRiskAssessment<'_>,
        now: DateTime<Utc>,
    ) -> Result<RiskAssessmentId> {
        const Q: &str = "insert into risk_assessments (household_id, visit_id, questionnaire, hazards, areas_of_concern, risk_before, control_measures, risk_after, completed_by, completed_at) \
                         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) returning id";
        let i = ra.input;
        let id: i64 = with_tx!(self, c => sqlx::query_scalar(Q)
            .bind(ra.household.0)
            .bind(ra.visit.map(|v| v.0))
            .bind(i.questionnaire.as_ref().map(Json))
            .bind(Json(&i.hazards))
            .bind(Some(i.areas_of_concern.trim()).filter(|s| !s.is_empty()))
            .bind(i.risk_before_controls.as_str())
            .bind(Some(i.control_measures.trim()).filter(|s| !s.is_empty()))
            .bind(i.risk_after_controls.as_str())
            .bind(ra.completed_by.0)
            .bind(now)
            .fetch_one(c)
            .await)?;
        Ok(RiskAssessmentId(id))
    }

    pub async fn sign_off_risk_assessment(
        &mut self,
        id: RiskAssessmentId,
        by: StaffId,
        comment: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<()> {
        const Q: &str = "update risk_assessments set signed_off_by = $1, signed_off_at = $2, sign_off_comment = $3 where id = $4 and signed_off_by is null";
        let n = with_tx!(self, c => sqlx::query(Q).bind(by.0).bind(now).bind(comment).bind(id.0).execute(c).await.map(|r| r.rows_affected()))?;
        if n == 0 {
            return Err(StoreError::Conflict {
                field: "risk_assessment",
                reason: "this risk assessment is already signed off".into(),
            });
        }
        Ok(())
    }

    /// G2: a member of staff confirms they have read the assessment. Saying it twice is harmless.
    pub async fn acknowledge_risk_assessment(
        &mut self,
        id: RiskAssessmentId,
        staff: StaffId,
        now: DateTime<Utc>,
    ) -> Result<()> {
        const Q: &str = "insert into risk_acknowledgements (risk_assessment_id, staff_id, acknowledged_at) values ($1, $2, $3) \
                         on conflict (risk_assessment_id, staff_id) do nothing";
        with_tx!(self, c => sqlx::query(Q).bind(id.0).bind(staff.0).bind(now).execute(c).await.map(|_| ()))?;
        Ok(())
    }
}

impl Db {
    pub async fn risk_assessment(&self, id: RiskAssessmentId) -> Result<RiskAssessment> {
        let q = sqlx::AssertSqlSafe(format!(
            "select {COLUMNS} from risk_assessments where id = $1"
        ));
        with_pool!(self, p => sqlx::query_as(q).bind(id.0).fetch_optional(p).await)?
            .ok_or_else(StoreError::not_found("risk assessment", id.0))
    }

    /// The household's most recent assessment: the one a visit is judged by.
    pub async fn latest_risk_assessment(
        &self,
        household: HouseholdId,
    ) -> Result<Option<RiskAssessment>> {
        let q = sqlx::AssertSqlSafe(format!(
            "select {COLUMNS} from risk_assessments where household_id = $1 order by completed_at desc, id desc limit 1"
        ));
        Ok(with_pool!(self, p => sqlx::query_as(q).bind(household.0).fetch_optional(p).await)?)
    }

    pub async fn risk_assessments_of(&self, household: HouseholdId) -> Result<Vec<RiskAssessment>> {
        let q = sqlx::AssertSqlSafe(format!(
            "select {COLUMNS} from risk_assessments where household_id = $1 order by completed_at desc, id desc"
        ));
        Ok(with_pool!(self, p => sqlx::query_as(q).bind(household.0).fetch_all(p).await)?)
    }

    pub async fn risk_acknowledgements(&self, id: RiskAssessmentId) -> Result<Vec<StaffId>> {
        const Q: &str = "select staff_id from risk_acknowledgements where risk_assessment_id = $1 order by staff_id";
        let ids: Vec<i64> =
            with_pool!(self, p => sqlx::query_scalar(Q).bind(id.0).fetch_all(p).await)?;
        Ok(ids.into_iter().map(StaffId).collect())
    }
}

/// Reads inside a use case's transaction (the policy check before a visit's step).
impl Tx {
    /// The household's most recent assessment: the one a visit is judged by.
    pub async fn latest_risk_assessment(
        &mut self,
        household: HouseholdId,
    ) -> Result<Option<RiskAssessment>> {
        let q = sqlx::AssertSqlSafe(format!(
            "select {COLUMNS} from risk_assessments where household_id = $1 order by completed_at desc, id desc limit 1"
        ));
        Ok(with_tx!(self, c => sqlx::query_as(q).bind(household.0).fetch_optional(c).await)?)
    }

    pub async fn risk_acknowledgements(&mut self, id: RiskAssessmentId) -> Result<Vec<StaffId>> {
        const Q: &str = "select staff_id from risk_acknowledgements where risk_assessment_id = $1 order by staff_id";
        let ids: Vec<i64> =
            with_tx!(self, c => sqlx::query_scalar(Q).bind(id.0).fetch_all(c).await)?;
        Ok(ids.into_iter().map(StaffId).collect())
    }
}
