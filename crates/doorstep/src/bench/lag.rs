//! Deadline → alarm durably recorded: the sample's check-ins fall due at spread-out moments while
//! the monitor runs its real loop on the system clock; a separate connection watches the alarms
//! table and notes when each alarm becomes visible, that is, after its transaction committed.

use super::setup::{Move, Setup, contact_for_firing_at, move_check_ins, ms};
use super::sql::alarms_after;
use anyhow::{Result, bail};
use chrono::{DateTime, Duration, Utc};
use std::collections::HashMap;
use store::Db;

/// How long before the first sample deadline the monitor starts.
const LEAD_IN: Duration = Duration::seconds(3);
/// How often the observer looks for new alarms.
const POLL: std::time::Duration = std::time::Duration::from_millis(2);

pub struct Lag {
    /// Observed commit time − `fires_at`, in ms, one per sample deadline.
    pub durable_ms: Vec<f64>,
    /// The monitor's own `late_by_ms` (its pass's `now` − `fires_at`), one per sample deadline.
    pub pass_ms: Vec<f64>,
}

/// The sample's deadlines, by visit.
pub struct Sample {
    due: HashMap<i64, DateTime<Utc>>,
    first: DateTime<Utc>,
    window: Duration,
    last_alarm_before: i64,
}

/// Moves the sample's check-ins so that they fall due over `window`, starting shortly. Done
/// before the monitor starts, as in life a check-in deadline is known half an hour ahead.
pub async fn arrange(setup: &Setup, observer: &Db, window: std::time::Duration) -> Result<Sample> {
    let n = setup.parts.sample;
    let window = Duration::from_std(window)?;
    let first = ms(Utc::now() + LEAD_IN);
    let mut due: HashMap<i64, DateTime<Utc>> = HashMap::with_capacity(n);
    let moves: Vec<Move> = (0..n)
        .map(|j| {
            let fires_at = ms(first + window * j as i32 / n as i32);
            let visit = setup.visits[j];
            due.insert(visit, fires_at);
            Move {
                visit,
                last_contact: contact_for_firing_at(&setup.rule, fires_at),
                // Five minutes before it fell due: long since sent.
                reminded: true,
            }
        })
        .collect();
    let last_alarm_before =
        super::sql::scalar(observer, "select coalesce(max(id), 0) from alarms", &[]).await?;
    move_check_ins(setup, &moves).await?;
    if Utc::now() >= first {
        bail!(
            "arranging the sample took longer than the lead-in; the first deadlines were already due"
        );
    }
    Ok(Sample {
        due,
        first,
        window,
        last_alarm_before,
    })
}

/// Waits, with the monitor running, until every sample alarm is recorded.
pub async fn observe(observer: &Db, sample: Sample) -> Result<Lag> {
    let Sample {
        due,
        first,
        window,
        last_alarm_before,
    } = sample;
    let n = due.len();
    let give_up = first + window + Duration::seconds(120);
    let mut after = last_alarm_before;
    let mut seen: HashMap<i64, f64> = HashMap::with_capacity(n);
    while seen.len() < n {
        if Utc::now() > give_up {
            bail!(
                "only {} of {n} sample alarms were recorded within 2 minutes of falling due",
                seen.len()
            );
        }
        let rows = alarms_after(observer, after).await?;
        let observed = Utc::now();
        for (id, visit, raised_at) in rows {
            after = after.max(id);
            let Some(fires_at) = visit.and_then(|v| due.get(&v)) else {
                continue;
            };
            if raised_at == *fires_at {
                seen.entry(visit.unwrap_or_default())
                    .or_insert_with(|| millis(observed - *fires_at));
            }
        }
        tokio::time::sleep(POLL).await;
    }

    let mut pass_ms = Vec::with_capacity(n);
    for alarm in observer.all_alarms().await? {
        let (Some(visit), Some(detail)) = (alarm.visit_id, alarm.detail) else {
            continue;
        };
        if due.get(&visit) == Some(&alarm.raised_at)
            && let Some(late) = detail
                .0
                .get("late_by_ms")
                .and_then(serde_json::Value::as_f64)
        {
            pass_ms.push(late);
        }
    }
    Ok(Lag {
        durable_ms: seen.into_values().collect(),
        pass_ms,
    })
}

fn millis(d: Duration) -> f64 {
    d.num_microseconds()
        .map_or(f64::MAX, |us| us as f64 / 1000.0)
}
