//! #11 item 10: a buddy hand-over cannot be half done. The visit's buddy is one value: after the
//! hand-over the new buddy reads the visit with its code word, can raise duress and shows on
//! Today; the buddy who left no longer does.

use super::*;

#[tokio::test]
async fn after_a_hand_over_the_new_buddy_has_the_code_word_and_duress_and_the_old_one_nothing() {
    for_each_backend(|app| async move {
        let school = app.school("harton.demo").await;
        let teacher = app.login(&school.email("teacher")).await;
        let senior = app.login(&school.email("senior")).await;
        let head = app.login(&school.email("head")).await;
        let old_buddy = app.login(&school.email("liaison")).await;
        // A teaching assistant: like the liaison, sees only the visits they are on.
        let added = app
            .post(
                &head,
                "/api/staff",
                json!({
                    "name": "Tess Assistant",
                    "email": "tess@harton.demo",
                    "mobile": "07700900777",
                    "job_title": "Teaching Assistant",
                    "roles": ["visiting_staff"],
                    "password": PASSWORD,
                    "school_id": school.id
                }),
            )
            .await
            .expect_status(CREATED);
        let new_buddy = app.login("tess@harton.demo").await;
        let mobile = added["mobile"].as_str().expect("a mobile").to_string();

        let assessment = app
            .assess_risk(&senior, school.smith, "medium", "low")
            .await;
        app.sign_off(&senior, assessment).await.expect_status(OK);
        let plan = json!({
            "visitors": [
                { "staff_id": school.staff("teacher"), "role_on_visit": "class teacher" },
                { "staff_id": school.staff("senior"), "role_on_visit": "deputy head" }
            ],
            "buddy_staff_id": school.staff("liaison"),
        });
        let visit = app.planned_visit(&teacher, "harton.demo", plan).await;
        app.request(&teacher, visit).await.expect_status(OK);
        app.authorise(&head, visit, json!({}))
            .await
            .expect_status(OK);
        app.step(&teacher, visit, "sign-out")
            .await
            .expect_status(OK);

        let path = format!("/api/visits/{visit}");
        let seen = app.get(&old_buddy, &path).await.expect_status(OK);
        assert_eq!(seen["visit"]["code_word"], "bluebell", "{seen}");
        app.get(&new_buddy, &path).await.expect_status(NOT_FOUND);

        app.post(
            &old_buddy,
            &format!("/api/visits/{visit}/buddy-handover"),
            json!({ "to_staff_id": new_buddy.id }),
        )
        .await
        .expect_status(OK);

        let seen = app.get(&new_buddy, &path).await.expect_status(OK);
        assert_eq!(seen["visit"]["code_word"], "bluebell", "{seen}");
        let duress = format!("/api/visits/{visit}/duress");
        app.post(&new_buddy, &duress, json!({}))
            .await
            .expect_status(CREATED);
        app.get(&old_buddy, &path).await.expect_status(NOT_FOUND);
        app.post(&old_buddy, &duress, json!({ "client_ref": "old-buddy" }))
            .await
            .expect_status(NOT_FOUND);

        // Today, for the visitors and for the new buddy (with the duress button).
        let today = app.get(&teacher, "/today").await.expect_status(OK);
        let page = today.as_str().expect("an HTML page");
        assert!(
            page.contains("Tess Assistant") && page.contains(&mobile),
            "Today shows the new buddy and their mobile: {page}"
        );
        assert!(
            !page.contains("Lina Liaison"),
            "Today no longer shows the buddy who left"
        );
        let theirs = app.get(&new_buddy, "/today").await.expect_status(OK);
        let theirs = theirs.as_str().expect("an HTML page");
        assert!(theirs.contains("They said the code word"), "{theirs}");
        assert!(theirs.contains("bluebell"), "{theirs}");
        let gone = app.get(&old_buddy, "/today").await.expect_status(OK);
        let gone = gone.as_str().expect("an HTML page");
        assert!(
            !gone.contains("bluebell") && !gone.contains("They said the code word"),
            "{gone}"
        );

        // The trail says who handed over to whom.
        let trail = app
            .get(
                &head,
                &format!("/api/audit?subject_type=visit&subject_id={visit}"),
            )
            .await
            .expect_status(OK);
        let handed = trail
            .as_array()
            .and_then(|rows| rows.iter().find(|r| r["action"] == "visit.buddy_handover"))
            .unwrap_or_else(|| panic!("no hand-over in the trail: {trail}"));
        assert_eq!(
            handed["detail"]["from_staff_id"],
            json!(school.staff("liaison")),
            "{handed}"
        );
    })
    .await;
}
