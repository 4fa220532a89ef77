//! The approvals page (#12 item 3): a senior role asked for waits there, linked from the
//! navigation of whoever may decide it, with labelled Approve and Refuse buttons; a refused role
//! is not given, an approved one is, and both decisions are in the audit trail.

use super::audit_actions;
use crate::helpers::{PASSWORD, Session, TestApp, for_each_backend};
use axum::http::{Method, StatusCode};
use serde_json::{Value, json};

/// The page at `path` as `who`: its status and HTML.
async fn page(app: &TestApp, who: &Session, path: &str) -> (StatusCode, String) {
    let (status, body) = app.send(who, Method::GET, path, None).await;
    (status, body.as_str().unwrap_or_default().to_string())
}

/// Presses a button whose form posts to `path`, as `who`.
async fn press(app: &TestApp, who: &Session, path: &str) -> StatusCode {
    let form = Some("application/x-www-form-urlencoded");
    app.send_raw(who, Method::POST, path, form, "").await.0
}

#[tokio::test]
async fn a_second_senior_person_refuses_one_role_and_approves_the_other_from_the_approvals_page() {
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
        // The answer says which roles wait, not just `roles` without them (tester's D).
        assert_eq!(made["roles"], json!(["visiting_staff"]), "[{b}] {made}");
        let mut waiting: Vec<&str> = made["roles_awaiting_approval"].as_array().unwrap().iter().filter_map(Value::as_str).collect();
        waiting.sort_unstable();
        assert_eq!(waiting, ["dsl", "headteacher"], "[{b}] {made}");
        let note = made["note"].as_str().unwrap_or("");
        assert!(note.starts_with("Waiting for a second senior person's approval on the Approvals page: "), "[{b}] {made}");
        assert!(note.contains("the headteacher") && note.contains("the designated safeguarding lead"), "[{b}] {made}");
        // So does the person's page.
        let (_, html) = page(&app, &head, &format!("/staff/{}", made["id"])).await;
        assert!(html.contains("Waiting for a second senior person") && html.contains("the designated safeguarding lead"), "[{b}] {html}");
        let grants: Vec<Value> = app.get(&head, "/api/role-grants").await.1["grants"]
            .as_array()
            .unwrap()
            .clone();
        let id = |role: &str| {
            grants
                .iter()
                .find(|g| g["role"] == role)
                .and_then(|g| g["id"].as_i64())
                .unwrap()
        };
        let (head_id, dsl_id) = (id("headteacher"), id("dsl"));

        // The head who asked sees the page, but no buttons, and no link: nothing waits for them.
        let (status, html) = page(&app, &head, "/approvals").await;
        assert_eq!(status, StatusCode::OK, "[{b}]");
        assert!(html.contains("Sam Second"), "[{b}] {html}");
        assert!(!html.contains("/approvals/"), "[{b}] no buttons for the one who asked");
        assert!(!html.contains("href=\"/approvals\""), "[{b}] no link for the one who asked");
        // A teacher has nothing to approve: no link, an empty page.
        let teacher = app.login("teacher@harton.demo").await;
        let (_, html) = page(&app, &teacher, "/today").await;
        assert!(!html.contains("href=\"/approvals\""), "[{b}]");
        let (_, html) = page(&app, &teacher, "/approvals").await;
        assert!(html.contains("Nothing is waiting for approval."), "[{b}]");
        assert_eq!(
            press(&app, &teacher, &format!("/approvals/{head_id}/approve")).await,
            StatusCode::FORBIDDEN,
            "[{b}] a teacher's press changes nothing"
        );

        // The DSL is told in the navigation and decides on the page.
        let dsl = app.login("dsl@harton.demo").await;
        let (_, today) = page(&app, &dsl, "/today").await;
        assert!(today.contains("href=\"/approvals\""), "[{b}] linked while waiting");
        assert!(today.contains("Approvals (2)"), "[{b}] with how many");
        let (_, html) = page(&app, &dsl, "/approvals").await;
        assert!(html.contains("aria-label=\"Refuse Sam Second as the headteacher\""), "[{b}] {html}");
        assert!(html.contains("aria-label=\"Approve Sam Second as the designated safeguarding lead\""), "[{b}] {html}");
        let refuse = format!("/approvals/{head_id}/refuse");
        assert_eq!(press(&app, &dsl, &refuse).await, StatusCode::SEE_OTHER, "[{b}]");
        let (_, html) = page(&app, &dsl, "/approvals?done=refused").await;
        assert!(html.contains("Refused: the role was not given."), "[{b}]");
        assert!(html.contains("Approvals (1)"), "[{b}] one left");
        assert_eq!(
            press(&app, &dsl, &format!("/approvals/{head_id}/approve")).await,
            StatusCode::NOT_FOUND,
            "[{b}] a refused role cannot be approved after"
        );
        let approve = format!("/approvals/{dsl_id}/approve");
        assert_eq!(press(&app, &dsl, &approve).await, StatusCode::SEE_OTHER, "[{b}]");
        let (_, today) = page(&app, &dsl, "/today").await;
        assert!(!today.contains("href=\"/approvals\""), "[{b}] no link once nothing waits");

        let sam = app.login("sam@harton.demo").await;
        let mut roles: Vec<String> = app.get(&sam, "/api/me").await.1["roles"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r.as_str().unwrap().to_string())
            .collect();
        roles.sort();
        assert_eq!(roles, ["dsl", "visiting_staff"], "[{b}] the refused role was not given");
        let actions = audit_actions(&app, sam.id).await;
        let count = |a: &str| actions.iter().filter(|x| *x == a).count();
        assert_eq!(
            (count("role.grant_approved"), count("role.grant_refused")),
            (1, 1),
            "[{b}] {actions:?}"
        );
    })
    .await;
}

#[tokio::test]
async fn a_role_refused_through_the_api_is_not_given_and_not_waiting() {
    for_each_backend(|app| async move {
        let b = app.backend;
        let head = app.login("head@harton.demo").await;
        let (status, made) = app
            .post(
                &head,
                "/api/staff",
                json!({ "name": "Pat Pending", "email": "pat@harton.demo", "roles": ["dsl", "visiting_staff"], "password": PASSWORD }),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "[{b}] {made}");
        let waiting = app.get(&head, "/api/role-grants").await.1;
        let id = waiting["grants"][0]["id"].as_i64().unwrap();
        let refuse = format!("/api/role-grants/{id}/refuse");
        assert_eq!(app.post(&head, &refuse, json!({})).await.0, StatusCode::FORBIDDEN, "[{b}] not by who asked");
        let admin = app.login(crate::helpers::TRUST_ADMIN).await;
        let (status, pat) = app.post(&admin, &refuse, json!({})).await;
        assert_eq!(status, StatusCode::OK, "[{b}] {pat}");
        assert_eq!(pat["roles"], json!(["visiting_staff"]), "[{b}]");
        let after = app.get(&admin, "/api/role-grants").await.1;
        assert_eq!(after["grants"], json!([]), "[{b}] nothing waits");
    })
    .await;
}
