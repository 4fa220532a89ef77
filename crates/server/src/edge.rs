//! The edge every request and answer passes (#12 items 4 and 5): security headers on every
//! answer, and the first check of outside input — control characters in query strings, form
//! fields and JSON text, and the one function that decides where a `next`/`return_to` may send
//! a person. It must not decide access or touch the database.

use crate::AppState;
use crate::error::ApiError;
use axum::extract::{Request, State};
use axum::http::HeaderValue;
use axum::http::header::{
    CACHE_CONTROL, CONTENT_SECURITY_POLICY, REFERRER_POLICY, STRICT_TRANSPORT_SECURITY,
    X_CONTENT_TYPE_OPTIONS, X_FRAME_OPTIONS,
};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// No inline script or style anywhere: everything comes from `/static` (OWASP CSP cheat sheet).
const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
    frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

/// One year, as browsers' HSTS preload rules ask (RFC 6797 §6.1.1); sent only with an
/// `https://` public address, since over plain HTTP it would lock people out.
const HSTS: &str = "max-age=31536000";

/// Adds the security headers to every answer. Everything is personal (pages, JSON, PDFs, CSV,
/// calendar feeds) and gets `Cache-Control: no-store`, unless the answer says it is `public`
/// (static assets). Every answer also says school's time in [`SCHOOL_TIME`].
pub async fn security_headers(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let mut resp = next.run(req).await;
    let h = resp.headers_mut();
    h.insert(CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP));
    h.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    h.insert(X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    if state.is_https() {
        h.insert(STRICT_TRANSPORT_SECURITY, HeaderValue::from_static(HSTS));
    }
    let public = h
        .get(CACHE_CONTROL)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("public"));
    if !public {
        h.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    // School's clock (UTC, RFC 3339, milliseconds), which the pages count down against instead
    // of the phone's own clock (static/app.js).
    let now = state
        .app()
        .now()
        .to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    if let Ok(v) = HeaderValue::from_str(&now) {
        h.insert(SCHOOL_TIME, v);
    }
    resp
}

/// The header that carries school's time on every answer.
pub const SCHOOL_TIME: &str = "x-doorstep-time";

/// Whether `text` holds a control character: NUL, the other C0 controls and DEL (which
/// PostgreSQL refuses, or which hide text), and, unless `multi_line`, line breaks and tabs too.
pub fn has_control(text: &str, multi_line: bool) -> bool {
    text.chars().any(|c| {
        let allowed = multi_line && matches!(c, '\n' | '\r' | '\t');
        c.is_control() && !allowed
    })
}

/// The reason given for a control character, in a school office's words.
pub const CONTROL_REASON: &str =
    "contains a hidden control character (such as a NUL byte); type it again without it";

/// Refuses a query string holding a control character or a hidden character that changes how
/// text reads ([`domain::text::is_hidden_reordering`]) (400), or a parameter longer than
/// [`query_limit`] (422), naming the parameter, before any handler or database sees it. Query
/// parameters are single-line.
pub async fn refuse_control_in_query(req: Request, next: Next) -> Response {
    if let Some(query) = req.uri().query() {
        let bad = form_urlencoded::parse(query.as_bytes())
            .find(|(k, v)| has_control(k, false) || has_control(v, false));
        if let Some((name, _)) = bad {
            let field = if has_control(&name, false) {
                "query".to_string()
            } else {
                name.into_owned()
            };
            return ApiError::bad_request(field, CONTROL_REASON).into_response();
        }
        // Bidi overrides and isolates, zero-width spaces and word joiners make a parameter
        // read differently from what it is (the same rule as every text, `domain::text`).
        let hidden = |t: &str| t.chars().any(domain::text::is_hidden_reordering);
        let bad = form_urlencoded::parse(query.as_bytes()).find(|(k, v)| hidden(k) || hidden(v));
        if let Some((name, _)) = bad {
            let field = if hidden(&name) {
                "query".to_string()
            } else {
                name.into_owned()
            };
            return ApiError::bad_request(field, domain::text::HIDDEN_REASON).into_response();
        }
        // The same length limits as a body's texts (422, naming the parameter): no handler
        // reads a 1 MB `from`.
        let long = form_urlencoded::parse(query.as_bytes())
            .map(|(k, v)| (query_limit(&k), k, v.trim().chars().count()))
            .find(|(max, _, count)| count > max);
        if let Some((max, name, count)) = long {
            let reason = format!("is {count} characters long; at most {max} are allowed");
            let e = domain::FieldError::new(name.into_owned(), reason);
            return ApiError::Invalid(e).into_response();
        }
    }
    next.run(req).await
}

/// The most characters a query parameter takes: dates and times (`from`, `to`: 2026-09-01 or
/// 2026-09-01T09:30:00Z), a term (`this`, `last`), a list of kinds, a table's or scope's name,
/// and 2,048 for anything else (a `next` path, a sign-in provider's `code` and `state`).
pub fn query_limit(name: &str) -> usize {
    match name {
        "from" | "to" | "at" | "since" | "until" | "date" => 32,
        "term" => 10,
        "kind" | "table" | "scope" | "stage" | "status" => 200,
        _ => 2048,
    }
}

/// The first string in a JSON value (keys too) holding a control character other than a line
/// break or tab, as its path (`visitors[1].name`); `None` when there is none.
pub fn control_in_json(value: &serde_json::Value) -> Option<String> {
    fn walk(v: &serde_json::Value, path: &str) -> Option<String> {
        match v {
            serde_json::Value::String(s) => has_control(s, true).then(|| path.to_string()),
            serde_json::Value::Array(items) => items
                .iter()
                .enumerate()
                .find_map(|(i, item)| walk(item, &format!("{path}[{i}]"))),
            serde_json::Value::Object(fields) => fields.iter().find_map(|(k, item)| {
                let here = if path.is_empty() {
                    k.clone()
                } else {
                    format!("{path}.{k}")
                };
                if has_control(k, false) {
                    return Some(if path.is_empty() {
                        "body".into()
                    } else {
                        path.to_string()
                    });
                }
                walk(item, &here)
            }),
            _ => None,
        }
    }
    walk(value, "")
}

/// Where a `next` or `return_to` may send a person: a path on this site, else `default`. Refused:
/// anything not starting with one `/` (a scheme, `//host`, `/\host`), backslashes, and control
/// characters raw or percent-encoded (browsers drop tabs and line breaks, so `/%09/evil.example`
/// would become `//evil.example`; a raw CR/LF cannot go in a `Location` header).
pub fn safe_path(raw: &str, default: &str) -> String {
    let lower = raw.to_ascii_lowercase();
    let encoded_control = lower.match_indices('%').any(|(i, _)| {
        let hex = lower.get(i + 1..i + 3).unwrap_or("");
        matches!(hex.as_bytes(), [b'0' | b'1', _]) || hex == "7f" || hex == "5c" || hex == "2f"
    });
    let ok = raw.starts_with('/')
        && !raw.starts_with("//")
        && !raw.contains('\\')
        && !has_control(raw, false)
        && !encoded_control;
    if ok {
        raw.to_string()
    } else {
        default.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_paths_on_this_site_are_followed() {
        for hostile in [
            "//evil.example",
            "/\\evil.example",
            "/\t/evil.example",
            "/%09/evil.example",
            "/%0d%0aSet-Cookie:x=1",
            "/visits\r\nLocation: https://evil.example",
            "https://evil.example/",
            "javascript:alert(1)",
            "/%2f/evil.example",
            "/%5cevil.example",
            "evil.example",
            "",
        ] {
            assert_eq!(
                safe_path(hostile, "/"),
                "/",
                "{hostile:?} must not be followed"
            );
        }
        assert_eq!(safe_path("/visits/3?tab=risk", "/"), "/visits/3?tab=risk");
        assert_eq!(safe_path("/households/2#notes", "/"), "/households/2#notes");
    }

    #[test]
    fn a_control_character_is_found_where_it_is_in_a_json_body() {
        let body = serde_json::json!({ "visitors": [{ "name": "ok" }, { "name": "a\u{0}b" }] });
        assert_eq!(control_in_json(&body).as_deref(), Some("visitors[1].name"));
        let notes = serde_json::json!({ "notes": "line one\nline two\ttabbed" });
        assert_eq!(control_in_json(&notes), None);
    }
}
