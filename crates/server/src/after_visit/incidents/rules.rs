//! The rules of an incident report: its kinds, which of them block the household, and when the
//! report is due. Pure: time is passed in.

use chrono::{DateTime, Datelike, Duration, NaiveTime, TimeZone, Utc, Weekday};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

/// What happened (Harton: "trips, falls and accidents as well as any abusive or threatening
/// behaviours").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum IncidentKind {
    Trip,
    Fall,
    Accident,
    VerbalAbuse,
    Threat,
    Aggression,
}

impl IncidentKind {
    pub fn as_str(self) -> &'static str {
        match self {
            IncidentKind::Trip => "trip",
            IncidentKind::Fall => "fall",
            IncidentKind::Accident => "accident",
            IncidentKind::VerbalAbuse => "verbal_abuse",
            IncidentKind::Threat => "threat",
            IncidentKind::Aggression => "aggression",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            IncidentKind::Trip => "A trip",
            IncidentKind::Fall => "A fall",
            IncidentKind::Accident => "An accident",
            IncidentKind::VerbalAbuse => "Verbal abuse",
            IncidentKind::Threat => "A threat",
            IncidentKind::Aggression => "Aggression",
        }
    }

    /// Harton: "Staff must not arrange another appointment with any abusive or aggressive person
    /// until the case has been reviewed" (P10).
    pub fn is_abusive_or_aggressive(self) -> bool {
        matches!(
            self,
            IncidentKind::VerbalAbuse | IncidentKind::Threat | IncidentKind::Aggression
        )
    }
}

/// REAch2: "All incident report forms must be shared with the Headteacher by the end of the
/// working day." The end of the working day on which the incident happened; if it happened after
/// the day had ended, or at a weekend, the end of the next working day (Monday to Friday).
pub fn report_due(occurred: DateTime<Utc>, day_ends: NaiveTime, tz: Tz) -> DateTime<Utc> {
    let local = occurred.with_timezone(&tz);
    let mut day = local.date_naive();
    if local.time() >= day_ends {
        day += Duration::days(1);
    }
    while matches!(day.weekday(), Weekday::Sat | Weekday::Sun) {
        day += Duration::days(1);
    }
    let end = day.and_time(day_ends);
    tz.from_local_datetime(&end)
        .earliest()
        .map_or_else(|| end.and_utc(), |t| t.with_timezone(&Utc))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn utc(d: u32, h: u32, m: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, d, h, m, 0).unwrap()
    }

    #[test]
    fn a_report_is_due_at_the_end_of_the_working_day_it_happened() {
        let five = NaiveTime::from_hms_opt(17, 0, 0).unwrap();
        let london = chrono_tz::Europe::London;
        // Monday 23 November 2026, GMT.
        assert_eq!(report_due(utc(23, 16, 0), five, london), utc(23, 17, 0));
        // After the day ended: the next working day.
        assert_eq!(report_due(utc(23, 18, 30), five, london), utc(24, 17, 0));
        // Friday evening and Saturday: Monday.
        assert_eq!(report_due(utc(27, 19, 0), five, london), utc(30, 17, 0));
        assert_eq!(report_due(utc(28, 10, 0), five, london), utc(30, 17, 0));
    }

    #[test]
    fn summer_time_is_the_school_clock_not_utc() {
        let five = NaiveTime::from_hms_opt(17, 0, 0).unwrap();
        let june = Utc.with_ymd_and_hms(2026, 6, 15, 14, 0, 0).unwrap(); // 15:00 BST
        assert_eq!(
            report_due(june, five, chrono_tz::Europe::London),
            Utc.with_ymd_and_hms(2026, 6, 15, 16, 0, 0).unwrap()
        );
    }

    #[test]
    fn only_abuse_threats_and_aggression_block_the_household() {
        assert!(IncidentKind::VerbalAbuse.is_abusive_or_aggressive());
        assert!(IncidentKind::Aggression.is_abusive_or_aggressive());
        assert!(!IncidentKind::Trip.is_abusive_or_aggressive());
    }
}
