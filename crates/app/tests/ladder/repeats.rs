//! No alarm goes quiet (A2): after the last rung the top rung repeats every five minutes, widened
//! to the policy's safety responders, until a person acknowledges — once per repeat however many
//! monitors run, and once after an outage rather than once per missed interval.

use crate::helpers::{TestApp, backends, minutes, parts};
use app::{AlarmRequest, Channels, Monitor};
use domain::monitor::AlarmKind;
use store::Alarm;

/// A missed check-in whose every rung has fired: REAch2's ladder tops out 25 minutes in.
async fn climb_to_the_top(app: &TestApp, monitor: &Monitor) -> Alarm {
    let visit = app.out_on_a_visit().await;
    let rule = &app.policy.settings.check_in;
    app.advance(minutes(i64::from(
        rule.interval_minutes + rule.grace_minutes,
    )));
    app.pass(monitor).await;
    let alarm = app.the_alarm_of(&visit).await;
    for rung_after in [5, 10, 10] {
        app.advance(minutes(rung_after));
        assert_eq!(app.pass(monitor).await.levels_fired, 1, "[{}]", app.backend);
    }
    assert_eq!(app.levels_fired(&alarm).await, vec![0, 1, 2, 3]);
    alarm
}

#[tokio::test]
async fn the_top_rung_repeats_every_five_minutes_to_the_responders_until_someone_acknowledges() {
    for backend in backends() {
        let app = TestApp::start(backend, "reach2").await;
        let b = app.backend;
        let monitor = app.monitor(Channels::default());
        let alarm = climb_to_the_top(&app, &monitor).await;
        let top = parts(["senior", "dsl", "head"]);
        assert_eq!(app.told_at_level(&alarm, 3).await, top, "[{b}]");

        app.advance(minutes(4));
        assert_eq!(app.pass(&monitor).await.levels_fired, 0, "[{b}] not yet");
        app.advance(minutes(1));
        assert_eq!(
            app.pass(&monitor).await.levels_fired,
            1,
            "[{b}] 5 minutes on"
        );
        // REAch2's responders: the buddy, the office, a senior leader and the head.
        let widened = parts(["senior", "dsl", "head", "buddy", "office"]);
        assert_eq!(app.told_at_level(&alarm, 4).await, widened, "[{b}]");
        let top_instruction = &app.policy.settings.escalation[3].instruction;
        for n in app.level_messages(&alarm, 4).await {
            assert!(
                n.body
                    .contains("Nobody has acknowledged this alarm yet (reminder 1;"),
                "[{b}] {}",
                n.body
            );
            assert!(
                n.body.contains(top_instruction.as_str()),
                "[{b}] {}: {}",
                n.channel,
                n.body
            );
        }
        assert_eq!(app.pass(&monitor).await.levels_fired, 0, "[{b}] once");

        app.advance(minutes(5));
        assert_eq!(app.pass(&monitor).await.levels_fired, 1, "[{b}] and again");
        assert_eq!(app.told_at_level(&alarm, 5).await, widened, "[{b}]");

        let office = app.staff(app.people.office).await;
        app::acknowledge(&app.db, alarm.id, &office, "Phoning Tom", app.now())
            .await
            .unwrap();
        for _ in 0..6 {
            app.advance(minutes(5));
            assert_eq!(app.pass(&monitor).await.levels_fired, 0, "[{b}] stopped");
        }
        assert_eq!(app.levels_fired(&alarm).await, vec![0, 1, 2, 3, 4, 5]);
    }
}

#[tokio::test]
async fn a_panic_repeats_to_the_responders_and_never_to_the_visitors() {
    for backend in backends() {
        let app = TestApp::start(backend, "harton").await;
        let b = app.backend;
        let monitor = app.monitor(Channels::default());
        let visit = app.out_on_a_visit().await;
        let request = AlarmRequest {
            kind: AlarmKind::Panic,
            raised_by: Some(app.people.teacher),
            detail: serde_json::json!({ "how": "panic button" }),
        };
        app::raise(&app.db, &visit, &request, app.now())
            .await
            .unwrap();
        assert_eq!(app.pass(&monitor).await.levels_fired, 1);
        let alarm = app.the_alarm_of(&visit).await;
        app.advance(minutes(5));
        assert_eq!(app.pass(&monitor).await.levels_fired, 1, "[{b}]");
        assert_eq!(app.levels_fired(&alarm).await, vec![0, 1]);
        let told = app.told_at_level(&alarm, 1).await;
        assert_eq!(
            told,
            parts(["buddy", "office", "senior", "dsl", "head"]),
            "[{b}]"
        );
        assert!(!told.contains("teacher") && !told.contains("liaison"));

        // Resolving stops it as well as acknowledging.
        let senior = app.staff(app.people.senior).await;
        app::resolve(
            &app.db,
            alarm.id,
            &senior,
            "Police found them safe",
            app.now(),
        )
        .await
        .unwrap();
        for _ in 0..4 {
            app.advance(minutes(5));
            app.pass(&monitor).await;
        }
        assert_eq!(app.levels_fired(&alarm).await, vec![0, 1], "[{b}] stopped");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_monitors_send_each_repeat_once() {
    for backend in backends() {
        let app = TestApp::start(backend, "reach2").await;
        let b = app.backend;
        let (one, two) = (
            app.monitor_named("one", Channels::default()),
            app.monitor_named("two", Channels::default()),
        );
        let alarm = climb_to_the_top(&app, &one).await;
        let mut fired = 0;
        for _ in 0..3 {
            app.advance(minutes(5));
            let now = app.now();
            let (a, c) = (one.clone(), two.clone());
            let ta = tokio::spawn(async move { a.run_once(now).await });
            let tb = tokio::spawn(async move { c.run_once(now).await });
            let (sa, sb) = (ta.await.unwrap().unwrap(), tb.await.unwrap().unwrap());
            fired += sa.levels_fired + sb.levels_fired;
        }
        assert_eq!(fired, 3, "[{b}] three repeats, each fired by one monitor");
        assert_eq!(app.levels_fired(&alarm).await, vec![0, 1, 2, 3, 4, 5, 6]);
        for level in 4..=6 {
            // Five people in the app, by text and by e-mail: each once.
            let messages = app.level_messages(&alarm, level).await;
            assert_eq!(messages.len(), 5 * 3, "[{b}] level {level}: {messages:#?}");
        }
    }
}

#[tokio::test]
async fn a_monitor_down_for_an_hour_sends_one_repeat_on_start_not_twelve() {
    for backend in backends() {
        let app = TestApp::start(backend, "reach2").await;
        let b = app.backend;
        let monitor = app.monitor(Channels::default());
        let alarm = climb_to_the_top(&app, &monitor).await;

        app.advance(minutes(60));
        // A new instance after the restart: nothing of the old one is kept but the database.
        let restarted = app.monitor_named("after-restart", Channels::default());
        assert_eq!(app.pass(&restarted).await.levels_fired, 1, "[{b}] one");
        assert_eq!(
            app.pass(&restarted).await.levels_fired,
            0,
            "[{b}] not twelve"
        );
        assert_eq!(app.levels_fired(&alarm).await, vec![0, 1, 2, 3, 4]);

        app.advance(minutes(4));
        assert_eq!(app.pass(&restarted).await.levels_fired, 0, "[{b}]");
        app.advance(minutes(1));
        assert_eq!(
            app.pass(&restarted).await.levels_fired,
            1,
            "[{b}] the next an interval after the first"
        );
    }
}
