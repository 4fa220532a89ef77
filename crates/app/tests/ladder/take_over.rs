//! Claims on the outbox: an instance that dies while sending has its messages taken over by
//! another within seconds, and a living instance whose sends are slow keeps its claim (renewed
//! while it works), so no message goes out twice.

use crate::helpers::{TestApp, backends};
use app::{AlarmRequest, Channels, Monitor, MonitorSettings};
use chrono::Duration;
use domain::monitor::AlarmKind;
use notify::Mailer;
use notify::testing::SmtpServer;
use std::collections::BTreeSet;

fn mail_to(server: &SmtpServer) -> Channels {
    Channels {
        mailer: Some(Mailer::new(&server.settings()).unwrap()),
        ..Channels::default()
    }
}

/// A panic on a visit: five e-mails on the first rung.
async fn panic(app: &TestApp) -> i64 {
    let visit = app.out_on_a_visit().await;
    let request = AlarmRequest {
        kind: AlarmKind::Panic,
        raised_by: Some(app.people.teacher),
        detail: serde_json::json!({}),
    };
    app::raise(&app.db, &visit, &request, app.now())
        .await
        .unwrap()
}

/// Waits (a bounded while, real time) until `instance` holds the claims of the e-mails.
async fn sending(app: &TestApp, alarm: i64) {
    let alarm = app.db.alarm(alarm).await.unwrap();
    for _ in 0..500 {
        let emails: Vec<_> = app
            .notifications(&alarm)
            .await
            .into_iter()
            .filter(|n| n.channel == "email")
            .collect();
        if !emails.is_empty() && emails.iter().all(|n| n.state == "sending") {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    panic!("the first instance never claimed the e-mails");
}

fn each_once(server: &SmtpServer) -> usize {
    let to: Vec<String> = server
        .received()
        .iter()
        .flat_map(|m| m.rcpt_to.clone())
        .collect();
    let unique: BTreeSet<&String> = to.iter().collect();
    assert_eq!(unique.len(), to.len(), "an e-mail went out twice: {to:?}");
    to.len()
}

#[tokio::test]
async fn a_dead_instances_messages_are_taken_over_within_ten_seconds() {
    for backend in backends() {
        let app = TestApp::start(backend, "harton").await;
        let b = app.backend;
        let smtp = SmtpServer::start().await;
        smtp.stall_recipients(true);
        let alarm = panic(&app).await;
        let a = Monitor::new(
            app.db.clone(),
            app.clock.clone(),
            mail_to(&smtp),
            MonitorSettings::new("a"),
        );
        let now = app.now();
        let dying = tokio::spawn(async move { a.run_once(now).await });
        sending(&app, alarm).await;
        dying.abort(); // the instance dies mid-send
        let _ = dying.await;
        smtp.stall_recipients(false);

        let survivor = Monitor::new(
            app.db.clone(),
            app.clock.clone(),
            mail_to(&smtp),
            MonitorSettings::new("b"),
        );
        app.advance(Duration::seconds(3));
        assert_eq!(
            survivor.run_once(app.now()).await.unwrap().delivered,
            0,
            "[{b}] three seconds on, the claims still hold"
        );
        app.advance(Duration::seconds(4));
        let s = survivor.run_once(app.now()).await.unwrap();
        // The in-app messages may have been recorded by the first instance before it died.
        assert!(s.delivered >= 5, "[{b}] taken over 7 s after: {s:?}");
        let alarm = app.db.alarm(alarm).await.unwrap();
        for n in app.notifications(&alarm).await {
            let done = if n.channel == "email" {
                n.state == "sent"
            } else {
                n.state != "sending"
            };
            assert!(done, "[{b}] {n:?}");
        }
        assert_eq!(each_once(&smtp), 5, "[{b}]");
    }
}

#[tokio::test]
async fn a_living_instance_keeps_renewing_its_claims_while_its_sends_are_slow() {
    for backend in backends() {
        let app = TestApp::start(backend, "harton").await;
        let b = app.backend;
        let smtp = SmtpServer::start().await;
        smtp.stall_recipients(true);
        let alarm = panic(&app).await;
        let slow = Monitor::new(
            app.db.clone(),
            app.clock.clone(),
            mail_to(&smtp),
            MonitorSettings::new("slow"),
        );
        let now = app.now();
        let working = tokio::spawn(async move { slow.run_once(now).await });
        sending(&app, alarm).await;
        // Five seconds on, then a renewal (every 2 s of real time) pushes the claims to 11 s.
        app.advance(Duration::seconds(5));
        tokio::time::sleep(std::time::Duration::from_millis(2500)).await;
        app.advance(Duration::seconds(4));
        let other = Monitor::new(
            app.db.clone(),
            app.clock.clone(),
            mail_to(&smtp),
            MonitorSettings::new("other"),
        );
        let s = other.run_once(app.now()).await.unwrap();
        assert_eq!(
            s.delivered, 0,
            "[{b}] 9 s on, the renewed claims hold: {s:?}"
        );
        smtp.stall_recipients(false);
        let s = working.await.unwrap().unwrap();
        assert_eq!(s.delivered, 5 + 5, "[{b}] e-mails and in-app: {s:?}");
        assert_eq!(each_once(&smtp), 5, "[{b}]");
    }
}
