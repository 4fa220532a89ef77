//! The monitor's reads and its claims outside a use case's transaction.

use super::*;

impl Db {
    /// Claims up to `limit` deliverable notifications for `instance` until `claim_until`:
    /// pending ones that are due, and ones another instance claimed but never finished; only
    /// those of `channel` ("email", "sms", "webhook", "in_app") when one is named.
    pub async fn claim_notifications(
        &self,
        instance: &str,
        now: DateTime<Utc>,
        claim_until: DateTime<Utc>,
        limit: i64,
        channel: Option<&str>,
    ) -> Result<Vec<Notification>> {
        let pick = "select id from notifications where ((state = 'pending' and next_attempt_at <= $2) or (state = 'sending' and claimed_until < $2)) \
            and ($5 = '' or channel = $5) order by next_attempt_at, id limit $4";
        let q = match self {
            Db::Sqlite(..) => format!(
                "update notifications set state = 'sending', claimed_by = $1, claimed_until = $3 where id in ({pick}) returning {NOTIFICATION_COLUMNS}"
            ),
            Db::Pg(..) => format!(
                "update notifications set state = 'sending', claimed_by = $1, claimed_until = $3 where id in ({pick} for update skip locked) returning {NOTIFICATION_COLUMNS}"
            ),
        };
        let q = sql(q);
        Ok(
            with_pool!(self, p => sqlx::query_as(q).bind(instance).bind(now).bind(claim_until).bind(limit).bind(channel.unwrap_or("")).fetch_all(p).await)?,
        )
    }

    /// Finishes a claimed delivery: sent, or back to pending at `retry_at`, or failed for good
    /// (see [`crate::Tx::finish_notification`]), in a transaction of its own.
    pub async fn finish_notification(
        &self,
        id: i64,
        instance: &str,
        outcome: Delivery<'_>,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let mut tx = self.begin().await?;
        tx.finish_notification(id, instance, &outcome, now).await?;
        tx.commit().await
    }

    pub async fn due_deadlines(&self, now: DateTime<Utc>, limit: i64) -> Result<Vec<DeadlineRow>> {
        let q = sql(format!(
            "select {DEADLINE_COLUMNS} from deadlines where state = 'pending' and fires_at <= $1 order by fires_at, id limit $2"
        ));
        Ok(with_pool!(self, p => sqlx::query_as(q).bind(now).bind(limit).fetch_all(p).await)?)
    }

    pub async fn due_reminders(&self, now: DateTime<Utc>, limit: i64) -> Result<Vec<DeadlineRow>> {
        let q = sql(format!(
            "select {DEADLINE_COLUMNS} from deadlines where reminded = $1 and state = 'pending' and remind_at <= $2 order by remind_at, id limit $3"
        ));
        Ok(
            with_pool!(self, p => sqlx::query_as(q).bind(false).bind(now).bind(limit).fetch_all(p).await)?,
        )
    }

    pub async fn deadlines_of(&self, visit: VisitId) -> Result<Vec<DeadlineRow>> {
        let q = sql(format!(
            "select {DEADLINE_COLUMNS} from deadlines where visit_id = $1 order by fires_at"
        ));
        Ok(with_pool!(self, p => sqlx::query_as(q).bind(visit.0).fetch_all(p).await)?)
    }

    pub async fn escalations_due(&self, now: DateTime<Utc>, limit: i64) -> Result<Vec<Alarm>> {
        let q = sql(format!(
            "select {ALARM_COLUMNS} from alarms where state = 'open' and next_level_at <= $1 order by next_level_at, id limit $2"
        ));
        Ok(with_pool!(self, p => sqlx::query_as(q).bind(now).bind(limit).fetch_all(p).await)?)
    }

    /// The alarm raised under `dedupe_key`, if any.
    pub async fn alarm_id_by_dedupe_key(&self, dedupe_key: &str) -> Result<Option<i64>> {
        const Q: &str = "select id from alarms where dedupe_key = $1";
        Ok(with_pool!(self, p => sqlx::query_scalar(Q).bind(dedupe_key).fetch_optional(p).await)?)
    }

    pub async fn alarm(&self, id: i64) -> Result<Alarm> {
        let q = sql(format!("select {ALARM_COLUMNS} from alarms where id = $1"));
        with_pool!(self, p => sqlx::query_as(q).bind(id).fetch_optional(p).await)?
            .ok_or_else(StoreError::not_found("alarm", id))
    }

    /// Alarms not yet resolved for a school, most urgent first (duress and panic before the rest).
    pub async fn unresolved_alarms(&self, school: SchoolId) -> Result<Vec<Alarm>> {
        let q = sql(format!(
            "select {ALARM_COLUMNS} from alarms where school_id = $1 and state <> 'resolved' order by raised_at, id"
        ));
        Ok(with_pool!(self, p => sqlx::query_as(q).bind(school.0).fetch_all(p).await)?)
    }

    pub async fn alarms_of_visit(&self, visit: VisitId) -> Result<Vec<Alarm>> {
        let q = sql(format!(
            "select {ALARM_COLUMNS} from alarms where visit_id = $1 order by raised_at, id"
        ));
        Ok(with_pool!(self, p => sqlx::query_as(q).bind(visit.0).fetch_all(p).await)?)
    }

    pub async fn all_alarms(&self) -> Result<Vec<Alarm>> {
        let q = sql(format!("select {ALARM_COLUMNS} from alarms order by id"));
        Ok(with_pool!(self, p => sqlx::query_as(q).fetch_all(p).await)?)
    }

    pub async fn alarm_levels_fired(&self, alarm: i64) -> Result<Vec<(i64, DateTime<Utc>)>> {
        const Q: &str =
            "select level, fired_at from alarm_levels where alarm_id = $1 order by level";
        Ok(with_pool!(self, p => sqlx::query_as(Q).bind(alarm).fetch_all(p).await)?)
    }

    pub async fn notifications_of_alarm(&self, alarm: i64) -> Result<Vec<Notification>> {
        let q = sql(format!(
            "select {NOTIFICATION_COLUMNS} from notifications where alarm_id = $1 order by id"
        ));
        Ok(with_pool!(self, p => sqlx::query_as(q).bind(alarm).fetch_all(p).await)?)
    }

    /// The messages of these alarms, each alarm's in the order they were queued.
    pub async fn notifications_of_alarms(&self, alarms: &[i64]) -> Result<Vec<Notification>> {
        let head = format!("select {NOTIFICATION_COLUMNS} from notifications where alarm_id in (");
        crate::db::rows_by_keys(self, &head, alarms, "order by alarm_id, id").await
    }

    /// The messages whose idempotency key starts with `prefix` (e.g. one day's channel tests of a
    /// school), newest first, at most `limit`.
    pub async fn notifications_with_key_prefix(
        &self,
        prefix: &str,
        limit: i64,
    ) -> Result<Vec<Notification>> {
        // The range (bytewise, as the index orders) reads only the prefix's keys from the index
        // rather than every message ever sent (the board asks on every refresh); substr rather
        // than LIKE keeps it exact: a key's '_' must not match any character.
        let collation = match self {
            Db::Sqlite(..) => "binary",
            Db::Pg(..) => "\"C\"",
        };
        let q = sql(format!(
            "select {NOTIFICATION_COLUMNS} from notifications \
             where idempotency_key collate {collation} >= $1 and idempotency_key collate {collation} < $3 \
             and substr(idempotency_key, 1, length($1)) = $1 order by id desc limit $2"
        ));
        let upper = key_prefix_end(prefix);
        Ok(
            with_pool!(self, p => sqlx::query_as(q).bind(prefix).bind(limit).bind(&upper).fetch_all(p).await)?,
        )
    }

    /// A person's in-app messages after `after_id`, oldest first.
    pub async fn in_app_notifications(
        &self,
        staff: StaffId,
        after_id: i64,
        limit: i64,
    ) -> Result<Vec<Notification>> {
        let q = sql(format!(
            "select {NOTIFICATION_COLUMNS} from notifications where staff_id = $1 and channel = 'in_app' and id > $2 order by id limit $3"
        ));
        Ok(
            with_pool!(self, p => sqlx::query_as(q).bind(staff.0).bind(after_id).bind(limit).fetch_all(p).await)?,
        )
    }

    pub async fn watch(&self, visit: VisitId) -> Result<Option<Watch>> {
        let q = sql(format!(
            "select {WATCH_COLUMNS} from watches where visit_id = $1"
        ));
        Ok(with_pool!(self, p => sqlx::query_as(q).bind(visit.0).fetch_optional(p).await)?)
    }

    /// The watches of these visits (those being watched).
    pub async fn watches_of_visits(&self, visits: &[VisitId]) -> Result<Vec<Watch>> {
        let head = format!("select {WATCH_COLUMNS} from watches where visit_id in (");
        crate::db::rows_by_keys(self, &head, &keys_of(visits), "").await
    }

    /// The deadlines of these visits, each visit's in firing order.
    pub async fn deadlines_of_visits(&self, visits: &[VisitId]) -> Result<Vec<DeadlineRow>> {
        let head = format!("select {DEADLINE_COLUMNS} from deadlines where visit_id in (");
        crate::db::rows_by_keys(self, &head, &keys_of(visits), "order by visit_id, fires_at").await
    }

    /// The alarms of these visits, each visit's oldest first.
    pub async fn alarms_of_visits(&self, visits: &[VisitId]) -> Result<Vec<Alarm>> {
        let head = format!("select {ALARM_COLUMNS} from alarms where visit_id in (");
        crate::db::rows_by_keys(
            self,
            &head,
            &keys_of(visits),
            "order by visit_id, raised_at, id",
        )
        .await
    }

    /// The check-ins of these visits, each visit's oldest first.
    pub async fn check_ins_of_visits(&self, visits: &[VisitId]) -> Result<Vec<CheckIn>> {
        const HEAD: &str = "select id, visit_id, staff_id, kind, at, note, latitude, longitude, accuracy_m from check_ins where visit_id in (";
        crate::db::rows_by_keys(self, HEAD, &keys_of(visits), "order by visit_id, at, id").await
    }

    pub async fn watches_of_school(&self, school: SchoolId) -> Result<Vec<Watch>> {
        let q = sql(format!(
            "select {WATCH_COLUMNS} from watches where school_id = $1 order by signed_out_at"
        ));
        Ok(with_pool!(self, p => sqlx::query_as(q).bind(school.0).fetch_all(p).await)?)
    }

    pub async fn check_ins_of(&self, visit: VisitId) -> Result<Vec<CheckIn>> {
        const Q: &str = "select id, visit_id, staff_id, kind, at, note, latitude, longitude, accuracy_m from check_ins where visit_id = $1 order by at, id";
        Ok(with_pool!(self, p => sqlx::query_as(Q).bind(visit.0).fetch_all(p).await)?)
    }

    /// When the soonest pending deadline fires, if any.
    pub async fn next_deadline_at(&self) -> Result<Option<DateTime<Utc>>> {
        const Q: &str = "select min(fires_at) from deadlines where state = 'pending'";
        Ok(
            with_pool!(self, p => sqlx::query_scalar::<_, Option<DateTime<Utc>>>(Q).fetch_one(p).await)?,
        )
    }

    /// The soonest moment the monitor's passes have work: a deadline, a reminder or a ladder rung.
    /// Not the outbox: its sender runs apart and looks every second.
    pub async fn next_monitor_work(&self) -> Result<Option<DateTime<Utc>>> {
        const Q: &str = "select min(t) from ( \
            select min(fires_at) as t from deadlines where state = 'pending' \
            union all select min(remind_at) from deadlines where state = 'pending' and reminded = $1 \
            union all select min(next_level_at) from alarms where state = 'open') as due";
        Ok(
            with_pool!(self, p => sqlx::query_scalar::<_, Option<DateTime<Utc>>>(Q).bind(false).fetch_one(p).await)?,
        )
    }

    pub async fn record_monitor_pass(
        &self,
        instance: &str,
        at: DateTime<Utc>,
        fired: i64,
        escalated: i64,
        delivered: i64,
    ) -> Result<()> {
        const Q: &str = "insert into monitor_passes (instance, last_pass_at, fired, escalated, delivered) values ($1, $2, $3, $4, $5) \
            on conflict (instance) do update set last_pass_at = excluded.last_pass_at, fired = excluded.fired, escalated = excluded.escalated, delivered = excluded.delivered";
        with_pool!(self, p => sqlx::query(Q).bind(instance).bind(at).bind(fired).bind(escalated).bind(delivered).execute(p).await.map(|_| ()))?;
        Ok(())
    }

    pub async fn monitor_passes(&self) -> Result<Vec<MonitorPass>> {
        const Q: &str = "select instance, last_pass_at, fired, escalated, delivered from monitor_passes order by last_pass_at desc";
        Ok(with_pool!(self, p => sqlx::query_as(Q).fetch_all(p).await)?)
    }

    pub async fn duress_pin_hash(&self, staff: StaffId) -> Result<Option<String>> {
        const Q: &str = "select duress_pin_hash from staff where id = $1";
        Ok(with_pool!(self, p => sqlx::query_scalar::<_, Option<String>>(Q).bind(staff.0).fetch_optional(p).await)?.flatten())
    }

    /// Every stored duress PIN hash that is not a PHC string (`$…`) or an already wrapped one
    /// (`sha256+$…`): the fast hashes of before Argon2id, by staff id.
    pub async fn legacy_duress_pin_hashes(&self) -> Result<Vec<(i64, String)>> {
        const Q: &str = "select id, duress_pin_hash from staff where duress_pin_hash is not null \
            and duress_pin_hash not like '$%' and duress_pin_hash not like 'sha256+%' order by id";
        Ok(with_pool!(self, p => sqlx::query_as::<_, (i64, String)>(Q).fetch_all(p).await)?)
    }
}

fn keys_of(visits: &[VisitId]) -> Vec<i64> {
    visits.iter().map(|v| v.0).collect()
}

/// The least string after every string that starts with `prefix`, bytewise: the prefix with its
/// last character raised by one ("channel-test:5:" → "channel-test:5;"); "\u{10FFFF}" and a
/// character before a surrogate are carried. An empty prefix has no end ("\u{10FFFF}" repeated
/// would do but is never asked for; every key is below it).
fn key_prefix_end(prefix: &str) -> String {
    let mut chars: Vec<char> = prefix.chars().collect();
    while let Some(last) = chars.pop() {
        let next = (last as u32 + 1..=0x10FFFF).find_map(char::from_u32);
        if let Some(next) = next {
            chars.push(next);
            return chars.into_iter().collect();
        }
    }
    "\u{10FFFF}".repeat(4)
}

#[cfg(test)]
mod tests {
    use super::key_prefix_end;

    #[test]
    fn the_end_of_a_prefix_follows_every_key_that_starts_with_it_and_nothing_else() {
        let end = key_prefix_end("channel-test:5:");
        assert_eq!(end, "channel-test:5;");
        for key in [
            "channel-test:5:",
            "channel-test:5:2026-12-04:sms:1",
            "channel-test:5:\u{10FFFF}",
        ] {
            assert!(key >= "channel-test:5:" && key < end.as_str(), "{key}");
        }
        for key in ["channel-test:50:2026", "channel-test:5;", "channel-test:6:"] {
            assert!(!(key >= "channel-test:5:" && key < end.as_str()), "{key}");
        }
        assert_eq!(key_prefix_end("a\u{D7FF}"), "a\u{E000}");
        assert_eq!(key_prefix_end("a\u{10FFFF}"), "b");
    }
}
