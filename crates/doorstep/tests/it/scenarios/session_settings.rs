//! #12 item 3: the idle timeout and the lifetime of a sign-in are settings
//! (`--session-idle-minutes`, `--session-max-minutes`), and still never stop a visitor out on a
//! visit from sending a check-in or a panic.

use super::*;
use app::school_admin::SessionLimits;

const UNAUTHORISED: StatusCode = StatusCode::UNAUTHORIZED;

#[tokio::test]
async fn a_school_sets_30_minutes_unused_and_2_hours_at_most() {
    for_each_backend(|app| async move {
        let limits = SessionLimits::new(30, 120).expect("valid limits");
        let app = app.with_session_limits(limits);
        let school = app.school("harton.demo").await;
        let teacher = app.login(&school.email("teacher")).await;
        let senior = app.login(&school.email("senior")).await;
        let head = app.login(&school.email("head")).await;
        let unused = app.login(&school.email("office")).await;
        // The teacher goes out on a visit, signed in at 08:00.
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

        // The senior leader uses Doorstep every 20 minutes; the office not at all.
        for step in 1..=5 {
            app.advance(20);
            app.get(&senior, "/api/me").await.expect_status(OK);
            if step == 2 {
                app.get(&unused, "/api/me")
                    .await
                    .expect_status(UNAUTHORISED);
            }
        }
        // 08:00 + 2 hours: the lifetime is over however busy the session was.
        app.advance(20);
        app.get(&senior, "/api/me")
            .await
            .expect_status(UNAUTHORISED);
        // The visitor, out all this time and not using the phone, is still heard.
        app.post(
            &teacher,
            &format!("/api/visits/{visit}/check-in"),
            json!({ "note": "Running late" }),
        )
        .await
        .expect_status(OK);
        app.post(
            &teacher,
            &format!("/api/visits/{visit}/panic"),
            json!({ "note": "Help" }),
        )
        .await
        .expect_status(CREATED);
        app.get(&teacher, "/api/staff")
            .await
            .expect_status(UNAUTHORISED);
    })
    .await;
}
