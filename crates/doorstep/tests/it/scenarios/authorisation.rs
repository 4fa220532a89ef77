//! P9 to P11: who may authorise, caution flags, blocked households, staff safety concerns, and
//! no sign-out before authorisation.

use super::*;

#[tokio::test]
async fn nobody_can_sign_out_before_the_visit_is_authorised() {
    for_each_backend(|app| async move {
        let school = app.school("harton.demo").await;
        let teacher = app.login(&school.email("teacher")).await;
        let office = app.login(&school.email("office")).await;
        let head = app.login(&school.email("head")).await;
        let visit = app.planned_visit(&teacher, "harton.demo", json!({})).await;

        let body = app
            .step(&teacher, visit, "sign-out")
            .await
            .expect_status(StatusCode::CONFLICT);
        assert_eq!(body["error"], "illegal_step");
        assert_eq!(body["allowed"], json!(["request", "cancel"]));
        let reason = body["reason"].as_str().unwrap_or_default();
        assert!(
            reason.contains("draft") && reason.contains("request, cancel"),
            "{reason}"
        );

        app.request(&teacher, visit).await.expect_status(OK);
        for who in [&teacher, &office, &head] {
            let body = app
                .step(who, visit, "sign-out")
                .await
                .expect_status(StatusCode::CONFLICT);
            assert_eq!(body["error"], "illegal_step");
            assert!(
                body["reason"]
                    .as_str()
                    .unwrap_or_default()
                    .contains("authorise"),
                "{body}"
            );
        }

        app.authorise(&head, visit, json!({}))
            .await
            .expect_status(OK);
        let body = app
            .step(&teacher, visit, "sign-out")
            .await
            .expect_status(OK);
        assert_eq!(body["visit"]["status"], "signed_out");
    })
    .await;
}

#[tokio::test]
async fn office_staff_and_teachers_cannot_authorise_a_visit() {
    for_each_backend(|app| async move {
        let school = app.school("harton.demo").await;
        let teacher = app.login(&school.email("teacher")).await;
        let office = app.login(&school.email("office")).await;
        let head = app.login(&school.email("head")).await;
        let visit = app.planned_visit(&teacher, "harton.demo", json!({})).await;
        app.request(&teacher, visit).await.expect_status(OK);

        for who in [&teacher, &office] {
            let body = app
                .authorise(who, visit, json!({}))
                .await
                .expect_status(FORBIDDEN);
            assert!(
                body["reason"]
                    .as_str()
                    .unwrap_or_default()
                    .contains("headteacher"),
                "{body}"
            );
        }
        // The head's page of the waiting visit leads to the decision; the planner's does not.
        let link = format!("href=\"/authorise/{visit}\"");
        let head_sees = super::policy_editing::page(&app, &head, &format!("/visits/{visit}")).await;
        assert!(head_sees.contains(&link), "{head_sees}");
        let teacher_sees =
            super::policy_editing::page(&app, &teacher, &format!("/visits/{visit}")).await;
        assert!(!teacher_sees.contains(&link), "{teacher_sees}");
        let (_, body) = app.get(&head, &format!("/api/visits/{visit}")).await;
        assert_eq!(body["visit"]["status"], "requested");
        assert_eq!(body["decisions"], json!([]));
        app.authorise(&head, visit, json!({}))
            .await
            .expect_status(OK);
    })
    .await;
}

/// A member of staff at `domain` whose only role is designated safeguarding lead.
async fn dsl_only(app: &TestApp, domain: &str) -> Session {
    let head = app.login(&format!("head@{domain}")).await;
    let email = format!("dsl.only@{domain}");
    let body = app
        .post(
            &head,
            "/api/staff",
            json!({
                "name": "Dana Lead",
                "email": email,
                "mobile": "07700 900999",
                "job_title": "Designated Safeguarding Lead",
                "roles": ["dsl"],
                "password": PASSWORD,
            }),
        )
        .await
        .expect_status(CREATED);
    // A senior role waits for a second person (#12 item 3): the school's DSL approves it.
    assert_eq!(body["roles"], json!([]));
    let dsl = app.login(&format!("dsl@{domain}")).await;
    let waiting = app.get(&dsl, "/api/role-grants").await.expect_status(OK);
    let grant = waiting["grants"]
        .as_array()
        .and_then(|g| g.iter().find(|g| g["staff_id"] == body["id"]))
        .and_then(|g| g["id"].as_i64())
        .expect("the grant waits for approval");
    let approved = app
        .post(
            &dsl,
            &format!("/api/role-grants/{grant}/approve"),
            json!({}),
        )
        .await
        .expect_status(OK);
    assert_eq!(approved["roles"], json!(["dsl"]));
    app.login(&email).await
}

#[tokio::test]
async fn an_hsp_visit_cannot_be_authorised_by_a_dsl_who_is_not_a_senior_leader() {
    for_each_backend(|app| async move {
        let school = app.school("hsp.demo").await;
        let teacher = app.login(&school.email("teacher")).await;
        let senior = app.login(&school.email("senior")).await;
        let dsl = dsl_only(&app, "hsp.demo").await;
        let visit = app.planned_visit(&teacher, "hsp.demo", json!({})).await;
        app.request(&teacher, visit).await.expect_status(OK);

        let body = app
            .authorise(&dsl, visit, json!({}))
            .await
            .expect_status(FORBIDDEN);
        let reason = body["reason"].as_str().unwrap_or_default();
        assert!(
            reason.contains("the headteacher or a senior leader"),
            "{reason}"
        );

        app.authorise(&senior, visit, json!({}))
            .await
            .expect_status(OK);
    })
    .await;
}

#[tokio::test]
async fn a_st_josephs_visit_is_authorised_by_the_dsl_but_not_by_a_senior_leader() {
    for_each_backend(|app| async move {
        let school = app.school("stjosephs.demo").await;
        let teacher = app.login(&school.email("teacher")).await;
        let senior = app.login(&school.email("senior")).await;
        let dsl = dsl_only(&app, "stjosephs.demo").await;
        let visit = app
            .planned_visit(&teacher, "stjosephs.demo", json!({}))
            .await;
        app.request(&teacher, visit).await.expect_status(OK);

        app.authorise(&senior, visit, json!({}))
            .await
            .expect_status(FORBIDDEN);
        let body = app
            .authorise(&dsl, visit, json!({}))
            .await
            .expect_status(OK);
        assert_eq!(body["decisions"][0]["decided_by"], dsl.id);
    })
    .await;
}

#[tokio::test]
async fn caution_flags_must_be_acknowledged_by_the_authoriser() {
    for_each_backend(|app| async move {
        let school = app.school("harton.demo").await;
        let other_school = app.school("hsp.demo").await;
        let teacher = app.login(&school.email("teacher")).await;
        let head = app.login(&school.email("head")).await;
        let visit = app
            .planned_visit(
                &teacher,
                "harton.demo",
                json!({ "pupil_id": school.zara, "expect_to_see": "Imran Khan (father)" }),
            )
            .await;
        app.request(&teacher, visit).await.expect_status(OK);

        let why = app
            .authorise(&head, visit, json!({}))
            .await
            .expect_refused("P10", "authorisation.caution_flags_must_be_acknowledged");
        assert!(why.contains("1 caution flag"), "{why}");

        // Another household's flag does not count.
        app.authorise(
            &head,
            visit,
            json!({ "acknowledge_cautions": [other_school.khan_caution] }),
        )
        .await
        .expect_field_error(StatusCode::UNPROCESSABLE_ENTITY, "acknowledge_cautions[0]");

        let body = app
            .authorise(
                &head,
                visit,
                json!({ "acknowledge_cautions": [school.khan_caution] }),
            )
            .await
            .expect_status(OK);
        assert_eq!(body["visit"]["status"], "authorised");
        assert_eq!(body["acknowledged_cautions"], json!([school.khan_caution]));
    })
    .await;
}

#[tokio::test]
async fn a_blocked_household_takes_no_new_request_until_a_senior_leader_reviews_it() {
    for_each_backend(|app| async move {
        let school = app.school("harton.demo").await;
        let teacher = app.login(&school.email("teacher")).await;
        let office = app.login(&school.email("office")).await;
        let senior = app.login(&school.email("senior")).await;
        let household = format!("/api/households/{}", school.smith);

        let blocked = app
            .post(
                &senior,
                &format!("{household}/block"),
                json!({ "reason": "Mother's partner threatened the attendance officer on Friday." }),
            )
            .await
            .expect_status(OK);
        assert_eq!(blocked["blocked"], true);

        let visit = app.planned_visit(&teacher, "harton.demo", json!({})).await;
        let why = app
            .request(&teacher, visit)
            .await
            .expect_refused("P10", "household.block_after_aggression");
        assert!(why.contains("senior leader must review"), "{why}");

        let review = json!({ "note": "Spoke to the family; visits in pairs only." });
        app.post(&teacher, &format!("{household}/review"), review.clone())
            .await
            .expect_status(FORBIDDEN);
        app.post(&office, &format!("{household}/review"), review.clone())
            .await
            .expect_status(FORBIDDEN);
        app.request(&teacher, visit)
            .await
            .expect_refused("P10", "household.block_after_aggression");

        let reviewed = app
            .post(&senior, &format!("{household}/review"), review)
            .await
            .expect_status(OK);
        assert_eq!(reviewed["blocked"], false);
        assert_eq!(reviewed["reviewed_by"], senior.id);
        app.request(&teacher, visit).await.expect_status(OK);
    })
    .await;
}

#[tokio::test]
async fn a_raised_safety_concern_holds_the_visit_until_it_is_resolved() {
    for_each_backend(|app| async move {
        let school = app.school("harton.demo").await;
        let teacher = app.login(&school.email("teacher")).await;
        let liaison = app.login(&school.email("liaison")).await;
        let head = app.login(&school.email("head")).await;
        let visit = app.planned_visit(&teacher, "harton.demo", json!({})).await;
        app.request(&teacher, visit).await.expect_status(OK);

        let concern = app
            .post(
                &teacher,
                &format!("/api/visits/{visit}/concerns"),
                json!({ "concern": "I do not feel safe going: the partner has been released this week." }),
            )
            .await
            .expect_status(CREATED);
        let concern_id = concern["id"].as_i64().expect("a concern id");
        let why = app
            .authorise(&head, visit, json!({}))
            .await
            .expect_refused("P11", "safety_concerns");
        assert!(why.contains("safety concern"), "{why}");

        let resolution = json!({ "resolution": "Police confirmed he is not at the address; go in pairs." });
        app.post(&teacher, &format!("/api/concerns/{concern_id}/resolve"), resolution.clone())
            .await
            .expect_status(FORBIDDEN);
        let resolved = app
            .post(&head, &format!("/api/concerns/{concern_id}/resolve"), resolution.clone())
            .await
            .expect_status(OK);
        assert_eq!(resolved["resolved_by"], head.id);
        app.authorise(&head, visit, json!({}))
            .await
            .expect_status(OK);

        // A concern raised after authorisation holds the sign-out too.
        let concern = app
            .post(
                &liaison,
                &format!("/api/visits/{visit}/concerns"),
                json!({ "concern": "The family asked us not to come today." }),
            )
            .await
            .expect_status(CREATED);
        app.step(&teacher, visit, "sign-out")
            .await
            .expect_refused("P11", "safety_concerns");
        app.post(
            &head,
            &format!("/api/concerns/{}/resolve", concern["id"]),
            resolution,
        )
        .await
        .expect_status(OK);
        app.step(&teacher, visit, "sign-out")
            .await
            .expect_status(OK);
    })
    .await;
}
