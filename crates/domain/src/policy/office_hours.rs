//! C3: a slip deadline counted as hours after leaving it that falls while the school is shut
//! (an evening, a weekend, a holiday) is moved into the school's working hours, so the family's
//! call can reach somebody and the DSL's "no reply to the slip" alarm comes while staff are in.

use super::calendar::{CalendarRule, WorkingHours};
use chrono::{DateTime, Duration, NaiveDate, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;

/// The slip deadline `due` (UTC; `left_at` plus the policy's `slip.response_hours`) moved into
/// working hours (`calendar.working_hours` on a school day, school clock).
///
/// - Inside working hours, or with no working hours set: `due` as it is.
/// - Outside: the next working-hours opening plus the time still left — the part of the
///   response time after the school closed (or after the slip was left, when it was left with
///   the school already shut). The family is asked to "contact the school"; St Joseph's slip
///   says "IF WE HAVE NOT HEARD FROM AN ADULT ... BEFORE [the time] WE WILL HAVE TO TAKE THE
///   NECESSARY ACTION", and an answer can only be heard while someone is there to take it. So a
///   slip left at 16:55 with two hours (St Joseph's), working hours 08:30–17:00, is due at 10:25
///   the next school day, not 18:55 that evening. The time still left never runs past that
///   day's closing: a long window (REAch2's 24 hours from a Friday morning) is due by the next
///   school day's close at the latest.
///
/// Looks at most a year ahead; a calendar with no school day in it answers `due`.
pub fn within_working_hours(
    cal: &CalendarRule,
    tz: Tz,
    left_at: DateTime<Utc>,
    due: DateTime<Utc>,
) -> DateTime<Utc> {
    let Some(hours) = cal.working_hours else {
        return due;
    };
    let local = |day: NaiveDate, t: NaiveTime| {
        tz.from_local_datetime(&day.and_time(t))
            .earliest()
            .map(|d| d.with_timezone(&Utc))
    };
    let open = |t: DateTime<Utc>| is_open(cal, hours, tz, t);
    if open(due) {
        return due;
    }
    // When the school last closed before `due` (or `left_at`, if later): the time after it
    // is the family's time still to come.
    let due_day = due.with_timezone(&tz).date_naive();
    let last_close = due_day
        .iter_days()
        .rev()
        .take(366)
        .filter(|d| cal.is_school_day(*d))
        .filter_map(|d| local(d, hours.ends))
        .find(|c| *c <= due);
    let counted_from = last_close.map_or(left_at, |c| c.max(left_at));
    let remaining = (due - counted_from).max(Duration::zero());
    // The next school day's working hours after `due`; never further than its closing.
    due_day
        .iter_days()
        .take(366)
        .filter(|d| cal.is_school_day(*d))
        .filter_map(|d| Some((local(d, hours.starts)?, local(d, hours.ends)?)))
        .find(|(_, ends)| *ends > due)
        .map_or(due, |(starts, ends)| {
            (starts.max(due) + remaining).min(ends)
        })
}

fn is_open(cal: &CalendarRule, hours: WorkingHours, tz: Tz, t: DateTime<Utc>) -> bool {
    let local = t.with_timezone(&tz);
    cal.is_school_day(local.date_naive())
        && hours.starts <= local.time()
        && local.time() <= hours.ends
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // a panic is how a test fails
mod tests {
    use super::*;
    use crate::policy::Term;

    /// November is GMT, so UTC reads as the school's clock; 2026-11-27 is a Friday.
    fn at(d: u32, h: u32, m: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, d, h, m, 0).unwrap()
    }

    fn cal() -> CalendarRule {
        CalendarRule {
            working_hours: Some(WorkingHours {
                starts: NaiveTime::from_hms_opt(8, 30, 0).unwrap(),
                ends: NaiveTime::from_hms_opt(17, 0, 0).unwrap(),
            }),
            ..CalendarRule::default()
        }
    }

    fn moved(cal: &CalendarRule, left: DateTime<Utc>, hours: i64) -> DateTime<Utc> {
        within_working_hours(
            cal,
            chrono_tz::Europe::London,
            left,
            left + Duration::hours(hours),
        )
    }

    #[test]
    fn a_deadline_inside_working_hours_stays_where_it_is() {
        assert_eq!(moved(&cal(), at(26, 9, 40), 2), at(26, 11, 40));
        assert_eq!(
            moved(&CalendarRule::default(), at(26, 16, 55), 2),
            at(26, 18, 55)
        );
    }

    #[test]
    fn an_evening_deadline_moves_to_the_next_morning_with_the_time_still_left() {
        // St Joseph's: left 16:55 with two hours; five minutes before closing, 1h55 after opening.
        assert_eq!(moved(&cal(), at(26, 16, 55), 2), at(27, 10, 25));
        // Left after closing: all three hours (Harton) from the next opening.
        assert_eq!(moved(&cal(), at(26, 17, 40), 3), at(27, 11, 30));
    }

    #[test]
    fn a_weekend_deadline_moves_to_monday() {
        // Friday 16:30 + 3 hours: half an hour on Friday, 2½ hours on Monday.
        assert_eq!(moved(&cal(), at(27, 16, 30), 3), at(30, 11, 0));
        // REAch2's 24 hours from Friday 10:00 fall on Saturday: by Monday's close at the latest.
        assert_eq!(moved(&cal(), at(27, 10, 0), 24), at(30, 17, 0));
        // Left early, before opening: the whole two hours from 08:30.
        assert_eq!(moved(&cal(), at(27, 6, 0), 2), at(27, 10, 30));
    }

    #[test]
    fn a_deadline_in_the_holidays_moves_to_the_first_day_of_term() {
        let mut c = cal();
        let day = |d| NaiveDate::from_ymd_opt(2026, 11, d).unwrap();
        c.terms = vec![
            Term {
                name: "Autumn 1".into(),
                first_day: day(2),
                last_day: day(26),
            },
            Term {
                name: "Autumn 2".into(),
                first_day: day(30),
                last_day: NaiveDate::from_ymd_opt(2026, 12, 18).unwrap(),
            },
        ];
        // Thursday 26th is the last day before a Friday training day: Monday 30th.
        assert_eq!(moved(&c, at(26, 16, 0), 2), at(30, 9, 30));
    }
}
