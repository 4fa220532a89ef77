//! The school's main rules in a headteacher's words, for the policy page and the side of the
//! plan form.

use domain::policy::{CodeWordRule, PolicySettings, RiskAssessmentRequiredFor};

fn roles(list: &[domain::Role]) -> String {
    let titles: Vec<&str> = list.iter().map(|r| r.title()).collect();
    match titles.as_slice() {
        [] => "nobody".into(),
        [one] => (*one).into(),
        [rest @ .., last] => format!("{} or {last}", rest.join(", ")),
    }
}

/// The school's main rules in a headteacher's words, for the side of the plan form.
pub fn rules_in_words(p: &PolicySettings) -> Vec<String> {
    let mut out = Vec::new();
    if p.ask_parents_come_in_first {
        out.push("Say first whether the parents could come into school instead.".to_string());
    }
    let staff = |n: u32| match n {
        1 => "1 member of staff".to_string(),
        n => format!("{n} members of staff"),
    };
    out.push(format!(
        "At least {} go; {} on a first visit to a household.",
        staff(p.staffing.minimum),
        staff(p.staffing.first_visit_minimum)
    ));
    if let Some(e) = &p.staffing.evening
        && e.lone_needs_backup_at_school
    {
        out.push(format!(
            "No lone evening visit (from {}) without back-up at school.",
            e.starts.format("%H:%M")
        ));
    }
    if p.buddy.required {
        out.push("Name a buddy at school, reachable for the whole visit.".to_string());
    }
    if !p.buddy.roles.is_empty() {
        out.push(format!("The buddy is {}.", roles(&p.buddy.roles)));
    }
    match p.buddy.code_word {
        CodeWordRule::Always => out.push("Agree a code word.".to_string()),
        CodeWordRule::WhenPaired => {
            out.push("Agree a code word when two or more of you go.".to_string())
        }
        CodeWordRule::Optional => {}
    }
    match p.risk_assessment.required_for {
        RiskAssessmentRequiredFor::Never => {}
        RiskAssessmentRequiredFor::FirstVisit => out.push(format!(
            "A first visit needs a risk assessment, signed off by {}.",
            roles(&p.risk_assessment.sign_off_roles)
        )),
        RiskAssessmentRequiredFor::EveryVisit => out.push(format!(
            "Every visit needs a risk assessment, signed off by {}.",
            roles(&p.risk_assessment.sign_off_roles)
        )),
    }
    if p.unannounced_needs_reason {
        out.push("An unannounced visit records why the family was not told.".to_string());
    }
    out.push(format!(
        "Authorised by {} before anyone leaves.",
        roles(&p.authorisation.roles)
    ));
    out.push(format!(
        "While out, check in every {} minutes.",
        p.check_in.interval_minutes
    ));
    out
}
