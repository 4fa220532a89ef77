//! Login sessions: only the token's hash is stored, with when the session started and when it
//! lapses unless used. Whether a session still counts (idle limit, absolute cap, a visitor out on
//! a visit) is decided in `app::school_admin`; the store only keeps the times, including when
//! the session last proved its second factor.

use crate::db::{Db, Result, Tx, with_pool, with_tx};
use crate::staff::{STAFF_PG, STAFF_SQLITE, Staff, StaffRow};
use chrono::{DateTime, Utc};
use domain::StaffId;
use sqlx::{FromRow, Row};

/// A stored session of an active account, whatever its expiry (the caller judges that).
#[derive(Debug, Clone)]
pub struct Session {
    pub staff: Staff,
    /// When its holder signed in (UTC).
    pub created_at: DateTime<Utc>,
    /// When it lapses unless used again (UTC); moved on by [`Db::extend_session`].
    pub expires_at: DateTime<Utc>,
    /// Whether any role grant of the holder's trust waits for a second person's approval, read
    /// with the session: the Approvals badge then costs no read of its own when none waits.
    pub grants_waiting: bool,
}

impl Tx {
    /// A session of `staff` that lapses at `expires` (UTC), on `device` (in plain words, for "my
    /// sessions"); only the token's hash is stored.
    pub async fn create_session(
        &mut self,
        token_hash: &str,
        staff: StaffId,
        device: Option<&str>,
        now: DateTime<Utc>,
        expires: DateTime<Utc>,
    ) -> Result<()> {
        const Q: &str = "insert into sessions (token_hash, staff_id, device, created_at, last_used_at, expires_at) values ($1, $2, $3, $4, $4, $5)";
        with_tx!(self, c => sqlx::query(Q).bind(token_hash).bind(staff.0).bind(device).bind(now).bind(expires).execute(c).await.map(|_| ()))?;
        Ok(())
    }

    /// Ends a session; ending one that does not exist is not an error.
    pub async fn delete_session(&mut self, token_hash: &str) -> Result<()> {
        with_tx!(self, c => sqlx::query("delete from sessions where token_hash = $1").bind(token_hash).execute(c).await.map(|_| ()))?;
        Ok(())
    }
}

impl Db {
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

    /// The session with this token hash, if it exists and its account is active, with the
    /// member of staff and their roles, in one read: the session, the account and its roles are
    /// read together on every request, so a logout, a deactivation or a role change counts from
    /// the very next request. An expired session is returned too; the caller decides.
    pub async fn session(&self, token_hash: &str) -> Result<Option<Session>> {
        let keys = [token_hash.to_string()];
        Ok(self.sessions(&keys).await?.pop().map(|(_, s)| s))
    }

    /// [`Db::session`] for many sessions in one read: (token hash, session) for the sessions
    /// that exist and belong to an active account.
    pub async fn sessions(&self, token_hashes: &[String]) -> Result<Vec<(String, Session)>> {
        const EXTRA: &str = "select ss.token_hash as session_token_hash, ss.created_at as session_created_at, \
            ss.expires_at as session_expires_at, ss.second_factor_at as session_second_factor_at, \
            exists (select 1 from role_grants g join staff gs on gs.id = g.staff_id where gs.trust_id = s.trust_id \
            and g.approved_by is null and g.refused_by is null) as session_grants_waiting, ";
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
                        let mut staff = StaffRow::from_row(r)?.into_staff()?;
                        staff.second_factor_at = r.try_get("session_second_factor_at")?;
                        let session = Session {
                            created_at: r.try_get("session_created_at")?,
                            expires_at: r.try_get("session_expires_at")?,
                            grants_waiting: r.try_get("session_grants_waiting")?,
                            staff,
                        };
                        out.push((token, session));
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

    /// Moves a session's lapse time to `expires` (UTC) and notes it was used at `now`, as its
    /// holder uses it. Only ever moves it later, so two requests racing cannot shorten it.
    pub async fn extend_session(
        &self,
        token_hash: &str,
        expires: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<()> {
        const Q: &str = "update sessions set expires_at = $2, last_used_at = $3 where token_hash = $1 and expires_at < $2";
        with_pool!(self, p => sqlx::query(Q).bind(token_hash).bind(expires).bind(now).execute(p).await.map(|_| ()))?;
        Ok(())
    }

    /// Records that the session with this token hash proved its second factor at `at` (UTC).
    pub async fn set_session_second_factor(
        &self,
        token_hash: &str,
        at: DateTime<Utc>,
    ) -> Result<()> {
        const Q: &str = "update sessions set second_factor_at = $2 where token_hash = $1";
        with_pool!(self, p => sqlx::query(Q).bind(token_hash).bind(at).execute(p).await.map(|_| ()))?;
        Ok(())
    }

    pub async fn delete_session(&self, token_hash: &str) -> Result<()> {
        with_pool!(self, p => sqlx::query("delete from sessions where token_hash = $1").bind(token_hash).execute(p).await.map(|_| ()))?;
        Ok(())
    }
}
