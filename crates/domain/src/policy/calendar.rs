//! The school calendar as the policy uses it: which days are school days (Monday to Friday
//! unless the school says otherwise, inside its terms when it lists them), its working hours,
//! and the rules built on them — "visits only take place on school days", "within the working
//! day", "no visits at weekends". Each rule is judged on the whole span of the visit (leaving
//! school to leaving the property), across midnight, on the school's clock, as the evening rule
//! is ([`super::evening`]). Pure: the span is in UTC, the calendar in the school's time zone.

use super::{PolicySettings, Unmet, unmet};
use crate::inputs::FieldError;
use chrono::{DateTime, Datelike, Days, NaiveDate, NaiveTime, Utc, Weekday};
use serde::{Deserialize, Serialize};

/// `[calendar]`: the school's days and hours, and the rules that use them. Settings stored
/// before the calendar read as Monday to Friday, no terms, no working hours and no rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CalendarRule {
    /// The days of the week the school is open, e.g. `["mon", "tue", "wed", "thu", "fri"]`.
    #[serde(default = "weekdays")]
    #[schema(value_type = Vec<String>)]
    pub school_days: Vec<Weekday>,
    /// The terms, first and last day inclusive. Empty: every school day of the year counts.
    #[serde(default)]
    pub terms: Vec<Term>,
    /// The working day on the school's clock, e.g. 08:30 to 16:30.
    #[serde(default)]
    pub working_hours: Option<WorkingHours>,
    /// "Visits only take place on school days": every day the visit touches is a school day.
    #[serde(default)]
    pub visits_only_on_school_days: bool,
    /// "Visits take place within the working day": the visit starts and ends inside
    /// `working_hours` on one day.
    #[serde(default)]
    pub visits_only_within_working_hours: bool,
    /// "No home visits at weekends": no minute of the visit on a Saturday or a Sunday.
    #[serde(default)]
    pub no_weekend_visits: bool,
}

impl Default for CalendarRule {
    fn default() -> Self {
        CalendarRule {
            school_days: weekdays(),
            terms: vec![],
            working_hours: None,
            visits_only_on_school_days: false,
            visits_only_within_working_hours: false,
            no_weekend_visits: false,
        }
    }
}

fn weekdays() -> Vec<Weekday> {
    vec![
        Weekday::Mon,
        Weekday::Tue,
        Weekday::Wed,
        Weekday::Thu,
        Weekday::Fri,
    ]
}

/// One term: its name as the school says it, first and last day (inclusive).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Term {
    pub name: String,
    pub first_day: NaiveDate,
    pub last_day: NaiveDate,
}

/// The working day, school time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WorkingHours {
    #[schema(value_type = String)]
    #[serde(with = "super::time_of_day")]
    pub starts: NaiveTime,
    #[schema(value_type = String)]
    #[serde(with = "super::time_of_day")]
    pub ends: NaiveTime,
}

impl CalendarRule {
    /// Whether `day` is a school day: one of `school_days`, inside a term when terms are listed.
    pub fn is_school_day(&self, day: NaiveDate) -> bool {
        self.school_days.contains(&day.weekday())
            && (self.terms.is_empty()
                || self
                    .terms
                    .iter()
                    .any(|t| t.first_day <= day && day <= t.last_day))
    }

    /// The first school day on or after `day`, looking at most a year ahead (a calendar with no
    /// school day answers `day`).
    pub fn school_day_on_or_after(&self, day: NaiveDate) -> NaiveDate {
        day.iter_days()
            .take(366)
            .find(|d| self.is_school_day(*d))
            .unwrap_or(day)
    }

    pub(super) fn check(&self) -> Result<(), FieldError> {
        if self.school_days.is_empty() {
            return Err(FieldError::new(
                "calendar.school_days",
                "name the days of the week the school is open, e.g. [\"mon\", \"tue\", \"wed\", \"thu\", \"fri\"]",
            ));
        }
        if let Some(day) = self
            .school_days
            .iter()
            .enumerate()
            .find(|(i, d)| self.school_days[..*i].contains(d))
            .map(|(_, d)| d)
        {
            return Err(FieldError::new(
                "calendar.school_days",
                format!("name each day once: {day} is listed twice"),
            ));
        }
        if let Some(t) = self.terms.iter().find(|t| t.last_day < t.first_day) {
            return Err(FieldError::new(
                "calendar.terms",
                format!("the term '{}' ends before it starts", t.name),
            ));
        }
        if let Some(h) = self.working_hours
            && h.ends <= h.starts
        {
            return Err(FieldError::new(
                "calendar.working_hours",
                "the working day must end after it starts, e.g. 08:30 to 16:30",
            ));
        }
        if self.visits_only_within_working_hours && self.working_hours.is_none() {
            return Err(FieldError::new(
                "calendar.working_hours",
                "give the working hours (starts, ends) for \"visits only within working hours\"",
            ));
        }
        Ok(())
    }
}

/// Every school-time date the span `[from, to)` touches (a visit ending exactly at midnight
/// does not touch the next day).
fn days_touched(tz: chrono_tz::Tz, from: DateTime<Utc>, to: DateTime<Utc>) -> Vec<NaiveDate> {
    let last_minute = (to - chrono::Duration::minutes(1)).max(from);
    let first = from.with_timezone(&tz).date_naive();
    let last = last_minute.with_timezone(&tz).date_naive();
    first.iter_days().take_while(|d| *d <= last).collect()
}

/// The calendar's rules for a visit spanning `[from, to]` (UTC), judged on the school's clock.
pub(super) fn check_visit(
    policy: &PolicySettings,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    out: &mut Vec<Unmet>,
) {
    let cal = &policy.calendar;
    let tz = policy.tz();
    let days = days_touched(tz, from, to);
    let words = |d: &NaiveDate| d.format("%A %-d %B %Y").to_string();
    if cal.no_weekend_visits
        && let Some(day) = days
            .iter()
            .find(|d| matches!(d.weekday(), Weekday::Sat | Weekday::Sun))
    {
        out.push(unmet(
            "P7",
            "calendar.no_weekend_visits",
            format!(
                "No home visits at weekends: this visit runs into {}.",
                words(day)
            ),
        ));
    }
    if cal.visits_only_on_school_days
        && let Some(day) = days.iter().find(|d| !cal.is_school_day(**d))
    {
        out.push(unmet(
            "P7",
            "calendar.visits_only_on_school_days",
            format!(
                "Visits take place on school days only: {} is not a school day.",
                words(day)
            ),
        ));
    }
    if cal.visits_only_within_working_hours
        && let Some(hours) = cal.working_hours
    {
        let (start, end) = (from.with_timezone(&tz), to.max(from).with_timezone(&tz));
        let inside = start.date_naive() == end.date_naive()
            && start.time() >= hours.starts
            && end.time() <= hours.ends;
        if !inside {
            out.push(unmet(
                "P7",
                "calendar.visits_only_within_working_hours",
                format!(
                    "Visits take place within the working day, {} to {}: this one runs from {} to {}.",
                    hours.starts.format("%H:%M"),
                    hours.ends.format("%H:%M"),
                    start.format("%a %H:%M"),
                    end.format("%a %H:%M")
                ),
            ));
        }
    }
}

/// The next `time` (school clock) after `after` on a school day, as UTC: "contact the school by
/// 11:00" read on the day the slip is left, or the next school day when 11:00 has passed.
pub fn next_time_on_school_day(
    cal: &CalendarRule,
    tz: chrono_tz::Tz,
    after: DateTime<Utc>,
    time: NaiveTime,
) -> DateTime<Utc> {
    use chrono::TimeZone;
    let local = after.with_timezone(&tz);
    let mut day = local.date_naive();
    if local.time() >= time {
        day = day + Days::new(1);
    }
    let day = cal.school_day_on_or_after(day);
    tz.from_local_datetime(&day.and_time(time))
        .earliest()
        .map_or(after, |t| t.with_timezone(&Utc))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // a panic is how a test fails
mod tests {
    use super::*;
    use crate::policy::presets::preset;
    use chrono::TimeZone;

    /// 2026-11-27 is a Friday; November is GMT, so UTC reads as the school's clock.
    fn at(d: u32, h: u32, m: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, d, h, m, 0).unwrap()
    }

    fn rules(policy: &PolicySettings, from: DateTime<Utc>, to: DateTime<Utc>) -> Vec<&'static str> {
        let mut out = vec![];
        check_visit(policy, from, to, &mut out);
        out.iter().map(|u| u.rule).collect()
    }

    #[test]
    fn a_school_day_listed_twice_is_refused_naming_it() {
        let mut p = preset("harton").unwrap();
        p.calendar.school_days = vec![Weekday::Mon, Weekday::Mon];
        let e = p.check().unwrap_err();
        assert_eq!(e.field, "calendar.school_days");
        assert_eq!(e.reason, "name each day once: Mon is listed twice");
    }

    fn strict() -> PolicySettings {
        let mut p = preset("harton").unwrap();
        p.calendar.visits_only_on_school_days = true;
        p.calendar.no_weekend_visits = true;
        p.calendar.visits_only_within_working_hours = true;
        p.calendar.working_hours = Some(WorkingHours {
            starts: NaiveTime::from_hms_opt(8, 30, 0).unwrap(),
            ends: NaiveTime::from_hms_opt(16, 30, 0).unwrap(),
        });
        p
    }

    #[test]
    fn a_friday_morning_visit_meets_every_calendar_rule() {
        assert!(rules(&strict(), at(27, 10, 0), at(27, 11, 0)).is_empty());
    }

    #[test]
    fn a_saturday_visit_is_neither_on_a_school_day_nor_on_a_weekday() {
        assert_eq!(
            rules(&strict(), at(28, 10, 0), at(28, 11, 0)),
            [
                "calendar.no_weekend_visits",
                "calendar.visits_only_on_school_days"
            ]
        );
    }

    #[test]
    fn a_friday_evening_visit_running_past_midnight_touches_saturday() {
        let found = rules(&strict(), at(27, 23, 0), at(28, 0, 30));
        assert!(found.contains(&"calendar.no_weekend_visits"), "{found:?}");
        assert!(
            found.contains(&"calendar.visits_only_within_working_hours"),
            "{found:?}"
        );
        // Ending exactly at midnight stays on Friday.
        let found = rules(&strict(), at(27, 23, 0), at(28, 0, 0));
        assert!(!found.contains(&"calendar.no_weekend_visits"), "{found:?}");
    }

    #[test]
    fn a_day_outside_the_terms_is_not_a_school_day() {
        let mut p = strict();
        p.calendar.terms = vec![Term {
            name: "Autumn".into(),
            first_day: NaiveDate::from_ymd_opt(2026, 9, 3).unwrap(),
            last_day: NaiveDate::from_ymd_opt(2026, 11, 26).unwrap(),
        }];
        assert_eq!(
            rules(&p, at(27, 10, 0), at(27, 11, 0)),
            ["calendar.visits_only_on_school_days"]
        );
        assert!(rules(&p, at(26, 10, 0), at(26, 11, 0)).is_empty());
    }

    #[test]
    fn a_visit_past_the_end_of_the_working_day_is_outside_it() {
        assert_eq!(
            rules(&strict(), at(27, 16, 0), at(27, 16, 45)),
            ["calendar.visits_only_within_working_hours"]
        );
    }

    #[test]
    fn without_calendar_rules_nothing_is_judged() {
        let p = preset("harton").unwrap();
        assert!(rules(&p, at(28, 23, 0), at(29, 1, 0)).is_empty());
    }

    #[test]
    fn eleven_oclock_is_today_before_eleven_and_the_next_school_day_after() {
        let cal = CalendarRule::default();
        let london = chrono_tz::Europe::London;
        let eleven = NaiveTime::from_hms_opt(11, 0, 0).unwrap();
        assert_eq!(
            next_time_on_school_day(&cal, london, at(26, 9, 40), eleven),
            at(26, 11, 0)
        );
        // Left on Friday afternoon: Monday at 11:00.
        assert_eq!(
            next_time_on_school_day(&cal, london, at(27, 14, 0), eleven),
            at(30, 11, 0)
        );
    }

    #[test]
    fn a_bad_calendar_names_its_setting() {
        let mut p = strict();
        p.calendar.working_hours = None;
        assert_eq!(p.check().unwrap_err().field, "calendar.working_hours");
        let mut p = strict();
        p.calendar.school_days.clear();
        assert_eq!(p.check().unwrap_err().field, "calendar.school_days");
    }
}
