//! P12, HSP's evening rule judged on the whole span of the visit: "no one should make an evening
//! home visit on their own when there is no one at school to provide backup or to report back
//! to." A visit from 17:30 to 00:15 is an evening visit, though neither end is after 18:00 on
//! the clock. Pure: the span is in UTC, the evening in the school's time zone.

use super::{EveningRule, Unmet, unmet};
use chrono::{DateTime, Days, NaiveTime, TimeZone, Utc};

/// The night ends at 06:00 school time: a visit then is still the evening's (no policy visits
/// at night; this only keeps a visit running past midnight in the evening before).
const NIGHT_ENDS: NaiveTime = match NaiveTime::from_hms_opt(6, 0, 0) {
    Some(t) => t,
    None => NaiveTime::MIN,
};

/// Whether any minute of `[from, to]` falls in an evening (from `rule.starts` to 06:00 the next
/// morning, school time `tz`).
pub fn spans_evening(
    rule: &EveningRule,
    tz: chrono_tz::Tz,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> bool {
    let to = to.max(from);
    let first = from.with_timezone(&tz).date_naive() - Days::new(1);
    let last = to.with_timezone(&tz).date_naive();
    first.iter_days().take_while(|d| *d <= last).any(|day| {
        let local = |d: chrono::NaiveDate, t| tz.from_local_datetime(&d.and_time(t)).earliest();
        let (Some(starts), Some(ends)) = (
            local(day, rule.starts),
            local(day + Days::new(1), NIGHT_ENDS),
        ) else {
            return false;
        };
        from < ends.with_timezone(&Utc) && to >= starts.with_timezone(&Utc)
    })
}

/// `staffing.evening`: a lone evening visit needs someone at school to back up and report to.
pub(super) fn check(
    rule: &EveningRule,
    tz: chrono_tz::Tz,
    span: (DateTime<Utc>, DateTime<Utc>),
    alone: bool,
    backup_at_school: bool,
    out: &mut Vec<Unmet>,
) {
    if rule.lone_needs_backup_at_school
        && alone
        && !backup_at_school
        && spans_evening(rule, tz, span.0, span.1)
    {
        out.push(unmet(
            "P12",
            "staffing.evening",
            format!(
                "No one should make an evening visit (from {}) on their own when there is no one at school to back up or report back to.",
                rule.starts.format("%H:%M")
            ),
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(d: u32, h: u32, m: u32) -> DateTime<Utc> {
        // November: GMT, so UTC reads as the school's clock.
        Utc.with_ymd_and_hms(2026, 11, d, h, m, 0).unwrap()
    }

    fn six_pm() -> EveningRule {
        EveningRule {
            starts: NaiveTime::from_hms_opt(18, 0, 0).unwrap(),
            lone_needs_backup_at_school: true,
        }
    }

    #[test]
    fn a_visit_from_half_past_five_to_a_quarter_past_midnight_is_an_evening_visit() {
        let london = chrono_tz::Europe::London;
        assert!(spans_evening(
            &six_pm(),
            london,
            at(23, 17, 30),
            at(24, 0, 15)
        ));
        assert!(spans_evening(
            &six_pm(),
            london,
            at(23, 17, 30),
            at(23, 18, 0)
        ));
        assert!(spans_evening(
            &six_pm(),
            london,
            at(24, 0, 5),
            at(24, 0, 45)
        ));
        assert!(!spans_evening(
            &six_pm(),
            london,
            at(23, 13, 30),
            at(23, 17, 59)
        ));
        assert!(!spans_evening(
            &six_pm(),
            london,
            at(24, 8, 0),
            at(24, 9, 0)
        ));
    }

    #[test]
    fn the_evening_is_the_schools_clock_in_summer_time() {
        // 17:30 UTC in June is 18:30 in London.
        let june = Utc.with_ymd_and_hms(2026, 6, 10, 16, 30, 0).unwrap();
        let london = chrono_tz::Europe::London;
        assert!(!spans_evening(
            &six_pm(),
            london,
            june,
            june + chrono::Duration::minutes(29)
        ));
        assert!(spans_evening(
            &six_pm(),
            london,
            june,
            june + chrono::Duration::minutes(31)
        ));
    }
}
