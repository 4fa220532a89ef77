//! Reads the safety use cases make inside their own write transaction, so what they decide on
//! is what they write over: the watch of a visit (with the visit row locked on PostgreSQL), an
//! alarm and the messages it sent. No writes here; those are in the parent module.

use super::{ALARM_COLUMNS, NOTIFICATION_COLUMNS, WATCH_COLUMNS, padded_lists, sql};
use crate::db::{Result, StoreError, Tx, with_tx};
use crate::{Alarm, CheckIn, Notification, Watch};
use chrono::{DateTime, Utc};
use domain::VisitId;

impl Tx {
    /// The visit's watch as it stands in this transaction, `None` when the visit is not being
    /// watched (not signed out yet, or back). On PostgreSQL the visit's row is locked first
    /// (`for update`), so a step of the same visit (say "returned") waits for this transaction
    /// or is seen by it; SQLite's write transaction already holds the database's write lock.
    pub async fn watch_locked(&mut self, visit: VisitId) -> Result<Option<Watch>> {
        if let Tx::Pg(t) = self {
            sqlx::query("select id from visits where id = $1 for update")
                .bind(visit.0)
                .execute(&mut **t)
                .await?;
        }
        let q = sql(format!(
            "select {WATCH_COLUMNS} from watches where visit_id = $1"
        ));
        Ok(with_tx!(self, x => sqlx::query_as(q).bind(visit.0).fetch_optional(x).await)?)
    }

    /// The alarm as it stands in this transaction; on PostgreSQL its row is locked (`for
    /// update`) so two people acknowledging at once are served one after the other.
    /// Errors: `NotFound("alarm")`.
    pub async fn alarm_locked(&mut self, id: i64) -> Result<Alarm> {
        let lock = match self {
            Tx::Pg(_) => " for update",
            Tx::Sqlite(_) => "",
        };
        let q = sql(format!(
            "select {ALARM_COLUMNS} from alarms where id = $1{lock}"
        ));
        with_tx!(self, x => sqlx::query_as(q).bind(id).fetch_optional(x).await)?
            .ok_or_else(StoreError::not_found("alarm", id))
    }

    /// Every message queued about the alarm, oldest first, read inside this transaction.
    pub async fn notifications_of_alarm(&mut self, alarm: i64) -> Result<Vec<Notification>> {
        let q = sql(format!(
            "select {NOTIFICATION_COLUMNS} from notifications where alarm_id = $1 order by id"
        ));
        Ok(with_tx!(self, x => sqlx::query_as(q).bind(alarm).fetch_all(x).await)?)
    }

    /// The id of the alarm raised under this dedupe key, read inside this transaction.
    pub async fn alarm_id_by_dedupe_key(&mut self, dedupe_key: &str) -> Result<Option<i64>> {
        const Q: &str = "select id from alarms where dedupe_key = $1";
        Ok(with_tx!(self, x => sqlx::query_scalar(Q).bind(dedupe_key).fetch_optional(x).await)?)
    }

    /// The check-ins of `visits` recorded at or after `since` (UTC), oldest first, read inside
    /// this transaction: what a burst of taps is folded into.
    pub async fn check_ins_since(
        &mut self,
        visits: &[VisitId],
        since: DateTime<Utc>,
    ) -> Result<Vec<CheckIn>> {
        let mut out = Vec::new();
        for chunk in padded_lists(visits) {
            let found: Vec<CheckIn> = with_tx!(self, x => {
                let mut q = sqlx::QueryBuilder::new(
                    "select id, visit_id, staff_id, kind, at, note, latitude, longitude, accuracy_m from check_ins where at >= ",
                );
                q.push_bind(since);
                q.push(" and visit_id in (");
                let mut list = q.separated(", ");
                for v in chunk {
                    list.push_bind(v.0);
                }
                q.push(") order by at, id");
                q.build_query_as().fetch_all(x).await
            })?;
            out.extend(found);
        }
        Ok(out)
    }
}
