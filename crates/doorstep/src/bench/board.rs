//! `doorstep bench board [--boards N] [--per-second R] [--secs S]`: the pushed office board's
//! benchmark (not a test). A real server on loopback with the safety monitor running, its
//! e-mail and SMS sent to real listeners on loopback (`notify::testing`); N office boards open
//! `/board/events` over HTTP while visitors check in and press panic at a steady rate. Prints
//! p50/p99/max of (1) commit → the change received on every board and (2) alarm recorded → the
//! first SMS or e-mail handed to the SMS gateway or the SMTP server. Timed from the moment the
//! request is sent (the commit is inside it), so the figures are upper bounds.

use super::{setup, spread};
use anyhow::{Context, Result, bail};
use app::{Clock, Monitor, MonitorSettings};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

#[derive(clap::Args)]
pub struct BoardArgs {
    /// Office boards open (server-sent event clients).
    #[arg(long, default_value_t = 50)]
    boards: usize,
    /// Check-ins and panics committed per second (every fifth one a panic).
    #[arg(long, default_value_t = 10)]
    per_second: u32,
    /// Seconds the changes are committed for.
    #[arg(long, default_value_t = 10)]
    secs: u64,
}

/// When each board received each visit's change, by (visit, kind).
type Seen = Arc<Mutex<HashMap<(i64, String), Vec<Instant>>>>;

pub async fn run(args: &BoardArgs, database_url: Option<&str>) -> Result<()> {
    notify::install_crypto_provider();
    let boards = args.boards.max(1);
    let actions = (args.per_second.max(1) as u64 * args.secs.max(1)) as usize;
    let dir = tempfile::Builder::new()
        .prefix("doorstep-bench-board-")
        .tempdir()
        .context("creating a temporary folder")?;
    let url = match database_url {
        Some(url) => url.to_string(),
        None => format!(
            "sqlite://{}?mode=rwc",
            dir.path().join("doorstep.db").display()
        ),
    };
    // Enough visits that each change is on a visit of its own (the rest of setup's parts idle).
    let parts = setup::Parts::new((actions * 2).max(40))?;
    let setup = setup::create(&url, parts, 8).await?;

    let smtp = Arc::new(notify::testing::SmtpServer::start().await);
    let sms = Arc::new(notify::testing::HttpRecorder::start().await);
    let channels = app::Channels {
        mailer: Some(notify::Mailer::new(&smtp.settings()).map_err(|e| anyhow::anyhow!("{e}"))?),
        sms: Some(
            notify::SmsGateway::new(&notify::SmsSettings {
                url: sms.url("/send"),
                api_key: None,
                sender: "Doorstep".into(),
                timeout: Duration::from_secs(10),
            })
            .map_err(|e| anyhow::anyhow!("{e}"))?,
        ),
        webhook: None,
    };
    let monitor = Monitor::new(
        setup.db.clone(),
        Clock::System,
        channels,
        MonitorSettings::new("bench-board"),
    );
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let mut stop_monitor = stop_rx.clone();
    let monitor_task = tokio::spawn(monitor.clone().run(async move {
        let _ = stop_monitor.wait_for(|s| *s).await;
    }));
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0)).await?;
    let base = format!("http://{}", listener.local_addr()?);
    let state = server::AppState::new(setup.db.clone(), Clock::System)
        .with_group_commit()
        .with_read_batching()
        .with_monitor(monitor.waker(), chrono::Duration::seconds(30));
    let mut stop_server = stop_rx.clone();
    let server_task = tokio::spawn(server::serve(listener, state, async move {
        let _ = stop_server.wait_for(|s| *s).await;
    }));

    let visitors = super::load::sign_in(&base, &setup).await?;
    let office = reqwest::Client::new();
    let login = office
        .post(format!("{base}/api/login"))
        .header("content-type", "application/json")
        .body(
            serde_json::json!({ "email": "office@harton.demo", "password": crate::demo::PASSWORD })
                .to_string(),
        )
        .send()
        .await?;
    let cookie = login
        .headers()
        .get_all(reqwest::header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|v| {
            v.split(';')
                .next()
                .filter(|c| c.starts_with("doorstep_session="))
        })
        .context("the office's session cookie")?
        .to_string();
    let school: serde_json::Value = login.json().await?;
    let school = school["school_id"]
        .as_i64()
        .context("the office's school")?;

    eprintln!("opening {boards} office boards …");
    let seen: Seen = Arc::default();
    let mut readers = Vec::new();
    for _ in 0..boards {
        let res = reqwest::Client::new()
            .get(format!("{base}/board/events?school_id={school}"))
            .header("cookie", &cookie)
            .send()
            .await?;
        if !res.status().is_success() {
            bail!("opening a board's stream: {}", res.status());
        }
        readers.push(tokio::spawn(read_board(res, seen.clone())));
    }
    tokio::time::sleep(Duration::from_millis(500)).await;

    let arrivals: Arc<Mutex<Vec<Instant>>> = Arc::default();
    let watcher = tokio::spawn(watch_listeners(smtp.clone(), sms.clone(), arrivals.clone()));
    eprintln!("{actions} changes at {} /s …", args.per_second);
    let visits: Vec<usize> = parts.checking_in().take(actions).collect();
    let mut sent: Vec<(i64, &'static str, Instant)> = Vec::new();
    let mut tick = tokio::time::interval(Duration::from_secs(1) / args.per_second.max(1));
    let mut panics = Vec::new();
    for (n, &i) in visits.iter().enumerate() {
        tick.tick().await;
        let visit = setup.visits[i];
        let (client, cookie) = &visitors[setup.visitor_of(i)];
        let (path, kind, body) = if n % 5 == 4 {
            (
                "panic",
                "alarm",
                serde_json::json!({ "note": "bench", "client_ref": format!("bench-{n}") }),
            )
        } else {
            ("check-in", "check_in", serde_json::json!({}))
        };
        let at = Instant::now();
        let r = client
            .post(format!("{base}/api/visits/{visit}/{path}"))
            .header("cookie", cookie)
            .header("content-type", "application/json")
            .body(body.to_string())
            .send()
            .await?;
        if !r.status().is_success() {
            bail!(
                "{path} on visit {visit}: {} {}",
                r.status(),
                r.text().await.unwrap_or_default()
            );
        }
        sent.push((visit, kind, at));
        if kind == "alarm" {
            panics.push(at);
        }
    }
    tokio::time::sleep(Duration::from_secs(3)).await;
    watcher.abort();
    let arrivals = arrivals.lock().map(|a| a.clone()).unwrap_or_default();

    let seen = seen.lock().map(|s| s.clone()).unwrap_or_default();
    let mut push_ms = Vec::new();
    let mut missing = 0;
    for (visit, kind, at) in &sent {
        match seen.get(&(*visit, kind.to_string())) {
            Some(times) => {
                push_ms.extend(
                    times
                        .iter()
                        .map(|t| t.saturating_duration_since(*at).as_secs_f64() * 1000.0),
                );
                missing += boards.saturating_sub(times.len());
            }
            None => missing += boards,
        }
    }
    // A panic's first message is the first to reach a listener after it was sent and before the
    // next panic (panics are half a second apart at the default rate).
    let send_ms: Vec<f64> = panics
        .iter()
        .enumerate()
        .filter_map(|(k, a)| {
            let until = panics.get(k + 1).copied();
            arrivals
                .iter()
                .find(|t| *t >= a && until.is_none_or(|u| **t < u))
                .map(|t| t.duration_since(*a).as_secs_f64() * 1000.0)
        })
        .collect();
    let _ = stop_tx.send(true);
    for r in readers {
        r.abort();
    }
    server_task.await?.context("serving")?;
    monitor_task.await?;
    setup.db.close().await;

    let (p50, p99, max) = spread(&push_ms);
    let (s50, s99, smax) = spread(&send_ms);
    println!("Doorstep board benchmark");
    println!(
        "  {:<58} {}",
        "open office boards (SSE over loopback HTTP)", boards
    );
    println!(
        "  {:<58} {} ({} panics) at {} /s",
        "changes committed (check-ins and panics)",
        sent.len(),
        panics.len(),
        args.per_second
    );
    println!(
        "  {:<58} p50 {p50:.1} ms   p99 {p99:.1} ms   max {max:.1} ms",
        "commit → change received on every board"
    );
    println!(
        "  {:<58} {missing}",
        "changes a board never received (should be 0)"
    );
    println!(
        "  {:<58} p50 {s50:.1} ms   p99 {s99:.1} ms   max {smax:.1} ms ({} of {})",
        "panic recorded → first SMS/e-mail handed to the listener",
        send_ms.len(),
        panics.len()
    );
    Ok(())
}

/// Reads one board's stream, noting when each visit's change arrived.
async fn read_board(mut res: reqwest::Response, seen: Seen) {
    let mut buffer = String::new();
    while let Ok(Some(chunk)) = res.chunk().await {
        let now = Instant::now();
        buffer.push_str(&String::from_utf8_lossy(&chunk));
        while let Some(end) = buffer.find("\n\n") {
            let block: String = buffer.drain(..end + 2).collect();
            let Some(data) = block.lines().find_map(|l| l.strip_prefix("data:")) else {
                continue;
            };
            let Ok(v) = serde_json::from_str::<serde_json::Value>(data.trim()) else {
                continue;
            };
            if let (Some(visit), Some(kind)) = (v["visit_id"].as_i64(), v["kind"].as_str())
                && let Ok(mut s) = seen.lock()
            {
                s.entry((visit, kind.to_string())).or_default().push(now);
            }
        }
    }
}

/// Notes when each message reaches the SMTP server or the SMS gateway, polling every ms.
async fn watch_listeners(
    smtp: Arc<notify::testing::SmtpServer>,
    sms: Arc<notify::testing::HttpRecorder>,
    arrivals: Arc<Mutex<Vec<Instant>>>,
) {
    let mut last = smtp.received().len() + sms.requests().len();
    loop {
        let count = smtp.received().len() + sms.requests().len();
        if count > last {
            if let Ok(mut a) = arrivals.lock() {
                a.push(Instant::now());
            }
            last = count;
        }
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
}
