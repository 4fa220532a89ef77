//! Check-ins written through the group commit: many at once, each durable, none lost or doubled.

use crate::helpers::{TestApp, minutes};
use crate::school::backends;
use safety::{CheckInInput, CheckInWriter};

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
