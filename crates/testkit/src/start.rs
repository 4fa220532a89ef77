//! Starting the throwaway cluster: `initdb` and `pg_ctl` (as the `postgres` user when we are
//! root) and the watchdog that stops it once the test process is gone (see the crate docs).

use super::{PG_OS_USER, PG_PORT, PgCluster, pg_bin_dir};
use std::fs;
use std::io::Write as _;
use std::os::unix::fs::PermissionsExt as _;
use std::os::unix::process::CommandExt as _;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::sync::atomic::AtomicU32;

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

pub(crate) fn run_checked(cmd: &mut Command, what: &str) -> Output {
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

pub(crate) fn try_run(cmd: &mut Command, what: &str) -> Result<Output, String> {
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

pub(crate) fn start_cluster() -> Result<PgCluster, String> {
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
