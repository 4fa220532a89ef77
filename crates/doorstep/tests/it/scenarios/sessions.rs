//! #11 item 5: sessions slide with use (12 hours unused, 24 hours at most from signing in), and a
//! visitor out on a visit is never refused a safety tap because their session is old.

use super::*;

const UNAUTHORISED: StatusCode = StatusCode::UNAUTHORIZED;

/// The teacher's visit of Harton's Smith family, authorised and signed out by the teacher; its id.
async fn signed_out_by(app: &TestApp, teacher: &Session) -> i64 {
    let school = app.school("harton.demo").await;
    let senior = app.login(&school.email("senior")).await;
    let head = app.login(&school.email("head")).await;
    let assessment = app
        .assess_risk(&senior, school.smith, "medium", "low")
        .await;
    app.sign_off(&senior, assessment).await.expect_status(OK);
    let visit = app.planned_visit(teacher, "harton.demo", json!({})).await;
    app.request(teacher, visit).await.expect_status(OK);
    app.authorise(&head, visit, json!({}))
        .await
        .expect_status(OK);
    app.step(teacher, visit, "sign-out").await.expect_status(OK);
    visit
}

#[tokio::test]
async fn a_visitor_out_on_a_visit_sends_panic_and_check_ins_on_a_13_hour_old_session() {
    for_each_backend(|app| async move {
        let school = app.school("harton.demo").await;
        let teacher = app.login(&school.email("teacher")).await;
        let office = app.login(&school.email("office")).await;
        app.get(&teacher, "/api/staff").await.expect_status(OK);
        let visit = signed_out_by(&app, &teacher).await;
        let other = app.planned_visit(&teacher, "harton.demo", json!({})).await;

        // Signed in at 08:00, out on the visit, and the phone unused until 21:00.
        app.advance(13 * 60);
        let check_in = format!("/api/visits/{visit}/check-in");
        app.post(&teacher, &check_in, json!({ "note": "Running late" }))
            .await
            .expect_status(OK);
        let panic = format!("/api/visits/{visit}/panic");
        let raised = app
            .post(&teacher, &panic, json!({ "note": "Help" }))
            .await
            .expect_status(CREATED);
        assert!(raised["alarm_id"].is_i64(), "{raised}");
        // The old session is for this visit's taps only.
        let refused = app
            .get(&teacher, "/api/staff")
            .await
            .expect_status(UNAUTHORISED);
        assert!(refused["error"].is_string(), "{refused}");
        // A visit that is not out is not opened by it either.
        app.post(&teacher, &format!("/api/visits/{other}/panic"), json!({}))
            .await
            .expect_status(UNAUTHORISED);
        // The office has been signed in all this time too, unused: lapsed as well.
        app.get(&office, "/api/alarms")
            .await
            .expect_status(UNAUTHORISED);

        // Leaving and coming back are not refused for the old session either; back at school,
        // it reads nothing and taps nothing.
        for step in ["arrived", "left", "returned"] {
            app.step(&teacher, visit, step).await.expect_status(OK);
        }
        app.get(&teacher, "/api/staff")
            .await
            .expect_status(UNAUTHORISED);
        app.post(&teacher, &check_in, json!({}))
            .await
            .expect_status(UNAUTHORISED);
    })
    .await;
}

#[tokio::test]
async fn a_session_used_every_hour_lasts_past_12_hours_until_the_24_hour_cap() {
    for_each_backend(|app| async move {
        let school = app.school("harton.demo").await;
        let teacher = app.login(&school.email("teacher")).await;
        let idle = app.login(&school.email("senior")).await;
        for hour in 1..=23 {
            app.advance(60);
            app.get(&teacher, "/api/staff").await.expect_status(OK);
            if hour == 12 {
                app.get(&idle, "/api/me").await.expect_status(UNAUTHORISED);
            }
        }
        // 24 hours after signing in the session ends however busy it was.
        app.advance(60);
        app.get(&teacher, "/api/staff")
            .await
            .expect_status(UNAUTHORISED);
        let again = app.login(&school.email("teacher")).await;
        app.get(&again, "/api/staff").await.expect_status(OK);
    })
    .await;
}
