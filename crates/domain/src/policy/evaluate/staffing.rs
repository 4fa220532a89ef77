//! Staffing rules (P12): how many staff a visit needs (more for a first visit to a household),
//! when one may go alone, the evening rules, and the visits a named role must lead.

use super::{Unmet, VisitFacts, unmet};
use crate::policy::PolicySettings;
use crate::risk::RiskLevel;

pub(super) fn check_staffing(policy: &PolicySettings, visit: &VisitFacts, out: &mut Vec<Unmet>) {
    let staffing = &policy.staffing;
    let count = visit.visitors.len() as u32;
    if count == 0 {
        out.push(unmet(
            "P12",
            "staffing.minimum",
            "Name the staff making the visit.",
        ));
        return;
    }
    let needed = if visit.first_visit_to_household {
        staffing.first_visit_minimum
    } else {
        staffing.minimum
    };
    if count < needed {
        let lone_allowed = count == 1
            && !visit.first_visit_to_household
            && ((staffing.lone_when_joint_with_agency && visit.joint_with_agency)
                || (staffing.lone_when_low_risk_after_controls
                    && visit
                        .risk_assessment
                        .as_ref()
                        .is_some_and(|r| r.signed_off && r.risk_after_controls == RiskLevel::Low)));
        if !lone_allowed {
            let which = if visit.first_visit_to_household {
                "A first visit to a household"
            } else {
                "A visit"
            };
            let mut why =
                format!("{which} needs at least {needed} members of staff; {count} named.");
            if count == 1 && !visit.first_visit_to_household {
                let mut ways = Vec::new();
                if staffing.lone_when_low_risk_after_controls {
                    ways.push("a signed-off risk assessment finds it low risk after controls");
                }
                if staffing.lone_when_joint_with_agency {
                    ways.push("it is a joint visit with another agency");
                }
                if !ways.is_empty() {
                    why.push_str(&format!(
                        " A lone visit is allowed only when {}.",
                        ways.join(" or ")
                    ));
                }
            }
            out.push(unmet("P12", "staffing.minimum", why));
        }
    }
    if let Some(evening) = &staffing.evening {
        let span = (visit.planned_leave_school, visit.planned_leave_property);
        let alone = count == 1 && !visit.joint_with_agency;
        crate::policy::evening::check(
            evening,
            policy.tz(),
            span,
            alone,
            visit.backup_at_school,
            out,
        );
    }
    crate::policy::reasons::check_reason_staffing(policy, visit, out);
    for lead in staffing
        .category_leads
        .iter()
        .filter(|l| l.category == visit.reason_category)
    {
        if !visit.visitors.iter().any(|v| v.roles.has(lead.role)) || count < lead.minimum_staff {
            let label = policy
                .category(&lead.category)
                .map_or(lead.category.as_str(), |c| c.label.as_str());
            out.push(unmet(
                "P12",
                "staffing.category_leads",
                format!(
                    "A '{label}' visit is made by {} with at least {} staff in all.",
                    lead.role.title(),
                    lead.minimum_staff
                ),
            ));
        }
    }
}
