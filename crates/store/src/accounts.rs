//! Accounts people manage (#12 item 3): their sessions as "my sessions" lists them, their
//! password, reset links (only a hash of the token is kept), a lost authenticator cleared, and
//! grants of senior roles waiting for a second person. Who may do what, and for how long a link
//! lasts, is decided in `app::accounts`; the store keeps rows and times (UTC).

use crate::db::{Db, Result, Tx, with_pool, with_tx};
use chrono::{DateTime, Utc};
use domain::{Role, StaffId};

/// One of a person's sessions as "my sessions" shows it.
#[derive(Debug, Clone)]
pub struct SessionSummary {
    /// The stored hash of its token (never the token).
    pub token_hash: String,
    /// The device in plain words ("Chrome on Android"), when the browser said.
    pub device: Option<String>,
    pub created_at: DateTime<Utc>,
    /// When it was last used (written at most once a minute); the sign-in time until then.
    pub last_used_at: Option<DateTime<Utc>>,
    pub expires_at: DateTime<Utc>,
}

/// A grant of a senior role waiting for (or given) a second person's approval.
#[derive(Debug, Clone)]
pub struct RoleGrant {
    pub id: i64,
    pub staff: StaffId,
    pub role: Role,
    pub requested_by: StaffId,
    pub requested_at: DateTime<Utc>,
}

type GrantRow = (i64, i64, String, i64, DateTime<Utc>);

fn grant(row: GrantRow) -> Option<RoleGrant> {
    let (id, staff, role, by, at) = row;
    Some(RoleGrant {
        id,
        staff: StaffId(staff),
        role: role.parse().ok()?,
        requested_by: StaffId(by),
        requested_at: at,
    })
}

impl Db {
    /// The person's sessions, newest first, whatever their expiry (the caller judges that).
    pub async fn sessions_of(&self, staff: StaffId) -> Result<Vec<SessionSummary>> {
        const Q: &str = "select token_hash, device, created_at, last_used_at, expires_at from sessions \
            where staff_id = $1 order by created_at desc, token_hash";
        type Row = (
            String,
            Option<String>,
            DateTime<Utc>,
            Option<DateTime<Utc>>,
            DateTime<Utc>,
        );
        let rows: Vec<Row> =
            with_pool!(self, p => sqlx::query_as(Q).bind(staff.0).fetch_all(p).await)?;
        Ok(rows
            .into_iter()
            .map(
                |(token_hash, device, created_at, last_used_at, expires_at)| SessionSummary {
                    token_hash,
                    device,
                    created_at,
                    last_used_at,
                    expires_at,
                },
            )
            .collect())
    }

    /// The account a reset link (by its token's hash) opens, if the link is unused and still
    /// good at `now`.
    pub async fn password_reset_holder(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<StaffId>> {
        const Q: &str = "select staff_id from password_resets where token_hash = $1 \
            and used_at is null and expires_at > $2";
        let id: Option<i64> = with_pool!(self, p => sqlx::query_scalar(Q).bind(token_hash).bind(now).fetch_optional(p).await)?;
        Ok(id.map(StaffId))
    }

    /// Grants of senior roles still waiting for approval, to staff of this trust, oldest first.
    pub async fn pending_role_grants(&self, trust: domain::TrustId) -> Result<Vec<RoleGrant>> {
        const Q: &str = "select g.id, g.staff_id, g.role, g.requested_by, g.requested_at from role_grants g \
            join staff s on s.id = g.staff_id where s.trust_id = $1 and g.approved_by is null and g.refused_by is null order by g.id";
        let rows: Vec<GrantRow> =
            with_pool!(self, p => sqlx::query_as(Q).bind(trust.0).fetch_all(p).await)?;
        Ok(rows.into_iter().filter_map(grant).collect())
    }

    /// One grant waiting for approval, if it is still waiting.
    pub async fn pending_role_grant(&self, id: i64) -> Result<Option<RoleGrant>> {
        const Q: &str = "select id, staff_id, role, requested_by, requested_at from role_grants \
            where id = $1 and approved_by is null and refused_by is null";
        let row: Option<GrantRow> =
            with_pool!(self, p => sqlx::query_as(Q).bind(id).fetch_optional(p).await)?;
        Ok(row.and_then(grant))
    }
}

impl Tx {
    /// Ends the person's sessions but `keep` (a token hash), if given; the number ended.
    pub async fn end_sessions_of(&mut self, staff: StaffId, keep: Option<&str>) -> Result<u64> {
        const Q: &str = "delete from sessions where staff_id = $1 and token_hash <> $2";
        let done = with_tx!(self, c => sqlx::query(Q).bind(staff.0).bind(keep.unwrap_or("")).execute(c).await.map(|r| r.rows_affected()))?;
        Ok(done)
    }

    /// Ends the person's sessions but `keep` (a token hash) by making them lapse at `now` rather
    /// than deleting them: a lapsed session signs its holder in to nothing, but the server still
    /// takes the safety taps of a visitor who is out with it (#11 item 5). The number ended (those
    /// that had not lapsed already).
    pub async fn lapse_sessions_of(
        &mut self,
        staff: StaffId,
        keep: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<u64> {
        const Q: &str = "update sessions set expires_at = $3 \
            where staff_id = $1 and token_hash <> $2 and expires_at > $3";
        let done = with_tx!(self, c => sqlx::query(Q).bind(staff.0).bind(keep.unwrap_or("")).bind(now).execute(c).await.map(|r| r.rows_affected()))?;
        Ok(done)
    }

    /// Ends one of the person's sessions; `false` when they have none with this hash.
    pub async fn end_session_of(&mut self, staff: StaffId, token_hash: &str) -> Result<bool> {
        const Q: &str = "delete from sessions where staff_id = $1 and token_hash = $2";
        let done = with_tx!(self, c => sqlx::query(Q).bind(staff.0).bind(token_hash).execute(c).await.map(|r| r.rows_affected()))?;
        Ok(done == 1)
    }

    /// The person's current password hash (Argon2id PHC string).
    pub async fn password_hash(&mut self, staff: StaffId) -> Result<String> {
        const Q: &str = "select password_hash from staff where id = $1";
        Ok(with_tx!(self, c => sqlx::query_scalar(Q).bind(staff.0).fetch_one(c).await)?)
    }

    /// Replaces the person's password hash.
    pub async fn set_password_hash(&mut self, staff: StaffId, hash: &str) -> Result<()> {
        const Q: &str = "update staff set password_hash = $2 where id = $1";
        with_tx!(self, c => sqlx::query(Q).bind(staff.0).bind(hash).execute(c).await.map(|_| ()))?;
        Ok(())
    }

    /// Stores a reset link's token hash for `staff`, good until `expires` (UTC).
    pub async fn create_password_reset(
        &mut self,
        token_hash: &str,
        staff: StaffId,
        issued_by: Option<StaffId>,
        now: DateTime<Utc>,
        expires: DateTime<Utc>,
    ) -> Result<()> {
        const Q: &str = "insert into password_resets (token_hash, staff_id, created_at, expires_at, issued_by) \
            values ($1, $2, $3, $4, $5)";
        with_tx!(self, c => sqlx::query(Q).bind(token_hash).bind(staff.0).bind(now).bind(expires).bind(issued_by.map(|s| s.0)).execute(c).await.map(|_| ()))?;
        Ok(())
    }

    /// Uses a reset link: the account it opens if it was unused and good at `now`. Every other
    /// unused link of that account is spent with it, so only the newest working link ever counts
    /// once. Atomic: two requests with one link cannot both use it.
    pub async fn take_password_reset(
        &mut self,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<StaffId>> {
        const Q: &str = "update password_resets set used_at = $2 where token_hash = $1 \
            and used_at is null and expires_at > $2 returning staff_id";
        let id: Option<i64> = with_tx!(self, c => sqlx::query_scalar(Q).bind(token_hash).bind(now).fetch_optional(c).await)?;
        if let Some(id) = id {
            const SPEND: &str =
                "update password_resets set used_at = $2 where staff_id = $1 and used_at is null";
            with_tx!(self, c => sqlx::query(SPEND).bind(id).bind(now).execute(c).await.map(|_| ()))?;
        }
        Ok(id.map(StaffId))
    }

    /// Clears the person's authenticator and recovery codes, and every step-up their sessions
    /// made, so they enrol again before reading safeguarding history.
    pub async fn clear_second_factor(&mut self, staff: StaffId) -> Result<bool> {
        let done = with_tx!(self, c => sqlx::query("delete from second_factors where staff_id = $1").bind(staff.0).execute(c).await.map(|r| r.rows_affected()))?;
        with_tx!(self, c => sqlx::query("delete from recovery_codes where staff_id = $1").bind(staff.0).execute(c).await.map(|_| ()))?;
        with_tx!(self, c => sqlx::query("update sessions set second_factor_at = null where staff_id = $1").bind(staff.0).execute(c).await.map(|_| ()))?;
        Ok(done == 1)
    }

    /// Records a senior role asked for `staff` by `by`, waiting for approval; its id.
    pub async fn request_role_grant(
        &mut self,
        staff: StaffId,
        role: Role,
        by: StaffId,
        now: DateTime<Utc>,
    ) -> Result<i64> {
        const Q: &str = "insert into role_grants (staff_id, role, requested_by, requested_at) \
            values ($1, $2, $3, $4) returning id";
        Ok(
            with_tx!(self, c => sqlx::query_scalar(Q).bind(staff.0).bind(role.as_str()).bind(by.0).bind(now).fetch_one(c).await)?,
        )
    }

    /// Approves a waiting grant and gives the role; `false` when it was no longer waiting (two
    /// approvers racing give it once).
    pub async fn approve_role_grant(
        &mut self,
        grant: &RoleGrant,
        by: StaffId,
        now: DateTime<Utc>,
    ) -> Result<bool> {
        const Q: &str = "update role_grants set approved_by = $2, approved_at = $3 \
            where id = $1 and approved_by is null and refused_by is null";
        let done = with_tx!(self, c => sqlx::query(Q).bind(grant.id).bind(by.0).bind(now).execute(c).await.map(|r| r.rows_affected()))?;
        if done == 1 {
            const ADD: &str =
                "insert into staff_roles (staff_id, role) values ($1, $2) on conflict do nothing";
            with_tx!(self, c => sqlx::query(ADD).bind(grant.staff.0).bind(grant.role.as_str()).execute(c).await.map(|_| ()))?;
        }
        Ok(done == 1)
    }

    /// Refuses a waiting grant: it stops waiting and the role is not given; `false` when it was
    /// no longer waiting (approved or refused meanwhile).
    pub async fn refuse_role_grant(
        &mut self,
        grant: &RoleGrant,
        by: StaffId,
        now: DateTime<Utc>,
    ) -> Result<bool> {
        const Q: &str = "update role_grants set refused_by = $2, refused_at = $3 \
            where id = $1 and approved_by is null and refused_by is null";
        let done = with_tx!(self, c => sqlx::query(Q).bind(grant.id).bind(by.0).bind(now).execute(c).await.map(|r| r.rows_affected()))?;
        Ok(done == 1)
    }
}
