//! G1, tester 11: a change written on a version that has since changed says it is out of date and
//! offers no approval; the head withdraws it (or one no longer wanted), and it leaves the list.
//! An approved change cannot be withdrawn, and a teacher cannot withdraw one.

use super::policy_editing::{page, post_form};
use super::*;
use axum::http::Method;

async fn draft_grace(app: &TestApp, head: &Session, school: i64, minutes: u32) -> i64 {
    let path = format!("/api/schools/{school}/policy");
    let mut policy = app.get(head, &path).await.expect_status(OK);
    policy["settings"]["check_in"]["grace_minutes"] = json!(minutes);
    let draft = app
        .put(
            head,
            &path,
            json!({ "settings": policy["settings"], "change_note": format!("Grace {minutes}.") }),
        )
        .await
        .expect_status(StatusCode::CREATED);
    draft["draft"]["id"].as_i64().expect("draft id")
}

#[tokio::test]
async fn an_out_of_date_change_says_so_offers_no_approval_and_is_withdrawn_by_the_head() {
    for_each_backend(|app| async move {
        let harton = app.school("harton.demo").await;
        let head = app.login(&harton.email("head")).await;
        let chair = app.login(&harton.email("chair")).await;
        let teacher = app.login(&harton.email("teacher")).await;
        let first = draft_grace(&app, &head, harton.id, 12).await;
        let second = draft_grace(&app, &head, harton.id, 14).await;
        app.post(
            &chair,
            &format!("/api/policy-drafts/{first}/approve"),
            json!({}),
        )
        .await
        .expect_status(OK);

        let stale = app
            .get(&chair, &format!("/api/policy-drafts/{second}"))
            .await
            .expect_status(OK);
        assert!(stale["out_of_date_since"].as_i64().is_some(), "{stale}");
        let html = page(&app, &chair, "/policy").await;
        assert!(html.contains("Out of date: the policy has changed since this change was written"));
        assert!(
            !html.contains(&format!("/policy/drafts/{second}/approve")),
            "no approval offered for an out-of-date change"
        );
        assert!(html.contains(&format!("/policy/drafts/{second}/withdraw")));

        app.post(
            &teacher,
            &format!("/api/policy-drafts/{second}/withdraw"),
            json!({}),
        )
        .await
        .expect_status(StatusCode::FORBIDDEN);
        app.post(
            &head,
            &format!("/api/policy-drafts/{first}/withdraw"),
            json!({}),
        )
        .await
        .expect_status(StatusCode::CONFLICT);

        let (status, _) = post_form(
            &app,
            &head,
            &format!("/policy/drafts/{second}/withdraw"),
            String::new(),
        )
        .await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let drafts = app
            .get(&head, &format!("/api/schools/{}/policy/drafts", harton.id))
            .await
            .expect_status(OK);
        assert!(
            drafts
                .as_array()
                .expect("drafts")
                .iter()
                .all(|d| d["draft"]["id"] != second),
            "a withdrawn change leaves the list: {drafts}"
        );
        let (status, _) = app
            .send(
                &chair,
                Method::POST,
                &format!("/api/policy-drafts/{second}/approve"),
                Some(json!({})),
            )
            .await;
        assert_eq!(
            status,
            StatusCode::CONFLICT,
            "a withdrawn change is never approved"
        );
        let audit = app
            .get(
                &head,
                &format!("/api/audit?subject_type=school&subject_id={}", harton.id),
            )
            .await;
        assert_eq!(audit.0, OK, "{}", audit.1);
        assert!(
            audit.1.to_string().contains("policy.withdraw"),
            "{}",
            audit.1
        );
    })
    .await;
}
