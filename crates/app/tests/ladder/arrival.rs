//! #13: the "arrived" tap, required or optional by the school's policy, on a moved clock.

use crate::helpers::{TestApp, backends, minutes};
use app::Channels;
use app::visits::LeftInput;
use domain::visit::VisitStep;

fn left() -> LeftInput {
    LeftInput {
        early_for_safety: false,
        ..Default::default()
    }
}

#[tokio::test]
async fn no_word_of_arrival_by_the_planned_arrival_climbs_the_ladder_where_the_policy_requires_it()
{
    for backend in backends() {
        // REAch2 records "the time you are expected to arrive": arrival is required.
        let app = TestApp::start(backend, "reach2").await;
        let b = app.backend;
        let monitor = app.monitor(Channels::default());
        let t0 = app.now();
        let grace = i64::from(app.policy.settings.check_in.grace_minutes);
        // Out now, expected at the house at +10, leaving it at +60, back at +90.
        let visit = app.authorised_visit(60, 90).await;
        let visit = app.step(&visit, VisitStep::SignOut).await;

        // "Left" before "arrived" is refused, and says what may be tapped instead.
        let teacher = app.staff(app.people.teacher).await;
        let err = app::visits::left(&app.app(), &teacher, visit.id, left())
            .await
            .unwrap_err();
        assert!(
            err.to_string().contains("arrived, nobody home"),
            "[{b}] {err}"
        );

        app.set(t0 + minutes(10 + grace) - minutes(1));
        assert_eq!(app.pass(&monitor).await.deadlines_fired, 0, "[{b}]");
        app.set(t0 + minutes(10 + grace));
        assert_eq!(app.pass(&monitor).await.deadlines_fired, 1, "[{b}]");
        let alarm = app.the_alarm_of(&visit).await;
        assert_eq!(alarm.kind, "overdue_arrival", "[{b}]");
        let first = app.level_messages(&alarm, 0).await;
        assert!(!first.is_empty(), "[{b}] the first rung is told");
        assert!(
            first
                .iter()
                .any(|n| n.subject.to_lowercase().contains("no word")),
            "[{b}] the message says what is wrong: {:?}",
            first.iter().map(|n| &n.subject).collect::<Vec<_>>()
        );

        // Nobody answers: the ladder climbs like any other overdue alarm.
        app.advance(minutes(30));
        app.pass(&monitor).await;
        assert!(
            app.levels_fired(&alarm).await.len() > 1,
            "[{b}] {:?}",
            app.levels_fired(&alarm).await
        );

        // The tap comes: the alarm is resolved and leaving may now be tapped.
        app::visits::arrived(&app.app(), &teacher, visit.id)
            .await
            .unwrap();
        let alarm = app.the_alarm_of(&visit).await;
        assert_eq!(alarm.state, "resolved", "[{b}]");
        let after = app::visits::left(&app.app(), &teacher, visit.id, left())
            .await
            .unwrap();
        assert_eq!(after.visit.state.0.status(), "left_property", "[{b}]");
    }
}

#[tokio::test]
async fn where_arrival_is_optional_staff_tap_left_without_arrived_and_no_arrival_alarm_comes() {
    for backend in backends() {
        // Harton asks for contact "every 30 minutes/at the end of the home visit(s)".
        let app = TestApp::start(backend, "harton").await;
        let b = app.backend;
        let monitor = app.monitor(Channels::default());
        let t0 = app.now();
        let visit = app.authorised_visit(25, 50).await;
        let visit = app.step(&visit, VisitStep::SignOut).await;

        // Past the planned arrival (+10) with its grace, before the check-in (+30) is due.
        app.set(t0 + minutes(20));
        assert_eq!(app.pass(&monitor).await.deadlines_fired, 0, "[{b}]");
        assert!(app.alarms_of(&visit).await.is_empty(), "[{b}]");

        let teacher = app.staff(app.people.teacher).await;
        let after = app::visits::left(&app.app(), &teacher, visit.id, left())
            .await
            .unwrap();
        assert_eq!(after.visit.state.0.status(), "left_property", "[{b}]");
        // Getting back is watched from here as after any leaving.
        app.set(t0 + minutes(29));
        assert_eq!(app.pass(&monitor).await.deadlines_fired, 0, "[{b}]");
        assert!(app.alarms_of(&visit).await.is_empty(), "[{b}]");
    }
}
