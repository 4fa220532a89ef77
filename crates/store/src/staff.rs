//! Staff accounts with their roles, login sessions, and vehicles with driver documents.

use crate::db::{Db, Result, StoreError, Tx, with_pool, with_tx};
use chrono::{DateTime, NaiveDate, Utc};
use domain::{Role, RoleSet, SchoolId, StaffId, TrustId, VehicleId};
use serde::Serialize;
use sqlx::{FromRow, Row};

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Staff {
    pub id: StaffId,
    pub trust_id: TrustId,
    pub school_id: Option<SchoolId>,
    pub name: String,
    pub email: String,
    pub mobile: Option<String>,
    pub job_title: Option<String>,
    pub roles: RoleSet,
    pub active: bool,
}

#[derive(sqlx::FromRow)]
struct StaffRow {
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
    fn into_staff(self) -> Result<Staff> {
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
            mobile: self.mobile,
            job_title: self.job_title,
            roles,
            active: self.active,
        })
    }
}

// string_agg is PostgreSQL's name, group_concat SQLite's; this is the one dialect branch here.
const STAFF_SQLITE: &str = "select s.id, s.trust_id, s.school_id, s.name, s.email, s.mobile, s.job_title, s.active, \
    (select group_concat(role, ',') from staff_roles r where r.staff_id = s.id) as roles from staff s";
const STAFF_PG: &str = "select s.id, s.trust_id, s.school_id, s.name, s.email, s.mobile, s.job_title, s.active, \
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
    pub registration: String,
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
    /// A session of `staff` that ends at `expires` (UTC); only the token's hash is stored.
    pub async fn create_session(
        &mut self,
        token_hash: &str,
        staff: StaffId,
        now: DateTime<Utc>,
        expires: DateTime<Utc>,
    ) -> Result<()> {
        const Q: &str = "insert into sessions (token_hash, staff_id, created_at, expires_at) values ($1, $2, $3, $4)";
        with_tx!(self, c => sqlx::query(Q).bind(token_hash).bind(staff.0).bind(now).bind(expires).execute(c).await.map(|_| ()))?;
        Ok(())
    }

    /// Ends a session; ending one that does not exist is not an error.
    pub async fn delete_session(&mut self, token_hash: &str) -> Result<()> {
        with_tx!(self, c => sqlx::query("delete from sessions where token_hash = $1").bind(token_hash).execute(c).await.map(|_| ()))?;
        Ok(())
    }

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

    pub async fn create_session(
        &self,
        token_hash: &str,
        staff: StaffId,
        now: DateTime<Utc>,
        expires: DateTime<Utc>,
    ) -> Result<()> {
        const Q: &str = "insert into sessions (token_hash, staff_id, created_at, expires_at) values ($1, $2, $3, $4)";
        with_pool!(self, p => sqlx::query(Q).bind(token_hash).bind(staff.0).bind(now).bind(expires).execute(p).await.map(|_| ()))?;
        Ok(())
    }

    /// The active member of staff a live session belongs to, with their roles, in one read:
    /// the session, the account and its roles are read together on every request, so a logout,
    /// a deactivation or a role change counts from the very next request.
    pub async fn session_member(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<Staff>> {
        const WHERE: &str = " join sessions ss on ss.staff_id = s.id where ss.token_hash = $1 and ss.expires_at > $2 and s.active = $3";
        let row: Option<StaffRow> = match self {
            Db::Sqlite(p, _) => {
                sqlx::query_as(sqlx::AssertSqlSafe(format!("{STAFF_SQLITE}{WHERE}")))
                    .bind(token_hash)
                    .bind(now)
                    .bind(true)
                    .fetch_optional(p)
                    .await?
            }
            Db::Pg(p, _) => {
                sqlx::query_as(sqlx::AssertSqlSafe(format!("{STAFF_PG}{WHERE}")))
                    .bind(token_hash)
                    .bind(now)
                    .bind(true)
                    .fetch_optional(p)
                    .await?
            }
        };
        row.map(StaffRow::into_staff).transpose()
    }

    /// [`Db::session_member`] for many sessions in one read, with each session's expiry (the
    /// caller compares it with its own `now`): (token hash, expires at, member of staff), for the
    /// sessions that exist and belong to an active account.
    pub async fn session_members(
        &self,
        token_hashes: &[String],
    ) -> Result<Vec<(String, DateTime<Utc>, Staff)>> {
        const EXTRA: &str =
            "select ss.token_hash as session_token_hash, ss.expires_at as session_expires_at, ";
        let mut out = Vec::with_capacity(token_hashes.len());
        for chunk in token_hashes.chunks(64) {
            // Padded to a power of two with the last value, so the statement has few shapes.
            let mut keys: Vec<&str> = chunk.iter().map(String::as_str).collect();
            keys.resize(chunk.len().next_power_of_two(), keys[keys.len() - 1]);
            macro_rules! read {
                ($base:expr, $p:expr) => {{
                    let mut q = sqlx::QueryBuilder::new(format!(
                        "{EXTRA}{} join sessions ss on ss.staff_id = s.id where s.active = ",
                        &$base["select ".len()..]
                    ));
                    q.push_bind(true);
                    q.push(" and ss.token_hash in (");
                    let mut list = q.separated(", ");
                    for k in &keys {
                        list.push_bind(*k);
                    }
                    q.push(")");
                    let rows = q.build().fetch_all($p).await?;
                    for r in &rows {
                        let token: String = r.try_get("session_token_hash")?;
                        let expires: DateTime<Utc> = r.try_get("session_expires_at")?;
                        out.push((token, expires, StaffRow::from_row(r)?.into_staff()?));
                    }
                }};
            }
            match self {
                Db::Sqlite(p, _) => read!(STAFF_SQLITE, p),
                Db::Pg(p, _) => read!(STAFF_PG, p),
            }
        }
        Ok(out)
    }

    pub async fn delete_session(&self, token_hash: &str) -> Result<()> {
        with_pool!(self, p => sqlx::query("delete from sessions where token_hash = $1").bind(token_hash).execute(p).await.map(|_| ()))?;
        Ok(())
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
