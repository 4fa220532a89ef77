//! Households (P3): the adults, address, contacts, pets, notes, caution flags and the
//! block-until-reviewed flag (P10); and pupils, who live in a household.

use crate::db::{Db, Result, StoreError, Tx, with_pool, with_tx};
use chrono::{DateTime, NaiveDate, Utc};
use domain::inputs::{PhoneNumber, Postcode};
use domain::recorded::Recorded;
use domain::{CautionFlagId, HouseholdId, HouseholdMemberId, PupilId, SchoolId, StaffId};
use serde::Serialize;

#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Household {
    #[sqlx(try_from = "i64")]
    pub id: HouseholdId,
    #[sqlx(try_from = "i64")]
    pub school_id: SchoolId,
    pub family_name: String,
    pub address: String,
    #[sqlx(try_from = "crate::stored::StoredText<Recorded<Postcode>>")]
    #[schema(value_type = String)]
    pub postcode: Recorded<Postcode>,
    #[sqlx(try_from = "crate::stored::StoredText<Option<Recorded<PhoneNumber>>>")]
    #[schema(value_type = Option<String>)]
    pub landline: Option<Recorded<PhoneNumber>>,
    pub language_notes: Option<String>,
    pub pets: Option<String>,
    pub blocked: bool,
    pub blocked_reason: Option<String>,
    pub blocked_at: Option<DateTime<Utc>>,
    pub reviewed_by: Option<i64>,
    pub reviewed_at: Option<DateTime<Utc>>,
    pub review_note: Option<String>,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct HouseholdMember {
    #[sqlx(try_from = "i64")]
    pub id: HouseholdMemberId,
    pub name: String,
    pub relationship: String,
    pub parental_responsibility: bool,
    pub lives_at_address: bool,
    #[sqlx(try_from = "crate::stored::StoredText<Option<Recorded<PhoneNumber>>>")]
    #[schema(value_type = Option<String>)]
    pub phone: Option<Recorded<PhoneNumber>>,
    pub email: Option<String>,
    pub notes: Option<String>,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct CautionFlag {
    #[sqlx(try_from = "i64")]
    pub id: CautionFlagId,
    pub description: String,
    pub source: String,
    pub raised_by: i64,
    pub raised_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Pupil {
    #[sqlx(try_from = "i64")]
    pub id: PupilId,
    #[sqlx(try_from = "i64")]
    pub school_id: SchoolId,
    #[sqlx(try_from = "i64")]
    pub household_id: HouseholdId,
    pub name: String,
    pub date_of_birth: NaiveDate,
    pub height_cm: Option<i64>,
    pub year_group: Option<String>,
    /// When a full import from the MIS found the pupil no longer on roll (UTC); `None` on roll.
    pub left_at: Option<DateTime<Utc>>,
}

pub struct NewHousehold<'a> {
    pub school: SchoolId,
    pub family_name: &'a str,
    pub address: &'a str,
    pub postcode: &'a str,
    pub landline: Option<&'a str>,
    pub language_notes: Option<&'a str>,
    pub pets: Option<&'a str>,
}

pub struct NewMember<'a> {
    pub name: &'a str,
    pub relationship: &'a str,
    pub parental_responsibility: bool,
    pub lives_at_address: bool,
    pub phone: Option<&'a str>,
    pub email: Option<&'a str>,
    pub notes: Option<&'a str>,
}

pub struct NewPupil<'a> {
    pub school: SchoolId,
    pub household: HouseholdId,
    pub name: &'a str,
    pub date_of_birth: NaiveDate,
    pub height_cm: Option<i64>,
    pub year_group: Option<&'a str>,
}

const HOUSEHOLD_COLUMNS: &str = "id, school_id, family_name, address, postcode, landline, language_notes, pets, blocked, \
    blocked_reason, blocked_at, reviewed_by, reviewed_at, review_note";
const PUPIL_COLUMNS: &str =
    "id, school_id, household_id, name, date_of_birth, height_cm, year_group, left_at";

impl Tx {
    /// The household as this transaction sees it, its row locked until commit on PostgreSQL
    /// (SQLite's write transaction already excludes other writers), so a decision on its
    /// blocked flag holds until the change is written.
    pub async fn household(&mut self, id: HouseholdId) -> Result<Household> {
        let lock = match self {
            Tx::Sqlite(_) => "",
            Tx::Pg(_) => " for update",
        };
        let q = sqlx::AssertSqlSafe(format!(
            "select {HOUSEHOLD_COLUMNS} from households where id = $1{lock}"
        ));
        with_tx!(self, c => sqlx::query_as(q).bind(id.0).fetch_optional(c).await)?
            .ok_or_else(StoreError::not_found("household", id.0))
    }

    pub async fn create_household(
        &mut self,
        h: &NewHousehold<'_>,
        now: DateTime<Utc>,
    ) -> Result<HouseholdId> {
        const Q: &str = "insert into households (school_id, family_name, address, postcode, landline, language_notes, pets, blocked, created_at) \
                         values ($1, $2, $3, $4, $5, $6, $7, $8, $9) returning id";
        let id: i64 = with_tx!(self, c => sqlx::query_scalar(Q)
            .bind(h.school.0)
            .bind(h.family_name)
            .bind(h.address)
            .bind(h.postcode)
            .bind(h.landline)
            .bind(h.language_notes)
            .bind(h.pets)
            .bind(false)
            .bind(now)
            .fetch_one(c)
            .await)?;
        Ok(HouseholdId(id))
    }

    pub async fn add_member(
        &mut self,
        household: HouseholdId,
        m: &NewMember<'_>,
    ) -> Result<HouseholdMemberId> {
        const Q: &str = "insert into household_members (household_id, name, relationship, parental_responsibility, lives_at_address, phone, email, notes) \
                         values ($1, $2, $3, $4, $5, $6, $7, $8) returning id";
        let id: i64 = with_tx!(self, c => sqlx::query_scalar(Q)
            .bind(household.0)
            .bind(m.name)
            .bind(m.relationship)
            .bind(m.parental_responsibility)
            .bind(m.lives_at_address)
            .bind(m.phone)
            .bind(m.email)
            .bind(m.notes)
            .fetch_one(c)
            .await)?;
        Ok(HouseholdMemberId(id))
    }

    pub async fn add_caution(
        &mut self,
        household: HouseholdId,
        description: &str,
        source: &str,
        by: StaffId,
        now: DateTime<Utc>,
    ) -> Result<CautionFlagId> {
        const Q: &str = "insert into caution_flags (household_id, description, source, raised_by, raised_at) values ($1, $2, $3, $4, $5) returning id";
        let id: i64 = with_tx!(self, c => sqlx::query_scalar(Q).bind(household.0).bind(description).bind(source).bind(by.0).bind(now).fetch_one(c).await)?;
        Ok(CautionFlagId(id))
    }

    /// P10: no new appointments until a senior leader reviews the case.
    pub async fn block_household(
        &mut self,
        household: HouseholdId,
        reason: &str,
        now: DateTime<Utc>,
    ) -> Result<()> {
        const Q: &str = "update households set blocked = $1, blocked_reason = $2, blocked_at = $3 where id = $4";
        let n = with_tx!(self, c => sqlx::query(Q).bind(true).bind(reason).bind(now).bind(household.0).execute(c).await.map(|r| r.rows_affected()))?;
        if n == 0 {
            return Err(StoreError::NotFound {
                what: "household",
                id: household.0,
            });
        }
        Ok(())
    }

    pub async fn review_household(
        &mut self,
        household: HouseholdId,
        by: StaffId,
        note: &str,
        now: DateTime<Utc>,
    ) -> Result<()> {
        const Q: &str = "update households set blocked = $1, reviewed_by = $2, reviewed_at = $3, review_note = $4 where id = $5";
        let n = with_tx!(self, c => sqlx::query(Q).bind(false).bind(by.0).bind(now).bind(note).bind(household.0).execute(c).await.map(|r| r.rows_affected()))?;
        if n == 0 {
            return Err(StoreError::NotFound {
                what: "household",
                id: household.0,
            });
        }
        Ok(())
    }

    pub async fn create_pupil(&mut self, p: &NewPupil<'_>) -> Result<PupilId> {
        const Q: &str = "insert into pupils (school_id, household_id, name, date_of_birth, height_cm, year_group) values ($1, $2, $3, $4, $5, $6) returning id";
        let id: i64 = with_tx!(self, c => sqlx::query_scalar(Q)
            .bind(p.school.0)
            .bind(p.household.0)
            .bind(p.name)
            .bind(p.date_of_birth)
            .bind(p.height_cm)
            .bind(p.year_group)
            .fetch_one(c)
            .await)?;
        Ok(PupilId(id))
    }
}

impl Db {
    pub async fn household(&self, id: HouseholdId) -> Result<Household> {
        let q = sqlx::AssertSqlSafe(format!(
            "select {HOUSEHOLD_COLUMNS} from households where id = $1"
        ));
        with_pool!(self, p => sqlx::query_as(q).bind(id.0).fetch_optional(p).await)?
            .ok_or_else(StoreError::not_found("household", id.0))
    }

    /// The households of these ids (those that exist), in no particular order.
    pub async fn households_by_id(&self, ids: &[HouseholdId]) -> Result<Vec<Household>> {
        let keys: Vec<i64> = ids.iter().map(|h| h.0).collect();
        let head = format!("select {HOUSEHOLD_COLUMNS} from households where id in (");
        crate::db::rows_by_keys(self, &head, &keys, "").await
    }

    /// The pupils of these ids (those that exist), in no particular order.
    pub async fn pupils_by_id(&self, ids: &[PupilId]) -> Result<Vec<Pupil>> {
        let keys: Vec<i64> = ids.iter().map(|p| p.0).collect();
        let head = format!("select {PUPIL_COLUMNS} from pupils where id in (");
        crate::db::rows_by_keys(self, &head, &keys, "").await
    }

    pub async fn households_of_school(&self, school: SchoolId) -> Result<Vec<Household>> {
        let q = sqlx::AssertSqlSafe(format!(
            "select {HOUSEHOLD_COLUMNS} from households where school_id = $1 order by family_name, id"
        ));
        Ok(with_pool!(self, p => sqlx::query_as(q).bind(school.0).fetch_all(p).await)?)
    }

    pub async fn household_members(&self, id: HouseholdId) -> Result<Vec<HouseholdMember>> {
        const Q: &str = "select id, name, relationship, parental_responsibility, lives_at_address, phone, email, notes \
                         from household_members where household_id = $1 order by id";
        Ok(with_pool!(self, p => sqlx::query_as(Q).bind(id.0).fetch_all(p).await)?)
    }

    pub async fn caution_flags(&self, id: HouseholdId) -> Result<Vec<CautionFlag>> {
        const Q: &str = "select id, description, source, raised_by, raised_at from caution_flags where household_id = $1 order by id";
        Ok(with_pool!(self, p => sqlx::query_as(Q).bind(id.0).fetch_all(p).await)?)
    }

    pub async fn pupil(&self, id: PupilId) -> Result<Pupil> {
        let q = sqlx::AssertSqlSafe(format!("select {PUPIL_COLUMNS} from pupils where id = $1"));
        with_pool!(self, p => sqlx::query_as(q).bind(id.0).fetch_optional(p).await)?
            .ok_or_else(StoreError::not_found("pupil", id.0))
    }

    pub async fn pupils_of_school(&self, school: SchoolId) -> Result<Vec<Pupil>> {
        let q = sqlx::AssertSqlSafe(format!(
            "select {PUPIL_COLUMNS} from pupils where school_id = $1 order by name, id"
        ));
        Ok(with_pool!(self, p => sqlx::query_as(q).bind(school.0).fetch_all(p).await)?)
    }

    pub async fn pupils_of_household(&self, household: HouseholdId) -> Result<Vec<Pupil>> {
        let q = sqlx::AssertSqlSafe(format!(
            "select {PUPIL_COLUMNS} from pupils where household_id = $1 order by name, id"
        ));
        Ok(with_pool!(self, p => sqlx::query_as(q).bind(household.0).fetch_all(p).await)?)
    }
}

/// Reads inside a use case's transaction, so its checks see what its writes will be judged by.
impl Tx {
    pub async fn caution_flags(&mut self, id: HouseholdId) -> Result<Vec<CautionFlag>> {
        const Q: &str = "select id, description, source, raised_by, raised_at from caution_flags where household_id = $1 order by id";
        Ok(with_tx!(self, c => sqlx::query_as(Q).bind(id.0).fetch_all(c).await)?)
    }

    pub async fn pupil(&mut self, id: PupilId) -> Result<Pupil> {
        let q = sqlx::AssertSqlSafe(format!("select {PUPIL_COLUMNS} from pupils where id = $1"));
        with_tx!(self, c => sqlx::query_as(q).bind(id.0).fetch_optional(c).await)?
            .ok_or_else(StoreError::not_found("pupil", id.0))
    }
}
