//! `doorstep bench monitor [--visits N] [--database-url URL] [--json]`: the safety monitor's
//! benchmark (not a test). It fills a fresh database with N visits that are out, then measures,
//! in one run and on the real code paths:
//!
//! 1. deadline → alarm durably recorded, while the monitor runs its real loop on the system clock;
//! 2. durable check-ins per second over HTTP (the real router, served in-process) and, as the
//!    yardstick, raw durable single-row SQLite inserts per second with the same concurrency;
//! 3. peak resident memory of the process;
//! 4. restart to every alarm that fell due during a 60-second outage fired.
//!
//! `doorstep bench board` measures the pushed office board (see [`board`]); `doorstep bench
//! import` the CTF import ([`import`]); `doorstep bench report` the governors' report ([`report`]).
//!
//! See the README's "Benchmark" section for what each figure means.

mod board;
mod import;
mod lag;
mod load;
mod recovery;
mod report;
mod setup;
mod sql;

use anyhow::{Context, Result};
use app::{Channels, Clock, Monitor, MonitorSettings};
use std::time::Duration;
use store::Db;

#[derive(clap::Subcommand)]
pub enum BenchCommand {
    /// The safety monitor at scale: alarm lag, durable check-ins per second, memory, restart.
    Monitor(MonitorArgs),
    /// The pushed office board: commit → change on N open boards, alarm → first SMS/e-mail.
    Board(board::BoardArgs),
    /// Import of a generated CTF (a secondary school's roll): first import, re-import, dry run.
    Import(import::ImportArgs),
    /// The governors' report over a year, for one school and a trust of 20, against plain counts.
    Report(report::ReportArgs),
}

#[derive(clap::Args)]
pub struct MonitorArgs {
    /// Visits that are out (signed out and watched) while the benchmark runs.
    #[arg(long, default_value_t = 100_000)]
    visits: usize,
    /// Print one JSON object instead of the table.
    #[arg(long)]
    json: bool,
    /// Concurrent HTTP clients (each a visitor with a session) and raw-insert writers.
    #[arg(long, default_value_t = 64)]
    clients: usize,
    /// Seconds over which the alarm-lag sample's deadlines fall due.
    #[arg(long, default_value_t = 20)]
    window_secs: u64,
    /// Seconds each throughput measurement runs.
    #[arg(long, default_value_t = 10)]
    load_secs: u64,
    /// Serve without read batching (`doorstep serve` always batches), to compare.
    #[arg(long)]
    no_read_batching: bool,
}

/// Runs the command. `database_url`: the global `--database-url` (a fresh database the benchmark
/// may fill); without it, a temporary SQLite file.
pub async fn run(command: &BenchCommand, database_url: Option<&str>) -> Result<()> {
    match command {
        BenchCommand::Monitor(args) => monitor(args, database_url).await,
        BenchCommand::Board(args) => board::run(args, database_url).await,
        BenchCommand::Import(args) => import::run(args, database_url).await,
        BenchCommand::Report(args) => report::run(args, database_url).await,
    }
}

struct Report {
    backend: &'static str,
    visits: usize,
    setup_s: f64,
    setup_visits_s: f64,
    sample: usize,
    window_s: u64,
    lag: lag::Lag,
    clients: usize,
    check_ins: load::Rate,
    raw: load::Rate,
    peak_rss_mb: f64,
    recovery: recovery::Recovery,
}

async fn monitor(args: &MonitorArgs, database_url: Option<&str>) -> Result<()> {
    notify::install_crypto_provider();
    let parts = setup::Parts::new(args.visits)?;
    let clients = args.clients.max(1);
    let dir = tempfile::Builder::new()
        .prefix("doorstep-bench-")
        .tempdir()
        .context("creating a temporary folder")?;
    let url = match database_url {
        Some(url) => url.to_string(),
        None => format!(
            "sqlite://{}?mode=rwc",
            dir.path().join("doorstep.db").display()
        ),
    };
    eprintln!("setting up {} visits that are out …", args.visits);
    let setup = setup::create(&url, parts, clients).await?;
    eprintln!("set up in {:.1} s", setup.seconds);
    // The observer's own connections, so that watching never queues behind the monitor.
    let observer = Db::connect(&url, setup.secrets.clone()).await?;

    eprintln!(
        "deadline → alarm: {} deadlines falling due over {} s …",
        parts.sample, args.window_secs
    );
    let sample = lag::arrange(&setup, &observer, Duration::from_secs(args.window_secs)).await?;
    let monitor = Monitor::new(
        setup.db.clone(),
        Clock::System,
        Channels::default(),
        MonitorSettings::new("bench"),
    );
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let mut stop_monitor = stop_rx.clone();
    let monitor_task = tokio::spawn(monitor.clone().run(async move {
        let _ = stop_monitor.wait_for(|s| *s).await;
    }));
    let lag = lag::observe(&observer, sample).await?;

    // Served as `doorstep serve` serves it: group commit and read batching on, the monitor running alongside.
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0)).await?;
    let base = format!("http://{}", listener.local_addr()?);
    let state = server::AppState::new(setup.db.clone(), Clock::System).with_group_commit();
    let state = if args.no_read_batching {
        state
    } else {
        state.with_read_batching()
    };
    let state = state.with_monitor(monitor.waker(), chrono::Duration::seconds(30));
    let mut stop_server = stop_rx.clone();
    let server_task = tokio::spawn(server::serve(listener, state, async move {
        let _ = stop_server.wait_for(|s| *s).await;
    }));
    let how_long = Duration::from_secs(args.load_secs);
    let signed_in = load::sign_in(&base, &setup).await?;
    eprintln!(
        "check-ins over HTTP: {clients} clients for {} s …",
        args.load_secs
    );
    let check_ins = load::check_ins(&base, &setup, signed_in, how_long).await?;
    eprintln!(
        "raw SQLite inserts: {clients} writers for {} s …",
        args.load_secs
    );
    let raw = load::raw_inserts(dir.path(), clients, how_long).await?;

    let _ = stop_tx.send(true);
    server_task.await?.context("serving")?;
    monitor_task.await?;
    eprintln!("restart after a 60 s outage …");
    let recovery = recovery::measure(&setup, &observer).await?;
    let peak_rss_mb = peak_rss_mb()?;

    let report = Report {
        backend: match setup.db {
            Db::Sqlite(..) => "SQLite (WAL, synchronous=FULL)",
            Db::Pg(..) => "PostgreSQL",
        },
        visits: args.visits,
        setup_s: setup.seconds,
        setup_visits_s: setup.visits_seconds,
        sample: parts.sample,
        window_s: args.window_secs,
        lag,
        clients,
        check_ins,
        raw,
        peak_rss_mb,
        recovery,
    };
    observer.close().await;
    setup.db.close().await;
    if args.json {
        println!("{}", report.json());
    } else {
        print!("{}", report.table());
    }
    Ok(())
}

/// Nearest-rank percentile of sorted values.
fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

fn sorted(v: &[f64]) -> Vec<f64> {
    let mut v = v.to_vec();
    v.sort_by(f64::total_cmp);
    v
}

/// (p50, p99, max)
fn spread(v: &[f64]) -> (f64, f64, f64) {
    let s = sorted(v);
    (
        percentile(&s, 50.0),
        percentile(&s, 99.0),
        s.last().copied().unwrap_or_default(),
    )
}

fn round(x: f64, places: i32) -> f64 {
    let f = 10f64.powi(places);
    (x * f).round() / f
}

/// VmHWM: the most resident memory this process has had, in MiB.
fn peak_rss_mb() -> Result<f64> {
    let status =
        std::fs::read_to_string("/proc/self/status").context("reading /proc/self/status")?;
    let kb: f64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .context("VmHWM in /proc/self/status")?;
    Ok(kb / 1024.0)
}

impl Report {
    fn ratio(&self) -> f64 {
        let raw = self.raw.per_second();
        if raw > 0.0 {
            self.check_ins.per_second() / raw
        } else {
            0.0
        }
    }

    fn json(&self) -> serde_json::Value {
        let (p50, p99, max) = spread(&self.lag.durable_ms);
        serde_json::json!({
            "visits": self.visits,
            "alarm_lag_p50_ms": round(p50, 1),
            "alarm_lag_p99_ms": round(p99, 1),
            "alarm_lag_max_ms": round(max, 1),
            "checkins_per_s": round(self.check_ins.per_second(), 1),
            "raw_inserts_per_s": round(self.raw.per_second(), 1),
            "checkin_ratio": round(self.ratio(), 3),
            "peak_rss_mb": round(self.peak_rss_mb, 1),
            "recovery_s": round(self.recovery.alarms_s, 3),
        })
    }

    fn table(&self) -> String {
        let (p50, p99, max) = spread(&self.lag.durable_ms);
        let (m50, m99, mmax) = spread(&self.lag.pass_ms);
        let (l50, l99, lmax) = spread(&self.check_ins.latencies_ms);
        let mut t = String::new();
        let mut row = |what: &str, value: String| t.push_str(&format!("  {what:<58} {value}\n"));
        row("active visits", format!("{}", self.visits));
        row("database", self.backend.to_string());
        row(
            "set-up (demo trust, visitors, households, visits)",
            format!(
                "{:.1} s (of which the visits {:.1} s)",
                self.setup_s, self.setup_visits_s
            ),
        );
        row(
            &format!(
                "deadline → alarm durably recorded ({} over {} s)",
                self.sample, self.window_s
            ),
            format!("p50 {p50:.1} ms   p99 {p99:.1} ms   max {max:.1} ms"),
        );
        row(
            "  of which: fires_at → the monitor began firing it (late_by_ms)",
            format!("p50 {m50:.1} ms   p99 {m99:.1} ms   max {mmax:.1} ms"),
        );
        row(
            &format!("durable check-ins over HTTP ({} clients)", self.clients),
            format!(
                "{:.0} /s   ({} in {:.1} s; per request p50 {l50:.1} ms, p99 {l99:.1} ms, max {lmax:.1} ms; {} errors)",
                self.check_ins.per_second(),
                self.check_ins.done,
                self.check_ins.seconds,
                self.check_ins.errors
            ),
        );
        row(
            &format!(
                "raw durable single-row SQLite inserts ({} writers)",
                self.clients
            ),
            format!(
                "{:.0} /s   ({} in {:.1} s; {} errors)",
                self.raw.per_second(),
                self.raw.done,
                self.raw.seconds,
                self.raw.errors
            ),
        );
        row("check-ins ÷ raw inserts", format!("{:.2}", self.ratio()));
        row(
            "peak resident memory (VmHWM)",
            format!("{:.0} MB", self.peak_rss_mb),
        );
        row(
            &format!(
                "restart → all overdue alarms fired ({} overdue, 60 s outage)",
                self.recovery.overdue
            ),
            format!("{:.2} s", self.recovery.alarms_s),
        );
        row(
            &format!(
                "restart → the outage's {} reminders queued",
                self.recovery.reminders
            ),
            format!("{:.2} s", self.recovery.reminders_s),
        );
        for (what, e) in [
            ("check-in", &self.check_ins.first_error),
            ("raw insert", &self.raw.first_error),
        ] {
            if let Some(e) = e {
                row(&format!("first {what} error"), e.clone());
            }
        }
        format!("Doorstep monitor benchmark\n{t}")
    }
}

#[cfg(test)]
mod tests {
    use super::percentile;

    #[test]
    fn nearest_rank_percentiles() {
        let v: Vec<f64> = (1..=100).map(f64::from).collect();
        assert_eq!(percentile(&v, 50.0), 50.0);
        assert_eq!(percentile(&v, 99.0), 99.0);
        assert_eq!(percentile(&v, 100.0), 100.0);
        assert_eq!(percentile(&[7.0], 99.0), 7.0);
        assert_eq!(percentile(&[], 50.0), 0.0);
    }
}
