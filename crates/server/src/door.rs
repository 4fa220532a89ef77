//! Limits at the door: the accept loop. Each connection has a slot (the cap), a header limit
//! and an idle limit; when every slot is taken the longest-idle connection is closed to make
//! room; safety actions are always let through (see [`gate`]).
//!
//! HTTP/1.1 only, as before (axum was built without HTTP/2).

mod conn;
mod gate;
#[cfg(test)]
mod tests;

use axum::Router;
use conn::{Conn, Registry, Tracked};
use gate::Gate;
use hyper_util::rt::TokioIo;
use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tower::ServiceExt;

/// The door's limits. [`DoorSettings::default`] suits tests and small machines; `doorstep serve`
/// derives the cap from the process's open-file limit.
#[derive(Debug, Clone)]
pub struct DoorSettings {
    /// Connections open at once. Keep it below the open-file limit, leaving room for the
    /// database pool, files and outgoing e-mail and HTTP.
    pub max_connections: usize,
    /// Of `max_connections`, how many are kept for safety actions: other requests may occupy
    /// at most `max_connections - safety_reserve` connections at once.
    pub safety_reserve: usize,
    /// Requests other than safety actions handled at once; more wait up to 10 seconds for a turn,
    /// then are answered 503. Keeps a flood from queueing ahead of the monitor for the database.
    pub max_busy_requests: usize,
    /// How long a request head (request line and headers) may take from its first byte, and how
    /// long a new connection may wait before sending one.
    pub header_timeout: Duration,
    /// How long a connection may stay open with no request between requests.
    pub keep_alive: Duration,
}

impl Default for DoorSettings {
    fn default() -> Self {
        DoorSettings::with_cap(512)
    }
}

impl DoorSettings {
    /// The defaults with `max_connections` set, and a fifth of it (at least 1) kept for safety
    /// actions.
    pub fn with_cap(max_connections: usize) -> Self {
        let max_connections = max_connections.max(2);
        DoorSettings {
            max_connections,
            safety_reserve: (max_connections / 5).max(1),
            max_busy_requests: 16,
            header_timeout: Duration::from_secs(10),
            keep_alive: Duration::from_secs(60),
        }
    }
}

/// Serves `router` on `listener` behind the door's limits until `shutdown` resolves, then
/// finishes the requests in flight. Errors from `accept` (e.g. too many open files) are logged
/// and retried, never returned.
pub async fn serve_router(
    listener: TcpListener,
    router: Router,
    settings: DoorSettings,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let slots = Arc::new(Semaphore::new(settings.max_connections));
    let registry = Arc::new(Registry::default());
    let general = settings
        .max_connections
        .saturating_sub(settings.safety_reserve);
    let gate = Arc::new(Gate::new(general, settings.max_busy_requests));
    let mut log = FullLog::new(settings.max_connections);
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let mut builder = hyper::server::conn::http1::Builder::new();
    // The door keeps its own clocks (see `conn`): hyper's header timer also runs while a
    // connection is idle, which would make the keep-alive limit the header limit.
    builder.header_read_timeout(None).keep_alive(true);
    let mut next_id = 0u64;
    tokio::pin!(shutdown);
    loop {
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            () = &mut shutdown => break,
        };
        let (stream, peer) = match accepted {
            Ok(accepted) => accepted,
            Err(e) => {
                log.accept_failed(&e);
                // Out of files: wait for some to close rather than spin.
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            }
        };
        // Take a slot; when none is free, close the longest-idle connection and take its slot.
        // If every connection is answering a request, newcomers wait in the kernel's queue.
        let slot = match slots.clone().try_acquire_owned() {
            Ok(slot) => {
                log.below_cap(
                    slots.available_permits(),
                    gate.refused.load(Ordering::Relaxed),
                );
                slot
            }
            Err(_) => {
                let made_room = registry.evict_oldest_idle();
                log.at_cap(made_room, gate.refused.load(Ordering::Relaxed));
                tokio::select! {
                    slot = slots.clone().acquire_owned() => match slot {
                        Ok(slot) => slot,
                        Err(_) => break,
                    },
                    () = &mut shutdown => break,
                }
            }
        };
        let _ = stream.set_nodelay(true);
        next_id += 1;
        let id = next_id;
        let conn = Conn::new(settings.header_timeout, settings.keep_alive);
        registry.insert(id, conn.clone());
        let service = {
            let (conn, gate, router) = (conn.clone(), gate.clone(), router.clone());
            hyper::service::service_fn(move |req| {
                let (conn, gate, router) = (conn.clone(), gate.clone(), router.clone());
                async move {
                    conn.busy();
                    let answer = match gate.admit(&req).await {
                        Ok(_turn) => {
                            // The peer's address, for sign-in throttling (see `auth::ClientAddress`).
                            let mut req = req.map(axum::body::Body::new);
                            req.extensions_mut()
                                .insert(axum::extract::ConnectInfo(peer));
                            router.oneshot(req).await
                        }
                        Err(busy) => Ok(busy),
                    };
                    conn.done();
                    answer
                }
            })
        };
        let http =
            builder.serve_connection(TokioIo::new(Tracked::new(stream, conn.clone())), service);
        let http = graceful.watch(http);
        let registry = registry.clone();
        tokio::spawn(async move {
            tokio::select! {
                result = http => {
                    if let Err(e) = result {
                        tracing::debug!(error = %e, "connection ended with an error");
                    }
                }
                why = conn.watchdog() => {
                    tracing::debug!(reason = ?why, "the door closed a connection");
                }
            }
            registry.remove(id);
            drop(slot);
        });
    }
    drop(listener);
    graceful.shutdown().await;
    Ok(())
}

/// The door's log: one line when the cap is reached, a summary at most once a minute while it
/// stays reached, and one when it is left — never a line per connection.
struct FullLog {
    cap: usize,
    full_since: Option<tokio::time::Instant>,
    last_line: Option<tokio::time::Instant>,
    made_room: u64,
    waited: u64,
    refused_before: u64,
    last_accept_error: Option<tokio::time::Instant>,
}

const SUMMARY_EVERY: Duration = Duration::from_secs(60);

impl FullLog {
    fn new(cap: usize) -> Self {
        FullLog {
            cap,
            full_since: None,
            last_line: None,
            made_room: 0,
            waited: 0,
            refused_before: 0,
            last_accept_error: None,
        }
    }

    fn at_cap(&mut self, made_room: bool, refused: u64) {
        let now = tokio::time::Instant::now();
        if made_room {
            self.made_room += 1;
        } else {
            self.waited += 1;
        }
        if self.full_since.is_none() {
            self.full_since = Some(now);
            self.last_line = Some(now);
            self.refused_before = refused;
            tracing::warn!(
                connections = self.cap,
                "connection cap reached: {} connections open (DOORSTEP_MAX_CONNECTIONS); closing the longest-idle connections to make room, safety actions still go first",
                self.cap
            );
        } else if self.last_line.is_some_and(|t| now - t >= SUMMARY_EVERY) {
            self.last_line = Some(now);
            self.summary("connection cap still reached", refused);
        }
    }

    /// Ends a spell at the cap once a tenth of the slots are free again.
    fn below_cap(&mut self, free: usize, refused: u64) {
        if self.full_since.is_some() && free >= self.cap / 10 {
            self.summary("back under the connection cap", refused);
            self.full_since = None;
            self.made_room = 0;
            self.waited = 0;
        }
    }

    fn summary(&self, what: &str, refused: u64) {
        let seconds = self.full_since.map(|t| t.elapsed().as_secs()).unwrap_or(0);
        tracing::warn!(
            connections = self.cap,
            closed_idle = self.made_room,
            waited = self.waited,
            refused_busy = refused.saturating_sub(self.refused_before),
            full_for_seconds = seconds,
            "{what}: {} idle connections closed to make room, {} newcomers waited for a busy one, {} requests answered 503",
            self.made_room,
            self.waited,
            refused.saturating_sub(self.refused_before)
        );
    }

    fn accept_failed(&mut self, e: &std::io::Error) {
        let now = tokio::time::Instant::now();
        if self
            .last_accept_error
            .is_none_or(|t| now - t >= SUMMARY_EVERY)
        {
            self.last_accept_error = Some(now);
            tracing::error!(error = %e, "cannot accept a connection (is the open-file limit too low for DOORSTEP_MAX_CONNECTIONS?)");
        }
    }
}
