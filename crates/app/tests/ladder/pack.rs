//! The information pack is right (#11 item 8): a real visit walked through sign-out, arrival, a
//! check-in with the phone's location and leaving; the pack then carries every column of
//! REAch2's home visit log (Appendix 3) and the times as they happened, not only as planned.

use crate::helpers::{TestApp, backends, minutes};
use app::out_on_visit::CheckInInput;
use app::visits::LeftInput;
use app::{AlarmRequest, Channels};
use domain::monitor::AlarmKind;

#[tokio::test]
async fn the_pack_carries_every_appendix_3_column_and_the_actual_times() {
    for backend in backends() {
        let app = TestApp::start(backend, "reach2").await;
        let b = app.backend;
        let p = app.people;
        let monitor = app.monitor(Channels::default());
        // Planned (10:00 GMT): leave school 10:00, arrive 10:10, leave 14:00, back 14:30.
        let visit = app.authorised_visit(240, 270).await;
        let ctx = app.app();
        let teacher = app.staff(p.teacher).await;
        app.advance(minutes(3));
        // Signed out past the policy's paperwork checks (the seeded visit has none on file).
        let visit = app.step(&visit, domain::visit::VisitStep::SignOut).await; // 10:03
        app.advance(minutes(14));
        app::visits::arrived(&ctx, &teacher, visit.id)
            .await
            .unwrap(); // 10:17
        app.advance(minutes(20));
        let located = CheckInInput {
            latitude: Some(54.99861),
            longitude: Some(-1.43234),
            accuracy_m: Some(12.0),
            ..CheckInInput::default()
        };
        let settings = &app.policy.settings;
        app::check_in(&app.db, &visit, p.teacher, &located, settings, app.now())
            .await
            .unwrap(); // 10:37
        app.advance(minutes(60));
        app::visits::left(&ctx, &teacher, visit.id, LeftInput::default())
            .await
            .unwrap(); // 11:37
        let visit = app.db.visit(visit.id).await.unwrap();

        let on_the_way_back = [
            "Date of visit: Mon 23 Nov 2026",
            "Departure from school: planned 10:00 GMT on Mon 23 Nov 2026 · actual 10:03 GMT on Mon 23 Nov 2026",
            "- Tom Teacher (Class teacher), mobile 07700900105",
            "- Lina Liaison (Family liaison), mobile 07700900106",
            "Buddy at school: Bea Buddy (buddy), mobile 07700900107",
            "Car registration: AB12CDE (Blue Ford Focus)",
            "Home address: 12 Westoe Road, South Shields",
            "Person/s being visited: Ava Smith (pupil); Jo Smith (mother); expected to see: Jo Smith and Ava",
            "Time of meeting (arrival): planned 10:10 GMT on Mon 23 Nov 2026 · actual 10:17 GMT",
            "Time due to leave the home address: planned 14:00 GMT on Mon 23 Nov 2026 · actual 11:37 GMT",
            "Time of return to school: planned 14:30 GMT on Mon 23 Nov 2026 · actual not yet",
            "Last contact: 11:37 GMT",
            "Last known place: 54.99861, -1.43234 (to within 12 m; from the phone at the check-in at 10:37 GMT",
            "Contact the police to report the individuals missing.",
            "The policy: Senior leader: attempt to contact the family via a landline",
        ];

        // The pack a senior leader opens behind sign-in...
        let senior = app.staff(p.senior).await;
        let pack = app::board::information_pack(&ctx, &senior, visit.id, app.now())
            .await
            .unwrap();
        for column in on_the_way_back {
            assert!(
                pack.contains(column),
                "[{b}] missing {column:?} in:\n{pack}"
            );
        }
        assert!(!pack.contains("not recorded"), "[{b}] {pack}");

        // ...and the one a panic e-mails to the people who ring the police.
        let panic = AlarmRequest {
            kind: AlarmKind::Panic,
            raised_by: Some(p.liaison),
            detail: serde_json::json!({}),
        };
        let id = app::raise(&app.db, &visit, &panic, app.now())
            .await
            .unwrap();
        app.pass(&monitor).await;
        let alarm = app.db.alarm(id).await.unwrap();
        let emails: Vec<_> = app
            .level_messages(&alarm, 0)
            .await
            .into_iter()
            .filter(|n| n.channel == "email")
            .collect();
        assert!(!emails.is_empty(), "[{b}] the panic was e-mailed");
        for n in &emails {
            for column in on_the_way_back {
                assert!(n.body.contains(column), "[{b}] missing {column:?}");
            }
        }

        // Back at school: the actual return time, read from the visit's record.
        app.advance(minutes(23));
        app::visits::returned(&ctx, &teacher, visit.id, Default::default())
            .await
            .unwrap(); // 12:00
        let pack = app::board::information_pack(&ctx, &senior, visit.id, app.now())
            .await
            .unwrap();
        assert!(
            pack.contains(
                "Time of return to school: planned 14:30 GMT on Mon 23 Nov 2026 · actual 12:00 GMT"
            ),
            "[{b}] {pack}"
        );
        assert!(pack.contains(
            "Time of meeting (arrival): planned 10:10 GMT on Mon 23 Nov 2026 · actual 10:17 GMT"
        ));
    }
}
