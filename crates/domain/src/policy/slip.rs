//! D9, A6: the Home Visit Slip left when nobody is home — its wording, its deadline (hours after
//! it was left, a fixed time of day such as "contact the school by 11:00", or the time staff
//! write on it, St Joseph's "BEFORE ____"), and the child-missing path when it goes unanswered:
//! who is told, and what they must do in the school's words ("ring 101 and report the child
//! missing"). Pure settings and the deadline's one function.

use super::calendar::next_time_on_school_day;
use super::office_hours::within_working_hours;
use super::{Channel, PolicySettings, Recipient};
use crate::inputs::FieldError;
use chrono::{DateTime, Duration, NaiveTime, Utc};
use serde::{Deserialize, Serialize};

/// `[slip]`: the slip's wording and deadline, and what happens when nobody answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SlipRule {
    /// Hours after the slip went through the door (0–168), when neither of the two below is set.
    pub response_hours: u32,
    /// "Contact the school by 11:00": the family answers by this time (school clock) on the day
    /// the slip is left, or on the next school day when it is left after it.
    #[serde(default, with = "super::time_of_day::option")]
    #[schema(value_type = Option<String>)]
    pub respond_by_time: Option<NaiveTime>,
    /// Staff write the deadline on the slip when they leave it ("BEFORE ____") and type it in.
    #[serde(default)]
    pub staff_write_the_deadline: bool,
    /// The slip's words; `{child}`, `{deadline}`, `{school}` and `{phone}` are filled in.
    pub wording: String,
    /// The child-missing path: when set, an unanswered slip tells these people, over these
    /// channels, with this instruction, and carries a pack about the child (last seen, contacts
    /// tried, slip left at). Unset: the DSL, in the app and by e-mail, with the general guidance.
    #[serde(default)]
    pub unanswered: Option<UnansweredSlip>,
}

/// The rung an unanswered slip raises, in the school's words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UnansweredSlip {
    pub notify: Vec<Recipient>,
    pub channels: Vec<Channel>,
    /// What they must do, e.g. "Ring 101 and report the child missing."
    pub instruction: String,
}

impl SlipRule {
    /// When the family must answer by (UTC). `typed`: the time staff wrote on the slip, if any.
    /// Hours after leaving that end while the school is shut are moved into its working hours
    /// (see [`within_working_hours`], C3).
    /// Errors name `respond_by`: a typed time the policy does not ask for, none when it does,
    /// or one not after the slip was left, or more than a week after.
    pub fn respond_by(
        &self,
        policy: &PolicySettings,
        left_at: DateTime<Utc>,
        typed: Option<DateTime<Utc>>,
    ) -> Result<DateTime<Utc>, FieldError> {
        match (self.staff_write_the_deadline, typed) {
            (true, Some(t)) if t <= left_at => Err(FieldError::new(
                "respond_by",
                "the time written on the slip must be after it is left",
            )),
            (true, Some(t)) if t > left_at + Duration::days(7) => Err(FieldError::new(
                "respond_by",
                "the time written on the slip must be within a week of leaving it",
            )),
            (true, Some(t)) => Ok(t),
            (true, None) => Err(FieldError::new(
                "respond_by",
                "write the time on the slip (\"BEFORE ____\") and type it here",
            )),
            (false, Some(_)) => Err(FieldError::new(
                "respond_by",
                "this school's policy sets the slip's deadline; leave it out",
            )),
            (false, None) => Ok(match self.respond_by_time {
                Some(time) => next_time_on_school_day(&policy.calendar, policy.tz(), left_at, time),
                // C3: an answer can only reach the school while it is open.
                None => within_working_hours(
                    &policy.calendar,
                    policy.tz(),
                    left_at,
                    left_at + Duration::hours(i64::from(self.response_hours)),
                ),
            }),
        }
    }

    pub(super) fn check(&self) -> Result<(), FieldError> {
        // 0 to 168 hours, checked with every number (`super::limits`); the hours are the
        // deadline itself when no time of day is set and staff write none.
        if self.response_hours == 0
            && self.respond_by_time.is_none()
            && !self.staff_write_the_deadline
        {
            return Err(FieldError::new(
                "slip.response_hours",
                "must be at least 1 hour when the slip has no time of day to answer by: give the hours the family has, or a time such as 11:00",
            ));
        }
        if self.respond_by_time.is_some() && self.staff_write_the_deadline {
            return Err(FieldError::new(
                "slip.respond_by_time",
                "either staff write the deadline on the slip or it is a fixed time of day, not both",
            ));
        }
        if self.wording.trim().is_empty() {
            return Err(FieldError::new(
                "slip.wording",
                "write what the slip says to the family",
            ));
        }
        if let Some(u) = &self.unanswered {
            if u.notify.is_empty() || u.channels.is_empty() {
                return Err(FieldError::new(
                    "slip.unanswered",
                    "name who is told when a slip goes unanswered, and how",
                ));
            }
            if u.notify.contains(&Recipient::Visitors) {
                return Err(FieldError::new(
                    "slip.unanswered.notify",
                    "an unanswered slip is for those who act on it (the DSL, the office), not the visitors",
                ));
            }
            if u.instruction.trim().is_empty() {
                return Err(FieldError::new(
                    "slip.unanswered.instruction",
                    "say what to do, in the school's words (e.g. ring 101 and report the child missing)",
                ));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // a panic is how a test fails
mod tests {
    use crate::policy::presets::preset;
    use chrono::{DateTime, NaiveTime, TimeZone, Utc};

    fn at(d: u32, h: u32, m: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, d, h, m, 0).unwrap()
    }

    #[test]
    fn st_josephs_slip_is_due_two_hours_after_it_is_left() {
        let p = preset("st-josephs").unwrap();
        assert_eq!(
            p.slip.respond_by(&p, at(26, 9, 40), None),
            Ok(at(26, 11, 40))
        );
        let err = p
            .slip
            .respond_by(&p, at(26, 9, 40), Some(at(26, 15, 0)))
            .unwrap_err();
        assert_eq!(err.field, "respond_by");
    }

    #[test]
    fn a_fixed_eleven_oclock_deadline_is_today_or_the_next_school_day() {
        let mut p = preset("st-josephs").unwrap();
        p.slip.respond_by_time = NaiveTime::from_hms_opt(11, 0, 0);
        assert_eq!(
            p.slip.respond_by(&p, at(26, 9, 40), None),
            Ok(at(26, 11, 0))
        );
        // Friday 27th after 11:00: Monday 30th.
        assert_eq!(
            p.slip.respond_by(&p, at(27, 12, 0), None),
            Ok(at(30, 11, 0))
        );
    }

    #[test]
    fn staff_write_the_time_on_the_slip_when_the_policy_says_so() {
        let mut p = preset("st-josephs").unwrap();
        p.slip.staff_write_the_deadline = true;
        let left = at(26, 9, 40);
        assert_eq!(
            p.slip.respond_by(&p, left, Some(at(26, 15, 0))),
            Ok(at(26, 15, 0))
        );
        for typed in [
            None,
            Some(at(26, 9, 0)),
            Some(at(26 + 4, 9, 0) + chrono::Duration::days(4)),
        ] {
            assert_eq!(
                p.slip.respond_by(&p, left, typed).unwrap_err().field,
                "respond_by"
            );
        }
    }

    #[test]
    fn no_hours_to_answer_is_refused_unless_a_time_of_day_sets_the_deadline() {
        let mut p = preset("st-josephs").unwrap();
        p.slip.response_hours = 0;
        let e = p.check().unwrap_err();
        assert_eq!(e.field, "slip.response_hours");
        assert!(
            e.reason.starts_with("must be at least 1 hour"),
            "{}",
            e.reason
        );
        p.slip.respond_by_time = NaiveTime::from_hms_opt(11, 0, 0);
        assert_eq!(p.check(), Ok(()));
        p.slip.response_hours = 169;
        assert_eq!(
            p.check().unwrap_err().reason,
            "must be between 0 and 168 hours"
        );
    }

    #[test]
    fn a_child_missing_path_names_who_and_what_or_is_refused() {
        let mut p = preset("st-josephs").unwrap();
        p.slip.unanswered = Some(super::UnansweredSlip {
            notify: vec![],
            channels: vec![super::Channel::Email],
            instruction: "Ring 101.".into(),
        });
        assert_eq!(p.check().unwrap_err().field, "slip.unanswered");
        p.slip.unanswered = Some(super::UnansweredSlip {
            notify: vec![super::Recipient::Dsl],
            channels: vec![super::Channel::Email],
            instruction: " ".into(),
        });
        assert_eq!(p.check().unwrap_err().field, "slip.unanswered.instruction");
    }

    #[test]
    fn an_unanswered_slip_takes_the_child_missing_rung_in_the_schools_words() {
        use crate::monitor::{AlarmKind, ladder_for_policy};
        let p = preset("example-absence-protocol").unwrap();
        let ladder = ladder_for_policy(AlarmKind::SlipDeadlinePassed, &p);
        assert_eq!(ladder.len(), 1);
        assert_eq!(
            ladder[0].notify,
            [
                super::Recipient::Dsl,
                super::Recipient::DeputyDsl,
                super::Recipient::Headteacher
            ]
        );
        assert!(
            ladder[0]
                .instruction
                .contains("Ring 101 and report the child missing")
        );
        // Without the path, the DSL is told with the general guidance, as before.
        let st_josephs = preset("st-josephs").unwrap();
        let ladder = ladder_for_policy(AlarmKind::SlipDeadlinePassed, &st_josephs);
        assert_eq!(ladder[0].notify, [super::Recipient::Dsl]);
        assert!(
            ladder[0]
                .instruction
                .contains("contact police and/or social services")
        );
    }

    #[test]
    fn an_alarm_instruction_in_the_schools_words_replaces_the_guidance() {
        use crate::monitor::{AlarmKind, ladder_for_policy};
        let mut p = preset("harton").unwrap();
        p.alarm_instructions.insert(
            "child_alone".into(),
            "Ring the DSL on 0191 000 0000 at once.".into(),
        );
        assert!(p.check().is_ok());
        let ladder = ladder_for_policy(AlarmKind::ChildAlone, &p);
        assert_eq!(
            ladder[0].instruction,
            "Ring the DSL on 0191 000 0000 at once."
        );
        p.alarm_instructions.insert("late".into(), "x".into());
        assert_eq!(p.check().unwrap_err().field, "alarm_instructions.late");
    }
}
