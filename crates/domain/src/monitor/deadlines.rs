//! What a visitor who is out owes the school, and when: D3 check-ins, A1 leaving and getting back,
//! D8 "need more time".

use super::DeadlineKind;
use crate::policy::{ArrivalRule, CheckInRule};
use chrono::{DateTime, Duration, Utc};

/// The times that matter for a visit that is out (signed out, not yet back).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeline {
    /// When the plan says the visitors reach the house (#13: the "arrived" tap is due then).
    pub planned_arrive: DateTime<Utc>,
    pub planned_leave_property: DateTime<Utc>,
    pub planned_return: DateTime<Utc>,
    /// Sign-out, or the latest check-in or "need more time".
    pub last_contact: DateTime<Utc>,
    /// The leave-the-property time "need more time" has moved the plan to; see [`extend`].
    pub extended_until: Option<DateTime<Utc>>,
    pub arrived: bool,
    pub left_property: bool,
}

impl Timeline {
    /// How long the plan allows from leaving the property to being back (never negative).
    fn journey(&self) -> Duration {
        (self.planned_return - self.planned_leave_property).max(Duration::zero())
    }

    /// When the visitors are expected to have left the property, extensions included.
    pub fn leave_property_due(&self) -> DateTime<Utc> {
        self.extended_until
            .map_or(self.planned_leave_property, |e| {
                e.max(self.planned_leave_property)
            })
    }

    /// When the visitors are expected back: an extension moves the return as far as it moved
    /// the leaving, so the journey home keeps its planned length.
    pub fn return_due(&self) -> DateTime<Utc> {
        self.extended_until.map_or(self.planned_return, |e| {
            (e + self.journey()).max(self.planned_return)
        })
    }
}

/// One thing due, when the alarm fires if it is missed, and when to nudge the visitor first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Deadline {
    pub kind: DeadlineKind,
    pub due_at: DateTime<Utc>,
    /// `due_at` plus the policy's grace: the ladder starts here.
    pub fires_at: DateTime<Utc>,
    /// Check-ins only: a reminder to the visitor this long before `due_at`.
    pub remind_at: Option<DateTime<Utc>>,
}

impl Deadline {
    fn new(kind: DeadlineKind, due_at: DateTime<Utc>, rule: &CheckInRule) -> Self {
        let remind_at = (kind == DeadlineKind::CheckIn && rule.remind_before_minutes > 0)
            .then(|| due_at - minutes(rule.remind_before_minutes));
        Deadline {
            kind,
            due_at,
            fires_at: due_at + minutes(rule.grace_minutes),
            remind_at,
        }
    }

    pub fn has_fired(&self, now: DateTime<Utc>) -> bool {
        now >= self.fires_at
    }
}

/// The deadlines of a visit that is out, soonest alarm first.
///
/// - A check-in is due `interval` after the last contact for as long as the visitors are out —
///   at the property and on the way back alike ("every 30 minutes/at the end of the home visit").
/// - Until they have left the property, leaving is due at the planned (or extended) time,
///   whether or not they have arrived: a visitor who never arrives is still missed.
/// - Once they have left, getting back is due instead.
/// - #13: where the policy requires the "arrived" tap ([`ArrivalRule::Required`]), it is due at
///   the planned arrival until they tap it (or "nobody home", or leave); with the grace minutes
///   after it the "no word of arrival" alarm starts. Never where arrival is optional.
pub fn deadlines(rule: &CheckInRule, t: &Timeline) -> Vec<Deadline> {
    let check_in = t.last_contact + minutes(rule.interval_minutes);
    let mut out = vec![Deadline::new(DeadlineKind::CheckIn, check_in, rule)];
    if rule.arrived == ArrivalRule::Required && !t.arrived && !t.left_property {
        out.push(Deadline::new(DeadlineKind::Arrive, t.planned_arrive, rule));
    }
    out.push(if t.left_property {
        Deadline::new(DeadlineKind::Return, t.return_due(), rule)
    } else {
        Deadline::new(DeadlineKind::LeaveProperty, t.leave_property_due(), rule)
    });
    out.sort_by_key(|d| d.fires_at);
    out
}

/// D8 "need more time": moves the pending deadline (leaving, or getting back once left) by
/// `by_minutes` from whichever is later, the deadline or now — so an overdue visitor asking
/// for 15 minutes gets 15 minutes from now. Leaving and return always move together. Asking
/// is contact, so the next check-in is counted from now.
pub fn extend(t: &Timeline, by_minutes: u32, now: DateTime<Utc>) -> Timeline {
    let by = minutes(by_minutes);
    let new_leave = if t.left_property {
        t.return_due().max(now) + by - t.journey()
    } else {
        t.leave_property_due().max(now) + by
    };
    Timeline {
        extended_until: Some(new_leave),
        last_contact: t.last_contact.max(now),
        ..*t
    }
}

fn minutes(m: u32) -> Duration {
    Duration::minutes(i64::from(m))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // a panic is how a test fails
mod tests {
    use super::*;
    use crate::policy::presets::preset;
    use chrono::TimeZone;

    fn at(h: u32, m: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 23, h, m, 0).unwrap()
    }

    fn out_at_ten() -> Timeline {
        Timeline {
            planned_arrive: at(10, 15),
            planned_leave_property: at(11, 0),
            planned_return: at(11, 30),
            last_contact: at(10, 0),
            extended_until: None,
            arrived: true,
            left_property: false,
        }
    }

    fn due(ds: &[Deadline], kind: DeadlineKind) -> Option<Deadline> {
        ds.iter().copied().find(|d| d.kind == kind)
    }

    #[test]
    fn harton_check_in_falls_due_thirty_minutes_after_last_contact_with_five_minutes_grace() {
        let rule = preset("harton").unwrap().check_in;
        let ds = deadlines(&rule, &out_at_ten());
        let check_in = due(&ds, DeadlineKind::CheckIn).unwrap();
        assert_eq!(check_in.due_at, at(10, 30));
        assert_eq!(check_in.fires_at, at(10, 35));
        assert_eq!(check_in.remind_at, Some(at(10, 25)));
        assert!(!check_in.has_fired(at(10, 34)) && check_in.has_fired(at(10, 35)));
        assert_eq!(ds[0].kind, DeadlineKind::CheckIn, "soonest first");
    }

    #[test]
    fn leaving_is_due_until_they_leave_and_then_getting_back_is_due() {
        let rule = preset("harton").unwrap().check_in;
        let mut t = out_at_ten();
        t.arrived = false;
        let ds = deadlines(&rule, &t);
        let leave = due(&ds, DeadlineKind::LeaveProperty).unwrap();
        assert_eq!(
            (leave.due_at, leave.fires_at, leave.remind_at),
            (at(11, 0), at(11, 5), None)
        );
        assert!(due(&ds, DeadlineKind::Return).is_none());
        assert!(
            due(&ds, DeadlineKind::Arrive).is_none(),
            "Harton asks for contact, not an arrival tap"
        );

        t.left_property = true;
        let ds = deadlines(&rule, &t);
        assert_eq!(due(&ds, DeadlineKind::Return).unwrap().due_at, at(11, 30));
        assert!(due(&ds, DeadlineKind::LeaveProperty).is_none());
        assert!(
            due(&ds, DeadlineKind::CheckIn).is_some(),
            "check-ins continue on the way back"
        );
    }

    #[test]
    fn need_more_time_moves_leaving_and_return_and_counts_as_contact() {
        let rule = preset("harton").unwrap().check_in;
        let t = extend(&out_at_ten(), 15, at(10, 50));
        assert_eq!(t.leave_property_due(), at(11, 15));
        assert_eq!(t.return_due(), at(11, 45));
        assert_eq!(t.last_contact, at(10, 50));
        let ds = deadlines(&rule, &t);
        assert_eq!(due(&ds, DeadlineKind::CheckIn).unwrap().due_at, at(11, 20));

        // Asked again, already late for leaving: the time runs from now.
        let t = extend(&t, 15, at(11, 20));
        assert_eq!(
            (t.leave_property_due(), t.return_due()),
            (at(11, 35), at(12, 5))
        );

        // Left, then stuck in traffic after the return was due.
        let t = Timeline {
            left_property: true,
            ..t
        };
        let t = extend(&t, 10, at(12, 10));
        assert_eq!(t.return_due(), at(12, 20));
        assert_eq!(
            due(&deadlines(&rule, &t), DeadlineKind::Return)
                .unwrap()
                .fires_at,
            at(12, 25)
        );
    }

    #[test]
    fn a_required_arrival_is_due_at_the_planned_arrival_plus_grace_until_they_arrive() {
        let mut rule = preset("reach2").unwrap().check_in;
        assert_eq!(rule.arrived, ArrivalRule::Required);
        let mut t = out_at_ten();
        t.arrived = false;
        let arrive = due(&deadlines(&rule, &t), DeadlineKind::Arrive).unwrap();
        assert_eq!(arrive.due_at, at(10, 15));
        assert_eq!(
            arrive.fires_at,
            at(10, 15) + minutes(rule.grace_minutes),
            "the policy's grace before the ladder starts"
        );
        assert_eq!(arrive.remind_at, None);

        t.arrived = true;
        assert!(due(&deadlines(&rule, &t), DeadlineKind::Arrive).is_none());

        t.arrived = false;
        rule.arrived = ArrivalRule::Optional;
        assert!(due(&deadlines(&rule, &t), DeadlineKind::Arrive).is_none());
    }
}
