//! Running the school: signing in and out, and a blocked household's review, as the audit
//! trail and a second reviewer see them.

use super::*;

#[tokio::test]
async fn signing_in_and_signing_out_are_both_in_the_audit_trail() {
    for_each_backend(|app| async move {
        let school = app.school("harton.demo").await;
        let dsl = app.login(&school.email("dsl")).await;
        let teacher = app.login(&school.email("teacher")).await;
        app.post(&teacher, "/api/logout", json!({}))
            .await
            .expect_status(StatusCode::NO_CONTENT);
        app.get(&teacher, "/api/me")
            .await
            .expect_status(StatusCode::UNAUTHORIZED);

        let trail = app
            .get(
                &dsl,
                &format!("/api/audit?subject_type=staff&subject_id={}", teacher.id),
            )
            .await
            .expect_status(OK);
        let actions: Vec<&str> = trail
            .as_array()
            .expect("a list")
            .iter()
            .filter(|e| e["actor_staff_id"] == teacher.id)
            .filter_map(|e| e["action"].as_str())
            .collect();
        assert!(actions.contains(&"session.login"), "{trail}");
        assert!(actions.contains(&"session.logout"), "{trail}");
    })
    .await;
}

#[tokio::test]
async fn a_household_already_reviewed_cannot_be_reviewed_again() {
    for_each_backend(|app| async move {
        let school = app.school("harton.demo").await;
        let senior = app.login(&school.email("senior")).await;
        let household = format!("/api/households/{}", school.smith);
        app.post(
            &senior,
            &format!("{household}/block"),
            json!({ "reason": "Threats made at the door." }),
        )
        .await
        .expect_status(OK);
        let review = json!({ "note": "Visits in pairs only." });
        app.post(&senior, &format!("{household}/review"), review.clone())
            .await
            .expect_status(OK);
        let again = app
            .post(&senior, &format!("{household}/review"), review)
            .await
            .expect_status(StatusCode::CONFLICT);
        assert_eq!(again["field"], "blocked", "{again}");
    })
    .await;
}
