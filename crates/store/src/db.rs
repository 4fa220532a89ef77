//! The pool enum, connection settings, migrations and transactions.

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{PgPool, Postgres, Sqlite, SqlitePool, Transaction};
use std::str::FromStr;
use std::time::Duration;

#[derive(Clone, Debug)]
pub enum Db {
    Sqlite(SqlitePool),
    Pg(PgPool),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A write transaction on either backend.
pub enum Tx {
    Sqlite(Transaction<'static, Sqlite>),
    Pg(Transaction<'static, Postgres>),
}

/// Runs the same code on whichever pool this is. Each arm is monomorphised for its driver.
macro_rules! with_pool {
    ($db:expr, $p:ident => $body:expr) => {
        match $db {
            $crate::db::Db::Sqlite($p) => $body,
            $crate::db::Db::Pg($p) => $body,
        }
    };
}

/// Runs the same code on the connection of whichever transaction this is.
macro_rules! with_tx {
    ($tx:expr, $c:ident => $body:expr) => {
        match $tx {
            $crate::db::Tx::Sqlite(t) => {
                let $c = &mut **t;
                $body
            }
            $crate::db::Tx::Pg(t) => {
                let $c = &mut **t;
                $body
            }
        }
    };
}

pub(crate) use {with_pool, with_tx};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{what} {id} was not found")]
    NotFound { what: &'static str, id: i64 },
    /// A unique key or a concurrent change: the caller's input or view is stale.
    #[error("{field}: {reason}")]
    Conflict { field: &'static str, reason: String },
    #[error(
        "unsupported database URL '{0}': use sqlite://path/to/doorstep.db or postgres://user@host/db"
    )]
    UnsupportedUrl(String),
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("stored data is not readable: {0}")]
    Corrupt(String),
}

impl StoreError {
    pub(crate) fn not_found(what: &'static str, id: i64) -> impl FnOnce() -> StoreError {
        move || StoreError::NotFound { what, id }
    }

    /// Turns a unique-key violation into a conflict naming the field the user typed.
    pub(crate) fn unique(
        field: &'static str,
        reason: &str,
    ) -> impl FnOnce(sqlx::Error) -> StoreError {
        let reason = reason.to_string();
        move |e| match &e {
            sqlx::Error::Database(d) if d.kind() == sqlx::error::ErrorKind::UniqueViolation => {
                StoreError::Conflict { field, reason }
            }
            _ => StoreError::Database(e),
        }
    }
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

impl Db {
    /// Opens the database the URL names and brings its schema up to date.
    pub async fn connect(url: &str) -> Result<Db> {
        let db = if url.starts_with("sqlite:") {
            let options = SqliteConnectOptions::from_str(url)?
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                // FULL: a check-in acknowledged to a phone is on disk, even after power loss.
                .synchronous(SqliteSynchronous::Full)
                .busy_timeout(Duration::from_secs(10))
                .foreign_keys(true);
            let pool = SqlitePoolOptions::new()
                .max_connections(8)
                .connect_with(options)
                .await?;
            Db::Sqlite(pool)
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            let options = PgConnectOptions::from_str(url)?;
            let pool = PgPoolOptions::new()
                .max_connections(16)
                .acquire_timeout(Duration::from_secs(10))
                .connect_with(options)
                .await?;
            Db::Pg(pool)
        } else {
            return Err(StoreError::UnsupportedUrl(url.to_string()));
        };
        db.migrate().await?;
        Ok(db)
    }

    pub async fn migrate(&self) -> Result<()> {
        match self {
            Db::Sqlite(p) => sqlx::migrate!("./migrations/sqlite").run(p).await?,
            Db::Pg(p) => sqlx::migrate!("./migrations/postgres").run(p).await?,
        }
        Ok(())
    }

    pub fn backend(&self) -> Backend {
        match self {
            Db::Sqlite(_) => Backend::Sqlite,
            Db::Pg(_) => Backend::Postgres,
        }
    }

    /// Starts a write transaction. On SQLite it takes the write lock at once (`BEGIN IMMEDIATE`)
    /// so two writers queue instead of failing on a lock upgrade.
    pub async fn begin(&self) -> Result<Tx> {
        Ok(match self {
            Db::Sqlite(p) => Tx::Sqlite(p.begin_with("BEGIN IMMEDIATE").await?),
            Db::Pg(p) => Tx::Pg(p.begin().await?),
        })
    }

    /// The tables and their columns, for the test that keeps the two migration folders in step.
    pub async fn schema_outline(&self) -> Result<Vec<(String, String)>> {
        const SQLITE: &str = "select m.name, p.name from sqlite_master m join pragma_table_info(m.name) p \
            where m.type = 'table' and m.name not like 'sqlite_%' and m.name not like '_sqlx%' order by 1, 2";
        const PG: &str = "select table_name::text, column_name::text from information_schema.columns \
            where table_schema = 'public' and table_name not like '_sqlx%' order by 1, 2";
        Ok(match self {
            Db::Sqlite(p) => sqlx::query_as(SQLITE).fetch_all(p).await?,
            Db::Pg(p) => sqlx::query_as(PG).fetch_all(p).await?,
        })
    }

    pub async fn close(&self) {
        with_pool!(self, p => p.close().await)
    }
}

impl Tx {
    pub async fn commit(self) -> Result<()> {
        match self {
            Tx::Sqlite(t) => t.commit().await?,
            Tx::Pg(t) => t.commit().await?,
        }
        Ok(())
    }
}
