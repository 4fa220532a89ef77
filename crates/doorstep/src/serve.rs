//! `doorstep serve`: its settings, the wiring of server, monitor and check-in writer, and the
//! supervision that exits when either background task ends (so the service manager restarts it).

use crate::channels::ChannelArgs;
use crate::door;
use anyhow::{Context, Result};
use server::{AppState, Clock};
use store::Db;

#[derive(clap::Args)]
pub(crate) struct ServeArgs {
    #[arg(long, env = "DOORSTEP_PORT", default_value_t = 8080)]
    port: u16,
    #[arg(long, env = "DOORSTEP_BIND", default_value = "127.0.0.1")]
    bind: String,
    /// Serve without running the safety monitor here (another instance runs it).
    /// Accepts 1/0, true/false, yes/no, on/off (as environment settings are commonly written).
    #[arg(long, env = "DOORSTEP_NO_MONITOR", action = clap::ArgAction::Set,
        value_parser = clap::builder::BoolishValueParser::new(), num_args = 0..=1,
        default_value = "false", default_missing_value = "true")]
    pub(crate) no_monitor: bool,
    /// The address people open Doorstep at, e.g. https://doorstep.harton.sch.uk: every link
    /// Doorstep writes (messages, calendar feeds) starts with it, and with https:// session
    /// cookies are Secure and answers carry HSTS. Unset: http://localhost:PORT (links work on
    /// this machine only).
    #[arg(long, env = "DOORSTEP_PUBLIC_URL")]
    public_url: Option<String>,
    /// Behind a reverse proxy: take the client's address from the X-Forwarded-For it adds (for
    /// counting failed sign-ins per address). Off: the connection's address. Turn on only when
    /// every request comes through the proxy, or clients can claim any address.
    #[arg(long, env = "DOORSTEP_TRUST_PROXY", action = clap::ArgAction::Set,
        value_parser = clap::builder::BoolishValueParser::new(), num_args = 0..=1,
        default_value = "false", default_missing_value = "true")]
    trust_proxy: bool,
    /// How long a sign-in lasts unused, in minutes (each request moves it on). A visitor out
    /// on a visit can always send check-ins and a panic, however old their sign-in.
    #[arg(long, env = "DOORSTEP_SESSION_IDLE_MINUTES", default_value_t = 720)]
    session_idle_minutes: i64,
    /// The most a sign-in lasts from signing in, in minutes, however much it is used
    /// (at least the idle timeout, at most 10080: 7 days).
    #[arg(long, env = "DOORSTEP_SESSION_MAX_MINUTES", default_value_t = 1440)]
    session_max_minutes: i64,
    #[command(flatten)]
    channels: ChannelArgs,
    #[command(flatten)]
    door: door::DoorArgs,
    #[command(flatten)]
    sso: SsoArgs,
}

/// Single sign-on with school accounts (OpenID Connect): a bootstrap for the first trust. Each
/// trust's administrator sets its provider on the "Sign-in" page (`/trust/sign-in`); these
/// settings are stored for `DOORSTEP_SSO_TRUST` at start only when that trust has none stored.
#[derive(clap::Args)]
pub(crate) struct SsoArgs {
    /// The provider's issuer URL, e.g. https://login.microsoftonline.com/TENANT-ID/v2.0 or
    /// https://accounts.google.com. Its discovery document is read at each sign-in.
    #[arg(long, env = "DOORSTEP_SSO_ISSUER")]
    sso_issuer: Option<String>,
    /// The client (application) id the provider gave Doorstep.
    #[arg(long, env = "DOORSTEP_SSO_CLIENT_ID")]
    sso_client_id: Option<String>,
    /// The client secret the provider gave Doorstep (never printed).
    #[arg(long, env = "DOORSTEP_SSO_CLIENT_SECRET", hide_env_values = true)]
    sso_client_secret: Option<String>,
    /// The id of the trust whose staff sign in this way (`doorstep` prints it when it makes one).
    #[arg(long, env = "DOORSTEP_SSO_TRUST")]
    sso_trust: Option<i64>,
}

/// The bootstrap settings from `DOORSTEP_SSO_*`, checked.
struct SsoBootstrap {
    trust: domain::TrustId,
    issuer: String,
    client_id: String,
    client_secret: String,
}

impl SsoArgs {
    /// The checked bootstrap settings, or `None` when `DOORSTEP_SSO_ISSUER` is not set. Errors
    /// name the missing or wrong setting.
    fn bootstrap(&self) -> Result<Option<SsoBootstrap>> {
        let Some(issuer) = &self.sso_issuer else {
            return Ok(None);
        };
        let need = |v: &Option<String>, key: &str| {
            v.clone().filter(|v| !v.trim().is_empty()).ok_or_else(|| {
                anyhow::anyhow!("{key}: needed when DOORSTEP_SSO_ISSUER is set (from the provider's app registration)")
            })
        };
        let trust = self.sso_trust.filter(|t| *t > 0).ok_or_else(|| {
            anyhow::anyhow!("DOORSTEP_SSO_TRUST: needed when DOORSTEP_SSO_ISSUER is set (the trust's id, e.g. 1)")
        })?;
        if !(issuer.starts_with("https://") || issuer.starts_with("http://")) {
            anyhow::bail!("DOORSTEP_SSO_ISSUER: not a URL (it starts with https://)");
        }
        Ok(Some(SsoBootstrap {
            trust: domain::TrustId(trust),
            issuer: issuer.clone(),
            client_id: need(&self.sso_client_id, "DOORSTEP_SSO_CLIENT_ID")?,
            client_secret: need(&self.sso_client_secret, "DOORSTEP_SSO_CLIENT_SECRET")?,
        }))
    }
}

/// Serves until a shutdown signal; `demo`: messages on channels not set up are kept in the
/// demo outbox (the /outbox page) instead of failing as not configured.
pub(crate) async fn serve(db: Db, args: &ServeArgs, demo: bool) -> Result<()> {
    notify::install_crypto_provider();
    let channels = args.channels.build()?;
    let links = public_links(args)?;
    let session_limits =
        app::school_admin::SessionLimits::new(args.session_idle_minutes, args.session_max_minutes)
            .map_err(|e| {
                anyhow::anyhow!(
                    "{e} (--session-idle-minutes / DOORSTEP_SESSION_IDLE_MINUTES, \
             --session-max-minutes / DOORSTEP_SESSION_MAX_MINUTES)"
                )
            })?;
    let public = args
        .public_url
        .clone()
        .unwrap_or_else(|| format!("http://localhost:{}", args.port));
    // Providers send people back to `{public}/login/sso/callback`; each trust sets its own.
    let sso = server::SsoProvider::new(&format!(
        "{}/login/sso/callback",
        public.trim_end_matches('/')
    ))
    .map_err(|e| anyhow::anyhow!(e))?;
    let sso_bootstrap = args.sso.bootstrap()?;
    let file_limit = door::raise_file_limit();
    let door = args.door.settings(file_limit);
    tracing::info!(
        file_limit,
        max_connections = door.max_connections,
        safety_reserve = door.safety_reserve,
        header_timeout_seconds = door.header_timeout.as_secs(),
        keep_alive_seconds = door.keep_alive.as_secs(),
        "limits at the door"
    );
    let listener = tokio::net::TcpListener::bind((args.bind.as_str(), args.port))
        .await
        .with_context(|| format!("listening on {}:{}", args.bind, args.port))?;
    let addr = listener.local_addr()?;
    let clock = clock_from_env()?;
    let mut state = AppState::new(db.clone(), clock.clone())
        .with_public_url(links.clone())
        .with_account_mail(links.clone(), channels.mailer.is_some())
        .with_trust_proxy(args.trust_proxy)
        .with_group_commit()
        .with_read_batching()
        .with_sms_inbound_secret(args.channels.sms_inbound_secret.clone())
        .with_session_limits(session_limits);
    if demo {
        state = state.with_demo_outbox();
    }
    state = state.with_sso(sso);
    if let Some(b) = sso_bootstrap {
        let stored = app::school_admin::bootstrap_trust_sso(
            &state,
            b.trust,
            &b.issuer,
            &b.client_id,
            &b.client_secret,
            state.now(),
        )
        .await
        .map_err(|e| anyhow::anyhow!("{}", e.chain()))
        .with_context(|| {
            format!(
                "DOORSTEP_SSO_TRUST: storing the sign-in settings of trust {}",
                b.trust.0
            )
        })?;
        if stored {
            tracing::info!(sso.issuer = %b.issuer, trust.id = b.trust.0, "sign-in with school accounts set from DOORSTEP_SSO_*");
        } else {
            tracing::info!(
                trust.id = b.trust.0,
                "the trust's stored sign-in settings are kept; DOORSTEP_SSO_* is not used"
            );
        }
    }
    // One shutdown signal for both: the server drains its requests, the monitor finishes its pass.
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let mut monitor_task = if args.no_monitor {
        None
    } else {
        let mut settings = app::monitor::MonitorSettings::new(args.channels.instance_name());
        settings.heartbeat_url = args.channels.heartbeat_url.clone();
        settings.daily_test_at = args.channels.daily_test_at()?;
        settings.links = links;
        settings.demo_outbox = demo;
        let monitor = app::monitor::Monitor::new(db, clock, channels, settings);
        // The monitor passes every second; /healthz fails once a pass is 30 s late.
        state = state.with_monitor(monitor.waker(), chrono::Duration::seconds(30));
        let mut stop = stop_rx.clone();
        Some(tokio::spawn(monitor.run(async move {
            let _ = stop.wait_for(|s| *s).await;
        })))
    };
    // Supervision: if the monitor or the check-in writer ends while serving, alarms or check-ins
    // would silently stop. Exit with an error instead, so the service manager restarts Doorstep.
    let writer = state.check_in_writer().cloned();
    let writer_ended = async move {
        match writer {
            Some(w) => w.closed().await,
            None => std::future::pending().await,
        }
    };
    println!("Doorstep is running: open http://{addr}/ (health: http://{addr}/healthz)");
    let mut stop = stop_rx;
    let server = server::serve_with(listener, state, door, async move {
        let _ = stop.wait_for(|s| *s).await;
    });
    let monitor_ended = async {
        match monitor_task.as_mut() {
            Some(task) => task.await,
            None => std::future::pending().await,
        }
    };
    tokio::select! {
        result = server => result.context("serving")?,
        _ = shutdown_signal() => {
            let _ = stop_tx.send(true);
        }
        ended = monitor_ended => {
            tracing::error!(outcome = ?ended, "the safety monitor stopped while serving; exiting so Doorstep is restarted");
            anyhow::bail!("the safety monitor stopped while serving ({ended:?}); exiting so the service manager restarts Doorstep");
        }
        () = writer_ended => {
            tracing::error!("the check-in writer stopped while serving; exiting so Doorstep is restarted");
            anyhow::bail!("the check-in writer stopped while serving; exiting so the service manager restarts Doorstep");
        }
    }
    if let Some(task) = monitor_task {
        let _ = task.await;
    }
    Ok(())
}

/// Where messages' links point: `DOORSTEP_PUBLIC_URL`, checked, or this machine's own address.
fn public_links(args: &ServeArgs) -> Result<app::messages::Links> {
    match &args.public_url {
        Some(url) => app::messages::Links::new(url)
            .map_err(|e| anyhow::anyhow!("DOORSTEP_PUBLIC_URL: {}", e.reason)),
        None => {
            let local = format!("http://localhost:{}", args.port);
            tracing::warn!(links.base = %local, "DOORSTEP_PUBLIC_URL is not set: links in alarm messages open only on this machine");
            app::messages::Links::new(&local)
                .map_err(|e| anyhow::anyhow!("DOORSTEP_PORT: {}", e.reason))
        }
    }
}

/// `DOORSTEP_CLOCK_START` (RFC 3339) starts the clock at that time, then it runs at real speed:
/// for fire drills and for tests that restart the real process with deadlines already past.
pub(crate) fn clock_from_env() -> Result<Clock> {
    match std::env::var("DOORSTEP_CLOCK_START") {
        Err(_) => Ok(Clock::System),
        Ok(text) => {
            let start = chrono::DateTime::parse_from_rfc3339(&text)
                .with_context(|| format!("DOORSTEP_CLOCK_START: '{text}' is not an RFC 3339 time, e.g. 2026-11-23T10:00:00Z"))?;
            tracing::warn!(clock.start = %start, "the clock is shifted: DOORSTEP_CLOCK_START is set");
            Ok(Clock::starting_at(start.with_timezone(&chrono::Utc)))
        }
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
}
