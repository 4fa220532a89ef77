//! SMS through an HTTP gateway: one JSON POST per message, carrying the caller's idempotency key so a
//! retried alarm is not texted twice by gateways that honour it.

use std::fmt;
use std::time::Duration;

use reqwest::header::{AUTHORIZATION, HeaderValue};
use reqwest::{Client, Url};
use serde::Serialize;

use crate::{DeliveryError, IDEMPOTENCY_KEY_HEADER, Message, http};

/// Where and how to reach the SMS gateway.
#[derive(Clone)]
pub struct SmsSettings {
    /// The gateway's send endpoint, e.g. `https://sms.example/v1/messages`.
    pub url: String,
    /// Sent as `Authorization: Bearer <key>` when set.
    pub api_key: Option<String>,
    /// The sender name or number shown to the recipient.
    pub sender: String,
    /// Bound on connecting and on the whole request.
    pub timeout: Duration,
}

impl fmt::Debug for SmsSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SmsSettings")
            .field("url", &self.url)
            .field("api_key", &self.api_key.as_ref().map(|_| "<redacted>"))
            .field("sender", &self.sender)
            .field("timeout", &self.timeout)
            .finish()
    }
}

/// Sends text messages through the configured gateway. Build once and share.
#[derive(Clone)]
pub struct SmsGateway {
    client: Client,
    url: Url,
    authorization: Option<HeaderValue>,
    sender: String,
}

impl fmt::Debug for SmsGateway {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SmsGateway")
            .field("url", &self.url.as_str())
            .field("sender", &self.sender)
            .finish_non_exhaustive()
    }
}

#[derive(Serialize)]
struct SmsRequest<'a> {
    to: &'a str,
    from: &'a str,
    body: &'a str,
}

impl SmsGateway {
    /// Checks the settings and builds the HTTP client. Bad settings are [`DeliveryError::Permanent`].
    pub fn new(cfg: &SmsSettings) -> Result<Self, DeliveryError> {
        let url = http::endpoint("SMS gateway", &cfg.url)?;
        if cfg.sender.trim().is_empty() {
            return Err(DeliveryError::Permanent("SMS sender is empty".into()));
        }
        let authorization = match &cfg.api_key {
            Some(key) => {
                let mut value = HeaderValue::from_str(&format!("Bearer {key}")).map_err(|_| {
                    DeliveryError::Permanent("SMS api key is not a valid header value".into())
                })?;
                value.set_sensitive(true);
                Some(value)
            }
            None => None,
        };
        Ok(Self {
            client: http::client(cfg.timeout)?,
            url,
            authorization,
            sender: cfg.sender.clone(),
        })
    }

    /// Sends `m.body` to the phone number in `m.to` (the subject is not sent).
    pub async fn send(&self, m: &Message, idempotency_key: &str) -> Result<(), DeliveryError> {
        let request = SmsRequest {
            to: &m.to,
            from: &self.sender,
            body: &m.body,
        };
        let mut builder = self
            .client
            .post(self.url.clone())
            .header(IDEMPOTENCY_KEY_HEADER, idempotency_key)
            .json(&request);
        if let Some(authorization) = &self.authorization {
            builder = builder.header(AUTHORIZATION, authorization.clone());
        }
        let response = builder
            .send()
            .await
            .map_err(|e| http::request_error("SMS gateway", e))?;
        http::check_response("SMS gateway", response).await?;
        tracing::debug!(
            sms.idempotency_key = idempotency_key,
            "SMS accepted by gateway"
        );
        Ok(())
    }
}
