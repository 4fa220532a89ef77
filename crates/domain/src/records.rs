//! After the visit: the pure rules of what is recorded once the door closes — when an outcome
//! can be written (A3), when a follow-up action is overdue, the Home Visit Slip's response
//! deadline and where it stands (D9, A6), and which times a visit planned again may have (A7).
//!
//! No clock and no database: `now` and "today" are passed in, in UTC or the school's local date.

use crate::FieldError;
use crate::visit::VisitStatus;
use chrono::{DateTime, Duration, NaiveDate, Utc};

/// Whether a visit in `status` has happened (staff went to the house: nobody home, left the
/// property, back, record completed), so its outcome (A3) may be written.
pub fn has_happened(status: VisitStatus) -> bool {
    matches!(
        status,
        VisitStatus::NobodyHome
            | VisitStatus::LeftProperty
            | VisitStatus::Returned
            | VisitStatus::RecordCompleted
    )
}

/// A follow-up action is overdue when it is not done and its due day (the school's local date)
/// is before `today` (the school's local date). Due today is not yet overdue.
pub fn action_overdue(due_on: NaiveDate, done: bool, today: NaiveDate) -> bool {
    !done && due_on < today
}

/// A follow-up action is due on or after the day of the visit (A3). `field` names the date input
/// (e.g. `actions[0].due_on`). `visit_day` is the visit's planned day of leaving school.
pub fn check_action_due(
    field: &str,
    due_on: NaiveDate,
    visit_day: NaiveDate,
) -> Result<(), FieldError> {
    if due_on < visit_day {
        return Err(FieldError::new(field, "must not be before the visit"));
    }
    Ok(())
}

/// D9: when the family must respond by: `response_hours` (the policy's `slip.response_hours`)
/// after the slip went through the door (UTC). No grace: the safety monitor fires at this time.
pub fn slip_respond_by(left_at: DateTime<Utc>, response_hours: u32) -> DateTime<Utc> {
    left_at + Duration::hours(i64::from(response_hours))
}

/// How far either side of the recorded moments a typed time may be, for phones whose clocks drift.
const CLOCK_SLACK_MINUTES: i64 = 5;

/// D9: when the slip was left must lie between recording "nobody home" and now (each with five
/// minutes' slack). Refuses `left_at`.
pub fn check_slip_left_at(
    left_at: DateTime<Utc>,
    nobody_home_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<(), FieldError> {
    let slack = Duration::minutes(CLOCK_SLACK_MINUTES);
    if left_at > now + slack || left_at < nobody_home_at - slack {
        return Err(FieldError::new(
            "left_at",
            "must be between recording \"nobody home\" and now",
        ));
    }
    Ok(())
}

/// A6: the family got in touch after the slip was left and not after now (five minutes' slack).
/// Refuses `responded_at`.
pub fn check_slip_response_at(
    responded_at: DateTime<Utc>,
    left_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<(), FieldError> {
    if responded_at > now + Duration::minutes(CLOCK_SLACK_MINUTES) || responded_at < left_at {
        return Err(FieldError::new(
            "responded_at",
            "must be between leaving the slip and now",
        ));
    }
    Ok(())
}

/// Where a Home Visit Slip stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SlipStatus {
    AwaitingResponse,
    Answered,
    /// No response and the deadline has passed: the DSL is alarmed.
    DeadlinePassed,
}

impl SlipStatus {
    /// Answered once a response is recorded (whenever it came); otherwise past the deadline from
    /// `respond_by` on.
    pub fn of(responded: bool, respond_by: DateTime<Utc>, now: DateTime<Utc>) -> Self {
        match responded {
            true => SlipStatus::Answered,
            false if now >= respond_by => SlipStatus::DeadlinePassed,
            false => SlipStatus::AwaitingResponse,
        }
    }

    /// The status as the API writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            SlipStatus::AwaitingResponse => "awaiting_response",
            SlipStatus::Answered => "answered",
            SlipStatus::DeadlinePassed => "deadline_passed",
        }
    }
}

/// The child's first name as a slip left at a door may print it (issue #10 item 6: a neighbour
/// may read the slip): the first word of the name as the school holds it ("Ava Smith" → "Ava").
/// A name written without spaces (e.g. "王芳") is returned whole, as nothing shorter is safe.
pub fn slip_first_name(full_name: &str) -> &str {
    full_name.split_whitespace().next().unwrap_or("")
}

/// The school's slip wording with `{child}`, `{deadline}`, `{school}` and `{phone}` filled in;
/// without a phone number the family is pointed to the school office. `child` is what the slip
/// may print of the child's name (see [`slip_first_name`]).
pub fn fill_slip_wording(
    wording: &str,
    child: &str,
    deadline: &str,
    school: &str,
    phone: Option<&str>,
) -> String {
    wording
        .replace("{child}", child)
        .replace("{deadline}", deadline)
        .replace("{school}", school)
        .replace("{phone}", phone.unwrap_or("the school office"))
}

/// A7: a visit where nobody was home is planned again (a new linked draft) once staff are no
/// longer out on it. `nobody_home_seen`: "nobody home" is in the visit's event log.
pub fn may_revisit(nobody_home_seen: bool, status: VisitStatus) -> bool {
    nobody_home_seen && !matches!(status, VisitStatus::SignedOut | VisitStatus::Arrived)
}

/// The four planned times of a visit, in UTC.
#[derive(Debug, Clone, Copy)]
pub struct PlannedTimes {
    pub leave_school: DateTime<Utc>,
    pub arrive: DateTime<Utc>,
    pub leave_property: DateTime<Utc>,
    pub return_by: DateTime<Utc>,
}

/// A7: the times of a visit planned again: in order, leaving school not in the past and at most
/// a year (366 days) ahead, back within 12 hours of leaving. Refusals name the field
/// (`planned_leave_school`, `planned_arrive`, `planned_leave_property`, `planned_return`).
pub fn check_planned_times(t: &PlannedTimes, now: DateTime<Utc>) -> Result<(), FieldError> {
    let order = [
        ("planned_leave_school", t.leave_school),
        ("planned_arrive", t.arrive),
        ("planned_leave_property", t.leave_property),
        ("planned_return", t.return_by),
    ];
    for pair in order.windows(2) {
        if pair[1].1 < pair[0].1 {
            return Err(FieldError::new(
                pair[1].0,
                format!("must not be before {}", pair[0].0),
            ));
        }
    }
    if t.leave_school < now {
        return Err(FieldError::new("planned_leave_school", "is in the past"));
    }
    if t.leave_school > now + Duration::days(366) {
        return Err(FieldError::new(
            "planned_leave_school",
            "is more than a year ahead",
        ));
    }
    if t.return_by - t.leave_school > Duration::hours(12) {
        return Err(FieldError::new(
            "planned_return",
            "a visit lasts at most 12 hours from leaving school",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(h: u32, m: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 23, h, m, 0)
            .single()
            .unwrap_or_default()
    }

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, d).unwrap_or_default()
    }

    #[test]
    fn the_slip_deadline_is_the_policy_hours_after_it_was_left() {
        assert_eq!(
            slip_respond_by(at(10, 20), 24),
            at(10, 20) + Duration::days(1)
        );
        assert_eq!(slip_respond_by(at(10, 20), 2), at(12, 20));
        assert_eq!(slip_respond_by(at(10, 20), 0), at(10, 20));
    }

    #[test]
    fn a_slip_is_answered_awaiting_or_past_its_deadline() {
        let by = at(12, 0);
        assert_eq!(
            SlipStatus::of(false, by, at(11, 59)),
            SlipStatus::AwaitingResponse
        );
        assert_eq!(
            SlipStatus::of(false, by, at(12, 0)),
            SlipStatus::DeadlinePassed
        );
        assert_eq!(SlipStatus::of(true, by, at(13, 0)), SlipStatus::Answered);
        assert_eq!(SlipStatus::DeadlinePassed.as_str(), "deadline_passed");
    }

    #[test]
    fn an_action_is_overdue_only_after_its_day_and_while_not_done() {
        assert!(!action_overdue(day(23), false, day(23)));
        assert!(action_overdue(day(22), false, day(23)));
        assert!(!action_overdue(day(22), true, day(23)));
    }

    #[test]
    fn an_action_is_not_due_before_the_visit() {
        assert!(check_action_due("action.due_on", day(23), day(23)).is_ok());
        let e = check_action_due("action.due_on", day(22), day(23)).err();
        assert_eq!(e.map(|e| e.field), Some("action.due_on".to_string()));
    }

    #[test]
    fn a_slip_is_left_between_nobody_home_and_now() {
        let nobody_home = at(10, 0);
        let now = at(10, 30);
        assert!(check_slip_left_at(at(10, 10), nobody_home, now).is_ok());
        assert!(check_slip_left_at(at(9, 56), nobody_home, now).is_ok());
        assert!(check_slip_left_at(at(9, 54), nobody_home, now).is_err());
        assert!(check_slip_left_at(at(10, 36), nobody_home, now).is_err());
    }

    #[test]
    fn a_response_comes_after_the_slip_and_not_in_the_future() {
        let left = at(10, 0);
        let now = at(15, 0);
        assert!(check_slip_response_at(at(14, 0), left, now).is_ok());
        assert!(check_slip_response_at(at(9, 59), left, now).is_err());
        assert!(check_slip_response_at(at(15, 6), left, now).is_err());
    }

    #[test]
    fn a_slip_names_the_child_by_first_name_only() {
        assert_eq!(slip_first_name("Ava Smith"), "Ava");
        assert_eq!(slip_first_name("  Siân Ŵyn Llŷr "), "Siân");
        assert_eq!(slip_first_name("محمد العلي"), "محمد");
        assert_eq!(slip_first_name("王芳"), "王芳");
    }

    #[test]
    fn the_wording_names_the_child_the_deadline_and_the_school() {
        let text = fill_slip_wording(
            "Sorry we missed you about {child}. Call {school} on {phone} by {deadline}.",
            "Sam",
            "12:30 on Monday 23 November 2026",
            "St Joseph's",
            None,
        );
        assert_eq!(
            text,
            "Sorry we missed you about Sam. Call St Joseph's on the school office by 12:30 on Monday 23 November 2026."
        );
    }

    #[test]
    fn only_a_visit_where_nobody_was_home_is_planned_again_once_staff_are_back() {
        use VisitStatus as S;
        assert!(may_revisit(true, S::NobodyHome));
        assert!(may_revisit(true, S::Returned));
        assert!(!may_revisit(true, S::Arrived));
        assert!(!may_revisit(true, S::SignedOut));
        assert!(!may_revisit(false, S::Returned));
        assert!(has_happened(S::RecordCompleted));
        assert!(!has_happened(S::Authorised));
    }

    #[test]
    fn times_planned_again_are_in_order_ahead_and_within_twelve_hours() {
        let now = at(8, 0);
        let ok = PlannedTimes {
            leave_school: at(9, 0),
            arrive: at(9, 30),
            leave_property: at(10, 30),
            return_by: at(11, 0),
        };
        assert!(check_planned_times(&ok, now).is_ok());
        let backwards = PlannedTimes {
            arrive: at(8, 30),
            ..ok
        };
        let e = check_planned_times(&backwards, now).err();
        assert_eq!(e.map(|e| e.field), Some("planned_arrive".to_string()));
        let past = check_planned_times(&ok, at(9, 1)).err();
        assert_eq!(
            past.map(|e| e.field),
            Some("planned_leave_school".to_string())
        );
        let long = PlannedTimes {
            return_by: at(21, 1),
            ..ok
        };
        let e = check_planned_times(&long, now).err();
        assert_eq!(e.map(|e| e.field), Some("planned_return".to_string()));
    }
}
