//! `doorstep backup FILE` and `doorstep restore FILE` for the embedded SQLite database.
//!
//! A backup is a consistent copy taken while Doorstep serves (SQLite's `VACUUM INTO`: one read
//! transaction, no writer is blocked for long), checked before it is reported as written. A
//! restore checks the backup (SQLite's `integrity_check` and Doorstep's schema history), then
//! puts it in place atomically (a copy beside the database, flushed, renamed over it), so a
//! restore cut short leaves the old database whole. PostgreSQL has its own tools: `pg_dump` and
//! `pg_restore`.

use anyhow::{Context, Result, bail};
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{ConnectOptions, Connection};
use std::path::{Path, PathBuf};
use std::str::FromStr;

/// The database file a `sqlite:` URL names. Errors: a PostgreSQL URL (use its own tools).
pub fn sqlite_file(url: &str) -> Result<PathBuf> {
    if !url.starts_with("sqlite:") {
        bail!(
            "backup and restore here are for the embedded SQLite database; for PostgreSQL use pg_dump and pg_restore"
        );
    }
    let options = SqliteConnectOptions::from_str(url).context("reading the database URL")?;
    Ok(options.get_filename().to_path_buf())
}

/// Writes a consistent copy of the database at `url` to `to` (which must not exist yet), then
/// checks the copy. Safe while Doorstep is serving.
pub async fn backup(url: &str, to: &Path) -> Result<()> {
    sqlite_file(url)?;
    if to.exists() {
        bail!(
            "{} exists already: choose a new file name for the backup",
            to.display()
        );
    }
    let target = to
        .to_str()
        .context("the backup's file name must be plain text")?;
    let mut conn = SqliteConnectOptions::from_str(url)?
        .create_if_missing(false)
        .connect()
        .await
        .context("opening the database")?;
    sqlx::query("vacuum into $1")
        .bind(target)
        .execute(&mut conn)
        .await
        .with_context(|| format!("writing the backup to {}", to.display()))?;
    conn.close().await?;
    check(to).await
}

/// Replaces the database at `url` with the backup `from`, after checking it. Doorstep must be
/// stopped first (the service manager's stop): a running server would keep the old file open.
pub async fn restore(url: &str, from: &Path) -> Result<()> {
    let db = sqlite_file(url)?;
    check(from).await?;
    let dir = db.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let staged = dir.join(".doorstep-restore.tmp");
    std::fs::copy(from, &staged).with_context(|| format!("copying {}", from.display()))?;
    std::fs::File::open(&staged)?.sync_all()?;
    // The old database's write-ahead log belongs to the old file: it must not be replayed
    // into the restored one.
    for suffix in ["-wal", "-shm"] {
        let side = PathBuf::from(format!("{}{suffix}", db.display()));
        if side.exists() {
            std::fs::remove_file(&side).with_context(|| format!("removing {}", side.display()))?;
        }
    }
    std::fs::rename(&staged, &db)
        .with_context(|| format!("putting the backup in place at {}", db.display()))?;
    std::fs::File::open(dir)?.sync_all()?;
    Ok(())
}

/// A backup is whole (`integrity_check`) and is a Doorstep database (its migrations table).
async fn check(file: &Path) -> Result<()> {
    let mut conn = SqliteConnectOptions::new()
        .filename(file)
        .read_only(true)
        .connect()
        .await
        .with_context(|| format!("opening {}", file.display()))?;
    let integrity: String = sqlx::query_scalar("pragma integrity_check")
        .fetch_one(&mut conn)
        .await
        .with_context(|| format!("{} is not a SQLite database", file.display()))?;
    if integrity != "ok" {
        bail!("{} is damaged: {integrity}", file.display());
    }
    let migrations: i64 = sqlx::query_scalar("select count(*) from _sqlx_migrations")
        .fetch_one(&mut conn)
        .await
        .with_context(|| format!("{} is not a Doorstep database", file.display()))?;
    if migrations == 0 {
        bail!("{} is not a Doorstep database", file.display());
    }
    conn.close().await?;
    Ok(())
}
