//! Test support for Doorstep's integration tests.
//!
//! * [`fresh_postgres_url`]: a fresh, empty database in a throwaway PostgreSQL 15
//!   cluster that this test process owns (started lazily, once per process).
//! * [`fresh_sqlite_url`]: a fresh SQLite database file in a new temp dir.
//!
//! # The throwaway cluster
//!
//! The cluster lives in a private temp dir and listens **only** on a unix socket in
//! that dir (`listen_addresses = ''`), so the fixed port number ([`PG_PORT`]) never
//! collides with another cluster: the port only names the socket file. It runs with
//! `fsync = off` and trust authentication, superuser `postgres`.
//!
//! `initdb` and `pg_ctl` refuse to run as root. When the test process is root (as in
//! CI containers) the cluster is created and run as the `postgres` system user (which
//! the Debian package creates) through `runuser -u postgres --`; the temp dir is
//! `chmod 0777` so that user can write into it and any user can reach the socket.
//! Client tools (`createdb`, `psql`) may run as root: they connect as role `postgres`
//! over the socket with trust auth.
//!
//! # Why a watchdog process stops the cluster
//!
//! Rust never runs `Drop` for values in a `static` (the cluster lives in a
//! `OnceLock`), and `atexit`-style hooks do not run when the test binary is killed
//! (Ctrl-C, a timeout, `SIGKILL`, a panic that aborts). A leaked postmaster keeps
//! running forever and holds its temp dir. So, before `initdb`, we spawn a tiny
//! `sh -c` watchdog in its own process group (so a Ctrl-C to the test's group does
//! not kill it) that polls `kill -0 <test pid>` every second; once the test process
//! is gone it runs `pg_ctl stop -m immediate` and removes the temp dir. This works
//! however the test process ends.

// This crate is only ever used from tests: failing loudly with a clear message is
// the right behaviour, so `expect`/`panic!` are fine here.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod start;

use start::{run_checked, start_cluster};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU32, Ordering};

/// Where the PostgreSQL 15 server binaries live unless `$DOORSTEP_PG_BIN` says otherwise.
pub const DEFAULT_PG_BIN: &str = "/usr/lib/postgresql/15/bin";

/// The port of every throwaway cluster. Safe to share: it only names the socket file
/// inside the cluster's private socket dir; no TCP listener is opened.
pub const PG_PORT: u16 = 5432;

/// The OS user that runs the cluster when the test process is root.
const PG_OS_USER: &str = "postgres";

/// The PostgreSQL bin dir: `$DOORSTEP_PG_BIN` or [`DEFAULT_PG_BIN`].
pub fn pg_bin_dir() -> PathBuf {
    std::env::var_os("DOORSTEP_PG_BIN")
        .filter(|v| !v.is_empty())
        .map_or_else(|| PathBuf::from(DEFAULT_PG_BIN), PathBuf::from)
}

/// True when the PostgreSQL binaries needed for a throwaway cluster exist.
pub fn postgres_available() -> bool {
    let bin = pg_bin_dir();
    ["initdb", "pg_ctl", "postgres", "createdb"]
        .iter()
        .all(|tool| bin.join(tool).is_file())
}

/// A running throwaway cluster, shared by every test in this process.
#[derive(Debug)]
pub struct PgCluster {
    bin_dir: PathBuf,
    /// The temp dir holding `data/`, the log and the socket.
    dir: PathBuf,
    next_db: AtomicU32,
}

impl PgCluster {
    /// The directory holding the cluster's unix socket (pass as `-h` / `host=`).
    pub fn socket_dir(&self) -> &Path {
        &self.dir
    }

    /// The port naming the socket file (pass as `-p` / `port=`).
    pub fn port(&self) -> u16 {
        PG_PORT
    }

    /// The superuser role to connect as.
    pub fn user(&self) -> &'static str {
        "postgres"
    }

    /// The PostgreSQL bin dir used (handy for `psql`, `pg_dump`, ...).
    pub fn bin_dir(&self) -> &Path {
        &self.bin_dir
    }

    /// The sqlx-compatible URL of database `db` in this cluster, e.g.
    /// `postgres://postgres@localhost:5432/db_1?host=/tmp/doorstep-pg-abc`.
    pub fn url_for(&self, db: &str) -> String {
        format!(
            "postgres://{}@localhost:{}/{}?host={}",
            self.user(),
            PG_PORT,
            db,
            self.dir.display()
        )
    }

    /// Creates a fresh, empty database and returns its name (`db_1`, `db_2`, ...).
    pub fn create_database(&self) -> String {
        let name = format!("db_{}", self.next_db.fetch_add(1, Ordering::Relaxed) + 1);
        let mut cmd = Command::new(self.bin_dir.join("createdb"));
        cmd.arg("-h")
            .arg(&self.dir)
            .arg("-p")
            .arg(PG_PORT.to_string())
            .arg("-U")
            .arg(self.user())
            .arg(&name);
        run_checked(&mut cmd, "createdb");
        name
    }

    /// Creates a fresh, empty database and returns its sqlx-compatible URL.
    pub fn fresh_url(&self) -> String {
        let db = self.create_database();
        self.url_for(&db)
    }
}

/// The shared cluster (started on first use), or `None` when PostgreSQL is not
/// installed. Panics if the binaries exist but the cluster cannot be started, and
/// when `CI=true` but PostgreSQL is missing (see [`fresh_postgres_url`]).
pub fn postgres_cluster() -> Option<&'static PgCluster> {
    if !postgres_available() {
        if std::env::var("CI").is_ok_and(|v| v.eq_ignore_ascii_case("true")) {
            panic!(
                "CI=true but PostgreSQL binaries are missing: a skipped PostgreSQL run is a failure \
                 (looked for initdb/pg_ctl/postgres/createdb in {}; install postgresql-15 or set \
                 DOORSTEP_PG_BIN)",
                pg_bin_dir().display()
            );
        }
        return None;
    }
    static CLUSTER: OnceLock<Result<PgCluster, String>> = OnceLock::new();
    // A failed start is remembered, so every test reports the same error instead of
    // each retrying initdb.
    match CLUSTER.get_or_init(start_cluster) {
        Ok(cluster) => Some(cluster),
        Err(e) => panic!("could not start the throwaway PostgreSQL cluster: {e}"),
    }
}

/// Creates a fresh, empty database in the shared cluster and returns its
/// sqlx-compatible URL, e.g. `postgres://postgres@localhost:5432/db_17?host=/tmp/xyz`.
///
/// Returns `None` if PostgreSQL is not installed, so tests can skip. But if
/// `CI=true` and PostgreSQL is missing this panics: a skipped PostgreSQL run in CI
/// is a failure.
///
/// The same URL works for tests that spawn a real binary against the cluster:
/// pass it as the binary's database URL.
pub fn fresh_postgres_url() -> Option<String> {
    postgres_cluster().map(PgCluster::fresh_url)
}

/// A fresh SQLite database file URL (`sqlite://<path>?mode=rwc`) in a new temp dir.
/// Keep the returned [`tempfile::TempDir`] alive as long as the database is used.
pub fn fresh_sqlite_url() -> (tempfile::TempDir, String) {
    let dir = tempfile::Builder::new()
        .prefix("doorstep-sqlite-")
        .tempdir()
        .expect("creating a temp dir for a SQLite database");
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("test.db").display());
    (dir, url)
}

// ---------------------------------------------------------------------------
// Cluster start-up
// ---------------------------------------------------------------------------

#[cfg(test)]
mod tests {
    use super::*;

    fn psql_select_1(cluster: &PgCluster, db: &str) -> String {
        let psql = if cluster.bin_dir().join("psql").is_file() {
            cluster.bin_dir().join("psql")
        } else {
            PathBuf::from("psql")
        };
        let out = run_checked(
            Command::new(psql)
                .arg("-h")
                .arg(cluster.socket_dir())
                .arg("-p")
                .arg(cluster.port().to_string())
                .args([
                    "-U",
                    "postgres",
                    "-d",
                    db,
                    "-tAc",
                    "select current_database()",
                ]),
            "psql",
        );
        String::from_utf8_lossy(&out.stdout).trim().to_owned()
    }

    #[test]
    fn two_fresh_databases_are_distinct_and_reachable() {
        if !postgres_available() {
            eprintln!("PostgreSQL not installed; skipping");
            return;
        }
        let cluster = postgres_cluster().expect("binaries are available");
        let a = cluster.create_database();
        let b = cluster.create_database();
        assert_ne!(a, b);
        assert_eq!(psql_select_1(cluster, &a), a);
        assert_eq!(psql_select_1(cluster, &b), b);
        // Listens on no TCP port: only the socket file exists.
        assert!(cluster.socket_dir().join(".s.PGSQL.5432").exists());
    }

    #[test]
    fn fresh_postgres_url_has_socket_host() {
        let Some(url) = fresh_postgres_url() else {
            eprintln!("PostgreSQL not installed; skipping");
            return;
        };
        let cluster = postgres_cluster().expect("cluster started");
        let prefix = "postgres://postgres@localhost:5432/db_";
        assert!(url.starts_with(prefix), "{url}");
        assert!(
            url.ends_with(&format!("?host={}", cluster.socket_dir().display())),
            "{url}"
        );
        let db = url[prefix.len() - 3..].split('?').next().expect("db name");
        assert_eq!(psql_select_1(cluster, db), db);
        let other = fresh_postgres_url().expect("cluster is up");
        assert_ne!(url, other);
    }

    #[test]
    fn fresh_sqlite_url_points_into_its_temp_dir() {
        let (dir, url) = fresh_sqlite_url();
        assert!(url.starts_with("sqlite://"));
        assert!(url.ends_with("?mode=rwc"));
        assert!(url.contains(&*dir.path().to_string_lossy()));
        let (dir2, url2) = fresh_sqlite_url();
        assert_ne!(url, url2);
        drop((dir, dir2));
    }
}
