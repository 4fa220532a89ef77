//! A2, no alarm goes quiet: after the ladder's last rung, the top rung is sent again every few
//! minutes, widened to the policy's safety responders, until a person acknowledges or resolves
//! the alarm (see `PolicySettings::repeat_top_rung_every_minutes`).
//!
//! Each repeat is a ladder level of its own, numbered on from the last rung (a four-rung ladder's
//! first repeat is level 4, its second level 5…), so the store's unique `(alarm, level)` key and
//! the messages' idempotency keys make every repeat exactly-once across monitor instances. The
//! next repeat is due a whole interval after the previous level fired, so a monitor that was down
//! for an hour sends one repeat when it starts, not twelve.

use super::AlarmKind;
use crate::policy::{EscalationLevel, Recipient};
use chrono::{DateTime, Duration, Utc};

impl AlarmKind {
    /// Whether the top rung repeats until someone acknowledges: whenever a person may be in
    /// danger (staff overdue, duress, panic, a child alone or in danger). Not for a Home Visit
    /// Slip left unanswered, nor for a visit not entered or animals not put away: the visitors
    /// are safe and the DSL has been told once.
    pub fn repeats_until_acknowledged(self) -> bool {
        !matches!(
            self,
            AlarmKind::SlipDeadlinePassed | AlarmKind::NotInvitedIn | AlarmKind::AnimalsNotSecured
        )
    }
}

/// The level number of the repeat due at `now`, if one is: every rung of `ladder` has fired
/// (`fired` holds each fired level with its time, UTC) and the newest level fired at least
/// `every_minutes` ago. `None` for kinds that do not repeat and while rungs are still to come.
pub fn repeat_due(
    ladder: &[EscalationLevel],
    kind: AlarmKind,
    fired: &[(usize, DateTime<Utc>)],
    every_minutes: u32,
    now: DateTime<Utc>,
) -> Option<usize> {
    let (level, at) = last_fired(ladder, kind, fired)?;
    if at + every(every_minutes) > now {
        return None;
    }
    level.checked_add(1)
}

/// When the next repeat falls due, given the levels fired so far; `None` when the alarm does
/// not repeat or rungs are still to come.
pub fn next_repeat_at(
    ladder: &[EscalationLevel],
    kind: AlarmKind,
    fired: &[(usize, DateTime<Utc>)],
    every_minutes: u32,
) -> Option<DateTime<Utc>> {
    let (_, at) = last_fired(ladder, kind, fired)?;
    Some(at + every(every_minutes))
}

/// The newest level fired, once every rung that will ever fire has fired.
fn last_fired(
    ladder: &[EscalationLevel],
    kind: AlarmKind,
    fired: &[(usize, DateTime<Utc>)],
) -> Option<(usize, DateTime<Utc>)> {
    let top = ladder.len().checked_sub(1)?;
    if !kind.repeats_until_acknowledged() {
        return None;
    }
    // Duress and panic fire only the top rung; the others must have climbed every rung.
    let climbed = kind.starts_at_top() || (0..=top).all(|l| fired.iter().any(|(f, _)| *f == l));
    if !climbed || !fired.iter().any(|(f, _)| *f == top) {
        return None;
    }
    fired.iter().copied().max_by_key(|(level, _)| *level)
}

/// The rung a repeat sends: the top rung's message and channels, to the top rung's people and
/// then every safety responder not already among them. `level` is the repeat's level number
/// (see [`repeat_due`]); the instruction says which repeat it is and that it goes on until
/// someone acknowledges.
pub fn repeat_rung(
    ladder: &[EscalationLevel],
    level: usize,
    responders: &[Recipient],
    every_minutes: u32,
) -> Option<EscalationLevel> {
    let top = ladder.last()?;
    let mut notify = top.notify.clone();
    for r in responders {
        if !notify.contains(r) {
            notify.push(*r);
        }
    }
    let repeat = level.checked_add(1)?.checked_sub(ladder.len())?;
    Some(EscalationLevel {
        after_minutes: top.after_minutes,
        notify,
        channels: top.channels.clone(),
        instruction: format!(
            "Nobody has acknowledged this alarm yet (reminder {repeat}; sent every {every_minutes} minutes until someone acknowledges it). {}",
            top.instruction
        ),
        information_pack: top.information_pack,
    })
}

fn every(minutes: u32) -> Duration {
    Duration::minutes(i64::from(minutes))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // a panic is how a test fails
mod tests {
    use super::*;
    use crate::monitor::ladder_for;
    use crate::policy::presets::preset;
    use chrono::TimeZone;

    fn at(h: u32, m: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 23, h, m, 0).unwrap()
    }

    #[test]
    fn the_top_rung_repeats_only_after_every_rung_fired() {
        let ladder = preset("reach2").unwrap().escalation;
        let kind = AlarmKind::OverdueReturn;
        let three = [(0, at(10, 0)), (1, at(10, 5)), (2, at(10, 15))];
        assert_eq!(repeat_due(&ladder, kind, &three, 5, at(11, 0)), None);
        let four = [three.as_slice(), &[(3, at(10, 25))]].concat();
        assert_eq!(repeat_due(&ladder, kind, &four, 5, at(10, 29)), None);
        assert_eq!(repeat_due(&ladder, kind, &four, 5, at(10, 30)), Some(4));
        // Down for an hour: one repeat now, the next a whole interval after it.
        assert_eq!(repeat_due(&ladder, kind, &four, 5, at(11, 30)), Some(4));
        let five = [four.as_slice(), &[(4, at(11, 30))]].concat();
        assert_eq!(next_repeat_at(&ladder, kind, &five, 5), Some(at(11, 35)));
        assert_eq!(repeat_due(&ladder, kind, &five, 5, at(11, 34)), None);
    }

    #[test]
    fn duress_repeats_after_its_one_rung_and_a_slip_never_repeats() {
        let policy = preset("harton").unwrap();
        let duress = ladder_for(AlarmKind::Duress, &policy.escalation);
        let fired = [(0, at(10, 0))];
        assert_eq!(
            repeat_due(&duress, AlarmKind::Duress, &fired, 5, at(10, 5)),
            Some(1)
        );
        let slip = ladder_for(AlarmKind::SlipDeadlinePassed, &policy.escalation);
        let kind = AlarmKind::SlipDeadlinePassed;
        assert_eq!(repeat_due(&slip, kind, &fired, 5, at(12, 0)), None);
    }

    #[test]
    fn a_repeat_widens_the_top_rung_to_the_safety_responders() {
        let policy = preset("reach2").unwrap();
        let rung = repeat_rung(&policy.escalation, 5, &policy.safety_responders, 5).unwrap();
        let top = policy.escalation.last().unwrap();
        assert_eq!(
            rung.notify,
            vec![
                Recipient::SeniorLeader,
                Recipient::Dsl,
                Recipient::Headteacher,
                Recipient::Buddy,
                Recipient::Office
            ]
        );
        assert_eq!(rung.channels, top.channels);
        assert!(rung.information_pack);
        assert!(
            rung.instruction
                .starts_with("Nobody has acknowledged this alarm yet (reminder 2;")
        );
        assert!(rung.instruction.ends_with(&top.instruction));
    }

    #[test]
    fn settings_name_a_repeat_outside_one_to_sixty_minutes_and_visitors_as_responders() {
        let mut settings = preset("hsp").unwrap();
        for bad in [0, 61] {
            settings.repeat_top_rung_every_minutes = bad;
            let e = settings.check().unwrap_err();
            assert_eq!(e.field, "repeat_top_rung_every_minutes");
            assert!(
                e.reason.contains("between 1 and 60 minutes"),
                "{}",
                e.reason
            );
        }
        settings.repeat_top_rung_every_minutes = 60;
        settings.safety_responders.push(Recipient::Visitors);
        assert_eq!(settings.check().unwrap_err().field, "safety_responders");
        settings.safety_responders.clear();
        assert_eq!(settings.check().unwrap_err().field, "safety_responders");
    }

    #[test]
    fn every_preset_repeats_every_five_minutes_and_settings_stored_before_read_as_five() {
        for name in crate::policy::presets::names() {
            let settings = preset(name).unwrap();
            assert_eq!(settings.repeat_top_rung_every_minutes, 5, "{name}");
            assert!(!settings.safety_responders.is_empty(), "{name}");
        }
        let mut stored = serde_json::to_value(preset("harton").unwrap()).unwrap();
        let map = stored.as_object_mut().unwrap();
        map.remove("repeat_top_rung_every_minutes");
        map.remove("safety_responders");
        let old: crate::policy::PolicySettings = serde_json::from_value(stored).unwrap();
        assert_eq!(old.repeat_top_rung_every_minutes, 5);
        assert!(old.safety_responders.contains(&Recipient::Dsl));
    }
}
