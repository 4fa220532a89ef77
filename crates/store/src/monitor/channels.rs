//! A channel that comes back: messages of unresolved alarms that failed on it (or wait in
//! back-off) are sent again at once, and a channel whose every message has failed for good is
//! probed by sending its newest one again. Messages to a person who cannot be reached on a
//! channel at all (no mobile number on record) are recorded as failed at once and never sent
//! again or probed: no channel coming back can reach them.

use super::*;

/// What a failed message's `last_error` says when its channel has no adapter: sending again
/// cannot help until Doorstep is restarted with the channel set up.
pub const NOT_CONFIGURED: &str = "channel not configured";

/// The address of a message recorded for someone who cannot be reached on its channel: it was
/// never tried, and is never sent again nor probed.
pub const UNREACHABLE: &str = "";

impl Tx {
    /// Records, once per idempotency key, a message that cannot be sent because its recipient
    /// has no address on the channel: failed at `n.at` with `reason` (in the school's words,
    /// e.g. "no mobile number on record for Helen Head"), no attempts, address
    /// [`UNREACHABLE`]. True when newly recorded.
    pub async fn record_unreachable(
        &mut self,
        n: &NewNotification<'_>,
        reason: &str,
    ) -> Result<bool> {
        const Q: &str = "insert into notifications (alarm_id, visit_id, staff_id, channel, address, subject, body, idempotency_key, \
            state, attempts, next_attempt_at, created_at, last_error, first_failed_at) \
            values ($1, $2, $3, $4, $5, $6, $7, $8, 'failed', 0, $9, $9, $10, $9) on conflict (idempotency_key) do nothing";
        let r = with_tx!(self, x => sqlx::query(Q)
            .bind(n.alarm)
            .bind(n.visit.map(|v| v.0))
            .bind(n.staff.map(|s| s.0))
            .bind(n.channel.as_str())
            .bind(UNREACHABLE)
            .bind(n.subject)
            .bind(n.body)
            .bind(n.idempotency_key)
            .bind(n.at)
            .bind(reason)
            .execute(x)
            .await
            .map(|r| r.rows_affected()))?;
        Ok(r == 1)
    }
}

impl Db {
    /// Puts `channel`'s failed messages of unresolved alarms, and those waiting in back-off, back
    /// in the outbox due `now` with their attempts reset. Returns how many.
    pub async fn send_again_on(&self, channel: &str, now: DateTime<Utc>) -> Result<u64> {
        const Q: &str = "update notifications set state = 'pending', attempts = 0, next_attempt_at = $2 \
            where channel = $1 and last_error is not null and last_error <> $3 and address <> $4 \
            and (state = 'failed' or (state = 'pending' and next_attempt_at > $2)) \
            and alarm_id in (select id from alarms where state <> 'resolved')";
        let mut tx = self.begin().await?;
        let n = with_tx!(&mut tx, x => sqlx::query(Q).bind(channel).bind(now).bind(NOT_CONFIGURED).bind(UNREACHABLE).execute(x).await.map(|r| r.rows_affected()))?;
        tx.commit().await?;
        Ok(n)
    }

    /// For each channel whose messages of unresolved alarms have all stopped (failed for good,
    /// none pending) and whose newest such message was last tried before `tried_before`, puts
    /// that message back in the outbox due `now` with one attempt left, as a probe: if it goes
    /// out, [`Db::send_again_on`] sends the rest. Returns the channels probed.
    pub async fn probe_stopped_channels(
        &self,
        now: DateTime<Utc>,
        tried_before: DateTime<Utc>,
        max_attempts: i64,
    ) -> Result<Vec<String>> {
        const STOPPED: &str = "select n.channel, max(n.id) from notifications n join alarms a on a.id = n.alarm_id \
            where a.state <> 'resolved' and n.state = 'failed' and n.last_error <> $1 and n.address <> $3 and n.next_attempt_at <= $2 \
            and not exists (select 1 from notifications p where p.channel = n.channel and p.state in ('pending', 'sending')) \
            group by n.channel";
        const PROBE: &str = "update notifications set state = 'pending', attempts = $2, next_attempt_at = $3 \
            where id = $1 and state = 'failed'";
        let stopped: Vec<(String, i64)> = with_pool!(self, p => sqlx::query_as(STOPPED).bind(NOT_CONFIGURED).bind(tried_before).bind(UNREACHABLE).fetch_all(p).await)?;
        if stopped.is_empty() {
            return Ok(Vec::new());
        }
        let mut tx = self.begin().await?;
        for (_, id) in &stopped {
            with_tx!(&mut tx, x => sqlx::query(PROBE).bind(id).bind(max_attempts - 1).bind(now).execute(x).await.map(|_| ()))?;
        }
        tx.commit().await?;
        Ok(stopped.into_iter().map(|(channel, _)| channel).collect())
    }

    /// Extends to `until` every claim `instance` holds on messages it is sending, so that a
    /// living instance's slow sends are not taken over while a dead one's lapse quickly.
    /// Returns how many claims were renewed.
    pub async fn renew_claims(&self, instance: &str, until: DateTime<Utc>) -> Result<u64> {
        const Q: &str = "update notifications set claimed_until = $2 where claimed_by = $1 and state = 'sending'";
        let mut tx = self.begin().await?;
        let n = with_tx!(&mut tx, x => sqlx::query(Q).bind(instance).bind(until).execute(x).await.map(|r| r.rows_affected()))?;
        tx.commit().await?;
        Ok(n)
    }
}
