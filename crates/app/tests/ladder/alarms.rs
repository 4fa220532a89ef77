//! Alarms raised by people (duress, panic) and answered by people (acknowledged, or resolved by
//! a late check-in).

use crate::helpers::{TestApp, backends, minutes, parts};
use app::{AlarmRequest, Channels, CheckInInput};
use domain::monitor::AlarmKind;
use std::collections::BTreeSet;
use store::Alarm;

fn pin(p: &str) -> CheckInInput {
    CheckInInput {
        pin: Some(p.into()),
        ..CheckInInput::default()
    }
}

#[tokio::test]
async fn a_duress_pin_looks_like_a_check_in_and_silently_alerts_the_top_of_the_ladder() {
    for backend in backends() {
        let app = TestApp::start(backend, "harton").await;
        let b = app.backend;
        let (monitor, p, settings) = (
            app.monitor(Channels::default()),
            app.people,
            &app.policy.settings,
        );
        let visit = app.out_on_a_visit().await;
        let teacher = app.staff(p.teacher).await;
        app::out_on_visit::set_duress_pin(&app.app(), &teacher, "9911", app.now())
            .await
            .unwrap();

        app.advance(minutes(10));
        let ordinary = app::check_in(
            &app.db,
            &visit,
            p.teacher,
            &pin("1234"),
            settings,
            app.now(),
        )
        .await
        .unwrap();
        assert_eq!(ordinary.duress_alarm, None);
        app.advance(minutes(10));
        let duress = app::check_in(
            &app.db,
            &visit,
            p.teacher,
            &pin("9911"),
            settings,
            app.now(),
        )
        .await
        .unwrap();
        // What the phone shows: recorded now, next check-in due one interval on, just as usual.
        assert_eq!(duress.recorded_at, app.now());
        assert_eq!(duress.next_check_in_due, Some(app.now() + minutes(30)));
        assert_eq!(
            ordinary.next_check_in_due.map(|t| t + minutes(10)),
            duress.next_check_in_due
        );

        let alarm = app.the_alarm_of(&visit).await;
        assert_eq!(alarm.kind, "duress", "[{b}]");
        assert_eq!(duress.duress_alarm, Some(alarm.id));
        let summary = app.pass(&monitor).await;
        assert_eq!(summary.levels_fired, 1, "[{b}] the top level fires at once");
        assert_eq!(app.levels_fired(&alarm).await, vec![0], "one rung: the top");
        let told = app.told_at_level(&alarm, 0).await;
        assert_eq!(
            told,
            parts(["buddy", "office", "senior", "dsl", "head"]),
            "[{b}]"
        );
        let top = &settings.escalation.last().unwrap().instruction;
        for n in app.level_messages(&alarm, 0).await {
            if n.channel == "sms" {
                // A text carries no pack: it links to the pack behind sign-in.
                assert!(!n.body.contains("INFORMATION PACK"), "[{b}] {}", n.body);
                assert!(n.body.contains("/pack"), "[{b}] {}", n.body);
                continue;
            }
            assert!(n.body.contains("INFORMATION PACK"), "[{b}] {}", n.body);
            assert!(n.body.contains(top.as_str()), "[{b}] the policy's top rung");
        }
        assert_visitors_hear_nothing(&app, &alarm).await;
        assert_eq!(app.pass(&monitor).await.levels_fired, 0);
    }
}

async fn assert_visitors_hear_nothing(app: &TestApp, alarm: &Alarm) {
    let p = app.people;
    let on_the_visit = [p.teacher.0, p.liaison.0];
    for n in app.notifications(alarm).await {
        assert!(
            !n.staff_id.is_some_and(|s| on_the_visit.contains(&s)),
            "[{}] a visitor was told about the alarm: {n:?}",
            app.backend
        );
    }
    for visitor in [p.teacher, p.liaison] {
        let feed = app.db.in_app_notifications(visitor, 0, 100).await.unwrap();
        assert!(feed.iter().all(|n| n.alarm_id != Some(alarm.id)));
    }
}

#[tokio::test]
async fn the_panic_button_goes_straight_to_the_top_level_with_the_information_pack() {
    for backend in backends() {
        let app = TestApp::start(backend, "reach2").await;
        let b = app.backend;
        let monitor = app.monitor(Channels::default());
        let visit = app.out_on_a_visit().await;
        app.advance(minutes(3));
        let request = AlarmRequest {
            kind: AlarmKind::Panic,
            raised_by: Some(app.people.liaison),
            detail: serde_json::json!({ "how": "panic button" }),
        };
        let id = app::raise(&app.db, &visit, &request, app.now())
            .await
            .unwrap();

        let summary = app.pass(&monitor).await;
        assert_eq!(summary.levels_fired, 1, "[{b}] {summary:?}");
        let alarm = app.db.alarm(id).await.unwrap();
        assert_eq!(alarm.kind, "panic");
        assert_eq!(
            alarm.next_level_at,
            Some(app.now() + minutes(5)),
            "[{b}] one rung, repeated in five minutes unless someone acknowledges"
        );
        assert_eq!(
            app.told_at_level(&alarm, 0).await,
            parts(["buddy", "office", "senior", "dsl", "head"])
        );
        let messages = app.level_messages(&alarm, 0).await;
        assert!(!messages.is_empty());
        for n in &messages {
            assert!(n.body.contains("999"), "[{b}] panic guidance: {}", n.body);
            if n.channel == "sms" {
                assert!(!n.body.contains("INFORMATION PACK") && !n.body.contains("Ava Smith"));
                continue;
            }
            assert!(n.body.contains("INFORMATION PACK"));
            assert!(
                n.body
                    .contains("Staff on the visit".to_uppercase().as_str())
            );
            assert!(
                n.body
                    .contains("- Tom Teacher (Class teacher), mobile 07700900105")
            );
            assert!(
                n.body
                    .contains("Person/s being visited: Ava Smith (pupil); Jo Smith (mother)")
            );
        }
        assert_visitors_hear_nothing(&app, &alarm).await;
    }
}

/// Fires the visit's missed check-in (Harton: 30 minutes + 5 grace) and returns its alarm.
async fn miss_a_check_in(app: &TestApp, monitor: &app::Monitor) -> (store::Visit, Alarm) {
    let visit = app.out_on_a_visit().await;
    app.advance(minutes(35));
    let summary = app.pass(monitor).await;
    assert_eq!(summary.deadlines_fired, 1, "[{}] {summary:?}", app.backend);
    let alarm = app.the_alarm_of(&visit).await;
    (visit, alarm)
}

/// Everyone a level told, on each channel and address they were told on.
async fn alerted(app: &TestApp, alarm: &Alarm) -> BTreeSet<(Option<i64>, String, String)> {
    let all = app.notifications(alarm).await;
    all.iter()
        .filter(|n| n.idempotency_key.contains(":level:"))
        .map(|n| (n.staff_id, n.channel.to_string(), n.address.clone()))
        .collect()
}

/// Everyone told of an update, with the update's body.
async fn updated(
    app: &TestApp,
    alarm: &Alarm,
    event: &str,
) -> BTreeSet<(Option<i64>, String, String)> {
    let marker = format!("alarm:{}:{event}:", alarm.id);
    let all = app.notifications(alarm).await;
    all.iter()
        .filter(|n| n.idempotency_key.starts_with(&marker))
        .map(|n| (n.staff_id, n.channel.to_string(), n.address.clone()))
        .collect()
}

#[tokio::test]
async fn an_acknowledgement_stops_the_ladder_and_everyone_alerted_hears_who_has_it() {
    for backend in backends() {
        let app = TestApp::start(backend, "harton").await;
        let b = app.backend;
        let monitor = app.monitor(Channels::default());
        let (_visit, alarm) = miss_a_check_in(&app, &monitor).await;
        app.advance(minutes(5));
        assert_eq!(app.pass(&monitor).await.levels_fired, 1);
        assert_eq!(app.levels_fired(&alarm).await, vec![0, 1]);

        let senior = app.staff(app.people.senior).await;
        let acked = app::acknowledge(
            &app.db,
            alarm.id,
            &senior,
            "Ringing both mobiles now",
            app.now(),
        )
        .await
        .unwrap();
        assert_eq!(acked.state, "acknowledged");
        assert_eq!(acked.acknowledged_by, Some(app.people.senior.0));
        // The office board names who took charge, and everyone told, by name.
        let office = app.staff(app.people.office).await;
        let board = app::board::board(&app.app(), &office, None, app.now())
            .await
            .unwrap();
        let shown = board
            .alarms
            .iter()
            .find(|a| a.alarm.id == alarm.id)
            .unwrap();
        assert_eq!(
            shown.acknowledged_by_name.as_deref(),
            Some("Sam Senior"),
            "[{b}]"
        );
        assert!(!shown.told.is_empty(), "[{b}]");
        for t in &shown.told {
            assert!(
                !t.who.is_empty() && !t.who.contains("former"),
                "[{b}] {t:?}"
            );
        }

        app.advance(minutes(120));
        let later = app.pass(&monitor).await;
        assert_eq!(later.levels_fired, 0, "[{b}] the ladder stopped: {later:?}");
        assert_eq!(app.levels_fired(&alarm).await, vec![0, 1]);

        let told = alerted(&app, &alarm).await;
        assert_eq!(
            told.len(),
            4 + 6,
            "[{b}] visitors by app and text, buddy and office by three"
        );
        assert_eq!(updated(&app, &alarm, "acknowledged").await, told, "[{b}]");
        for n in app.notifications(&alarm).await {
            if n.idempotency_key.contains(":acknowledged:") {
                assert!(n.body.contains("Sam Senior has acknowledged this alarm"));
                assert!(n.body.contains("Ringing both mobiles now"));
            }
        }
    }
}

#[tokio::test]
async fn a_late_check_in_resolves_the_missed_check_in_and_everyone_alerted_is_told() {
    for backend in backends() {
        let app = TestApp::start(backend, "harton").await;
        let b = app.backend;
        let monitor = app.monitor(Channels::default());
        let (visit, alarm) = miss_a_check_in(&app, &monitor).await;
        app.advance(minutes(5));
        assert_eq!(app.pass(&monitor).await.levels_fired, 1);

        app.advance(minutes(2));
        let settings = &app.policy.settings;
        let input = app::CheckInInput::default();
        app::check_in(
            &app.db,
            &visit,
            app.people.liaison,
            &input,
            settings,
            app.now(),
        )
        .await
        .unwrap();
        let resolved = app.db.alarm(alarm.id).await.unwrap();
        assert_eq!(resolved.state, "resolved", "[{b}]");
        assert_eq!(resolved.resolved_at, Some(app.now()));
        assert!(resolved.outcome.unwrap().starts_with("Checked in at"));
        assert_eq!(
            updated(&app, &alarm, "resolved").await,
            alerted(&app, &alarm).await,
            "[{b}] everyone alerted is told"
        );

        app.advance(minutes(20));
        let later = app.pass(&monitor).await;
        assert_eq!(
            (later.deadlines_fired, later.levels_fired),
            (0, 0),
            "[{b}] {later:?}"
        );
        let deadlines = app.db.deadlines_of(visit.id).await.unwrap();
        let check_in = deadlines.iter().find(|d| d.kind == "check_in").unwrap();
        assert_eq!(
            check_in.state, "pending",
            "[{b}] the next check-in is watched"
        );
        assert_eq!(check_in.due_at, app.now() - minutes(20) + minutes(30));
    }
}
