//! One connection's clock: how long it may sit idle, how long its request head may take, and
//! whether the accept loop has asked it to make room. A watchdog future ends the connection when
//! its deadline passes; dropping the connection closes the socket.

use std::collections::BTreeMap;
use std::io;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::sync::Notify;
use tokio::time::Instant;

/// Why the door closed a connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Closed {
    /// No request arrived within the idle (keep-alive) limit, or on a new connection within the
    /// header limit.
    Idle,
    /// A request head started but was not complete within the header limit.
    SlowHead,
    /// The connection cap was reached and this connection was the longest idle.
    MadeRoom,
}

#[derive(Debug, Clone, Copy)]
enum Phase {
    /// Between requests: closed at `until` unless a byte arrives.
    Waiting { until: Instant },
    /// A request head is arriving: closed at `until` unless it completes.
    Head { until: Instant },
    /// A request is being answered: no door deadline (the request time limit applies).
    Busy,
}

struct State {
    phase: Phase,
    evicted: bool,
}

/// Shared by the connection's socket wrapper, its service and its watchdog.
pub(crate) struct Conn {
    state: Mutex<State>,
    /// Woken when the deadline moves earlier or the connection is evicted.
    wake: Notify,
    header_timeout: Duration,
    keep_alive: Duration,
}

impl Conn {
    /// A new connection has the header limit to start its first request: a client that connects
    /// and says nothing is the cheapest way to hold a slot.
    pub(crate) fn new(header_timeout: Duration, keep_alive: Duration) -> Arc<Conn> {
        Arc::new(Conn {
            state: Mutex::new(State {
                phase: Phase::Waiting {
                    until: Instant::now() + header_timeout,
                },
                evicted: false,
            }),
            wake: Notify::new(),
            header_timeout,
            keep_alive,
        })
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // A panic while holding this lock leaves plain data; carry on with it.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Bytes arrived: between requests they start a head, which must complete in time.
    fn on_read(&self) {
        let mut s = self.lock();
        if let Phase::Waiting { .. } = s.phase {
            s.phase = Phase::Head {
                until: Instant::now() + self.header_timeout,
            };
            drop(s);
            self.wake.notify_one();
        }
    }

    /// Bytes left: an answer still being written keeps a connection from counting as idle.
    fn on_write(&self) {
        let mut s = self.lock();
        if let Phase::Waiting { .. } = s.phase {
            s.phase = Phase::Waiting {
                until: Instant::now() + self.keep_alive,
            };
        }
    }

    /// The request head is complete and the request is being answered.
    pub(crate) fn busy(&self) {
        self.lock().phase = Phase::Busy;
    }

    /// The answer is ready; the idle (keep-alive) limit starts.
    pub(crate) fn done(&self) {
        self.lock().phase = Phase::Waiting {
            until: Instant::now() + self.keep_alive,
        };
        self.wake.notify_one();
    }

    /// Asks an idle connection to close. Returns false, changing nothing, when it is answering a
    /// request.
    pub(crate) fn evict(&self) -> bool {
        let mut s = self.lock();
        if matches!(s.phase, Phase::Busy) {
            return false;
        }
        s.evicted = true;
        drop(s);
        self.wake.notify_one();
        true
    }

    /// Resolves when the connection must close, and why.
    pub(crate) async fn watchdog(&self) -> Closed {
        loop {
            let (deadline, why) = {
                let s = self.lock();
                if s.evicted {
                    return Closed::MadeRoom;
                }
                match s.phase {
                    Phase::Waiting { until } => (Some(until), Closed::Idle),
                    Phase::Head { until } => (Some(until), Closed::SlowHead),
                    Phase::Busy => (None, Closed::Idle),
                }
            };
            match deadline {
                Some(until) if until <= Instant::now() => return why,
                Some(until) => {
                    tokio::select! {
                        () = tokio::time::sleep_until(until) => {}
                        () = self.wake.notified() => {}
                    }
                }
                None => self.wake.notified().await,
            }
        }
    }
}

/// The socket, telling its [`Conn`] when bytes arrive and leave.
pub(crate) struct Tracked<S> {
    inner: S,
    conn: Arc<Conn>,
}

impl<S> Tracked<S> {
    pub(crate) fn new(inner: S, conn: Arc<Conn>) -> Self {
        Tracked { inner, conn }
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for Tracked<S> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let polled = Pin::new(&mut self.inner).poll_read(cx, buf);
        if matches!(polled, Poll::Ready(Ok(()))) && buf.filled().len() > before {
            self.conn.on_read();
        }
        polled
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for Tracked<S> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        data: &[u8],
    ) -> Poll<io::Result<usize>> {
        let polled = Pin::new(&mut self.inner).poll_write(cx, data);
        if matches!(polled, Poll::Ready(Ok(n)) if n > 0) {
            self.conn.on_write();
        }
        polled
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let polled = Pin::new(&mut self.inner).poll_write_vectored(cx, bufs);
        if matches!(polled, Poll::Ready(Ok(n)) if n > 0) {
            self.conn.on_write();
        }
        polled
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

/// The open connections, oldest first, so the longest-idle one can be asked to make room.
#[derive(Default)]
pub(crate) struct Registry {
    open: Mutex<BTreeMap<u64, Arc<Conn>>>,
}

impl Registry {
    fn lock(&self) -> MutexGuard<'_, BTreeMap<u64, Arc<Conn>>> {
        self.open.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub(crate) fn insert(&self, id: u64, conn: Arc<Conn>) {
        self.lock().insert(id, conn);
    }

    pub(crate) fn remove(&self, id: u64) {
        self.lock().remove(&id);
    }

    /// Evicts the oldest connection that is not answering a request. Returns false when every
    /// connection is busy.
    pub(crate) fn evict_oldest_idle(&self) -> bool {
        // Oldest first: a phone that has just connected is the last to go, and it sends its
        // request within milliseconds, after which it is busy and never evicted.
        self.lock().values().any(|c| c.evict())
    }
}
