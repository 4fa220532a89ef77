//! The safety monitor's tables: check-ins, watches, deadlines, alarms, ladder levels and the
//! notification outbox. Exactly-once is enforced by unique keys: an alarm's `dedupe_key`, an
//! `(alarm_id, level)` pair, a notification's `idempotency_key`.

use crate::db::{Db, Result, StoreError, Tx, with_pool, with_tx};
use crate::stored::Stored;
use chrono::{DateTime, Utc};
use domain::monitor::{
    AlarmKind, AlarmState, CheckInKind, DeadlineKind, DeadlineState, DeliveryState,
};
use domain::policy::Channel;
use domain::{SchoolId, StaffId, VisitId};
use serde::Serialize;
use sqlx::types::Json;

mod alarm_writes;
pub mod channels;
mod drills;
mod in_tx;
pub mod practice;
mod reads;
mod writes;

#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct CheckIn {
    pub id: i64,
    pub visit_id: i64,
    pub staff_id: Option<i64>,
    #[sqlx(try_from = "Stored<CheckInKind>")]
    pub kind: CheckInKind,
    pub at: DateTime<Utc>,
    pub note: Option<String>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub accuracy_m: Option<f64>,
}

pub struct NewCheckIn<'a> {
    pub visit: VisitId,
    pub staff: Option<StaffId>,
    pub kind: CheckInKind,
    pub at: DateTime<Utc>,
    pub note: Option<&'a str>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub accuracy_m: Option<f64>,
    /// The phone's id for this action, so a retried offline action is stored once.
    pub client_ref: Option<&'a str>,
}

/// A visit the monitor is watching: who is out, and the last word from them.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Watch {
    pub visit_id: i64,
    pub school_id: i64,
    pub signed_out_at: DateTime<Utc>,
    pub last_contact_at: DateTime<Utc>,
    pub extended_until: Option<DateTime<Utc>>,
    pub arrived: bool,
    pub left_property: bool,
    pub last_latitude: Option<f64>,
    pub last_longitude: Option<f64>,
    pub buddy_staff_id: Option<i64>,
    pub buddy_left_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct DeadlineRow {
    pub id: i64,
    pub visit_id: i64,
    pub school_id: i64,
    #[sqlx(try_from = "Stored<DeadlineKind>")]
    pub kind: DeadlineKind,
    pub due_at: DateTime<Utc>,
    pub fires_at: DateTime<Utc>,
    pub remind_at: Option<DateTime<Utc>>,
    pub reminded: bool,
    #[sqlx(try_from = "Stored<DeadlineState>")]
    pub state: DeadlineState,
}

/// One deadline to keep for a visit.
pub struct NewDeadline<'a> {
    pub kind: &'a str,
    pub due_at: DateTime<Utc>,
    pub fires_at: DateTime<Utc>,
    pub remind_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Alarm {
    pub id: i64,
    pub school_id: i64,
    pub visit_id: Option<i64>,
    #[sqlx(try_from = "Stored<AlarmKind>")]
    pub kind: AlarmKind,
    pub dedupe_key: String,
    pub raised_at: DateTime<Utc>,
    pub raised_by: Option<i64>,
    #[schema(value_type = Object)]
    pub detail: Option<Json<serde_json::Value>>,
    #[sqlx(try_from = "Stored<AlarmState>")]
    pub state: AlarmState,
    pub next_level: i64,
    pub next_level_at: Option<DateTime<Utc>>,
    pub acknowledged_by: Option<i64>,
    pub acknowledged_at: Option<DateTime<Utc>>,
    pub acknowledgement: Option<String>,
    pub resolved_by: Option<i64>,
    pub resolved_at: Option<DateTime<Utc>>,
    pub outcome: Option<String>,
    pub all_channels_failed: bool,
    /// A practice alarm (drill) started by the head or DSL: its messages say DRILL and it is left
    /// out of the real alarm figures (migration 0021).
    pub drill: bool,
    /// The practice visit a drill runs on when it has no real visit (migration 0025).
    pub practice_visit_id: Option<i64>,
}

pub struct NewAlarm<'a> {
    pub school: SchoolId,
    pub visit: Option<VisitId>,
    pub kind: AlarmKind,
    pub dedupe_key: &'a str,
    pub raised_at: DateTime<Utc>,
    pub raised_by: Option<StaffId>,
    pub detail: serde_json::Value,
    pub next_level: i64,
    pub next_level_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Notification {
    pub id: i64,
    pub alarm_id: Option<i64>,
    pub visit_id: Option<i64>,
    pub staff_id: Option<i64>,
    #[sqlx(try_from = "Stored<Channel>")]
    pub channel: Channel,
    pub address: String,
    pub subject: String,
    pub body: String,
    pub idempotency_key: String,
    #[sqlx(try_from = "Stored<DeliveryState>")]
    pub state: DeliveryState,
    pub attempts: i64,
    pub next_attempt_at: DateTime<Utc>,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
    /// When the first attempt failed (kept after a later success).
    pub first_failed_at: Option<DateTime<Utc>>,
    /// `doorstep demo` kept it in the demo outbox instead of sending it (migration 0020).
    pub demo_outbox: bool,
}

pub struct NewNotification<'a> {
    pub alarm: Option<i64>,
    pub visit: Option<VisitId>,
    pub staff: Option<StaffId>,
    pub channel: Channel,
    pub address: &'a str,
    pub subject: &'a str,
    pub body: &'a str,
    pub idempotency_key: &'a str,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct MonitorPass {
    pub instance: String,
    pub last_pass_at: DateTime<Utc>,
    pub fired: i64,
    pub escalated: i64,
    pub delivered: i64,
}

const ALARM_COLUMNS: &str = "id, school_id, visit_id, kind, dedupe_key, raised_at, raised_by, detail, state, next_level, next_level_at, \
    acknowledged_by, acknowledged_at, acknowledgement, resolved_by, resolved_at, outcome, all_channels_failed, drill, practice_visit_id";
pub(crate) const NOTIFICATION_COLUMNS: &str = "id, alarm_id, visit_id, staff_id, channel, address, subject, body, idempotency_key, state, attempts, \
    next_attempt_at, last_error, created_at, sent_at, first_failed_at, demo_outbox";
const DEADLINE_COLUMNS: &str =
    "id, visit_id, school_id, kind, due_at, fires_at, remind_at, reminded, state";
const WATCH_COLUMNS: &str = "visit_id, school_id, signed_out_at, last_contact_at, extended_until, arrived, left_property, last_latitude, \
    last_longitude, buddy_staff_id, buddy_left_at";

/// One visit's deadlines for [`Tx::set_deadlines_of_visits`].
pub struct VisitDeadlines<'a> {
    pub visit: VisitId,
    pub school: SchoolId,
    pub deadlines: &'a [NewDeadline<'a>],
}

/// Splits rows for multi-row statements into pieces of 64, 32, 16 … 1 rows: a group of any size
/// runs as a few statements of at most seven shapes, each prepared once per connection.
fn pow2_chunks<T>(items: &[T]) -> Vec<&[T]> {
    let mut out = Vec::new();
    let mut rest = items;
    while !rest.is_empty() {
        let n = rest.len().min(64);
        let size = 1usize << (usize::BITS - 1 - n.leading_zeros());
        let (piece, tail) = rest.split_at(size);
        out.push(piece);
        rest = tail;
    }
    out
}

/// Splits the values of an `in (…)` list into pieces of at most 64, each padded to a power of
/// two by repeating its last value (harmless in a list): few statements, of at most seven shapes.
fn padded_lists<T: Copy>(items: &[T]) -> Vec<Vec<T>> {
    items
        .chunks(64)
        .map(|c| {
            let mut v = c.to_vec();
            let last = c[c.len() - 1];
            v.resize(c.len().next_power_of_two(), last);
            v
        })
        .collect()
}

fn sql(q: String) -> sqlx::AssertSqlSafe<String> {
    sqlx::AssertSqlSafe(q)
}

impl Tx {
    pub async fn set_duress_pin_hash(&mut self, staff: StaffId, hash: &str) -> Result<()> {
        with_tx!(self, x => sqlx::query("update staff set duress_pin_hash = $1 where id = $2").bind(hash).bind(staff.0).execute(x).await.map(|_| ()))?;
        Ok(())
    }
}

/// How one delivery attempt ended.
pub enum Delivery<'a> {
    Sent,
    Retry {
        error: &'a str,
        at: DateTime<Utc>,
    },
    Failed {
        error: &'a str,
    },
    /// `doorstep demo` with the channel not set up: kept in the demo outbox, counted as sent.
    KeptInDemoOutbox,
}
