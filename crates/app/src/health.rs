//! Whether this process is fit to keep people safe, for `/healthz` and the school's technician:
//! the database answers, writes are reaching it, the check-in writer runs and (when a monitor
//! runs here) a monitor pass completed recently. Each problem is named in a technician's words,
//! with what to look at; the README's runbook says what to do about each.

use crate::{App, monitor_health};
use chrono::{DateTime, Duration, Utc};
use serde::Serialize;

/// The answer of `/healthz`: `healthy` false with at least one problem, or true with none.
#[derive(Debug, Clone, Serialize)]
pub struct Health {
    pub healthy: bool,
    /// What is wrong, one sentence each (empty when healthy).
    pub problems: Vec<String>,
    pub database: DatabaseHealth,
    /// Absent when no monitor runs in this process (`--no-monitor`).
    pub monitor: Option<MonitorState>,
}

#[derive(Debug, Clone, Serialize)]
pub struct DatabaseHealth {
    pub reachable: bool,
    /// The last write failed, or one failed within the last 5 seconds.
    pub writes_failing: bool,
    pub last_write_error: Option<String>,
    pub last_write_failure_seconds_ago: Option<u64>,
    pub write_failures_in_a_row: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct MonitorState {
    /// The newest completed pass of any instance on this database (UTC).
    pub last_pass_at: Option<DateTime<Utc>>,
    pub late: bool,
}

/// Checks everything above. `monitor_max_age`: how old the last completed monitor pass may be
/// (None when no monitor runs here; then this check writes a probe row itself, so a database
/// that cannot be written is still noticed). Never fails: a fault is a problem in the answer.
pub async fn check(app: &App, monitor_max_age: Option<Duration>) -> Health {
    let db = app.db();
    let now = app.now();
    let mut problems = Vec::new();
    let reachable = match db.schools_of_trust(domain::TrustId(0)).await {
        Ok(_) => true,
        Err(e) => {
            problems.push(format!("the database does not answer: {e}"));
            false
        }
    };
    if reachable && monitor_max_age.is_none() {
        // The write's outcome lands in the write status read below.
        let _ = db.probe_write("health check", now).await;
    }
    let writes = db.write_status();
    if writes.failing {
        problems.push(format!(
            "writes to the database are failing (check-ins and alarms cannot be saved): {}",
            writes.last_error.as_deref().unwrap_or("no detail")
        ));
    }
    if let Some(dead) = app.dead_task() {
        problems.push(dead.to_string());
    }
    let monitor = match monitor_max_age {
        None => None,
        Some(max_age) => Some(match monitor_health(db, now, max_age).await {
            Ok(h) => {
                if h.late {
                    problems.push(match h.last_pass_at {
                        Some(at) => format!(
                            "the safety monitor is late: its last completed pass was at {} (alarms may not be going out)",
                            at.to_rfc3339()
                        ),
                        None => "the safety monitor has not completed a pass yet".to_string(),
                    });
                }
                MonitorState {
                    last_pass_at: h.last_pass_at,
                    late: h.late,
                }
            }
            Err(e) => {
                problems.push(format!("cannot read the safety monitor's passes: {e}"));
                MonitorState {
                    last_pass_at: None,
                    late: true,
                }
            }
        }),
    };
    Health {
        healthy: problems.is_empty(),
        problems,
        database: DatabaseHealth {
            reachable,
            writes_failing: writes.failing,
            last_write_error: writes.last_error,
            last_write_failure_seconds_ago: writes.last_failure_seconds_ago,
            write_failures_in_a_row: writes.failures_in_a_row,
        },
        monitor,
    }
}
