//! Query parameters of the wrong kind (#12): every GET route of the OpenAPI description, sent
//! each of its query parameters with a value of the wrong kind (a word for a number, a yes/no
//! or a date), answers a 4xx JSON `{error, field, reason}` naming that parameter, never axum's
//! plain-text "Failed to deserialize query string"; the pages answer a 4xx page naming it.

use crate::helpers::for_each_backend;
use serde_json::Value;

/// What a query parameter's schema takes, and a value it does not.
fn wrong_value_for(schema: &Value) -> Option<&'static str> {
    let kind = match &schema["type"] {
        Value::String(t) => t.as_str(),
        Value::Array(ts) => ts
            .iter()
            .filter_map(Value::as_str)
            .find(|t| *t != "null")
            .unwrap_or(""),
        _ => "",
    };
    match (kind, schema["format"].as_str()) {
        ("integer" | "number", _) => Some("abc"),
        ("boolean", _) => Some("maybe"),
        ("string", Some("date" | "date-time")) => Some("not-a-date"),
        _ => None,
    }
}

#[tokio::test]
async fn a_query_parameter_of_the_wrong_kind_is_refused_naming_it_on_every_route_and_page() {
    for_each_backend(|app| async move {
        let b = app.backend;
        let head = app.login("head@harton.demo").await;
        let (_, doc) = app.get(&head, "/api/openapi.json").await;
        let mut tried = Vec::new();
        for (path, item) in doc["paths"].as_object().expect("paths") {
            let Some(params) = item["get"]["parameters"].as_array() else {
                continue;
            };
            // Ids in the path are filled in; the query is read before the record is looked up.
            let concrete: String = path
                .split('/')
                .map(|seg| if seg.starts_with('{') { "1" } else { seg })
                .collect::<Vec<_>>()
                .join("/");
            for p in params.iter().filter(|p| p["in"] == "query") {
                let name = p["name"].as_str().expect("name");
                let Some(wrong) = wrong_value_for(&p["schema"]) else {
                    continue;
                };
                let url = format!("{concrete}?{name}={wrong}");
                let (status, body) = app.get(&head, &url).await;
                assert!(status.is_client_error(), "[{b}] {url}: {status} {body}");
                assert_eq!(body["field"], name, "[{b}] {url}: {body}");
                assert!(
                    body["reason"].as_str().is_some_and(|r| !r.is_empty()),
                    "[{b}] {url}: {body}"
                );
                tried.push(url);
            }
        }
        assert!(
            tried.len() >= 10,
            "[{b}] only {} tried: {tried:?}",
            tried.len()
        );

        // The pages: an error page naming the parameter, not axum's plain text.
        for url in [
            "/board?school_id=abc",
            "/households?school_id=abc",
            "/staff?school_id=abc",
            "/board?school_id=1.5",
        ] {
            let (status, html) = app.get(&head, url).await;
            let html = html.as_str().unwrap_or_default().to_string();
            assert!(status.is_client_error(), "[{b}] {url}: {status} {html}");
            assert!(
                html.contains("<span class=\"field-name\">school_id</span>"),
                "[{b}] {url}: {html}"
            );
            assert!(
                !html.contains("Failed to deserialize"),
                "[{b}] {url}: {html}"
            );
        }
    })
    .await;
}

#[tokio::test]
async fn a_hidden_character_that_changes_how_text_reads_is_refused_in_a_query_naming_it() {
    for_each_backend(|app| async move {
        let b = app.backend;
        let head = app.login("head@harton.demo").await;
        // U+202E (right-to-left override), U+2066 (isolate) and U+200B (zero-width space).
        for hidden in ["%E2%80%AE", "%E2%81%A6", "%E2%80%8B"] {
            let url = format!("/api/visits?status=sign{hidden}ed_out");
            let (status, body) = app.get(&head, &url).await;
            assert_eq!(status.as_u16(), 400, "[{b}] {url}: {body}");
            assert_eq!(body["field"], "status", "[{b}] {url}: {body}");
            assert!(
                body["reason"]
                    .as_str()
                    .is_some_and(|r| r.contains("changes how text reads")),
                "[{b}] {url}: {body}"
            );
        }
        // A right-to-left mark (U+200F) is part of how Arabic and Hebrew are written: taken.
        let (status, body) = app.get(&head, "/api/households?q=%D8%B9%E2%80%8F").await;
        assert!(status.is_success(), "[{b}] {body}");
        // A status that is not one is refused naming it, rather than listing nothing.
        let (status, body) = app.get(&head, "/api/visits?status=gone_fishing").await;
        assert_eq!(status.as_u16(), 422, "[{b}] {body}");
        assert_eq!(body["field"], "status", "[{b}] {body}");
    })
    .await;
}
