//! Delivery against real servers the tests start: SMTP through an outage, signed webhooks with
//! retries, and the board's flag for an alarm nobody outside the app has heard about.

use crate::helpers::{TestApp, backends, minutes};
use app::{AlarmRequest, Channels, Monitor, MonitorSettings};
use chrono::Duration;
use domain::monitor::AlarmKind;
use notify::testing::{HttpRecorder, SmtpServer};
use notify::{
    Mailer, SIGNATURE_HEADER, SmsGateway, SmsSettings, TIMESTAMP_HEADER, Webhook, WebhookSettings,
    verify_signature,
};
use store::{Alarm, Notification, Visit};

const SECRET: &str = "whsec-doorstep-test";

fn mail_to(server: &SmtpServer) -> Channels {
    Channels {
        mailer: Some(Mailer::new(&server.settings()).unwrap()),
        ..Channels::default()
    }
}

fn webhook_to(receiver: &HttpRecorder) -> Channels {
    let url = receiver.url("/doorstep/alarms");
    let settings = WebhookSettings {
        url: url.clone(),
        secret: SECRET.into(),
        timeout: std::time::Duration::from_secs(5),
    };
    Channels {
        webhook: Some((Webhook::new(&settings).unwrap(), url)),
        ..Channels::default()
    }
}

async fn panic_on(app: &TestApp, visit: &Visit) -> Alarm {
    let request = AlarmRequest {
        kind: AlarmKind::Panic,
        raised_by: Some(app.people.teacher),
        detail: serde_json::json!({}),
    };
    let id = app::raise(&app.db, visit, &request, app.now())
        .await
        .unwrap();
    app.db.alarm(id).await.unwrap()
}

async fn on_channel(app: &TestApp, alarm: &Alarm, channel: &str) -> Vec<Notification> {
    let all = app.notifications(alarm).await;
    all.into_iter().filter(|n| n.channel == channel).collect()
}

#[tokio::test]
async fn every_alarm_email_arrives_exactly_once_although_the_smtp_server_was_down_while_alarms_fired()
 {
    for backend in backends() {
        let app = TestApp::start(backend, "harton").await;
        let b = app.backend;
        let first = SmtpServer::start().await;
        let monitor = app.monitor(mail_to(&first));

        // A panic e-mails the top of the ladder at once.
        let panicked = app.out_on_a_visit().await;
        let panic = panic_on(&app, &panicked).await;
        let s = app.pass(&monitor).await;
        let panic_emails = on_channel(&app, &panic, "email").await;
        assert_eq!(
            panic_emails.len(),
            5,
            "[{b}] buddy, office, senior, DSL, head"
        );
        assert_eq!(s.delivered, 5 + 5, "[{b}] e-mails and in-app: {s:?}");
        assert!(panic_emails.iter().all(|n| n.state == "sent"));
        assert_eq!(first.received().len(), 5);
        // Someone takes charge (or the top rung would repeat); the five told hear so by e-mail.
        let office = app.staff(app.people.office).await;
        app::acknowledge(&app.db, panic.id, &office, "Police called", app.now())
            .await
            .unwrap();
        assert_eq!(app.pass(&monitor).await.delivered, 5 + 5, "[{b}]");
        let before_outage = first.received();
        first.stop().await;
        app.bring_back(&panicked).await;

        // While the server is down another visit misses its check-in and climbs two rungs.
        let quiet = app.out_on_a_visit().await;
        app.advance(minutes(35));
        assert_eq!(app.pass(&monitor).await.deadlines_fired, 1);
        let missed = app.the_alarm_of(&quiet).await;
        app.advance(minutes(5));
        let s = app.pass(&monitor).await;
        assert_eq!(
            (s.levels_fired, s.retried),
            (1, 2),
            "[{b}] buddy and office: {s:?}"
        );
        for wait in [5, 10] {
            app.advance(Duration::seconds(wait));
            let s = app.pass(&monitor).await;
            assert_eq!((s.delivered, s.retried), (0, 2), "[{b}] backing off: {s:?}");
        }
        app.advance(minutes(10));
        let s = app.pass(&monitor).await;
        assert_eq!(s.levels_fired, 1, "[{b}] senior leader and DSL: {s:?}");
        let waiting = on_channel(&app, &missed, "email").await;
        assert_eq!(waiting.len(), 4);
        for n in &waiting {
            assert_eq!(n.state, "pending", "[{b}] {n:?}");
            assert!(n.attempts >= 1 && n.last_error.as_deref().is_some_and(|e| !e.is_empty()));
        }

        // A new SMTP server; the mailer is rebuilt for it, as a restart with new settings would.
        let second = SmtpServer::start().await;
        let monitor = app.monitor(mail_to(&second));
        app.advance(minutes(5));
        let s = app.pass(&monitor).await;
        assert_eq!((s.delivered, s.retried, s.failed), (4, 0, 0), "[{b}] {s:?}");
        // And on to the top rung with the server up.
        app.advance(minutes(10));
        app.pass(&monitor).await;
        app.advance(Duration::seconds(30));
        let s = app.pass(&monitor).await;
        assert_eq!(
            (s.delivered, s.retried),
            (0, 0),
            "[{b}] nothing left until the top rung repeats: {s:?}"
        );

        let mut queued = Vec::new();
        for alarm in [&panic, &missed] {
            for n in on_channel(&app, alarm, "email").await {
                assert_eq!(n.state, "sent", "[{b}] {n:?}");
                queued.push(n.address);
            }
        }
        assert_eq!(
            queued.len(),
            5 + 5 + 2 + 2 + 3,
            "[{b}] with the acknowledgement"
        );
        assert!(
            on_channel(&app, &missed, "email")
                .await
                .iter()
                .any(|n| n.attempts > 1)
        );
        let mut arrived: Vec<String> = before_outage
            .iter()
            .chain(second.received().iter())
            .flat_map(|m| m.rcpt_to.clone())
            .collect();
        queued.sort();
        arrived.sort();
        assert_eq!(
            arrived, queued,
            "[{b}] every e-mail arrived once, none lost"
        );
        second.stop().await;
    }
}

#[tokio::test]
async fn webhooks_are_signed_carry_the_idempotency_key_and_a_500_is_retried() {
    for backend in backends() {
        let app = TestApp::start(backend, "reach2").await;
        let b = app.backend;
        let receiver = HttpRecorder::start().await;
        let monitor = app.monitor(webhook_to(&receiver));

        let visit = app.out_on_a_visit().await;
        let alarm = panic_on(&app, &visit).await;
        app.pass(&monitor).await;
        let hooks = on_channel(&app, &alarm, "webhook").await;
        assert_eq!(hooks.len(), 1, "[{b}] one webhook per level");
        assert_eq!(hooks[0].state, "sent");
        assert_eq!(hooks[0].address, receiver.url("/doorstep/alarms"));
        let requests = receiver.requests();
        assert_eq!(requests.len(), 1);
        let r = &requests[0];
        assert_eq!(
            (r.method.as_str(), r.path.as_str()),
            ("POST", "/doorstep/alarms")
        );
        assert_eq!(
            r.header("Idempotency-Key"),
            Some(hooks[0].idempotency_key.as_str())
        );
        let (ts, sig) = (
            r.header(TIMESTAMP_HEADER).unwrap(),
            r.header(SIGNATURE_HEADER).unwrap(),
        );
        assert!(verify_signature(SECRET, ts, &r.body, sig), "[{b}] signed");
        assert!(!verify_signature("another secret", ts, &r.body, sig));
        let payload = r.json();
        assert_eq!(payload["alarm_id"], alarm.id);
        assert_eq!(payload["visit_id"], visit.id.0);
        assert_eq!(payload["subject"], hooks[0].subject.as_str());
        assert!(
            payload["body"]
                .as_str()
                .unwrap()
                .contains("INFORMATION PACK")
        );

        receiver.respond_with(500);
        let second_visit = app.out_on_a_visit().await;
        let second = panic_on(&app, &second_visit).await;
        let s = app.pass(&monitor).await;
        assert_eq!(s.retried, 1, "[{b}] {s:?}");
        let hook = on_channel(&app, &second, "webhook").await.remove(0);
        assert_eq!(
            (hook.state.as_str(), hook.attempts),
            ("pending", 1),
            "[{b}]"
        );
        assert!(hook.last_error.as_deref().unwrap().contains("500"));

        receiver.respond_with(200);
        assert_eq!(
            app.pass(&monitor).await.delivered,
            0,
            "[{b}] not before the back-off"
        );
        app.advance(Duration::seconds(5));
        assert_eq!(app.pass(&monitor).await.delivered, 1, "[{b}]");
        let hook = on_channel(&app, &second, "webhook").await.remove(0);
        assert_eq!((hook.state.as_str(), hook.attempts), ("sent", 2));
        let tries: Vec<_> = receiver
            .requests()
            .into_iter()
            .filter(|r| r.header("Idempotency-Key") == Some(hook.idempotency_key.as_str()))
            .collect();
        assert_eq!(tries.len(), 2, "[{b}] the retry carries the same key");
        for t in &tries {
            let (ts, sig) = (
                t.header(TIMESTAMP_HEADER).unwrap(),
                t.header(SIGNATURE_HEADER).unwrap(),
            );
            assert!(verify_signature(SECRET, ts, &t.body, sig));
        }
        assert!(!app.db.alarm(second.id).await.unwrap().all_channels_failed);
        receiver.stop().await;
    }
}

#[tokio::test]
async fn an_alarm_whose_every_channel_failed_is_flagged_for_the_board() {
    for backend in backends() {
        let app = TestApp::start(backend, "harton").await;
        let b = app.backend;
        let receiver = HttpRecorder::start().await;

        // E-mail and SMS not configured, and the webhook refuses for good.
        receiver.respond_with(400);
        let monitor = app.monitor(webhook_to(&receiver));
        let visit = app.out_on_a_visit().await;
        let refused = panic_on(&app, &visit).await;
        let s = app.pass(&monitor).await;
        assert_eq!(s.failed, 5 + 5 + 1, "[{b}] e-mails, texts, webhook: {s:?}");
        let refused = app.db.alarm(refused.id).await.unwrap();
        assert!(refused.all_channels_failed, "[{b}]");
        for n in app.notifications(&refused).await {
            match n.channel.as_str() {
                "in_app" => assert_eq!(n.state, "sent"),
                "email" | "sms" => {
                    assert_eq!(n.state, "failed");
                    assert_eq!(n.last_error.as_deref(), Some("channel not configured"));
                }
                _ => assert!(n.state == "failed" && n.last_error.unwrap().contains("400")),
            }
        }

        // A text gateway and webhook that keep failing for a while: given up after the attempts.
        let gateway = HttpRecorder::start().await;
        gateway.respond_with(503);
        receiver.respond_with(503);
        let mut channels = webhook_to(&receiver);
        channels.sms = Some(
            SmsGateway::new(&SmsSettings {
                url: gateway.url("/sms"),
                api_key: Some("key".into()),
                sender: "Doorstep".into(),
                timeout: std::time::Duration::from_secs(5),
            })
            .unwrap(),
        );
        let settings = MonitorSettings {
            max_attempts: 3,
            ..MonitorSettings::new("test")
        };
        let monitor = Monitor::new(app.db.clone(), app.clock.clone(), channels, settings);
        let other = app.out_on_a_visit().await;
        let unlucky = panic_on(&app, &other).await;
        let first = app.pass(&monitor).await;
        assert_eq!(
            first.retried,
            5 + 1,
            "[{b}] texts and webhook retry: {first:?}"
        );
        assert!(!app.db.alarm(unlucky.id).await.unwrap().all_channels_failed);
        app.advance(Duration::seconds(5));
        assert_eq!(app.pass(&monitor).await.retried, 6);
        app.advance(Duration::seconds(10));
        let last = app.pass(&monitor).await;
        assert_eq!((last.retried, last.failed), (0, 6), "[{b}] {last:?}");
        assert!(
            app.db.alarm(unlucky.id).await.unwrap().all_channels_failed,
            "[{b}]"
        );
        assert_eq!(gateway.requests().len(), 5 * 3);

        // The same alarm with a webhook that answers is not flagged.
        receiver.respond_with(200);
        let fine = app.out_on_a_visit().await;
        let heard = panic_on(&app, &fine).await;
        app.pass(&monitor).await;
        assert!(
            !app.db.alarm(heard.id).await.unwrap().all_channels_failed,
            "[{b}]"
        );
        gateway.stop().await;
        receiver.stop().await;
    }
}
