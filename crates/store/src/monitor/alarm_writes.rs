//! The monitor's alarm and outbox writes inside a transaction: firing a deadline, raising,
//! climbing, acknowledging and resolving an alarm, queueing a message and recording how it went.

use super::*;

impl Tx {
    /// Claims a due deadline for firing: true for exactly one caller.
    pub async fn claim_deadline(&mut self, id: i64, due_at: DateTime<Utc>) -> Result<bool> {
        const Q: &str = "update deadlines set state = 'fired' where id = $1 and state = 'pending' and due_at = $2";
        let n = with_tx!(self, x => sqlx::query(Q).bind(id).bind(due_at).execute(x).await.map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }

    pub async fn mark_reminded(&mut self, id: i64, due_at: DateTime<Utc>) -> Result<bool> {
        const Q: &str =
            "update deadlines set reminded = $1 where id = $2 and reminded = $3 and due_at = $4";
        let n = with_tx!(self, x => sqlx::query(Q).bind(true).bind(id).bind(false).bind(due_at).execute(x).await.map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }

    /// Raises an alarm once per `dedupe_key`; `None` when it was already raised.
    pub async fn raise_alarm(&mut self, a: &NewAlarm<'_>) -> Result<Option<i64>> {
        const Q: &str = "insert into alarms (school_id, visit_id, kind, dedupe_key, raised_at, raised_by, detail, state, next_level, next_level_at, all_channels_failed) \
            values ($1, $2, $3, $4, $5, $6, $7, 'open', $8, $9, $10) on conflict (dedupe_key) do nothing returning id";
        Ok(with_tx!(self, x => sqlx::query_scalar(Q)
            .bind(a.school.0)
            .bind(a.visit.map(|v| v.0))
            .bind(a.kind.as_str())
            .bind(a.dedupe_key)
            .bind(a.raised_at)
            .bind(a.raised_by.map(|s| s.0))
            .bind(Json(&a.detail))
            .bind(a.next_level)
            .bind(a.next_level_at)
            .bind(false)
            .fetch_optional(x)
            .await)?)
    }

    /// Records that a ladder level fired; true for exactly one caller per (alarm, level).
    pub async fn record_level_fired(
        &mut self,
        alarm: i64,
        level: i64,
        at: DateTime<Utc>,
    ) -> Result<bool> {
        // Only while the alarm is open: an acknowledgement that lands mid-pass stops the ladder.
        const Q: &str = "insert into alarm_levels (alarm_id, level, fired_at) select $1, $2, $3 where exists \
            (select 1 from alarms where id = $1 and state = 'open') on conflict (alarm_id, level) do nothing";
        let n = with_tx!(self, x => sqlx::query(Q).bind(alarm).bind(level).bind(at).execute(x).await.map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }

    pub async fn set_alarm_next_level(
        &mut self,
        alarm: i64,
        next_level: i64,
        next_level_at: Option<DateTime<Utc>>,
    ) -> Result<()> {
        const Q: &str = "update alarms set next_level = $1, next_level_at = $2 where id = $3 and state = 'open'";
        with_tx!(self, x => sqlx::query(Q).bind(next_level).bind(next_level_at).bind(alarm).execute(x).await.map(|_| ()))?;
        Ok(())
    }

    /// A named person has the alarm in hand: the ladder stops climbing.
    pub async fn acknowledge_alarm(
        &mut self,
        alarm: i64,
        by: StaffId,
        note: &str,
        at: DateTime<Utc>,
    ) -> Result<()> {
        const Q: &str = "update alarms set state = 'acknowledged', acknowledged_by = $1, acknowledged_at = $2, acknowledgement = $3, \
            next_level_at = null where id = $4 and state = 'open'";
        let n = with_tx!(self, x => sqlx::query(Q).bind(by.0).bind(at).bind(note).bind(alarm).execute(x).await.map(|r| r.rows_affected()))?;
        if n == 0 {
            return Err(StoreError::Conflict {
                field: "alarm",
                reason: "this alarm is not open (already acknowledged or resolved)".into(),
            });
        }
        Ok(())
    }

    pub async fn resolve_alarm(
        &mut self,
        alarm: i64,
        by: Option<StaffId>,
        outcome: &str,
        at: DateTime<Utc>,
    ) -> Result<bool> {
        const Q: &str = "update alarms set state = 'resolved', resolved_by = $1, resolved_at = $2, outcome = $3, next_level_at = null \
            where id = $4 and state <> 'resolved'";
        let n = with_tx!(self, x => sqlx::query(Q).bind(by.map(|s| s.0)).bind(at).bind(outcome).bind(alarm).execute(x).await.map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }

    pub async fn flag_all_channels_failed(&mut self, alarm: i64) -> Result<()> {
        with_tx!(self, x => sqlx::query("update alarms set all_channels_failed = $1 where id = $2").bind(true).bind(alarm).execute(x).await.map(|_| ()))?;
        Ok(())
    }

    /// Queues a message once per idempotency key; true when newly queued.
    pub async fn enqueue_notification(&mut self, n: &NewNotification<'_>) -> Result<bool> {
        const Q: &str = "insert into notifications (alarm_id, visit_id, staff_id, channel, address, subject, body, idempotency_key, state, attempts, next_attempt_at, created_at) \
            values ($1, $2, $3, $4, $5, $6, $7, $8, 'pending', 0, $9, $9) on conflict (idempotency_key) do nothing";
        let r = with_tx!(self, x => sqlx::query(Q)
            .bind(n.alarm)
            .bind(n.visit.map(|v| v.0))
            .bind(n.staff.map(|s| s.0))
            .bind(n.channel.as_str())
            .bind(n.address)
            .bind(n.subject)
            .bind(n.body)
            .bind(n.idempotency_key)
            .bind(n.at)
            .execute(x)
            .await
            .map(|r| r.rows_affected()))?;
        Ok(r == 1)
    }
}

impl Tx {
    /// [`Db::finish_notification`] inside a transaction, so that a pass records many outcomes
    /// with one disk flush. False when the claim was no longer ours.
    pub async fn finish_notification(
        &mut self,
        id: i64,
        instance: &str,
        outcome: &Delivery<'_>,
        now: DateTime<Utc>,
    ) -> Result<bool> {
        let n = match outcome {
            Delivery::Sent => {
                with_tx!(self, x => sqlx::query("update notifications set state = 'sent', sent_at = $1, attempts = attempts + 1, claimed_until = null \
                where id = $2 and claimed_by = $3 and state = 'sending'").bind(now).bind(id).bind(instance).execute(x).await.map(|r| r.rows_affected()))
            }
            Delivery::KeptInDemoOutbox => {
                with_tx!(self, x => sqlx::query("update notifications set state = 'sent', sent_at = $1, attempts = attempts + 1, claimed_until = null, \
                demo_outbox = $4 where id = $2 and claimed_by = $3 and state = 'sending'").bind(now).bind(id).bind(instance).bind(true).execute(x).await.map(|r| r.rows_affected()))
            }
            // The first failure's time is kept: the board says how long a channel has failed.
            Delivery::Retry { error, at } => {
                with_tx!(self, x => sqlx::query("update notifications set state = 'pending', attempts = attempts + 1, next_attempt_at = $1, \
                last_error = $2, claimed_until = null, first_failed_at = coalesce(first_failed_at, $5) \
                where id = $3 and claimed_by = $4 and state = 'sending'").bind(*at).bind(*error).bind(id).bind(instance).bind(now).execute(x).await.map(|r| r.rows_affected()))
            }
            Delivery::Failed { error } => {
                with_tx!(self, x => sqlx::query("update notifications set state = 'failed', attempts = attempts + 1, last_error = $1, \
                claimed_until = null, first_failed_at = coalesce(first_failed_at, $4) \
                where id = $2 and claimed_by = $3 and state = 'sending'").bind(*error).bind(id).bind(instance).bind(now).execute(x).await.map(|r| r.rows_affected()))
            }
        }?;
        Ok(n == 1)
    }
}
