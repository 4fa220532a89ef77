//! Deadlines as the visitors see them: "need more time" moves leaving and getting back, and a
//! reminder comes shortly before each check-in falls due.

use crate::helpers::{TestApp, backends, minutes};
use app::Channels;
use chrono::Duration;
use domain::monitor::DeadlineKind;
use domain::visit::VisitStep;
use notify::testing::HttpRecorder;
use notify::{SmsGateway, SmsSettings};
use std::collections::BTreeSet;

#[tokio::test]
async fn fifteen_more_minutes_moves_leaving_and_return_and_nothing_fires_at_the_old_times() {
    for backend in backends() {
        let app = TestApp::start(backend, "harton").await;
        let b = app.backend;
        let monitor = app.monitor(Channels::default());
        let t0 = app.now();
        // Out 10:00, expected to leave the property 10:20 and be back 10:50; five minutes' grace.
        let visit = app.authorised_visit(20, 50).await;
        let visit = app.step(&visit, VisitStep::SignOut).await;
        app.advance(minutes(5));
        let visit = app.step(&visit, VisitStep::Arrive).await;

        app.set(t0 + minutes(15));
        let teacher = app.staff(app.people.teacher).await;
        let input = app::out_on_visit::ExtendInput {
            minutes: Some(15),
            reason: "Mum arrived late".into(),
            client_ref: None,
        };
        let watch = app::out_on_visit::extend(&app.app(), &teacher, visit.id, &input, app.now())
            .await
            .unwrap()
            .watch;
        assert_eq!(watch.extended_until, Some(t0 + minutes(35)));
        let leave = due(&app, &visit, DeadlineKind::LeaveProperty).await;
        assert_eq!(
            (leave.due_at, leave.fires_at),
            (t0 + minutes(35), t0 + minutes(40))
        );

        for at in [25, 39] {
            app.set(t0 + minutes(at));
            let s = app.pass(&monitor).await;
            assert_eq!(s.deadlines_fired, 0, "[{b}] nothing at 10:{at}: {s:?}");
        }
        assert!(app.alarms_of(&visit).await.is_empty(), "[{b}]");

        let visit = app
            .step(
                &visit,
                VisitStep::LeaveProperty {
                    early_for_safety: false,
                },
            )
            .await;
        let back = due(&app, &visit, DeadlineKind::Return).await;
        assert_eq!(
            back.due_at,
            t0 + minutes(65),
            "[{b}] the journey keeps its 30 minutes"
        );
        app.set(t0 + minutes(55));
        assert_eq!(
            app.pass(&monitor).await.deadlines_fired,
            0,
            "[{b}] old return time"
        );
        assert!(app.alarms_of(&visit).await.is_empty());

        app.set(t0 + minutes(70));
        assert_eq!(
            app.pass(&monitor).await.deadlines_fired,
            1,
            "[{b}] new return time"
        );
        let alarm = app.the_alarm_of(&visit).await;
        assert_eq!(alarm.kind, "overdue_return");

        // The top rung, half an hour on (a missed check-in may have joined it by then).
        app.advance(minutes(30));
        app.pass(&monitor).await;
        assert_eq!(app.levels_fired(&alarm).await, vec![0, 1, 2, 3], "[{b}]");
        let pack = app.level_messages(&alarm, 3).await;
        let pack: Vec<_> = pack.into_iter().filter(|n| n.channel == "email").collect();
        assert!(
            pack[0]
                .body
                .contains("now due 11:05 GMT on Mon 23 Nov 2026 (more time asked)"),
            "[{b}] the pack gives the extended time:\n{}",
            pack[0].body
        );
    }
}

async fn due(app: &TestApp, visit: &store::Visit, kind: DeadlineKind) -> store::DeadlineRow {
    let all = app.db.deadlines_of(visit.id).await.unwrap();
    all.into_iter()
        .find(|d| d.kind == kind.as_str())
        .unwrap_or_else(|| panic!("[{}] no {kind:?} deadline", app.backend))
}

#[tokio::test]
async fn visitors_are_reminded_by_app_and_text_five_minutes_before_a_check_in_is_due() {
    for backend in backends() {
        let app = TestApp::start(backend, "harton").await;
        let b = app.backend;
        let gateway = HttpRecorder::start().await;
        let sms = SmsGateway::new(&SmsSettings {
            url: gateway.url("/sms"),
            api_key: None,
            sender: "Doorstep".into(),
            timeout: std::time::Duration::from_secs(5),
        })
        .unwrap();
        let monitor = app.monitor(Channels {
            sms: Some(sms),
            ..Channels::default()
        });
        let t0 = app.now();
        let _visit = app.out_on_a_visit().await;
        let remind_before = i64::from(app.policy.settings.check_in.remind_before_minutes);
        assert_eq!(remind_before, 5);

        app.set(t0 + minutes(30 - remind_before) - Duration::seconds(1));
        assert_eq!(app.pass(&monitor).await.reminders, 0, "[{b}]");
        assert!(gateway.requests().is_empty());

        app.set(t0 + minutes(30 - remind_before));
        let s = app.pass(&monitor).await;
        assert_eq!((s.reminders, s.deadlines_fired), (1, 0), "[{b}] {s:?}");
        assert_eq!(s.delivered, 4, "[{b}] two visitors, in the app and by text");
        let texts = gateway.requests();
        let to: BTreeSet<String> = texts
            .iter()
            .map(|r| r.json()["to"].as_str().unwrap().to_string())
            .collect();
        let expected: BTreeSet<String> = ["07700900105", "07700900106"].map(String::from).into();
        assert_eq!(to, expected, "[{b}]");
        for t in &texts {
            assert!(t.json()["body"].as_str().unwrap().contains("due at 10:30"));
        }
        for visitor in [app.people.teacher, app.people.liaison] {
            let feed = app.db.in_app_notifications(visitor, 0, 10).await.unwrap();
            assert_eq!(feed.len(), 1, "[{b}]");
            assert_eq!(feed[0].subject, "Check-in due at 10:30");
        }

        let again = app.pass(&monitor).await;
        assert_eq!(
            (again.reminders, again.delivered),
            (0, 0),
            "[{b}] once per check-in"
        );
        assert_eq!(gateway.requests().len(), 2);
        gateway.stop().await;
    }
}

/// Tester's A3: a missed check-in resolved by hand while the staff are still out (the office
/// rang, no answer yet) restarts the check-in clock, so a further silence raises a new alarm one
/// interval on, not nothing until the leave-the-house deadline.
#[tokio::test]
async fn a_missed_check_in_resolved_while_out_starts_the_check_in_clock_again() {
    for backend in backends() {
        let app = TestApp::start(backend, "harton").await;
        let b = app.backend;
        let monitor = app.monitor(Channels::default());
        let t0 = app.now();
        // Harton: check in every 30 minutes, 5 minutes' grace; leave the house at 12:00.
        let visit = app.authorised_visit(120, 150).await;
        let visit = app.step(&visit, VisitStep::SignOut).await;
        app.set(t0 + minutes(36));
        assert_eq!(app.pass(&monitor).await.deadlines_fired, 1, "[{b}]");
        let first = app.the_alarm_of(&visit).await;
        assert_eq!(first.kind, "missed_check_in", "[{b}]");

        let senior = app.staff(app.people.senior).await;
        app.set(t0 + minutes(40));
        app::board::resolve(
            &app.app(),
            &senior,
            first.id,
            "Rang Tom, no answer yet",
            app.now(),
        )
        .await
        .unwrap();
        let next = due(&app, &visit, DeadlineKind::CheckIn).await;
        assert_eq!(
            next.due_at,
            t0 + minutes(70),
            "[{b}] 30 minutes from the resolution"
        );

        app.set(t0 + minutes(74));
        assert_eq!(
            app.pass(&monitor).await.deadlines_fired,
            0,
            "[{b}] in the grace"
        );
        app.set(t0 + minutes(76));
        assert_eq!(
            app.pass(&monitor).await.deadlines_fired,
            1,
            "[{b}] silent again"
        );
        let alarms = app.alarms_of(&visit).await;
        assert_eq!(alarms.len(), 2, "[{b}] {alarms:?}");
        assert_eq!(alarms[1].kind, "missed_check_in", "[{b}]");
        assert!(alarms[1].resolved_at.is_none(), "[{b}]");
    }
}
