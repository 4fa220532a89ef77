//! The store's one error type: what went wrong, kept with its cause (a database outage never
//! reads as "not found"), and whether the caller should answer "try again".

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
    /// The server's secret key does not open a sealed code word.
    #[error(transparent)]
    WrongKey(#[from] crate::secrets::WrongKey),
}

impl StoreError {
    pub(crate) fn not_found(what: &'static str, id: i64) -> impl FnOnce() -> StoreError {
        move || StoreError::NotFound { what, id }
    }

    /// Whether this is the database being unable to take the work just now (a full disk, an I/O
    /// error, a read-only file, a lock held too long, a lost or exhausted connection) rather
    /// than something wrong with the request or the data: the caller answers "try again".
    /// Source: SQLite result codes (<https://sqlite.org/rescode.html>) and PostgreSQL SQLSTATE
    /// classes 08, 53, 57 and 40 (Appendix A of its manual).
    pub fn is_unavailable(&self) -> bool {
        let StoreError::Database(e) = self else {
            return false;
        };
        match e {
            sqlx::Error::Io(_)
            | sqlx::Error::PoolTimedOut
            | sqlx::Error::PoolClosed
            | sqlx::Error::WorkerCrashed => true,
            sqlx::Error::Database(d) => match d.code() {
                // PostgreSQL: connection, resources (disk full), operator intervention,
                // serialization failure or deadlock, read-only transaction, lock not available.
                Some(code) if code.len() == 5 => {
                    ["08", "53", "57", "40"]
                        .iter()
                        .any(|class| code.starts_with(class))
                        || code == "25006"
                        || code == "55P03"
                }
                // SQLite's primary codes: BUSY, LOCKED, READONLY, IOERR, FULL, CANTOPEN.
                Some(code) => code
                    .parse::<i32>()
                    .is_ok_and(|c| matches!(c & 0xff, 5 | 6 | 8 | 10 | 13 | 14)),
                None => false,
            },
            _ => false,
        }
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
