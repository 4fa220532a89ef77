//! Brute force on sign-in: the sixth wrong password within a minute is refused (429 with
//! `Retry-After`), the right one too while locked, the same for an account that does not exist;
//! spraying many accounts from one address is throttled; failures and locks are audited, and the
//! holder is e-mailed through the real outbox and a real SMTP server.

use crate::helpers::{PASSWORD, TestApp, for_each_backend};
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Method, Request, StatusCode, header};
use http_body_util::BodyExt;
use serde_json::{Value, json};

const OFFICE: &str = "office@harton.demo";

/// A sign-in attempt from `from` (the peer's address); the status, `Retry-After` and body.
async fn attempt(
    app: &TestApp,
    email: &str,
    password: &str,
    from: [u8; 4],
) -> (StatusCode, Option<i64>, Value) {
    let mut req = Request::builder()
        .method(Method::POST)
        .uri("/api/login")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(
            json!({ "email": email, "password": password }).to_string(),
        ))
        .unwrap();
    req.extensions_mut()
        .insert(ConnectInfo(std::net::SocketAddr::from((from, 40000))));
    let res = app.answer(req).await;
    let status = res.status();
    let retry = res
        .headers()
        .get(header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok());
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    (
        status,
        retry,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    )
}

async fn audit_actions(app: &TestApp, email: &str) -> Vec<String> {
    let staff = app.login(email).await;
    let me = app.staff(&staff).await;
    let _ = app.post(&staff, "/api/logout", json!({})).await;
    let rows = app
        .db
        .audit_trail(me.trust_id, None, Some(("staff", me.id.0)), 200)
        .await
        .unwrap();
    rows.into_iter().map(|r| r.action).rev().collect()
}

#[tokio::test]
async fn the_sixth_wrong_password_within_a_minute_is_refused_and_the_right_one_too_while_locked() {
    for_each_backend(|app| async move {
        let b = app.backend;
        let home = [10, 0, 0, 1];
        for n in 1..=5 {
            let (status, _, _) = attempt(&app, OFFICE, "wrong horse", home).await;
            assert_eq!(status, StatusCode::UNAUTHORIZED, "[{b}] wrong password {n}");
        }
        let (status, retry, body) = attempt(&app, OFFICE, "wrong horse", home).await;
        assert_eq!(
            status,
            StatusCode::TOO_MANY_REQUESTS,
            "[{b}] the sixth: {body}"
        );
        let retry = retry.unwrap_or_else(|| panic!("[{b}] no Retry-After"));
        assert!(
            (840..=900).contains(&retry),
            "[{b}] locked for about 15 minutes: {retry}"
        );
        assert_eq!(body["field"], "email", "[{b}] {body}");
        let reason = body["reason"].as_str().unwrap_or_default();
        assert!(reason.contains("Try again in 15 minutes"), "[{b}] {reason}");

        // The right password, even from another address, is refused while the account is locked.
        let (status, _, _) = attempt(&app, OFFICE, PASSWORD, [10, 0, 0, 2]).await;
        assert_eq!(
            status,
            StatusCode::TOO_MANY_REQUESTS,
            "[{b}] right password during the lock"
        );

        // After the lock, the right password works; the trail shows what happened.
        app.advance(16);
        let (status, _, body) = attempt(&app, OFFICE, PASSWORD, home).await;
        assert_eq!(status, StatusCode::OK, "[{b}] after the lock: {body}");
        let actions = audit_actions(&app, OFFICE).await;
        let failed = actions
            .iter()
            .filter(|a| *a == "session.login_failed")
            .count();
        let locked = actions.iter().filter(|a| *a == "session.locked").count();
        assert_eq!((failed, locked), (5, 1), "[{b}] {actions:?}");
    })
    .await;
}

#[tokio::test]
async fn an_account_that_does_not_exist_gets_exactly_the_same_answers() {
    for_each_backend(|app| async move {
        let b = app.backend;
        let mut answers = vec![];
        for email in [OFFICE, "nobody.here@harton.demo"] {
            let mut seen = vec![];
            for _ in 0..6 {
                let (status, retry, body) =
                    attempt(&app, email, "wrong horse", [10, 1, 0, 1]).await;
                seen.push((status, retry, body));
            }
            answers.push(seen);
        }
        assert_eq!(
            answers[0], answers[1],
            "[{b}] the answers tell which account exists"
        );
    })
    .await;
}

#[tokio::test]
async fn spraying_many_accounts_from_one_address_is_throttled_and_other_addresses_are_not() {
    for_each_backend(|app| async move {
        let b = app.backend;
        let attacker = [203, 0, 113, 9];
        let mut statuses = vec![];
        for n in 0..20 {
            let email = format!("staff{n}@harton.demo");
            statuses.push(attempt(&app, &email, "Summer2026!", attacker).await.0);
        }
        let refused = statuses
            .iter()
            .filter(|s| **s == StatusCode::TOO_MANY_REQUESTS)
            .count();
        assert_eq!(
            refused, 10,
            "[{b}] the 11th to 20th are refused: {statuses:?}"
        );
        // The right password from the sprayed address is refused too; from the school, it works.
        let (status, retry, _) = attempt(&app, OFFICE, PASSWORD, attacker).await;
        assert_eq!(
            status,
            StatusCode::TOO_MANY_REQUESTS,
            "[{b}] sprayed address"
        );
        assert!(retry.is_some_and(|r| r > 0), "[{b}] Retry-After");
        let (status, _, _) = attempt(&app, OFFICE, PASSWORD, [10, 2, 0, 1]).await;
        assert_eq!(
            status,
            StatusCode::OK,
            "[{b}] another address is not held up"
        );
    })
    .await;
}

#[tokio::test]
async fn the_holder_of_a_locked_account_is_emailed_once() {
    for_each_backend(|app| async move {
        let b = app.backend;
        let smtp = notify::testing::SmtpServer::start().await;
        let channels = app::Channels {
            mailer: Some(notify::Mailer::new(&smtp.settings()).unwrap()),
            sms: None,
            webhook: None,
        };
        let monitor = app::monitor::Monitor::new(
            app.db.clone(),
            server::Clock::manual(app.now()),
            channels,
            app::monitor::MonitorSettings::new("test"),
        );
        for _ in 0..8 {
            attempt(&app, OFFICE, "wrong horse", [10, 3, 0, 1]).await;
        }
        monitor.run_once(app.now()).await.unwrap();
        let mails: Vec<_> = smtp
            .received()
            .into_iter()
            .filter(|m| m.rcpt_to.iter().any(|r| r == OFFICE))
            .collect();
        assert_eq!(mails.len(), 1, "[{b}] one e-mail to the holder");
        assert!(mails[0].data.contains("locked"), "[{b}] {}", mails[0].data);
        assert!(
            mails[0].data.contains("10.3.0.1"),
            "[{b}] says from where: {}",
            mails[0].data
        );
    })
    .await;
}
