//! What the outbox holds for one person: the after-visit messages (concerns, incident reminders,
//! follow-up actions) are not tied to an alarm, so they are looked up by recipient.

use crate::db::{Db, Result, with_pool};
use crate::monitor::Notification;
use domain::StaffId;

impl Db {
    /// Every message queued for a member of staff on any channel, newest first.
    pub async fn notifications_to(&self, staff: StaffId, limit: i64) -> Result<Vec<Notification>> {
        const Q: &str = "select id, alarm_id, visit_id, staff_id, channel, address, subject, body, idempotency_key, state, attempts, \
            next_attempt_at, last_error, created_at, sent_at from notifications where staff_id = $1 order by id desc limit $2";
        Ok(with_pool!(self, p => sqlx::query_as(Q).bind(staff.0).bind(limit).fetch_all(p).await)?)
    }
}
