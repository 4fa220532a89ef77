//! Each person's second factor: a TOTP authenticator (RFC 6238) whose secret is sealed with the
//! server's key, the last time step it accepted (so a code is taken once), and one-time recovery
//! codes kept only as slow hashes. Whether a code is right is decided in `app::second_factor`.

use crate::db::{Db, Result, Tx, with_pool, with_tx};
use chrono::{DateTime, Utc};
use domain::StaffId;

/// A person's authenticator as stored, its secret opened.
#[derive(Debug, Clone)]
pub struct SecondFactor {
    /// The TOTP secret, base32 (RFC 4648), as the authenticator app holds it.
    pub secret: String,
    /// When enrolment was confirmed with a code (UTC); `None` while only started.
    pub enrolled_at: Option<DateTime<Utc>>,
}

/// A recovery code not yet used: its row and its Argon2id hash.
#[derive(Debug, Clone)]
pub struct RecoveryCode {
    pub id: i64,
    pub hash: String,
}

impl Db {
    /// Starts (or starts again) enrolment with a new secret, replacing an unconfirmed one. A
    /// confirmed authenticator is left alone: the answer is `false` and nothing is written.
    pub async fn start_second_factor(
        &self,
        staff: StaffId,
        secret: &str,
        now: DateTime<Utc>,
    ) -> Result<bool> {
        const Q: &str = "insert into second_factors (staff_id, secret, started_at) values ($1, $2, $3) \
            on conflict (staff_id) do update set secret = excluded.secret, started_at = excluded.started_at, last_step = 0 \
            where second_factors.enrolled_at is null";
        let sealed = self.secrets().seal_totp_secret(secret);
        let done = with_pool!(self, p => sqlx::query(Q).bind(staff.0).bind(&sealed).bind(now).execute(p).await.map(|r| r.rows_affected()))?;
        Ok(done == 1)
    }

    /// The person's authenticator, started or enrolled, if any. Errors: `WrongKey` when the
    /// server's key does not open its secret.
    pub async fn second_factor(&self, staff: StaffId) -> Result<Option<SecondFactor>> {
        const Q: &str = "select secret, enrolled_at from second_factors where staff_id = $1";
        type Row = (String, Option<DateTime<Utc>>);
        let row = with_pool!(self, p => sqlx::query_as::<_, Row>(Q).bind(staff.0).fetch_optional(p).await)?;
        let Some((sealed, enrolled_at)) = row else {
            return Ok(None);
        };
        Ok(Some(SecondFactor {
            secret: self.secrets().open_totp_secret(&sealed)?,
            enrolled_at,
        }))
    }

    /// Takes TOTP time step `step` (Unix seconds / 30) for the person: `true` if it is later
    /// than every step taken before, so the same code is never accepted twice (RFC 6238 §5.2).
    pub async fn take_totp_step(&self, staff: StaffId, step: i64) -> Result<bool> {
        const Q: &str =
            "update second_factors set last_step = $2 where staff_id = $1 and last_step < $2";
        let done = with_pool!(self, p => sqlx::query(Q).bind(staff.0).bind(step).execute(p).await.map(|r| r.rows_affected()))?;
        Ok(done == 1)
    }

    /// The person's recovery codes not yet used.
    pub async fn unused_recovery_codes(&self, staff: StaffId) -> Result<Vec<RecoveryCode>> {
        const Q: &str = "select id, code_hash from recovery_codes where staff_id = $1 and used_at is null order by id";
        let rows = with_pool!(self, p => sqlx::query_as::<_, (i64, String)>(Q).bind(staff.0).fetch_all(p).await)?;
        Ok(rows
            .into_iter()
            .map(|(id, hash)| RecoveryCode { id, hash })
            .collect())
    }
}

impl Tx {
    /// Confirms a started enrolment at TOTP step `step` and replaces the person's recovery codes
    /// with these hashes. `false` (nothing written) if there was no started enrolment.
    pub async fn confirm_second_factor(
        &mut self,
        staff: StaffId,
        step: i64,
        recovery_hashes: &[String],
        now: DateTime<Utc>,
    ) -> Result<bool> {
        const Q: &str = "update second_factors set enrolled_at = $2, last_step = $3 \
            where staff_id = $1 and enrolled_at is null and last_step < $3";
        let done = with_tx!(self, c => sqlx::query(Q).bind(staff.0).bind(now).bind(step).execute(c).await.map(|r| r.rows_affected()))?;
        if done != 1 {
            return Ok(false);
        }
        with_tx!(self, c => sqlx::query("delete from recovery_codes where staff_id = $1").bind(staff.0).execute(c).await.map(|_| ()))?;
        for hash in recovery_hashes {
            const INSERT: &str =
                "insert into recovery_codes (staff_id, code_hash, created_at) values ($1, $2, $3)";
            with_tx!(self, c => sqlx::query(INSERT).bind(staff.0).bind(hash).bind(now).execute(c).await.map(|_| ()))?;
        }
        Ok(true)
    }

    /// Marks a recovery code used: `true` if it was still unused (each works once).
    pub async fn use_recovery_code(&mut self, id: i64, now: DateTime<Utc>) -> Result<bool> {
        const Q: &str = "update recovery_codes set used_at = $2 where id = $1 and used_at is null";
        let done = with_tx!(self, c => sqlx::query(Q).bind(id).bind(now).execute(c).await.map(|r| r.rows_affected()))?;
        Ok(done == 1)
    }
}
