//! Where alarms go: the e-mail, SMS gateway, webhook and heartbeat settings of `doorstep serve`,
//! read from flags or `DOORSTEP_`-prefixed environment variables and checked at start.

use anyhow::{Result, bail};
use std::time::Duration;

#[derive(clap::Args, Debug, Clone, Default)]
pub struct ChannelArgs {
    /// SMTP relay for alarm e-mails, e.g. smtp.school.org.uk. Unset: no e-mail channel.
    #[arg(long, env = "DOORSTEP_SMTP_HOST")]
    pub smtp_host: Option<String>,
    #[arg(long, env = "DOORSTEP_SMTP_PORT", default_value_t = 587)]
    pub smtp_port: u16,
    /// none, starttls or tls.
    #[arg(long, env = "DOORSTEP_SMTP_TLS", default_value = "starttls")]
    pub smtp_tls: String,
    #[arg(long, env = "DOORSTEP_SMTP_USERNAME")]
    pub smtp_username: Option<String>,
    #[arg(long, env = "DOORSTEP_SMTP_PASSWORD", hide_env_values = true)]
    pub smtp_password: Option<String>,
    #[arg(
        long,
        env = "DOORSTEP_SMTP_FROM",
        default_value = "Doorstep <doorstep@localhost>"
    )]
    pub smtp_from: String,
    /// The SMS gateway's send endpoint (JSON POST {to, from, body}). Unset: no SMS channel.
    #[arg(long, env = "DOORSTEP_SMS_URL")]
    pub sms_url: Option<String>,
    #[arg(long, env = "DOORSTEP_SMS_API_KEY", hide_env_values = true)]
    pub sms_api_key: Option<String>,
    #[arg(long, env = "DOORSTEP_SMS_SENDER", default_value = "Doorstep")]
    pub sms_sender: String,
    /// The secret shared with the SMS gateway, which signs the texts it forwards to
    /// `POST /api/sms/inbound` (visitors answering `OK`, `OK <PIN>` or `HELP`). Unset: not accepted.
    #[arg(long, env = "DOORSTEP_SMS_INBOUND_SECRET", hide_env_values = true)]
    pub sms_inbound_secret: Option<String>,
    /// Receives every alarm level as a signed JSON POST. Unset: no webhook channel.
    #[arg(long, env = "DOORSTEP_WEBHOOK_URL")]
    pub webhook_url: Option<String>,
    #[arg(long, env = "DOORSTEP_WEBHOOK_SECRET", hide_env_values = true)]
    pub webhook_secret: Option<String>,
    /// Called every minute so an outside monitor notices if Doorstep itself stops.
    #[arg(long, env = "DOORSTEP_HEARTBEAT_URL")]
    pub heartbeat_url: Option<String>,
    /// A daily test message to each school's office on every channel set up here, at this
    /// school-local time of day (e.g. 07:30), so a channel that stopped working is noticed
    /// before an alarm needs it. Unset: no daily test.
    #[arg(long, env = "DOORSTEP_DAILY_TEST_AT")]
    pub daily_test_at: Option<String>,
    /// This instance's name in the monitor's records (defaults to the host name and process id).
    #[arg(long, env = "DOORSTEP_INSTANCE")]
    pub instance: Option<String>,
}

const SEND_TIMEOUT: Duration = Duration::from_secs(15);

impl ChannelArgs {
    /// Builds the adapters once; a half-configured channel is an error naming the setting.
    pub fn build(&self) -> Result<app::monitor::Channels> {
        let mailer = match &self.smtp_host {
            None => None,
            Some(host) => {
                let tls = match self.smtp_tls.as_str() {
                    "none" => notify::SmtpTls::None,
                    "starttls" => notify::SmtpTls::StartTls,
                    "tls" => notify::SmtpTls::Tls,
                    other => bail!("DOORSTEP_SMTP_TLS: '{other}' is not none, starttls or tls"),
                };
                let settings = notify::SmtpSettings {
                    host: host.clone(),
                    port: self.smtp_port,
                    tls,
                    username: self.smtp_username.clone(),
                    password: self.smtp_password.clone(),
                    from: self.smtp_from.clone(),
                    timeout: SEND_TIMEOUT,
                };
                Some(
                    notify::Mailer::new(&settings)
                        .map_err(|e| anyhow::anyhow!("DOORSTEP_SMTP_*: {e}"))?,
                )
            }
        };
        let sms = match &self.sms_url {
            None => None,
            Some(url) => {
                let settings = notify::SmsSettings {
                    url: url.clone(),
                    api_key: self.sms_api_key.clone(),
                    sender: self.sms_sender.clone(),
                    timeout: SEND_TIMEOUT,
                };
                Some(
                    notify::SmsGateway::new(&settings)
                        .map_err(|e| anyhow::anyhow!("DOORSTEP_SMS_*: {e}"))?,
                )
            }
        };
        let webhook = match (&self.webhook_url, &self.webhook_secret) {
            (None, _) => None,
            (Some(_), None) => {
                bail!("DOORSTEP_WEBHOOK_SECRET: a webhook needs a secret to sign its messages")
            }
            (Some(url), Some(secret)) => {
                let settings = notify::WebhookSettings {
                    url: url.clone(),
                    secret: secret.clone(),
                    timeout: SEND_TIMEOUT,
                };
                Some((
                    notify::Webhook::new(&settings)
                        .map_err(|e| anyhow::anyhow!("DOORSTEP_WEBHOOK_*: {e}"))?,
                    url.clone(),
                ))
            }
        };
        Ok(app::monitor::Channels {
            mailer,
            sms,
            webhook,
        })
    }

    /// The daily test time, checked. Errors name the setting.
    pub fn daily_test_at(&self) -> Result<Option<chrono::NaiveTime>> {
        self.daily_test_at
            .as_deref()
            .map(app::monitor::parse_test_time)
            .transpose()
            .map_err(anyhow::Error::msg)
    }

    pub fn instance_name(&self) -> String {
        if let Some(name) = &self.instance {
            return name.clone();
        }
        let host = std::fs::read_to_string("/etc/hostname")
            .map(|h| h.trim().to_string())
            .unwrap_or_else(|_| "doorstep".into());
        format!("{host}-{}", std::process::id())
    }
}
