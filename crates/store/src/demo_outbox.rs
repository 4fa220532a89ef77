//! The demo outbox: messages `doorstep demo` kept instead of sending, because no e-mail, SMS or
//! webhook is set up there (migration 0020). Read by the /outbox page, newest first.

use crate::db::{Db, Result, with_pool};
use chrono::{DateTime, Utc};
use domain::policy::Channel;

/// One kept message, as the outbox page shows it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow, serde::Serialize)]
pub struct KeptMessage {
    pub id: i64,
    /// E-mail, SMS or webhook; a stored name Doorstep does not know fails the read naming it.
    #[sqlx(try_from = "crate::stored::Stored<Channel>")]
    pub channel: Channel,
    /// The e-mail address, mobile number or webhook URL it would have gone to.
    pub address: String,
    /// The person it was for, when it was for a person.
    pub recipient: Option<String>,
    pub subject: String,
    pub body: String,
    pub alarm_id: Option<i64>,
    pub visit_id: Option<i64>,
    /// When the demo kept it (UTC).
    pub kept_at: Option<DateTime<Utc>>,
}

impl Db {
    /// The newest `limit` messages kept in the demo outbox for `school` (by the visit they are
    /// about, else by their recipient's school).
    pub async fn demo_outbox(&self, school: i64, limit: i64) -> Result<Vec<KeptMessage>> {
        const Q: &str = "select n.id, n.channel, n.address, s.name as recipient, n.subject, n.body, \
             n.alarm_id, n.visit_id, n.sent_at as kept_at from notifications n \
             left join visits v on v.id = n.visit_id left join staff s on s.id = n.staff_id \
             where n.demo_outbox = $1 and coalesce(v.school_id, s.school_id) = $2 \
             order by n.id desc limit $3";
        Ok(
            with_pool!(self, p => sqlx::query_as(Q).bind(true).bind(school).bind(limit).fetch_all(p).await)?,
        )
    }
}
