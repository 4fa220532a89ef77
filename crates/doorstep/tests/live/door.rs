//! Limits at the door, on the real binary: a flood of idle and slow-header connections, more
//! than the cap, does not stop a phone checking in, keeps no slow client past the header limit,
//! and does not make the monitor late.

use crate::durability::{T0, visits_out};
use crate::process::{Doorstep, eventually, seed};
use serde_json::{Value, json};
use std::io::{ErrorKind, Read, Write};
use std::net::TcpStream;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

const CAP: usize = 50;
const FLOOD: usize = 80;
const HEADER_TIMEOUT: Duration = Duration::from_secs(2);
/// How far ahead of the first pending deadline the flooded process's clock starts.
const LEAD: i64 = 15;

/// The earliest pending deadline of the database, read straight from SQLite.
fn first_pending_deadline(url: &str) -> (i64, chrono::DateTime<chrono::Utc>) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    rt.block_on(async {
        let pool = sqlx::SqlitePool::connect(url).await.expect("opening SQLite");
        let found: (i64, chrono::DateTime<chrono::Utc>) = sqlx::query_as(
            "select visit_id, fires_at from deadlines where state = 'pending' order by fires_at limit 1",
        )
        .fetch_one(&pool)
        .await
        .expect("a pending deadline");
        pool.close().await;
        found
    })
}

/// A client that opened a connection and sends its request head one byte a second.
struct Slow {
    stream: TcpStream,
    opened: Instant,
}

impl Slow {
    fn open(port: u16) -> Option<Slow> {
        let stream = TcpStream::connect(("127.0.0.1", port)).ok()?;
        stream.set_nonblocking(true).ok()?;
        Some(Slow {
            stream,
            opened: Instant::now(),
        })
    }

    /// Sends the next byte; false once the server has closed the connection.
    fn tick(&mut self) -> bool {
        let mut buf = [0u8; 256];
        match self.stream.read(&mut buf) {
            Ok(0) => return false,
            Err(e) if e.kind() != ErrorKind::WouldBlock => return false,
            _ => {}
        }
        // One byte: either it is sent or, with a full buffer, it waits for the next tick.
        match self.stream.write(b"G") {
            Ok(n) => n <= 1,
            Err(e) => e.kind() == ErrorKind::WouldBlock,
        }
    }
}

/// Keeps `FLOOD` slow clients open, replacing each one the server closes, until `stop`.
/// Returns the longest any of them stayed open.
fn flood(port: u16, stop: Arc<AtomicBool>) -> std::thread::JoinHandle<Duration> {
    std::thread::spawn(move || {
        let mut clients: Vec<Slow> = Vec::new();
        let mut longest = Duration::ZERO;
        while !stop.load(Ordering::Relaxed) {
            clients.retain_mut(|c| {
                let open = c.tick();
                if !open {
                    longest = longest.max(c.opened.elapsed());
                }
                open
            });
            while clients.len() < FLOOD {
                match Slow::open(port) {
                    Some(c) => clients.push(c),
                    None => break,
                }
            }
            std::thread::sleep(Duration::from_secs(1));
        }
        for c in &clients {
            longest = longest.max(c.opened.elapsed());
        }
        longest
    })
}

#[test]
fn a_flood_of_slow_connections_over_the_cap_does_not_stop_a_check_in_or_the_monitor() {
    let (_dir, url) = testkit::fresh_sqlite_url();
    seed(&url, T0);
    let planner = Doorstep::start(&url, T0, "planner");
    let visits = visits_out(&planner, 2);
    planner.kill9();

    // Restart just before the first deadline falls, with a small cap and a short header limit.
    let (late_visit, fires_at) = first_pending_deadline(&url);
    let start = (fires_at - chrono::Duration::seconds(LEAD)).to_rfc3339();
    let cap = CAP.to_string();
    let header_timeout = HEADER_TIMEOUT.as_secs().to_string();
    let d = Doorstep::start_with(
        &url,
        &start,
        "flooded",
        &[
            ("DOORSTEP_MAX_CONNECTIONS", &cap),
            ("DOORSTEP_HEADER_TIMEOUT", &header_timeout),
        ],
        std::process::Stdio::inherit(),
    );
    // Signed in before the flood: the phone's session is in the database already.
    let teacher = d.login("teacher@harton.demo");
    let office = d.login("office@harton.demo");
    assert!(
        office
            .get("/api/alarms")
            .1
            .as_array()
            .is_some_and(Vec::is_empty),
        "no alarm before the deadline"
    );

    let stop = Arc::new(AtomicBool::new(false));
    let flooding = flood(d.port, stop.clone());
    std::thread::sleep(HEADER_TIMEOUT * 2);

    // A check-in from a fresh connection goes through at once.
    let other = visits
        .iter()
        .map(|(id, _)| *id)
        .find(|id| *id != late_visit)
        .expect("a visit whose deadline is not the first");
    let asked = Instant::now();
    teacher.must(
        teacher.post(
            &format!("/api/visits/{other}/check-in"),
            json!({ "note": "still fine", "client_ref": "phone-flood" }),
        ),
        "check in while flooded",
    );
    let took = asked.elapsed();
    assert!(took < Duration::from_secs(5), "the check-in took {took:?}");

    // The deadline falls while the door is flooded; its alarm is raised on time.
    let alarm: Value = eventually(Duration::from_secs(LEAD as u64 + 30), || {
        let (_, alarms) = office.get("/api/alarms");
        alarms
            .as_array()?
            .iter()
            .find(|a| a["visit_id"].as_i64() == Some(late_visit))
            .cloned()
    });
    let late_ms = alarm["detail"]["late_by_ms"].as_i64().expect("late_by_ms");
    assert!(late_ms < 5_000, "the alarm was raised {late_ms} ms late");

    stop.store(true, Ordering::Relaxed);
    let longest = flooding.join().expect("the flood");
    assert!(
        longest < HEADER_TIMEOUT + Duration::from_secs(4),
        "a slow client stayed {longest:?}"
    );
    assert_eq!(d.login("teacher@harton.demo").get("/healthz").0, 200);
    eprintln!(
        "check-in while flooded: {took:?}; alarm late by {late_ms} ms; longest slow client {longest:?}"
    );
}
