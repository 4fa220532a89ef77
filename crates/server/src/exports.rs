//! G4: every visit exportable. Visits as CSV (one row per visit, for schools that keep their main
//! record in CPOMS, MyConcern or Arbor) and as an iCalendar feed (P7's calendar of whereabouts).
//! Shared by the API and the `doorstep export` command.
//!
//! The CSV opens in a spreadsheet as it should: RFC 4180 quoting (commas, quotes and new lines in
//! names survive), a UTF-8 byte-order mark (for downloads) so accented names show, and any cell that a
//! spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab, carriage return) prefixed with a
//! `'` so it shows as text.

use axum::http::header;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use icalendar::{Calendar, Component, Event, EventLike, EventStatus};
use std::collections::BTreeMap;
use store::{Db, StoreError, VisitRow};

pub use app::records::{EXPORT_LIMIT, ExportQuery};

const HEADERS: [&str; 35] = [
    "visit_id",
    "school",
    "pupil",
    "date_of_birth",
    "family",
    "address",
    "postcode",
    "reason_category",
    "purpose",
    "appointment",
    "status",
    "staff",
    "staff_roles",
    "buddy",
    "authorised_by",
    "authorised_at",
    "planned_leave_school",
    "planned_arrive",
    "planned_leave_property",
    "planned_return",
    "returns_to",
    "signed_out_at",
    "arrived_at",
    "nobody_home_at",
    "left_property_at",
    "returned_at",
    "outcome",
    "action_required",
    "people_seen",
    "actions_open",
    "actions_done",
    "slip_left_at",
    "slip_respond_by",
    "slip_responded_at",
    "rescheduled_from",
];

/// A cell a spreadsheet shows as typed: formula triggers get a leading apostrophe.
pub fn neutralise(cell: &str) -> String {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{cell}"),
        _ => cell.to_string(),
    }
}

/// Visits as CSV bytes, one row per visit after the header; and how many visits. With `bom`, the
/// bytes start with the UTF-8 byte-order mark Excel needs to read accented names (downloads);
/// without it they suit scripts and importers (the command line, which answers to no person:
/// people export through [`app::records::export_visits`]).
pub async fn visits_csv(
    db: &Db,
    q: &ExportQuery,
    bom: bool,
) -> Result<(Vec<u8>, usize), StoreError> {
    let (rows, zones) = app::records::visit_rows(db, q).await?;
    let count = rows.len();
    Ok((encode_csv(rows, zones, bom).await?, count))
}

/// A CSV download that nobody caches, saved as `filename`.
pub fn csv_download(bytes: Vec<u8>, filename: &str) -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{filename}\""),
            ),
            (header::CACHE_CONTROL, "no-store".to_string()),
        ],
        bytes,
    )
        .into_response()
}

/// Writes rows as CSV off the async threads (STYLE: CSV work in `spawn_blocking`); each row's
/// times in its school's zone (`zones` by school id).
pub async fn encode_csv(
    rows: Vec<VisitRow>,
    zones: BTreeMap<i64, Tz>,
    bom: bool,
) -> Result<Vec<u8>, StoreError> {
    tokio::task::spawn_blocking(move || write_csv(&rows, &zones, bom))
        .await
        .map_err(|e| StoreError::Corrupt(format!("writing the CSV: {e}")))?
        .map_err(|e| StoreError::Corrupt(format!("writing the CSV: {e}")))
}

fn write_csv(
    rows: &[VisitRow],
    zones: &BTreeMap<i64, Tz>,
    bom: bool,
) -> Result<Vec<u8>, csv::Error> {
    // Excel reads a CSV as UTF-8 only when it starts with the byte-order mark.
    let mut out = if bom {
        "\u{feff}".as_bytes().to_vec()
    } else {
        Vec::new()
    };
    {
        let mut w = csv::WriterBuilder::new()
            .quote_style(csv::QuoteStyle::Necessary)
            .from_writer(&mut out);
        w.write_record(HEADERS)?;
        for r in rows {
            let tz = zones
                .get(&r.school_id)
                .copied()
                .unwrap_or(chrono_tz::Europe::London);
            let t = |at: Option<DateTime<Utc>>| {
                at.map(|a| a.with_timezone(&tz).format("%Y-%m-%d %H:%M").to_string())
                    .unwrap_or_default()
            };
            let opt = |s: &Option<String>| s.clone().unwrap_or_default();
            let record = [
                r.id.to_string(),
                r.school_name.clone(),
                r.pupil_name.clone(),
                r.date_of_birth.to_string(),
                r.family_name.clone(),
                r.address.clone(),
                r.postcode.to_string(),
                r.reason_category.clone(),
                r.purpose.clone(),
                r.appointment.clone(),
                r.status.to_string(),
                r.staff
                    .iter()
                    .map(|(n, _)| n.as_str())
                    .collect::<Vec<_>>()
                    .join("; "),
                r.staff
                    .iter()
                    .map(|(_, role)| role.as_str())
                    .collect::<Vec<_>>()
                    .join("; "),
                opt(&r.buddy_name),
                opt(&r.authorised_by),
                t(r.authorised_at),
                t(Some(r.planned_leave_school)),
                t(Some(r.planned_arrive)),
                t(Some(r.planned_leave_property)),
                t(Some(r.planned_return)),
                r.returns_to.clone(),
                t(r.signed_out_at),
                t(r.arrived_at),
                t(r.nobody_home_at),
                t(r.left_property_at),
                t(r.returned_at),
                opt(&r.outcome),
                opt(&r.action_required),
                opt(&r.people_seen),
                r.actions_open.to_string(),
                r.actions_done.to_string(),
                t(r.slip_left_at),
                t(r.slip_respond_by),
                t(r.slip_responded_at),
                r.rescheduled_from
                    .map(|v| v.to_string())
                    .unwrap_or_default(),
            ];
            w.write_record(record.iter().map(|c| neutralise(c)))?;
        }
        w.flush()?;
    }
    Ok(out)
}

/// P7: visits as an iCalendar feed of whereabouts. Deliberately thin — a calendar link can be
/// synced to places a child's record must not go — so each event says who is out, when, and the
/// postcode area, never the child, the family or the purpose.
pub fn visits_ical(name: &str, rows: &[VisitRow], now: DateTime<Utc>) -> String {
    let mut cal = Calendar::new();
    cal.name(name);
    for r in rows {
        let staff: Vec<&str> = r.staff.iter().map(|(n, _)| n.as_str()).collect();
        let outward = r.postcode.as_str().split(' ').next().unwrap_or_default();
        use domain::visit::VisitStatus as S;
        let status = match r.status {
            S::Cancelled | S::Declined | S::Rescheduled => EventStatus::Cancelled,
            S::Draft | S::Requested | S::ChangesRequested => EventStatus::Tentative,
            _ => EventStatus::Confirmed,
        };
        let description = format!(
            "Home visit {} ({}). Staff: {}. Buddy: {}. Afterwards: {}.",
            r.id,
            r.status.as_str().replace('_', " "),
            staff.join(", "),
            r.buddy_name.as_deref().unwrap_or("none named"),
            if r.returns_to == "home" {
                "home"
            } else {
                "back to school"
            },
        );
        cal.push(
            Event::new()
                .uid(&format!("visit-{}@doorstep", r.id))
                .timestamp(now)
                .summary(&format!("Home visit: {}", staff.join(", ")))
                .location(outward)
                .description(&description)
                .starts(r.planned_leave_school)
                .ends(r.planned_return)
                .status(status)
                .done(),
        );
    }
    cal.done().to_string()
}

#[cfg(test)]
mod tests {
    use super::neutralise;

    #[test]
    fn formula_triggers_become_text_and_everything_else_is_untouched() {
        assert_eq!(neutralise("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(neutralise("+44"), "'+44");
        assert_eq!(neutralise("-1"), "'-1");
        assert_eq!(neutralise("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(neutralise("O'Brien, \"Jo\""), "O'Brien, \"Jo\"");
        assert_eq!(neutralise(""), "");
    }
}
