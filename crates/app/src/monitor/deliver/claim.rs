//! Keeping the outbox claims of one delivery pass: how long they are known to hold, and the task
//! that renews them while the pass sends.

use crate::monitor::Inner;
use std::sync::Arc;
use std::time::Instant;

pub(super) struct AbortOnDrop(pub(super) tokio::task::JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// How long this pass's claims are known to hold, in wall time since the pass claimed them.
pub(super) struct Claim {
    started: Instant,
    /// Milliseconds after `started` until which the claims certainly hold.
    holds_for_ms: std::sync::atomic::AtomicU64,
}

impl Claim {
    pub(super) fn new(started: Instant, claim_for: std::time::Duration) -> Self {
        let claim = Claim {
            started,
            holds_for_ms: std::sync::atomic::AtomicU64::new(0),
        };
        claim.hold_until(started + claim_for);
        claim
    }

    pub(super) fn hold_until(&self, at: Instant) {
        let ms = u64::try_from(at.duration_since(self.started).as_millis()).unwrap_or(u64::MAX);
        self.holds_for_ms
            .fetch_max(ms, std::sync::atomic::Ordering::Relaxed);
    }

    /// Whether a send starting now ends well inside the claim (`margin` to spare).
    pub(super) fn has_room(&self, margin: std::time::Duration) -> bool {
        let holds = std::time::Duration::from_millis(
            self.holds_for_ms.load(std::sync::atomic::Ordering::Relaxed),
        );
        self.started.elapsed() + margin < holds
    }
}

/// Renews this instance's claims every third of `claim_for` until aborted; a failed renewal
/// leaves the claim to lapse, and sends not yet started are then left to whoever takes over.
pub(super) async fn renew(inner: Arc<Inner>, claim: Arc<Claim>) {
    let claim_for = inner.settings.claim_for.to_std().unwrap_or_default();
    loop {
        tokio::time::sleep(claim_for / 3).await;
        let asked_at = Instant::now();
        let until = inner.clock.now() + inner.settings.claim_for;
        match inner.db.renew_claims(&inner.settings.instance, until).await {
            Ok(_) => claim.hold_until(asked_at + claim_for),
            Err(e) => {
                tracing::warn!(error = %e, "could not renew the outbox claims; they may be taken over")
            }
        }
    }
}
