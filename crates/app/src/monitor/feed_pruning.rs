//! Keeping the board feed small: the feed only serves pages that reconnect (they resume from
//! the last id they saw), so rows older than a day are deleted, a batch per pass. A page that
//! resumes from a deleted id is told to read itself again in full (`board::feed::resume`).

use super::Inner;
use crate::Result;
use chrono::{DateTime, Duration, Utc};

/// How long a change stays in the feed.
pub const KEEP_FEED_FOR: Duration = Duration::hours(24);
/// How often the monitor notes where the feed is (the marks pruning reads ages by).
const MARK_EVERY: Duration = Duration::minutes(5);

impl Inner {
    /// Notes where the feed is (at most every 5 minutes of `now`) and deletes at most one batch
    /// of rows that were in the feed 24 hours before `now`; how many were deleted.
    pub(super) async fn prune_board_feed(&self, now: DateTime<Utc>) -> Result<u64> {
        self.db.mark_board_feed(now, now - MARK_EVERY).await?;
        let n = self
            .db
            .prune_board_feed(now - KEEP_FEED_FOR, self.settings.batch)
            .await?;
        if n > 0 {
            tracing::debug!(feed.deleted = n, "board feed: old changes deleted");
        }
        Ok(n)
    }
}
