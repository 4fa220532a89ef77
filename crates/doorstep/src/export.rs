//! `doorstep export visits --format csv [--school S] [--from D] [--to D]`: the visits CSV on
//! standard output, for scheduled jobs that feed CPOMS, MyConcern or Arbor. The same CSV as the
//! API's `/api/exports/visits.csv`; every export is written to the audit trail.

use anyhow::{Context, Result, bail};
use chrono::{NaiveDate, Utc};
use domain::{SchoolId, TrustId};
use server::exports::{ExportQuery, visits_csv};
use std::io::Write;
use store::{AuditEntry, Db};

#[derive(clap::Subcommand)]
pub enum ExportCommand {
    /// Visits, one row per visit, with their outcomes, actions and slips.
    Visits(VisitsArgs),
}

#[derive(Clone, Copy, clap::ValueEnum)]
pub enum Format {
    Csv,
}

#[derive(clap::Args)]
pub struct VisitsArgs {
    #[arg(long, value_enum, default_value = "csv")]
    format: Format,
    /// The school's id or exact name; every school of the trust when left out.
    #[arg(long)]
    school: Option<String>,
    /// The trust's id or name, when the database holds several trusts and no school is named.
    #[arg(long)]
    trust: Option<String>,
    /// First day staff planned to leave school (YYYY-MM-DD, the school's local date).
    #[arg(long)]
    from: Option<NaiveDate>,
    /// Last day, inclusive (YYYY-MM-DD).
    #[arg(long)]
    to: Option<NaiveDate>,
    /// Start with the UTF-8 byte-order mark, for opening the file in Excel.
    #[arg(long)]
    excel: bool,
}

/// The school named by id or exact name (`--school`). Errors name `--school`.
pub(crate) async fn school(db: &Db, named: &str) -> Result<(TrustId, SchoolId)> {
    if let Ok(id) = named.parse::<i64>() {
        let s = db
            .school(SchoolId(id))
            .await
            .with_context(|| format!("--school: no school has the id {id}"))?;
        return Ok((s.trust_id, s.id));
    }
    match db.schools_named(named).await?.as_slice() {
        [one] => Ok((one.trust_id, one.id)),
        [] => bail!("--school: no school is called '{named}'"),
        many => bail!(
            "--school: {} schools are called '{named}'; give the id instead ({})",
            many.len(),
            many.iter()
                .map(|s| s.id.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

async fn trust(db: &Db, named: Option<&str>) -> Result<TrustId> {
    match named {
        Some(t) => match t.parse::<i64>() {
            Ok(id) => Ok(db
                .trust(TrustId(id))
                .await
                .with_context(|| format!("--trust: no trust has the id {id}"))?
                .id),
            Err(_) => db
                .trust_by_name(t)
                .await?
                .map(|t| t.id)
                .with_context(|| format!("--trust: no trust is called '{t}'")),
        },
        None => match db.trust_ids().await?.as_slice() {
            [one] => Ok(*one),
            [] => bail!("the database has no trust yet: nothing to export"),
            _ => bail!(
                "the database holds several trusts: name one with --trust or a school with --school"
            ),
        },
    }
}

/// Runs `doorstep export ...`, writing to standard output.
pub async fn run(db: &Db, command: &ExportCommand) -> Result<()> {
    let ExportCommand::Visits(args) = command;
    let Format::Csv = args.format;
    if let (Some(from), Some(to)) = (args.from, args.to)
        && to < from
    {
        bail!("--to ({to}) is before --from ({from})");
    }
    let (trust, school) = match &args.school {
        Some(s) => {
            let (t, s) = school(db, s).await?;
            (t, Some(s))
        }
        None => (trust(db, args.trust.as_deref()).await?, None),
    };
    let query = ExportQuery {
        trust,
        school,
        from: args.from,
        to: args.to,
    };
    let (bytes, count) = visits_csv(db, &query, args.excel)
        .await
        .context("reading the visits to export")?;
    db.append_audit(&AuditEntry {
        at: Utc::now(),
        actor: None,
        school,
        action: "visits.export_read".into(),
        subject_type: "trust",
        subject_id: Some(trust.0),
        detail: serde_json::json!({ "via": "command line", "format": "csv", "visits": count, "from": args.from, "to": args.to }),
    })
    .await
    .context("recording the export in the audit trail")?;
    let mut out = std::io::stdout().lock();
    match out.write_all(&bytes).and_then(|()| out.flush()) {
        Ok(()) => {}
        // `doorstep export ... | head` closing the pipe early is not a failure of the export.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
        Err(e) => return Err(e).context("writing the CSV to standard output"),
    }
    eprintln!("exported {count} visits");
    Ok(())
}
