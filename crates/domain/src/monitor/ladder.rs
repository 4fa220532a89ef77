//! A2: the escalation ladder — which rung is due, when the next one is, and who is told.

use super::AlarmKind;
use crate::ids::StaffId;
use crate::policy::{Channel, EscalationLevel, PolicySettings, Recipient};
use chrono::{DateTime, Duration, Utc};

/// The ladder an alarm climbs, built from the policy's overdue ladder.
///
/// - Missed check-in, overdue leaving or return: the policy's ladder as it is.
/// - Duress and panic: one rung, the policy's top rung, with the buddy (who makes the 999 call)
///   and the office (who read the information pack to the police) added, and the visitors taken
///   off: the alarm is silent, and a message ringing on a visitor's phone could give them away.
/// - Doorstep observations (D6): one rung at once to the DSL, the safeguarding team and the buddy,
///   over the channels of the policy's top rung; nobody reminds the visitor of anything. An urgent
///   one (a child in immediate danger, see [`AlarmKind::urgency`]) tells the office too, as duress
///   and panic do: someone at school must be ready to help with the 999 call.
/// - Slip deadline passed (A6): one rung at once to the DSL, in the app and by e-mail.
pub fn ladder_for(kind: AlarmKind, policy_ladder: &[EscalationLevel]) -> Vec<EscalationLevel> {
    let urgent_channels = policy_ladder.last().map_or_else(
        || vec![Channel::InApp, Channel::Sms, Channel::Email],
        |top| top.channels.clone(),
    );
    let one_rung = |notify: Vec<Recipient>, channels: Vec<Channel>, pack: bool, extra: &str| {
        let instruction = [kind.guidance(), extra].join(" ").trim().to_string();
        vec![EscalationLevel {
            after_minutes: 0,
            notify,
            channels,
            instruction,
            information_pack: pack,
        }]
    };
    if kind.starts_at_top() {
        let (mut notify, extra) = policy_ladder.last().map_or_else(
            || {
                (
                    vec![
                        Recipient::SeniorLeader,
                        Recipient::Dsl,
                        Recipient::Headteacher,
                    ],
                    "",
                )
            },
            |top| (top.notify.clone(), top.instruction.as_str()),
        );
        notify.retain(|r| *r != Recipient::Visitors);
        for r in [Recipient::Office, Recipient::Buddy] {
            if !notify.contains(&r) {
                notify.insert(0, r);
            }
        }
        one_rung(notify, urgent_channels, true, extra)
    } else if kind.is_observation() {
        let mut notify = vec![
            Recipient::Dsl,
            Recipient::SafeguardingTeam,
            Recipient::Buddy,
        ];
        if kind.is_urgent() {
            notify.push(Recipient::Office);
        }
        one_rung(notify, urgent_channels, false, "")
    } else if kind == AlarmKind::SlipDeadlinePassed {
        one_rung(
            vec![Recipient::Dsl],
            vec![Channel::InApp, Channel::Email],
            false,
            "",
        )
    } else {
        policy_ladder.to_vec()
    }
}

/// The ladder an alarm climbs under a school's whole policy: [`ladder_for`], then the school's
/// own words. An unanswered slip takes the policy's child-missing rung (`slip.unanswered`: its
/// recipients, channels and instruction) when it has one; an alarm kind with an instruction in
/// `alarm_instructions` has it in place of the general guidance.
pub fn ladder_for_policy(kind: AlarmKind, policy: &PolicySettings) -> Vec<EscalationLevel> {
    let own_words = policy.alarm_instructions.get(kind.as_str());
    if kind == AlarmKind::SlipDeadlinePassed
        && let Some(path) = &policy.slip.unanswered
    {
        return vec![EscalationLevel {
            after_minutes: 0,
            notify: path.notify.clone(),
            channels: path.channels.clone(),
            instruction: own_words.unwrap_or(&path.instruction).clone(),
            information_pack: false,
        }];
    }
    let mut ladder = ladder_for(kind, &policy.escalation);
    let one_rung =
        kind.starts_at_top() || kind.is_observation() || kind == AlarmKind::SlipDeadlinePassed;
    if let Some(words) = own_words {
        if one_rung {
            for level in &mut ladder {
                level.instruction = level.instruction.replacen(kind.guidance(), words, 1);
            }
        } else if let Some(first) = ladder.first_mut() {
            // The overdue ladders have each rung's own words; the school's words for the kind
            // lead the first rung.
            first.instruction = format!("{words} {}", first.instruction);
        }
    }
    ladder
}

/// The rungs whose time has come: `raised_at + after_minutes <= now`, in ladder order.
/// The caller sends those not yet sent.
///
/// Duress and panic fire only the top rung, at once. Firing every rung together would remind the
/// visitor on their phone (see [`ladder_for`]) and bury the one message that matters in noise.
pub fn levels_due(
    ladder: &[EscalationLevel],
    alarm_kind: AlarmKind,
    raised_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Vec<usize> {
    if alarm_kind.starts_at_top() {
        return ladder.len().checked_sub(1).into_iter().collect();
    }
    (0..ladder.len())
        .filter(|&i| rung_time(&ladder[i], raised_at) <= now)
        .collect()
}

/// When the next rung not in `fired` is due (possibly already past: send it now), or `None`
/// when every rung that will ever fire has fired.
pub fn next_level_at(
    ladder: &[EscalationLevel],
    alarm_kind: AlarmKind,
    raised_at: DateTime<Utc>,
    fired: &[usize],
) -> Option<DateTime<Utc>> {
    if alarm_kind.starts_at_top() {
        let top = ladder.len().checked_sub(1)?;
        return (!fired.contains(&top)).then_some(raised_at);
    }
    (0..ladder.len())
        .filter(|i| !fired.contains(i))
        .map(|i| rung_time(&ladder[i], raised_at))
        .min()
}

fn rung_time(level: &EscalationLevel, raised_at: DateTime<Utc>) -> DateTime<Utc> {
    raised_at + Duration::minutes(i64::from(level.after_minutes))
}

/// Everyone who could be told about one visit, by the part they play.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VisitPeople {
    pub visitors: Vec<StaffId>,
    pub buddy: Option<StaffId>,
    pub office: Vec<StaffId>,
    pub senior_leaders: Vec<StaffId>,
    pub dsl: Vec<StaffId>,
    pub deputy_dsl: Vec<StaffId>,
    pub safeguarding_team: Vec<StaffId>,
    pub headteachers: Vec<StaffId>,
    pub attendance_leads: Vec<StaffId>,
    /// The school's education welfare officers.
    pub ewos: Vec<StaffId>,
    /// Each visitor's line manager, where one is recorded.
    pub line_managers: Vec<StaffId>,
}

/// One person to tell, and the part that got them told.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RecipientRef {
    pub staff: StaffId,
    pub because: Recipient,
}

/// The people a rung names, each once (first reason wins), in the rung's order.
///
/// Nobody is ever left unwatched:
/// - if the rung names the buddy and the visit has none (or the buddy has gone home), the office
///   is told instead;
/// - if the rung resolves to nobody at all (no DSL on record, say), the office and headteachers
///   are told.
///
/// The visitors are told only as visitors: a DSL or senior leader who is out on the visit is the
/// person missing, not the one to look for them — and under duress their phone must stay quiet.
pub fn resolve_recipients(level: &EscalationLevel, people: &VisitPeople) -> Vec<RecipientRef> {
    let mut out = Vec::new();
    for &r in &level.notify {
        match r {
            Recipient::Visitors => add(&mut out, people, &people.visitors, r),
            Recipient::Buddy => match people.buddy {
                Some(buddy) => add(&mut out, people, &[buddy], r),
                None => add(&mut out, people, &people.office, Recipient::Office),
            },
            Recipient::Office => add(&mut out, people, &people.office, r),
            Recipient::SeniorLeader => add(&mut out, people, &people.senior_leaders, r),
            Recipient::Dsl => add(&mut out, people, &people.dsl, r),
            Recipient::DeputyDsl => add(&mut out, people, &people.deputy_dsl, r),
            Recipient::AttendanceLead => add(&mut out, people, &people.attendance_leads, r),
            Recipient::Ewo => add(&mut out, people, &people.ewos, r),
            Recipient::LineManager => add(&mut out, people, &people.line_managers, r),
            Recipient::SafeguardingTeam => add(&mut out, people, &people.safeguarding_team, r),
            Recipient::Headteacher => add(&mut out, people, &people.headteachers, r),
        }
    }
    if out.is_empty() {
        add(&mut out, people, &people.office, Recipient::Office);
        add(
            &mut out,
            people,
            &people.headteachers,
            Recipient::Headteacher,
        );
    }
    out
}

fn add(out: &mut Vec<RecipientRef>, people: &VisitPeople, staff: &[StaffId], because: Recipient) {
    for &s in staff {
        let on_the_visit = because != Recipient::Visitors && people.visitors.contains(&s);
        if !on_the_visit && !out.iter().any(|r| r.staff == s) {
            out.push(RecipientRef { staff: s, because });
        }
    }
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

    fn reach2_ladder() -> Vec<EscalationLevel> {
        preset("reach2").unwrap().escalation
    }

    fn people() -> VisitPeople {
        VisitPeople {
            visitors: vec![StaffId(1), StaffId(2)],
            buddy: Some(StaffId(3)),
            office: vec![StaffId(4)],
            senior_leaders: vec![StaffId(5), StaffId(2)],
            dsl: vec![StaffId(6)],
            safeguarding_team: vec![StaffId(6), StaffId(7)],
            headteachers: vec![StaffId(5)],
            ..VisitPeople::default()
        }
    }

    fn who(rs: &[RecipientRef]) -> Vec<(i64, Recipient)> {
        rs.iter().map(|r| (r.staff.0, r.because)).collect()
    }

    #[test]
    fn levels_fire_in_order_as_time_passes() {
        let ladder = ladder_for(AlarmKind::OverdueReturn, &reach2_ladder());
        let raised = at(11, 35);
        let due = |now| levels_due(&ladder, AlarmKind::OverdueReturn, raised, now);
        assert_eq!(due(at(11, 34)), Vec::<usize>::new());
        assert_eq!(due(at(11, 35)), vec![0]);
        assert_eq!(due(at(11, 50)), vec![0, 1, 2]);
        assert_eq!(due(at(12, 0)), vec![0, 1, 2, 3]);
        let next =
            |fired: &[usize]| next_level_at(&ladder, AlarmKind::OverdueReturn, raised, fired);
        assert_eq!(next(&[]), Some(at(11, 35)));
        assert_eq!(next(&[0, 1]), Some(at(11, 50)));
        assert_eq!(next(&[0, 1, 2, 3]), None);
    }

    #[test]
    fn duress_goes_straight_to_the_top_level() {
        let policy = reach2_ladder();
        assert_eq!(
            levels_due(&policy, AlarmKind::Duress, at(11, 0), at(11, 0)),
            vec![3]
        );
        assert_eq!(
            next_level_at(&policy, AlarmKind::Duress, at(11, 0), &[]),
            Some(at(11, 0))
        );
        assert_eq!(
            next_level_at(&policy, AlarmKind::Duress, at(11, 0), &[3]),
            None
        );

        let ladder = ladder_for(AlarmKind::Duress, &policy);
        assert_eq!(ladder.len(), 1);
        assert!(ladder[0].information_pack && ladder[0].instruction.contains("999"));
        let told = who(&resolve_recipients(&ladder[0], &people()));
        assert_eq!(&told[..2], &[(3, Recipient::Buddy), (4, Recipient::Office)]);
        assert!(
            told.iter().all(|(id, _)| *id != 1 && *id != 2),
            "silent to the visitors"
        );
    }

    #[test]
    fn a_child_alone_goes_to_the_dsl_and_safeguarding_team_at_once() {
        let ladder = ladder_for(AlarmKind::ChildAlone, &reach2_ladder());
        assert_eq!(
            levels_due(&ladder, AlarmKind::ChildAlone, at(10, 0), at(10, 0)),
            vec![0]
        );
        assert!(
            ladder[0]
                .instruction
                .starts_with("Contact the safeguarding team")
        );
        let told = who(&resolve_recipients(&ladder[0], &people()));
        assert_eq!(
            told,
            vec![
                (6, Recipient::Dsl),
                (7, Recipient::SafeguardingTeam),
                (3, Recipient::Buddy)
            ]
        );
    }

    #[test]
    fn a_missing_buddy_falls_back_to_the_office() {
        let level = &reach2_ladder()[1]; // buddy and office
        let mut p = people();
        p.buddy = None;
        p.office = vec![StaffId(4), StaffId(8)];
        assert_eq!(
            who(&resolve_recipients(level, &p)),
            vec![(4, Recipient::Office), (8, Recipient::Office)]
        );
    }

    #[test]
    fn each_person_is_told_once_and_never_asked_to_look_for_themselves() {
        let level = &reach2_ladder()[3]; // senior leader, DSL, headteacher
        assert_eq!(
            who(&resolve_recipients(level, &people())),
            vec![(5, Recipient::SeniorLeader), (6, Recipient::Dsl)]
        );
    }

    #[test]
    fn a_rung_that_names_nobody_on_record_tells_the_office_and_head() {
        let level = &reach2_ladder()[2];
        let p = VisitPeople {
            office: vec![StaffId(4)],
            headteachers: vec![StaffId(9)],
            ..VisitPeople::default()
        };
        assert_eq!(
            who(&resolve_recipients(level, &p)),
            vec![(4, Recipient::Office), (9, Recipient::Headteacher)]
        );
    }
}
