//! #11 item 10: sending runs apart from the ladder. With an SMTP server that accepts the
//! connection but never answers, the monitor's real loop still fires the next rung on time, and
//! that rung's messages on the other channels still go out.

use crate::helpers::{TestApp, backends, minutes};
use app::{Channels, Monitor, MonitorSettings};
use notify::Mailer;
use notify::testing::SmtpServer;
use std::time::{Duration, Instant};

/// Polls (a bounded while, real time) until `done` holds; false if it never does.
async fn within<F, Fut>(limit: Duration, mut done: F) -> bool
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let start = Instant::now();
    while start.elapsed() < limit {
        if done().await {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    false
}

#[tokio::test]
async fn a_stalled_smtp_server_never_delays_the_next_rung() {
    for backend in backends() {
        let app = TestApp::start(backend, "harton").await;
        let b = app.backend;
        let smtp = SmtpServer::start().await;
        smtp.stall_recipients(true);
        let channels = Channels {
            mailer: Some(Mailer::new(&smtp.settings()).unwrap()),
            ..Channels::default()
        };
        let monitor = Monitor::new(
            app.db.clone(),
            app.clock.clone(),
            channels,
            MonitorSettings::new("slow-smtp"),
        );
        let visit = app.out_on_a_visit().await;
        let (stop, stopped) = tokio::sync::watch::channel(false);
        let mut stopped_rx = stopped.clone();
        let running = tokio::spawn(monitor.clone().run(async move {
            let _ = stopped_rx.wait_for(|s| *s).await;
        }));

        // The check-in is missed: rung 0 (in the app and by text) fires.
        let ladder = &app.policy.settings.escalation;
        let check_in = &app.policy.settings.check_in;
        let late = i64::from(check_in.interval_minutes + check_in.grace_minutes) + 1;
        app.advance(minutes(late));
        monitor.waker().notify_one();
        assert!(
            within(Duration::from_secs(5), || async {
                !app.alarms_of(&visit).await.is_empty()
            })
            .await,
            "[{b}] the missed check-in raised no alarm"
        );
        let alarm = app.the_alarm_of(&visit).await;

        // Rung 1 e-mails the buddy and the office: the SMTP server takes them and never answers.
        app.advance(minutes(i64::from(ladder[1].after_minutes)));
        monitor.waker().notify_one();
        let stalled = within(Duration::from_secs(5), || async {
            app.notifications(&alarm)
                .await
                .iter()
                .any(|n| n.channel == "email" && n.state == "sending")
        })
        .await;
        assert!(stalled, "[{b}] the rung's e-mails were never sent");

        // Rung 2 falls due while those sends hang: it fires at once all the same.
        let gap = ladder[2].after_minutes - ladder[1].after_minutes;
        app.advance(minutes(i64::from(gap)));
        monitor.waker().notify_one();
        let on_time = within(Duration::from_secs(3), || async {
            app.levels_fired(&alarm).await.contains(&2)
        })
        .await;
        assert!(on_time, "[{b}] rung 2 waited for the stalled SMTP server");
        // Its in-app messages go out too: each channel has a sender of its own.
        let in_app_sent = within(Duration::from_secs(3), || async {
            let level_2 = app.level_messages(&alarm, 2).await;
            let in_app: Vec<_> = level_2.iter().filter(|n| n.channel == "in_app").collect();
            !in_app.is_empty() && in_app.iter().all(|n| n.state == "sent")
        })
        .await;
        assert!(
            in_app_sent,
            "[{b}] rung 2's in-app messages waited for the SMTP server"
        );

        smtp.stall_recipients(false);
        let _ = stop.send(true);
        let _ = tokio::time::timeout(Duration::from_secs(30), running).await;
    }
}
