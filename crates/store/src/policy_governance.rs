//! G1–G3 storage: policy drafts and their approval, trust policies and the schools that adopt
//! them, staff acknowledgements of a version, and review reminders claimed once per review.

use crate::db::{Db, Result, StoreError, Tx, with_pool, with_tx};
use crate::schools::{POLICY_COLUMNS, PolicyVersion};
use chrono::{DateTime, NaiveDate, Utc};
use domain::policy::PolicySettings;
use domain::{PolicyVersionId, SchoolId, StaffId, TrustId};
use serde::Serialize;
use sqlx::types::Json;

/// A change to a school's policy, waiting for (or given) the approving body's approval.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct PolicyDraft {
    pub id: i64,
    #[sqlx(try_from = "i64")]
    pub school_id: SchoolId,
    pub base_version: i64,
    pub preset: String,
    #[schema(value_type = Object)]
    pub settings: Json<PolicySettings>,
    pub change_note: String,
    /// A trust administrator's change to the trust's policy, for every adopting school.
    pub for_trust: bool,
    pub drafted_by: i64,
    pub drafted_at: DateTime<Utc>,
    pub approved_by: Option<i64>,
    pub approved_by_name: Option<String>,
    pub approved_on: Option<NaiveDate>,
    pub takes_effect_on: Option<NaiveDate>,
    pub in_force_at: Option<DateTime<Utc>>,
    /// Adopting the trust's policy: once approved, the school joins it (G3).
    pub adopts_trust_id: Option<i64>,
    /// Withdrawn before approval (UTC): never comes into force.
    pub withdrawn_at: Option<DateTime<Utc>>,
}

const DRAFT_COLUMNS: &str = "id, school_id, base_version, preset, settings, change_note, for_trust, drafted_by, drafted_at, approved_by, approved_by_name, approved_on, takes_effect_on, in_force_at, adopts_trust_id, withdrawn_at";

/// A new draft, as the use case checked it.
pub struct NewPolicyDraft<'a> {
    pub school: SchoolId,
    pub base_version: i64,
    pub preset: &'a str,
    pub settings: &'a PolicySettings,
    pub change_note: &'a str,
    pub for_trust: bool,
    /// Adopting the trust's policy (G3).
    pub adopts_trust: Option<TrustId>,
    pub by: StaffId,
    pub at: DateTime<Utc>,
}

/// A version coming into force from an approved draft.
pub struct ApprovedVersion<'a> {
    pub school: SchoolId,
    pub preset: &'a str,
    pub settings: &'a PolicySettings,
    /// Who approved it, in words ("Chris Chair, chair of governors").
    pub approved_by: &'a str,
    pub approver: StaffId,
    pub approved_on: NaiveDate,
    pub review_due: NaiveDate,
    pub takes_effect_on: NaiveDate,
    pub changed_by: StaffId,
    pub change_note: &'a str,
    pub now: DateTime<Utc>,
}

impl Tx {
    pub async fn add_policy_draft(&mut self, d: &NewPolicyDraft<'_>) -> Result<PolicyDraft> {
        let q = sqlx::AssertSqlSafe(format!(
            "insert into policy_drafts (school_id, base_version, preset, settings, change_note, for_trust, drafted_by, drafted_at, adopts_trust_id) \
             values ($1, $2, $3, $4, $5, $6, $7, $8, $9) returning {DRAFT_COLUMNS}"
        ));
        Ok(with_tx!(self, c => sqlx::query_as(q)
            .bind(d.school.0).bind(d.base_version).bind(d.preset).bind(Json(d.settings))
            .bind(d.change_note).bind(d.for_trust).bind(d.by.0).bind(d.at)
            .bind(d.adopts_trust.map(|t| t.0))
            .fetch_one(c).await)?)
    }

    /// Records the approval of a draft not yet approved; `false` when it already was.
    pub async fn approve_policy_draft(
        &mut self,
        draft: i64,
        by: StaffId,
        by_name: &str,
        on: NaiveDate,
        takes_effect_on: NaiveDate,
    ) -> Result<bool> {
        const Q: &str = "update policy_drafts set approved_by = $2, approved_by_name = $3, approved_on = $4, takes_effect_on = $5 \
                         where id = $1 and approved_by is null and withdrawn_at is null";
        let done = with_tx!(self, c => sqlx::query(Q).bind(draft).bind(by.0).bind(by_name).bind(on).bind(takes_effect_on).execute(c).await.map(|r| r.rows_affected()))?;
        Ok(done == 1)
    }

    /// Withdraws a draft not yet approved; `false` when it is approved or already withdrawn.
    pub async fn withdraw_policy_draft(
        &mut self,
        draft: i64,
        by: StaffId,
        at: DateTime<Utc>,
    ) -> Result<bool> {
        const Q: &str = "update policy_drafts set withdrawn_at = $2, withdrawn_by = $3 \
                         where id = $1 and approved_by is null and withdrawn_at is null";
        let done = with_tx!(self, c => sqlx::query(Q).bind(draft).bind(at).bind(by.0).execute(c).await.map(|r| r.rows_affected()))?;
        Ok(done == 1)
    }

    /// Claims an approved draft to bring into force; `false` when another pass already did.
    pub async fn claim_draft_in_force(&mut self, draft: i64, at: DateTime<Utc>) -> Result<bool> {
        const Q: &str = "update policy_drafts set in_force_at = $2 where id = $1 and in_force_at is null and approved_by is not null";
        let done = with_tx!(self, c => sqlx::query(Q).bind(draft).bind(at).execute(c).await.map(|r| r.rows_affected()))?;
        Ok(done == 1)
    }

    /// Stores the school's next policy version from an approved change.
    pub async fn add_approved_policy_version(
        &mut self,
        v: &ApprovedVersion<'_>,
    ) -> Result<PolicyVersion> {
        let q = sqlx::AssertSqlSafe(format!(
            "insert into policy_versions (school_id, version, preset, settings, approved_by, approved_on, review_due, changed_by, change_note, created_at, approver_staff_id, takes_effect_on) \
             values ($1, (select coalesce(max(version), 0) + 1 from policy_versions where school_id = $1), $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) \
             returning {POLICY_COLUMNS}"
        ));
        with_tx!(self, c => sqlx::query_as(q)
            .bind(v.school.0).bind(v.preset).bind(Json(v.settings)).bind(v.approved_by)
            .bind(v.approved_on).bind(v.review_due).bind(v.changed_by.0).bind(v.change_note)
            .bind(v.now).bind(v.approver.0).bind(v.takes_effect_on)
            .fetch_one(c).await)
        .map_err(StoreError::unique(
            "settings",
            "the policy was changed by someone else at the same time; try again",
        ))
    }

    /// Makes the trust's policy the one `schools` adopt, with the settings each may change.
    pub async fn set_trust_policy(
        &mut self,
        trust: TrustId,
        school_may_change: &[String],
        schools: &[SchoolId],
        by: StaffId,
        at: DateTime<Utc>,
    ) -> Result<()> {
        const Q: &str = "insert into trust_policies (trust_id, school_may_change, set_by, set_at) values ($1, $2, $3, $4) \
                         on conflict (trust_id) do update set school_may_change = excluded.school_may_change, set_by = excluded.set_by, set_at = excluded.set_at";
        with_tx!(self, c => sqlx::query(Q).bind(trust.0).bind(Json(school_may_change)).bind(by.0).bind(at).execute(c).await.map(|_| ()))?;
        const D: &str = "delete from trust_policy_schools where trust_id = $1";
        with_tx!(self, c => sqlx::query(D).bind(trust.0).execute(c).await.map(|_| ()))?;
        for s in schools {
            const A: &str =
                "insert into trust_policy_schools (school_id, trust_id) values ($1, $2)";
            with_tx!(self, c => sqlx::query(A).bind(s.0).bind(trust.0).execute(c).await.map(|_| ()))?;
        }
        Ok(())
    }

    /// The school joins its trust's policy (an approved adoption); joining twice is once.
    pub async fn join_trust_policy(&mut self, school: SchoolId, trust: TrustId) -> Result<()> {
        const Q: &str = "insert into trust_policy_schools (school_id, trust_id) values ($1, $2) \
                         on conflict (school_id) do update set trust_id = excluded.trust_id";
        with_tx!(self, c => sqlx::query(Q).bind(school.0).bind(trust.0).execute(c).await.map(|_| ()))?;
        Ok(())
    }

    /// Records that a person has read a version; reading it twice keeps the first time.
    pub async fn acknowledge_policy(
        &mut self,
        version: PolicyVersionId,
        staff: StaffId,
        at: DateTime<Utc>,
    ) -> Result<()> {
        const Q: &str = "insert into policy_acknowledgements (policy_version_id, staff_id, acknowledged_at) values ($1, $2, $3) \
                         on conflict (policy_version_id, staff_id) do nothing";
        with_tx!(self, c => sqlx::query(Q).bind(version.0).bind(staff.0).bind(at).execute(c).await.map(|_| ()))?;
        Ok(())
    }

    /// Claims the reminder of one review date; `false` when it was already sent.
    pub async fn claim_review_reminder(
        &mut self,
        school: SchoolId,
        review_due: NaiveDate,
        at: DateTime<Utc>,
    ) -> Result<bool> {
        const Q: &str = "insert into policy_review_reminders (school_id, review_due, sent_at) values ($1, $2, $3) \
                         on conflict (school_id, review_due) do nothing";
        let done = with_tx!(self, c => sqlx::query(Q).bind(school.0).bind(review_due).bind(at).execute(c).await.map(|r| r.rows_affected()))?;
        Ok(done == 1)
    }
}

impl Db {
    pub async fn policy_draft(&self, id: i64) -> Result<PolicyDraft> {
        let q = sqlx::AssertSqlSafe(format!(
            "select {DRAFT_COLUMNS} from policy_drafts where id = $1"
        ));
        with_pool!(self, p => sqlx::query_as(q).bind(id).fetch_optional(p).await)?
            .ok_or_else(StoreError::not_found("policy draft", id))
    }

    /// The school's drafts not yet in force, newest first.
    pub async fn open_policy_drafts(&self, school: SchoolId) -> Result<Vec<PolicyDraft>> {
        let q = sqlx::AssertSqlSafe(format!(
            "select {DRAFT_COLUMNS} from policy_drafts where school_id = $1 and in_force_at is null and withdrawn_at is null order by id desc"
        ));
        Ok(with_pool!(self, p => sqlx::query_as(q).bind(school.0).fetch_all(p).await)?)
    }

    /// Approved drafts not yet in force that take effect on or before `by`, oldest first.
    pub async fn drafts_coming_into_force(&self, by: NaiveDate) -> Result<Vec<PolicyDraft>> {
        let q = sqlx::AssertSqlSafe(format!(
            "select {DRAFT_COLUMNS} from policy_drafts where approved_by is not null and in_force_at is null \
             and takes_effect_on <= $1 order by id limit 200"
        ));
        Ok(with_pool!(self, p => sqlx::query_as(q).bind(by).fetch_all(p).await)?)
    }

    /// The trust whose policy the school adopted, and the settings the school may change.
    pub async fn trust_policy_of_school(
        &self,
        school: SchoolId,
    ) -> Result<Option<(TrustId, Vec<String>)>> {
        const Q: &str = "select t.trust_id, t.school_may_change from trust_policy_schools s \
                         join trust_policies t on t.trust_id = s.trust_id where s.school_id = $1";
        let row: Option<(i64, Json<Vec<String>>)> =
            with_pool!(self, p => sqlx::query_as(Q).bind(school.0).fetch_optional(p).await)?;
        Ok(row.map(|(t, Json(paths))| (TrustId(t), paths)))
    }

    /// The settings a trust lets its schools change, if the trust has a policy of its own.
    pub async fn trust_policy(&self, trust: TrustId) -> Result<Option<Vec<String>>> {
        const Q: &str = "select school_may_change from trust_policies where trust_id = $1";
        let row: Option<Json<Vec<String>>> =
            with_pool!(self, p => sqlx::query_scalar(Q).bind(trust.0).fetch_optional(p).await)?;
        Ok(row.map(|Json(paths)| paths))
    }

    /// The schools that adopted the trust's policy.
    pub async fn trust_policy_schools(&self, trust: TrustId) -> Result<Vec<SchoolId>> {
        const Q: &str =
            "select school_id from trust_policy_schools where trust_id = $1 order by school_id";
        let ids: Vec<i64> =
            with_pool!(self, p => sqlx::query_scalar(Q).bind(trust.0).fetch_all(p).await)?;
        Ok(ids.into_iter().map(SchoolId).collect())
    }

    /// Who has confirmed reading a version, with when.
    pub async fn policy_acknowledgements(
        &self,
        version: PolicyVersionId,
    ) -> Result<Vec<(StaffId, DateTime<Utc>)>> {
        const Q: &str = "select staff_id, acknowledged_at from policy_acknowledgements where policy_version_id = $1";
        let rows: Vec<(i64, DateTime<Utc>)> =
            with_pool!(self, p => sqlx::query_as(Q).bind(version.0).fetch_all(p).await)?;
        Ok(rows.into_iter().map(|(s, at)| (StaffId(s), at)).collect())
    }

    /// Schools whose current version's review falls due on or before `by` and whose reminder for
    /// that date has not been sent.
    pub async fn reviews_to_remind(&self, by: NaiveDate) -> Result<Vec<(SchoolId, NaiveDate)>> {
        const Q: &str = "select v.school_id, v.review_due from policy_versions v \
             where v.version = (select max(w.version) from policy_versions w where w.school_id = v.school_id) \
             and v.review_due <= $1 and not exists (select 1 from policy_review_reminders r \
             where r.school_id = v.school_id and r.review_due = v.review_due) order by v.school_id limit 200";
        let rows: Vec<(i64, NaiveDate)> =
            with_pool!(self, p => sqlx::query_as(Q).bind(by).fetch_all(p).await)?;
        Ok(rows.into_iter().map(|(s, d)| (SchoolId(s), d)).collect())
    }
}
