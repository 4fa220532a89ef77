//! G4: the visits to export, one row per visit, for the school's DSL and head (the API and the
//! page) and the `doorstep export` command. The server encodes them as CSV.

use crate::access::visits_to_export;
use crate::audit::entry;
use crate::{App, Refusal, Result};
use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;
use domain::{SchoolId, TrustId};
use std::collections::BTreeMap;
use store::{Db, Staff, StoreError, VisitRow, VisitRowFilter};

/// Which visits to export: one trust, optionally one school, and local dates (inclusive) on which
/// staff planned to leave school.
#[derive(Debug, Clone)]
pub struct ExportQuery {
    pub trust: TrustId,
    pub school: Option<SchoolId>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

/// The most visits one export holds.
pub const EXPORT_LIMIT: i64 = 100_000;

fn local_midnight(d: NaiveDate, tz: Tz) -> DateTime<Utc> {
    let naive = d.and_hms_opt(0, 0, 0).unwrap_or_default();
    tz.from_local_datetime(&naive)
        .earliest()
        .map_or_else(|| naive.and_utc(), |t| t.with_timezone(&Utc))
}

/// The visits the query names, oldest first, with each school's time zone (by school id) to
/// write their times in. For the command line, which answers to no person; people go through
/// [`export_visits`].
pub async fn visit_rows(
    db: &Db,
    q: &ExportQuery,
) -> Result<(Vec<VisitRow>, BTreeMap<i64, Tz>), StoreError> {
    let tz = match q.school {
        Some(s) => db.current_policy(s).await?.settings.tz(),
        None => chrono_tz::Europe::London,
    };
    let rows = db
        .visit_rows(&VisitRowFilter {
            trust: Some(q.trust),
            school: q.school,
            from: q.from.map(|d| local_midnight(d, tz)),
            to: q
                .to
                .and_then(|d| d.succ_opt())
                .map(|d| local_midnight(d, tz)),
            limit: EXPORT_LIMIT,
            ..VisitRowFilter::default()
        })
        .await?;
    let mut zones = BTreeMap::new();
    for r in &rows {
        if let std::collections::btree_map::Entry::Vacant(e) = zones.entry(r.school_id) {
            e.insert(
                db.current_policy(SchoolId(r.school_id))
                    .await?
                    .settings
                    .tz(),
            );
        }
    }
    Ok((rows, zones))
}

/// What a person asks to export: a school (their own when `None`) and local dates, inclusive.
#[derive(Debug, Clone, Default)]
pub struct ExportInput {
    pub school_id: Option<i64>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

/// The visits of one school to export, with the time zones to write them in.
#[derive(Debug)]
pub struct VisitsExport {
    pub school: SchoolId,
    pub rows: Vec<VisitRow>,
    pub zones: BTreeMap<i64, Tz>,
}

/// G4: the school's visits, one row per visit, for its DSL or head; the export is audited
/// (`visits.export_read`, with how many visits). Errors: `Invalid("school_id")`,
/// `BadRequest("school_id")`; `Forbidden` for anyone else; `BadRequest("to")` when `to` is
/// before `from`; `SecondFactor` without a recent step-up.
pub async fn export_visits(app: &App, me: &Staff, input: &ExportInput) -> Result<VisitsExport> {
    let school = visits_to_export(app, me, input.school_id).await?;
    // The rows carry every child's outcomes: safeguarding history (A9).
    crate::second_factor::require(app, me, school).await?;
    if let (Some(from), Some(to)) = (input.from, input.to)
        && to < from
    {
        return Err(Refusal::bad_request("to", "must not be before from"));
    }
    let query = ExportQuery {
        trust: me.trust_id,
        school: Some(school),
        from: input.from,
        to: input.to,
    };
    let (rows, zones) = visit_rows(app.db(), &query).await?;
    let e = entry(
        app,
        me,
        "visits.export_read",
        "school",
        school.0,
        Some(school),
        serde_json::json!({ "format": "csv", "visits": rows.len(), "from": input.from, "to": input.to }),
    );
    app.db().append_audit(&e).await?;
    Ok(VisitsExport {
        school,
        rows,
        zones,
    })
}
