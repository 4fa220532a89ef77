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
