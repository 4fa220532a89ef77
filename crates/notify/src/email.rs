//! Email over SMTP with a pooled async transport. Plain SMTP (no TLS) exists for local relays and the
//! test server; real deployments use STARTTLS or implicit TLS with certificate checks.

use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use lettre::message::Mailbox;
use lettre::message::header::ContentType;
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::{self, AsyncSmtpTransportBuilder};
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};

use crate::{DeliveryError, Message};

/// How the connection to the SMTP server is protected.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SmtpTls {
    /// Plain text. Only for a relay on the same host or network, and for tests.
    None,
    /// Connect in plain text and upgrade with STARTTLS (usually port 587); refuses to send if the
    /// server does not offer it.
    StartTls,
    /// TLS from the first byte (usually port 465).
    Tls,
}

/// Where and how to reach the SMTP server.
#[derive(Clone)]
pub struct SmtpSettings {
    pub host: String,
    pub port: u16,
    pub tls: SmtpTls,
    /// Username and password must be given together, or neither.
    pub username: Option<String>,
    pub password: Option<String>,
    /// The sender, as `alerts@school.example` or `Doorstep <alerts@school.example>`.
    pub from: String,
    /// Bound on one whole send: connecting, TLS, and every SMTP command.
    pub timeout: Duration,
}

impl fmt::Debug for SmtpSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SmtpSettings")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("tls", &self.tls)
            .field("username", &self.username)
            .field("password", &self.password.as_ref().map(|_| "<redacted>"))
            .field("from", &self.from)
            .field("timeout", &self.timeout)
            .finish()
    }
}

/// Sends email through one SMTP server, reusing pooled connections. Build once and share: clones
/// share the pool.
#[derive(Clone)]
pub struct Mailer {
    inner: Arc<Inner>,
}

struct Inner {
    /// Kept to replace the pool after a timeout (see [`Mailer::send`]).
    builder: AsyncSmtpTransportBuilder,
    transport: Mutex<AsyncSmtpTransport<Tokio1Executor>>,
    from: Mailbox,
    timeout: Duration,
}

impl fmt::Debug for Mailer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Mailer")
            .field("from", &self.inner.from.to_string())
            .field("timeout", &self.inner.timeout)
            .finish_non_exhaustive()
    }
}

impl Mailer {
    /// Checks the settings and builds the transport; connects only when sending. Bad settings are
    /// [`DeliveryError::Permanent`].
    ///
    /// Must be called inside a tokio runtime: lettre's connection pool starts a clean-up task.
    pub fn new(cfg: &SmtpSettings) -> Result<Self, DeliveryError> {
        let from: Mailbox = cfg.from.parse().map_err(|e| {
            DeliveryError::Permanent(format!("SMTP sender {:?} is not an address: {e}", cfg.from))
        })?;
        let builder: AsyncSmtpTransportBuilder = match cfg.tls {
            SmtpTls::None => AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&cfg.host),
            SmtpTls::StartTls => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&cfg.host)
                .map_err(|e| settings_error(&cfg.host, e))?,
            SmtpTls::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(&cfg.host)
                .map_err(|e| settings_error(&cfg.host, e))?,
        };
        // lettre applies this to the TCP connect only; `send` bounds the rest.
        let builder = builder.port(cfg.port).timeout(Some(cfg.timeout));
        let builder = match (&cfg.username, &cfg.password) {
            (Some(user), Some(password)) => {
                builder.credentials(Credentials::new(user.clone(), password.clone()))
            }
            (None, None) => builder,
            _ => {
                return Err(DeliveryError::Permanent(
                    "SMTP username and password must be given together".into(),
                ));
            }
        };
        if tokio::runtime::Handle::try_current().is_err() {
            return Err(DeliveryError::Permanent(
                "the mailer must be built inside a tokio runtime".into(),
            ));
        }
        Ok(Self {
            inner: Arc::new(Inner {
                transport: Mutex::new(builder.clone().build()),
                builder,
                from,
                timeout: cfg.timeout,
            }),
        })
    }

    /// Sends one plain-text email to `m.to`, giving up after the configured timeout.
    pub async fn send(&self, m: &Message) -> Result<(), DeliveryError> {
        self.send_with_id(m, None).await
    }

    /// Like [`send`](Self::send), with a Message-ID made from the delivery's idempotency key: SMTP
    /// cannot tell a retry from a new e-mail, so a delivery sent again after a crash between
    /// sending and recording it carries the same Message-ID, which mail servers and clients use
    /// to drop the duplicate.
    pub async fn send_once(&self, m: &Message, idempotency_key: &str) -> Result<(), DeliveryError> {
        let local: String = idempotency_key
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
            .collect();
        let id = format!("<{local}@{}>", self.inner.from.email.domain());
        self.send_with_id(m, Some(id)).await
    }

    async fn send_with_id(&self, m: &Message, id: Option<String>) -> Result<(), DeliveryError> {
        let to: Mailbox = m.to.parse().map_err(|e| {
            DeliveryError::Permanent(format!("recipient {:?} is not an address: {e}", m.to))
        })?;
        let email = lettre::Message::builder()
            .message_id(id)
            .from(self.inner.from.clone())
            .to(to)
            .subject(&m.subject)
            .header(ContentType::TEXT_PLAIN)
            .body(m.body.clone())
            .map_err(|e| DeliveryError::Permanent(format!("cannot build email: {e}")))?;
        let transport = self.transport();
        // lettre bounds only the TCP connect; a server that accepts and then stalls would hold an
        // alarm forever, so the whole exchange gets the deadline.
        match tokio::time::timeout(self.inner.timeout, transport.send(email)).await {
            Ok(Ok(response)) => {
                tracing::debug!(smtp.code = %response.code(), "email accepted by SMTP server");
                Ok(())
            }
            Ok(Err(e)) => Err(send_error(e)),
            Err(_) => {
                self.replace_pool();
                Err(DeliveryError::Temporary(format!(
                    "SMTP: no answer within {:?}",
                    self.inner.timeout
                )))
            }
        }
    }

    fn transport(&self) -> AsyncSmtpTransport<Tokio1Executor> {
        lock(&self.inner.transport).clone()
    }

    /// A send cut off by the timeout hands its connection back to lettre's pool mid-conversation
    /// (lettre only discards connections that saw an error), where the next send would read the late
    /// replies meant for the old one. Starting a new pool leaves that connection in the old pool,
    /// which closes its connections once the last send using it is done.
    fn replace_pool(&self) {
        *lock(&self.inner.transport) = self.inner.builder.clone().build();
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

fn settings_error(host: &str, e: smtp::Error) -> DeliveryError {
    DeliveryError::Permanent(format!("SMTP host {host:?} cannot be used for TLS: {e}"))
}

/// SMTP 5xx replies and client-side refusals (for example a server that will not do STARTTLS, or
/// offers no authentication we support) will not change by themselves; everything else (4xx replies,
/// refused or dropped connections, timeouts, TLS handshakes, garbled replies) may.
fn send_error(e: smtp::Error) -> DeliveryError {
    if e.is_permanent() || e.is_client() {
        DeliveryError::Permanent(format!("SMTP: {e}"))
    } else {
        DeliveryError::Temporary(format!("SMTP: {e}"))
    }
}
