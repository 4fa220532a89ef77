//! The OpenAPI description served at `/api/openapi.json`, made to tell the truth (#12 item 6):
//! the routes' own annotations, then one pass ([`finish`]) that puts every query parameter
//! `in: query`, gives path ids their real range, and documents on every operation the error
//! answers the edge and [`crate::error::ApiError`] send, with their JSON shape. Schemathesis
//! checks the result against the running server in CI (`scripts/schemathesis`).

use axum::Json;
use serde_json::{Value, json};
use std::sync::Arc;
use utoipa::OpenApi;

#[derive(OpenApi)]
#[openapi(info(
    title = "Doorstep",
    description = "Home visits, run safely: plan, authorise, keep staff safe while out, record the outcome."
))]
pub struct ApiDoc;

impl ApiDoc {
    pub fn base() -> utoipa::openapi::OpenApi {
        ApiDoc::openapi()
    }
}

/// Error answers any operation may give, and when. 401/403 come from the session and role
/// checks, 400 from the edge (a bad query string, path id or body), 404/409/422 from the use
/// cases, 408 from the time limit, 503 when the database is busy or the door is full.
const ANY_OPERATION: [(&str, &str); 8] = [
    (
        "400",
        "The request cannot be read: `field` names the parameter or body field",
    ),
    ("401", "Not signed in, or the session has ended"),
    (
        "403",
        "This person's role or school does not allow it, or a second factor is needed",
    ),
    (
        "404",
        "The record named in the address (or a record it refers to) does not exist",
    ),
    ("408", "The answer took too long and was stopped; try again"),
    ("409", "The record is not in a state that allows this now"),
    (
        "422",
        "The input is understood but refused: `field` names it, `reason` says why",
    ),
    ("503", "Busy: try again after `Retry-After` seconds"),
];

/// Operations that answer 429 (sign-in and second-factor attempts are throttled).
const THROTTLED: [&str; 3] = [
    "/api/login",
    "/api/me/step-up",
    "/api/me/second-factor/confirm",
];

/// The description as served: the annotated one with the fixes above, as JSON.
pub fn finish(spec: utoipa::openapi::OpenApi) -> Value {
    let mut doc = serde_json::to_value(spec).unwrap_or_else(|_| json!({}));
    let schemas = doc
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut);
    if let Some(schemas) = schemas {
        schemas.insert("Error".into(), error_schema());
    } else if let Some(root) = doc.as_object_mut() {
        root.insert(
            "components".into(),
            json!({ "schemas": { "Error": error_schema() } }),
        );
    }
    merge_all_of(&mut doc);
    let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) else {
        return doc;
    };
    for (path, item) in paths.iter_mut() {
        let Some(item) = item.as_object_mut() else {
            continue;
        };
        for (method, op) in item.iter_mut() {
            if !matches!(method.as_str(), "get" | "post" | "put" | "delete" | "patch") {
                continue;
            }
            fix_parameters(path, op);
            document_errors(path, op);
        }
    }
    doc
}

/// A struct with `#[serde(flatten)]` is written as `allOf: [$ref, {own fields}]`; when the
/// flattened struct refuses unknown fields (`additionalProperties: false`) no input satisfies
/// both, so such a schema is written out as one object with every field.
fn merge_all_of(doc: &mut Value) {
    let Some(schemas) = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .cloned()
    else {
        return;
    };
    for (name, schema) in &schemas {
        let Some(parts) = schema.get("allOf").and_then(Value::as_array) else {
            continue;
        };
        let mut properties = serde_json::Map::new();
        let mut required: Vec<Value> = Vec::new();
        let mut closed = false;
        let mut objects = true;
        for part in parts {
            let part = match part.get("$ref").and_then(Value::as_str) {
                Some(r) => r
                    .strip_prefix("#/components/schemas/")
                    .and_then(|n| schemas.get(n))
                    .unwrap_or(&Value::Null),
                None => part,
            };
            let Some(props) = part.get("properties").and_then(Value::as_object) else {
                objects = false;
                break;
            };
            properties.extend(props.clone());
            if let Some(r) = part.get("required").and_then(Value::as_array) {
                required.extend(r.iter().cloned());
            }
            closed |= part.get("additionalProperties") == Some(&Value::Bool(false));
        }
        if !objects {
            continue;
        }
        let mut merged =
            json!({ "type": "object", "required": required, "properties": properties });
        if closed {
            merged["additionalProperties"] = json!(false);
        }
        if let Some(description) = schema.get("description") {
            merged["description"] = description.clone();
        }
        if let Some(slot) = doc.pointer_mut(&format!("/components/schemas/{name}")) {
            *slot = merged;
        }
    }
}

/// The `{error, field, reason}` body of every 4xx and 5xx (see [`crate::error::ApiError`]).
fn error_schema() -> Value {
    json!({
        "type": "object",
        "required": ["error", "field", "reason"],
        "properties": {
            "error": { "type": "string", "description": "A short code, e.g. `bad_request`, `step_up_required`" },
            "field": { "type": ["string", "null"], "description": "The field or parameter concerned, e.g. `visitors[1].staff_id`" },
            "reason": { "type": "string", "description": "Why, in a school office's words" },
            "unmet": { "type": "array", "description": "The policy rules not met (422 `policy`)" },
            "allowed": { "type": "array", "description": "The steps allowed now (409 `illegal_step`)" }
        }
    })
}

/// utoipa's `IntoParams` puts parameters `in: path` unless told otherwise: a parameter the
/// path does not name is in the query string. Path ids are positive 64-bit numbers.
fn fix_parameters(path: &str, op: &mut Value) {
    let Some(params) = op.get_mut("parameters").and_then(Value::as_array_mut) else {
        return;
    };
    for p in params.iter_mut() {
        let name = p
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        let in_path = path.contains(&format!("{{{name}}}"));
        if !in_path && p.get("in").and_then(Value::as_str) == Some("path") {
            p["in"] = json!("query");
            // An optional parameter is left out of a query string, never sent as `null`.
            let optional = drop_null(&mut p["schema"]);
            p["required"] = json!(!optional);
        }
        if in_path && name == "id" {
            p["schema"] = json!({ "type": "integer", "format": "int64", "minimum": 1 });
        }
        if p.get("in").and_then(Value::as_str) == Some("query") {
            limit_query_text(path, &name, &mut p["schema"]);
        }
    }
}

/// A text query parameter's documented limits, so clients (and schemathesis) send values the
/// edge takes: its `maxLength` is the edge's ([`crate::edge::query_limit`]), and a parameter
/// with a fixed set of values lists them (`enum`), e.g. a visit's `status`.
fn limit_query_text(path: &str, name: &str, schema: &mut Value) {
    if schema.get("type").and_then(Value::as_str) != Some("string") {
        return;
    }
    let values: Option<Vec<&str>> = match (path, name) {
        ("/api/visits", "status") => Some(
            domain::visit::VisitStatus::ALL
                .iter()
                .map(|s| s.as_str())
                .collect(),
        ),
        ("/api/visits/{id}/policy-check", "stage") => {
            Some(vec!["request", "authorise", "sign_out"])
        }
        ("/api/reports/governors.csv", "table") => {
            Some(app::reports::GovernorsReport::TABLE_NAMES.to_vec())
        }
        _ => None,
    };
    if let Some(values) = values {
        schema["enum"] = json!(values);
    }
    if schema.get("maxLength").is_none() {
        schema["maxLength"] = json!(crate::edge::query_limit(name));
    }
}

/// Takes `"null"` out of a schema's list of types; whether it was there.
fn drop_null(schema: &mut Value) -> bool {
    let Some(types) = schema.get_mut("type").and_then(Value::as_array_mut) else {
        return false;
    };
    let before = types.len();
    types.retain(|t| t != "null");
    let dropped = types.len() < before;
    let single = (types.len() == 1).then(|| types[0].clone());
    if let Some(single) = single {
        schema["type"] = single;
    }
    dropped
}

fn document_errors(path: &str, op: &mut Value) {
    let error_body =
        json!({ "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } });
    let Some(responses) = op.get_mut("responses").and_then(Value::as_object_mut) else {
        return;
    };
    // An error answer already listed without a body gets the error body.
    for (status, response) in responses.iter_mut() {
        let is_error = status.starts_with('4') || status.starts_with('5');
        if is_error && response.get("content").is_none() {
            response["content"] = error_body.clone();
        }
    }
    let throttled = THROTTLED
        .contains(&path)
        .then_some(("429", "Too many attempts: paused for `Retry-After` seconds"));
    for (status, description) in ANY_OPERATION.into_iter().chain(throttled) {
        responses
            .entry(status)
            .or_insert_with(|| json!({ "description": description, "content": error_body }));
    }
}

pub async fn serve(spec: Arc<Value>) -> Json<Value> {
    Json((*spec).clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_query_parameter_is_documented_in_the_query_and_errors_have_their_shape() {
        let mut op = json!({
            "parameters": [
                { "name": "id", "in": "path", "required": true, "schema": { "type": "integer" } },
                { "name": "stage", "in": "path", "required": true, "schema": { "type": ["string", "null"] } }
            ],
            "responses": { "200": { "description": "ok" }, "404": { "description": "gone" } }
        });
        fix_parameters("/api/visits/{id}/policy-check", &mut op);
        document_errors("/api/visits/{id}/policy-check", &mut op);
        assert_eq!(op["parameters"][0]["in"], "path");
        assert_eq!(op["parameters"][0]["schema"]["minimum"], 1);
        assert_eq!(op["parameters"][1]["in"], "query");
        assert_eq!(op["parameters"][1]["required"], false);
        assert_eq!(op["parameters"][1]["schema"]["type"], "string");
        let error = "#/components/schemas/Error";
        for status in ["400", "401", "403", "404", "409", "422", "503"] {
            let schema = &op["responses"][status]["content"]["application/json"]["schema"];
            assert_eq!(schema["$ref"], error, "{status}");
        }
        assert!(op["responses"].get("429").is_none());
    }

    #[test]
    fn query_texts_document_the_edge_s_limit_and_their_values() {
        let mut op = json!({ "parameters": [
            { "name": "status", "in": "path", "required": true, "schema": { "type": ["string", "null"] } },
            { "name": "next", "in": "path", "required": true, "schema": { "type": ["string", "null"] } },
            { "name": "school_id", "in": "path", "required": true, "schema": { "type": ["integer", "null"] } }
        ] });
        fix_parameters("/api/visits", &mut op);
        let status = &op["parameters"][0]["schema"];
        assert_eq!(status["maxLength"], crate::edge::query_limit("status"));
        let values = status["enum"].as_array().unwrap();
        assert!(values.contains(&json!("signed_out")), "{status}");
        assert_eq!(op["parameters"][1]["schema"]["maxLength"], 2048);
        assert!(op["parameters"][2]["schema"].get("maxLength").is_none());
    }
}
