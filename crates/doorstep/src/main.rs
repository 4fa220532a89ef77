//! The `doorstep` command: serve, demo, migrate, user, policy, export, import, bench.

mod backup;
mod bench;
mod channels;
mod door;
mod export;
mod import;
mod secret_key;

use channels::ChannelArgs;
use doorstep::demo;

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};
use domain::policy::presets;
use domain::{Role, RoleSet};
use server::{AppState, Clock};
use std::path::PathBuf;
use store::Db;

#[derive(Parser)]
#[command(name = "doorstep", version, about = "Home visits, run safely.")]
struct Cli {
    /// Database URL: sqlite://path/to/file.db or postgres://user@host/db. Default: SQLite in --data-dir.
    #[arg(long, global = true, env = "DOORSTEP_DATABASE_URL")]
    database_url: Option<String>,
    /// Folder for the embedded SQLite database.
    #[arg(long, global = true, env = "DOORSTEP_DATA_DIR", default_value = "data")]
    data_dir: PathBuf,
    /// The 32-byte key that seals code words at rest, as base64 or hex (`openssl rand -base64 32`).
    /// Needed with PostgreSQL; unset with SQLite: kept in doorstep.key beside the database.
    #[arg(
        long,
        global = true,
        env = "DOORSTEP_SECRET_KEY",
        hide_env_values = true
    )]
    secret_key: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the web server.
    Serve(ServeArgs),
    /// Create a demo trust with one school per preset, print the logins, and serve.
    Demo {
        #[command(flatten)]
        serve: ServeArgs,
        /// Only create the demo data.
        #[arg(long)]
        no_serve: bool,
    },
    /// Bring the database schema up to date.
    Migrate,
    /// Write a consistent copy of the SQLite database to FILE (safe while serving).
    Backup { file: PathBuf },
    /// Replace the SQLite database with the backup FILE, after checking it (stop Doorstep first).
    Restore { file: PathBuf },
    /// Manage staff accounts.
    #[command(subcommand)]
    User(UserCommand),
    /// The shipped policy presets.
    #[command(subcommand)]
    Policy(PolicyCommand),
    /// Export records for other systems, to standard output (e.g. visits as CSV).
    #[command(subcommand)]
    Export(export::ExportCommand),
    /// Import from the school's MIS (e.g. `doorstep import ctf FILE --school S [--dry-run]`).
    #[command(subcommand)]
    Import(import::ImportCommand),
    /// Benchmarks (not tests): `doorstep bench monitor` measures the safety monitor at scale.
    #[command(subcommand)]
    Bench(bench::BenchCommand),
}

#[derive(clap::Args)]
struct ServeArgs {
    #[arg(long, env = "DOORSTEP_PORT", default_value_t = 8080)]
    port: u16,
    #[arg(long, env = "DOORSTEP_BIND", default_value = "127.0.0.1")]
    bind: String,
    /// Serve without running the safety monitor here (another instance runs it).
    /// Accepts 1/0, true/false, yes/no, on/off (as environment settings are commonly written).
    #[arg(long, env = "DOORSTEP_NO_MONITOR", action = clap::ArgAction::Set,
        value_parser = clap::builder::BoolishValueParser::new(), num_args = 0..=1,
        default_value = "false", default_missing_value = "true")]
    no_monitor: bool,
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

/// Single sign-on with the trust's school accounts (OpenID Connect). Unset: password sign-in only.
#[derive(clap::Args)]
struct SsoArgs {
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

impl SsoArgs {
    /// The checked settings, or `None` when single sign-on is not configured. Errors name the
    /// missing or wrong setting. The provider sends people back to `{public}/login/sso/callback`.
    fn build(&self, public: &str) -> Result<Option<server::Sso>> {
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
        let settings = server::SsoSettings {
            trust: domain::TrustId(trust),
            issuer: issuer.clone(),
            client_id: need(&self.sso_client_id, "DOORSTEP_SSO_CLIENT_ID")?,
            client_secret: need(&self.sso_client_secret, "DOORSTEP_SSO_CLIENT_SECRET")?,
            redirect_url: format!("{}/login/sso/callback", public.trim_end_matches('/')),
        };
        server::Sso::new(settings)
            .map(Some)
            .map_err(|e| anyhow::anyhow!(e))
    }
}

#[derive(Subcommand)]
enum UserCommand {
    /// Add a member of staff. The password is read from DOORSTEP_PASSWORD or standard input.
    Add {
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        /// Comma-separated: visiting_staff, office, senior_leader, dsl, safeguarding_team, headteacher, attendance_lead, trust_admin.
        #[arg(long, value_delimiter = ',')]
        roles: Vec<Role>,
        /// The school's id; omit for a trust administrator.
        #[arg(long)]
        school: Option<i64>,
        /// The trust's id (needed when --school is omitted).
        #[arg(long)]
        trust: Option<i64>,
        #[arg(long)]
        mobile: Option<String>,
    },
}

#[derive(Subcommand)]
enum PolicyCommand {
    /// One preset per line, name first.
    List,
    /// A preset's settings as TOML.
    Show { name: String },
}

fn database_url(cli: &Cli) -> Result<String> {
    if let Some(url) = &cli.database_url {
        return Ok(url.clone());
    }
    std::fs::create_dir_all(&cli.data_dir)
        .with_context(|| format!("creating the data folder {}", cli.data_dir.display()))?;
    Ok(format!(
        "sqlite://{}?mode=rwc",
        cli.data_dir.join("doorstep.db").display()
    ))
}

async fn open(cli: &Cli) -> Result<Db> {
    let url = database_url(cli)?;
    let (secrets, source) = secret_key::load(&url, cli.secret_key.as_deref())?;
    match &source {
        secret_key::Source::NewFile(path) => tracing::warn!(
            key.file = %path.display(),
            "a new secret key for code words was written beside the database: back it up with the database, or code words are lost"
        ),
        other => tracing::info!(key.source = %other, "secret key for code words read"),
    }
    let db = Db::connect(&url, secrets)
        .await
        .with_context(|| format!("opening the database at {}", redact(&url)))?;
    // Once, after the version that kept duress PINs as fast hashes: wrap them in Argon2id.
    app::duress_pin::upgrade_legacy_pin_hashes(&db)
        .await
        .context("wrapping old duress PIN hashes in Argon2id")?;
    // Before sealing anything with it: a key that does not open the code words already sealed
    // stops the start here, rather than each visitor's page failing later.
    db.check_code_words_open().await.map_err(|e| match e {
        store::StoreError::WrongKey(_) => anyhow::anyhow!(
            "{source} does not open the code words already stored in this database: use the key              it was first used with ({} or the {} file kept with its backups)",
            secret_key::SETTING,
            secret_key::FILE_NAME
        ),
        other => anyhow::Error::new(other).context("checking the secret key against the stored code words"),
    })?;
    // Once, after the version that kept code words in plain text: seal them.
    let sealed = db
        .seal_plain_code_words()
        .await
        .context("sealing code words kept in plain text")?;
    if sealed > 0 {
        tracing::info!(
            visits = sealed,
            "code words kept in plain text are now sealed"
        );
    }
    Ok(db)
}

/// Hides a password in a database URL before it is printed.
fn redact(url: &str) -> String {
    match (url.find("://"), url.find('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let creds = &url[scheme + 3..at];
            match creds.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme + 3], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

#[tokio::main]
async fn main() -> Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,sqlx=warn,tower_http=info".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    match &cli.command {
        Command::Serve(args) => {
            let db = open(&cli).await?;
            serve(db, args, false).await
        }
        Command::Demo {
            serve: args,
            no_serve,
        } => {
            let db = open(&cli).await?;
            let logins = demo::create(&db, clock_from_env()?.now())
                .await
                .context("creating the demo data")?;
            println!(
                "Demo data ready. Every demo login uses the password: {}",
                demo::PASSWORD
            );
            for (role, email) in &logins {
                println!("  {role:<45} {email}");
            }
            if *no_serve {
                return Ok(());
            }
            // Channels not set up keep their messages in the demo outbox (/outbox).
            serve(db, args, true).await
        }
        Command::Migrate => {
            open(&cli).await?;
            println!("database is up to date");
            Ok(())
        }
        Command::User(UserCommand::Add {
            email,
            name,
            roles,
            school,
            trust,
            mobile,
        }) => {
            let db = open(&cli).await?;
            let password = match std::env::var("DOORSTEP_PASSWORD") {
                Ok(p) => p,
                Err(_) => {
                    let mut line = String::new();
                    eprintln!("Password for {email}:");
                    std::io::stdin()
                        .read_line(&mut line)
                        .context("reading the password")?;
                    line.trim_end_matches(['\r', '\n']).to_string()
                }
            };
            let id = demo::add_user(
                &db,
                email,
                name,
                RoleSet::new(roles.clone()),
                *school,
                *trust,
                mobile.as_deref(),
                &password,
            )
            .await?;
            println!("added {email} (staff id {id})");
            Ok(())
        }
        Command::Backup { file } => {
            let url = database_url(&cli)?;
            backup::backup(&url, file).await?;
            println!("backed up to {}", file.display());
            // The code words in the copy open only with the key: say where it is, every time.
            let key = backup::sqlite_file(&url)?.with_file_name(secret_key::FILE_NAME);
            println!(
                "keep the secret key with it ({} or {}): without the key its code words are lost",
                key.display(),
                secret_key::SETTING
            );
            Ok(())
        }
        Command::Restore { file } => {
            let url = database_url(&cli)?;
            backup::restore(&url, file).await?;
            println!("restored from {}; start Doorstep again", file.display());
            Ok(())
        }
        Command::Export(command) => {
            let db = open(&cli).await?;
            export::run(&db, command).await
        }
        Command::Import(command) => {
            let db = open(&cli).await?;
            import::run(&db, command).await
        }
        Command::Bench(command) => bench::run(command, cli.database_url.as_deref()).await,
        Command::Policy(PolicyCommand::List) => {
            for (name, school, _) in presets::PRESETS {
                println!("{name}\t{school}");
            }
            Ok(())
        }
        Command::Policy(PolicyCommand::Show { name }) => {
            let settings = presets::preset(name).map_err(|e| anyhow::anyhow!(e.reason))?;
            print!("{}", presets::to_toml(&settings));
            Ok(())
        }
    }
}

/// Serves until a shutdown signal; `demo`: messages on channels not set up are kept in the
/// demo outbox (the /outbox page) instead of failing as not configured.
async fn serve(db: Db, args: &ServeArgs, demo: bool) -> Result<()> {
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
    let sso = args.sso.build(&public)?;
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
        .with_trust_proxy(args.trust_proxy)
        .with_group_commit()
        .with_read_batching()
        .with_sms_inbound_secret(args.channels.sms_inbound_secret.clone())
        .with_session_limits(session_limits);
    if demo {
        state = state.with_demo_outbox();
    }
    if let Some(sso) = sso {
        tracing::info!(sso.issuer = %sso.settings().issuer, "sign-in with school accounts is on");
        state = state.with_sso(sso);
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
fn clock_from_env() -> Result<Clock> {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn no_monitor(args: &[&str]) -> Result<bool, clap::Error> {
        let cli = Cli::try_parse_from(args)?;
        match cli.command {
            Command::Serve(a) => Ok(a.no_monitor),
            _ => panic!("not serve"),
        }
    }

    #[test]
    fn no_monitor_accepts_the_ways_people_write_a_yes_or_a_no() {
        assert!(!no_monitor(&["doorstep", "serve"]).unwrap());
        assert!(no_monitor(&["doorstep", "serve", "--no-monitor"]).unwrap());
        for yes in ["1", "true", "yes", "on"] {
            assert!(
                no_monitor(&["doorstep", "serve", "--no-monitor", yes]).unwrap(),
                "{yes}"
            );
        }
        for no in ["0", "false", "no", "off"] {
            assert!(
                !no_monitor(&["doorstep", "serve", "--no-monitor", no]).unwrap(),
                "{no}"
            );
        }
        assert!(no_monitor(&["doorstep", "serve", "--no-monitor", "perhaps"]).is_err());
    }
}
