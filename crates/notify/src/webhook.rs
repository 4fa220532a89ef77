//! Signed webhooks to a school's own system: the JSON payload is POSTed with an idempotency key, a
//! timestamp and an HMAC-SHA256 signature over `"<timestamp>.<body>"`, so the receiver can check that
//! the request came from us and was not altered. Freshness of the timestamp is the receiver's check.

use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use hmac::{Hmac, KeyInit, Mac};
use reqwest::header::CONTENT_TYPE;
use reqwest::{Client, Url};
use sha2::Sha256;

use crate::{DeliveryError, IDEMPOTENCY_KEY_HEADER, WebhookEvent, http};

/// Unix seconds at which the request was signed.
pub const TIMESTAMP_HEADER: &str = "X-Doorstep-Timestamp";
/// `sha256=<hex HMAC-SHA256 of "<timestamp>.<body>">`.
pub const SIGNATURE_HEADER: &str = "X-Doorstep-Signature";

const SIGNATURE_PREFIX: &str = "sha256=";

type HmacSha256 = Hmac<Sha256>;

/// Where to deliver webhooks and the secret shared with the receiver.
#[derive(Clone)]
pub struct WebhookSettings {
    pub url: String,
    pub secret: String,
    /// Bound on connecting and on the whole request.
    pub timeout: Duration,
}

impl fmt::Debug for WebhookSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WebhookSettings")
            .field("url", &self.url)
            .field("secret", &"<redacted>")
            .field("timeout", &self.timeout)
            .finish()
    }
}

/// Delivers signed events to one endpoint. Build once and share.
#[derive(Clone)]
pub struct Webhook {
    client: Client,
    url: Url,
    secret: String,
}

impl fmt::Debug for Webhook {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Webhook")
            .field("url", &self.url.as_str())
            .finish_non_exhaustive()
    }
}

impl Webhook {
    /// Checks the settings and builds the HTTP client. Bad settings are [`DeliveryError::Permanent`].
    pub fn new(cfg: &WebhookSettings) -> Result<Self, DeliveryError> {
        let url = http::endpoint("webhook", &cfg.url)?;
        if cfg.secret.is_empty() {
            return Err(DeliveryError::Permanent(
                "webhook secret is empty: receivers could not tell our requests from forgeries"
                    .into(),
            ));
        }
        Ok(Self {
            client: http::client(cfg.timeout)?,
            url,
            secret: cfg.secret.clone(),
        })
    }

    /// POSTs the event's payload, signed with the current time.
    pub async fn send(&self, e: &WebhookEvent) -> Result<(), DeliveryError> {
        let body = serde_json::to_vec(&e.payload)
            .map_err(|err| DeliveryError::Permanent(format!("webhook payload: {err}")))?;
        let timestamp = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_err(|err| DeliveryError::Temporary(format!("system clock before 1970: {err}")))?
            .as_secs()
            .to_string();
        let signature = sign(&self.secret, &timestamp, &body);
        let response = self
            .client
            .post(self.url.clone())
            .header(CONTENT_TYPE, "application/json")
            .header(IDEMPOTENCY_KEY_HEADER, &e.idempotency_key)
            .header(TIMESTAMP_HEADER, &timestamp)
            .header(SIGNATURE_HEADER, signature)
            .body(body)
            .send()
            .await
            .map_err(|err| http::request_error("webhook", err))?;
        http::check_response("webhook", response).await?;
        tracing::debug!(webhook.idempotency_key = %e.idempotency_key, "webhook delivered");
        Ok(())
    }
}

fn mac(secret: &str, timestamp: &str, body: &[u8]) -> HmacSha256 {
    // HMAC takes keys of any length, so this cannot fail; the fallback keeps the signature path free
    // of panics all the same.
    let mut mac = <HmacSha256 as KeyInit>::new_from_slice(secret.as_bytes())
        .unwrap_or_else(|_| <HmacSha256 as KeyInit>::new(&Default::default()));
    mac.update(timestamp.as_bytes());
    mac.update(b".");
    mac.update(body);
    mac
}

/// The value of the [`SIGNATURE_HEADER`] for `body` sent at `timestamp` (unix seconds, as sent).
pub fn sign(secret: &str, timestamp: &str, body: &[u8]) -> String {
    let tag = mac(secret, timestamp, body).finalize().into_bytes();
    format!("{SIGNATURE_PREFIX}{}", hex::encode(tag.as_slice()))
}

/// Checks a received [`SIGNATURE_HEADER`] value in constant time. For receivers and tests; it does not
/// judge whether `timestamp` is recent enough.
pub fn verify_signature(secret: &str, timestamp: &str, body: &[u8], header: &str) -> bool {
    let Some(hex_tag) = header.trim().strip_prefix(SIGNATURE_PREFIX) else {
        return false;
    };
    let Ok(tag) = hex::decode(hex_tag) else {
        return false;
    };
    mac(secret, timestamp, body).verify_slice(&tag).is_ok()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // a panic is how a test fails
mod tests {
    use super::*;

    #[test]
    fn a_signature_verifies_only_with_the_same_secret_timestamp_and_body() {
        let header = sign("s3cret", "1700000000", br#"{"a":1}"#);
        assert!(header.starts_with("sha256="));
        assert_eq!(header.len(), "sha256=".len() + 64);
        assert!(verify_signature(
            "s3cret",
            "1700000000",
            br#"{"a":1}"#,
            &header
        ));
        assert!(!verify_signature(
            "other",
            "1700000000",
            br#"{"a":1}"#,
            &header
        ));
        assert!(!verify_signature(
            "s3cret",
            "1700000001",
            br#"{"a":1}"#,
            &header
        ));
        assert!(!verify_signature(
            "s3cret",
            "1700000000",
            br#"{"a":2}"#,
            &header
        ));
    }

    #[test]
    fn malformed_signature_headers_are_refused() {
        let header = sign("s3cret", "1", b"x");
        let bare = header.trim_start_matches("sha256=");
        assert!(!verify_signature("s3cret", "1", b"x", bare));
        assert!(!verify_signature("s3cret", "1", b"x", "sha256=zz"));
        assert!(!verify_signature("s3cret", "1", b"x", "sha256="));
        assert!(!verify_signature(
            "s3cret",
            "1",
            b"x",
            &header[..header.len() - 2]
        ));
    }

    #[test]
    fn signature_is_hmac_sha256_of_timestamp_dot_body() {
        // Computed independently: Python's hmac.new(b"s3cret", b'1700000000.{"alarm":"overdue"}', sha256).
        assert_eq!(
            sign("s3cret", "1700000000", br#"{"alarm":"overdue"}"#),
            "sha256=3d8b0a231bec3b4552a517ac213592844a7cb30914a8084b8a1248de5ff90634"
        );
    }
}
