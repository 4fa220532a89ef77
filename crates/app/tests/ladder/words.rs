//! Tester C10 and C13: each alarm kind's messages are in its own words for the visitors, the
//! buddy and the office (a visitor late leaving the property is not told they missed a check-in;
//! duress is plain to school and never named to the visitors); a second person acknowledging an
//! alarm is told who is already dealing with it and since when.

use crate::helpers::*;
use app::{AlarmRequest, Channels, Refusal};
use domain::monitor::AlarmKind;
use store::{Alarm, Notification};

async fn raised(app: &TestApp, visit: &store::Visit, kind: AlarmKind) -> Alarm {
    let request = AlarmRequest {
        kind,
        raised_by: None,
        detail: serde_json::json!({}),
    };
    let id = app::raise(&app.db, visit, &request, app.now())
        .await
        .unwrap();
    app.db.alarm(id).await.unwrap()
}

/// Every message of the alarm to one part ("teacher", "buddy", "office"...), on every channel.
async fn to_part(app: &TestApp, alarm: &Alarm, part: &str) -> Vec<Notification> {
    let all = app.notifications(alarm).await;
    all.into_iter()
        .filter(|n| n.staff_id.is_some_and(|s| app.part(s) == part))
        .collect()
}

#[tokio::test]
async fn not_leaving_on_time_is_not_called_a_missed_check_in_and_each_reader_has_their_words() {
    for backend in backends() {
        let app = TestApp::start(backend, "reach2").await;
        let b = app.backend;
        let monitor = app.monitor(Channels::default());
        let visit = app.out_on_a_visit().await;
        let leaving = raised(&app, &visit, AlarmKind::OverdueLeaving).await;
        app.pass(&monitor).await;
        app.advance(minutes(5));
        app.pass(&monitor).await;

        let visitors = to_part(&app, &leaving, "teacher").await;
        assert!(
            !visitors.is_empty(),
            "[{b}] the visitors are reminded first"
        );
        for n in &visitors {
            let text = format!("{} {}", n.subject, n.body);
            assert!(!text.contains("missed a check-in"), "[{b}] {text}");
            assert!(
                text.to_lowercase().contains("leave the property"),
                "[{b}] {text}"
            );
        }
        for n in to_part(&app, &leaving, "buddy").await {
            assert!(
                n.body.contains("phone the visiting staff now"),
                "[{b}] the buddy is asked to phone: {}",
                n.body
            );
            assert!(!n.body.contains("missed a check-in"), "[{b}] {}", n.body);
        }
        for n in to_part(&app, &leaving, "office").await {
            assert!(
                n.body.contains("Not left the property on time"),
                "[{b}] {}",
                n.body
            );
        }
    }
}

#[tokio::test]
async fn duress_is_plain_to_school_and_each_kind_names_itself() {
    for backend in backends() {
        let app = TestApp::start(backend, "reach2").await;
        let b = app.backend;
        let monitor = app.monitor(Channels::default());
        let visit = app.out_on_a_visit().await;
        let duress = raised(&app, &visit, AlarmKind::Duress).await;
        let panic = raised(&app, &visit, AlarmKind::Panic).await;
        app.pass(&monitor).await;
        for n in to_part(&app, &duress, "office").await {
            assert!(
                n.body.contains("Duress code word used"),
                "[{b}] {}: {}",
                n.channel,
                n.body
            );
        }
        for part in ["teacher", "liaison"] {
            assert!(
                to_part(&app, &duress, part).await.is_empty(),
                "[{b}] the visitors are never told of a duress alarm"
            );
        }
        for n in to_part(&app, &panic, "office").await {
            let body = n.body.to_lowercase();
            assert!(body.contains("panic button"), "[{b}] {}", n.body);
            assert!(!body.contains("duress"), "[{b}] {}", n.body);
        }
    }
}

#[tokio::test]
async fn a_second_acknowledger_is_told_who_is_dealing_with_it_and_since_when() {
    for backend in backends() {
        let app = TestApp::start(backend, "reach2").await;
        let b = app.backend;
        let visit = app.out_on_a_visit().await;
        let alarm = raised(&app, &visit, AlarmKind::Panic).await;
        let (office, senior) = (
            app.staff(app.people.office).await,
            app.staff(app.people.senior).await,
        );
        // The note is optional when taking charge.
        let taken = app::board::acknowledge(&app.app(), &office, alarm.id, "", app.now())
            .await
            .unwrap();
        assert_eq!(taken.alarm.acknowledged_by, Some(office.id.0), "[{b}]");
        let taken_at = app.now().format("%H:%M").to_string();
        app.advance(minutes(2));

        let refused = app::board::acknowledge(&app.app(), &senior, alarm.id, "On it", app.now())
            .await
            .unwrap_err();
        let Refusal::Conflict { field, reason } = refused else {
            panic!("[{b}] expected a conflict, got {refused:?}");
        };
        assert_eq!(field, "alarm");
        assert_eq!(
            reason,
            format!(
                "{} is already dealing with this alarm (since {taken_at})",
                office.name
            ),
            "[{b}]"
        );

        // Resolving still needs an outcome.
        let refused = app::board::resolve(&app.app(), &office, alarm.id, " ", app.now())
            .await
            .unwrap_err();
        assert!(
            matches!(&refused, Refusal::Invalid { field, .. } if field == "outcome"),
            "[{b}] {refused:?}"
        );
    }
}
