//! Trusts, schools and each school's policy versions.

use crate::db::{Db, Result, StoreError, Tx, with_pool, with_tx};
use chrono::{DateTime, NaiveDate, Utc};
use domain::inputs::PhoneNumber;
use domain::policy::PolicySettings;
use domain::recorded::Recorded;
use domain::{PolicyVersionId, SchoolId, StaffId, TrustId};
use serde::Serialize;
use sqlx::types::Json;

#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Trust {
    #[sqlx(try_from = "i64")]
    pub id: TrustId,
    pub name: String,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct School {
    #[sqlx(try_from = "i64")]
    pub id: SchoolId,
    #[sqlx(try_from = "i64")]
    pub trust_id: TrustId,
    pub name: String,
    #[sqlx(try_from = "crate::stored::StoredText<Option<Recorded<PhoneNumber>>>")]
    #[schema(value_type = Option<String>)]
    pub phone: Option<Recorded<PhoneNumber>>,
    pub preset: String,
}

/// A policy as it stood from `created_at`; visits keep the version they were judged by.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct PolicyVersion {
    #[sqlx(try_from = "i64")]
    pub id: PolicyVersionId,
    #[sqlx(try_from = "i64")]
    pub school_id: SchoolId,
    pub version: i64,
    pub preset: String,
    #[schema(value_type = Object)]
    pub settings: Json<PolicySettings>,
    pub approved_by: String,
    pub approved_on: NaiveDate,
    pub review_due: NaiveDate,
    pub changed_by: Option<i64>,
    pub change_note: Option<String>,
    pub created_at: DateTime<Utc>,
    /// G1: the person who recorded the approving body's approval (none for a preset adopted
    /// when the school was set up, and for versions from before approvals were recorded).
    pub approver_staff_id: Option<i64>,
    /// G1: the day the approved change came into force.
    #[schema(value_type = Option<String>, format = Date)]
    pub takes_effect_on: Option<NaiveDate>,
}

pub(crate) const POLICY_COLUMNS: &str = "id, school_id, version, preset, settings, approved_by, approved_on, review_due, changed_by, change_note, created_at, approver_staff_id, takes_effect_on";

impl Tx {
    /// The school's policy as this transaction sees it (the newest version).
    pub async fn current_policy(&mut self, school: SchoolId) -> Result<PolicyVersion> {
        let q = sqlx::AssertSqlSafe(format!(
            "select {POLICY_COLUMNS} from policy_versions where school_id = $1 order by version desc limit 1"
        ));
        with_tx!(self, c => sqlx::query_as(q).bind(school.0).fetch_optional(c).await)?
            .ok_or_else(StoreError::not_found("policy for school", school.0))
    }

    pub async fn create_trust(&mut self, name: &str) -> Result<TrustId> {
        const Q: &str = "insert into trusts (name) values ($1) returning id";
        let id: i64 =
            with_tx!(self, c => sqlx::query_scalar(Q).bind(name).fetch_one(c).await).map_err(
                StoreError::unique("name", "a trust with this name already exists"),
            )?;
        Ok(TrustId(id))
    }

    pub async fn create_school(
        &mut self,
        trust: TrustId,
        name: &str,
        phone: Option<&str>,
        preset: &str,
        now: DateTime<Utc>,
    ) -> Result<SchoolId> {
        const Q: &str = "insert into schools (trust_id, name, phone, preset, created_at) values ($1, $2, $3, $4, $5) returning id";
        let id: i64 = with_tx!(self, c => sqlx::query_scalar(Q).bind(trust.0).bind(name).bind(phone).bind(preset).bind(now).fetch_one(c).await)
            .map_err(StoreError::unique("name", "the trust already has a school with this name"))?;
        Ok(SchoolId(id))
    }

    /// Stores the next version of a school's policy (version numbers count up from 1).
    #[allow(clippy::too_many_arguments)]
    pub async fn add_policy_version(
        &mut self,
        school: SchoolId,
        preset: &str,
        settings: &PolicySettings,
        approved_on: NaiveDate,
        review_due: NaiveDate,
        changed_by: Option<StaffId>,
        change_note: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<PolicyVersion> {
        let q = format!(
            "insert into policy_versions (school_id, version, preset, settings, approved_by, approved_on, review_due, changed_by, change_note, created_at) \
             values ($1, (select coalesce(max(version), 0) + 1 from policy_versions where school_id = $1), $2, $3, $4, $5, $6, $7, $8, $9) \
             returning {POLICY_COLUMNS}"
        );
        let q = sqlx::AssertSqlSafe(q);
        with_tx!(self, c => sqlx::query_as(q)
            .bind(school.0)
            .bind(preset)
            .bind(Json(settings))
            .bind(&settings.approver)
            .bind(approved_on)
            .bind(review_due)
            .bind(changed_by.map(|s| s.0))
            .bind(change_note)
            .bind(now)
            .fetch_one(c)
            .await)
        .map_err(StoreError::unique(
            "settings",
            "the policy was changed by someone else at the same time; try again",
        ))
    }
}

impl Db {
    pub async fn trust(&self, id: TrustId) -> Result<Trust> {
        with_pool!(self, p => sqlx::query_as("select id, name from trusts where id = $1").bind(id.0).fetch_optional(p).await)?
            .ok_or_else(StoreError::not_found("trust", id.0))
    }

    pub async fn trust_by_name(&self, name: &str) -> Result<Option<Trust>> {
        Ok(
            with_pool!(self, p => sqlx::query_as("select id, name from trusts where name = $1").bind(name).fetch_optional(p).await)?,
        )
    }

    pub async fn school(&self, id: SchoolId) -> Result<School> {
        with_pool!(self, p => sqlx::query_as("select id, trust_id, name, phone, preset from schools where id = $1").bind(id.0).fetch_optional(p).await)?
            .ok_or_else(StoreError::not_found("school", id.0))
    }

    pub async fn schools_of_trust(&self, trust: TrustId) -> Result<Vec<School>> {
        Ok(
            with_pool!(self, p => sqlx::query_as("select id, trust_id, name, phone, preset from schools where trust_id = $1 order by name").bind(trust.0).fetch_all(p).await)?,
        )
    }

    /// Every school of every trust, by id: the monitor's daily channel test goes to each.
    pub async fn all_schools(&self) -> Result<Vec<School>> {
        Ok(
            with_pool!(self, p => sqlx::query_as("select id, trust_id, name, phone, preset from schools order by id").fetch_all(p).await)?,
        )
    }

    pub async fn current_policy(&self, school: SchoolId) -> Result<PolicyVersion> {
        let q = sqlx::AssertSqlSafe(format!(
            "select {POLICY_COLUMNS} from policy_versions where school_id = $1 order by version desc limit 1"
        ));
        with_pool!(self, p => sqlx::query_as(q).bind(school.0).fetch_optional(p).await)?
            .ok_or_else(StoreError::not_found("policy for school", school.0))
    }

    pub async fn policy_version(&self, id: PolicyVersionId) -> Result<PolicyVersion> {
        let q = sqlx::AssertSqlSafe(format!(
            "select {POLICY_COLUMNS} from policy_versions where id = $1"
        ));
        with_pool!(self, p => sqlx::query_as(q).bind(id.0).fetch_optional(p).await)?
            .ok_or_else(StoreError::not_found("policy version", id.0))
    }

    pub async fn policy_versions(&self, school: SchoolId) -> Result<Vec<PolicyVersion>> {
        let q = sqlx::AssertSqlSafe(format!(
            "select {POLICY_COLUMNS} from policy_versions where school_id = $1 order by version desc"
        ));
        Ok(with_pool!(self, p => sqlx::query_as(q).bind(school.0).fetch_all(p).await)?)
    }
}
