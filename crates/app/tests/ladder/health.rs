//! Who watches the watcher: the last completed pass for `/healthz`, and the loop itself — a pass
//! at once on start, a pass when woken, the outbound heartbeat, a clean stop.

use crate::helpers::{TestApp, backends, minutes};
use app::{AlarmRequest, Channels, Monitor, MonitorSettings, monitor_health};
use chrono::Duration;
use domain::monitor::AlarmKind;
use notify::testing::HttpRecorder;
use std::future::Future;

/// Waits (a bounded while) for the background loop to get somewhere; no domain deadline is
/// waited for this way: the loop's clock is the test's moved clock.
async fn eventually<F, Fut>(what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: Future<Output = bool>,
{
    let give_up = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while !check().await {
        assert!(
            std::time::Instant::now() < give_up,
            "gave up waiting: {what}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn healthz_reports_the_last_completed_pass_and_is_late_after_a_quiet_minute() {
    for backend in backends() {
        let app = TestApp::start(backend, "harton").await;
        let b = app.backend;
        let max_age = Duration::seconds(60);
        let never = monitor_health(&app.db, app.now(), max_age).await.unwrap();
        assert_eq!((never.last_pass_at, never.late), (None, true), "[{b}]");

        let monitor = app.monitor(Channels::default());
        let passed_at = app.now();
        app.pass(&monitor).await;
        app.advance(Duration::seconds(59));
        let fresh = monitor_health(&app.db, app.now(), max_age).await.unwrap();
        assert_eq!(
            (fresh.last_pass_at, fresh.late),
            (Some(passed_at), false),
            "[{b}]"
        );
        app.advance(Duration::seconds(2));
        let late = monitor_health(&app.db, app.now(), max_age).await.unwrap();
        assert!(late.late, "[{b}] {late:?}");
    }
}

#[tokio::test]
async fn the_loop_passes_at_once_on_start_beats_the_heartbeat_wakes_for_an_alarm_and_stops_cleanly()
{
    for backend in backends() {
        let app = TestApp::start(backend, "harton").await;
        let b = app.backend;
        let heartbeat = HttpRecorder::start().await;
        let settings = MonitorSettings {
            heartbeat_url: Some(heartbeat.url("/ping/doorstep")),
            ..MonitorSettings::new("looping")
        };
        let visit = app.out_on_a_visit().await;
        // Whatever fell due while Doorstep was down fires on start.
        app.advance(minutes(35));
        let monitor = Monitor::new(
            app.db.clone(),
            app.clock.clone(),
            Channels::default(),
            settings,
        );
        let waker = monitor.waker();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let running = tokio::spawn(monitor.run(async {
            let _ = stopped.await;
        }));

        eventually("the missed check-in fires on start", || async {
            app.alarms_of(&visit).await.len() == 1
        })
        .await;
        eventually("the heartbeat is called", || async {
            !heartbeat.requests().is_empty()
        })
        .await;
        let beat = &heartbeat.requests()[0];
        assert_eq!(
            (beat.method.as_str(), beat.path.as_str()),
            ("GET", "/ping/doorstep")
        );

        let request = AlarmRequest {
            kind: AlarmKind::Panic,
            raised_by: Some(app.people.teacher),
            detail: serde_json::json!({}),
        };
        let panic = app::raise(&app.db, &visit, &request, app.now())
            .await
            .unwrap();
        waker.notify_one();
        eventually("the panic's top level fires", || async {
            app.db.alarm_levels_fired(panic).await.unwrap().len() == 1
        })
        .await;

        stop.send(()).unwrap();
        tokio::time::timeout(std::time::Duration::from_secs(20), running)
            .await
            .expect("the loop stops when told")
            .unwrap();
        assert_eq!(heartbeat.requests().len(), 1, "[{b}] at most once a minute");
        let health = monitor_health(&app.db, app.now(), Duration::seconds(60))
            .await
            .unwrap();
        assert!(!health.late, "[{b}] {health:?}");
        heartbeat.stop().await;
    }
}
