//! Checks on an answer that say what went wrong, with the body, when they fail.

use axum::http::StatusCode;
use serde_json::Value;

/// Checks on an answer, with the body in the message when they fail.
pub trait Answer {
    /// The body, after checking the status.
    fn expect_status(self, status: StatusCode) -> Value;
    /// A policy refusal (422) naming `requirement` under `rule`; the refusal's `why` sentence.
    fn expect_refused(self, requirement: &str, rule: &str) -> String;
    /// A 4xx whose JSON names the field and gives a reason; the body.
    fn expect_field_error(self, status: StatusCode, field: &str) -> Value;
}

impl Answer for (StatusCode, Value) {
    fn expect_status(self, status: StatusCode) -> Value {
        assert_eq!(self.0, status, "unexpected answer: {}", self.1);
        self.1
    }

    fn expect_refused(self, requirement: &str, rule: &str) -> String {
        let body = self.expect_status(StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(body["error"], "policy", "not a policy refusal: {body}");
        let unmet = body["unmet"]
            .as_array()
            .unwrap_or_else(|| panic!("a refusal lists what is unmet: {body}"));
        let hit = unmet
            .iter()
            .find(|u| u["requirement"] == requirement && u["rule"] == rule)
            .unwrap_or_else(|| panic!("the refusal does not name {requirement} ({rule}): {body}"));
        hit["why"].as_str().unwrap_or_default().to_string()
    }

    fn expect_field_error(self, status: StatusCode, field: &str) -> Value {
        let body = self.expect_status(status);
        assert_eq!(
            body["field"], field,
            "the error names another field: {body}"
        );
        assert!(
            body["reason"]
                .as_str()
                .is_some_and(|r| !r.trim().is_empty()),
            "the error gives no reason: {body}"
        );
        body
    }
}

/// The `requirement`s a refusal or a visit's `unmet` list names.
pub fn requirements(unmet: &Value) -> Vec<String> {
    unmet
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|u| u["requirement"].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}
