//! The safety monitor: one testable pass ([`Monitor::run_once`]) that fires due deadlines, reminds
//! visitors, climbs alarm ladders and delivers the outbox; and the loop around it ([`Monitor::run`])
//! that runs a pass every second (or at once when woken), survives any one failure or panic,
//! records each completed pass for `/healthz` and calls the outbound heartbeat.
//!
//! Exactly-once lives in the store (claimed deadlines, unique ladder levels, idempotency keys,
//! `SKIP LOCKED` claims), so any number of instances may run passes over one database. This
//! module never reads the wall clock for domain time: `now` comes from the [`Clock`].

mod channel_test;
mod deliver;
mod feed_pruning;
mod repeats;
mod run_loop;
mod steps;

pub use channel_test::{ChannelTest, latest_channel_test, parse_test_time};
pub use feed_pruning::KEEP_FEED_FOR;

use crate::{Clock, Refusal, Result};
use chrono::{DateTime, Duration, Utc};
use serde::Serialize;
use std::sync::Arc;
use store::Db;
use tokio::sync::Notify;

/// The delivery adapters, each built once and reused. A channel left `None` is not configured:
/// its messages fail at once with "channel not configured" (and the board shows it).
#[derive(Clone, Debug, Default)]
pub struct Channels {
    pub mailer: Option<notify::Mailer>,
    pub sms: Option<notify::SmsGateway>,
    /// The webhook and its URL, which is also the address recorded on its notifications.
    pub webhook: Option<(notify::Webhook, String)>,
}

#[derive(Clone, Debug)]
pub struct MonitorSettings {
    /// Names this process in claims and in `monitor_passes`; unique per running instance.
    pub instance: String,
    /// The most deadlines, reminders, alarms and notifications one pass takes on.
    pub batch: i64,
    /// Delivery attempts before a temporarily failing message is given up as failed.
    pub max_attempts: i64,
    /// How long a claimed notification is ours before another instance may take it over. The
    /// claim is renewed every third of this while its sends are under way, so a dead instance's
    /// messages are taken over within this (plus one pass) and a living one's never.
    pub claim_for: Duration,
    /// Called (plain GET) at most once a minute after a completed pass, so that an outside
    /// monitor notices if Doorstep itself stops.
    pub heartbeat_url: Option<String>,
    /// The school-local time of day of the daily test message to each school's office on every
    /// configured outside channel; `None`: no daily test.
    pub daily_test_at: Option<chrono::NaiveTime>,
    /// Where links in alarm and reminder messages point (the server's public address).
    pub links: crate::messages::Links,
    /// `doorstep demo`: a message on a channel not set up is kept in the demo outbox (shown on
    /// /outbox, like a development mail catcher) instead of failing as not configured.
    pub demo_outbox: bool,
}

impl MonitorSettings {
    /// Sensible defaults for an instance called `instance`.
    pub fn new(instance: impl Into<String>) -> Self {
        MonitorSettings {
            instance: instance.into(),
            batch: 500,
            max_attempts: 8,
            claim_for: Duration::seconds(6),
            heartbeat_url: None,
            daily_test_at: None,
            links: crate::messages::Links::default(),
            demo_outbox: false,
        }
    }
}

/// What one pass did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct PassSummary {
    pub deadlines_fired: usize,
    pub reminders: usize,
    /// Daily channel test messages queued.
    pub channel_tests: usize,
    pub levels_fired: usize,
    pub delivered: usize,
    /// Temporary failures put back in the outbox for a later attempt.
    pub retried: usize,
    /// Messages given up for good (permanent failure, attempts used up, channel not configured).
    pub failed: usize,
}

impl PassSummary {
    pub fn did_anything(&self) -> bool {
        *self != PassSummary::default()
    }
}

/// The safety monitor. Cheap to clone: clones share the database pool, adapters and waker.
#[derive(Clone)]
pub struct Monitor {
    inner: Arc<Inner>,
}

struct Inner {
    db: Db,
    clock: Clock,
    channels: Channels,
    settings: MonitorSettings,
    waker: Arc<Notify>,
    /// Held while firing deadlines, so that the pass and the on-time firer (see `run`) never
    /// claim the same deadlines at once.
    firing: tokio::sync::Mutex<()>,
    /// When this process last probed channels whose every message failed (see `deliver`).
    last_probe: std::sync::Mutex<Option<std::time::Instant>>,
    /// What the daily channel test has looked at and queued (see `channel_test`).
    channel_tests: std::sync::Mutex<channel_test::Looked>,
}

impl Monitor {
    pub fn new(db: Db, clock: Clock, channels: Channels, settings: MonitorSettings) -> Self {
        Monitor {
            inner: Arc::new(Inner {
                db,
                clock,
                channels,
                settings,
                waker: Arc::new(Notify::new()),
                firing: tokio::sync::Mutex::new(()),
                last_probe: std::sync::Mutex::new(None),
                channel_tests: std::sync::Mutex::default(),
            }),
        }
    }

    /// `notify_one()` on it makes the running loop start a pass now, e.g. right after an alarm
    /// was raised. A wake during a pass is kept and starts the next pass at once.
    pub fn waker(&self) -> Arc<Notify> {
        self.inner.waker.clone()
    }

    pub fn settings(&self) -> &MonitorSettings {
        &self.inner.settings
    }

    /// One pass at `now`: (a) fire due deadlines, most urgent first; (b) remind visitors of
    /// check-ins falling due; (c) fire the ladder levels that came due; (d) prune the board feed
    /// of changes over a day old; (e) deliver the outbox. Per-item failures are logged and
    /// skipped; the pass is `Err` (and not recorded as completed) when a whole step could not run.
    pub async fn run_once(&self, now: DateTime<Utc>) -> Result<PassSummary> {
        self.inner.pass(now, true).await.map(|(summary, _)| summary)
    }
}

/// What `/healthz` reports about the monitor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct MonitorHealth {
    /// The newest completed pass of any instance on this database.
    pub last_pass_at: Option<DateTime<Utc>>,
    /// No completed pass within `max_age` of now (or none ever): alarms may not be going out.
    pub late: bool,
}

/// Who watches the watcher: whether a monitor pass completed within `max_age` of `now`.
pub async fn monitor_health(
    db: &Db,
    now: DateTime<Utc>,
    max_age: Duration,
) -> Result<MonitorHealth> {
    let last_pass_at = db
        .monitor_passes()
        .await?
        .into_iter()
        .map(|p| p.last_pass_at)
        .max();
    let late = last_pass_at.is_none_or(|at| now - at > max_age);
    Ok(MonitorHealth { last_pass_at, late })
}

/// Keeps the first error of a pass while letting the later steps run: deliveries must not stop
/// because, say, one step's scan failed. The loop logs it (once per run of failures).
#[derive(Default)]
struct FirstError(Option<Refusal>);

impl FirstError {
    fn take<T>(&mut self, step: &'static str, r: Result<T>) -> Option<T> {
        match r {
            Ok(v) => Some(v),
            Err(e) => {
                tracing::debug!(monitor.step = step, error = %e, "a monitor step failed; the other steps still run");
                self.0
                    .get_or_insert(Refusal::internal(format!("{step}: {e}")));
                None
            }
        }
    }
}

impl Inner {
    /// One pass; also says whether a step filled its batch (so the loop goes again at once).
    /// `deliver_here`: also deliver the outbox (step d). [`Monitor::run`] delivers in a task of
    /// its own instead, so a slow or dead channel never holds up the next rung.
    async fn pass(
        self: &Arc<Self>,
        now: DateTime<Utc>,
        deliver_here: bool,
    ) -> Result<(PassSummary, bool)> {
        let mut errors = FirstError::default();
        let mut summary = PassSummary::default();
        let mut full = false;
        // A write of its own first: /healthz learns within a pass that nothing can be written.
        errors.take(
            "write probe",
            self.db
                .probe_write(&self.settings.instance, now)
                .await
                .map_err(Refusal::internal),
        );
        // Every missed deadline gets its alarm recorded before any ladder or delivery work, so a
        // backlog after a restart is raised in batches back to back rather than 500 at a time
        // with each batch's ladders climbed in between.
        if let Some(n) = errors.take("deadlines", self.fire_all_due(now).await) {
            summary.deadlines_fired = n;
        }
        if let Some((n, f)) = errors.take("reminders", self.send_reminders(now).await) {
            (summary.reminders, full) = (n, full | f);
        }
        // A5: incident reports not shared with the head by the end of the working day.
        if let Some(n) = errors.take(
            "incident reminders",
            crate::safeguarding::remind_overdue_incidents(&self.db, now).await,
        ) {
            summary.reminders += n;
        }
        // G1: approved policy changes whose day has come; review reminders a month ahead.
        errors.take(
            "policy changes in force",
            crate::school_admin::bring_policies_into_force(&self.db, now).await,
        );
        if let Some(n) = errors.take(
            "policy review reminders",
            crate::school_admin::remind_policy_reviews(&self.db, now).await,
        ) {
            summary.reminders += n;
        }
        if let Some(n) = errors.take("daily channel test", self.queue_channel_tests(now).await) {
            summary.channel_tests = n;
        }
        if let Some((n, f)) = errors.take("escalation", self.climb_ladders(now).await) {
            (summary.levels_fired, full) = (n, full | f);
        }
        errors.take("board feed pruning", self.prune_board_feed(now).await);
        if deliver_here
            && let Some((d, f)) = errors.take("delivery", deliver::deliver(self, now, None).await)
        {
            (summary.delivered, summary.retried, summary.failed) = (d.sent, d.retried, d.failed);
            full |= f;
        }
        if let Some(e) = errors.0 {
            return Err(e);
        }
        self.db
            .record_monitor_pass(
                &self.settings.instance,
                now,
                count(summary.deadlines_fired),
                count(summary.levels_fired),
                count(summary.delivered),
            )
            .await?;
        if summary.did_anything() {
            tracing::info!(
                monitor.instance = %self.settings.instance,
                monitor.deadlines_fired = summary.deadlines_fired,
                monitor.reminders = summary.reminders,
                monitor.channel_tests = summary.channel_tests,
                monitor.levels_fired = summary.levels_fired,
                monitor.delivered = summary.delivered,
                monitor.retried = summary.retried,
                monitor.failed = summary.failed,
                "monitor pass"
            );
        }
        Ok((summary, full))
    }
}

fn count(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}
