//! The pool enum, connection settings, migrations and transactions.

mod error;
mod keyed;

pub use error::{Result, StoreError};
pub(crate) use keyed::rows_by_keys;

use crate::health::{WriteHealth, WriteStatus};
use crate::secrets::Secrets;
use sqlx::pool::PoolConnection;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{PgPool, Postgres, Sqlite, SqlitePool};
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

/// One database: its pool, and what every clone shares (write health, the secret key).
#[derive(Clone, Debug)]
pub enum Db {
    Sqlite(SqlitePool, Arc<Shared>),
    Pg(PgPool, Arc<Shared>),
}

/// What the clones of one [`Db`] and its transactions share.
#[derive(Debug)]
pub struct Shared {
    health: WriteHealth,
    /// Seals code words on write and opens them on read.
    secrets: Secrets,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A write transaction on either backend.
pub enum Tx {
    Sqlite(Open<Sqlite>),
    Pg(Open<Postgres>),
}

/// A pooled connection inside a transaction that Doorstep begins and ends itself.
///
/// Why not sqlx's `Transaction`: when a COMMIT fails (a full disk, an I/O error), SQLite may end
/// the transaction itself; sqlx's rollback-on-drop then fails too, and the connection goes back
/// to the pool still counting itself inside a transaction, so every later `BEGIN IMMEDIATE` on it
/// fails ("begin_with at non-zero transaction depth") until a restart. Here a connection whose
/// COMMIT or ROLLBACK failed is closed, never reused; the pool opens a fresh one, so writes
/// resume as soon as the fault clears.
pub struct Open<DB: sqlx::Database> {
    /// `None` only once committed or dropped.
    conn: Option<PoolConnection<DB>>,
    shared: Arc<Shared>,
}

impl<DB: sqlx::Database> std::ops::Deref for Open<DB> {
    type Target = DB::Connection;
    fn deref(&self) -> &DB::Connection {
        self.conn
            .as_ref()
            .expect("a transaction is used only until it ends")
    }
}

impl<DB: sqlx::Database> std::ops::DerefMut for Open<DB> {
    fn deref_mut(&mut self) -> &mut DB::Connection {
        self.conn
            .as_mut()
            .expect("a transaction is used only until it ends")
    }
}

impl<DB: sqlx::Database> Open<DB>
where
    for<'c> &'c mut DB::Connection: sqlx::Executor<'c, Database = DB>,
{
    async fn begin(
        pool: &sqlx::Pool<DB>,
        shared: &Arc<Shared>,
        statement: &'static str,
    ) -> Result<Self> {
        let health = &shared.health;
        let acquired = pool
            .acquire()
            .await
            .inspect_err(|e| health.failed("begin", e))?;
        let mut conn = CloseIfCancelled(Some(acquired));
        if let Err(e) = sqlx::raw_sql(statement).execute(conn.get()).await {
            health.failed("begin", &e);
            return Err(e.into());
        }
        Ok(Open {
            conn: Some(conn.keep()),
            shared: shared.clone(),
        })
    }

    async fn commit(&mut self) -> Result<()> {
        let Some(conn) = self.conn.take() else {
            return Ok(());
        };
        let mut conn = CloseIfCancelled(Some(conn));
        match sqlx::raw_sql("commit").execute(conn.get()).await {
            Ok(_) => {
                conn.keep();
                self.shared.health.succeeded();
                Ok(())
            }
            Err(e) => {
                // Logged by the health tracker, once per run of failures; the connection is
                // closed (by the guard), not reused.
                self.shared.health.failed("commit", &e);
                Err(e.into())
            }
        }
    }

    /// A transaction dropped without commit (a refusal, an error, a cancelled request) is rolled
    /// back before its connection is used again; if that fails, the connection is closed.
    fn roll_back_on_drop(&mut self) {
        let Some(mut conn) = self.conn.take() else {
            return;
        };
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            conn.close_on_drop();
            return;
        };
        runtime.spawn(async move {
            if let Err(e) = sqlx::raw_sql("rollback").execute(&mut *conn).await {
                tracing::warn!(error = %e, "a rollback failed: its connection is closed, not reused");
                conn.close_on_drop();
            }
        });
    }
}

/// A connection in the middle of BEGIN or COMMIT. If that statement fails, or the future running
/// it is dropped (a cancelled request, an aborted task) before it is known to have ended, the
/// connection is closed rather than returned to the pool: a connection handed back with a
/// transaction still open would hold SQLite's write lock, and every later write would wait and
/// fail with "database is locked", until a restart.
struct CloseIfCancelled<DB: sqlx::Database>(Option<PoolConnection<DB>>);

impl<DB: sqlx::Database> CloseIfCancelled<DB> {
    fn get(&mut self) -> &mut DB::Connection {
        self.0.as_mut().expect("held until kept or dropped")
    }

    /// The statement ended well: the connection is the caller's again.
    fn keep(mut self) -> PoolConnection<DB> {
        self.0.take().expect("held until kept or dropped")
    }
}

impl<DB: sqlx::Database> Drop for CloseIfCancelled<DB> {
    fn drop(&mut self) {
        if let Some(conn) = &mut self.0 {
            conn.close_on_drop();
        }
    }
}

impl Drop for Tx {
    fn drop(&mut self) {
        match self {
            Tx::Sqlite(t) => t.roll_back_on_drop(),
            Tx::Pg(t) => t.roll_back_on_drop(),
        }
    }
}

/// Runs the same code on whichever pool this is. Each arm is monomorphised for its driver.
macro_rules! with_pool {
    ($db:expr, $p:ident => $body:expr) => {
        match $db {
            $crate::db::Db::Sqlite($p, _) => $body,
            $crate::db::Db::Pg($p, _) => $body,
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

impl Db {
    /// Opens the database the URL names and brings its schema up to date. `secrets` seals code
    /// words written through this `Db` and opens those read ([`Secrets::for_tests`] in tests).
    /// Errors: an unsupported URL, the database's, a failed migration.
    pub async fn connect(url: &str, secrets: Secrets) -> Result<Db> {
        let shared = Arc::new(Shared {
            health: WriteHealth::default(),
            secrets,
        });
        let db = if url.starts_with("sqlite:") {
            let options = SqliteConnectOptions::from_str(url)?
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                // FULL: a check-in acknowledged to a phone is on disk, even after power loss.
                .synchronous(SqliteSynchronous::Full)
                // A tap waits at most this for a lock held elsewhere (a backup, a second
                // process), then answers "try again" and the phone keeps it queued.
                .busy_timeout(Duration::from_secs(5))
                // Deleted and rewritten content (a code word sealed at start, a record
                // removed) is overwritten with zeros, so a copied file does not keep it.
                .pragma("secure_delete", "on")
                // Rows cross from SQLite's worker thread to the request in a channel; sqlx's
                // 50 made the board's 500 rows wait for ten thread switches (profiled with
                // render_timings). Larger reads still stream, this many at a time.
                .row_buffer_size(1024)
                .foreign_keys(true);
            let pool = SqlitePoolOptions::new()
                .max_connections(8)
                .connect_with(options)
                .await?;
            Db::Sqlite(pool, shared)
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            let options = PgConnectOptions::from_str(url)?;
            let pool = PgPoolOptions::new()
                .max_connections(16)
                .acquire_timeout(Duration::from_secs(10))
                .connect_with(options)
                .await?;
            Db::Pg(pool, shared)
        } else {
            return Err(StoreError::UnsupportedUrl(url.to_string()));
        };
        db.migrate().await?;
        Ok(db)
    }

    pub async fn migrate(&self) -> Result<()> {
        match self {
            Db::Sqlite(p, _) => sqlx::migrate!("./migrations/sqlite").run(p).await?,
            Db::Pg(p, _) => sqlx::migrate!("./migrations/postgres").run(p).await?,
        }
        Ok(())
    }

    pub fn backend(&self) -> Backend {
        match self {
            Db::Sqlite(..) => Backend::Sqlite,
            Db::Pg(..) => Backend::Postgres,
        }
    }

    /// Starts a write transaction. On SQLite it takes the write lock at once (`BEGIN IMMEDIATE`)
    /// so two writers queue instead of failing on a lock upgrade.
    pub async fn begin(&self) -> Result<Tx> {
        Ok(match self {
            Db::Sqlite(p, h) => Tx::Sqlite(Open::begin(p, h, "begin immediate").await?),
            Db::Pg(p, h) => Tx::Pg(Open::begin(p, h, "begin").await?),
        })
    }

    /// The tables and their columns, for the test that keeps the two migration folders in step.
    pub async fn schema_outline(&self) -> Result<Vec<(String, String)>> {
        const SQLITE: &str = "select m.name, p.name from sqlite_master m join pragma_table_info(m.name) p \
            where m.type = 'table' and m.name not like 'sqlite_%' and m.name not like '_sqlx%' order by 1, 2";
        const PG: &str = "select table_name::text, column_name::text from information_schema.columns \
            where table_schema = 'public' and table_name not like '_sqlx%' order by 1, 2";
        Ok(match self {
            Db::Sqlite(p, _) => sqlx::query_as(SQLITE).fetch_all(p).await?,
            Db::Pg(p, _) => sqlx::query_as(PG).fetch_all(p).await?,
        })
    }

    /// How many rows each table holds, by table name: for the tests that check a refused
    /// request changed nothing. Table names come from the catalogue, never from input.
    pub async fn row_counts(&self) -> Result<Vec<(String, i64)>> {
        let mut tables: Vec<String> = self
            .schema_outline()
            .await?
            .into_iter()
            .map(|(t, _)| t)
            .collect();
        tables.dedup();
        let mut counts = Vec::with_capacity(tables.len());
        for table in tables {
            let sql = format!("select count(*) from \"{}\"", table.replace('"', "\"\""));
            let n: (i64,) = match self {
                // Safe: the name is from the catalogue and quoted as an identifier.
                Db::Sqlite(p, _) => {
                    sqlx::query_as(sqlx::AssertSqlSafe(sql))
                        .fetch_one(p)
                        .await?
                }
                Db::Pg(p, _) => {
                    sqlx::query_as(sqlx::AssertSqlSafe(sql))
                        .fetch_one(p)
                        .await?
                }
            };
            counts.push((table, n.0));
        }
        Ok(counts)
    }

    /// Whether writes are reaching the database now (see [`WriteHealth`]).
    pub fn write_status(&self) -> WriteStatus {
        self.health().status()
    }

    fn health(&self) -> &WriteHealth {
        match self {
            Db::Sqlite(_, s) | Db::Pg(_, s) => &s.health,
        }
    }

    /// The key that seals code words.
    pub(crate) fn secrets(&self) -> &Secrets {
        match self {
            Db::Sqlite(_, s) | Db::Pg(_, s) => &s.secrets,
        }
    }

    /// A small write of its own, for the monitor's loop: proves that a transaction can still be
    /// written (and clears a run of failures once it can). Errors: the database's.
    pub async fn probe_write(
        &self,
        instance: &str,
        at: chrono::DateTime<chrono::Utc>,
    ) -> Result<()> {
        const Q: &str = "insert into write_probes (instance, probed_at) values ($1, $2) \
            on conflict (instance) do update set probed_at = excluded.probed_at";
        let mut tx = self.begin().await?;
        let written = with_tx!(&mut tx, x => sqlx::query(Q).bind(instance).bind(at).execute(x).await.map(|_| ()));
        if let Err(e) = written {
            self.health().failed("probe", &e);
            return Err(e.into());
        }
        tx.commit().await
    }

    pub async fn close(&self) {
        with_pool!(self, p => p.close().await)
    }
}

impl Tx {
    /// The key that seals code words.
    pub(crate) fn secrets(&self) -> &Secrets {
        match self {
            Tx::Sqlite(t) => &t.shared.secrets,
            Tx::Pg(t) => &t.shared.secrets,
        }
    }

    /// Commits. Errors: the database's; the connection is then closed (see [`Open`]) and nothing
    /// of the transaction was written.
    pub async fn commit(mut self) -> Result<()> {
        match &mut self {
            Tx::Sqlite(t) => t.commit().await,
            Tx::Pg(t) => t.commit().await,
        }
    }
}
