//! Dates and times as a school writes them, in the school's time zone.

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;

/// "Monday 23 November 2026"
pub fn long_date(at: DateTime<Utc>, tz: Tz) -> String {
    at.with_timezone(&tz).format("%A %-d %B %Y").to_string()
}

/// "10:20"
pub fn clock_time(at: DateTime<Utc>, tz: Tz) -> String {
    at.with_timezone(&tz).format("%H:%M").to_string()
}

/// "23/11/2026 10:20"
pub fn short_datetime(at: DateTime<Utc>, tz: Tz) -> String {
    at.with_timezone(&tz).format("%d/%m/%Y %H:%M").to_string()
}

/// "23/11/2026"
pub fn short_date(d: NaiveDate) -> String {
    d.format("%d/%m/%Y").to_string()
}

/// A child as a message may name them: "a pupil in Year 4" ("a pupil" without a year group).
/// E-mail and text are not secure channels for safeguarding information, which KCSIE treats as
/// special category data, so messages never carry a child's name; the reader opens Doorstep.
pub fn a_pupil(year_group: Option<&str>) -> String {
    match year_group.map(str::trim).filter(|y| !y.is_empty()) {
        Some(year) => format!("a pupil in {year}"),
        None => "a pupil".to_string(),
    }
}

/// Where a message sends its reader: `path` (e.g. `/safeguarding`) on the server's public
/// address (the `DOORSTEP_PUBLIC_URL` setting), behind sign-in.
pub fn open_in_doorstep(app: &crate::App, path: &str) -> String {
    let links = app.links().cloned().unwrap_or_default();
    format!("{}{path}", links.base())
}

/// What the visitors are told, in the app and on Today, when school closes a missed check-in or
/// overdue alarm of their visit while they are still out (tester C2): "School has closed the
/// alarm for your visit at 14:10: tap I'm OK at your next check-in." `at` is when it was closed
/// (UTC), written on the school's clock.
pub fn alarm_closed_for_visitors(at: DateTime<Utc>, tz: Tz) -> String {
    format!(
        "School has closed the alarm for your visit at {}: tap I'm OK at your next check-in.",
        clock_time(at, tz)
    )
}
