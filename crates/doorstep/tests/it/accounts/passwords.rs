//! Changing a password, and a forgotten one: by a link e-mailed through a real SMTP server (the
//! link followed from the received e-mail), or from the administrator without e-mail.

use super::{ANDROID, WINDOWS, audit_actions, call, sign_in};
use crate::helpers::{PASSWORD, TestApp, for_each_backend};
use axum::http::{Method, StatusCode};
use serde_json::json;

const OFFICE: &str = "office@harton.demo";
const NEW: &str = "kettle lamp orchard";

#[tokio::test]
async fn changing_my_password_needs_the_current_one_refuses_weak_ones_and_ends_my_other_sessions() {
    for_each_backend(|app| async move {
        let b = app.backend;
        let (_, phone) = sign_in(&app, OFFICE, PASSWORD, ANDROID).await;
        let (_, desk) = sign_in(&app, OFFICE, PASSWORD, WINDOWS).await;
        let (phone, desk) = (phone.unwrap(), desk.unwrap());
        let change =
            |current: &str, new: &str| json!({ "current_password": current, "new_password": new });
        for (body, field, words) in [
            (
                change("not it at all", NEW),
                "current_password",
                "not your current password",
            ),
            (
                change(PASSWORD, "short"),
                "new_password",
                "at least 10 characters",
            ),
            (
                change(PASSWORD, OFFICE),
                "new_password",
                "not your e-mail address",
            ),
        ] {
            let (status, answer) =
                call(&app, &desk, Method::POST, "/api/me/password", Some(body)).await;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "[{b}] {answer}");
            assert_eq!(answer["field"], field, "[{b}] {answer}");
            assert!(
                answer["reason"].as_str().unwrap().contains(words),
                "[{b}] {answer}"
            );
        }
        let (status, _) = sign_in(&app, OFFICE, PASSWORD, WINDOWS).await;
        assert_eq!(status, StatusCode::OK, "[{b}] nothing changed yet");

        let (status, answer) = call(
            &app,
            &desk,
            Method::POST,
            "/api/me/password",
            Some(change(PASSWORD, NEW)),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "[{b}] {answer}");
        assert_eq!(
            answer["ended"], 2,
            "[{b}] the phone and the extra sign-in end"
        );
        assert_eq!(
            call(&app, &phone, Method::GET, "/api/me", None).await.0,
            StatusCode::UNAUTHORIZED,
            "[{b}]"
        );
        assert_eq!(
            call(&app, &desk, Method::GET, "/api/me", None).await.0,
            StatusCode::OK,
            "[{b}]"
        );
        assert_eq!(
            sign_in(&app, OFFICE, PASSWORD, WINDOWS).await.0,
            StatusCode::UNAUTHORIZED,
            "[{b}]"
        );
        assert_eq!(
            sign_in(&app, OFFICE, NEW, WINDOWS).await.0,
            StatusCode::OK,
            "[{b}]"
        );
        let (_, me) = call(&app, &desk, Method::GET, "/api/me", None).await;
        let actions = audit_actions(&app, me["id"].as_i64().unwrap()).await;
        assert!(
            actions.iter().any(|a| a == "staff.password_changed"),
            "[{b}] {actions:?}"
        );
    })
    .await;
}

/// The app served with e-mail set up (SMTP), links starting with `https://doorstep.test`, and a
/// monitor delivering through `smtp`.
fn with_email(app: TestApp) -> TestApp {
    let links = app::messages::Links::new("https://doorstep.test").unwrap();
    app.configured(|s| s.with_account_mail(links, true))
}

#[tokio::test]
async fn a_forgotten_password_is_reset_once_by_the_link_in_the_email() {
    for_each_backend(|app| async move {
        let b = app.backend;
        let app = with_email(app);
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
        let (_, phone) = sign_in(&app, OFFICE, PASSWORD, ANDROID).await;
        let anon = crate::helpers::Session::anonymous();
        // The same answer for an account and for an address that is nobody's.
        for email in [OFFICE, "nobody@harton.demo"] {
            let (status, body) = app
                .post(&anon, "/api/password-reset", json!({ "email": email }))
                .await;
            assert_eq!(status, StatusCode::ACCEPTED, "[{b}] {email}: {body}");
        }
        monitor.run_once(app.now()).await.unwrap();
        let mails = smtp.received();
        assert_eq!(mails.len(), 1, "[{b}] one e-mail, to the account's holder");
        assert!(mails[0].rcpt_to.iter().any(|r| r == OFFICE), "[{b}]");
        let data = mails[0].data.replace("=\r\n", "").replace("=3D", "=");
        let start = data
            .find("https://doorstep.test/reset-password/")
            .expect("a link in the e-mail");
        let link: String = data[start..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || "/:.-".contains(*c))
            .collect();
        let path = link.trim_start_matches("https://doorstep.test");

        // The link's page, then the new password posted to it.
        let (status, page) = app.get(&anon, path).await;
        assert_eq!(status, StatusCode::OK, "[{b}] {page}");
        let token = path.rsplit('/').next().unwrap();
        let api = format!("/api/password-reset/{token}");
        let (status, body) = app
            .post(&anon, &api, json!({ "new_password": "short" }))
            .await;
        assert_eq!(
            (status, body["field"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("new_password")),
            "[{b}] {body}"
        );
        let (status, body) = app.post(&anon, &api, json!({ "new_password": NEW })).await;
        assert_eq!(status, StatusCode::NO_CONTENT, "[{b}] {body}");
        assert_eq!(
            call(&app, &phone.unwrap(), Method::GET, "/api/me", None)
                .await
                .0,
            StatusCode::UNAUTHORIZED,
            "[{b}] every session ended"
        );
        assert_eq!(
            sign_in(&app, OFFICE, NEW, WINDOWS).await.0,
            StatusCode::OK,
            "[{b}]"
        );
        let (status, _) = app
            .post(&anon, &api, json!({ "new_password": "another good one" }))
            .await;
        assert_eq!(status, StatusCode::NOT_FOUND, "[{b}] the link works once");

        // A link is good for 30 minutes only.
        app.post(&anon, "/api/password-reset", json!({ "email": OFFICE }))
            .await;
        monitor.run_once(app.now()).await.unwrap();
        let late = smtp.received().pop().unwrap().data.replace("=\r\n", "");
        let start = late.find("/reset-password/").unwrap();
        let token: String = late[start + 16..]
            .chars()
            .take_while(char::is_ascii_alphanumeric)
            .collect();
        app.advance(31);
        let (status, _) = app
            .post(
                &anon,
                &format!("/api/password-reset/{token}"),
                json!({ "new_password": "another good one" }),
            )
            .await;
        assert_eq!(status, StatusCode::NOT_FOUND, "[{b}] too old");
    })
    .await;
}

#[tokio::test]
async fn asking_for_reset_links_is_throttled_and_without_email_the_head_hands_one_over() {
    for_each_backend(|app| async move {
        let b = app.backend;
        let anon = crate::helpers::Session::anonymous();
        let (status, body) = app
            .post(&anon, "/api/password-reset", json!({ "email": OFFICE }))
            .await;
        assert_eq!(status, StatusCode::CONFLICT, "[{b}] no e-mail here: {body}");
        assert!(
            body["reason"].as_str().unwrap().contains("headteacher"),
            "[{b}] {body}"
        );

        let app = with_email(app);
        let mut statuses = vec![];
        for _ in 0..6 {
            statuses.push(
                app.post(&anon, "/api/password-reset", json!({ "email": OFFICE }))
                    .await
                    .0,
            );
        }
        assert_eq!(
            statuses[5],
            StatusCode::TOO_MANY_REQUESTS,
            "[{b}] {statuses:?}"
        );

        // The head issues a link for the office manager, shown once; a teacher may not.
        let head = app.login("head@harton.demo").await;
        let teacher = app.login("teacher@harton.demo").await;
        let office = app.login(OFFICE).await;
        let path = format!("/api/staff/{}/password-reset", office.id);
        assert_eq!(
            app.post(&teacher, &path, json!({})).await.0,
            StatusCode::FORBIDDEN,
            "[{b}]"
        );
        let (status, issued) = app.post(&head, &path, json!({})).await;
        assert_eq!(status, StatusCode::CREATED, "[{b}] {issued}");
        let link = issued["link"].as_str().unwrap();
        let token = link.rsplit('/').next().unwrap();
        let (status, _) = app
            .post(
                &anon,
                &format!("/api/password-reset/{token}"),
                json!({ "new_password": NEW }),
            )
            .await;
        assert_eq!(status, StatusCode::NO_CONTENT, "[{b}]");
        assert_eq!(
            sign_in(&app, OFFICE, NEW, WINDOWS).await.0,
            StatusCode::OK,
            "[{b}]"
        );
        let actions = audit_actions(&app, office.id).await;
        for action in [
            "password.reset_requested",
            "password.reset_issued",
            "password.reset",
        ] {
            assert!(
                actions.iter().any(|a| a == action),
                "[{b}] {action}: {actions:?}"
            );
        }
    })
    .await;
}
