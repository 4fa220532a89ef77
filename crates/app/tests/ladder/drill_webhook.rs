//! #11 item 9: a school's own system tells a drill from a real alarm by a field of the webhook's
//! JSON body (`drill`), received by a real HTTP listener, not by reading the words.

use crate::helpers::{TestApp, backends, minutes};
use app::drills::{self, StartDrill};
use app::{AlarmRequest, Channels};
use domain::monitor::AlarmKind;
use notify::testing::HttpRecorder;
use notify::{Webhook, WebhookSettings};

#[tokio::test]
async fn the_webhook_body_says_whether_the_alarm_is_a_drill() {
    for backend in backends() {
        let app = TestApp::start(backend, "reach2").await;
        let b = app.backend;
        let receiver = HttpRecorder::start().await;
        let url = receiver.url("/doorstep/alarms");
        let settings = WebhookSettings {
            url: url.clone(),
            secret: "whsec-doorstep-test".into(),
            timeout: std::time::Duration::from_secs(5),
        };
        let channels = Channels {
            webhook: Some((Webhook::new(&settings).unwrap(), url)),
            ..Channels::default()
        };
        let monitor = app.monitor(channels);
        let head = app.staff(app.people.head).await;
        let practice = app.out_on_a_visit().await;
        let drill = drills::start(
            &app.app(),
            &head,
            &StartDrill {
                visit_id: Some(practice.id.0),
                ..StartDrill::default()
            },
            app.now(),
        )
        .await
        .unwrap();
        let real = app.out_on_a_visit().await;
        let request = AlarmRequest {
            kind: AlarmKind::Panic,
            raised_by: Some(app.people.teacher),
            detail: serde_json::json!({}),
        };
        let panic = app::raise(&app.db, &real, &request, app.now())
            .await
            .unwrap();
        // REAch2 sends the webhook from its third rung (15 minutes); panic at once.
        app.pass(&monitor).await;
        app.advance(minutes(15));
        app.pass(&monitor).await;

        let bodies: Vec<serde_json::Value> = receiver.requests().iter().map(|r| r.json()).collect();
        let of = |id: i64| -> Vec<&serde_json::Value> {
            bodies.iter().filter(|p| p["alarm_id"] == id).collect()
        };
        assert!(
            !of(drill).is_empty(),
            "[{b}] the drill reached the webhook: {bodies:?}"
        );
        assert!(
            !of(panic).is_empty(),
            "[{b}] the panic reached the webhook: {bodies:?}"
        );
        for p in of(drill) {
            assert_eq!(p["drill"], true, "[{b}] {p}");
        }
        for p in of(panic) {
            assert_eq!(p["drill"], false, "[{b}] {p}");
        }
        receiver.stop().await;
    }
}
