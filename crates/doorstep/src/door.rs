//! `doorstep serve`'s limits at the door: the open-file limit, raised at start, and the
//! connection cap and timeouts derived from it.

use server::DoorSettings;
use std::time::Duration;

/// Files kept back from the connection cap: the database pool, SQLite's files, logs, and
/// outgoing e-mail, SMS and webhook connections.
const FILES_KEPT_BACK: u64 = 256;
/// The largest cap derived from the file limit (each connection costs memory too).
const LARGEST_DERIVED_CAP: u64 = 10_000;

#[derive(clap::Args)]
pub struct DoorArgs {
    /// Connections open at once. Default: the open-file limit less 256 (at most 10,000).
    #[arg(long, env = "DOORSTEP_MAX_CONNECTIONS")]
    pub max_connections: Option<usize>,
    /// Seconds a request's headers may take to arrive (and a new connection to start sending).
    #[arg(long, env = "DOORSTEP_HEADER_TIMEOUT", default_value_t = 10)]
    pub header_timeout: u64,
    /// Seconds a connection may stay open with no request between requests (keep-alive).
    #[arg(long, env = "DOORSTEP_KEEP_ALIVE_TIMEOUT", default_value_t = 60)]
    pub keep_alive_timeout: u64,
    /// Requests other than safety actions handled at once (more wait their turn up to 10 s).
    #[arg(long, env = "DOORSTEP_MAX_BUSY_REQUESTS", default_value_t = 16)]
    pub max_busy_requests: usize,
}

impl DoorArgs {
    /// The door's settings for a process whose open-file soft limit is `file_limit`.
    pub fn settings(&self, file_limit: u64) -> DoorSettings {
        let derived = file_limit
            .saturating_sub(FILES_KEPT_BACK)
            .clamp(16, LARGEST_DERIVED_CAP) as usize;
        let cap = self.max_connections.unwrap_or(derived);
        if cap as u64 + FILES_KEPT_BACK > file_limit {
            tracing::warn!(
                max_connections = cap,
                file_limit,
                "DOORSTEP_MAX_CONNECTIONS leaves fewer than {FILES_KEPT_BACK} files for the database and outgoing alarms"
            );
        }
        DoorSettings {
            max_busy_requests: self.max_busy_requests.max(1),
            header_timeout: Duration::from_secs(self.header_timeout.max(1)),
            keep_alive: Duration::from_secs(self.keep_alive_timeout.max(1)),
            ..DoorSettings::with_cap(cap)
        }
    }
}

/// Raises the process's open-file soft limit to its hard limit where the OS allows, and returns
/// the soft limit in force afterwards. Failing to raise it is logged, not fatal.
#[cfg(unix)]
pub fn raise_file_limit() -> u64 {
    let before = rlimit::Resource::NOFILE.get().ok();
    // A hard limit of "unlimited" cannot be the soft limit on Linux (fs.nr_open caps it).
    let wanted = match before {
        Some((_, hard)) if hard != rlimit::INFINITY => hard,
        _ => 1 << 20,
    };
    match rlimit::increase_nofile_limit(wanted) {
        Ok(now) => {
            let was = before.map_or(now, |(soft, _)| soft);
            if now > was {
                tracing::info!(from = was, to = now, "raised the open-file limit");
            }
            now
        }
        Err(e) => {
            let soft = before.map_or(1024, |(soft, _)| soft);
            tracing::warn!(error = %e, file_limit = soft, "cannot raise the open-file limit; the connection cap follows the current one");
            soft
        }
    }
}

/// Elsewhere there is no open-file soft limit to raise; the derived cap is the largest.
#[cfg(not(unix))]
pub fn raise_file_limit() -> u64 {
    LARGEST_DERIVED_CAP + FILES_KEPT_BACK
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(max: Option<usize>) -> DoorArgs {
        DoorArgs {
            max_connections: max,
            header_timeout: 10,
            keep_alive_timeout: 60,
            max_busy_requests: 16,
        }
    }

    #[test]
    fn the_cap_leaves_files_for_the_database_and_outgoing_alarms() {
        assert_eq!(args(None).settings(1024).max_connections, 768);
        assert_eq!(args(None).settings(1 << 20).max_connections, 10_000);
        assert_eq!(args(None).settings(100).max_connections, 16);
        assert_eq!(args(Some(50)).settings(1024).max_connections, 50);
        assert_eq!(args(Some(50)).settings(1024).safety_reserve, 10);
    }
}
