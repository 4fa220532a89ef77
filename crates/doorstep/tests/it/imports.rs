//! `POST /api/imports/staff` through the router, as the head's browser or script would call it.

use crate::helpers::for_each_backend;
use axum::http::StatusCode;
use serde_json::json;

const CSV: &str = "name,email,mobile,roles
Nadia Newton,N.Newton@harton.demo,07700 900201,visiting_staff
Bad Mobile,bad.mobile@harton.demo,0191 456 1234,office
New Head,new.head@harton.demo,07700900202,headteacher
";

#[tokio::test]
async fn the_head_imports_staff_from_a_csv_and_a_second_import_changes_nothing() {
    for_each_backend(|app| async move {
        let b = app.backend;
        let head = app.login("head@harton.demo").await;
        let body = json!({ "csv": CSV });
        let (status, report) = app.post(&head, "/api/imports/staff", body.clone()).await;
        assert_eq!(status, StatusCode::OK, "[{b}] {report}");
        assert_eq!(
            report["added"].as_array().map(Vec::len),
            Some(1),
            "[{b}] {report}"
        );
        assert_eq!(
            report["added"][0]["name"], "Nadia Newton <n.newton@harton.demo>",
            "[{b}]"
        );
        assert_eq!(
            report["problems"][0]["element"], "line 3, column mobile",
            "[{b}] {report}"
        );
        assert_eq!(
            report["needs_trust_admin"][0]["element"], "line 4, column roles",
            "[{b}] {report}"
        );
        let (_, again) = app.post(&head, "/api/imports/staff", body).await;
        assert_eq!(
            again["added"].as_array().map(Vec::len),
            Some(0),
            "[{b}] {again}"
        );
        assert_eq!(
            again["changed"].as_array().map(Vec::len),
            Some(0),
            "[{b}] {again}"
        );
        assert_eq!(again["unchanged"], 1, "[{b}] {again}");

        let (status, body) = app
            .post(&head, "/api/imports/staff", json!({ "csv": "who,what\n" }))
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "[{b}] {body}");
        assert_eq!(body["field"], "csv", "[{b}] {body}");
    })
    .await;
}
