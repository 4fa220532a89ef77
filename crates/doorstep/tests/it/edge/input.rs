//! One edge for input: a NUL or control character in a login e-mail, a query string or a text
//! field is a 4xx naming the field on SQLite and PostgreSQL (PostgreSQL refuses NUL in text, which
//! was a 500), with nothing written; a hostile `next` never sends a person off the site.

use crate::helpers::{PASSWORD, Session, TestApp, for_each_backend};
use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use serde_json::json;

async fn form_login(app: &TestApp, body: String) -> (StatusCode, Option<String>) {
    let req = Request::builder()
        .method(Method::POST)
        .uri("/login")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(body))
        .unwrap();
    let res = app.answer(req).await;
    let location = res
        .headers()
        .get(header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    (res.status(), location)
}

#[tokio::test]
async fn a_nul_in_a_login_email_is_refused_naming_the_email() {
    for_each_backend(|app| async move {
        let b = app.backend;
        let (status, body) = app
            .post(
                &Session::anonymous(),
                "/api/login",
                json!({ "email": "office@harton.demo\u{0}", "password": PASSWORD }),
            )
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "[{b}] {body}");
        assert_eq!(body["field"], "email", "[{b}] {body}");
        let (status, _) = form_login(
            &app,
            format!("email=office%40harton.demo%00&password={PASSWORD}"),
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "[{b}] the login form");
    })
    .await;
}

#[tokio::test]
async fn a_control_character_in_a_query_string_is_refused_naming_the_parameter() {
    for_each_backend(|app| async move {
        let b = app.backend;
        let head = app.login("head@harton.demo").await;
        for query in ["school_id=%00", "school_id=1%0d%0a", "school_id=%7f"] {
            let (status, body) = app
                .get(&head, &format!("/api/calendar-links?{query}"))
                .await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "[{b}] {query}: {body}");
            assert_eq!(body["field"], "school_id", "[{b}] {query}: {body}");
        }
        let (status, _) = app.get(&Session::anonymous(), "/login?next=%2F%00").await;
        assert_eq!(
            status,
            StatusCode::BAD_REQUEST,
            "[{b}] the login page's next"
        );
    })
    .await;
}

#[tokio::test]
async fn a_nul_in_a_text_field_is_refused_naming_it_and_nothing_is_written() {
    for_each_backend(|app| async move {
        let b = app.backend;
        let head = app.login("head@harton.demo").await;
        let (_, before) = app.get(&head, "/api/calendar-links").await;
        let (status, body) = app
            .post(
                &head,
                "/api/calendar-links",
                json!({ "scope": "mine", "label": "kitchen\u{0}wall" }),
            )
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "[{b}] {body}");
        assert_eq!(body["field"], "label", "[{b}] {body}");
        let (_, after) = app.get(&head, "/api/calendar-links").await;
        assert_eq!(before, after, "[{b}] nothing written");
        // A label is one line (#12: line breaks only in boxes of several lines): refused
        // naming it, in words that say what to do.
        let (status, body) = app
            .post(
                &head,
                "/api/calendar-links",
                json!({ "scope": "mine", "label": "Kitchen\nwall" }),
            )
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "[{b}] {body}");
        assert_eq!(body["field"], "label", "[{b}] {body}");
        assert!(
            body["reason"].as_str().unwrap_or("").contains("one line"),
            "[{b}] {body}"
        );
    })
    .await;
}

#[tokio::test]
async fn a_hostile_next_never_sends_a_signed_in_person_off_the_site() {
    for_each_backend(|app| async move {
        let b = app.backend;
        for next in [
            "%2F%09%2Fevil.example",
            "%2F%2Fevil.example",
            "%2F%5Cevil.example",
            "https%3A%2F%2Fevil.example",
            "%2Fvisits%0D%0ASet-Cookie%3A+x%3D1",
            "%2F%250d%250aLocation%3A+x",
        ] {
            let form = format!("email=office%40harton.demo&password={PASSWORD}&next={next}");
            let (status, location) = form_login(&app, form).await;
            assert_eq!(status, StatusCode::SEE_OTHER, "[{b}] next={next}");
            assert_eq!(location.as_deref(), Some("/"), "[{b}] next={next}");
        }
        let form =
            format!("email=office%40harton.demo&password={PASSWORD}&next=%2Fvisits%3Ftab%3D1");
        let (_, location) = form_login(&app, form).await;
        assert_eq!(
            location.as_deref(),
            Some("/visits?tab=1"),
            "[{b}] a page of this site is followed"
        );
    })
    .await;
}

/// Query parameters get the length checks of body texts (#12 item 5): a 60 KB `from` (about
/// the most an address can hold), a long
/// `term` or `kind` is refused naming the parameter (422, as a too-long body text), on pages
/// and the API alike, before any report or chronology is read.
#[tokio::test]
async fn a_query_parameter_too_long_is_refused_naming_it() {
    for_each_backend(|app| async move {
        let b = app.backend;
        let school = app.school("harton.demo").await;
        let head = app.login(&school.email("head")).await;
        let mega = "2".repeat(60_000);
        let ava = school.ava;
        for (path, param) in [
            (
                format!("/api/reports/governors?from={mega}&to=2026-12-01"),
                "from",
            ),
            (
                format!("/api/reports/governors?term={}", "t".repeat(11)),
                "term",
            ),
            (format!("/reports?to={}", "9".repeat(33)), "to"),
            (
                format!("/api/pupils/{ava}/chronology?kind={}", "k".repeat(201)),
                "kind",
            ),
            (
                format!("/api/visits?anything={}", "a".repeat(2049)),
                "anything",
            ),
        ] {
            let (status, body) = app.get(&head, &path).await;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "[{b}] {param}");
            assert_eq!(body["field"], param, "[{b}] {body}");
            let reason = body["reason"].as_str().unwrap_or_default();
            assert!(
                reason.contains("characters long; at most"),
                "[{b}] {reason}"
            );
        }
        // Within the limits, the report is read.
        let (status, _) = app
            .get(
                &head,
                "/api/reports/governors?from=2026-09-01&to=2026-12-01",
            )
            .await;
        assert_eq!(status, StatusCode::OK, "[{b}]");
    })
    .await;
}
