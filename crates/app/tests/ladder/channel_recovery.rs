//! An SMTP relay that refuses connections: the board names the failing channel after the first
//! failed attempt, and says nobody outside the app has been told; when the relay comes back,
//! every message goes out once and the warning clears — also for messages already given up.

use crate::helpers::{TestApp, backends};
use app::{AlarmRequest, Channels, Monitor, MonitorSettings};
use chrono::Duration;
use domain::monitor::AlarmKind;
use notify::testing::SmtpServer;
use notify::{Mailer, SmtpSettings, SmtpTls};

/// A loopback address where nothing listens (yet).
async fn refusing_address() -> std::net::SocketAddr {
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    l.local_addr().unwrap()
}

fn mailer_at(addr: std::net::SocketAddr) -> Channels {
    let settings = SmtpSettings {
        host: addr.ip().to_string(),
        port: addr.port(),
        tls: SmtpTls::None,
        username: None,
        password: None,
        from: "Doorstep <doorstep@school.test>".into(),
        timeout: std::time::Duration::from_secs(5),
    };
    Channels {
        mailer: Some(Mailer::new(&settings).unwrap()),
        ..Channels::default()
    }
}

async fn board_alarm(app: &TestApp, id: i64) -> app::board::AlarmView {
    let office = app.staff(app.people.office).await;
    let board = app::board::board(&app.app(), &office, None, app.now())
        .await
        .unwrap();
    board
        .alarms
        .into_iter()
        .find(|a| a.alarm.id == id)
        .expect("the alarm is on the board")
}

#[tokio::test]
async fn a_refusing_relay_shows_at_once_and_every_message_goes_out_once_when_it_returns() {
    for backend in backends() {
        let app = TestApp::start(backend, "harton").await;
        let b = app.backend;
        let addr = refusing_address().await;
        let settings = MonitorSettings {
            max_attempts: 2,
            ..MonitorSettings::new("test")
        };
        let monitor = Monitor::new(app.db.clone(), app.clock.clone(), mailer_at(addr), settings);
        let visit = app.out_on_a_visit().await;
        let id = app::raise(
            &app.db,
            &visit,
            &AlarmRequest {
                kind: AlarmKind::Panic,
                raised_by: Some(app.people.teacher),
                detail: serde_json::json!({}),
            },
            app.now(),
        )
        .await
        .unwrap();

        // First attempt refused: the board says so now, not after the whole back-off.
        let s = app.pass(&monitor).await;
        assert_eq!(s.retried, 5, "[{b}] five e-mails wait for a retry: {s:?}");
        let shown = board_alarm(&app, id).await;
        let email = shown
            .reach
            .channels
            .iter()
            .find(|c| c.channel == "email")
            .expect("e-mail on the board");
        assert!(email.failing, "[{b}] {email:?}");
        assert_eq!(email.failing_since, Some(app.now()), "[{b}] first failure");
        assert!(
            email.last_error.as_deref().is_some_and(|e| !e.is_empty()),
            "[{b}] {email:?}"
        );
        assert!(shown.reach.nobody_told, "[{b}] {:?}", shown.reach);
        assert_eq!(shown.reach.rungs_unreached, vec![0], "[{b}]");

        // Given up for good after the attempts run out.
        app.advance(Duration::seconds(5));
        let s = app.pass(&monitor).await;
        assert_eq!(s.failed, 5, "[{b}] {s:?}");
        assert!(board_alarm(&app, id).await.reach.nobody_told, "[{b}]");

        // The relay comes back: the probe (half a minute on) finds it, and every message goes
        // out, once.
        let relay = SmtpServer::start_at(addr).await;
        app.advance(Duration::seconds(31));
        let monitor = Monitor::new(
            app.db.clone(),
            app.clock.clone(),
            mailer_at(addr),
            MonitorSettings::new("test"),
        );
        for _ in 0..3 {
            app.pass(&monitor).await;
        }
        let received: Vec<String> = relay
            .received()
            .iter()
            .flat_map(|m| m.rcpt_to.clone())
            .collect();
        assert_eq!(received.len(), 5, "[{b}] each once: {received:?}");
        let mut unique = received.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), 5, "[{b}] no e-mail twice: {received:?}");
        let shown = board_alarm(&app, id).await;
        assert!(!shown.reach.nobody_told, "[{b}] {:?}", shown.reach);
        let email = shown.reach.channels.iter().find(|c| c.channel == "email");
        assert!(
            email.is_some_and(|c| !c.failing && c.sent == 5 && c.failing_since.is_none()),
            "[{b}] the e-mail warning clears: {:?}",
            shown.reach
        );
        // Texts were never set up at this school: still shown, truthfully, as failing.
        let sms = shown.reach.channels.iter().find(|c| c.channel == "sms");
        assert!(
            sms.is_some_and(
                |c| c.failing && c.last_error.as_deref() == Some("channel not configured")
            ),
            "[{b}] {:?}",
            shown.reach
        );
        relay.stop().await;
    }
}
