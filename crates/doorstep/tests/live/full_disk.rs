//! A full disk under SQLite: the data folder is a small tmpfs the test fills and frees. During
//! the fault taps get honest errors and `/healthz` fails; within seconds of space returning,
//! check-ins and the overdue alarm that fell due meanwhile are written again, with no restart,
//! and the log stays small.

use crate::durability::{T0, alarms_with_levels, visits_out};
use crate::process::{Client, Doorstep, eventually, seed};
use serde_json::{Value, json};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Unmounts the test's tmpfs however the test ends.
struct Mounted(PathBuf);

impl Mounted {
    /// A tmpfs of `megabytes` at a new temporary folder, or None where mounting is not allowed
    /// (not root, or no CAP_SYS_ADMIN in a container).
    fn tmpfs(megabytes: u32) -> Option<Mounted> {
        let dir = tempfile::tempdir().expect("a temporary folder").keep();
        let mounted = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={megabytes}m"), "tmpfs"])
            .arg(&dir)
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        mounted.then_some(Mounted(dir))
    }
}

impl Drop for Mounted {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.0).status();
        let _ = std::fs::remove_dir(&self.0);
    }
}

/// Writes a file until the file system is full; returns its path.
fn fill(dir: &Path) -> PathBuf {
    let path = dir.join("filler");
    let mut f = std::fs::File::create(&path).expect("creating the filler");
    let chunk = vec![7u8; 64 * 1024];
    while f.write_all(&chunk).is_ok() {}
    // Whatever fits in the last partial chunk too.
    while f.write_all(&[7u8; 512]).is_ok() {}
    let _ = f.sync_all();
    path
}

fn health(port: u16) -> (u16, Value) {
    Client::anonymous(port).get("/healthz")
}

fn check_in(teacher: &Client, visit: i64, n: usize) -> (u16, Value) {
    teacher.post(
        &format!("/api/visits/{visit}/check-in"),
        json!({ "note": format!("all fine {n}"), "client_ref": format!("disk-{n}") }),
    )
}

#[test]
fn a_full_disk_fails_taps_and_health_honestly_and_writing_resumes_when_space_returns() {
    let Some(disk) = Mounted::tmpfs(24) else {
        eprintln!(
            "SKIPPED: cannot mount a tmpfs here (needs root); the full-disk test did not run"
        );
        return;
    };
    let url = format!("sqlite://{}", disk.0.join("doorstep.db").display());
    seed(&url, T0);
    // First process: visits out with their deadlines, then stopped.
    let visits = {
        let first = Doorstep::start(&url, T0, "before");
        let visits = visits_out(&first, 2);
        first.kill9();
        visits
    };
    let next_deadline = tokio::runtime::Runtime::new()
        .expect("a runtime")
        .block_on(async {
            let db = store::Db::connect(&url, store::Secrets::for_tests())
                .await
                .expect("the database");
            let at = db.next_deadline_at().await.expect("reading deadlines");
            db.close().await;
            at.expect("the visits have deadlines")
        });
    // Second process: its clock starts 20 s before that deadline, so it falls during the fault.
    let start = (next_deadline - chrono::Duration::seconds(20)).to_rfc3339();
    let log_path = disk.0.with_extension("log");
    let log = std::fs::File::create(&log_path).expect("a log file");
    let d = Doorstep::start_with(&url, &start, "during", &[], Stdio::from(log));
    let teacher = d.login("teacher@harton.demo");
    let office = d.login("office@harton.demo");
    let visit = visits[0].0;
    eventually(Duration::from_secs(30), || {
        (health(d.port).0 == 200).then_some(())
    });
    let alarms_before = alarms_with_levels(&office).len();

    let filler = fill(&disk.0);
    let mut taps = 0;
    let (failed_tap, why) = eventually(Duration::from_secs(60), || {
        taps += 1;
        let answer = check_in(&teacher, visit, taps);
        (answer.0 != 200).then_some(answer)
    });
    // "Try again", which the phone's queue does by itself, and what to do meanwhile.
    assert_eq!(failed_tap, 503, "a tap that could not be saved: {why}");
    assert!(
        why["reason"]
            .as_str()
            .is_some_and(|r| r.contains("could not be saved") && r.contains("phone your buddy")),
        "{why}"
    );
    let (status, body) = health(d.port);
    assert_eq!(status, 503, "/healthz during the fault: {body}");
    assert_eq!(body["healthy"], false, "{body}");
    assert_eq!(body["database"]["writes_failing"], true, "{body}");
    assert!(
        body["problems"][0]
            .as_str()
            .is_some_and(|p| p.contains("writes to the database are failing")),
        "{body}"
    );

    // The deadline falls while the disk is full; the monitor keeps trying (and keeps quiet).
    std::thread::sleep(Duration::from_secs(22));
    let log_during = std::fs::metadata(&log_path).map(|m| m.len()).unwrap_or(0);
    std::fs::remove_file(&filler).expect("freeing the space");
    let freed = Instant::now();

    let mut n = 10_000;
    eventually(Duration::from_secs(10), || {
        n += 1;
        (check_in(&teacher, visit, n).0 == 200).then_some(())
    });
    let alarms = eventually(Duration::from_secs(10), || {
        let a = alarms_with_levels(&office);
        (a.len() > alarms_before).then_some(a)
    });
    eprintln!(
        "writing resumed {:?} after space returned; {} alarm(s) raised; log during the fault: {log_during} bytes",
        freed.elapsed(),
        alarms.len() - alarms_before
    );
    let (_, detail) = teacher.get(&format!("/api/visits/{visit}"));
    let notes: Vec<&str> = detail["check_ins"]
        .as_array()
        .expect("check-ins")
        .iter()
        .filter_map(|c| c["note"].as_str())
        .collect();
    assert!(
        notes.contains(&format!("all fine {n}").as_str()),
        "the check-in answered 200 is stored: {notes:?}"
    );
    // Health recovers once writes have gone through for a while.
    let (status, body) = eventually(Duration::from_secs(30), || {
        let h = health(d.port);
        (h.0 == 200).then_some(h)
    });
    assert_eq!(body["database"]["writes_failing"], false, "{status} {body}");
    assert!(
        log_during < 64 * 1024,
        "about 25 s of a full disk wrote {log_during} bytes of log"
    );
    drop(d);
    if std::env::var("KEEP_LOG").is_err() {
        let _ = std::fs::remove_file(&log_path);
    } else {
        eprintln!("log: {}", log_path.display());
    }
}
