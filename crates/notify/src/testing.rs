//! Real servers for tests, started on 127.0.0.1 port 0: a tiny SMTP server that records the mail it
//! accepts, and an HTTP recorder that records requests and answers a chosen status.
//!
//! Enabled by the `test-servers` feature so other crates' tests can use them from their
//! dev-dependencies. Not for production: no TLS, no authentication, no size limits.
// Test support: a server that cannot bind is a failed test, so `expect` is the clearest report.
#![allow(clippy::expect_used, clippy::unwrap_used)]

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU16, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{oneshot, watch};
use tokio::task::{JoinHandle, JoinSet};

use crate::{SmtpSettings, SmtpTls};

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

async fn bind_loopback() -> (TcpListener, SocketAddr) {
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind a test server on 127.0.0.1");
    let addr = listener.local_addr().expect("test server address");
    (listener, addr)
}

/// One email the [`SmtpServer`] accepted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReceivedMail {
    /// The envelope sender, without angle brackets.
    pub mail_from: String,
    /// The envelope recipients, without angle brackets.
    pub rcpt_to: Vec<String>,
    /// The message as sent after DATA (headers and body), dot-stuffing removed.
    pub data: String,
}

/// A minimal SMTP server: greeting, EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP, QUIT.
pub struct SmtpServer {
    addr: SocketAddr,
    received: Arc<Mutex<Vec<ReceivedMail>>>,
    rcpt_reply: Arc<Mutex<Option<String>>>,
    stall: watch::Sender<bool>,
    task: JoinHandle<()>,
}

/// What every SMTP session shares with the test.
#[derive(Clone)]
struct SmtpControl {
    received: Arc<Mutex<Vec<ReceivedMail>>>,
    rcpt_reply: Arc<Mutex<Option<String>>>,
    stall: watch::Receiver<bool>,
}

impl SmtpServer {
    pub async fn start() -> Self {
        let (listener, addr) = bind_loopback().await;
        Self::serve(listener, addr)
    }

    /// Starts on `addr` (e.g. the address of a relay that was down and comes back).
    pub async fn start_at(addr: SocketAddr) -> Self {
        let listener = TcpListener::bind(addr)
            .await
            .expect("bind the test SMTP server again");
        Self::serve(listener, addr)
    }

    fn serve(listener: TcpListener, addr: SocketAddr) -> Self {
        let (stall, stall_rx) = watch::channel(false);
        let control = SmtpControl {
            received: Arc::new(Mutex::new(Vec::new())),
            rcpt_reply: Arc::new(Mutex::new(None)),
            stall: stall_rx,
        };
        Self {
            addr,
            received: control.received.clone(),
            rcpt_reply: control.rcpt_reply.clone(),
            stall,
            task: tokio::spawn(accept_smtp(listener, control)),
        }
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Settings for a [`crate::Mailer`] talking plain SMTP to this server.
    pub fn settings(&self) -> SmtpSettings {
        SmtpSettings {
            host: self.addr.ip().to_string(),
            port: self.addr.port(),
            tls: SmtpTls::None,
            username: None,
            password: None,
            from: "Doorstep <doorstep@school.test>".into(),
            timeout: Duration::from_secs(5),
        }
    }

    /// Everything accepted so far, oldest first.
    pub fn received(&self) -> Vec<ReceivedMail> {
        lock(&self.received).clone()
    }

    /// Answer every following RCPT TO with this reply line instead of `250`, e.g.
    /// `"550 5.1.1 no such mailbox"` or `"451 4.3.0 try again later"`.
    pub fn reject_recipients_with(&self, reply: &str) {
        *lock(&self.rcpt_reply) = Some(reply.to_owned());
    }

    /// While `true`, every RCPT TO waits for an answer until this is set back to `false`; then the
    /// waiting sessions answer as usual, late. For testing client timeouts.
    pub fn stall_recipients(&self, stall: bool) {
        self.stall.send_replace(stall);
    }

    /// Closes the port and every open connection; returns once they are gone.
    pub async fn stop(mut self) {
        self.task.abort();
        let _ = (&mut self.task).await;
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn accept_smtp(listener: TcpListener, control: SmtpControl) {
    // Connections live in this set, so aborting this task drops the listener and every connection.
    let mut connections = JoinSet::new();
    while let Ok((stream, _)) = listener.accept().await {
        connections.spawn(smtp_session(stream, control.clone()));
        while connections.try_join_next().is_some() {}
    }
}

async fn smtp_session(stream: TcpStream, mut control: SmtpControl) -> std::io::Result<()> {
    let (read, mut write) = stream.into_split();
    let mut reader = BufReader::new(read);
    let mut line = Vec::new();
    let mut mail_from = String::new();
    let mut rcpt_to = Vec::new();
    write.write_all(b"220 doorstep-test ESMTP\r\n").await?;
    loop {
        line.clear();
        if reader.read_until(b'\n', &mut line).await? == 0 {
            return Ok(());
        }
        let command = String::from_utf8_lossy(&line).trim_end().to_owned();
        let verb = command
            .split([' ', ':'])
            .next()
            .unwrap_or_default()
            .to_ascii_uppercase();
        let reply = match verb.as_str() {
            "EHLO" | "HELO" => "250 doorstep-test\r\n".to_owned(),
            "MAIL" => {
                mail_from = envelope_address(&command);
                rcpt_to.clear();
                "250 2.1.0 OK\r\n".to_owned()
            }
            "RCPT" => {
                // An error only means the server is being dropped.
                let _ = control.stall.wait_for(|stalled| !stalled).await;
                let reject = lock(&control.rcpt_reply).clone();
                match reject {
                    Some(reply) => format!("{reply}\r\n"),
                    None => {
                        rcpt_to.push(envelope_address(&command));
                        "250 2.1.5 OK\r\n".to_owned()
                    }
                }
            }
            "DATA" => {
                write
                    .write_all(b"354 end data with <CR><LF>.<CR><LF>\r\n")
                    .await?;
                let data = read_data(&mut reader).await?;
                lock(&control.received).push(ReceivedMail {
                    mail_from: std::mem::take(&mut mail_from),
                    rcpt_to: std::mem::take(&mut rcpt_to),
                    data,
                });
                "250 2.0.0 queued\r\n".to_owned()
            }
            "RSET" => {
                mail_from.clear();
                rcpt_to.clear();
                "250 2.0.0 OK\r\n".to_owned()
            }
            "NOOP" => "250 2.0.0 OK\r\n".to_owned(),
            "QUIT" => {
                write.write_all(b"221 2.0.0 bye\r\n").await?;
                return Ok(());
            }
            _ => "502 5.5.2 command not implemented\r\n".to_owned(),
        };
        write.write_all(reply.as_bytes()).await?;
    }
}

/// `MAIL FROM:<a@b> SIZE=10` → `a@b`.
fn envelope_address(command: &str) -> String {
    let after_colon = command.split_once(':').map_or("", |(_, rest)| rest).trim();
    let address = after_colon.split(' ').next().unwrap_or_default();
    address.trim_matches(['<', '>']).to_owned()
}

/// Reads the message after DATA up to the lone `.` line, undoing dot-stuffing.
async fn read_data<R: AsyncBufReadExt + Unpin>(reader: &mut R) -> std::io::Result<String> {
    let mut data = String::new();
    let mut line = Vec::new();
    loop {
        line.clear();
        if reader.read_until(b'\n', &mut line).await? == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        let text = String::from_utf8_lossy(&line);
        if text == ".\r\n" || text == ".\n" {
            return Ok(data);
        }
        data.push_str(text.strip_prefix('.').unwrap_or(&text));
    }
}

/// Accepts TCP connections and never says a word: an SMTP server or HTTP endpoint that hangs.
pub struct SilentServer {
    addr: SocketAddr,
    task: JoinHandle<()>,
}

impl SilentServer {
    pub async fn start() -> Self {
        let (listener, addr) = bind_loopback().await;
        let task = tokio::spawn(async move {
            let mut held = Vec::new();
            while let Ok((stream, _)) = listener.accept().await {
                held.push(stream);
            }
        });
        Self { addr, task }
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }
}

impl Drop for SilentServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// One request the [`HttpRecorder`] received.
#[derive(Clone, Debug)]
pub struct RecordedRequest {
    pub method: Method,
    pub path: String,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl RecordedRequest {
    /// A header's value, if present and text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The body parsed as JSON; panics (failing the test) if it is not.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).expect("recorded body is JSON")
    }
}

#[derive(Clone)]
struct RecorderState {
    requests: Arc<Mutex<Vec<RecordedRequest>>>,
    status: Arc<AtomicU16>,
}

/// An HTTP server that records every request (any method, any path) and answers with a chosen status,
/// `200 OK` until told otherwise.
pub struct HttpRecorder {
    addr: SocketAddr,
    state: RecorderState,
    shutdown: Option<oneshot::Sender<()>>,
    task: JoinHandle<()>,
}

impl HttpRecorder {
    pub async fn start() -> Self {
        let (listener, addr) = bind_loopback().await;
        let state = RecorderState {
            requests: Arc::new(Mutex::new(Vec::new())),
            status: Arc::new(AtomicU16::new(200)),
        };
        let app = Router::new().fallback(record).with_state(state.clone());
        let (shutdown, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app)
                .with_graceful_shutdown(async move {
                    let _ = stopped.await;
                })
                .await;
        });
        Self {
            addr,
            state,
            shutdown: Some(shutdown),
            task,
        }
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:<port>` followed by `path` (which should start with `/`).
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// Answer every following request with this status (e.g. 500, 400, 429).
    pub fn respond_with(&self, status: u16) {
        self.state.status.store(status, Ordering::SeqCst);
    }

    /// Everything received so far, oldest first.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        lock(&self.state.requests).clone()
    }

    /// Closes the port and lets open connections finish; returns once the server is gone.
    pub async fn stop(mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        let _ = (&mut self.task).await;
    }
}

impl Drop for HttpRecorder {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
    }
}

async fn record(
    State(state): State<RecorderState>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> StatusCode {
    lock(&state.requests).push(RecordedRequest {
        method,
        path: uri.path().to_owned(),
        headers,
        body,
    });
    StatusCode::from_u16(state.status.load(Ordering::SeqCst))
        .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
}
