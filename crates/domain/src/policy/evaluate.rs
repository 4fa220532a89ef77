//! The evaluator: every unmet rule for a visit at a stage, each with its requirement id and a
//! sentence a headteacher would understand. It never stops at the first problem.

mod buddy;
mod staffing;
mod travel;

use super::{CodeWordRule, PolicySettings, RiskAssessmentRequiredFor};
use crate::ids::CautionFlagId;
use crate::risk::RiskLevel;
use crate::roles::RoleSet;
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

/// When the policy is applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// Staff ask for the visit.
    Request,
    /// An authoriser approves it.
    Authorise,
    /// Staff leave school (the office log).
    SignOut,
}

/// One rule the visit does not meet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Unmet {
    /// The brief's requirement id, e.g. "P12".
    pub requirement: &'static str,
    /// The setting that holds the rule, e.g. "staffing.minimum".
    pub rule: &'static str,
    pub why: String,
    /// The policy advises rather than requires this rule: a typed reason lets the visit go ahead.
    pub advisory: bool,
}

pub(super) fn unmet(
    requirement: &'static str,
    rule: &'static str,
    why: impl Into<String>,
) -> Unmet {
    Unmet {
        requirement,
        rule,
        why: why.into(),
        advisory: false,
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Appointment {
    Agreed,
    Unannounced { reason: String },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VisitorFacts {
    pub name: String,
    pub roles: RoleSet,
    pub has_mobile: bool,
    pub acknowledged_risk_assessment: bool,
}

/// P5: the buddy named on the plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuddyFacts {
    pub name: String,
    pub roles: RoleSet,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RiskFacts {
    pub risk_after_controls: RiskLevel,
    pub signed_off: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VehicleFacts {
    pub registration: String,
    pub driver_name: String,
    pub licence_expires: Option<NaiveDate>,
    pub mot_expires: Option<NaiveDate>,
    pub insurance_expires: Option<NaiveDate>,
    pub business_insurance: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransportFacts {
    pub pupil_age_years: Option<u32>,
    pub pupil_height_cm: Option<u32>,
    pub car_seat: bool,
    pub rear_seat: bool,
}

/// Everything the policy looks at, gathered by the caller from the plan and the records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VisitFacts {
    pub reason_category: String,
    /// P2: `Some(false)` means "no, they cannot come in".
    pub parents_could_come_in: Option<bool>,
    pub appointment: Appointment,
    pub visitors: Vec<VisitorFacts>,
    pub first_visit_to_household: bool,
    /// The household's latest risk assessment, if any.
    pub risk_assessment: Option<RiskFacts>,
    pub joint_with_agency: bool,
    pub planned_leave_school: DateTime<Utc>,
    pub planned_leave_property: DateTime<Utc>,
    /// P5: the buddy at school, `None` when the plan names none.
    pub buddy: Option<BuddyFacts>,
    pub has_code_word: bool,
    /// Someone is at school for the whole visit to back up and be reported back to.
    pub backup_at_school: bool,
    pub vehicle: Option<VehicleFacts>,
    pub transport: Option<TransportFacts>,
    pub household_blocked: bool,
    pub caution_flags: Vec<CautionFlagId>,
    pub caution_flags_acknowledged: Vec<CautionFlagId>,
    /// At authorisation: the roles of the person authorising.
    pub authoriser_roles: Option<RoleSet>,
    pub open_safety_concerns: u32,
}

/// Every rule of `policy` that `visit` does not meet at `stage`. `today` is the school's date now.
pub fn evaluate(
    policy: &PolicySettings,
    visit: &VisitFacts,
    stage: Stage,
    today: NaiveDate,
) -> Vec<Unmet> {
    let mut out = Vec::new();
    check_plan(policy, visit, &mut out);
    staffing::check_staffing(policy, visit, &mut out);
    super::calendar::check_visit(
        policy,
        visit.planned_leave_school,
        visit.planned_leave_property,
        &mut out,
    );
    check_risk_assessment(policy, visit, stage, &mut out);
    travel::check_travel(policy, visit, stage, today, &mut out);
    if visit.household_blocked {
        out.push(unmet(
            "P10",
            "household.block_after_aggression",
            "This household is blocked after an aggressive incident: a senior leader must review the case before a new appointment.",
        ));
    }
    if stage != Stage::Request && visit.open_safety_concerns > 0 {
        out.push(unmet(
            "P11",
            "safety_concerns",
            format!(
                "{} safety concern(s) raised by staff must be dealt with before the visit goes ahead.",
                visit.open_safety_concerns
            ),
        ));
    }
    if stage == Stage::Authorise {
        check_authoriser(policy, visit, &mut out);
    }
    super::advisory::mark(policy, &mut out);
    out
}

fn check_plan(policy: &PolicySettings, visit: &VisitFacts, out: &mut Vec<Unmet>) {
    if policy.category(&visit.reason_category).is_none() {
        let known: Vec<_> = policy
            .reason_categories
            .iter()
            .map(|c| c.label.as_str())
            .collect();
        out.push(unmet(
            "P1",
            "reason_categories",
            format!(
                "'{}' is not a reason this school's policy lists ({}).",
                visit.reason_category,
                known.join("; ")
            ),
        ));
    }
    if policy.ask_parents_come_in_first {
        match visit.parents_could_come_in {
            None => out.push(unmet("P2", "ask_parents_come_in_first", "Say whether the parents could come into school instead.")),
            Some(true) => out.push(unmet(
                "P2",
                "ask_parents_come_in_first",
                "The parents could come into school instead: arrange a meeting at school rather than a visit.",
            )),
            Some(false) => {}
        }
    }
    if policy.unannounced_needs_reason
        && matches!(&visit.appointment, Appointment::Unannounced { reason } if reason.trim().is_empty())
    {
        out.push(unmet(
            "P4",
            "unannounced_needs_reason",
            "An unannounced visit must record why the family was not told.",
        ));
    }
    buddy::check_buddy(policy, visit, out);
    let code_word_needed = match policy.buddy.code_word {
        CodeWordRule::Always => true,
        CodeWordRule::WhenPaired => visit.visitors.len() >= 2,
        CodeWordRule::Optional => false,
    };
    if code_word_needed && !visit.has_code_word {
        out.push(unmet(
            "P5",
            "buddy.code_word",
            "Agree a code word or phrase to say you need help.",
        ));
    }
    for v in visit.visitors.iter().filter(|v| !v.has_mobile) {
        out.push(unmet(
            "P6",
            "visitors.mobile",
            format!(
                "{} has no mobile number on file; every visitor carries a phone.",
                v.name
            ),
        ));
    }
}

fn check_risk_assessment(
    policy: &PolicySettings,
    visit: &VisitFacts,
    stage: Stage,
    out: &mut Vec<Unmet>,
) {
    let rule = &policy.risk_assessment;
    let required = match rule.required_for {
        RiskAssessmentRequiredFor::Never => false,
        RiskAssessmentRequiredFor::FirstVisit => {
            visit.first_visit_to_household || rule.repeat_visits_need_one_on_file
        }
        RiskAssessmentRequiredFor::EveryVisit => true,
    };
    if !required {
        return;
    }
    match &visit.risk_assessment {
        None => {
            let why = if visit.first_visit_to_household {
                "A first visit to a household needs a completed risk assessment."
            } else {
                "A risk assessment for this household must be on file and reviewed before the visit."
            };
            out.push(unmet("P8", "risk_assessment.required_for", why));
        }
        Some(ra) => {
            if stage != Stage::Request && !ra.signed_off {
                let who: Vec<_> = rule.sign_off_roles.iter().map(|r| r.title()).collect();
                out.push(unmet(
                    "P8",
                    "risk_assessment.sign_off_roles",
                    format!(
                        "The risk assessment must be signed off by {} first.",
                        who.join(" or ")
                    ),
                ));
            }
            if stage == Stage::SignOut && rule.staff_must_acknowledge {
                for v in visit
                    .visitors
                    .iter()
                    .filter(|v| !v.acknowledged_risk_assessment)
                {
                    out.push(unmet(
                        "P8",
                        "risk_assessment.staff_must_acknowledge",
                        format!(
                            "{} has not yet confirmed reading the risk assessment.",
                            v.name
                        ),
                    ));
                }
            }
        }
    }
}

fn check_authoriser(policy: &PolicySettings, visit: &VisitFacts, out: &mut Vec<Unmet>) {
    match &visit.authoriser_roles {
        Some(roles) if policy.may_authorise(roles) => {}
        _ => {
            let who: Vec<_> = policy
                .authorisation
                .roles
                .iter()
                .map(|r| r.title())
                .collect();
            out.push(unmet(
                "P9",
                "authorisation.roles",
                format!("Only {} may authorise a visit.", who.join(" or ")),
            ));
        }
    }
    if policy.authorisation.caution_flags_must_be_acknowledged {
        let missing = visit
            .caution_flags
            .iter()
            .filter(|f| !visit.caution_flags_acknowledged.contains(f))
            .count();
        if missing > 0 {
            out.push(unmet(
                "P10",
                "authorisation.caution_flags_must_be_acknowledged",
                format!("{missing} caution flag(s) on this household must be acknowledged by the authoriser."),
            ));
        }
    }
}
