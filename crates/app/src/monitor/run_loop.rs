//! The loop around one pass: a pass every second or as soon as woken, at once again when a pass
//! filled its batch; a failed or panicking pass is logged and the loop goes on. The outbound
//! heartbeat is called at most once a minute, only after a pass completed.

use super::Monitor;
use super::repeats::Repeats;
use domain::policy::Channel;
use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::task::JoinHandle;

/// Time between passes when nothing wakes the monitor.
const TICK: Duration = Duration::from_secs(1);
/// How soon the firer looks again when a due deadline could not be fired.
const RETRY_STUCK: Duration = Duration::from_millis(50);
/// The outbox's channels, each sent by a task of its own (see [`Monitor::run`]).
const CHANNELS: [Channel; 4] = [
    Channel::InApp,
    Channel::Sms,
    Channel::Email,
    Channel::Webhook,
];
const HEARTBEAT_EVERY: Duration = Duration::from_secs(60);
const HEARTBEAT_TIMEOUT: Duration = Duration::from_secs(5);

impl Monitor {
    /// Runs passes until `shutdown` completes. A pass under way when it does is finished first,
    /// so no message is left half-sent. The first pass runs at once: whatever fell due while
    /// Doorstep was down fires on start.
    pub async fn run(self, shutdown: impl Future) {
        tokio::pin!(shutdown);
        let mut heartbeat = Heartbeat::new(self.inner.settings.heartbeat_url.clone());
        tracing::info!(monitor.instance = %self.inner.settings.instance, "safety monitor started");
        // Deadlines fire on time in a task of their own, so that an alarm is recorded the moment
        // its deadline passes, not after whatever ladder and delivery work a pass is doing.
        let (stop_firer, firer_stopped) = tokio::sync::watch::channel(false);
        let firer = tokio::spawn(self.clone().fire_on_time(firer_stopped.clone()));
        // The outbox is sent in a task of its own too: a pass never waits for an SMTP server
        // that accepts connections but never answers, so the next rung fires on time (#11 item 10).
        // One sender per channel: a hanging SMTP server holds up neither texts nor in-app messages.
        let mut senders = Vec::new();
        let mut wakes = Vec::new();
        for channel in CHANNELS.map(crate::outbox::channel_name) {
            let wake = Arc::new(tokio::sync::Notify::new());
            let stop = firer_stopped.clone();
            senders.push(tokio::spawn(self.clone().send_outbox(
                channel,
                stop,
                wake.clone(),
            )));
            wakes.push(wake);
        }
        let mut failing = Repeats::new("monitor pass");
        loop {
            let now = self.inner.clock.now();
            let inner = self.inner.clone();
            // Spawned so that a panic in a pass is caught here rather than ending the loop.
            let pass = tokio::spawn(async move { inner.pass(now, false).await });
            let again_at_once = match pass.await {
                Ok(Ok((summary, full))) => {
                    failing.succeeded();
                    if summary.did_anything() {
                        wakes.iter().for_each(|w| w.notify_one());
                    }
                    // No "still alive" while writes fail elsewhere: check-ins may be lost.
                    if !self.inner.db.write_status().failing {
                        heartbeat.beat_if_due();
                    }
                    full
                }
                Ok(Err(e)) => {
                    failing.failed(&e, TICK);
                    false
                }
                Err(e) => {
                    failing.failed(&format!("panicked: {e}"), TICK);
                    false
                }
            };
            let wait = if again_at_once {
                Duration::ZERO
            } else {
                self.until_next_work().await
            };
            tokio::select! {
                biased;
                _ = &mut shutdown => break,
                () = self.inner.waker.notified() => {}
                () = tokio::time::sleep(wait) => {}
            }
        }
        let _ = stop_firer.send(true);
        if let Err(e) = firer.await {
            tracing::error!(error = %e, "the deadline firer ended abnormally");
        }
        // A delivery round under way is finished first: no message is left half-sent.
        for sender in senders {
            if let Err(e) = sender.await {
                tracing::error!(error = %e, "an outbox sender ended abnormally");
            }
        }
        heartbeat.stop().await;
        tracing::info!(monitor.instance = %self.inner.settings.instance, "safety monitor stopped");
    }
}

impl Monitor {
    /// Fires each deadline as it falls due, until `stop` turns true, and wakes the pass loop
    /// after firing so the new alarms' first ladder level goes out at once. A failed or
    /// panicking attempt is logged and tried again shortly.
    async fn fire_on_time(self, mut stop: tokio::sync::watch::Receiver<bool>) {
        let mut failing = Repeats::new("firing due deadlines");
        loop {
            let now = self.inner.clock.now();
            let inner = self.inner.clone();
            let (fired, back_off) =
                match tokio::spawn(async move { inner.fire_all_due(now).await }).await {
                    Ok(Ok(n)) => {
                        failing.succeeded();
                        (n, None)
                    }
                    Ok(Err(e)) => (0, Some(failing.failed(&e, RETRY_STUCK))),
                    Err(e) => (
                        0,
                        Some(failing.failed(&format!("panicked: {e}"), RETRY_STUCK)),
                    ),
                };
            if fired > 0 {
                self.inner.waker.notify_one();
            }
            let wait = match self.inner.db.next_deadline_at().await {
                Ok(Some(at)) => (at - self.inner.clock.now())
                    .to_std()
                    .unwrap_or(Duration::ZERO)
                    .min(TICK),
                Ok(None) => TICK,
                // The firing attempt just failed too (and logged); a read error adds nothing.
                Err(_) => TICK,
            };
            // Something due that this attempt could not fire (a failing row, or another instance
            // holding it): look again shortly rather than spinning; longer while a fault lasts.
            let wait = match back_off {
                Some(b) => b,
                None if wait.is_zero() && fired == 0 => RETRY_STUCK,
                None => wait,
            };
            tokio::select! {
                biased;
                _ = stop.wait_for(|s| *s) => break,
                () = tokio::time::sleep(wait) => {}
            }
        }
    }

    /// Delivers one channel's outbox round after round, apart from the passes and the other
    /// channels, until `stop` turns true:
    /// at once again when a round filled its batch, when a pass queued messages (`wake`), or
    /// after a tick. A failed or panicking round is logged and tried again.
    async fn send_outbox(
        self,
        channel: &'static str,
        mut stop: tokio::sync::watch::Receiver<bool>,
        wake: Arc<tokio::sync::Notify>,
    ) {
        let mut failing = Repeats::new("delivering the outbox");
        loop {
            let now = self.inner.clock.now();
            let inner = self.inner.clone();
            let round =
                tokio::spawn(
                    async move { super::deliver::deliver(&inner, now, Some(channel)).await },
                );
            let again_at_once = match round.await {
                Ok(Ok((d, full))) => {
                    failing.succeeded();
                    if d.sent + d.retried + d.failed > 0 {
                        tracing::info!(
                            notification.channel = channel,
                            monitor.delivered = d.sent,
                            monitor.retried = d.retried,
                            monitor.failed = d.failed,
                            "outbox delivered"
                        );
                    }
                    full
                }
                Ok(Err(e)) => {
                    failing.failed(&e, TICK);
                    false
                }
                Err(e) => {
                    failing.failed(&format!("panicked: {e}"), TICK);
                    false
                }
            };
            let wait = if again_at_once { Duration::ZERO } else { TICK };
            tokio::select! {
                biased;
                _ = stop.wait_for(|s| *s) => break,
                () = wake.notified() => {}
                () = tokio::time::sleep(wait) => {}
            }
        }
    }

    /// Sleep until the soonest deadline, rung or retry, but never longer than a tick: an alarm
    /// is recorded the moment it falls due rather than up to a second later.
    async fn until_next_work(&self) -> Duration {
        let db = &self.inner.db;
        let next = match (
            db.next_monitor_work().await,
            db.next_incident_reminder_at().await,
        ) {
            (Ok(a), Ok(b)) => Ok(a.into_iter().chain(b).min()),
            (Err(e), _) | (_, Err(e)) => Err(e),
        };
        match next {
            Ok(Some(at)) => (at - self.inner.clock.now())
                .to_std()
                .unwrap_or(Duration::ZERO)
                .min(TICK),
            Ok(None) => TICK,
            // A database that cannot be read fails the pass too, which is logged (throttled).
            Err(_) => TICK,
        }
    }
}

/// The outbound "still alive" call. One client, built once; one call in flight at a time.
struct Heartbeat {
    target: Option<(reqwest::Client, String)>,
    last: Option<Instant>,
    in_flight: Option<JoinHandle<()>>,
}

impl Heartbeat {
    fn new(url: Option<String>) -> Self {
        let target = url.and_then(|url| {
            notify::install_crypto_provider();
            match reqwest::Client::builder()
                .timeout(HEARTBEAT_TIMEOUT)
                .connect_timeout(HEARTBEAT_TIMEOUT)
                .build()
            {
                Ok(client) => Some((client, url)),
                Err(e) => {
                    tracing::error!(error = %e, "cannot build the heartbeat HTTP client; no heartbeat will be sent");
                    None
                }
            }
        });
        Heartbeat {
            target,
            last: None,
            in_flight: None,
        }
    }

    fn beat_if_due(&mut self) {
        let Some((client, url)) = &self.target else {
            return;
        };
        if self.last.is_some_and(|at| at.elapsed() < HEARTBEAT_EVERY)
            || self.in_flight.as_ref().is_some_and(|h| !h.is_finished())
        {
            return;
        }
        self.last = Some(Instant::now());
        let call = client.get(url.as_str()).send();
        // Not awaited here so that a slow heartbeat endpoint never delays a pass; the handle is
        // kept, and the result logged by the task.
        self.in_flight = Some(tokio::spawn(async move {
            match call.await {
                Ok(r) if r.status().is_success() => tracing::debug!("heartbeat sent"),
                Ok(r) => {
                    tracing::warn!(
                        http.status = r.status().as_u16(),
                        "heartbeat URL refused the heartbeat"
                    )
                }
                Err(e) => tracing::warn!(error = %e, "could not call the heartbeat URL"),
            }
        }));
    }

    async fn stop(self) {
        if let Some(h) = self.in_flight {
            let _ = h.await;
        }
    }
}
