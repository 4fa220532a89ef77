//! The monitor's writes inside a transaction: check-ins, watches, deadlines, alarms, the outbox.

use super::*;

impl Tx {
    /// Stores a check-in; `None` when the phone already sent this one (same `client_ref`).
    pub async fn record_check_in(&mut self, c: &NewCheckIn<'_>) -> Result<Option<i64>> {
        const Q: &str = "insert into check_ins (visit_id, staff_id, kind, at, note, latitude, longitude, accuracy_m, client_ref) \
            values ($1, $2, $3, $4, $5, $6, $7, $8, $9) on conflict (visit_id, client_ref) do nothing returning id";
        Ok(with_tx!(self, x => sqlx::query_scalar(Q)
            .bind(c.visit.0)
            .bind(c.staff.map(|s| s.0))
            .bind(c.kind)
            .bind(c.at)
            .bind(c.note)
            .bind(c.latitude)
            .bind(c.longitude)
            .bind(c.accuracy_m)
            .bind(c.client_ref)
            .fetch_optional(x)
            .await)?)
    }

    pub async fn put_watch(&mut self, w: &Watch) -> Result<()> {
        const Q: &str = "insert into watches (visit_id, school_id, signed_out_at, last_contact_at, extended_until, arrived, left_property, \
            last_latitude, last_longitude, buddy_staff_id, buddy_left_at) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) \
            on conflict (visit_id) do update set last_contact_at = excluded.last_contact_at, extended_until = excluded.extended_until, \
            arrived = excluded.arrived, left_property = excluded.left_property, last_latitude = excluded.last_latitude, \
            last_longitude = excluded.last_longitude, buddy_staff_id = excluded.buddy_staff_id, buddy_left_at = excluded.buddy_left_at";
        with_tx!(self, x => sqlx::query(Q)
            .bind(w.visit_id)
            .bind(w.school_id)
            .bind(w.signed_out_at)
            .bind(w.last_contact_at)
            .bind(w.extended_until)
            .bind(w.arrived)
            .bind(w.left_property)
            .bind(w.last_latitude)
            .bind(w.last_longitude)
            .bind(w.buddy_staff_id)
            .bind(w.buddy_left_at)
            .execute(x)
            .await
            .map(|_| ()))?;
        Ok(())
    }

    /// The visitors are back: stop watching and drop the visit's deadlines.
    pub async fn end_watch(&mut self, visit: VisitId) -> Result<()> {
        // A Home Visit Slip's deadline outlives the watch: the family answers after staff are back.
        with_tx!(self, x => sqlx::query("delete from deadlines where visit_id = $1 and kind <> $2").bind(visit.0).bind(crate::records::SLIP_DEADLINE).execute(x).await.map(|_| ()))?;
        with_tx!(self, x => sqlx::query("delete from watches where visit_id = $1").bind(visit.0).execute(x).await.map(|_| ()))?;
        Ok(())
    }

    /// Replaces the visit's deadlines with `deadlines` (one per kind). A kind whose due time is
    /// unchanged keeps its state, so a fired deadline is not re-armed by an unrelated update.
    pub async fn set_deadlines(
        &mut self,
        visit: VisitId,
        school: SchoolId,
        deadlines: &[NewDeadline<'_>],
    ) -> Result<()> {
        self.set_deadlines_of_visits(&[VisitDeadlines {
            visit,
            school,
            deadlines,
        }])
        .await
    }

    /// [`Tx::set_deadlines`] for many visits at once (each visit named once), in a few
    /// multi-row statements: one upsert for every kept deadline (a deadline whose times are
    /// unchanged is left as it is, not rewritten), one delete per distinct set of kinds for the
    /// kinds a visit no longer has.
    pub async fn set_deadlines_of_visits(&mut self, visits: &[VisitDeadlines<'_>]) -> Result<()> {
        let rows: Vec<(i64, i64, &NewDeadline<'_>)> = visits
            .iter()
            .flat_map(|v| v.deadlines.iter().map(|d| (v.visit.0, v.school.0, d)))
            .collect();
        for chunk in pow2_chunks(&rows) {
            with_tx!(self, x => {
                let mut q = sqlx::QueryBuilder::new(
                    "insert into deadlines (visit_id, school_id, kind, due_at, fires_at, remind_at, reminded, state) ",
                );
                q.push_values(chunk, |mut b, (visit, school, d)| {
                    b.push_bind(*visit)
                        .push_bind(*school)
                        .push_bind(d.kind)
                        .push_bind(d.due_at)
                        .push_bind(d.fires_at)
                        .push_bind(d.remind_at)
                        .push_bind(false)
                        .push_bind("pending");
                });
                q.push(" on conflict (visit_id, kind) do update set \
                    state = case when deadlines.due_at = excluded.due_at then deadlines.state else 'pending' end, \
                    reminded = case when deadlines.due_at = excluded.due_at then deadlines.reminded else excluded.reminded end, \
                    due_at = excluded.due_at, fires_at = excluded.fires_at, remind_at = excluded.remind_at \
                    where deadlines.due_at <> excluded.due_at or deadlines.fires_at <> excluded.fires_at \
                    or deadlines.remind_at is distinct from excluded.remind_at");
                q.build().execute(x).await.map(|_| ())
            })?;
        }
        // Only the watch's own kinds are replaced; a slip's response deadline is not the watch's.
        let mut by_kinds: Vec<(Vec<&str>, Vec<i64>)> = Vec::new();
        for v in visits {
            let mut kinds: Vec<&str> = v.deadlines.iter().map(|d| d.kind).collect();
            kinds.sort_unstable();
            match by_kinds.iter_mut().find(|(k, _)| *k == kinds) {
                Some((_, ids)) => ids.push(v.visit.0),
                None => by_kinds.push((kinds, vec![v.visit.0])),
            }
        }
        for (kinds, ids) in &by_kinds {
            for chunk in padded_lists(ids) {
                with_tx!(self, x => {
                    let mut q = sqlx::QueryBuilder::new("delete from deadlines where kind <> ");
                    q.push_bind(crate::records::SLIP_DEADLINE);
                    for kind in kinds {
                        q.push(" and kind <> ").push_bind(*kind);
                    }
                    q.push(" and visit_id in (");
                    let mut list = q.separated(", ");
                    for id in chunk {
                        list.push_bind(id);
                    }
                    q.push(")");
                    q.build().execute(x).await.map(|_| ())
                })?;
            }
        }
        Ok(())
    }

    /// Stores check-ins in a few multi-row statements; for each, in order, whether it was stored
    /// (`false`: the phone already sent this one, same `client_ref`, earlier or earlier in `rows`).
    pub async fn record_check_ins(&mut self, rows: &[NewCheckIn<'_>]) -> Result<Vec<bool>> {
        let mut recorded = Vec::with_capacity(rows.len());
        for chunk in pow2_chunks(rows) {
            let stored: Vec<(i64, Option<String>)> = with_tx!(self, x => {
                let mut q = sqlx::QueryBuilder::new(
                    "insert into check_ins (visit_id, staff_id, kind, at, note, latitude, longitude, accuracy_m, client_ref) ",
                );
                q.push_values(chunk, |mut b, c| {
                    b.push_bind(c.visit.0)
                        .push_bind(c.staff.map(|s| s.0))
                        .push_bind(c.kind)
                        .push_bind(c.at)
                        .push_bind(c.note)
                        .push_bind(c.latitude)
                        .push_bind(c.longitude)
                        .push_bind(c.accuracy_m)
                        .push_bind(c.client_ref);
                });
                q.push(" on conflict (visit_id, client_ref) do nothing returning visit_id, client_ref");
                q.build_query_as().fetch_all(x).await
            })?;
            // Without a client_ref nothing conflicts (NULLs are distinct); with one, the first row
            // of each (visit, client_ref) in the statement is the one stored, if any.
            let mut stored: Vec<Option<(i64, String)>> =
                stored.into_iter().map(|(v, r)| r.map(|r| (v, r))).collect();
            for c in chunk {
                let Some(r) = c.client_ref else {
                    recorded.push(true);
                    continue;
                };
                let hit = stored
                    .iter_mut()
                    .find(|s| s.as_ref().is_some_and(|(v, sr)| *v == c.visit.0 && sr == r));
                match hit {
                    Some(slot) => {
                        *slot = None;
                        recorded.push(true);
                    }
                    None => recorded.push(false),
                }
            }
        }
        Ok(recorded)
    }

    /// [`Tx::put_watch`] for many watches (each visit once) in a few multi-row statements.
    pub async fn put_watches(&mut self, watches: &[Watch]) -> Result<()> {
        for chunk in pow2_chunks(watches) {
            with_tx!(self, x => {
                let mut q = sqlx::QueryBuilder::new(
                    "insert into watches (visit_id, school_id, signed_out_at, last_contact_at, extended_until, arrived, left_property, \
                    last_latitude, last_longitude, buddy_staff_id, buddy_left_at) ",
                );
                q.push_values(chunk, |mut b, w| {
                    b.push_bind(w.visit_id)
                        .push_bind(w.school_id)
                        .push_bind(w.signed_out_at)
                        .push_bind(w.last_contact_at)
                        .push_bind(w.extended_until)
                        .push_bind(w.arrived)
                        .push_bind(w.left_property)
                        .push_bind(w.last_latitude)
                        .push_bind(w.last_longitude)
                        .push_bind(w.buddy_staff_id)
                        .push_bind(w.buddy_left_at);
                });
                q.push(" on conflict (visit_id) do update set last_contact_at = excluded.last_contact_at, extended_until = excluded.extended_until, \
                    arrived = excluded.arrived, left_property = excluded.left_property, last_latitude = excluded.last_latitude, \
                    last_longitude = excluded.last_longitude, buddy_staff_id = excluded.buddy_staff_id, buddy_left_at = excluded.buddy_left_at");
                q.build().execute(x).await.map(|_| ())
            })?;
        }
        Ok(())
    }

    /// The watches of these visits (those being watched), read inside this transaction.
    pub async fn watches_of_visits(&mut self, visits: &[VisitId]) -> Result<Vec<Watch>> {
        let mut out = Vec::new();
        for chunk in padded_lists(visits) {
            let found: Vec<Watch> = with_tx!(self, x => {
                let mut q = sqlx::QueryBuilder::new(format!("select {WATCH_COLUMNS} from watches where visit_id in ("));
                let mut list = q.separated(", ");
                for v in chunk {
                    list.push_bind(v.0);
                }
                q.push(")");
                q.build_query_as().fetch_all(x).await
            })?;
            out.extend(found);
        }
        Ok(out)
    }

    /// The visits' alarms of `kind` that are not resolved, read inside this transaction.
    pub async fn unresolved_alarms_of_visits(
        &mut self,
        visits: &[VisitId],
        kind: &str,
    ) -> Result<Vec<Alarm>> {
        let mut out = Vec::new();
        for chunk in padded_lists(visits) {
            let found: Vec<Alarm> = with_tx!(self, x => {
                let mut q = sqlx::QueryBuilder::new(format!("select {ALARM_COLUMNS} from alarms where kind = "));
                q.push_bind(kind);
                q.push(" and state <> 'resolved' and visit_id in (");
                let mut list = q.separated(", ");
                for v in chunk {
                    list.push_bind(v.0);
                }
                q.push(") order by raised_at, id");
                q.build_query_as().fetch_all(x).await
            })?;
            out.extend(found);
        }
        Ok(out)
    }

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
            .bind(a.kind)
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
            .bind(n.channel)
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
