//! Text messages received from the SMS gateway (#11 item 6): who may text in (staff mobiles),
//! and one row per gateway message id so a message delivered twice is acted on once.

use crate::db::{Db, Result, Tx, with_pool, with_tx};
use crate::stored::StoredText;
use chrono::{DateTime, Utc};
use domain::inputs::PhoneNumber;
use domain::recorded::Recorded;
use domain::{StaffId, VisitId};

/// One message as received, with what was done about it.
pub struct NewInboundSms<'a> {
    /// The gateway's id for the message: unique; a second delivery is a replay.
    pub message_id: &'a str,
    pub received_at: DateTime<Utc>,
    /// The sender's number as the gateway gave it.
    pub from_number: &'a str,
    pub staff: Option<StaffId>,
    pub visit: Option<VisitId>,
    /// `check_in`, `help`, `unknown_number`, `not_out` or `not_understood`.
    pub outcome: &'a str,
}

impl Db {
    /// Every active member of staff with a mobile, decoded: the caller compares the checked
    /// numbers' national forms (`07700 900105` and `+447700900105` are the same phone); one
    /// stored before the parser was stricter is `AsStored` and matches no sender.
    pub async fn staff_mobiles(&self) -> Result<Vec<(i64, Recorded<PhoneNumber>)>> {
        const Q: &str = "select id, mobile from staff where active = $1 and mobile is not null and mobile <> ''";
        let rows: Vec<(i64, StoredText<Recorded<PhoneNumber>>)> =
            with_pool!(self, p => sqlx::query_as(Q).bind(true).fetch_all(p).await)?;
        Ok(rows.into_iter().map(|(id, m)| (id, m.into())).collect())
    }

    /// Whether a message with this gateway id has been received before.
    pub async fn inbound_sms_seen(&self, message_id: &str) -> Result<bool> {
        const Q: &str = "select count(*) from inbound_sms where message_id = $1";
        let n: i64 =
            with_pool!(self, p => sqlx::query_scalar(Q).bind(message_id).fetch_one(p).await)?;
        Ok(n > 0)
    }
}

impl Tx {
    /// Records a received message; false when its id was already recorded (a replay).
    pub async fn record_inbound_sms(&mut self, m: &NewInboundSms<'_>) -> Result<bool> {
        const Q: &str = "insert into inbound_sms (message_id, received_at, from_number, staff_id, visit_id, outcome) \
            values ($1, $2, $3, $4, $5, $6) on conflict (message_id) do nothing";
        let done: u64 = with_tx!(self, x => sqlx::query(Q)
            .bind(m.message_id)
            .bind(m.received_at)
            .bind(m.from_number)
            .bind(m.staff.map(|s| s.0))
            .bind(m.visit.map(|v| v.0))
            .bind(m.outcome)
            .execute(x)
            .await
            .map(|r| r.rows_affected()))?;
        Ok(done == 1)
    }
}
