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

use std::fs;
use std::io::Write as _;
use std::os::unix::fs::PermissionsExt as _;
use std::os::unix::process::CommandExt as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
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

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .ok()
        .is_some_and(|o| o.status.success() && String::from_utf8_lossy(&o.stdout).trim() == "0")
}

/// A command for a server tool (`initdb`, `pg_ctl`), run as `postgres` when we are root.
fn server_command(tool: &Path, as_root: bool, cwd: &Path) -> Command {
    let mut cmd = if as_root {
        let mut c = Command::new("runuser");
        c.args(["-u", PG_OS_USER, "--"]).arg(tool);
        c
    } else {
        Command::new(tool)
    };
    // The caller's cwd may not be readable by the `postgres` user.
    cmd.current_dir(cwd);
    cmd
}

fn run_checked(cmd: &mut Command, what: &str) -> Output {
    let out = cmd
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("could not run {what} ({cmd:?}): {e}"));
    if !out.status.success() {
        panic!(
            "{what} failed ({}): {cmd:?}\n--- stdout ---\n{}\n--- stderr ---\n{}",
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    out
}

fn try_run(cmd: &mut Command, what: &str) -> Result<Output, String> {
    let out = cmd
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("could not run {what} ({cmd:?}): {e}"))?;
    if out.status.success() {
        Ok(out)
    } else {
        Err(format!(
            "{what} failed ({}): {cmd:?}\n--- stdout ---\n{}\n--- stderr ---\n{}",
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ))
    }
}

/// Single-quotes `s` for `sh`.
fn sh_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

/// Spawns the watchdog that stops the cluster and removes `dir` once this process is
/// gone (see the crate docs for why a `Drop` cannot do this).
fn spawn_watchdog(bin_dir: &Path, dir: &Path, as_root: bool) -> Result<(), String> {
    let pg_ctl = bin_dir.join("pg_ctl");
    let data = dir.join("data");
    let mut stop = String::new();
    if as_root {
        stop.push_str("runuser -u ");
        stop.push_str(PG_OS_USER);
        stop.push_str(" -- ");
    }
    stop.push_str(&format!(
        "{} stop -D {} -m immediate",
        sh_quote(&pg_ctl.to_string_lossy()),
        sh_quote(&data.to_string_lossy())
    ));
    let script = format!(
        "while kill -0 {pid} 2>/dev/null; do sleep 1; done; \
         if [ -f {pidfile} ]; then {stop}; fi; \
         rm -rf {dir}",
        pid = std::process::id(),
        pidfile = sh_quote(&data.join("postmaster.pid").to_string_lossy()),
        stop = stop,
        dir = sh_quote(&dir.to_string_lossy()),
    );
    // Runs as the current user (root when we are root) so `kill -0` on our pid is
    // permitted; `kill -0` as another user would fail with EPERM and look like "gone".
    // Not waited for on purpose: it must outlive us. Its own process group keeps a
    // terminal Ctrl-C aimed at the test from killing it too.
    #[allow(clippy::zombie_processes)]
    Command::new("sh")
        .arg("-c")
        .arg(script)
        .current_dir("/")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .process_group(0)
        .spawn()
        .map_err(|e| format!("could not spawn the cleanup watchdog: {e}"))?;
    Ok(())
}

fn start_cluster() -> Result<PgCluster, String> {
    let bin_dir = pg_bin_dir();
    let as_root = is_root();
    if as_root {
        let known = Command::new("id")
            .arg(PG_OS_USER)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if !known {
            return Err(format!(
                "running as root, and initdb refuses root, but there is no `{PG_OS_USER}` \
                 system user to run the cluster as (install the postgresql package, or run \
                 tests as a non-root user)"
            ));
        }
    }

    // Kept (not deleted on drop): the watchdog removes it after this process exits.
    let dir = tempfile::Builder::new()
        .prefix("doorstep-pg-")
        .tempdir()
        .map_err(|e| format!("creating the cluster temp dir: {e}"))?
        .keep();
    // World-accessible so the `postgres` user can create data/ and the socket, and
    // any test user can connect.
    fs::set_permissions(&dir, fs::Permissions::from_mode(0o777))
        .map_err(|e| format!("chmod 0777 {}: {e}", dir.display()))?;

    spawn_watchdog(&bin_dir, &dir, as_root)?;

    let data = dir.join("data");
    try_run(
        server_command(&bin_dir.join("initdb"), as_root, &dir)
            .arg("-D")
            .arg(&data)
            .args([
                "-U",
                "postgres",
                "--auth=trust",
                "--encoding=UTF8",
                "--locale=C",
                "--no-sync",
            ]),
        "initdb",
    )?;

    let mut conf = fs::OpenOptions::new()
        .append(true)
        .open(data.join("postgresql.conf"))
        .map_err(|e| format!("opening postgresql.conf: {e}"))?;
    writeln!(
        conf,
        "\n# doorstep-testkit throwaway cluster\n\
         listen_addresses = ''\n\
         unix_socket_directories = '{}'\n\
         port = {PG_PORT}\n\
         fsync = off\n\
         synchronous_commit = off\n\
         full_page_writes = off\n\
         max_connections = 200\n",
        dir.display().to_string().replace('\'', "''")
    )
    .map_err(|e| format!("writing postgresql.conf: {e}"))?;
    drop(conf);

    try_run(
        server_command(&bin_dir.join("pg_ctl"), as_root, &dir)
            .arg("-D")
            .arg(&data)
            .arg("-l")
            .arg(dir.join("server.log"))
            .args(["-w", "-t", "60", "start"]),
        "pg_ctl start",
    )
    .map_err(|e| {
        let log = fs::read_to_string(dir.join("server.log")).unwrap_or_default();
        format!("{e}\n--- server.log ---\n{log}")
    })?;

    Ok(PgCluster {
        bin_dir,
        dir,
        next_db: AtomicU32::new(0),
    })
}

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
