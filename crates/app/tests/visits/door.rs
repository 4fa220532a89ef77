//! SEN Trust Southend: "Request that all animals in the home should be kept in a separate room,
//! and cancel the visit if the responsible adult refuses". An arrived visit is cancelled at the
//! door, watched until the staff are back, then planned again.

use crate::helpers::{TestApp, backends, minutes};
use app::Refusal;
use app::visits::{self, CancelAtDoorInput, RescheduleInput, ReturnedInput};

#[tokio::test]
async fn an_arrived_visit_cancelled_for_animals_not_secured_is_watched_until_back_and_rescheduled()
{
    for backend in backends() {
        let t = TestApp::start(backend, "sen-trust-southend").await;
        let app = t.app();
        let teacher = t.staff(t.people.teacher).await;
        let arrived = t.out_on_a_visit().await;

        let unknown = CancelAtDoorInput {
            reason: "dog".into(),
            note: None,
        };
        match visits::cancel_at_door(&app, &teacher, arrived.id, unknown).await {
            Err(Refusal::Invalid { field, reason }) => {
                assert_eq!(field, "reason", "[{}]", t.backend);
                assert!(
                    reason.contains("animals_not_secured"),
                    "[{}] {reason}",
                    t.backend
                );
            }
            other => panic!("[{}] {:?}", t.backend, other.map(|d| d.visit.status)),
        }
        let other = CancelAtDoorInput {
            reason: "other".into(),
            note: None,
        };
        assert!(matches!(
            visits::cancel_at_door(&app, &teacher, arrived.id, other).await,
            Err(Refusal::Invalid { field, .. }) if field == "note"
        ));

        let input = CancelAtDoorInput {
            reason: "animals_not_secured".into(),
            note: Some(
                "Two dogs loose; the father would not shut them away"
                    .parse()
                    .unwrap(),
            ),
        };
        let at_door = visits::cancel_at_door(&app, &teacher, arrived.id, input)
            .await
            .unwrap();
        assert_eq!(at_door.visit.status, "cancelled_at_door", "[{}]", t.backend);
        assert!(
            t.db.watch(arrived.id).await.unwrap().is_some(),
            "[{}] staff walking away from the door are still watched",
            t.backend
        );
        // Not yet: they are still out.
        let again = RescheduleInput {
            planned_leave_school: t.now() + minutes(24 * 60),
            planned_arrive: t.now() + minutes(24 * 60 + 10),
            planned_leave_property: t.now() + minutes(24 * 60 + 60),
            planned_return: t.now() + minutes(24 * 60 + 75),
        };
        assert!(matches!(
            visits::reschedule(&app, &teacher, arrived.id, again.clone()).await,
            Err(Refusal::IllegalStep(_))
        ));

        t.advance(minutes(20));
        let back = visits::returned(&app, &teacher, arrived.id, ReturnedInput::default())
            .await
            .unwrap();
        assert_eq!(
            back.visit.status, "cancelled_at_door",
            "[{}] the end state keeps why",
            t.backend
        );
        assert!(
            t.db.watch(arrived.id).await.unwrap().is_none(),
            "[{}]",
            t.backend
        );

        let new = visits::reschedule(&app, &teacher, arrived.id, again)
            .await
            .unwrap();
        assert_eq!(new.visit.status, "draft", "[{}]", t.backend);
        assert_eq!(
            new.visit.reason_category, arrived.reason_category,
            "[{}]",
            t.backend
        );
        assert_eq!(new.visit.purpose, arrived.purpose, "[{}]", t.backend);
        let old = t.db.visit(arrived.id).await.unwrap();
        assert_eq!(old.status, "rescheduled", "[{}]", t.backend);
    }
}
