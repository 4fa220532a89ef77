//! Durable check-ins per second over HTTP (the real router, served in-process, with keep-alive
//! clients signed in as the visitors), and the yardstick measured in the same run: raw durable
//! single-row inserts into a SQLite file of its own with the same settings and concurrency.

use super::setup::Setup;
use anyhow::{Context, Result, bail};
use chrono::Utc;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use std::path::Path;
use std::str::FromStr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

pub struct Rate {
    pub done: u64,
    pub seconds: f64,
    pub errors: u64,
    /// Per-request latencies in ms (check-ins only).
    pub latencies_ms: Vec<f64>,
    pub first_error: Option<String>,
}

impl Rate {
    pub fn per_second(&self) -> f64 {
        if self.seconds > 0.0 {
            self.done as f64 / self.seconds
        } else {
            0.0
        }
    }
}

/// Signs each visitor in over HTTP (one at a time: Argon2 takes 19 MiB per hash) and returns
/// a keep-alive client and the session cookie for each.
pub async fn sign_in(base: &str, setup: &Setup) -> Result<Vec<(reqwest::Client, String)>> {
    let mut out = Vec::with_capacity(setup.visitors.len());
    for (_, email) in &setup.visitors {
        let client = reqwest::Client::builder()
            .pool_max_idle_per_host(1)
            .timeout(Duration::from_secs(60))
            .build()?;
        let body = serde_json::json!({ "email": email, "password": crate::demo::PASSWORD });
        let r = client
            .post(format!("{base}/api/login"))
            .header("content-type", "application/json")
            .body(body.to_string())
            .send()
            .await?;
        if !r.status().is_success() {
            bail!("signing in as {email}: {}", r.status());
        }
        let cookie = r
            .headers()
            .get_all(reqwest::header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find_map(|v| {
                v.split(';')
                    .next()
                    .filter(|c| c.starts_with("doorstep_session="))
            })
            .context("the login's session cookie")?
            .to_string();
        out.push((client, cookie));
    }
    Ok(out)
}

/// Each client posts "I'm OK" check-ins, one after another, for the distinct visits its visitor
/// is on (starting again from the first if it runs out), for `how_long`.
pub async fn check_ins(
    base: &str,
    setup: &Setup,
    clients: Vec<(reqwest::Client, String)>,
    how_long: Duration,
) -> Result<Rate> {
    let n = clients.len();
    let mut mine: Vec<Vec<i64>> = vec![Vec::new(); n];
    for i in setup.parts.checking_in() {
        mine[setup.visitor_of(i)].push(setup.visits[i]);
    }
    let stop = Arc::new(AtomicBool::new(false));
    let started = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for (k, ((client, cookie), visits)) in clients.into_iter().zip(mine).enumerate() {
        let stop = stop.clone();
        let base = base.to_string();
        tasks.spawn(async move {
            let mut rate = Rate {
                done: 0,
                seconds: 0.0,
                errors: 0,
                latencies_ms: Vec::new(),
                first_error: None,
            };
            if visits.is_empty() {
                return rate;
            }
            let mut n = 0usize;
            while !stop.load(Ordering::Relaxed) {
                let visit = visits[n % visits.len()];
                let body = serde_json::json!({
                    "note": "All fine, still with the family.",
                    "latitude": 54.9986, "longitude": -1.4323, "accuracy_m": 12.0,
                    "client_ref": format!("bench-{k}-{n}"),
                });
                n += 1;
                let sent = Instant::now();
                let answer = client
                    .post(format!("{base}/api/visits/{visit}/check-in"))
                    .header("content-type", "application/json")
                    .header("cookie", &cookie)
                    .body(body.to_string())
                    .send()
                    .await;
                let outcome = match answer {
                    Ok(r) if r.status().is_success() => {
                        r.bytes().await.map(|_| ()).map_err(|e| e.to_string())
                    }
                    Ok(r) => {
                        let status = r.status();
                        let text = r.text().await.unwrap_or_default();
                        Err(format!("{status}: {text}"))
                    }
                    Err(e) => Err(e.to_string()),
                };
                match outcome {
                    Ok(()) => {
                        rate.done += 1;
                        rate.latencies_ms
                            .push(sent.elapsed().as_secs_f64() * 1000.0);
                    }
                    Err(e) => {
                        rate.errors += 1;
                        rate.first_error.get_or_insert(e);
                    }
                }
            }
            rate
        });
    }
    tokio::time::sleep(how_long).await;
    stop.store(true, Ordering::Relaxed);
    let mut total = Rate {
        done: 0,
        seconds: 0.0,
        errors: 0,
        latencies_ms: Vec::new(),
        first_error: None,
    };
    while let Some(r) = tasks.join_next().await {
        let r = r?;
        total.done += r.done;
        total.errors += r.errors;
        total.latencies_ms.extend(r.latencies_ms);
        if total.first_error.is_none() {
            total.first_error = r.first_error;
        }
    }
    // Requests in flight when the time was up count, and so does the time they took.
    total.seconds = started.elapsed().as_secs_f64();
    Ok(total)
}

/// `tasks` concurrent writers, each inserting one row per transaction into a fresh SQLite file
/// opened exactly as `Db::connect` opens SQLite (WAL, synchronous=FULL, 8 connections).
pub async fn raw_inserts(dir: &Path, tasks: usize, how_long: Duration) -> Result<Rate> {
    let url = format!("sqlite://{}?mode=rwc", dir.join("raw-inserts.db").display());
    let options = SqliteConnectOptions::from_str(&url)?
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Full)
        .busy_timeout(Duration::from_secs(10))
        .foreign_keys(true);
    let pool = SqlitePoolOptions::new()
        .max_connections(8)
        .connect_with(options)
        .await?;
    sqlx::query(
        "create table check_ins (id integer primary key, visit_id integer not null, at text not null, note text)",
    )
    .execute(&pool)
    .await?;
    let stop = Arc::new(AtomicBool::new(false));
    let started = Instant::now();
    let mut set = tokio::task::JoinSet::new();
    for k in 0..tasks {
        let (pool, stop) = (pool.clone(), stop.clone());
        set.spawn(async move {
            let (mut done, mut errors, mut first_error) = (0u64, 0u64, None);
            let mut n = 0i64;
            while !stop.load(Ordering::Relaxed) {
                n += 1;
                // Autocommit: one INSERT, one transaction, one durable commit.
                let r =
                    sqlx::query("insert into check_ins (visit_id, at, note) values ($1, $2, $3)")
                        .bind(k as i64 * 1_000_000 + n)
                        .bind(Utc::now())
                        .bind("All fine, still with the family.")
                        .execute(&pool)
                        .await;
                match r {
                    Ok(_) => done += 1,
                    Err(e) => {
                        errors += 1;
                        first_error.get_or_insert(e.to_string());
                    }
                }
            }
            (done, errors, first_error)
        });
    }
    tokio::time::sleep(how_long).await;
    stop.store(true, Ordering::Relaxed);
    let mut total = Rate {
        done: 0,
        seconds: 0.0,
        errors: 0,
        latencies_ms: Vec::new(),
        first_error: None,
    };
    while let Some(r) = set.join_next().await {
        let (done, errors, first_error) = r?;
        total.done += done;
        total.errors += errors;
        if total.first_error.is_none() {
            total.first_error = first_error;
        }
    }
    total.seconds = started.elapsed().as_secs_f64();
    pool.close().await;
    Ok(total)
}
