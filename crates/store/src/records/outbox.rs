//! What the outbox holds for one person: the after-visit messages (concerns, incident reminders,
//! follow-up actions) are not tied to an alarm, so they are looked up by recipient.

use crate::db::{Db, Result, with_pool};
use crate::monitor::{NOTIFICATION_COLUMNS, Notification};
use domain::StaffId;

impl Db {
    /// Every message queued for a member of staff on any channel, newest first.
    pub async fn notifications_to(&self, staff: StaffId, limit: i64) -> Result<Vec<Notification>> {
        // Only constants are formatted in: no input reaches the SQL text.
        let q = sqlx::AssertSqlSafe(format!(
            "select {NOTIFICATION_COLUMNS} from notifications where staff_id = $1 order by id desc limit $2"
        ));
        Ok(with_pool!(self, p => sqlx::query_as(q).bind(staff.0).bind(limit).fetch_all(p).await)?)
    }
}
