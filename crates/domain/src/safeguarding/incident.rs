//! A5: an incident report's kinds, which of them block the household (P10), when the report is
//! due with the head, and where it stands.

use crate::FieldError;
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
    pub const ALL: [IncidentKind; 6] = [
        IncidentKind::Trip,
        IncidentKind::Fall,
        IncidentKind::Accident,
        IncidentKind::VerbalAbuse,
        IncidentKind::Threat,
        IncidentKind::Aggression,
    ];

    /// The kind as stored and sent (`verbal_abuse`).
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

    /// The stored kind back; `None` for a word that is not a kind.
    pub fn parse(s: &str) -> Option<IncidentKind> {
        IncidentKind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// The kind as a school says it at the start of a sentence ("A trip").
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
/// working day." The end of the working day (`day_ends`, the school's local time) on which the
/// incident happened; if it happened after the day had ended, or at a weekend, the end of the
/// next working day (Monday to Friday). In and out: UTC.
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

/// When an incident happened must be a real moment of the last month: not in the future (five
/// minutes' grace for a phone's clock) and not more than 31 days ago. Error: `occurred_at`.
pub fn check_occurred_at(occurred_at: DateTime<Utc>, now: DateTime<Utc>) -> Result<(), FieldError> {
    super::not_in_future("occurred_at", occurred_at, now)?;
    if occurred_at < now - Duration::days(31) {
        return Err(FieldError::new("occurred_at", "is more than a month ago"));
    }
    Ok(())
}

/// Where a report stands with the head (A5).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportStatus {
    /// Not shared yet, and not yet due.
    Draft,
    /// Not shared by its due time: reminded once then, and once a day after.
    Overdue,
    /// Shared with the head.
    Shared,
}

impl ReportStatus {
    /// From when it was shared (if it was) and its due time, at `now` (UTC).
    pub fn at(
        submitted_at: Option<DateTime<Utc>>,
        due_at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> ReportStatus {
        match submitted_at {
            Some(_) => ReportStatus::Shared,
            None if now >= due_at => ReportStatus::Overdue,
            None => ReportStatus::Draft,
        }
    }

    /// As the API sends it: draft, overdue or shared.
    pub fn as_str(self) -> &'static str {
        match self {
            ReportStatus::Draft => "draft",
            ReportStatus::Overdue => "overdue",
            ReportStatus::Shared => "shared",
        }
    }

    /// As a page shows it.
    pub fn words(self) -> &'static str {
        match self {
            ReportStatus::Shared => "Shared with the head",
            ReportStatus::Overdue => "Not shared with the head: overdue",
            ReportStatus::Draft => "Draft: share it with the head by the end of the day",
        }
    }
}

/// A8: where the household's risk assessment update, asked for by an incident, stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RiskReview {
    Requested,
    /// Completed, awaiting sign-off.
    Completed,
    SignedOff,
}

impl RiskReview {
    /// From the household's latest assessment (when completed, whether signed off), if any, and
    /// when the incident was recorded: only an assessment completed since counts.
    pub fn of(
        latest: Option<(DateTime<Utc>, bool)>,
        incident_recorded: DateTime<Utc>,
    ) -> RiskReview {
        match latest.filter(|(completed, _)| *completed >= incident_recorded) {
            Some((_, true)) => RiskReview::SignedOff,
            Some((_, false)) => RiskReview::Completed,
            None => RiskReview::Requested,
        }
    }

    /// requested, completed or signed_off
    pub fn as_str(self) -> &'static str {
        match self {
            RiskReview::Requested => "requested",
            RiskReview::Completed => "completed",
            RiskReview::SignedOff => "signed_off",
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn utc(d: u32, h: u32, m: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, d, h, m, 0).unwrap()
    }

    fn five() -> NaiveTime {
        NaiveTime::from_hms_opt(17, 0, 0).unwrap()
    }

    #[test]
    fn a_report_is_due_at_the_end_of_the_working_day_it_happened() {
        let london = chrono_tz::Europe::London;
        // Monday 23 November 2026, GMT.
        assert_eq!(report_due(utc(23, 16, 0), five(), london), utc(23, 17, 0));
        // After the day ended: the next working day.
        assert_eq!(report_due(utc(23, 18, 30), five(), london), utc(24, 17, 0));
        // Friday evening and Saturday: Monday.
        assert_eq!(report_due(utc(27, 19, 0), five(), london), utc(30, 17, 0));
        assert_eq!(report_due(utc(28, 10, 0), five(), london), utc(30, 17, 0));
    }

    #[test]
    fn a_report_made_exactly_at_the_end_of_the_day_is_due_the_next_working_day() {
        let london = chrono_tz::Europe::London;
        assert_eq!(report_due(utc(23, 17, 0), five(), london), utc(24, 17, 0));
    }

    #[test]
    fn summer_time_is_the_school_clock_not_utc() {
        let june = Utc.with_ymd_and_hms(2026, 6, 15, 14, 0, 0).unwrap(); // 15:00 BST
        assert_eq!(
            report_due(june, five(), chrono_tz::Europe::London),
            Utc.with_ymd_and_hms(2026, 6, 15, 16, 0, 0).unwrap()
        );
    }

    #[test]
    fn only_abuse_threats_and_aggression_block_the_household() {
        let blocking: Vec<_> = IncidentKind::ALL
            .into_iter()
            .filter(|k| k.is_abusive_or_aggressive())
            .collect();
        assert_eq!(
            blocking,
            [
                IncidentKind::VerbalAbuse,
                IncidentKind::Threat,
                IncidentKind::Aggression
            ]
        );
    }

    #[test]
    fn every_kind_reads_back_from_its_stored_word() {
        for k in IncidentKind::ALL {
            assert_eq!(IncidentKind::parse(k.as_str()), Some(k));
        }
        assert_eq!(IncidentKind::parse("gossip"), None);
    }

    #[test]
    fn an_incident_in_the_future_or_over_a_month_ago_is_refused() {
        let now = utc(23, 12, 0);
        assert!(
            check_occurred_at(utc(23, 12, 4), now).is_ok(),
            "a phone's clock"
        );
        assert_eq!(
            check_occurred_at(utc(23, 12, 6), now).unwrap_err().reason,
            "is in the future"
        );
        assert!(check_occurred_at(now - Duration::days(31), now).is_ok());
        let old = check_occurred_at(now - Duration::days(32), now).unwrap_err();
        assert_eq!(
            (old.field.as_str(), old.reason.as_str()),
            ("occurred_at", "is more than a month ago")
        );
    }

    #[test]
    fn a_report_is_a_draft_until_due_then_overdue_until_shared() {
        let due = utc(23, 17, 0);
        assert_eq!(
            ReportStatus::at(None, due, utc(23, 16, 59)),
            ReportStatus::Draft
        );
        assert_eq!(ReportStatus::at(None, due, due), ReportStatus::Overdue);
        assert_eq!(
            ReportStatus::at(Some(utc(24, 9, 0)), due, utc(24, 10, 0)),
            ReportStatus::Shared
        );
    }

    #[test]
    fn only_a_risk_assessment_completed_since_the_incident_answers_it() {
        let recorded = utc(23, 10, 0);
        assert_eq!(RiskReview::of(None, recorded), RiskReview::Requested);
        assert_eq!(
            RiskReview::of(Some((utc(22, 10, 0), true)), recorded),
            RiskReview::Requested
        );
        assert_eq!(
            RiskReview::of(Some((utc(23, 11, 0), false)), recorded),
            RiskReview::Completed
        );
        assert_eq!(
            RiskReview::of(Some((utc(23, 11, 0), true)), recorded),
            RiskReview::SignedOff
        );
    }
}
