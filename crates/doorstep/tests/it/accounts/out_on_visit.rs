//! Tester's A2: ending my other sessions while I am out on a visit (from the laptop, or by a new
//! password) must not take panic away from the phone I signed the visit out from. Those sessions
//! lapse: they open nothing, but that visit's safety taps still go through.

use super::{ANDROID, WINDOWS, call, sign_in};
use crate::helpers::{Answer, PASSWORD, for_each_backend};
use axum::http::{Method, StatusCode};
use serde_json::json;

const TEACHER: &str = "teacher@harton.demo";

#[tokio::test]
async fn signing_out_other_devices_while_out_leaves_the_phone_its_panic_button() {
    for_each_backend(|app| async move {
        let b = app.backend;
        let school = app.school("harton.demo").await;
        let senior = app.login(&school.email("senior")).await;
        let head = app.login(&school.email("head")).await;
        let teacher = app.login(TEACHER).await;
        let assessment = app
            .assess_risk(&senior, school.smith, "medium", "low")
            .await;
        app.sign_off(&senior, assessment)
            .await
            .expect_status(StatusCode::OK);
        let visit = app.planned_visit(&teacher, "harton.demo", json!({})).await;
        app.request(&teacher, visit)
            .await
            .expect_status(StatusCode::OK);
        app.authorise(&head, visit, json!({}))
            .await
            .expect_status(StatusCode::OK);

        let (_, phone) = sign_in(&app, TEACHER, PASSWORD, ANDROID).await;
        let phone = phone.unwrap();
        let (_, desk) = sign_in(&app, TEACHER, PASSWORD, WINDOWS).await;
        let desk = desk.unwrap();
        let path = |step: &str| format!("/api/visits/{visit}/{step}");
        let (status, body) = call(
            &app,
            &phone,
            Method::POST,
            &path("sign-out"),
            Some(json!({})),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "[{b}] {body}");

        let (status, body) = call(
            &app,
            &desk,
            Method::POST,
            "/api/me/sessions/sign-out-others",
            None,
        )
        .await;
        assert_eq!(status, StatusCode::OK, "[{b}] {body}");
        // The phone's session opens nothing any more...
        let (status, _) = call(&app, &phone, Method::GET, "/api/me", None).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "[{b}]");
        let (status, _) = call(
            &app,
            &phone,
            Method::GET,
            &format!("/api/visits/{visit}"),
            None,
        )
        .await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "[{b}]");
        // ...but "I'm OK" and panic from it still reach school.
        let (status, body) = call(
            &app,
            &phone,
            Method::POST,
            &path("check-in"),
            Some(json!({})),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "[{b}] {body}");
        let (status, body) =
            call(&app, &phone, Method::POST, &path("panic"), Some(json!({}))).await;
        assert_eq!(status, StatusCode::CREATED, "[{b}] {body}");
        assert!(body["alarm_id"].as_i64().is_some(), "[{b}] {body}");

        // A new password from the desk does the same to a second phone.
        let (_, phone2) = sign_in(&app, TEACHER, PASSWORD, ANDROID).await;
        let phone2 = phone2.unwrap();
        let change =
            json!({ "current_password": PASSWORD, "new_password": "a brand new passphrase 42" });
        let (status, body) =
            call(&app, &desk, Method::POST, "/api/me/password", Some(change)).await;
        assert_eq!(status, StatusCode::OK, "[{b}] {body}");
        let (status, _) = call(&app, &phone2, Method::GET, "/api/me", None).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "[{b}]");
        let (status, body) = call(
            &app,
            &phone2,
            Method::POST,
            &path("check-in"),
            Some(json!({})),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "[{b}] {body}");

        // Back at school, an ended session sends nothing.
        for step in ["arrived", "left", "returned"] {
            let (status, body) =
                call(&app, &desk, Method::POST, &path(step), Some(json!({}))).await;
            assert_eq!(status, StatusCode::OK, "[{b}] {step}: {body}");
        }
        let (status, _) = call(
            &app,
            &phone,
            Method::POST,
            &path("check-in"),
            Some(json!({})),
        )
        .await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "[{b}]");
    })
    .await;
}
