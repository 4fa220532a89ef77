//! The board feed: the changes the office board shows, in commit order, written by triggers in
//! the change's own transaction (migration 0015). Read by id so a board resumes where it left off.

use crate::db::{Db, Result, with_pool};

/// One change the board shows.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow, serde::Serialize)]
pub struct BoardChange {
    /// Increasing; a board resumes after the last id it saw.
    pub id: i64,
    pub school_id: i64,
    pub visit_id: Option<i64>,
    pub alarm_id: Option<i64>,
    /// "check_in", "alarm" (raised), "alarm_state" (acknowledged, resolved), "visit_step",
    /// "watch" (extended, buddy handed over) or "delivery" (a message sent or given up).
    pub kind: String,
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
}
