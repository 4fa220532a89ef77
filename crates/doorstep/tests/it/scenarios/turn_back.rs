//! Tester's A9: a visit signed out that has not reached the house can be called off on the way
//! ("Turned back — did not reach the house", with the reason). The buddy is told; the monitor
//! stops watching the house's deadlines but still watches getting back, until the visitors tap
//! "Back at school" or "Home safe".

use super::*;
use domain::VisitId;
use domain::monitor::DeadlineKind;

#[tokio::test]
async fn a_visit_turned_back_on_the_way_is_watched_until_back_and_the_buddy_is_told() {
    for_each_backend(|app| async move {
        let school = app.school("harton.demo").await;
        let teacher = app.login(&school.email("teacher")).await;
        let senior = app.login(&school.email("senior")).await;
        let head = app.login(&school.email("head")).await;
        let assessment = app
            .assess_risk(&senior, school.smith, "medium", "low")
            .await;
        app.sign_off(&senior, assessment).await.expect_status(OK);
        let visit = app.planned_visit(&teacher, "harton.demo", json!({})).await;
        app.request(&teacher, visit).await.expect_status(OK);
        app.authorise(&head, visit, json!({}))
            .await
            .expect_status(OK);
        app.step(&teacher, visit, "sign-out")
            .await
            .expect_status(OK);
        app.advance(10);

        let path = format!("/api/visits/{visit}/turn-back");
        let empty = app
            .post(&teacher, &path, json!({ "reason": "  " }))
            .await
            .expect_status(StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(empty["field"], "reason", "{empty}");
        let turned = app
            .post(
                &teacher,
                &path,
                json!({ "reason": "Road closed at the bridge" }),
            )
            .await
            .expect_status(OK);
        assert_eq!(turned["visit"]["status"], "turned_back", "{turned}");
        // The same tap again (the offline queue after a lost answer) changes nothing.
        app.post(
            &teacher,
            &path,
            json!({ "reason": "Road closed at the bridge" }),
        )
        .await
        .expect_status(OK);
        let refused = app
            .step(&teacher, visit, "arrived")
            .await
            .expect_status(StatusCode::CONFLICT);
        assert!(
            refused.to_string().contains("back at school or home safe"),
            "{refused}"
        );

        // Nothing is due at the house any more; getting back still is.
        let db = app.use_cases().db().clone();
        let kinds: Vec<DeadlineKind> = db
            .deadlines_of(VisitId(visit))
            .await
            .expect("deadlines")
            .iter()
            .map(|d| d.kind)
            .collect();
        assert!(!kinds.contains(&DeadlineKind::LeaveProperty), "{kinds:?}");
        assert!(kinds.contains(&DeadlineKind::Return), "{kinds:?}");

        // The buddy (the office, in this plan) is told in the app and by text, once.
        let told = db
            .notifications_with_key_prefix(&format!("visit:{visit}:turned_back:"), 10)
            .await
            .expect("messages");
        assert_eq!(told.len(), 2, "{told:?}");
        assert!(
            told.iter()
                .all(|n| n.staff_id == Some(school.staff("office"))
                    && n.body.contains("Road closed at the bridge")),
            "{told:?}"
        );

        // Today says so and offers the way back.
        let (_, page) = app.get(&teacher, "/today").await;
        let page = page.as_str().unwrap_or("");
        assert!(
            page.contains("Turned back — did not reach the house"),
            "{page}"
        );
        assert!(page.contains("Back at school"), "{page}");

        app.advance(20);
        app.post(
            &teacher,
            &format!("/api/visits/{visit}/returned"),
            json!({ "at_home": false }),
        )
        .await
        .expect_status(OK);
        assert!(db.watch(VisitId(visit)).await.expect("watch").is_none());
        assert!(
            db.deadlines_of(VisitId(visit))
                .await
                .expect("deadlines")
                .is_empty()
        );

        let trail = app
            .get(
                &head,
                &format!("/api/audit?subject_type=visit&subject_id={visit}"),
            )
            .await
            .expect_status(OK);
        let audited = trail
            .as_array()
            .and_then(|rows| rows.iter().find(|r| r["action"] == "visit.turned_back"))
            .unwrap_or_else(|| panic!("no turn back in the trail: {trail}"));
        assert_eq!(audited["detail"]["reason"], "Road closed at the bridge");
    })
    .await;
}
