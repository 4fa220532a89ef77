//! Developer words in refusals (tester's report D, #12 item 5): each request the tester sent is
//! answered in a school office's words, naming the box, on SQLite and PostgreSQL. No answer
//! carries a decoder's words (`expected struct`, `internally tagged`, `invalid type:`,
//! `Event::`), the state machine's (`illegal_step`) or a bare "must not be empty".

use crate::helpers::{TestApp, for_each_backend};
use axum::http::{Method, StatusCode};
use serde_json::{Value, json};

const DEVELOPER: [&str; 8] = [
    "expected struct",
    "internally tagged",
    "invalid type:",
    "invalid length",
    "Event::",
    "illegal_step",
    "snake_case field names",
    "no such pupil",
];

/// The answer's reason (JSON) or the page (HTML), checked for developer words; the field named.
fn plain(what: &str, answer: &Value) -> (String, String) {
    let reason = answer["reason"].as_str().map_or_else(
        || answer.as_str().unwrap_or_default().to_string(),
        str::to_string,
    );
    for words in DEVELOPER {
        assert!(!reason.contains(words), "{what}: '{words}' in {reason}");
    }
    assert_ne!(reason.trim(), "must not be empty", "{what}: which box?");
    let field = answer["field"].as_str().unwrap_or_default().to_string();
    (field, reason)
}

async fn send(app: &TestApp, who: &crate::helpers::Session, path: &str, body: &str) -> Value {
    let json = Some("application/json");
    app.send_raw(who, Method::POST, path, json, body.to_string())
        .await
        .1
}

#[tokio::test]
async fn refusals_speak_a_school_s_words_and_name_the_box() {
    for_each_backend(|app| async move {
        let b = app.backend;
        let school = app.school("harton.demo").await;
        let other = app.school("kingsdown.demo").await;
        let teacher = app.login(&school.email("teacher")).await;
        let office = app.login(&school.email("office")).await;
        let plan = |over: Value| crate::helpers::visit_plan(&school, &app, over).to_string();

        // The whole body the wrong shape.
        let said = send(&app, &teacher, "/api/visits", "[]").await;
        let (field, reason) = plain(&format!("[{b}] []"), &said);
        assert_eq!(field, "body", "[{b}]");
        assert!(reason.contains("one JSON object"), "[{b}] {reason}");

        // A tagged choice sent as a word.
        let body = plan(json!({ "appointment": "agreed" }));
        let said = send(&app, &teacher, "/api/visits", &body).await;
        let (field, _) = plain(&format!("[{b}] appointment"), &said);
        assert_eq!(field, "appointment", "[{b}] {said}");

        // Times out of order name both in words.
        let body = plan(json!({ "planned_arrive": app.at("09:00") }));
        let said = send(&app, &teacher, "/api/visits", &body).await;
        let (field, reason) = plain(&format!("[{b}] times"), &said);
        assert_eq!(field, "planned_arrive", "[{b}] {said}");
        assert!(!reason.contains("planned_leave_school"), "[{b}] {reason}");

        // Another school's pupil.
        let body = plan(json!({ "pupil_id": other.ava }));
        let said = send(&app, &teacher, "/api/visits", &body).await;
        let (field, _) = plain(&format!("[{b}] pupil"), &said);
        assert_eq!(field, "pupil_id", "[{b}] {said}");

        // A risk level that is not one: named by its box, not "body".
        let mut risk = crate::helpers::risk_assessment("medium", "low");
        risk["risk_after_controls"] = json!("tiny");
        let path = format!("/api/households/{}/risk-assessments", school.smith);
        let said = send(&app, &teacher, &path, &risk.to_string()).await;
        let (field, reason) = plain(&format!("[{b}] risk level"), &said);
        assert_eq!(field, "risk_after_controls", "[{b}] {said}");
        assert!(reason.contains("low, medium, high"), "[{b}] {reason}");

        // An empty CTF.
        let said = send(
            &app,
            &office,
            "/api/imports/ctf",
            r#"{"xml": "", "dry_run": true}"#,
        )
        .await;
        let (field, _) = plain(&format!("[{b}] empty CTF"), &said);
        assert_eq!(field, "xml", "[{b}] {said}");

        // A request with a JSON content type and no body is a request (README).
        let visit = app.planned_visit(&teacher, "harton.demo", json!({})).await;
        let path = format!("/api/visits/{visit}/request");
        let (status, said) = app
            .send_raw(&teacher, Method::POST, &path, Some("application/json"), "")
            .await;
        assert_ne!(status, StatusCode::BAD_REQUEST, "[{b}] {said}");

        // A step the visit cannot take now.
        let path = format!("/api/visits/{visit}/returned");
        let (status, said) = app
            .send_raw(
                &teacher,
                Method::POST,
                &path,
                Some("application/json"),
                "{}",
            )
            .await;
        assert_eq!(status, StatusCode::CONFLICT, "[{b}] {said}");
        plain(&format!("[{b}] step"), &said);

        // An empty reason for more time, and a phoned-in caller who is not on the visit.
        let out = super::more_time::out(&app, &teacher).await;
        let path = format!("/api/visits/{out}/extend");
        let said = send(&app, &teacher, &path, r#"{"reason": ""}"#).await;
        let (field, reason) = plain(&format!("[{b}] extend"), &said);
        assert_eq!(field, "reason", "[{b}] {said}");
        assert!(reason.starts_with("Enter the reason"), "[{b}] {reason}");
        let path = format!("/api/visits/{out}/phoned-in");
        let said = send(&app, &office, &path, r#"{"caller_staff_id": 999999}"#).await;
        let (field, _) = plain(&format!("[{b}] phoned in"), &said);
        assert_eq!(field, "caller_staff_id", "[{b}] {said}");

        // The household review note and the visit's outcome, on the pages.
        let head = app.login(&school.email("head")).await;
        let form = Some("application/x-www-form-urlencoded");
        let path = format!("/households/{}/review", school.smith);
        let (status, page) = app
            .send_raw(&head, Method::POST, &path, form, "note=")
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "[{b}]");
        let html = page.as_str().unwrap_or_default();
        assert!(!html.contains("must not be empty"), "[{b}] review note");

        // An address that does not exist names no field.
        let (status, said) = app.get(&teacher, "/api/nonexistent").await;
        assert_eq!(status, StatusCode::NOT_FOUND, "[{b}]");
        assert!(said["field"].is_null(), "[{b}] {said}");
    })
    .await;
}
