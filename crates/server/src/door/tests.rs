//! The door on a real loopback listener, with plain sockets as clients.

use super::{DoorSettings, serve_router};
use axum::Router;
use axum::routing::{get, post};
use std::io::{ErrorKind, Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

struct Running {
    port: u16,
    _runtime: tokio::runtime::Runtime,
}

fn start(settings: DoorSettings) -> Running {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime");
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .expect("a loopback port");
    let port = listener.local_addr().expect("address").port();
    let router = Router::new()
        .route("/hello", get(|| async { "hello" }))
        .route(
            "/slow",
            get(|| async {
                tokio::time::sleep(Duration::from_secs(3)).await;
                "slow"
            }),
        )
        .route("/api/visits/{id}/check-in", post(|| async { "checked in" }));
    runtime.spawn(serve_router(
        listener,
        router,
        settings,
        std::future::pending(),
    ));
    Running {
        port,
        _runtime: runtime,
    }
}

fn connect(port: u16) -> TcpStream {
    let s = TcpStream::connect(("127.0.0.1", port)).expect("connecting");
    s.set_read_timeout(Some(Duration::from_secs(20)))
        .expect("timeout");
    s
}

/// Sends one request and reads the status line of its answer (keeping the connection open).
fn ask(s: &mut TcpStream, method: &str, path: &str) -> u16 {
    let req = format!("{method} {path} HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n");
    s.write_all(req.as_bytes()).expect("sending");
    let mut buf = [0u8; 1024];
    let n = s.read(&mut buf).expect("an answer");
    let text = String::from_utf8_lossy(&buf[..n]);
    text.split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or_else(|| panic!("a status line: {text:?}"))
}

/// True once the server has closed `s` (EOF or reset).
fn closed(s: &mut TcpStream) -> bool {
    s.set_read_timeout(Some(Duration::from_millis(50)))
        .expect("timeout");
    let mut buf = [0u8; 64];
    match s.read(&mut buf) {
        Ok(0) => true,
        Ok(_) => false,
        Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => false,
        Err(_) => true,
    }
}

fn settings(cap: usize) -> DoorSettings {
    DoorSettings {
        header_timeout: Duration::from_secs(1),
        keep_alive: Duration::from_secs(3),
        ..DoorSettings::with_cap(cap)
    }
}

#[test]
fn a_request_head_sent_a_byte_at_a_time_is_cut_off_at_the_header_limit() {
    let door = start(settings(16));
    let mut slow = connect(door.port);
    let started = Instant::now();
    let mut cut_off = None;
    for byte in b"GET /hello HTTP/1.1\r\nHost: x\r\nX-Padding: aaaaaaaaaaaaaaaaaaaaaa\r\n" {
        if slow.write_all(&[*byte]).is_err() || closed(&mut slow) {
            cut_off = Some(started.elapsed());
            break;
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    let cut_off = cut_off.expect("the slow head was cut off");
    assert!(
        cut_off < Duration::from_secs(4),
        "cut off after {cut_off:?}"
    );
}

#[test]
fn a_kept_alive_connection_outlives_the_header_limit_and_closes_at_the_idle_limit() {
    let door = start(settings(16));
    let mut s = connect(door.port);
    assert_eq!(ask(&mut s, "GET", "/hello"), 200);
    std::thread::sleep(Duration::from_millis(1800));
    assert!(!closed(&mut s), "closed before the idle limit");
    assert_eq!(ask(&mut s, "GET", "/hello"), 200, "kept alive");
    let started = Instant::now();
    while !closed(&mut s) {
        assert!(started.elapsed() < Duration::from_secs(8), "never closed");
    }
    assert!(started.elapsed() > Duration::from_secs(2));
}

#[test]
fn at_the_cap_the_longest_idle_connection_makes_room_for_a_newcomer() {
    let door = start(DoorSettings {
        header_timeout: Duration::from_secs(30),
        keep_alive: Duration::from_secs(30),
        ..DoorSettings::with_cap(8)
    });
    let mut idle: Vec<TcpStream> = (0..8).map(|_| connect(door.port)).collect();
    std::thread::sleep(Duration::from_millis(200));
    let mut fresh = connect(door.port);
    assert_eq!(ask(&mut fresh, "POST", "/api/visits/1/check-in"), 200);
    assert!(closed(&mut idle[0]), "the oldest idle connection made room");
    assert!(!closed(&mut idle[7]), "only one made room");
}

#[test]
fn safety_actions_go_through_while_other_requests_fill_their_share() {
    // Cap 5, one kept for safety actions: four slow requests fill the others' share.
    let door = start(settings(5));
    let busy: Vec<_> = (0..4)
        .map(|_| {
            let port = door.port;
            std::thread::spawn(move || ask(&mut connect(port), "GET", "/slow"))
        })
        .collect();
    std::thread::sleep(Duration::from_millis(500));
    let mut other = connect(door.port);
    assert_eq!(ask(&mut other, "GET", "/hello"), 503, "no place for it");
    let mut phone = connect(door.port);
    assert_eq!(ask(&mut phone, "POST", "/api/visits/3/check-in"), 200);
    for b in busy {
        assert_eq!(b.join().expect("a slow client"), 200);
    }
}
