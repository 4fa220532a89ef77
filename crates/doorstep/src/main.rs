//! The `doorstep` command: serve, demo, migrate, user, policy, export, import, bench.

mod backup;
mod bench;
mod channels;
mod door;
mod export;
mod import;
mod secret_key;
mod serve;

use doorstep::demo;
use serve::{ServeArgs, clock_from_env, serve};

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};
use domain::policy::presets;
use domain::{Role, RoleSet};
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
