//! My sessions: listed with device and "this device"; one signed out, or all others, at once.

use super::{ANDROID, WINDOWS, audit_actions, call, sign_in};
use crate::helpers::{PASSWORD, for_each_backend};
use axum::http::{Method, StatusCode};
use http_body_util::BodyExt;
use std::time::Duration;

const OFFICE: &str = "office@harton.demo";

#[tokio::test]
async fn my_sessions_name_each_device_and_signing_out_the_others_ends_them_at_once() {
    for_each_backend(|app| async move {
        let b = app.backend;
        let (_, phone) = sign_in(&app, OFFICE, PASSWORD, ANDROID).await;
        let phone = phone.unwrap();
        app.advance(5);
        let (_, desk) = sign_in(&app, OFFICE, PASSWORD, WINDOWS).await;
        let desk = desk.unwrap();
        let (status, list) = call(&app, &desk, Method::GET, "/api/me/sessions", None).await;
        assert_eq!(status, StatusCode::OK, "[{b}] {list}");
        let list = list.as_array().unwrap().clone();
        assert_eq!(list.len(), 2, "[{b}] {list:?}");
        assert_eq!(list[0]["device"], "Edge on Windows", "[{b}]");
        assert_eq!(list[0]["this_device"], true, "[{b}]");
        assert_eq!(list[1]["device"], "Chrome on Android", "[{b}]");
        assert_eq!(list[1]["this_device"], false, "[{b}]");

        // The phone has the office board's live feed open when the desk signs it out.
        let req = axum::http::Request::builder()
            .uri("/board/events")
            .header(axum::http::header::COOKIE, &phone)
            .body(axum::body::Body::empty())
            .unwrap();
        let res = app.answer(req).await;
        assert_eq!(
            res.status(),
            StatusCode::OK,
            "[{b}] the phone's board stream opens"
        );
        let mut feed = res.into_body();
        let (status, ended) = call(
            &app,
            &desk,
            Method::POST,
            "/api/me/sessions/sign-out-others",
            None,
        )
        .await;
        assert_eq!(
            (status, ended["ended"].as_i64()),
            (StatusCode::OK, Some(1)),
            "[{b}]"
        );
        let closed = tokio::time::timeout(Duration::from_secs(15), async {
            while let Some(frame) = feed.frame().await {
                if frame.is_err() {
                    break;
                }
            }
        })
        .await;
        assert!(
            closed.is_ok(),
            "[{b}] the signed-out phone's stream ended at once"
        );
        let (status, _) = call(&app, &phone, Method::GET, "/api/me", None).await;
        assert_eq!(
            status,
            StatusCode::UNAUTHORIZED,
            "[{b}] the phone is signed out"
        );
        let (status, _) = call(&app, &desk, Method::GET, "/api/me", None).await;
        assert_eq!(status, StatusCode::OK, "[{b}] this device stays signed in");

        // One session by its id: a new phone sign-in, ended from the desk.
        let (_, phone) = sign_in(&app, OFFICE, PASSWORD, ANDROID).await;
        let phone = phone.unwrap();
        let (_, list) = call(&app, &desk, Method::GET, "/api/me/sessions", None).await;
        let id = list
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["this_device"] == false)
            .unwrap()["id"]
            .as_str()
            .unwrap()
            .to_string();
        let path = format!("/api/me/sessions/{id}");
        let (status, _) = call(&app, &desk, Method::DELETE, &path, None).await;
        assert_eq!(status, StatusCode::NO_CONTENT, "[{b}]");
        let (status, _) = call(&app, &phone, Method::GET, "/api/me", None).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "[{b}] ended at once");
        let (status, body) = call(&app, &desk, Method::DELETE, &path, None).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "[{b}] ended once: {body}");

        let (_, me) = call(&app, &desk, Method::GET, "/api/me", None).await;
        let actions = audit_actions(&app, me["id"].as_i64().unwrap()).await;
        for action in ["session.others_ended", "session.ended_by_holder"] {
            assert!(
                actions.iter().any(|a| a == action),
                "[{b}] {action}: {actions:?}"
            );
        }
    })
    .await;
}
