//! The drill report for governors: each drill of a school over a term or range of days, per rung
//! when it was sent, and when (and by whom) the drill was acknowledged and how long it took; the
//! median time to acknowledge. Names staff only, never a child or an address.

use crate::reports::{ReportQuery, Table, parse_range};
use crate::{App, Result, access, audit};
use chrono::{DateTime, TimeZone, Utc};
use domain::StaffId;
use domain::reports::ReportRange;
use serde::Serialize;
use store::{Alarm, Staff};

/// One rung of a drill's ladder that was sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct DrillRung {
    /// The rung, counted from 1 (a repeat of the top rung counts on past the ladder's length).
    pub rung: i64,
    pub sent_at: DateTime<Utc>,
    /// Whether the acknowledgement answered this rung (the last one sent before it).
    pub acknowledged: bool,
    /// Seconds from this rung being sent to the acknowledgement, on the rung it answered.
    pub seconds_to_acknowledge: Option<i64>,
}

/// One drill as the report shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct DrillLine {
    /// The drill's alarm id (acknowledge it on the board like any alarm).
    pub drill_id: i64,
    /// The real visit the drill ran on; `None` on a practice visit.
    pub visit_id: Option<i64>,
    /// The practice visit the drill ran on (no pupil, no household), if it ran on one.
    pub practice_visit_id: Option<i64>,
    /// The alarm kind practised.
    pub kind: domain::monitor::AlarmKind,
    pub started_at: DateTime<Utc>,
    pub started_by: Option<String>,
    /// "running", "acknowledged" or "ended".
    pub state: &'static str,
    pub rungs: Vec<DrillRung>,
    pub acknowledged_at: Option<DateTime<Utc>>,
    pub acknowledged_by: Option<String>,
    /// Seconds from the start of the drill to its acknowledgement.
    pub seconds_to_acknowledge: Option<i64>,
    pub ended_at: Option<DateTime<Utc>>,
}

/// A school's drills over a range, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct DrillReport {
    pub school_id: i64,
    pub school_name: String,
    /// The school's time zone (IANA name), for showing the UTC times.
    pub timezone: String,
    #[schema(value_type = Object)]
    pub range: ReportRange,
    pub drills: Vec<DrillLine>,
    /// The median seconds from start to acknowledgement over the acknowledged drills (nearest
    /// rank); `None` when none was acknowledged.
    pub median_seconds_to_acknowledge: Option<i64>,
}

/// The drill report of the school `school_id` names (or the reader's own) for the days of
/// `range` (UTC days, both inclusive). Errors: as [`access::drill_report_school`]. The read is
/// audited (`drill.report.read`).
pub async fn report(
    app: &App,
    me: &Staff,
    school_id: Option<i64>,
    range: ReportRange,
) -> Result<DrillReport> {
    let school = access::drill_report_school(app, me, school_id).await?;
    let from = Utc.from_utc_datetime(&range.from.and_time(chrono::NaiveTime::MIN));
    let to = Utc.from_utc_datetime(&range.to.and_time(chrono::NaiveTime::MIN))
        + chrono::Duration::days(1);
    let db = app.db();
    let mut drills = Vec::new();
    for alarm in db.drills_of_school(school, from, to).await? {
        drills.push(line(app, alarm).await?);
    }
    let mut seconds: Vec<i64> = drills
        .iter()
        .filter_map(|d| d.seconds_to_acknowledge)
        .collect();
    seconds.sort_unstable();
    // Nearest rank, as the governors' report's medians.
    let median = (!seconds.is_empty()).then(|| seconds[seconds.len().div_ceil(2) - 1]);
    let s = db.school(school).await?;
    let tz = db.current_policy(school).await?.settings.tz();
    audit::audit_read(app, me, "drill.report.read", "school", school.0, school).await?;
    Ok(DrillReport {
        school_id: school.0,
        school_name: s.name,
        timezone: tz.name().to_string(),
        range,
        drills,
        median_seconds_to_acknowledge: median,
    })
}

/// [`report`] for a request's query (`term` this/last, or `from`/`to` dates), read with today's
/// date (UTC). Errors: as [`parse_range`] (naming `term`, `from` or `to`), then as [`report`].
pub async fn report_for(app: &App, me: &Staff, q: &ReportQuery) -> Result<DrillReport> {
    let today = app.now().date_naive();
    let range = parse_range(q.term.as_deref(), q.from.as_deref(), q.to.as_deref(), today)?;
    report(app, me, q.school_id, range).await
}

async fn name(app: &App, id: Option<i64>) -> Result<Option<String>> {
    Ok(match id {
        Some(id) => access::found(app.db().staff(StaffId(id)).await)?.map(|s| s.name),
        None => None,
    })
}

async fn line(app: &App, alarm: Alarm) -> Result<DrillLine> {
    let fired = app.db().alarm_levels_fired(alarm.id).await?;
    let ack = alarm.acknowledged_at;
    // The rung an acknowledgement answered: the last one sent at or before it.
    let answered = ack.and_then(|at| {
        fired
            .iter()
            .filter(|(_, sent)| *sent <= at)
            .max_by_key(|(_, sent)| *sent)
            .map(|(level, _)| *level)
    });
    let rungs = fired
        .iter()
        .map(|(level, sent)| {
            let acknowledged = answered == Some(*level);
            DrillRung {
                rung: level + 1,
                sent_at: *sent,
                acknowledged,
                seconds_to_acknowledge: ack
                    .filter(|_| acknowledged)
                    .map(|at| (at - *sent).num_seconds()),
            }
        })
        .collect();
    let state = match (alarm.resolved_at, ack) {
        (Some(_), _) => "ended",
        (None, Some(_)) => "acknowledged",
        (None, None) => "running",
    };
    Ok(DrillLine {
        drill_id: alarm.id,
        visit_id: alarm.visit_id,
        practice_visit_id: alarm.practice_visit_id,
        kind: alarm.kind,
        started_at: alarm.raised_at,
        started_by: name(app, alarm.raised_by).await?,
        state,
        rungs,
        acknowledged_at: ack,
        acknowledged_by: name(app, alarm.acknowledged_by).await?,
        seconds_to_acknowledge: ack.map(|at| (at - alarm.raised_at).num_seconds()),
        ended_at: alarm.resolved_at,
    })
}

impl DrillReport {
    /// One row per rung sent (a drill with none sent yet has one row), times on the school's
    /// clock (`YYYY-MM-DD HH:MM`), for governors' spreadsheets.
    pub fn table(&self) -> Table {
        let tz: chrono_tz::Tz = self.timezone.parse().unwrap_or(chrono_tz::Europe::London);
        let local = |t: Option<DateTime<Utc>>| {
            t.map(|t| t.with_timezone(&tz).format("%Y-%m-%d %H:%M").to_string())
                .unwrap_or_default()
        };
        let secs = |s: Option<i64>| s.map(|s| s.to_string()).unwrap_or_default();
        let mut rows = Vec::new();
        for d in &self.drills {
            let common = |rung: Option<&DrillRung>| {
                vec![
                    d.drill_id.to_string(),
                    local(Some(d.started_at)),
                    d.started_by.clone().unwrap_or_default(),
                    d.state.to_string(),
                    rung.map(|r| r.rung.to_string()).unwrap_or_default(),
                    local(rung.map(|r| r.sent_at)),
                    if rung.is_some_and(|r| r.acknowledged) {
                        local(d.acknowledged_at)
                    } else {
                        String::new()
                    },
                    if rung.is_some_and(|r| r.acknowledged) {
                        d.acknowledged_by.clone().unwrap_or_default()
                    } else {
                        String::new()
                    },
                    secs(rung.and_then(|r| r.seconds_to_acknowledge)),
                    secs(d.seconds_to_acknowledge),
                ]
            };
            if d.rungs.is_empty() {
                rows.push(common(None));
            }
            rows.extend(d.rungs.iter().map(|r| common(Some(r))));
        }
        Table {
            name: "drills",
            heading: "Practice alarms (drills)",
            headers: vec![
                "drill",
                "started",
                "started by",
                "state",
                "rung",
                "rung sent",
                "acknowledged",
                "acknowledged by",
                "seconds from rung to acknowledgement",
                "seconds from start to acknowledgement",
            ],
            rows,
        }
    }
}
