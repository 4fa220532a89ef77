//! Deployment behind TLS: with `--public-url https://…` every answer (pages, JSON, CSV,
//! calendar feeds, static files, errors) carries the security headers, personal answers are never
//! stored, the session cookie is `Secure` and calendar links use the public address, not the
//! request's Host header.

use crate::helpers::{TestApp, for_each_backend};
use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use http_body_util::BodyExt;
use serde_json::json;

const PUBLIC: &str = "https://doorstep.harton.sch.uk";

fn behind_tls(app: TestApp) -> TestApp {
    let links = app::messages::Links::new(PUBLIC).unwrap();
    app.configured(|s| s.with_public_url(links))
}

async fn get_as(
    app: &TestApp,
    cookie: Option<&str>,
    path: &str,
) -> (StatusCode, HeaderMap, String) {
    let mut req = Request::builder()
        .method(Method::GET)
        .uri(path)
        .header(header::HOST, "evil.example");
    if let Some(c) = cookie {
        req = req.header(header::COOKIE, c);
    }
    let res = app.answer(req.body(Body::empty()).unwrap()).await;
    let (status, headers) = (res.status(), res.headers().clone());
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    (
        status,
        headers,
        String::from_utf8_lossy(&bytes).into_owned(),
    )
}

/// Signs in through the JSON API; the whole `Set-Cookie` value.
async fn sign_in(app: &TestApp, email: &str) -> String {
    let req = Request::builder()
        .method(Method::POST)
        .uri("/api/login")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(
            json!({ "email": email, "password": crate::helpers::PASSWORD }).to_string(),
        ))
        .unwrap();
    let res = app.answer(req).await;
    assert_eq!(res.status(), StatusCode::OK);
    let cookie = res
        .headers()
        .get(header::SET_COOKIE)
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    let security_ok = check_headers(res.headers(), true);
    assert_eq!(security_ok, Ok(()), "the login answer");
    cookie
}

fn check_headers(h: &HeaderMap, personal: bool) -> Result<(), String> {
    let want = [
        (
            "content-security-policy",
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
        ),
        ("x-content-type-options", "nosniff"),
        ("referrer-policy", "no-referrer"),
        ("x-frame-options", "DENY"),
        ("strict-transport-security", "max-age=31536000"),
    ];
    for (name, value) in want {
        let got = h.get(name).and_then(|v| v.to_str().ok());
        if got != Some(value) {
            return Err(format!("{name}: {got:?}"));
        }
    }
    let cache = h.get(header::CACHE_CONTROL).and_then(|v| v.to_str().ok());
    match (personal, cache) {
        (true, Some("no-store")) => Ok(()),
        (false, Some(c)) if c.starts_with("public") => Ok(()),
        (_, other) => Err(format!("cache-control: {other:?}")),
    }
}

#[tokio::test]
async fn every_kind_of_answer_carries_the_security_headers_and_personal_ones_are_not_stored() {
    for_each_backend(|app| async move {
        let b = app.backend;
        let app = behind_tls(app);
        let cookie_header = sign_in(&app, "head@harton.demo").await;
        for flag in ["HttpOnly", "SameSite=Strict", "Secure", "Path=/"] {
            assert!(
                cookie_header.contains(flag),
                "[{b}] cookie lacks {flag}: {cookie_header}"
            );
        }
        let cookie = cookie_header.split(';').next().unwrap().to_string();

        // A calendar link is written at the public address, whatever the Host header says.
        let req = Request::builder()
            .method(Method::POST)
            .uri("/api/calendar-links")
            .header(header::HOST, "evil.example")
            .header(header::CONTENT_TYPE, "application/json")
            .header(header::COOKIE, &cookie)
            .body(Body::from(json!({ "scope": "mine" }).to_string()))
            .unwrap();
        let res = app.answer(req).await;
        assert_eq!(res.status(), StatusCode::CREATED, "[{b}]");
        let bytes = res.into_body().collect().await.unwrap().to_bytes();
        let link: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        let url = link["url"].as_str().unwrap_or_default().to_string();
        assert!(
            url.starts_with(&format!("{PUBLIC}/")),
            "[{b}] calendar link {url}"
        );
        let feed = url.trim_start_matches(PUBLIC).to_string();

        let personal = [
            ("an HTML page", Some(&cookie), "/"),
            ("the login page", None, "/login"),
            ("JSON", Some(&cookie), "/api/me"),
            ("a JSON refusal", None, "/api/me"),
            ("a page not found", Some(&cookie), "/no/such/page"),
            ("the CSV export", Some(&cookie), "/api/exports/visits.csv"),
            ("the calendar feed", None, feed.as_str()),
            ("the API description", None, "/api/openapi.json"),
            ("the health check", None, "/healthz"),
        ];
        for (what, cookie, path) in personal {
            let (status, headers, _) = get_as(&app, cookie.map(String::as_str), path).await;
            assert_eq!(
                check_headers(&headers, true),
                Ok(()),
                "[{b}] {what} ({path}, {status})"
            );
        }
        let (status, headers, _) = get_as(&app, None, "/static/app.css").await;
        assert_eq!(status, StatusCode::OK, "[{b}]");
        assert_eq!(
            check_headers(&headers, false),
            Ok(()),
            "[{b}] a static file may be cached"
        );
    })
    .await;
}

#[tokio::test]
async fn without_an_https_public_address_there_is_no_hsts_nor_secure_cookie() {
    for_each_backend(|app| async move {
        let b = app.backend;
        let (_, headers, _) = get_as(&app, None, "/login").await;
        assert!(headers.get("strict-transport-security").is_none(), "[{b}]");
        assert!(headers.get("content-security-policy").is_some(), "[{b}]");
    })
    .await;
}

#[tokio::test]
async fn no_page_carries_inline_script_or_style() {
    for_each_backend(|app| async move {
        let b = app.backend;
        let app = behind_tls(app);
        let cookie = sign_in(&app, "head@harton.demo").await;
        let cookie = cookie.split(';').next().unwrap().to_string();
        for path in [
            "/",
            "/login",
            "/board?school_id=1",
            "/households",
            "/exports",
        ] {
            let (_, _, html) = get_as(&app, Some(&cookie), path).await;
            for inline in ["<script>", "style=\"", "<style", "onclick=", " onload="] {
                assert!(!html.contains(inline), "[{b}] {path} has {inline}");
            }
        }
    })
    .await;
}

#[tokio::test]
async fn every_answer_says_schools_time_so_a_phone_with_a_wrong_clock_counts_down_right() {
    for_each_backend(|app| async move {
        let b = app.backend;
        // School's clock is hours away from the machine's: the header follows school's.
        app.advance(5 * 60);
        let want = app.now();
        for path in ["/static/icons/icon.svg", "/login", "/api/me"] {
            let (_, headers, _) = get_as(&app, None, path).await;
            let said = headers
                .get("x-doorstep-time")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| chrono::DateTime::parse_from_rfc3339(v).ok())
                .map(|t| t.with_timezone(&chrono::Utc));
            let off = said.map(|t| (t - want).num_seconds().abs());
            assert!(
                off.is_some_and(|s| s < 60),
                "[{b}] {path}: x-doorstep-time {said:?}, school's clock {want}"
            );
        }
    })
    .await;
}
