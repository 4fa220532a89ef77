//! Tester's C12: a draft (never requested) is a plan on someone's desk, not part of the child's
//! history, and a visit nobody has been out on has nothing to record "after the visit".

use crate::harness::{expect, for_each_backend};
use axum::http::StatusCode;
use serde_json::json;

#[tokio::test]
async fn a_draft_is_not_on_the_chronology_and_after_the_visit_waits_until_staff_have_been_out() {
    for_each_backend(|app| async move {
        let school = app.school("harton.demo").await;
        let draft = app.plan(&school, "15:00", json!({})).await;
        let visit = app.authorised_visit(&school, "10:00", json!({})).await;
        let dsl = app.login(&school.email("dsl")).await;
        let path = format!("/api/pupils/{}/chronology?kind=visit", school.ava);
        let chron = expect(app.get(&dsl, &path).await, StatusCode::OK);
        let visits: Vec<i64> = chron["entries"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|e| e["visit_id"].as_i64())
            .collect();
        assert!(!visits.contains(&draft), "the draft is listed: {chron}");
        assert!(
            visits.contains(&visit),
            "the authorised visit is listed: {chron}"
        );
        let (_, html) = app
            .get(&dsl, &format!("/pupils/{}/chronology", school.ava))
            .await;
        let html = html.as_str().unwrap_or("");
        assert!(html.contains("Home visit (authorised)"), "{html}");
        assert!(!html.contains("Home visit (draft)"), "{html}");

        // Neither the draft's page nor the authorised visit's offers the form or an incident yet.
        let teacher = app.login(&school.email("teacher")).await;
        for id in [draft, visit] {
            let (status, page) = app.get(&teacher, &format!("/visits/{id}")).await;
            assert_eq!(status, StatusCode::OK);
            let page = page.as_str().unwrap_or("");
            assert!(!page.contains("After the visit"), "visit {id}: {page}");
            assert!(!page.contains("Report an incident"), "visit {id}: {page}");
        }
        // Once out, it does.
        app.set_time("10:00");
        app.steps(&teacher, visit, &["sign-out"]).await;
        let (_, page) = app.get(&teacher, &format!("/visits/{visit}")).await;
        let page = page.as_str().unwrap_or("");
        assert!(
            page.contains("After the visit") && page.contains("Report an incident"),
            "{page}"
        );
    })
    .await;
}
