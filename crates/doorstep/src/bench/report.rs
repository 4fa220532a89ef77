//! `doorstep bench report [--schools N] [--visits N] [--runs N] [--json]`: the time to make the
//! governors' report (G5) over a year, for one school and for a whole trust of N schools, as
//! JSON, as CSV (every table) and as a PDF, on the real use case (`app::reports`, its access
//! decision and audit row included). The yardstick, measured in the same run on the same rows:
//! plain `select count(*)` of the year's visits, alarms, slips and incidents.

mod fill;

use super::sql::{V, scalar};
use anyhow::{Context, Result};
use app::reports::{GovernorsReport, governors_report};
use app::{App, Clock};
use chrono::{DateTime, Duration, Utc};
use domain::SchoolId;
use domain::reports::ReportRange;
use std::future::Future;
use std::time::Instant;
use store::{Db, Secrets};

#[derive(clap::Args)]
pub struct ReportArgs {
    /// Schools in the trust.
    #[arg(long, default_value_t = 20)]
    schools: usize,
    /// Visits per school over the year (default 600: about three a school day).
    #[arg(long, default_value_t = 600)]
    visits: usize,
    /// Times each figure is measured; the median is printed.
    #[arg(long, default_value_t = 5)]
    runs: usize,
    /// Print one JSON object instead of the table.
    #[arg(long)]
    json: bool,
}

/// The median of `runs` timings of `f`, in milliseconds.
async fn median_ms<F, Fut>(runs: usize, mut f: F) -> Result<f64>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<()>>,
{
    let mut ms = Vec::with_capacity(runs);
    for _ in 0..runs.max(1) {
        let started = Instant::now();
        f().await?;
        ms.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    ms.sort_by(f64::total_cmp);
    Ok(ms[ms.len() / 2])
}

/// One reader's figures: the report as JSON, CSV and PDF, and the plain counts.
struct Figures {
    json_ms: f64,
    csv_ms: f64,
    pdf_ms: f64,
    counts_ms: f64,
    pdf_kb: usize,
}

/// `select count(*)` of the rows the report reads, for `school` or (`None`) every school.
async fn counts(
    db: &Db,
    school: Option<SchoolId>,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<i64> {
    const ONE: [&str; 4] = [
        "select count(*) from visits where school_id = $1 and planned_leave_school >= $2 and planned_leave_school < $3",
        "select count(*) from alarms where school_id = $1 and raised_at >= $2 and raised_at < $3",
        "select count(*) from home_visit_slips where school_id = $1 and left_at >= $2 and left_at < $3",
        "select count(*) from incidents where school_id = $1 and occurred_at >= $2 and occurred_at < $3",
    ];
    const ALL: [&str; 4] = [
        "select count(*) from visits where planned_leave_school >= $1 and planned_leave_school < $2",
        "select count(*) from alarms where raised_at >= $1 and raised_at < $2",
        "select count(*) from home_visit_slips where left_at >= $1 and left_at < $2",
        "select count(*) from incidents where occurred_at >= $1 and occurred_at < $2",
    ];
    let mut total = 0;
    for i in 0..4 {
        total += match school {
            Some(s) => scalar(db, ONE[i], &[V::I(s.0), V::T(from), V::T(to)]).await?,
            None => scalar(db, ALL[i], &[V::T(from), V::T(to)]).await?,
        };
    }
    Ok(total)
}

async fn measure(
    app: &App,
    me: &store::Staff,
    school: Option<SchoolId>,
    range: &ReportRange,
    runs: usize,
) -> Result<Figures> {
    let report = async || -> Result<GovernorsReport> {
        governors_report(app, me, school.map(|s| s.0), range.clone())
            .await
            .map_err(|r| anyhow::anyhow!("{r:?}"))
    };
    let json_ms = median_ms(runs, async || {
        serde_json::to_vec(&report().await?)?;
        Ok(())
    })
    .await?;
    let csv_ms = median_ms(runs, async || {
        let r = report().await?;
        for t in r.tables() {
            t.to_csv();
        }
        Ok(())
    })
    .await?;
    let pdf_ms = median_ms(runs, async || {
        report().await?.pdf();
        Ok(())
    })
    .await?;
    let from = range
        .from
        .and_hms_opt(0, 0, 0)
        .context("midnight")?
        .and_utc();
    let to = range.to.and_hms_opt(0, 0, 0).context("midnight")?.and_utc() + Duration::days(1);
    let counts_ms = median_ms(runs, async || {
        counts(app.db(), school, from, to).await?;
        Ok(())
    })
    .await?;
    let pdf_kb = report().await?.pdf().len() / 1024;
    Ok(Figures {
        json_ms,
        csv_ms,
        pdf_ms,
        counts_ms,
        pdf_kb,
    })
}

pub async fn run(args: &ReportArgs, database_url: Option<&str>) -> Result<()> {
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
    let (secrets, _) = Secrets::generate();
    let db = Db::connect(&url, secrets)
        .await
        .context("opening the benchmark database")?;
    let now = Utc::now();
    eprintln!(
        "filling a trust of {} schools with a year of {} visits each …",
        args.schools, args.visits
    );
    let started = Instant::now();
    let filled = fill::trust(&db, args.schools.max(1), args.visits.max(10), now).await?;
    let fill_s = started.elapsed().as_secs_f64();
    let app = App::new(db.clone(), Clock::System);
    let me = db
        .staff(filled.reader.context("the trust administrator")?)
        .await?;
    let range = ReportRange {
        from: (now - Duration::days(365)).date_naive(),
        to: now.date_naive(),
        label: "the last year".into(),
    };
    let first = filled.schools.first().copied();
    eprintln!("measuring one school's report …");
    let one = measure(&app, &me, first, &range, args.runs).await?;
    eprintln!("measuring the trust's report …");
    let all = measure(&app, &me, None, &range, args.runs).await?;
    let backend = format!("{:?}", db.backend()).to_lowercase();
    if args.json {
        let f = |x: &Figures| {
            serde_json::json!({
                "json_ms": x.json_ms, "csv_ms": x.csv_ms, "pdf_ms": x.pdf_ms,
                "count_baseline_ms": x.counts_ms, "json_over_baseline": x.json_ms / x.counts_ms,
                "pdf_kb": x.pdf_kb,
            })
        };
        println!(
            "{}",
            serde_json::json!({
                "backend": backend, "schools": args.schools, "visits": filled.visits,
                "alarms": filled.alarms, "slips": filled.slips, "incidents": filled.incidents,
                "actions": filled.actions, "fill_s": fill_s, "one_school": f(&one), "trust": f(&all),
            })
        );
    } else {
        let mut t = String::new();
        let mut row = |what: &str, value: String| t.push_str(&format!("  {what:<64} {value}\n"));
        row("database", backend);
        row(
            "trust: schools / visits / alarms / slips / incidents / actions",
            format!(
                "{} / {} / {} / {} / {} / {}",
                args.schools,
                filled.visits,
                filled.alarms,
                filled.slips,
                filled.incidents,
                filled.actions
            ),
        );
        row("set-up (bulk inserts)", format!("{fill_s:.1} s"));
        for (who, x) in [("one school", &one), ("whole trust", &all)] {
            row(
                &format!("{who}: report as JSON / CSV (every table) / PDF"),
                format!(
                    "{:.1} / {:.1} / {:.1} ms (PDF {} KB)",
                    x.json_ms, x.csv_ms, x.pdf_ms, x.pdf_kb
                ),
            );
            row(
                &format!("{who}: baseline, count(*) of the same rows"),
                format!(
                    "{:.2} ms (JSON report ÷ baseline {:.0}×)",
                    x.counts_ms,
                    x.json_ms / x.counts_ms.max(0.001)
                ),
            );
        }
        println!(
            "Doorstep governors' report benchmark (median of {} runs)\n{t}",
            args.runs
        );
    }
    db.close().await;
    Ok(())
}
