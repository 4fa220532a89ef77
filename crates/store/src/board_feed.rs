//! The board feed: the changes the office board shows, in commit order, written by triggers in
//! the change's own transaction (migration 0015). Read by id so a board resumes where it left off.

use crate::db::{Db, Result, with_pool};
use chrono::{DateTime, Utc};
use domain::stored::BoardChangeKind;

/// One change the board shows.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow, serde::Serialize)]
pub struct BoardChange {
    /// Increasing; a board resumes after the last id it saw.
    pub id: i64,
    pub school_id: i64,
    pub visit_id: Option<i64>,
    pub alarm_id: Option<i64>,
    /// A check-in, an alarm raised, an alarm's new state (acknowledged, resolved), a visit's
    /// step, its watch (extended, buddy handed over) or a delivery (a message sent or given up).
    #[sqlx(try_from = "crate::stored::Stored<BoardChangeKind>")]
    pub kind: BoardChangeKind,
    /// The check-in's kind, the alarm's kind or new state, the visit's step, the delivery's state.
    pub detail: Option<String>,
}

impl Db {
    /// Changes after id `after` (0 for all), oldest first, at most `limit`; of one school or all.
    pub async fn board_changes(
        &self,
        school: Option<i64>,
        after: i64,
        limit: i64,
    ) -> Result<Vec<BoardChange>> {
        const Q: &str = "select id, school_id, visit_id, alarm_id, kind, detail from board_feed \
             where id > $1 and ($2 is null or school_id = $2) order by id limit $3";
        Ok(
            with_pool!(self, p => sqlx::query_as(Q).bind(after).bind(school).bind(limit).fetch_all(p).await)?,
        )
    }

    /// The newest change's id (0 when there is none): a page rendered now has seen up to here.
    pub async fn board_feed_cursor(&self) -> Result<i64> {
        const Q: &str = "select coalesce(max(id), 0) from board_feed";
        Ok(with_pool!(self, p => sqlx::query_scalar(Q).fetch_one(p).await)?)
    }

    /// Notes where the feed is at `now`, unless a note newer than `since` exists: the marks by
    /// which [`Db::prune_board_feed`] knows how old rows are (migration 0020).
    pub async fn mark_board_feed(&self, now: DateTime<Utc>, since: DateTime<Utc>) -> Result<()> {
        const Q: &str = "insert into board_feed_marks (at, last_id) \
             select $1, coalesce((select max(id) from board_feed), 0) \
             where not exists (select 1 from board_feed_marks where at > $2)";
        with_pool!(self, p => sqlx::query(Q).bind(now).bind(since).execute(p).await.map(|_| ()))?;
        Ok(())
    }

    /// Deletes at most `limit` of the oldest feed rows that were already in the feed at
    /// `before` (by the marks), never the newest row (SQLite would hand its id out again).
    /// Returns how many were deleted. The highest deleted id is recorded first, so a page
    /// resuming below it is always told to read itself again ([`Db::board_feed_pruned_through`]).
    pub async fn prune_board_feed(&self, before: DateTime<Utc>, limit: i64) -> Result<u64> {
        const TARGET: &str = "select max(id) from (select id from board_feed \
             where id <= (select coalesce(max(last_id), 0) from board_feed_marks where at <= $1) \
             and id < (select max(id) from board_feed) order by id limit $2) as oldest";
        const RECORD: &str = "insert into board_feed_pruned (one, through) values (1, $1) \
             on conflict (one) do update set through = case when excluded.through > board_feed_pruned.through \
             then excluded.through else board_feed_pruned.through end";
        const DELETE: &str = "delete from board_feed where id <= $1";
        const FORGET: &str = "delete from board_feed_marks where at < $1 and last_id <= $2";
        let target: Option<i64> = with_pool!(self, p => sqlx::query_scalar(TARGET).bind(before).bind(limit).fetch_one(p).await)?;
        let Some(target) = target else {
            return Ok(0);
        };
        with_pool!(self, p => sqlx::query(RECORD).bind(target).execute(p).await.map(|_| ()))?;
        let n = with_pool!(self, p => sqlx::query(DELETE).bind(target).execute(p).await.map(|r| r.rows_affected()))?;
        with_pool!(self, p => sqlx::query(FORGET).bind(before).bind(target).execute(p).await.map(|_| ()))?;
        Ok(n)
    }

    /// The highest feed id deleted by pruning (0 when none was): a page resuming from below it
    /// may have missed changes.
    pub async fn board_feed_pruned_through(&self) -> Result<i64> {
        const Q: &str = "select coalesce(max(through), 0) from board_feed_pruned";
        Ok(with_pool!(self, p => sqlx::query_scalar(Q).fetch_one(p).await)?)
    }
}
