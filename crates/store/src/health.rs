//! Whether writes are reaching the disk now: every transaction's start and commit, and the
//! monitor's write probe, report here; `/healthz` reads it. Failures are also logged here, once
//! when they start and then at most once per back-off interval with a count, so that a fault
//! such as a full disk cannot fill that same disk with log lines.

use std::sync::Mutex;
use std::time::{Duration, Instant};

/// A write failure this recent makes the database unhealthy even if a later write succeeded:
/// a full disk lets some small writes through while a check-in's commit fails.
pub const RECENT_FAILURE: Duration = Duration::from_secs(5);
/// The longest quiet spell between two log lines about the same run of failures.
const LOG_AT_MOST_EVERY: Duration = Duration::from_secs(60);

/// Shared by every clone of one [`crate::Db`].
#[derive(Debug, Default)]
pub struct WriteHealth {
    state: Mutex<State>,
}

#[derive(Debug, Default)]
struct State {
    /// Set at the first failure after a success; cleared by the next success.
    failing_since: Option<Instant>,
    last_failure: Option<(Instant, String)>,
    /// Failures in the current run (since `failing_since`).
    failures: u64,
    /// Failures not yet mentioned in the log, and when the next log line may be written.
    unlogged: u64,
    next_log_at: Option<Instant>,
    log_gap: Duration,
}

/// What `/healthz` says about writes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WriteStatus {
    /// The last write failed, or one failed within [`RECENT_FAILURE`].
    pub failing: bool,
    /// The last failure's error, in the database's words.
    pub last_error: Option<String>,
    /// Seconds since the last failure.
    pub last_failure_seconds_ago: Option<u64>,
    /// Failures since writes last succeeded (0 when the last write succeeded).
    pub failures_in_a_row: u64,
}

impl WriteHealth {
    /// A write committed (or a probe wrote). Ends a run of failures, with one log line.
    pub fn succeeded(&self) {
        let mut s = self.lock();
        if let Some(since) = s.failing_since.take() {
            tracing::warn!(
                failures = s.failures,
                seconds = since.elapsed().as_secs(),
                "writes are reaching the database again"
            );
            s.failures = 0;
            s.unlogged = 0;
            s.next_log_at = None;
            s.log_gap = Duration::ZERO;
        }
    }

    /// A write failed with `error` while doing `what` (e.g. "commit").
    pub fn failed(&self, what: &str, error: &dyn std::fmt::Display) {
        let now = Instant::now();
        let mut s = self.lock();
        s.failing_since.get_or_insert(now);
        s.failures += 1;
        s.unlogged += 1;
        s.last_failure = Some((now, error.to_string()));
        if s.next_log_at.is_some_and(|at| now < at) {
            return;
        }
        let first = s.failures == 1;
        s.log_gap = (s.log_gap * 2)
            .max(Duration::from_secs(1))
            .min(LOG_AT_MOST_EVERY);
        s.next_log_at = Some(now + s.log_gap);
        let (count, gap) = (s.unlogged, s.log_gap.as_secs());
        s.unlogged = 0;
        drop(s);
        if first {
            tracing::error!(write = what, %error, "a write to the database failed");
        } else {
            tracing::error!(write = what, %error, failures = count, next_report_in_seconds = gap,
                "writes to the database are still failing");
        }
    }

    pub fn status(&self) -> WriteStatus {
        let s = self.lock();
        let ago = s.last_failure.as_ref().map(|(at, _)| at.elapsed());
        WriteStatus {
            failing: s.failing_since.is_some() || ago.is_some_and(|a| a < RECENT_FAILURE),
            last_error: s.last_failure.as_ref().map(|(_, e)| e.clone()),
            last_failure_seconds_ago: ago.map(|a| a.as_secs()),
            failures_in_a_row: s.failures,
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        // A panic while holding this lock leaves plain counters behind: still usable.
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_run_of_failures_is_failing_until_a_write_succeeds_and_stays_recent_for_a_while() {
        let h = WriteHealth::default();
        assert!(!h.status().failing);
        for _ in 0..1000 {
            h.failed("commit", &"database or disk is full");
        }
        let s = h.status();
        assert!(s.failing);
        assert_eq!(s.failures_in_a_row, 1000);
        assert_eq!(s.last_error.as_deref(), Some("database or disk is full"));
        h.succeeded();
        let s = h.status();
        assert_eq!(s.failures_in_a_row, 0);
        assert!(s.failing, "a failure seconds ago still counts");
        assert_eq!(s.last_failure_seconds_ago, Some(0));
    }
}
