//! Failed sign-ins and the locks they earn (#12 item 2), per key: `account:<e-mail typed>` or
//! `address:<client IP>`. The store only counts and keeps times; how many failures earn a lock
//! and for how long is decided in `app::school_admin::sign_in_guard`. Each statement is atomic,
//! so two instances counting the same key never lose a failure nor both win one lock.

use crate::db::{Db, Result, Tx, with_pool, with_tx};
use chrono::{DateTime, Utc};

/// The count after one more failed sign-in, as [`Tx::record_sign_in_failure`] leaves it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SignInFailures {
    /// Failed sign-ins in the current window, this one included.
    pub failures: i64,
    /// Locks earned before, without a quiet day between them.
    pub locks: i64,
}

impl Db {
    /// The latest time (UTC) until which any of `keys` is locked, if one is locked at `now`.
    pub async fn sign_in_locked_until(
        &self,
        keys: &[&str],
        now: DateTime<Utc>,
    ) -> Result<Option<DateTime<Utc>>> {
        let mut latest: Option<DateTime<Utc>> = None;
        for key in keys {
            const Q: &str =
                "select locked_until from sign_in_throttle where key = $1 and locked_until > $2";
            let until: Option<Option<DateTime<Utc>>> = with_pool!(self, p => sqlx::query_scalar(Q).bind(*key).bind(now).fetch_optional(p).await)?;
            latest = latest.max(until.flatten());
        }
        Ok(latest)
    }
}

impl Tx {
    /// Counts one failed sign-in for `key` at `now`. Failures before `window_start` no longer
    /// count (the count starts again at 1); earlier locks are forgotten when the last failure was
    /// before `quiet_since`.
    pub async fn record_sign_in_failure(
        &mut self,
        key: &str,
        now: DateTime<Utc>,
        window_start: DateTime<Utc>,
        quiet_since: DateTime<Utc>,
    ) -> Result<SignInFailures> {
        // Every SET expression reads the row as it was, on SQLite and PostgreSQL alike.
        const Q: &str = "insert into sign_in_throttle (key, failures, window_started_at, last_failure_at, locks) \
            values ($1, 1, $2, $2, 0) on conflict (key) do update set \
            failures = case when sign_in_throttle.window_started_at < $3 then 1 else sign_in_throttle.failures + 1 end, \
            window_started_at = case when sign_in_throttle.window_started_at < $3 then $2 else sign_in_throttle.window_started_at end, \
            locks = case when sign_in_throttle.last_failure_at < $4 then 0 else sign_in_throttle.locks end, \
            last_failure_at = $2 \
            returning failures, locks";
        let (failures, locks): (i64, i64) = with_tx!(self, c => sqlx::query_as(Q).bind(key).bind(now).bind(window_start).bind(quiet_since).fetch_one(c).await)?;
        Ok(SignInFailures { failures, locks })
    }

    /// Locks `key` until `until` (UTC) and starts its count again, unless it is already locked
    /// at `now`. `true` when this call set the lock (so only one instance tells the holder).
    pub async fn lock_sign_in(
        &mut self,
        key: &str,
        until: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<bool> {
        const Q: &str = "update sign_in_throttle set locked_until = $2, locks = locks + 1, failures = 0, \
            window_started_at = $3 where key = $1 and (locked_until is null or locked_until <= $3)";
        let affected = with_tx!(self, c => sqlx::query(Q).bind(key).bind(until).bind(now).execute(c).await.map(|d| d.rows_affected()))?;
        Ok(affected == 1)
    }

    /// Forgets the failures and locks of `key` (after its holder signed in with the right password).
    pub async fn clear_sign_in_failures(&mut self, key: &str) -> Result<()> {
        with_tx!(self, c => sqlx::query("delete from sign_in_throttle where key = $1").bind(key).execute(c).await.map(|_| ()))?;
        Ok(())
    }
}
