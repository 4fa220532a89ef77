//! A fault that repeats (a full disk, a database that went away) is logged once when it starts,
//! then at most once per growing interval with a count, and once when it ends; and the loop that
//! meets it waits longer between attempts. Without this the monitor, retrying every 50 ms,
//! wrote about a megabyte of log a second onto the disk that was already full.

use std::time::{Duration, Instant};

/// The longest gap between two log lines about one run of failures.
const LOG_AT_MOST_EVERY: Duration = Duration::from_secs(60);

/// One kind of repeated failure (e.g. "monitor pass"), owned by the loop that meets it.
pub(crate) struct Repeats {
    what: &'static str,
    failures: u64,
    unlogged: u64,
    since: Option<Instant>,
    next_log_at: Option<Instant>,
    gap: Duration,
}

impl Repeats {
    pub(crate) fn new(what: &'static str) -> Self {
        Repeats {
            what,
            failures: 0,
            unlogged: 0,
            since: None,
            next_log_at: None,
            gap: Duration::ZERO,
        }
    }

    /// Records a failure, logging it when due. Returns how long to wait before trying again:
    /// `base`, doubled per failure in a row, at most one second (alarms must not wait longer).
    pub(crate) fn failed(&mut self, error: &dyn std::fmt::Display, base: Duration) -> Duration {
        let now = Instant::now();
        self.since.get_or_insert(now);
        self.failures += 1;
        self.unlogged += 1;
        if self.next_log_at.is_none_or(|at| now >= at) {
            self.gap = (self.gap * 2)
                .max(Duration::from_secs(1))
                .min(LOG_AT_MOST_EVERY);
            self.next_log_at = Some(now + self.gap);
            if self.failures == 1 {
                tracing::error!(failed = self.what, %error, "failed; trying again shortly");
            } else {
                tracing::error!(failed = self.what, %error, failures = self.unlogged,
                    next_report_in_seconds = self.gap.as_secs(), "still failing");
            }
            self.unlogged = 0;
        }
        let doublings = u32::try_from(self.failures.saturating_sub(1).min(16)).unwrap_or(16);
        base.saturating_mul(1 << doublings)
            .min(Duration::from_secs(1))
    }

    /// Ends a run of failures, with one log line saying it ended.
    pub(crate) fn succeeded(&mut self) {
        if let Some(since) = self.since.take() {
            tracing::warn!(
                recovered = self.what,
                failures = self.failures,
                seconds = since.elapsed().as_secs(),
                "working again"
            );
            *self = Repeats::new(self.what);
        }
    }

    #[cfg(test)]
    fn failures(&self) -> u64 {
        self.failures
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_grow_to_a_second_and_a_success_starts_again() {
        let mut r = Repeats::new("test");
        let base = Duration::from_millis(50);
        let waits: Vec<_> = (0..8).map(|_| r.failed(&"disk full", base)).collect();
        assert_eq!(waits[0], base);
        assert_eq!(waits[1], base * 2);
        assert_eq!(*waits.last().expect("eight"), Duration::from_secs(1));
        assert_eq!(r.failures(), 8);
        r.succeeded();
        assert_eq!(r.failures(), 0);
        assert_eq!(r.failed(&"disk full", base), base);
    }
}
