//! Restart to every overdue alarm fired. With the monitor stopped, a 60-second outage's worth of
//! work is made due: the check-ins of 1/30 of the visits (a 30-minute interval) fell due during
//! it, spread over the minute, and the reminders of as many others. Then a fresh connection pool
//! and a fresh monitor start (the restart), and the clock runs until no deadline that fell due
//! in the outage is left un-fired: every one of their alarms is recorded.

use super::setup::{
    Move, Setup, contact_for_firing_at, contact_for_reminder_at, move_check_ins, ms,
};
use super::sql::{V, scalar};
use anyhow::{Result, bail};
use app::{Channels, Clock, Monitor, MonitorSettings};
use chrono::{Duration, Utc};
use std::time::Instant;
use store::Db;

const OUTAGE: Duration = Duration::seconds(60);
const POLL: std::time::Duration = std::time::Duration::from_millis(2);

pub struct Recovery {
    pub overdue: usize,
    pub reminders: usize,
    /// Restart to no overdue deadline left un-fired.
    pub alarms_s: f64,
    /// Restart to every reminder due in the outage queued.
    pub reminders_s: f64,
}

/// Run with no monitor running.
pub async fn measure(setup: &Setup, observer: &Db) -> Result<Recovery> {
    let n = setup.parts.outage;
    let restart_at = ms(Utc::now());
    let at = |r: usize| ms(restart_at - OUTAGE + OUTAGE * r as i32 / n as i32);
    let mut moves = Vec::with_capacity(2 * n);
    for r in 0..n {
        moves.push(Move {
            visit: setup.visits[setup.parts.sample + r],
            last_contact: contact_for_firing_at(&setup.rule, at(r)),
            reminded: true,
        });
        moves.push(Move {
            visit: setup.visits[setup.parts.sample + n + r],
            last_contact: contact_for_reminder_at(&setup.rule, at(r)),
            reminded: false,
        });
    }
    move_check_ins(setup, &moves).await?;

    // The restart: a fresh pool (as a new process opens) and a fresh monitor.
    let restarted = Instant::now();
    let db = Db::connect(&setup.url, setup.secrets.clone()).await?;
    let monitor = Monitor::new(
        db.clone(),
        Clock::System,
        Channels::default(),
        MonitorSettings::new("bench-restarted"),
    );
    let (stop_tx, mut stop_rx) = tokio::sync::watch::channel(false);
    let task = tokio::spawn(monitor.run(async move {
        let _ = stop_rx.wait_for(|s| *s).await;
    }));

    const OVERDUE: &str =
        "select count(*) from deadlines where state = 'pending' and fires_at <= $1";
    const REMINDERS: &str = "select count(*) from deadlines where state = 'pending' and reminded = $1 and remind_at <= $2";
    let (mut alarms_s, mut reminders_s) = (None, None);
    while alarms_s.is_none() || reminders_s.is_none() {
        if restarted.elapsed() > std::time::Duration::from_secs(600) {
            bail!("ten minutes after the restart the outage's work was still not done");
        }
        if alarms_s.is_none() && scalar(observer, OVERDUE, &[V::T(restart_at)]).await? == 0 {
            alarms_s = Some(restarted.elapsed().as_secs_f64());
        }
        if reminders_s.is_none()
            && scalar(observer, REMINDERS, &[V::B(false), V::T(restart_at)]).await? == 0
        {
            reminders_s = Some(restarted.elapsed().as_secs_f64());
        }
        tokio::time::sleep(POLL).await;
    }
    let _ = stop_tx.send(true);
    task.await?;
    db.close().await;
    Ok(Recovery {
        overdue: n,
        reminders: n,
        alarms_s: alarms_s.unwrap_or_default(),
        reminders_s: reminders_s.unwrap_or_default(),
    })
}
