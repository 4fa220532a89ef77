//! Hostile input over every write route of the API (#12 item 5), on SQLite and PostgreSQL: each
//! POST, PUT and DELETE the OpenAPI description lists with a JSON body is sent, for each text
//! field of its body (following `$ref` to the `Line…`/`MultiLine…` components), a NUL, a hidden
//! control character, a 1 MB string and one character over its documented `maxLength`; for each
//! whole-number field, a number no id or count can be. Every one is a 4xx JSON
//! `{error, field, reason}` naming that field, and no table gains or loses a row.

use crate::helpers::{TestApp, for_each_backend};
use axum::http::{Method, StatusCode};
use serde_json::{Value, json};

/// One write operation with a JSON body: method, path with ids filled in, each body property
/// with its schema resolved ([`Field`]), and the required properties.
type Route = (Method, String, Vec<(String, Field)>, Vec<String>);

/// What a property's schema says, after following `$ref` (e.g. to a `Line100` or
/// `MultiLine2000` component) and `oneOf`/`anyOf`/`allOf` (an optional text is `null` or one).
#[derive(Default, Debug)]
struct Field {
    types: Vec<String>,
    max_length: Option<u64>,
}

fn field_of(schema: &Value, schemas: &Value, depth: u8) -> Field {
    let mut f = Field::default();
    if depth > 8 {
        return f;
    }
    if let Some(r) = schema["$ref"].as_str() {
        let name = r.trim_start_matches("#/components/schemas/");
        return field_of(&schemas[name], schemas, depth + 1);
    }
    match &schema["type"] {
        Value::String(t) => f.types.push(t.clone()),
        Value::Array(ts) => f
            .types
            .extend(ts.iter().filter_map(|t| t.as_str().map(str::to_string))),
        _ => {}
    }
    f.max_length = schema["maxLength"].as_u64();
    for key in ["oneOf", "anyOf", "allOf"] {
        for part in schema[key].as_array().into_iter().flatten() {
            let inner = field_of(part, schemas, depth + 1);
            f.types.extend(inner.types);
            f.max_length = f.max_length.or(inner.max_length);
        }
    }
    f
}

/// The write operations with a JSON body, from the OpenAPI description.
async fn write_routes(app: &TestApp) -> Vec<Route> {
    let head = app.login("head@harton.demo").await;
    let (_, doc) = app.get(&head, "/api/openapi.json").await;
    let schemas = doc["components"]["schemas"].clone();
    let resolve = |s: &Value| -> Value {
        match s["$ref"].as_str() {
            Some(r) => schemas[r.trim_start_matches("#/components/schemas/")].clone(),
            None => s.clone(),
        }
    };
    let mut routes = Vec::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for (method, op) in item.as_object().expect("operations") {
            let method = match method.as_str() {
                "post" => Method::POST,
                "put" => Method::PUT,
                "delete" => Method::DELETE,
                _ => continue,
            };
            let body = &op["requestBody"]["content"]["application/json"]["schema"];
            let Some(props) = resolve(body)["properties"].as_object().cloned() else {
                continue;
            };
            // The SMS gateway's webhook is signed (HMAC): it refuses before reading a body it
            // cannot trust, so there is no field to name (tested in scenarios::texts_in).
            if path == "/api/sms/inbound" {
                continue;
            }
            let required = resolve(body)["required"]
                .as_array()
                .map(|r| {
                    r.iter()
                        .filter_map(|f| f.as_str().map(str::to_string))
                        .collect()
                })
                .unwrap_or_default();
            let fields = props
                .iter()
                .map(|(name, schema)| (name.clone(), field_of(schema, &schemas, 0)))
                .collect();
            routes.push((method, path.replace("{id}", "1"), fields, required));
        }
    }
    routes
}

#[tokio::test]
async fn hostile_input_to_every_write_route_is_refused_naming_the_field_and_changes_nothing() {
    for_each_backend(|app| async move {
        let b = app.backend;
        let routes = write_routes(&app).await;
        assert!(
            routes.len() > 30,
            "[{b}] only {} write routes found",
            routes.len()
        );
        let head = app.login("head@harton.demo").await;
        let before = app.db.row_counts().await.expect("row counts");
        let mega = "x".repeat(1024 * 1024);
        let mut tried = 0;
        let mut at_limit = 0;
        for (method, path, props, required) in &routes {
            for (field, schema) in props {
                let types = &schema.types;
                let mut hostile: Vec<(&str, Value)> = Vec::new();
                if types.iter().any(|t| t == "string") {
                    hostile.push(("a NUL", json!(format!("a\u{0}b"))));
                    hostile.push(("a hidden control character", json!("a\u{7}b")));
                    hostile.push(("a 1 MB string", json!(mega)));
                    // One character over the limit the document gives the box.
                    if let Some(max) = schema.max_length.and_then(|m| usize::try_from(m).ok()) {
                        hostile.push(("one character too many", json!("z".repeat(max + 1))));
                        at_limit += 1;
                    }
                }
                if types.iter().any(|t| t == "integer") {
                    hostile.push(("a number out of range", json!(1e300)));
                }
                for (what, value) in hostile {
                    let body = json!({ field.clone(): value });
                    let (status, answer) = app.send(&head, method.clone(), path, Some(body)).await;
                    assert!(
                        status.is_client_error(),
                        "[{b}] {method} {path} with {what} in {field}: {status} {answer}"
                    );
                    // A body read as a whole (flattened inputs) names a required field it
                    // lacks before the hostile one: still a refusal naming a real field.
                    let named = answer["field"].as_str().unwrap_or_default();
                    assert!(
                        named == field.as_str() || required.iter().any(|r| r == named),
                        "[{b}] {method} {path} with {what} in {field}: {answer}"
                    );
                    assert!(answer["reason"].is_string(), "[{b}] {answer}");
                    tried += 1;
                }
            }
        }
        assert!(tried > 100, "[{b}] only {tried} hostile requests sent");
        assert!(
            at_limit > 50,
            "[{b}] only {at_limit} texts fuzzed at their documented limit"
        );
        let after = app.db.row_counts().await.expect("row counts");
        assert_eq!(
            before, after,
            "[{b}] a refused request changed the database"
        );
    })
    .await;
}

#[tokio::test]
async fn a_missing_or_wrong_field_is_named_by_its_path_in_a_school_s_words() {
    for_each_backend(|app| async move {
        let b = app.backend;
        let head = app.login("head@harton.demo").await;
        let (status, body) = app.post(&head, "/api/visits", json!({})).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "[{b}] {body}");
        assert!(
            body["field"].is_string() && body["field"] != "body",
            "[{b}] {body}"
        );
        let reason = body["reason"].as_str().unwrap_or_default();
        assert!(
            !reason.contains("missing field"),
            "[{b}] a developer's words: {body}"
        );
        let (status, body) = app.get(&head, "/api/visits?school_id=first").await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "[{b}] {body}");
        assert_eq!(body["field"], "school_id", "[{b}] {body}");
        assert_eq!(
            body["reason"], "Choose the school as a whole number",
            "[{b}] {body}"
        );
        let (status, body) = app
            .send_raw(
                &head,
                Method::POST,
                "/api/visits",
                Some("application/json"),
                "{\"purpose\": ".to_string(),
            )
            .await;
        // Cut off inside a field: the field being read is named, with the line and column.
        assert_eq!(status, StatusCode::BAD_REQUEST, "[{b}] {body}");
        assert_eq!(body["field"], "purpose", "[{b}] {body}");
    })
    .await;
}

#[tokio::test]
async fn a_check_in_from_off_the_earth_is_refused_naming_the_field() {
    for_each_backend(|app| async move {
        let b = app.backend;
        let head = app.login("head@harton.demo").await;
        let before = app.db.row_counts().await.expect("row counts");
        for (body, field) in [
            (json!({ "latitude": 1000.0, "longitude": 0.0 }), "latitude"),
            (json!({ "latitude": 0.0, "longitude": -181.0 }), "longitude"),
            (
                json!({ "latitude": 51.0, "longitude": 0.0, "accuracy_m": -5.0 }),
                "accuracy_m",
            ),
        ] {
            let (status, answer) = app.post(&head, "/api/visits/1/check-in", body).await;
            // The position is checked before anything else, whoever sends it.
            assert_eq!(
                status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "[{b}] {field}: {answer}"
            );
            assert_eq!(answer["field"], field, "[{b}] {answer}");
        }
        let after = app.db.row_counts().await.expect("row counts");
        assert_eq!(
            before, after,
            "[{b}] a refused check-in changed the database"
        );
    })
    .await;
}
