//! Senior roles need a second person; wrong second-factor codes are limited; a lost
//! authenticator is reset by the head, who may not reset their own.

use super::audit_actions;
use crate::helpers::{PASSWORD, Session, TestApp, for_each_backend};
use axum::http::StatusCode;
use serde_json::{Value, json};
use totp_rs::Totp;

#[tokio::test]
async fn a_head_cannot_make_a_head_and_dsl_alone_a_second_senior_person_approves() {
    for_each_backend(|app| async move {
        let b = app.backend;
        let head = app.login("head@harton.demo").await;
        let (status, made) = app
            .post(
                &head,
                "/api/staff",
                json!({ "name": "Sam Second", "email": "sam@harton.demo", "roles": ["headteacher", "dsl", "visiting_staff"], "password": PASSWORD }),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "[{b}] {made}");
        assert_eq!(made["roles"], json!(["visiting_staff"]), "[{b}] senior roles wait");
        let waiting = app.get(&head, "/api/role-grants").await.1;
        let grants: Vec<Value> = waiting["grants"].as_array().unwrap().clone();
        assert_eq!(grants.len(), 2, "[{b}] {waiting}");
        assert!(grants.iter().all(|g| g["may_approve"] == false), "[{b}] not by who asked");
        let first = grants[0]["id"].as_i64().unwrap();
        let approve = format!("/api/role-grants/{first}/approve");
        assert_eq!(app.post(&head, &approve, json!({})).await.0, StatusCode::FORBIDDEN, "[{b}] the asker");
        let sam = app.login("sam@harton.demo").await;
        assert_eq!(app.post(&sam, &approve, json!({})).await.0, StatusCode::FORBIDDEN, "[{b}] the holder");
        let teacher = app.login("teacher@harton.demo").await;
        assert_eq!(app.post(&teacher, &approve, json!({})).await.0, StatusCode::FORBIDDEN, "[{b}] not senior");
        let dsl = app.login("dsl@harton.demo").await;
        let (status, after) = app.post(&dsl, &approve, json!({})).await;
        assert_eq!(status, StatusCode::OK, "[{b}] {after}");
        assert_eq!(app.post(&dsl, &approve, json!({})).await.0, StatusCode::NOT_FOUND, "[{b}] approved once");
        let admin = app.login(crate::helpers::TRUST_ADMIN).await;
        let second = grants[1]["id"].as_i64().unwrap();
        let (status, after) = app.post(&admin, &format!("/api/role-grants/{second}/approve"), json!({})).await;
        assert_eq!(status, StatusCode::OK, "[{b}] {after}");
        let mut roles: Vec<String> = after["roles"].as_array().unwrap().iter().map(|r| r.as_str().unwrap().to_string()).collect();
        roles.sort();
        assert_eq!(roles, ["dsl", "headteacher", "visiting_staff"], "[{b}]");
        let actions = audit_actions(&app, sam.id).await;
        let count = |a: &str| actions.iter().filter(|x| *x == a).count();
        assert_eq!((count("role.grant_requested"), count("role.grant_approved")), (2, 2), "[{b}] {actions:?}");
    })
    .await;
}

fn code(app: &TestApp, t: &Totp) -> String {
    t.generate(u64::try_from(app.now().timestamp()).unwrap())
        .to_string()
}

async fn enrol(app: &TestApp, who: &Session) -> Totp {
    let started = app.post(who, "/api/me/second-factor", json!({})).await.1;
    let t = Totp::from_url(started["otpauth_url"].as_str().unwrap()).unwrap();
    let (status, body) = app
        .post(
            who,
            "/api/me/second-factor/confirm",
            json!({ "code": code(app, &t) }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    t
}

#[tokio::test]
async fn five_wrong_codes_pause_step_up_and_the_head_resets_a_lost_authenticator() {
    for_each_backend(|app| async move {
        let b = app.backend;
        let dsl = app.login_without_second_factor("dsl@harton.demo").await;
        let authenticator = enrol(&app, &dsl).await;
        app.advance(1);
        for n in 1..=5 {
            let (status, body) = app
                .post(&dsl, "/api/me/step-up", json!({ "code": "000000" }))
                .await;
            assert_eq!(
                status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "[{b}] wrong code {n}: {body}"
            );
        }
        // Paused: the right code too, for 15 minutes.
        let (status, body) = app
            .post(
                &dsl,
                "/api/me/step-up",
                json!({ "code": code(&app, &authenticator) }),
            )
            .await;
        assert_eq!(
            (status, body["field"].as_str()),
            (StatusCode::TOO_MANY_REQUESTS, Some("code")),
            "[{b}] {body}"
        );
        app.advance(16);
        let (status, body) = app
            .post(
                &dsl,
                "/api/me/step-up",
                json!({ "code": code(&app, &authenticator) }),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "[{b}] after the pause: {body}");

        // The phone is lost: the head resets the authenticator; the DSL enrols again.
        let head = app.login("head@harton.demo").await;
        let path = format!("/api/staff/{}/second-factor/reset", dsl.id);
        let office = app.login("office@harton.demo").await;
        assert_eq!(
            app.post(&office, &path, json!({})).await.0,
            StatusCode::FORBIDDEN,
            "[{b}]"
        );
        let own = format!("/api/staff/{}/second-factor/reset", head.id);
        assert_eq!(
            app.post(&head, &own, json!({})).await.0,
            StatusCode::FORBIDDEN,
            "[{b}] not their own"
        );
        let (status, body) = app.post(&head, &path, json!({})).await;
        assert_eq!(status, StatusCode::NO_CONTENT, "[{b}] {body}");
        let status = app.get(&dsl, "/api/me/second-factor").await.1;
        assert_eq!(status["enrolled"], false, "[{b}] {status}");
        assert_eq!(
            status["stepped_up_until"],
            Value::Null,
            "[{b}] the step-up is gone too"
        );
        enrol(&app, &dsl).await;
        let actions = audit_actions(&app, dsl.id).await;
        for action in ["second_factor.paused", "second_factor.reset"] {
            assert!(
                actions.iter().any(|a| a == action),
                "[{b}] {action}: {actions:?}"
            );
        }
    })
    .await;
}
