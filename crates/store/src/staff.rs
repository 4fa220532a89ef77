//! Staff accounts with their roles, and vehicles with driver documents.

use crate::db::{Db, Result, StoreError, Tx, with_pool, with_tx};
use chrono::{DateTime, NaiveDate, Utc};
use domain::inputs::{CarRegistration, PhoneNumber};
use domain::recorded::Recorded;
use domain::{Role, RoleSet, SchoolId, StaffId, TrustId, VehicleId};
use serde::Serialize;

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Staff {
    pub id: StaffId,
    pub trust_id: TrustId,
    pub school_id: Option<SchoolId>,
    pub name: String,
    pub email: String,
    // Checked, or as stored when typed before the parser was stricter (the doc would change
    // the API description).
    #[schema(value_type = Option<String>)]
    pub mobile: Option<Recorded<PhoneNumber>>,
    pub job_title: Option<String>,
    pub roles: RoleSet,
    pub active: bool,
    /// When the session this request carries last proved its second factor (UTC): set only on
    /// a person read with their session ([`Db::session`]); `None` otherwise. Never sent out.
    #[serde(skip)]
    #[schema(ignore)]
    pub second_factor_at: Option<DateTime<Utc>>,
}

#[derive(sqlx::FromRow)]
pub(crate) struct StaffRow {
    id: i64,
    trust_id: i64,
    school_id: Option<i64>,
    name: String,
    email: String,
    mobile: Option<String>,
    job_title: Option<String>,
    active: bool,
    roles: Option<String>,
}

impl StaffRow {
    pub(crate) fn into_staff(self) -> Result<Staff> {
        let roles = self
            .roles
            .unwrap_or_default()
            .split(',')
            .filter(|r| !r.is_empty())
            .map(|r| r.parse::<Role>().map_err(StoreError::Corrupt))
            .collect::<Result<RoleSet>>()?;
        Ok(Staff {
            id: StaffId(self.id),
            trust_id: TrustId(self.trust_id),
            school_id: self.school_id.map(SchoolId),
            name: self.name,
            email: self.email,
            mobile: Recorded::from_stored_optional(self.mobile.as_deref()),
            job_title: self.job_title,
            roles,
            active: self.active,
            second_factor_at: None,
        })
    }
}

// string_agg is PostgreSQL's name, group_concat SQLite's; this is the one dialect branch here.
pub(crate) const STAFF_SQLITE: &str = "select s.id, s.trust_id, s.school_id, s.name, s.email, s.mobile, s.job_title, s.active, \
    (select group_concat(role, ',') from staff_roles r where r.staff_id = s.id) as roles from staff s";
pub(crate) const STAFF_PG: &str = "select s.id, s.trust_id, s.school_id, s.name, s.email, s.mobile, s.job_title, s.active, \
    (select string_agg(role, ',') from staff_roles r where r.staff_id = s.id) as roles from staff s";

pub struct NewStaff<'a> {
    pub trust: TrustId,
    pub school: Option<SchoolId>,
    pub name: &'a str,
    pub email: &'a str,
    pub mobile: Option<&'a str>,
    pub job_title: Option<&'a str>,
    pub password_hash: &'a str,
    pub roles: &'a RoleSet,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Vehicle {
    #[sqlx(try_from = "i64")]
    pub id: VehicleId,
    #[sqlx(try_from = "i64")]
    pub staff_id: StaffId,
    #[sqlx(try_from = "crate::stored::StoredText<Recorded<CarRegistration>>")]
    #[schema(value_type = String)]
    pub registration: Recorded<CarRegistration>,
    pub make_model: Option<String>,
    pub licence_expires: Option<NaiveDate>,
    pub mot_expires: Option<NaiveDate>,
    pub insurance_expires: Option<NaiveDate>,
    pub business_insurance: bool,
}

pub struct NewVehicle<'a> {
    pub staff: StaffId,
    pub registration: &'a str,
    pub make_model: Option<&'a str>,
    pub licence_expires: Option<NaiveDate>,
    pub mot_expires: Option<NaiveDate>,
    pub insurance_expires: Option<NaiveDate>,
    pub business_insurance: bool,
}

impl Tx {
    pub async fn create_staff(&mut self, s: &NewStaff<'_>, now: DateTime<Utc>) -> Result<StaffId> {
        const Q: &str = "insert into staff (trust_id, school_id, name, email, mobile, job_title, password_hash, active, created_at) \
                         values ($1, $2, $3, $4, $5, $6, $7, $8, $9) returning id";
        let id: i64 = with_tx!(self, c => sqlx::query_scalar(Q)
            .bind(s.trust.0)
            .bind(s.school.map(|x| x.0))
            .bind(s.name)
            .bind(s.email)
            .bind(s.mobile)
            .bind(s.job_title)
            .bind(s.password_hash)
            .bind(true)
            .bind(now)
            .fetch_one(c)
            .await)
        .map_err(StoreError::unique(
            "email",
            "another member of staff already uses this e-mail address",
        ))?;
        self.set_roles(StaffId(id), s.roles).await?;
        Ok(StaffId(id))
    }

    pub async fn set_roles(&mut self, staff: StaffId, roles: &RoleSet) -> Result<()> {
        with_tx!(self, c => sqlx::query("delete from staff_roles where staff_id = $1").bind(staff.0).execute(c).await.map(|_| ()))?;
        for role in roles.iter() {
            with_tx!(self, c => sqlx::query("insert into staff_roles (staff_id, role) values ($1, $2)")
                .bind(staff.0)
                .bind(role.as_str())
                .execute(c)
                .await
                .map(|_| ()))?;
        }
        Ok(())
    }

    /// The member of staff with this e-mail address, compared without regard to case (the
    /// staff import's key), inside this transaction.
    pub async fn staff_by_email(&mut self, email: &str) -> Result<Option<Staff>> {
        let row: Option<StaffRow> = match self {
            Tx::Sqlite(t) => {
                sqlx::query_as(sqlx::AssertSqlSafe(format!(
                    "{STAFF_SQLITE} where lower(s.email) = lower($1)"
                )))
                .bind(email)
                .fetch_optional(&mut **t)
                .await?
            }
            Tx::Pg(t) => {
                sqlx::query_as(sqlx::AssertSqlSafe(format!(
                    "{STAFF_PG} where lower(s.email) = lower($1)"
                )))
                .bind(email)
                .fetch_optional(&mut **t)
                .await?
            }
        };
        row.map(StaffRow::into_staff).transpose()
    }

    /// Sets the name and mobile a staff import read (never the password, e-mail or school).
    pub async fn set_staff_name_and_mobile(
        &mut self,
        staff: StaffId,
        name: &str,
        mobile: Option<&str>,
    ) -> Result<()> {
        const Q: &str = "update staff set name = $1, mobile = $2 where id = $3";
        with_tx!(self, c => sqlx::query(Q).bind(name).bind(mobile).bind(staff.0).execute(c).await.map(|_| ()))?;
        Ok(())
    }

    /// The school's first member of staff (the demo's headteacher), inside this transaction.
    pub async fn first_staff_of_school(&mut self, school: SchoolId) -> Result<Option<i64>> {
        const Q: &str = "select min(id) from staff where school_id = $1";
        Ok(
            with_tx!(self, c => sqlx::query_scalar::<_, Option<i64>>(Q).bind(school.0).fetch_one(c).await)?,
        )
    }

    pub async fn add_vehicle(&mut self, v: &NewVehicle<'_>) -> Result<VehicleId> {
        const Q: &str = "insert into vehicles (staff_id, registration, make_model, licence_expires, mot_expires, insurance_expires, business_insurance) \
                         values ($1, $2, $3, $4, $5, $6, $7) returning id";
        let id: i64 = with_tx!(self, c => sqlx::query_scalar(Q)
            .bind(v.staff.0)
            .bind(v.registration)
            .bind(v.make_model)
            .bind(v.licence_expires)
            .bind(v.mot_expires)
            .bind(v.insurance_expires)
            .bind(v.business_insurance)
            .fetch_one(c)
            .await)
        .map_err(StoreError::unique(
            "registration",
            "this vehicle is already recorded for this driver",
        ))?;
        Ok(VehicleId(id))
    }
}

impl Db {
    pub async fn staff(&self, id: StaffId) -> Result<Staff> {
        let row: Option<StaffRow> = match self {
            Db::Sqlite(p, _) => {
                sqlx::query_as(sqlx::AssertSqlSafe(format!(
                    "{STAFF_SQLITE} where s.id = $1"
                )))
                .bind(id.0)
                .fetch_optional(p)
                .await?
            }
            Db::Pg(p, _) => {
                sqlx::query_as(sqlx::AssertSqlSafe(format!("{STAFF_PG} where s.id = $1")))
                    .bind(id.0)
                    .fetch_optional(p)
                    .await?
            }
        };
        row.ok_or_else(StoreError::not_found("member of staff", id.0))?
            .into_staff()
    }

    /// The names of the staff `ids`, as (id, name), in one read however many (the board names
    /// everyone told of its alarms and whoever took charge). An id with no row is left out.
    pub async fn staff_names(&self, ids: &[i64]) -> Result<Vec<(i64, String)>> {
        crate::db::rows_by_keys(self, "select id, name from staff where id in (", ids, "").await
    }

    /// [`Db::staff_names`] of the trust `trust` only: a colleague of another trust is left out,
    /// as is an id with no row. One read however many (the people a visit's page names).
    pub async fn staff_names_in_trust(
        &self,
        trust: TrustId,
        ids: &[i64],
    ) -> Result<Vec<(i64, String)>> {
        let rows: Vec<(i64, String, i64)> = crate::db::rows_by_keys(
            self,
            "select id, name, trust_id from staff where id in (",
            ids,
            "",
        )
        .await?;
        Ok(rows
            .into_iter()
            .filter(|r| r.2 == trust.0)
            .map(|(id, name, _)| (id, name))
            .collect())
    }

    /// The account and its password hash, for login.
    pub async fn staff_login(&self, email: &str) -> Result<Option<(StaffId, String)>> {
        const Q: &str = "select id, password_hash from staff where email = $1 and active = $2";
        let row: Option<(i64, String)> = with_pool!(self, p => sqlx::query_as(Q).bind(email).bind(true).fetch_optional(p).await)?;
        Ok(row.map(|(id, hash)| (StaffId(id), hash)))
    }

    /// Staff of one school, or of the whole trust (including trust-level staff) when `school` is None.
    pub async fn staff_list(&self, trust: TrustId, school: Option<SchoolId>) -> Result<Vec<Staff>> {
        const FILTER: &str =
            " where s.trust_id = $1 and ($2 = 0 or s.school_id = $2) order by s.name";
        let rows: Vec<StaffRow> = match self {
            Db::Sqlite(p, _) => {
                sqlx::query_as(sqlx::AssertSqlSafe(format!("{STAFF_SQLITE}{FILTER}")))
                    .bind(trust.0)
                    .bind(school.map_or(0, |s| s.0))
                    .fetch_all(p)
                    .await?
            }
            Db::Pg(p, _) => {
                sqlx::query_as(sqlx::AssertSqlSafe(format!("{STAFF_PG}{FILTER}")))
                    .bind(trust.0)
                    .bind(school.map_or(0, |s| s.0))
                    .fetch_all(p)
                    .await?
            }
        };
        rows.into_iter().map(StaffRow::into_staff).collect()
    }

    pub async fn vehicle(&self, id: VehicleId) -> Result<Vehicle> {
        const Q: &str = "select id, staff_id, registration, make_model, licence_expires, mot_expires, insurance_expires, business_insurance from vehicles where id = $1";
        with_pool!(self, p => sqlx::query_as(Q).bind(id.0).fetch_optional(p).await)?
            .ok_or_else(StoreError::not_found("vehicle", id.0))
    }

    /// Every vehicle of the school's staff, in one read (the plan form's list of cars).
    pub async fn vehicles_of_school(&self, school: SchoolId) -> Result<Vec<Vehicle>> {
        const Q: &str = "select v.id, v.staff_id, v.registration, v.make_model, v.licence_expires, v.mot_expires, v.insurance_expires, \
                         v.business_insurance from vehicles v join staff s on s.id = v.staff_id where s.school_id = $1 order by v.registration";
        Ok(with_pool!(self, p => sqlx::query_as(Q).bind(school.0).fetch_all(p).await)?)
    }

    pub async fn vehicles_of(&self, staff: StaffId) -> Result<Vec<Vehicle>> {
        const Q: &str = "select id, staff_id, registration, make_model, licence_expires, mot_expires, insurance_expires, business_insurance from vehicles where staff_id = $1 order by registration";
        Ok(with_pool!(self, p => sqlx::query_as(Q).bind(staff.0).fetch_all(p).await)?)
    }
}

/// Reads inside a use case's transaction (a visit's plan and its policy check).
impl Tx {
    pub async fn staff(&mut self, id: StaffId) -> Result<Staff> {
        let row: Option<StaffRow> = match self {
            Tx::Sqlite(t) => {
                sqlx::query_as(sqlx::AssertSqlSafe(format!(
                    "{STAFF_SQLITE} where s.id = $1"
                )))
                .bind(id.0)
                .fetch_optional(&mut **t)
                .await?
            }
            Tx::Pg(t) => {
                sqlx::query_as(sqlx::AssertSqlSafe(format!("{STAFF_PG} where s.id = $1")))
                    .bind(id.0)
                    .fetch_optional(&mut **t)
                    .await?
            }
        };
        row.ok_or_else(StoreError::not_found("member of staff", id.0))?
            .into_staff()
    }

    pub async fn vehicle(&mut self, id: VehicleId) -> Result<Vehicle> {
        const Q: &str = "select id, staff_id, registration, make_model, licence_expires, mot_expires, insurance_expires, business_insurance from vehicles where id = $1";
        with_tx!(self, c => sqlx::query_as(Q).bind(id.0).fetch_optional(c).await)?
            .ok_or_else(StoreError::not_found("vehicle", id.0))
    }
}
