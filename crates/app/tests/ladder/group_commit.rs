//! Check-ins written through the group commit: many at once, each durable, none lost or doubled.

use crate::helpers::{TestApp, minutes};
use crate::school::backends;
use app::{Channels, CheckInInput, CheckInWriter, apply_check_ins, prepare_check_in};

#[tokio::test]
async fn forty_check_ins_at_once_are_each_recorded_once_and_move_each_visits_next_deadline() {
    for backend in backends() {
        let app = TestApp::start(backend, "harton").await;
        let mut visits = Vec::new();
        for _ in 0..40 {
            visits.push(app.out_on_a_visit().await);
        }
        app.advance(minutes(20));
        let writer = CheckInWriter::spawn(app.db.clone());
        let mut calls = tokio::task::JoinSet::new();
        for (i, visit) in visits.iter().cloned().enumerate() {
            let (writer, policy, now, staff) = (
                writer.clone(),
                app.policy.settings.0.clone(),
                app.now(),
                app.people.teacher,
            );
            calls.spawn(async move {
                // The phone retries every other check-in: the retry must not count twice.
                let input = CheckInInput {
                    note: Some(format!("fine {i}")),
                    client_ref: Some(format!("ref-{i}")),
                    ..Default::default()
                };
                let first = writer
                    .check_in(&visit, staff, &input, &policy, now)
                    .await
                    .unwrap();
                if i % 2 == 0 {
                    writer
                        .check_in(&visit, staff, &input, &policy, now)
                        .await
                        .unwrap();
                }
                (visit.id, first)
            });
        }
        let expected_due = app.now() + minutes(30);
        while let Some(done) = calls.join_next().await {
            let (visit, outcome) = done.unwrap();
            assert_eq!(
                outcome.next_check_in_due,
                Some(expected_due),
                "[{}] visit {visit}",
                app.backend
            );
            let check_ins = app.db.check_ins_of(visit).await.unwrap();
            assert_eq!(
                check_ins.iter().filter(|c| c.kind == "ok").count(),
                1,
                "[{}] visit {visit}",
                app.backend
            );
            let watch = app.db.watch(visit).await.unwrap().unwrap();
            assert_eq!(watch.last_contact_at, app.now());
        }
    }
}

/// What the writer does with one group, made deterministic by writing a hand-made group: the same
/// tap twice, two check-ins of one visit, and a visit that came back while its check-in waited.
#[tokio::test]
async fn one_group_with_a_repeated_tap_two_check_ins_of_a_visit_and_a_visit_back_at_school() {
    for backend in backends() {
        let app = TestApp::start(backend, "harton").await;
        let b = app.backend;
        let monitor = app.monitor(Channels::default());
        let out = app.out_on_a_visit().await;
        let back = app.out_on_a_visit().await;
        app.advance(minutes(35));
        let summary = app.pass(&monitor).await;
        assert_eq!(summary.deadlines_fired, 2, "[{b}] {summary:?}");
        let missed = app.the_alarm_of(&out).await;

        let policy = &app.policy.settings;
        let teacher = app.people.teacher;
        let tap = |r: &str| CheckInInput {
            client_ref: Some(r.to_string()),
            ..Default::default()
        };
        let first_at = app.now();
        let later_at = first_at + minutes(1);
        let group = [
            prepare_check_in(&app.db, &out, teacher, &tap("tap-1"), policy, first_at)
                .await
                .unwrap(),
            prepare_check_in(&app.db, &out, teacher, &tap("tap-1"), policy, first_at)
                .await
                .unwrap(),
            prepare_check_in(&app.db, &out, teacher, &tap("tap-2"), policy, later_at)
                .await
                .unwrap(),
            prepare_check_in(&app.db, &back, teacher, &tap("tap-3"), policy, first_at)
                .await
                .unwrap(),
        ];
        // The second visit comes back while its check-in waits for the group.
        app.bring_back(&back).await;

        let refs: Vec<_> = group.iter().collect();
        let mut tx = app.db.begin().await.unwrap();
        let outcomes = apply_check_ins(&mut tx, &refs).await.unwrap();
        tx.commit().await.unwrap();

        assert!(
            outcomes[0].is_ok() && outcomes[1].is_ok() && outcomes[2].is_ok(),
            "[{b}]"
        );
        assert!(
            outcomes[3].is_err(),
            "[{b}] a visit no longer out takes no check-in"
        );
        let due = |i: usize| outcomes[i].as_ref().unwrap().next_check_in_due;
        assert_eq!(due(2), Some(later_at + minutes(30)), "[{b}]");

        let stored = app.db.check_ins_of(out.id).await.unwrap();
        let times: Vec<_> = stored
            .iter()
            .filter(|c| c.kind == "ok")
            .map(|c| c.at)
            .collect();
        assert_eq!(
            times,
            [first_at, later_at],
            "[{b}] the repeated tap is stored once"
        );
        assert!(
            app.db.check_ins_of(back.id).await.unwrap().is_empty(),
            "[{b}]"
        );

        let watch = app.db.watch(out.id).await.unwrap().unwrap();
        assert_eq!(
            watch.last_contact_at, later_at,
            "[{b}] the last check-in counts"
        );
        let deadlines = app.db.deadlines_of(out.id).await.unwrap();
        let next = deadlines.iter().find(|d| d.kind == "check_in").unwrap();
        assert_eq!(
            (next.state.as_str(), next.due_at),
            ("pending", later_at + minutes(30)),
            "[{b}]"
        );

        let resolved = app.db.alarm(missed.id).await.unwrap();
        assert_eq!(resolved.state, "resolved", "[{b}]");
        assert_eq!(
            resolved.resolved_at,
            Some(first_at),
            "[{b}] the first check-in answered it"
        );
    }
}
