//! The real `doorstep` binary: the policy presets it ships, and the demo a newcomer starts first.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

const PRESETS: [&str; 6] = [
    "harton",
    "st-josephs",
    "reach2",
    "hsp",
    "sen-trust-southend",
    "example-absence-protocol",
];

/// The binary, with no `DOORSTEP_` settings leaking in from the environment.
pub(crate) fn doorstep() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_doorstep"));
    for (key, _) in std::env::vars_os() {
        if key.to_string_lossy().starts_with("DOORSTEP_") {
            cmd.env_remove(key);
        }
    }
    cmd.env("RUST_LOG", "warn");
    cmd
}

pub(crate) fn run(args: &[&str]) -> String {
    let Output {
        status,
        stdout,
        stderr,
    } = doorstep().args(args).output().expect("running doorstep");
    let stdout = String::from_utf8(stdout).expect("UTF-8 output");
    assert!(
        status.success(),
        "doorstep {args:?} failed: {status}\n{stdout}\n{}",
        String::from_utf8_lossy(&stderr)
    );
    stdout
}

#[test]
fn policy_list_prints_every_preset_one_per_line_name_first() {
    let out = run(&["policy", "list"]);
    let names: Vec<&str> = out
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.split_whitespace().next().unwrap_or_default())
        .collect();
    assert_eq!(names, PRESETS, "{out}");
}

#[test]
fn policy_show_prints_a_preset_as_toml() {
    let out = run(&["policy", "show", "reach2"]);
    assert!(
        out.contains("lone_when_low_risk_after_controls = true"),
        "{out}"
    );
    assert!(out.contains("[staffing]"), "{out}");

    let refused = doorstep()
        .args(["policy", "show", "no-such-school"])
        .output()
        .expect("running doorstep");
    assert!(!refused.status.success());
    let said = String::from_utf8_lossy(&refused.stderr);
    assert!(
        said.contains("harton"),
        "the error lists the presets: {said}"
    );
}

/// A child process that is killed when the test ends, however it ends.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// One HTTP/1.1 exchange over a plain socket: (status code, headers, body).
fn http(port: u16, request: &str) -> (u16, String, String) {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connecting to the demo");
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .expect("a read timeout");
    stream
        .write_all(request.as_bytes())
        .expect("sending the request");
    let mut answer = String::new();
    stream
        .read_to_string(&mut answer)
        .expect("reading the answer");
    let (head, body) = answer.split_once("\r\n\r\n").unwrap_or((&answer, ""));
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no status line in {answer:?}"));
    (status, head.to_string(), body.to_string())
}

fn get(port: u16, path: &str) -> (u16, String, String) {
    http(
        port,
        &format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n"),
    )
}

fn post_json(port: u16, path: &str, json: &str) -> (u16, String, String) {
    http(
        port,
        &format!(
            "POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\n\
             Content-Length: {}\r\nConnection: close\r\n\r\n{json}",
            json.len()
        ),
    )
}

/// Waits for the line announcing the address; the port it names.
fn announced_port(stdout: impl Read + Send + 'static, log: &Path) -> u16 {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if let Some(rest) = line.split("http://127.0.0.1:").nth(1) {
                let port: String = rest.chars().take_while(char::is_ascii_digit).collect();
                let _ = tx.send(port.parse::<u16>().ok());
                // Keep reading so the demo never blocks on a full pipe.
            }
        }
    });
    match rx.recv_timeout(Duration::from_secs(120)) {
        Ok(Some(port)) => port,
        other => panic!(
            "the demo did not announce its address ({other:?}); its log:\n{}",
            std::fs::read_to_string(log).unwrap_or_default()
        ),
    }
}

#[test]
fn the_demo_serves_on_the_port_it_prints_and_a_demo_login_works() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let log = dir.path().join("demo.log");
    let mut child = doorstep()
        .arg("demo")
        .arg("--data-dir")
        .arg(dir.path())
        .args(["--port", "0"])
        .stdout(Stdio::piped())
        .stderr(std::fs::File::create(&log).expect("a log file"))
        .spawn()
        .expect("starting doorstep demo");
    let stdout = child.stdout.take().expect("the demo's output");
    let _running = Running(child);
    let port = announced_port(stdout, &log);
    assert_ne!(port, 0);

    // Ready once the health check answers 200 (the safety monitor may take a moment).
    let started = Instant::now();
    let (status, body) = loop {
        let (status, _, body) = get(port, "/healthz");
        if status == 200 || started.elapsed() > Duration::from_secs(30) {
            break (status, body);
        }
        std::thread::sleep(Duration::from_millis(200));
    };
    assert_eq!(status, 200, "/healthz: {body}");
    let health: serde_json::Value = serde_json::from_str(&body).expect("/healthz answers JSON");
    assert_eq!(health["healthy"], true, "/healthz: {body}");
    assert_eq!(
        health["problems"],
        serde_json::json!([]),
        "/healthz: {body}"
    );
    assert_eq!(
        health["database"]["writes_failing"], false,
        "/healthz: {body}"
    );
    assert!(
        health["monitor"]["last_pass_at"].is_string(),
        "/healthz: {body}"
    );

    let (status, head, body) = post_json(
        port,
        "/api/login",
        r#"{"email": "head@harton.demo", "password": "doorstep-demo"}"#,
    );
    assert_eq!(status, 200, "{head}\n{body}");
    assert!(
        head.to_ascii_lowercase()
            .contains("set-cookie: doorstep_session="),
        "{head}"
    );
    assert!(body.contains("head@harton.demo"), "{body}");

    let (status, _, _) = post_json(
        port,
        "/api/login",
        r#"{"email": "head@harton.demo", "password": "not the password"}"#,
    );
    assert_eq!(status, 401);
}
