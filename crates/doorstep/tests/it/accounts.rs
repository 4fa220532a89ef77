//! Accounts people manage (#12 item 3, #10 item 3): my sessions (device, last used, sign out one
//! or all others, the ended one stops at once), changing a password, a forgotten password by an
//! e-mailed link (a real SMTP server; the link followed from the received e-mail) or from the
//! administrator, senior roles waiting for a second person, the limit on wrong second-factor
//! codes and an administrator's reset of a lost authenticator.

mod approvals;
mod out_on_visit;
mod passwords;
mod roles_and_codes;
mod sessions;
mod sso_settings;

use crate::helpers::TestApp;
use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use http_body_util::BodyExt;
use serde_json::{Value, json};

/// Signs in as `email` with `password` from a browser saying `user_agent`: the status and the
/// cookie (`name=value`).
async fn sign_in(
    app: &TestApp,
    email: &str,
    password: &str,
    user_agent: &str,
) -> (StatusCode, Option<String>) {
    let req = Request::builder()
        .method(Method::POST)
        .uri("/api/login")
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::USER_AGENT, user_agent)
        .body(Body::from(
            json!({ "email": email, "password": password }).to_string(),
        ))
        .unwrap();
    let res = app.answer(req).await;
    let status = res.status();
    let cookie = res
        .headers()
        .get(header::SET_COOKIE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(str::to_string);
    (status, cookie)
}

/// A request carrying `cookie`: the status and the JSON answer (null when empty).
async fn call(
    app: &TestApp,
    cookie: &str,
    method: Method,
    path: &str,
    body: Option<Value>,
) -> (StatusCode, Value) {
    let mut req = Request::builder()
        .method(method)
        .uri(path)
        .header(header::COOKIE, cookie);
    if body.is_some() {
        req = req.header(header::CONTENT_TYPE, "application/json");
    }
    let req = req
        .body(Body::from(body.map(|b| b.to_string()).unwrap_or_default()))
        .unwrap();
    let res = app.answer(req).await;
    let status = res.status();
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    (
        status,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    )
}

const ANDROID: &str = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36";
const WINDOWS: &str = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36 Edg/126.0.0.0";

/// The audit actions about a member of staff, oldest first, as the trust administrator reads them.
async fn audit_actions(app: &TestApp, staff: i64) -> Vec<String> {
    let trust = app.db.staff(domain::StaffId(staff)).await.unwrap().trust_id;
    let rows = app
        .db
        .audit_trail(trust, None, Some(("staff", staff)), 500)
        .await
        .unwrap();
    rows.into_iter().map(|r| r.action).rev().collect()
}
