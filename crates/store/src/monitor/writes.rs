//! The monitor's writes inside a transaction: check-ins, watches and deadlines, one visit or a
//! group-commit batch at a time. Alarms and the outbox are in `alarm_writes`.

use super::*;

impl Tx {
    /// Stores a check-in; `None` when the phone already sent this one (same `client_ref`).
    pub async fn record_check_in(&mut self, c: &NewCheckIn<'_>) -> Result<Option<i64>> {
        const Q: &str = "insert into check_ins (visit_id, staff_id, kind, at, note, latitude, longitude, accuracy_m, client_ref) \
            values ($1, $2, $3, $4, $5, $6, $7, $8, $9) on conflict (visit_id, client_ref) do nothing returning id";
        Ok(with_tx!(self, x => sqlx::query_scalar(Q)
            .bind(c.visit.0)
            .bind(c.staff.map(|s| s.0))
            .bind(c.kind.as_str())
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
                        .push_bind(c.kind.as_str())
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
                // A drill is answered only by acknowledging or ending it, never by a check-in.
                q.push(" and drill = ");
                q.push_bind(false);
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
}
