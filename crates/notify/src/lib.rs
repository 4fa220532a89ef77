//! Doorstep's delivery adapters: email over SMTP, SMS through an HTTP gateway, signed webhooks.
//!
//! Each adapter is built once from its settings (with timeouts) and reused for every send; each send
//! either succeeds or says whether it is worth retrying ([`DeliveryError::Temporary`]) or never will
//! work ([`DeliveryError::Permanent`]). This crate knows nothing about databases, escalation ladders
//! or retries: the caller records deliveries under an idempotency key and decides when to try again.

mod email;
mod http;
mod sms;
#[cfg(feature = "test-servers")]
pub mod testing;
mod webhook;

pub use email::{Mailer, SmtpSettings, SmtpTls};
pub use sms::{SmsGateway, SmsSettings};
pub use webhook::{
    SIGNATURE_HEADER, TIMESTAMP_HEADER, Webhook, WebhookSettings, sign, verify_signature,
};

/// The header carrying the caller's idempotency key on SMS and webhook requests.
pub const IDEMPOTENCY_KEY_HEADER: &str = "Idempotency-Key";

/// One message for one person.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Message {
    /// An email address for [`Mailer`], a phone number for [`SmsGateway`].
    pub to: String,
    /// The email subject; SMS ignores it.
    pub subject: String,
    pub body: String,
}

/// One event for a school's own system, delivered by [`Webhook`].
#[derive(Clone, Debug, PartialEq)]
pub struct WebhookEvent {
    /// Sent as the `Idempotency-Key` header so a receiver can drop repeats of a retried delivery.
    pub idempotency_key: String,
    pub payload: serde_json::Value,
}

/// Why a delivery failed, in the only terms the caller acts on.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DeliveryError {
    /// Worth retrying later: connection refused or reset, timeout, HTTP 408/429/5xx, SMTP 4xx.
    #[error("temporary delivery failure: {0}")]
    Temporary(String),
    /// Will never work as configured: bad address, bad settings, HTTP 4xx, SMTP 5xx.
    #[error("permanent delivery failure: {0}")]
    Permanent(String),
}

impl DeliveryError {
    /// True when trying the same delivery again later may succeed.
    pub fn is_temporary(&self) -> bool {
        matches!(self, DeliveryError::Temporary(_))
    }
}

/// Installs rustls' `ring` crypto provider as the process default, once.
///
/// reqwest is built without its own provider (so the binary carries only `ring`, shared with sqlx and
/// lettre) and panics when building a client if no default is installed. The HTTP adapters call this
/// themselves; `main` may call it earlier. Calling it again, or after another provider was installed,
/// does nothing.
pub fn install_crypto_provider() {
    // Err means a provider is already installed, which is all we want.
    let _ = rustls::crypto::ring::default_provider().install_default();
}
