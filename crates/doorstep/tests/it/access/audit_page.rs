//! Tester's D: the audit trail as a page (`/audit`) for those who may read it, narrowed by days,
//! person and action, a page at a time, with the same need-to-know as `GET /api/audit` (the head
//! never sees the rows about the allegation about them), and every look itself recorded.

use super::World;
use crate::helpers::{Answer, for_each_backend, today};
use axum::http::StatusCode;
use serde_json::Value;

fn rows(v: &Value) -> &Vec<Value> {
    v.as_array().expect("rows")
}

#[tokio::test]
async fn the_audit_page_filters_pages_hides_what_the_reader_may_not_read_and_records_the_look() {
    for_each_backend(|app| async move {
        let w = World::create(&app).await;
        let head = &w.sessions["head"];
        // The allegation about the liaison officer is the head's to read; the one about the
        // head is not, so neither is its row.
        let (status, html) = app.get(head, "/audit?action=head_only_record.create").await;
        assert_eq!(status, StatusCode::OK);
        let html = html.as_str().unwrap_or("");
        assert!(
            html.contains(&format!("head only record {}", w.about_staff)),
            "{html}"
        );
        assert!(
            !html.contains(&format!("head only record {}<", w.about_head)),
            "{html}"
        );
        // D5: each action in words, its key beside it (as the export gives it).
        assert!(
            html.contains("made a record only the head reads")
                && html.contains("<code class=\"action-key\">head_only_record.create</code>"),
            "{html}"
        );
        assert!(
            html.contains("href=\"/audit\""),
            "in the navigation: {html}"
        );

        // By person: only what they did.
        let liaison = w.people["liaison"].id.0;
        let mine = app
            .get(head, &format!("/api/audit?actor_staff_id={liaison}"))
            .await
            .expect_status(StatusCode::OK);
        assert!(!rows(&mine).is_empty());
        assert!(
            rows(&mine).iter().all(|r| r["actor_staff_id"] == liaison),
            "{mine}"
        );
        let (status, _) = app.get(head, &format!("/audit?person={liaison}")).await;
        assert_eq!(status, StatusCode::OK);
        // By day: nothing tomorrow.
        let tomorrow = today().succ_opt().unwrap();
        let later = app
            .get(head, &format!("/api/audit?from={tomorrow}"))
            .await
            .expect_status(StatusCode::OK);
        assert!(rows(&later).is_empty(), "{later}");
        let (status, html) = app.get(head, "/audit?from=yesterday").await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            html.as_str()
                .unwrap_or("")
                .contains("is not a date like 2026-09-01")
        );
        // A page at a time: the next page holds only older rows.
        let first = app
            .get(head, "/api/audit?limit=3")
            .await
            .expect_status(StatusCode::OK);
        let last = rows(&first)
            .last()
            .and_then(|r| r["id"].as_i64())
            .expect("a full page");
        let next = app
            .get(head, &format!("/api/audit?limit=3&before_id={last}"))
            .await
            .expect_status(StatusCode::OK);
        assert!(!rows(&next).is_empty());
        assert!(
            rows(&next).iter().all(|r| r["id"].as_i64() < Some(last)),
            "{next}"
        );

        // Every look is in the trail, with its filter.
        let looks = app
            .get(&w.sessions["dsl"], "/api/audit?action=audit_trail.viewed")
            .await
            .expect_status(StatusCode::OK);
        let head_id = w.people["head"].id.0;
        assert!(
            rows(&looks).iter().any(|r| r["actor_staff_id"] == head_id
                && r["detail"]["action"] == "head_only_record.create"),
            "{looks}"
        );
        // Anyone else: refused, on the page as on the API.
        let (status, _) = app.get(&w.sessions["teacher"], "/audit").await;
        assert_eq!(status, StatusCode::FORBIDDEN);
    })
    .await;
}
