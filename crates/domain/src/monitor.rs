//! The safety monitor's rules, in the school's words: what a visitor out of school owes (check-ins,
//! leaving the property, getting back), which alarm a missed deadline raises, who is told at each
//! rung of the ladder, and the information pack for the police.
//!
//! Pure: no clock, no database, no sending. `now` is always passed in; the monitor loop in `app`
//! claims due deadlines, calls these functions and records what it sent.

mod attention;
mod child_missing;
mod deadlines;
mod ladder;
mod pack;
mod repeat;
mod words;

pub use crate::stored::{AlarmState, CheckInKind, DeadlineState, DeliveryState};
crate::stored::stored_name!(AlarmKind, "an alarm kind");
crate::stored::stored_name!(DeadlineKind, "a deadline kind");
pub use attention::{Attention, attention_order};
pub use child_missing::{ChildMissingPack, ContactTried, FamilyContact, LastSeen, SlipLeftAt};
pub use deadlines::{Deadline, Timeline, deadlines, extend};
pub use ladder::{
    RecipientRef, VisitPeople, ladder_for, ladder_for_policy, levels_due, next_level_at,
    resolve_recipients,
};
pub use pack::{
    ARRIVED_NEVER_TAPPED, Fix, InformationPack, Moment, PackStaff, PackTimes, ReadOut, Recorded,
    SENIOR_LEADER_CHECKLIST,
};
pub use repeat::{next_repeat_at, repeat_due, repeat_rung};
pub use words::Audience;

use crate::inputs::FieldError;
use std::str::FromStr;

/// Something a visitor must have done by a time, or the monitor raises an alarm.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DeadlineKind {
    /// The next check-in while out (D3).
    CheckIn,
    /// #13: the "arrived" tap, when the policy requires it, by the planned arrival.
    Arrive,
    /// Expected to have left the property (A1).
    LeaveProperty,
    /// Expected back at school, or home safe (A1).
    Return,
    /// The family's deadline to answer a Home Visit Slip (D9, A6).
    SlipResponse,
}

impl DeadlineKind {
    pub const ALL: [DeadlineKind; 5] = [
        DeadlineKind::CheckIn,
        DeadlineKind::Arrive,
        DeadlineKind::LeaveProperty,
        DeadlineKind::Return,
        DeadlineKind::SlipResponse,
    ];

    /// The name kept in storage.
    pub fn as_str(self) -> &'static str {
        match self {
            DeadlineKind::CheckIn => "check_in",
            DeadlineKind::Arrive => "arrive",
            DeadlineKind::LeaveProperty => "leave_property",
            DeadlineKind::Return => "return",
            DeadlineKind::SlipResponse => "slip_response",
        }
    }

    /// What missing it means, as the office would say it.
    pub fn label(self) -> &'static str {
        match self {
            DeadlineKind::CheckIn => "missed check-in",
            DeadlineKind::Arrive => "no word of arrival",
            DeadlineKind::LeaveProperty => "not left the property on time",
            DeadlineKind::Return => "not back on time",
            DeadlineKind::SlipResponse => "no reply to the Home Visit Slip in time",
        }
    }
}

impl FromStr for DeadlineKind {
    type Err = FieldError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| FieldError::new("deadline_kind", format!("'{s}' is not a deadline")))
    }
}

/// How loudly an alarm is treated; see [`AlarmKind::urgency`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Urgency {
    /// Someone is in immediate danger: the office, buddy and DSL at once; first on the board.
    Urgent,
    /// The alarm climbs its ladder in order.
    Routine,
}

/// Why an alarm was raised.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AlarmKind {
    MissedCheckIn,
    /// #13: no "arrived" tap by the planned arrival, where the policy requires one.
    OverdueArrival,
    OverdueLeaving,
    OverdueReturn,
    /// D4: the code word said to the buddy, or the covert duress action in the app.
    Duress,
    /// D5: the panic / emergency button.
    Panic,
    /// D6: a child alone or unsupervised in the home: the safeguarding team, straight away.
    ChildAlone,
    /// D6: a child in immediate danger: 999.
    ChildInDanger,
    /// D6: no responsible adult invited the visitors in.
    NotInvitedIn,
    /// D6: animals were not put away.
    AnimalsNotSecured,
    /// A6: nobody answered the Home Visit Slip by its deadline.
    SlipDeadlinePassed,
}

impl AlarmKind {
    pub const ALL: [AlarmKind; 11] = [
        AlarmKind::MissedCheckIn,
        AlarmKind::OverdueArrival,
        AlarmKind::OverdueLeaving,
        AlarmKind::OverdueReturn,
        AlarmKind::Duress,
        AlarmKind::Panic,
        AlarmKind::ChildAlone,
        AlarmKind::ChildInDanger,
        AlarmKind::NotInvitedIn,
        AlarmKind::AnimalsNotSecured,
        AlarmKind::SlipDeadlinePassed,
    ];

    /// The name kept in storage.
    pub fn as_str(self) -> &'static str {
        match self {
            AlarmKind::MissedCheckIn => "missed_check_in",
            AlarmKind::OverdueArrival => "overdue_arrival",
            AlarmKind::OverdueLeaving => "overdue_leaving",
            AlarmKind::OverdueReturn => "overdue_return",
            AlarmKind::Duress => "duress",
            AlarmKind::Panic => "panic",
            AlarmKind::ChildAlone => "child_alone",
            AlarmKind::ChildInDanger => "child_in_danger",
            AlarmKind::NotInvitedIn => "not_invited_in",
            AlarmKind::AnimalsNotSecured => "animals_not_secured",
            AlarmKind::SlipDeadlinePassed => "slip_deadline_passed",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            AlarmKind::MissedCheckIn => DeadlineKind::CheckIn.label(),
            AlarmKind::OverdueArrival => DeadlineKind::Arrive.label(),
            AlarmKind::OverdueLeaving => DeadlineKind::LeaveProperty.label(),
            AlarmKind::OverdueReturn => DeadlineKind::Return.label(),
            AlarmKind::Duress => "duress code word used: staff need help",
            AlarmKind::Panic => "emergency: staff pressed the panic button",
            AlarmKind::ChildAlone => "child alone or unsupervised",
            AlarmKind::ChildInDanger => "child in immediate danger",
            AlarmKind::NotInvitedIn => "not invited in by a responsible adult",
            AlarmKind::AnimalsNotSecured => "animals not secured",
            AlarmKind::SlipDeadlinePassed => DeadlineKind::SlipResponse.label(),
        }
    }

    pub fn from_deadline(kind: DeadlineKind) -> AlarmKind {
        match kind {
            DeadlineKind::CheckIn => AlarmKind::MissedCheckIn,
            DeadlineKind::Arrive => AlarmKind::OverdueArrival,
            DeadlineKind::LeaveProperty => AlarmKind::OverdueLeaving,
            DeadlineKind::Return => AlarmKind::OverdueReturn,
            DeadlineKind::SlipResponse => AlarmKind::SlipDeadlinePassed,
        }
    }

    /// How loudly the board, the ladder and the phone treat this kind: the one place it is decided.
    ///
    /// Urgent: staff or a child in immediate danger, where someone must phone 999 now — duress and
    /// panic (D4, D5: REAch2 "During the home visit", SEN Trust 6.3) and a child in immediate
    /// danger (D6: Harton 6.3 and St Joseph's "contact emergency services 999"; the DSL must hear
    /// at once). An urgent alarm tells the office too, and leads the board. Everything else is
    /// routine: it climbs its ladder, or tells the safeguarding team, in order.
    pub fn urgency(self) -> Urgency {
        match self {
            AlarmKind::Duress | AlarmKind::Panic | AlarmKind::ChildInDanger => Urgency::Urgent,
            AlarmKind::MissedCheckIn
            | AlarmKind::OverdueArrival
            | AlarmKind::OverdueLeaving
            | AlarmKind::OverdueReturn
            | AlarmKind::ChildAlone
            | AlarmKind::NotInvitedIn
            | AlarmKind::AnimalsNotSecured
            | AlarmKind::SlipDeadlinePassed => Urgency::Routine,
        }
    }

    /// Whether [`AlarmKind::urgency`] is [`Urgency::Urgent`].
    pub fn is_urgent(self) -> bool {
        self.urgency() == Urgency::Urgent
    }

    /// The alarms of a visitor who has gone quiet: all closed by "need more time" and when they
    /// are back; each also by its own answer (a check-in, "arrived", "left").
    pub const OVERDUE: [AlarmKind; 4] = [
        AlarmKind::MissedCheckIn,
        AlarmKind::OverdueArrival,
        AlarmKind::OverdueLeaving,
        AlarmKind::OverdueReturn,
    ];

    /// Duress and panic skip the ladder's lower rungs: see [`levels_due`].
    pub fn starts_at_top(self) -> bool {
        matches!(self, AlarmKind::Duress | AlarmKind::Panic)
    }

    /// D6: something seen on the doorstep. The safeguarding team and DSL are told at once; the
    /// overdue ladder (which starts by reminding the visitor) does not apply. See [`ladder_for`].
    pub fn is_observation(self) -> bool {
        matches!(
            self,
            AlarmKind::ChildAlone
                | AlarmKind::ChildInDanger
                | AlarmKind::NotInvitedIn
                | AlarmKind::AnimalsNotSecured
        )
    }

    /// What to do, in the policies' own words.
    pub fn guidance(self) -> &'static str {
        match self {
            // Harton 6.3.
            AlarmKind::MissedCheckIn => {
                "Make sure you make contact with the Academy via phone (email/text/phone call) at every check-in and at the end of the home visit."
            }
            // REAch2, "Before the home visit" and "After the home visit".
            AlarmKind::OverdueArrival => {
                "Staff have not confirmed they arrived at the home visit by the time they were expected to arrive. The buddy must make all reasonable attempts to contact each staff member."
            }
            // REAch2, "After the home visit".
            AlarmKind::OverdueLeaving => {
                "You must telephone your buddy when leaving each home visit so that the school knows where you are. The buddy must make all reasonable attempts to contact each staff member."
            }
            AlarmKind::OverdueReturn => {
                "If the staff member/s do not return to school within the allotted time, and have not contacted the school to tell them why they are going to be late, then the allocated buddy must make all reasonable attempts to contact each staff member. If contact cannot be established, a senior leader must be informed immediately, and consideration must be given to contacting the police."
            }
            // REAch2, "During the home visit".
            AlarmKind::Duress => {
                "Staff have used the code word to summon help. The buddy should make a 999 call to the police."
            }
            // SEN Trust 6.3.
            AlarmKind::Panic => {
                "Contact emergency services on 999: staff feel themselves or someone else is in immediate danger."
            }
            // Harton 6.3; St Joseph's and SEN Trust say the same.
            AlarmKind::ChildAlone => {
                "Contact the safeguarding team straight away to discuss your observations or to seek immediate advice if you are uncertain whether the child is alone/unsupervised. If appropriate a member of the safeguarding team will make a referral to social care."
            }
            AlarmKind::ChildInDanger => {
                "If you feel that a child/young person is in immediate danger contact emergency services 999."
            }
            AlarmKind::NotInvitedIn => {
                "Do not enter the premises unless invited in by a responsible adult. Do not enter if invited in by a child who is unsupervised by a responsible adult."
            }
            // SEN Trust 6.2.
            AlarmKind::AnimalsNotSecured => {
                "Request that all animals in the home are kept in a separate room, and cancel the visit if the responsible adult refuses, or is unable to adhere to the request."
            }
            // St Joseph's, "After the visit".
            AlarmKind::SlipDeadlinePassed => {
                "There has been no response from the household by the time stipulated on the Home Visit Slip: take the necessary course of action, e.g. contact police and/or social services."
            }
        }
    }
}

impl FromStr for AlarmKind {
    type Err = FieldError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| FieldError::new("alarm_kind", format!("'{s}' is not an alarm")))
    }
}

/// D4: whether the PIN typed at a check-in is the visitor's duress PIN.
///
/// The app answers a duress PIN exactly as it answers an ordinary check-in — the screen must not
/// give the visitor away — while the caller raises a silent [`AlarmKind::Duress`] and does *not*
/// count it as contact. The comparison looks at every byte whatever the input, so timing does not
/// reveal how much of the PIN matched. An unset (empty) duress PIN never matches.
pub fn is_duress_pin(entered: &str, duress_pin: &str) -> bool {
    let (a, b) = (entered.trim().as_bytes(), duress_pin.trim().as_bytes());
    if b.is_empty() {
        return false;
    }
    let mut diff = a.len() ^ b.len();
    for i in 0..a.len().max(b.len()) {
        let x = a.get(i).copied().unwrap_or(0);
        let y = b.get(i).copied().unwrap_or(0);
        diff |= usize::from(x ^ y);
    }
    diff == 0
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // a panic is how a test fails
mod tests {
    use super::*;

    #[test]
    fn kinds_survive_storage_and_unknown_names_are_refused() {
        for k in DeadlineKind::ALL {
            assert_eq!(k.as_str().parse::<DeadlineKind>(), Ok(k));
            assert_eq!(DeadlineKind::try_from(k.to_string()).unwrap(), k);
            assert_eq!(serde_json::to_value(k).unwrap(), k.as_str());
        }
        for k in AlarmKind::ALL {
            assert_eq!(k.as_str().parse::<AlarmKind>(), Ok(k));
            assert_eq!(AlarmKind::try_from(k.to_string()).unwrap(), k);
            assert_eq!(serde_json::to_value(k).unwrap(), k.as_str());
            assert!(!k.guidance().is_empty());
        }
        let err = "late".parse::<AlarmKind>().unwrap_err();
        assert_eq!(err.field, "alarm_kind");
    }

    #[test]
    fn missed_deadlines_raise_the_matching_alarm_in_plain_english() {
        let alarm = AlarmKind::from_deadline(DeadlineKind::Return);
        assert_eq!(alarm, AlarmKind::OverdueReturn);
        assert_eq!(alarm.label(), "not back on time");
        assert_eq!(AlarmKind::MissedCheckIn.label(), "missed check-in");
    }

    #[test]
    fn doorstep_observations_are_told_at_once_and_duress_starts_at_the_top() {
        assert!(AlarmKind::ChildInDanger.is_observation());
        assert!(AlarmKind::ChildInDanger.guidance().contains("999"));
        assert!(!AlarmKind::MissedCheckIn.is_observation());
        assert!(AlarmKind::Duress.starts_at_top() && AlarmKind::Panic.starts_at_top());
        assert!(!AlarmKind::OverdueReturn.starts_at_top());
    }

    #[test]
    fn every_alarm_kind_has_one_urgency_and_danger_to_anyone_is_urgent() {
        let urgent: Vec<AlarmKind> = AlarmKind::ALL
            .into_iter()
            .filter(|k| k.is_urgent())
            .collect();
        assert_eq!(
            urgent,
            [
                AlarmKind::Duress,
                AlarmKind::Panic,
                AlarmKind::ChildInDanger
            ]
        );
        for k in AlarmKind::ALL {
            let expected = match k {
                AlarmKind::Duress | AlarmKind::Panic | AlarmKind::ChildInDanger => Urgency::Urgent,
                _ => Urgency::Routine,
            };
            assert_eq!(k.urgency(), expected, "{}", k.as_str());
            // Starting at the top of the ladder is only ever for an urgent alarm.
            assert!(!k.starts_at_top() || k.is_urgent(), "{}", k.as_str());
        }
    }

    #[test]
    fn only_the_exact_duress_pin_is_duress() {
        assert!(is_duress_pin("9911", "9911"));
        assert!(is_duress_pin(" 9911 ", "9911"));
        assert!(!is_duress_pin("1234", "9911"));
        assert!(!is_duress_pin("991", "9911"));
        assert!(!is_duress_pin("99110", "9911"));
        assert!(!is_duress_pin("", ""));
    }
}
