//! D5, D6: an alarm tapped on a phone with a poor signal reaches the board once, however often
//! the phone's offline queue sends it.

use super::*;

#[tokio::test]
async fn a_panic_sent_again_by_the_phone_raises_one_alarm() {
    for_each_backend(|app| async move {
        let school = app.school("harton.demo").await;
        let teacher = app.login(&school.email("teacher")).await;
        let senior = app.login(&school.email("senior")).await;
        let head = app.login(&school.email("head")).await;
        let office = app.login(&school.email("office")).await;
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

        let panic = format!("/api/visits/{visit}/panic");
        let tap = json!({ "note": "Help", "client_ref": "phone-tap-1" });
        let first = app
            .post(&teacher, &panic, tap.clone())
            .await
            .expect_status(CREATED);
        let again = app.post(&teacher, &panic, tap).await.expect_status(OK);
        assert_eq!(
            first["alarm_id"], again["alarm_id"],
            "the resend answers with the first alarm"
        );

        let observation = format!("/api/visits/{visit}/observations");
        let seen = json!({ "kind": "child_alone", "client_ref": "phone-tap-2" });
        app.post(&teacher, &observation, seen.clone())
            .await
            .expect_status(CREATED);
        app.post(&teacher, &observation, seen)
            .await
            .expect_status(OK);

        let second_tap = json!({ "note": "Still need help", "client_ref": "phone-tap-3" });
        let second = app
            .post(&teacher, &panic, second_tap)
            .await
            .expect_status(CREATED);
        assert_ne!(
            second["alarm_id"], first["alarm_id"],
            "a new tap is a new alarm"
        );

        let alarms = app.get(&office, "/api/alarms").await.expect_status(OK);
        let kinds: Vec<&str> = alarms
            .as_array()
            .expect("a list")
            .iter()
            .filter(|a| a["visit_id"] == json!(visit))
            .filter_map(|a| a["kind"].as_str())
            .collect();
        assert_eq!(
            kinds.iter().filter(|k| **k == "panic").count(),
            2,
            "{alarms}"
        );
        assert_eq!(
            kinds.iter().filter(|k| **k == "child_alone").count(),
            1,
            "{alarms}"
        );

        let too_long = json!({ "client_ref": "x".repeat(101) });
        let refused = app
            .post(&teacher, &panic, too_long)
            .await
            .expect_status(StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(refused["field"], "client_ref", "{refused}");
    })
    .await;
}

/// An authorised visit of `school` by the teacher and the senior leader (not the liaison, who is
/// the school's attendance lead), signed out now; its id.
async fn signed_out_without_the_liaison(app: &TestApp, domain: &str) -> i64 {
    let school = app.school(domain).await;
    let teacher = app.login(&school.email("teacher")).await;
    let senior = app.login(&school.email("senior")).await;
    let head = app.login(&school.email("head")).await;
    let assessment = app
        .assess_risk(&senior, school.smith, "medium", "low")
        .await;
    app.sign_off(&senior, assessment).await.expect_status(OK);
    let visitors = json!({ "visitors": [
        { "staff_id": school.staff("teacher"), "role_on_visit": "class teacher" },
        { "staff_id": school.staff("senior"), "role_on_visit": "deputy head" }
    ] });
    let visit = app.planned_visit(&teacher, domain, visitors).await;
    app.request(&teacher, visit).await.expect_status(OK);
    app.authorise(&head, visit, json!({}))
        .await
        .expect_status(OK);
    app.step(&teacher, visit, "sign-out")
        .await
        .expect_status(OK);
    visit
}

#[tokio::test]
async fn the_attendance_lead_who_sees_an_alarm_on_the_board_may_acknowledge_it() {
    for_each_backend(|app| async move {
        let visit = signed_out_without_the_liaison(&app, "hsp.demo").await;
        let school = app.school("hsp.demo").await;
        let teacher = app.login(&school.email("teacher")).await;
        let lead = app.login(&school.email("liaison")).await;
        let raised = app
            .post(&teacher, &format!("/api/visits/{visit}/panic"), json!({}))
            .await
            .expect_status(CREATED);
        let alarm = raised["alarm_id"].as_i64().expect("an alarm id");

        let board = app.get(&lead, "/api/board").await.expect_status(OK);
        assert!(
            board["alarms"]
                .as_array()
                .expect("a list")
                .iter()
                .any(|a| a["id"] == json!(alarm)),
            "the attendance lead sees the alarm: {board}"
        );
        let note = json!({ "note": "Ringing Tom now" });
        let acked = app
            .post(&lead, &format!("/api/alarms/{alarm}/acknowledge"), note)
            .await
            .expect_status(OK);
        assert_eq!(acked["state"], "acknowledged", "{acked}");
        assert_eq!(acked["acknowledged_by"], json!(lead.id), "{acked}");
    })
    .await;
}

#[tokio::test]
async fn a_check_in_the_stopped_writer_cannot_write_answers_503_not_409() {
    for_each_backend(|app| async move {
        let (app, writer) = app.with_group_commit();
        let visit = signed_out_without_the_liaison(&app, "harton.demo").await;
        let school = app.school("harton.demo").await;
        let teacher = app.login(&school.email("teacher")).await;
        let check_in = format!("/api/visits/{visit}/check-in");
        app.post(&teacher, &check_in, json!({}))
            .await
            .expect_status(OK);
        let (status, health) = app.get(&Session::anonymous(), "/healthz").await;
        assert_eq!(status, OK, "healthy while the writer runs: {health}");

        writer.stop_for_test();
        writer.closed().await;
        app.advance(5);
        let (status, body) = app.post(&teacher, &check_in, json!({})).await;
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
        assert_eq!(body["error"], "unavailable", "{body}");
        assert!(
            body["reason"].as_str().is_some_and(|r| !r.is_empty()),
            "{body}"
        );
        // The technician's probe sees it too, so the service manager restarts Doorstep.
        let (status, health) = app.get(&Session::anonymous(), "/healthz").await;
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{health}");
        assert_eq!(health["healthy"], false, "{health}");
        assert!(
            health["problems"]
                .as_array()
                .is_some_and(|p| p.iter().any(|p| p
                    .as_str()
                    .is_some_and(|p| p.contains("check-in writer has stopped")))),
            "{health}"
        );
    })
    .await;
}
