//! Counting a school's report facts into the governors' report: visits by reason and by how they
//! ended, lone and paired, authorised and declined, alarms and how soon they were acknowledged,
//! slips, incidents and blocks. Labels only, never a child's name and never free text (declined
//! visits are counted by their reason category).

use super::{
    AlarmLine, Count, DEFAULT_TERMS_NOTE, GovernorsReport, PolicyLine, SchoolLine, SlipFigures,
    StaffRead,
};
use crate::{App, Result};
use chrono::{DateTime, Utc};
use domain::reports::{ReportRange, median_and_p90};
use domain::visit::VisitStatus;
use domain::{Role, StaffId};
use std::collections::{BTreeMap, HashMap};
use store::{ReportFacts, Staff};

/// Staff went out to the house: signed out and anything after it but calling off.
fn went_out(status: VisitStatus) -> bool {
    use VisitStatus as S;
    matches!(
        status,
        S::SignedOut
            | S::Arrived
            | S::NobodyHome
            | S::LeftProperty
            | S::Returned
            | S::RecordCompleted
    )
}

#[derive(Default)]
pub(super) struct Tally {
    visits: i64,
    by_reason: BTreeMap<String, i64>,
    by_outcome: BTreeMap<&'static str, i64>,
    lone: i64,
    paired: i64,
    authorised: i64,
    declined: i64,
    declined_reasons: BTreeMap<String, i64>,
    ack_minutes: BTreeMap<String, (i64, Vec<i64>)>,
    acknowledged_by: BTreeMap<&'static str, i64>,
    slips: SlipFigures,
    incidents: BTreeMap<String, i64>,
    incidents_blocking: i64,
    blocked_now: i64,
    blocked_in_range: i64,
    actions_overdue: i64,
    roles: HashMap<i64, &'static str>,
}

/// How a visit ended, in the school's words (never the outcome's free text, which may name the
/// child).
fn outcome_label(status: VisitStatus) -> &'static str {
    use VisitStatus as S;
    match status {
        S::Returned | S::RecordCompleted | S::LeftProperty => "visit made",
        S::NobodyHome => "nobody home (slip left)",
        S::SignedOut | S::Arrived => "staff out now",
        S::Declined => "declined",
        S::Cancelled => "cancelled",
        S::Rescheduled => "rescheduled",
        S::TurnedBack => "turned back before reaching the house",
        S::Draft | S::Requested | S::ChangesRequested | S::Authorised | S::CancelledAtDoor => {
            "not yet made"
        }
    }
}

/// The role an acknowledger is counted under: their most senior one.
fn role_label(staff: &Staff) -> &'static str {
    const ORDER: [(Role, &str); 10] = [
        (Role::Headteacher, "headteacher"),
        (Role::Dsl, "DSL"),
        (Role::SafeguardingTeam, "safeguarding team"),
        (Role::SeniorLeader, "senior leader"),
        (Role::TrustAdmin, "trust administrator"),
        (Role::Office, "office"),
        (Role::AttendanceLead, "attendance lead"),
        (Role::Ewo, "EWO"),
        (Role::VisitingStaff, "visiting staff"),
        (Role::ChairOfGovernors, "chair of governors"),
    ];
    ORDER
        .iter()
        .find(|(r, _)| staff.roles.has(*r))
        .map_or("other staff", |(_, l)| l)
}

impl Tally {
    pub(super) async fn add(
        &mut self,
        app: &App,
        f: &ReportFacts,
        labels: &HashMap<String, String>,
        now: DateTime<Utc>,
    ) -> Result<()> {
        for v in &f.visits {
            self.visits += 1;
            let reason = labels
                .get(&v.reason_category)
                .cloned()
                .unwrap_or_else(|| v.reason_category.replace('_', " "));
            *self.by_reason.entry(reason.clone()).or_default() += 1;
            *self.by_outcome.entry(outcome_label(v.status)).or_default() += 1;
            if went_out(v.status) {
                if v.staff_count <= 1 {
                    self.lone += 1;
                } else {
                    self.paired += 1;
                }
            }
            if v.authorised {
                self.authorised += 1;
            }
            if v.status == VisitStatus::Declined {
                self.declined += 1;
                // By the visit's reason category, never the decider's words: free text can
                // name an adult or give an address that no list of pupils' names catches.
                *self.declined_reasons.entry(reason).or_default() += 1;
            }
        }
        for a in &f.alarms {
            let kind = a.kind.label().to_string();
            let line = self.ack_minutes.entry(kind).or_default();
            line.0 += 1;
            if let (Some(at), Some(by)) = (a.acknowledged_at, a.acknowledged_by) {
                line.1.push((at - a.raised_at).num_minutes());
                let role = match self.roles.get(&by) {
                    Some(r) => *r,
                    None => {
                        let r = role_label(&app.db().staff(StaffId(by)).await?);
                        self.roles.insert(by, r);
                        r
                    }
                };
                *self.acknowledged_by.entry(role).or_default() += 1;
            }
        }
        for s in &f.slips {
            self.slips.left += 1;
            match s.responded_at {
                Some(at) if at <= s.respond_by => self.slips.answered_by_deadline += 1,
                None if s.respond_by > now => self.slips.waiting += 1,
                _ => self.slips.unanswered_by_deadline += 1,
            }
        }
        for i in &f.incidents {
            *self
                .incidents
                .entry(i.kind.as_str().replace('_', " "))
                .or_default() += 1;
            if i.household_blocked {
                self.incidents_blocking += 1;
            }
        }
        self.blocked_now += f.households_blocked_now;
        self.blocked_in_range += f.households_blocked_in_range;
        self.actions_overdue += f.actions_overdue;
        Ok(())
    }

    pub(super) fn finish(
        self,
        title: String,
        range: ReportRange,
        is_term: bool,
        now: DateTime<Utc>,
        policies: Vec<PolicyLine>,
        schools: Vec<SchoolLine>,
    ) -> GovernorsReport {
        fn counts<K: ToString>(m: BTreeMap<K, i64>) -> Vec<Count> {
            m.into_iter()
                .map(|(label, count)| Count {
                    label: label.to_string(),
                    count,
                })
                .collect()
        }
        let alarms = self
            .ack_minutes
            .into_iter()
            .map(|(kind, (raised, minutes))| {
                let pct = median_and_p90(&minutes);
                AlarmLine {
                    kind,
                    raised,
                    acknowledged: minutes.len() as i64,
                    median_minutes: pct.map(|p| p.0),
                    p90_minutes: pct.map(|p| p.1),
                }
            })
            .collect();
        GovernorsReport {
            title,
            range,
            terms_note: is_term.then(|| DEFAULT_TERMS_NOTE.to_string()),
            generated_at: now,
            visits: self.visits,
            visits_by_reason: counts(self.by_reason),
            visits_by_outcome: counts(self.by_outcome),
            lone_visits: self.lone,
            paired_visits: self.paired,
            authorised: self.authorised,
            declined: self.declined,
            declined_reasons: counts(self.declined_reasons),
            alarms,
            acknowledged_by: counts(self.acknowledged_by),
            slips: self.slips,
            incidents_by_kind: counts(self.incidents),
            incidents_blocking: self.incidents_blocking,
            households_blocked_now: self.blocked_now,
            households_blocked_in_range: self.blocked_in_range,
            actions_overdue: self.actions_overdue,
            staff_read: policies.iter().fold(StaffRead::default(), |mut all, p| {
                all.add(p.staff_read);
                all
            }),
            policies,
            schools,
        }
    }
}
