//! A running `doorstep` process and a small HTTP client with a session cookie.

use serde_json::Value;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

pub struct Doorstep {
    child: Child,
    pub port: u16,
}

pub fn command(db_url: &str, clock_start: &str) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_doorstep"));
    cmd.env("DOORSTEP_DATABASE_URL", db_url)
        .env("DOORSTEP_CLOCK_START", clock_start)
        .env("RUST_LOG", "warn")
        .stdin(Stdio::null());
    // PostgreSQL needs the key set (SQLite writes its own key file beside the database); every
    // instance of one test shares it, as a school's instances would.
    if !db_url.starts_with("sqlite:") {
        cmd.env(
            "DOORSTEP_SECRET_KEY",
            "BwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc=",
        );
    }
    cmd
}

/// `doorstep demo --no-serve`: the demo trust, created "at" `clock_start`.
pub fn seed(db_url: &str, clock_start: &str) {
    let out = command(db_url, clock_start)
        .args(["demo", "--no-serve"])
        .output()
        .expect("running doorstep demo");
    assert!(
        out.status.success(),
        "demo failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

impl Doorstep {
    /// Starts `doorstep serve --port 0` and waits until it prints its address.
    pub fn start(db_url: &str, clock_start: &str, instance: &str) -> Doorstep {
        Doorstep::start_with(db_url, clock_start, instance, &[], Stdio::inherit())
    }

    /// As [`Doorstep::start`], with extra environment settings (e.g. `DOORSTEP_MAX_CONNECTIONS`)
    /// and its log (stderr) going to `log`.
    pub fn start_with(
        db_url: &str,
        clock_start: &str,
        instance: &str,
        env: &[(&str, &str)],
        log: Stdio,
    ) -> Doorstep {
        let mut cmd = command(db_url, clock_start);
        cmd.envs(env.iter().copied());
        let mut child = cmd
            .args(["serve", "--port", "0", "--instance", instance])
            .stdout(Stdio::piped())
            .stderr(log)
            .spawn()
            .expect("starting doorstep serve");
        let stdout = child.stdout.take().expect("stdout is piped");
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if let Some(rest) = line.split("http://127.0.0.1:").nth(1) {
                    let port: String = rest.chars().take_while(char::is_ascii_digit).collect();
                    let _ = tx.send(port.parse::<u16>().ok());
                }
            }
        });
        let port = rx
            .recv_timeout(Duration::from_secs(60))
            .ok()
            .flatten()
            .expect("doorstep printed its address");
        Doorstep { child, port }
    }

    /// SIGKILL: no shutdown, no flushing, as in a crash or power cut.
    pub fn kill9(mut self) {
        self.child.kill().expect("killing doorstep");
        self.child.wait().expect("reaping doorstep");
    }

    pub fn login(&self, email: &str) -> Client {
        Client::login(self.port, email)
    }
}

impl Drop for Doorstep {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub struct Client {
    port: u16,
    cookie: Option<String>,
}

impl Client {
    /// One HTTP/1.1 exchange; returns the status, the header block and the body.
    fn exchange(&self, method: &str, path: &str, body: Option<&Value>) -> (u16, String, String) {
        let body = body.map(Value::to_string).unwrap_or_default();
        let mut request = format!(
            "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Length: {}\r\n",
            body.len()
        );
        if !body.is_empty() {
            request.push_str("Content-Type: application/json\r\n");
        }
        if let Some(c) = &self.cookie {
            request.push_str(&format!("Cookie: {c}\r\n"));
        }
        request.push_str("\r\n");
        request.push_str(&body);
        let mut stream =
            TcpStream::connect(("127.0.0.1", self.port)).expect("connecting to doorstep");
        stream
            .set_read_timeout(Some(Duration::from_secs(30)))
            .expect("setting a timeout");
        stream
            .write_all(request.as_bytes())
            .expect("sending the request");
        let mut raw = String::new();
        stream.read_to_string(&mut raw).expect("reading the answer");
        let (head, body) = raw.split_once("\r\n\r\n").unwrap_or((&raw, ""));
        let status = head
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .expect("a status line");
        (status, head.to_string(), body.to_string())
    }

    /// A client with no session (for `/healthz`).
    pub fn anonymous(port: u16) -> Client {
        Client { port, cookie: None }
    }

    pub fn login(port: u16, email: &str) -> Client {
        let mut c = Client { port, cookie: None };
        let (status, head, body) = c.exchange(
            "POST",
            "/api/login",
            Some(&serde_json::json!({ "email": email, "password": "doorstep-demo" })),
        );
        assert_eq!(status, 200, "login as {email}: {body}");
        let cookie = head
            .lines()
            .find_map(|l| {
                l.strip_prefix("set-cookie: ")
                    .or_else(|| l.strip_prefix("Set-Cookie: "))
            })
            .and_then(|v| v.split(';').next())
            .expect("a session cookie");
        c.cookie = Some(cookie.to_string());
        c
    }

    pub fn get(&self, path: &str) -> (u16, Value) {
        let (status, _, body) = self.exchange("GET", path, None);
        (
            status,
            serde_json::from_str(&body).unwrap_or(Value::String(body)),
        )
    }

    pub fn post(&self, path: &str, json: Value) -> (u16, Value) {
        let (status, _, body) = self.exchange("POST", path, Some(&json));
        (
            status,
            serde_json::from_str(&body).unwrap_or(Value::String(body)),
        )
    }

    /// Asserts a 2xx answer and returns its JSON.
    pub fn must(&self, (status, body): (u16, Value), what: &str) -> Value {
        assert!(
            (200..300).contains(&status),
            "{what} answered {status}: {body}"
        );
        body
    }
}

/// Polls `check` until it returns Some or `limit` passes. This waits for a process to finish
/// work, never for a deadline: deadlines are already in the past on the shifted clock.
pub fn eventually<T>(limit: Duration, mut check: impl FnMut() -> Option<T>) -> T {
    let started = Instant::now();
    loop {
        if let Some(v) = check() {
            return v;
        }
        assert!(started.elapsed() < limit, "gave up after {limit:?}");
        std::thread::sleep(Duration::from_millis(200));
    }
}
