//! Delivering the outbox: claim due notifications, send each on its channel, record the outcome
//! under the claim. Each channel has its own small concurrency bound, so a slow SMTP server never
//! holds up the texts and webhooks of the same pass. Temporary failures come back with
//! exponential back-off until the attempts run out; an alarm whose every outside channel failed
//! is flagged for the board.

mod all_failed;
mod claim;

use super::Inner;
use crate::Result;
use all_failed::flag_if_every_channel_failed;
use chrono::{DateTime, Duration, Utc};
use claim::{AbortOnDrop, Claim, renew};
use domain::policy::Channel;
use notify::{DeliveryError, Message, WebhookEvent};
use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Instant;
use store::{Delivery, Notification};
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

/// Sends in flight at once per channel.
const PER_CHANNEL: usize = 8;
/// The first retry waits this long; each further one twice as long as the one before …
const FIRST_BACKOFF_SECONDS: i64 = 5;
/// … up to this.
const MAX_BACKOFF_SECONDS: i64 = 300;
/// How often a channel whose every message failed is tried again with one of them (wall time).
const PROBE_EVERY: std::time::Duration = std::time::Duration::from_secs(30);
/// The exact `last_error` of a message whose channel has no adapter configured.
pub(crate) const NOT_CONFIGURED: &str = store::NOT_CONFIGURED;

/// How the claimed notifications of one pass ended.
#[derive(Debug, Default)]
pub(super) struct Delivered {
    pub sent: usize,
    pub retried: usize,
    pub failed: usize,
}

enum Outcome {
    Sent,
    /// In the demo outbox: delivered as far as the demo goes, but no channel worked again.
    Kept,
    Retried,
    Failed {
        alarm: Option<i64>,
    },
}

struct Limits {
    email: Semaphore,
    sms: Semaphore,
    webhook: Semaphore,
}

/// One round: claims due notifications (of `channel` only, when named: the per-channel senders
/// of [`super::Monitor::run`]), sends them, records how each ended.
pub(super) async fn deliver(
    inner: &Arc<Inner>,
    now: DateTime<Utc>,
    channel: Option<&str>,
) -> Result<(Delivered, bool)> {
    let s = &inner.settings;
    let claimed = inner
        .db
        .claim_notifications(&s.instance, now, now + s.claim_for, s.batch, channel)
        .await?;
    let full = i64::try_from(claimed.len()).is_ok_and(|n| n >= s.batch);
    let limits = Arc::new(Limits {
        email: Semaphore::new(PER_CHANNEL),
        sms: Semaphore::new(PER_CHANNEL),
        webhook: Semaphore::new(PER_CHANNEL),
    });
    // Wall time, not domain time: how long this process has really been sending under the claim.
    let started = Instant::now();
    let claim = Arc::new(Claim::new(
        started,
        s.claim_for.to_std().unwrap_or_default(),
    ));
    // Stops renewing when this pass ends or is dropped: claims must lapse with their sender.
    let _renewer = (!claimed.is_empty())
        .then(|| AbortOnDrop(tokio::spawn(renew(inner.clone(), claim.clone()))));
    let mut tasks = JoinSet::new();
    let channel_of: std::collections::HashMap<i64, Channel> =
        claimed.iter().map(|n| (n.id, n.channel)).collect();
    let mut worked_again = BTreeSet::new();
    for n in claimed {
        tasks.spawn(deliver_one(
            inner.clone(),
            limits.clone(),
            n,
            now,
            claim.clone(),
        ));
    }
    let mut done = Delivered::default();
    let mut failed_alarms = BTreeSet::new();
    // Outcomes are recorded in one transaction for all the sends finished by then: the in-app
    // messages of a whole pass with one disk flush, a slow channel's as each send ends.
    let mut finished: Vec<(i64, Finish)> = Vec::new();
    while let Some(joined) = tasks.join_next().await {
        let mut joined = Some(joined);
        while let Some(j) = joined.take().or_else(|| tasks.try_join_next()) {
            match j {
                Ok(Some((id, finish, outcome))) => {
                    match outcome {
                        Outcome::Sent => {
                            done.sent += 1;
                            worked_again.extend(
                                channel_of
                                    .get(&id)
                                    .filter(|c| **c != Channel::InApp)
                                    .map(|c| c.as_str()),
                            );
                        }
                        Outcome::Kept => done.sent += 1,
                        Outcome::Retried => done.retried += 1,
                        Outcome::Failed { alarm } => {
                            done.failed += 1;
                            failed_alarms.extend(alarm);
                        }
                    }
                    finished.push((id, finish));
                }
                Ok(None) => {}
                Err(e) => {
                    tracing::error!(error = %e, "a delivery task failed; the message is retried when its claim lapses");
                }
            }
        }
        record(inner, &mut finished, now).await;
    }
    if let Err(e) = flag_if_every_channel_failed(inner, &failed_alarms).await {
        tracing::error!(error = %e, "could not check whether every channel of an alarm failed");
    }
    let resent = send_again(inner, &worked_again, now).await?;
    Ok((done, full || resent))
}

/// A channel that just delivered works again: its messages that failed or wait in back-off go
/// out at once (true when some were put back). And now and then a channel whose every message
/// has failed for good is probed with its newest one (see [`store::Db::probe_stopped_channels`]).
async fn send_again(inner: &Inner, worked: &BTreeSet<&str>, now: DateTime<Utc>) -> Result<bool> {
    let mut resent = false;
    for channel in worked {
        let n = inner.db.send_again_on(channel, now).await?;
        if n > 0 {
            tracing::warn!(notification.channel = %channel, messages = n,
                "a failing channel delivered again: sending its failed messages again now");
            resent = true;
        }
    }
    let probe_due = {
        let mut last = inner.last_probe.lock().unwrap_or_else(|p| p.into_inner());
        let due = last.is_none_or(|at| at.elapsed() >= PROBE_EVERY);
        if due {
            *last = Some(Instant::now());
        }
        due
    };
    if probe_due {
        let probed = inner
            .db
            .probe_stopped_channels(
                now,
                now - Duration::seconds(30),
                inner.settings.max_attempts,
            )
            .await?;
        if !probed.is_empty() {
            tracing::info!(channels = ?probed, "probing channels whose messages all failed");
            resent = true;
        }
    }
    Ok(resent)
}

/// How a send ended, to be recorded under the claim.
enum Finish {
    Sent,
    KeptInDemoOutbox,
    Retry { error: String, at: DateTime<Utc> },
    Failed { error: String },
}

impl Finish {
    fn delivery(&self) -> Delivery<'_> {
        match self {
            Finish::Sent => Delivery::Sent,
            Finish::KeptInDemoOutbox => Delivery::KeptInDemoOutbox,
            Finish::Retry { error, at } => Delivery::Retry { error, at: *at },
            Finish::Failed { error } => Delivery::Failed { error },
        }
    }
}

/// Records the finished sends in one transaction (one by one if that fails) and empties the list.
async fn record(inner: &Inner, finished: &mut Vec<(i64, Finish)>, now: DateTime<Utc>) {
    if finished.is_empty() {
        return;
    }
    let instance = &inner.settings.instance;
    let together = async {
        let mut tx = inner.db.begin().await?;
        for (id, finish) in finished.iter() {
            tx.finish_notification(*id, instance, &finish.delivery(), now)
                .await?;
        }
        tx.commit().await?;
        Ok::<(), store::StoreError>(())
    };
    if let Err(e) = together.await {
        tracing::warn!(error = %e, "recording the deliveries together failed; recording them one by one");
        for (id, finish) in finished.iter() {
            if let Err(e) = inner
                .db
                .finish_notification(*id, instance, finish.delivery(), now)
                .await
            {
                tracing::error!(notification.id = id, error = %e, "could not record a delivery; the message is retried when its claim lapses");
            }
        }
    }
    finished.clear();
}

/// Sends one claimed message; what to record, or `None` when it was not attempted because the
/// claim was running out (a stalled channel): another pass or instance takes it over once the
/// claim lapses.
async fn deliver_one(
    inner: Arc<Inner>,
    limits: Arc<Limits>,
    n: Notification,
    now: DateTime<Utc>,
    claim: Arc<Claim>,
) -> Option<(i64, Finish, Outcome)> {
    let limit = match n.channel {
        Channel::Email => Some(&limits.email),
        Channel::Sms => Some(&limits.sms),
        Channel::Webhook => Some(&limits.webhook),
        Channel::InApp => None,
    };
    // Closed never: the semaphores live as long as this pass.
    let _permit = match limit {
        Some(l) => l.acquire().await.ok(),
        None => None,
    };
    // A send must not run past the claim: another instance would send the message again.
    // Half a claim to spare covers a send that stalls until its channel's timeout.
    if !claim.has_room(inner.settings.claim_for.to_std().unwrap_or_default() / 2) {
        return None;
    }
    let sent = send(&inner, &n).await;
    let attempts = n.attempts + 1;
    let (finish, outcome) = match &sent {
        Ok(()) => (Finish::Sent, Outcome::Sent),
        // A demo: kept for the /outbox page, which is how the demo "delivers".
        Err(Failure::NotConfigured) if inner.settings.demo_outbox => {
            (Finish::KeptInDemoOutbox, Outcome::Kept)
        }
        Err(Failure::Delivery(DeliveryError::Temporary(e)))
            if attempts < inner.settings.max_attempts =>
        {
            let at = now + backoff(n.attempts);
            let finish = Finish::Retry {
                error: e.clone(),
                at,
            };
            (finish, Outcome::Retried)
        }
        Err(f) => {
            let finish = Finish::Failed {
                error: f.text().to_string(),
            };
            (finish, Outcome::Failed { alarm: n.alarm_id })
        }
    };
    match &sent {
        Ok(()) => {}
        // Expected for every message on a channel the school has not set up; the board shows it.
        Err(f @ Failure::NotConfigured) => tracing::debug!(
            notification.id = n.id, notification.channel = %n.channel, error = f.text(),
            "not delivered"
        ),
        Err(f) => tracing::warn!(
            notification.id = n.id, notification.channel = %n.channel, alarm.id = ?n.alarm_id,
            notification.attempts = attempts, error = f.text(), retrying = matches!(outcome, Outcome::Retried),
            "delivery failed"
        ),
    }
    Some((n.id, finish, outcome))
}

enum Failure {
    NotConfigured,
    Delivery(DeliveryError),
}

impl Failure {
    fn text(&self) -> &str {
        match self {
            Failure::NotConfigured => NOT_CONFIGURED,
            Failure::Delivery(DeliveryError::Temporary(e) | DeliveryError::Permanent(e)) => e,
        }
    }
}

async fn send(inner: &Inner, n: &Notification) -> Result<(), Failure> {
    let c = &inner.channels;
    let message = || Message {
        to: n.address.clone(),
        subject: n.subject.clone(),
        body: n.body.clone(),
    };
    let result = match n.channel {
        // The in-app feed reads the outbox table itself: queued is delivered.
        Channel::InApp => Ok(()),
        Channel::Email => match &c.mailer {
            Some(mailer) => mailer.send_once(&message(), &n.idempotency_key).await,
            None => return Err(Failure::NotConfigured),
        },
        Channel::Sms => match &c.sms {
            Some(sms) => sms.send(&message(), &n.idempotency_key).await,
            None => return Err(Failure::NotConfigured),
        },
        Channel::Webhook => match &c.webhook {
            Some((hook, _)) => {
                // A school's system tells a practice alarm from a real one without reading the
                // words (#11 item 9); unread, the delivery is tried again rather than guessed.
                let drill = match n.alarm_id {
                    Some(id) => inner.db.alarm(id).await.map(|a| a.drill).map_err(|e| {
                        Failure::Delivery(DeliveryError::Temporary(format!(
                            "cannot read the alarm: {e}"
                        )))
                    })?,
                    None => false,
                };
                let event = WebhookEvent {
                    idempotency_key: n.idempotency_key.clone(),
                    payload: serde_json::json!({
                        "alarm_id": n.alarm_id,
                        "visit_id": n.visit_id,
                        "drill": drill,
                        "subject": n.subject,
                        "body": n.body,
                    }),
                };
                hook.send(&event).await
            }
            None => return Err(Failure::NotConfigured),
        },
    };
    result.map_err(Failure::Delivery)
}

/// 5 s, 10 s, 20 s … capped at 5 minutes, after `attempts_so_far` failed attempts.
fn backoff(attempts_so_far: i64) -> Duration {
    let doublings = u32::try_from(attempts_so_far.clamp(0, 16)).unwrap_or(16);
    let seconds = FIRST_BACKOFF_SECONDS.saturating_mul(1_i64 << doublings);
    Duration::seconds(seconds.min(MAX_BACKOFF_SECONDS))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn back_off_doubles_from_five_seconds_up_to_five_minutes() {
        let secs: Vec<i64> = (0..8).map(|a| backoff(a).num_seconds()).collect();
        assert_eq!(secs, vec![5, 10, 20, 40, 80, 160, 300, 300]);
        assert_eq!(backoff(-1).num_seconds(), 5);
        assert_eq!(backoff(1_000).num_seconds(), 300);
    }
}
