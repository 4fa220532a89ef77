//! Times as the school reads them: in the policy's time zone, in words a phone screen can hold.

use chrono::{DateTime, NaiveDate, NaiveTime, TimeZone, Timelike, Utc};
use chrono_tz::Tz;
use domain::policy::PolicySettings;

/// Formats and reads times on the school's clock.
#[derive(Debug, Clone, Copy)]
pub struct Local {
    tz: Tz,
}

impl Local {
    pub fn of(settings: &PolicySettings) -> Self {
        Local { tz: settings.tz() }
    }

    /// The clock of a zone already read (the board's, from the policy it read).
    pub fn in_zone(tz: Tz) -> Self {
        Local { tz }
    }

    /// The IANA name of the school's zone ("Europe/London"), for the phone's script to format
    /// times the same way.
    pub fn tz_name(&self) -> &'static str {
        self.tz.name()
    }

    /// "14:05"
    pub fn time(&self, at: DateTime<Utc>) -> String {
        // Called for every row of the board: no format-string parsing.
        let t = at.with_timezone(&self.tz);
        format!("{:02}:{:02}", t.hour(), t.minute())
    }

    /// "Mon 3 Mar, 14:05"
    pub fn day_time(&self, at: DateTime<Utc>) -> String {
        at.with_timezone(&self.tz)
            .format("%a %-d %b, %H:%M")
            .to_string()
    }

    /// "Mon 3 Mar 2026"
    pub fn day(&self, at: DateTime<Utc>) -> String {
        at.with_timezone(&self.tz)
            .format("%a %-d %b %Y")
            .to_string()
    }

    pub fn date_of(&self, at: DateTime<Utc>) -> NaiveDate {
        at.with_timezone(&self.tz).date_naive()
    }

    /// The value of an `<input type="date">`.
    pub fn date_input(&self, at: DateTime<Utc>) -> String {
        at.with_timezone(&self.tz).format("%Y-%m-%d").to_string()
    }

    /// The value of an `<input type="time">`.
    pub fn time_input(&self, at: DateTime<Utc>) -> String {
        self.time(at)
    }

    /// A date and a time typed on the school's clock. `None` when either cannot be read.
    pub fn parse(&self, date: &str, time: &str) -> Option<DateTime<Utc>> {
        let d = NaiveDate::parse_from_str(date.trim(), "%Y-%m-%d").ok()?;
        let t = read_time(time)?;
        self.tz
            .from_local_datetime(&d.and_time(t))
            .earliest()
            .map(|local| local.with_timezone(&Utc))
    }

    /// A visit's times typed as one day and several times of day, in the order they happen.
    /// A time earlier than the one before it is on the next day, so an evening visit that runs
    /// past midnight (leave 23:30, back 00:15) reads as it is meant. `None` for a time that
    /// cannot be read (or when the day cannot be read).
    pub fn parse_day<const N: usize>(
        &self,
        date: &str,
        times: [&str; N],
    ) -> [Option<DateTime<Utc>>; N] {
        self.parse_on_day(date, times, true)
    }

    /// [`Local::parse_day`] where `past_midnight` says whether a time earlier than the one
    /// before it is on the next day; without it every time is on `date` (C4: a plan typed out of
    /// order is then refused, not read as tomorrow).
    pub fn parse_on_day<const N: usize>(
        &self,
        date: &str,
        times: [&str; N],
        past_midnight: bool,
    ) -> [Option<DateTime<Utc>>; N] {
        let mut out = [None; N];
        let mut day = match NaiveDate::parse_from_str(date.trim(), "%Y-%m-%d") {
            Ok(d) => d,
            Err(_) => return out,
        };
        let mut last: Option<NaiveTime> = None;
        for (slot, time) in out.iter_mut().zip(times) {
            let Some(t) = read_time(time) else { continue };
            if past_midnight && last.is_some_and(|before| t < before) {
                day = day.succ_opt().unwrap_or(day);
            }
            last = Some(t);
            *slot = self
                .tz
                .from_local_datetime(&day.and_time(t))
                .earliest()
                .map(|local| local.with_timezone(&Utc));
        }
        out
    }
}

fn read_time(time: &str) -> Option<NaiveTime> {
    NaiveTime::parse_from_str(time.trim(), "%H:%M")
        .or_else(|_| NaiveTime::parse_from_str(time.trim(), "%H:%M:%S"))
        .ok()
}

/// A machine-readable time for `<time datetime>` and the countdown script.
pub fn iso(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// "in 12 min", "4 min ago", "now".
pub fn relative(at: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let mins = (at - now).num_seconds() as f64 / 60.0;
    let whole = mins.abs().round() as i64;
    let amount = if whole >= 120 {
        format!("{} h {} min", whole / 60, whole % 60)
    } else {
        format!("{whole} min")
    };
    if whole == 0 {
        "now".to_string()
    } else if mins > 0.0 {
        format!("in {amount}")
    } else {
        format!("{amount} ago")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_read_and_shown_on_the_schools_clock() {
        let london = Local {
            tz: chrono_tz::Europe::London,
        };
        let summer = london.parse("2026-07-01", "14:30").unwrap();
        assert_eq!(iso(summer), "2026-07-01T13:30:00Z");
        assert_eq!(london.time(summer), "14:30");
        assert!(london.parse("2026-07-01", "25:00").is_none());
        assert_eq!(
            relative(summer, summer - chrono::Duration::minutes(12)),
            "in 12 min"
        );
        assert_eq!(
            relative(summer, summer + chrono::Duration::minutes(4)),
            "4 min ago"
        );
    }

    #[test]
    fn a_visit_running_past_midnight_ends_on_the_next_day() {
        let london = Local {
            tz: chrono_tz::Europe::London,
        };
        let [leave, arrive, out, back] =
            london.parse_day("2026-12-02", ["23:30", "23:45", "00:30", "00:45"]);
        assert_eq!(iso(leave.unwrap()), "2026-12-02T23:30:00Z");
        assert_eq!(iso(arrive.unwrap()), "2026-12-02T23:45:00Z");
        assert_eq!(iso(out.unwrap()), "2026-12-03T00:30:00Z");
        assert_eq!(iso(back.unwrap()), "2026-12-03T00:45:00Z");
        let [a, b] = london.parse_day("2026-12-02", ["14:00", "half past"]);
        assert!(a.is_some() && b.is_none());
        assert_eq!(london.parse_day("2 Dec", ["14:00"]), [None]);
    }

    #[test]
    fn without_past_midnight_every_time_is_on_the_visits_date() {
        let london = Local {
            tz: chrono_tz::Europe::London,
        };
        let [leave, arrive] = london.parse_on_day("2026-12-02", ["15:00", "14:00"], false);
        assert_eq!(iso(leave.unwrap()), "2026-12-02T15:00:00Z");
        assert_eq!(iso(arrive.unwrap()), "2026-12-02T14:00:00Z");
    }
}
