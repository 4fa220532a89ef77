//! What the HTTP adapters (SMS gateway, webhook) share: one client per adapter and the mapping from
//! HTTP outcomes to [`DeliveryError`]. Nothing here knows what is being delivered.

use std::time::Duration;

use reqwest::{Client, Response, StatusCode, Url, redirect};

use crate::{DeliveryError, install_crypto_provider};

/// How much of an error response body is kept in the error message.
const ERROR_BODY_CHARS: usize = 200;

/// Parses an endpoint from settings, refusing anything that is not an absolute http(s) URL.
pub(crate) fn endpoint(what: &str, url: &str) -> Result<Url, DeliveryError> {
    let parsed = Url::parse(url)
        .map_err(|e| DeliveryError::Permanent(format!("{what} url {url:?} is not valid: {e}")))?;
    match parsed.scheme() {
        "http" | "https" => Ok(parsed),
        other => Err(DeliveryError::Permanent(format!(
            "{what} url {url:?} must be http or https, not {other}"
        ))),
    }
}

/// Builds the one client an adapter keeps: bounded connect and total time, no redirects (a signed or
/// authorised POST must not be replayed to wherever a redirect points).
pub(crate) fn client(timeout: Duration) -> Result<Client, DeliveryError> {
    install_crypto_provider();
    Client::builder()
        .connect_timeout(timeout)
        .timeout(timeout)
        .redirect(redirect::Policy::none())
        .user_agent(concat!("doorstep/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| DeliveryError::Permanent(format!("cannot build HTTP client: {e}")))
}

/// Maps a failure to get any response at all.
pub(crate) fn request_error(what: &str, e: reqwest::Error) -> DeliveryError {
    let cause = with_causes(&e);
    if e.is_builder() {
        DeliveryError::Permanent(format!("{what}: cannot build request: {cause}"))
    } else if e.is_timeout() {
        DeliveryError::Temporary(format!("{what}: timed out: {cause}"))
    } else if e.is_connect() {
        DeliveryError::Temporary(format!("{what}: cannot connect: {cause}"))
    } else {
        DeliveryError::Temporary(format!("{what}: request failed: {cause}"))
    }
}

/// reqwest's own message ("error sending request for url …") hides the cause an operator needs
/// ("Connection refused", a certificate problem), so spell out the whole chain.
fn with_causes(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    text
}

/// Turns a response into success or the right kind of failure.
///
/// 2xx is success; 408, 429 and 5xx are worth retrying; any other status (4xx, and 3xx since redirects
/// are not followed) will not change by itself.
pub(crate) async fn check_response(what: &str, response: Response) -> Result<(), DeliveryError> {
    let status = response.status();
    if status.is_success() {
        return Ok(());
    }
    let body = response.text().await.unwrap_or_default();
    let excerpt: String = body.chars().take(ERROR_BODY_CHARS).collect();
    let excerpt = excerpt.trim();
    let message = if excerpt.is_empty() {
        format!("{what}: answered {status}")
    } else {
        format!("{what}: answered {status}: {excerpt}")
    };
    if is_retryable(status) {
        Err(DeliveryError::Temporary(message))
    } else {
        Err(DeliveryError::Permanent(message))
    }
}

fn is_retryable(status: StatusCode) -> bool {
    status.is_server_error()
        || status == StatusCode::REQUEST_TIMEOUT
        || status == StatusCode::TOO_MANY_REQUESTS
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // a panic is how a test fails
mod tests {
    use super::*;

    #[test]
    fn only_timeouts_throttling_and_server_errors_are_retryable() {
        for code in [408, 429, 500, 502, 503, 504] {
            assert!(is_retryable(StatusCode::from_u16(code).unwrap()), "{code}");
        }
        for code in [301, 302, 400, 401, 403, 404, 410, 422] {
            assert!(!is_retryable(StatusCode::from_u16(code).unwrap()), "{code}");
        }
    }

    #[test]
    fn endpoints_must_be_absolute_http_urls() {
        assert!(endpoint("sms", "https://sms.example/send").is_ok());
        assert!(endpoint("sms", "http://127.0.0.1:8080/").is_ok());
        assert!(matches!(
            endpoint("sms", "sms.example/send"),
            Err(DeliveryError::Permanent(_))
        ));
        assert!(matches!(
            endpoint("sms", "ftp://sms.example/"),
            Err(DeliveryError::Permanent(_))
        ));
    }
}
