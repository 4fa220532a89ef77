//! Two real `doorstep` processes on one PostgreSQL database and a real SMTP listener that
//! stalls: the instance sending a panic's e-mails is killed mid-send, and the other delivers
//! every one of them within 10 s, each once.

use crate::durability::{T0, visits_out};
use crate::process::{Doorstep, eventually, seed};
use notify::testing::SmtpServer;
use serde_json::{Value, json};
use std::collections::BTreeSet;
use std::process::Stdio;
use std::time::{Duration, Instant};

/// The shifted clock of a process started `elapsed` after one started at [`T0`]: both
/// instances then agree on the time, as two servers on NTP do.
fn clock_after(elapsed: Duration) -> String {
    let t0 = chrono::DateTime::parse_from_rfc3339(T0).expect("T0");
    let at = t0 + chrono::Duration::from_std(elapsed).expect("elapsed");
    at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

fn emails(detail: &Value) -> Vec<Value> {
    detail["deliveries"]
        .as_array()
        .expect("deliveries")
        .iter()
        .filter(|d| d["channel"] == "email")
        .cloned()
        .collect()
}

#[test]
fn the_survivor_delivers_a_killed_instances_claimed_messages_within_ten_seconds() {
    let Some(url) = testkit::fresh_postgres_url() else {
        eprintln!("PostgreSQL is not installed here; skipped");
        return;
    };
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let smtp = rt.block_on(SmtpServer::start());
    smtp.stall_recipients(true);
    let port = smtp.addr().port().to_string();
    let env = [
        ("DOORSTEP_SMTP_HOST", "127.0.0.1"),
        ("DOORSTEP_SMTP_PORT", port.as_str()),
        ("DOORSTEP_SMTP_TLS", "none"),
    ];
    seed(&url, T0);
    let started = Instant::now();
    let holder = Doorstep::start_with(&url, T0, "holder", &env, Stdio::inherit());
    let (visit, _) = visits_out(&holder, 1).remove(0);
    let teacher = holder.login("teacher@harton.demo");
    let raised = teacher.must(
        teacher.post(&format!("/api/visits/{visit}/panic"), json!({})),
        "panic",
    );
    let alarm = raised["alarm_id"].as_i64().expect("alarm id");
    let office = holder.login("office@harton.demo");
    // The holder has claimed every e-mail and is stuck sending them.
    let claimed = eventually(Duration::from_secs(30), || {
        let (_, detail) = office.get(&format!("/api/alarms/{alarm}"));
        let e = emails(&detail);
        (!e.is_empty() && e.iter().all(|d| d["state"] == "sending")).then_some(e.len())
    });
    let survivor = Doorstep::start_with(
        &url,
        &clock_after(started.elapsed()),
        "survivor",
        &env,
        Stdio::inherit(),
    );
    std::thread::sleep(Duration::from_secs(3)); // the survivor runs passes; the claims hold
    assert!(
        smtp.received().is_empty(),
        "nothing goes out while the holder lives"
    );
    holder.kill9();
    let killed = Instant::now();
    smtp.stall_recipients(false);

    let office = survivor.login("office@harton.demo");
    eventually(Duration::from_secs(30), || {
        let (_, detail) = office.get(&format!("/api/alarms/{alarm}"));
        emails(&detail)
            .iter()
            .all(|d| d["state"] == "sent")
            .then_some(())
    });
    let took = killed.elapsed();
    eprintln!("killed holder to every claimed e-mail sent by the survivor: {took:?}");
    assert!(
        took < Duration::from_secs(10),
        "taken over in {took:?}, not within 10 s"
    );
    let to: Vec<String> = smtp
        .received()
        .iter()
        .flat_map(|m| m.rcpt_to.clone())
        .collect();
    let unique: BTreeSet<&String> = to.iter().collect();
    assert_eq!(unique.len(), to.len(), "an e-mail went out twice: {to:?}");
    assert_eq!(to.len(), claimed, "every claimed e-mail went out");
    drop(survivor);
    rt.block_on(smtp.stop());
}
