//! P5: a buddy at school is named when the policy requires one, and holds one of the roles the
//! policy lists for the buddy (`buddy.roles`; none listed: any member of staff at school).

use super::{PolicySettings, Unmet, VisitFacts, unmet};

/// Pushes `buddy.required` when no buddy is named and the policy requires one, and
/// `buddy.roles` when the named buddy holds none of the roles the policy lists.
pub(super) fn check_buddy(policy: &PolicySettings, visit: &VisitFacts, out: &mut Vec<Unmet>) {
    match &visit.buddy {
        None if policy.buddy.required => out.push(unmet(
            "P5",
            "buddy.required",
            "Name a buddy at school who is reachable for the whole visit.",
        )),
        Some(b) if !policy.buddy.allows(&b.roles) => {
            let who: Vec<_> = policy.buddy.roles.iter().map(|r| r.title()).collect();
            out.push(unmet(
                "P5",
                "buddy.roles",
                format!(
                    "Only {} may be the buddy at school; {} is not: choose another buddy.",
                    who.join(" or "),
                    b.name
                ),
            ));
        }
        _ => {}
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // a panic is how a test fails
mod tests {
    use super::*;
    use crate::policy::BuddyFacts;
    use crate::policy::presets::{names, preset};
    use crate::{Role, RoleSet};

    fn buddy(name: &str, roles: &[Role]) -> Option<BuddyFacts> {
        Some(BuddyFacts {
            name: name.into(),
            roles: RoleSet::new(roles.to_vec()),
        })
    }

    fn unmet_for(policy: &PolicySettings, named: Option<BuddyFacts>) -> Vec<Unmet> {
        let mut out = Vec::new();
        let at = chrono::DateTime::UNIX_EPOCH;
        let visit = VisitFacts {
            reason_category: "attendance_concern".into(),
            parents_could_come_in: Some(false),
            appointment: crate::policy::Appointment::Agreed,
            visitors: vec![],
            first_visit_to_household: false,
            risk_assessment: None,
            joint_with_agency: false,
            planned_leave_school: at,
            planned_leave_property: at,
            buddy: named,
            has_code_word: true,
            backup_at_school: true,
            vehicle: None,
            transport: None,
            household_blocked: false,
            caution_flags: vec![],
            caution_flags_acknowledged: vec![],
            authoriser_roles: None,
            open_safety_concerns: 0,
        };
        check_buddy(policy, &visit, &mut out);
        out
    }

    #[test]
    fn every_preset_lets_any_member_of_staff_at_school_be_the_buddy() {
        for name in names() {
            let p = preset(name).unwrap();
            assert!(p.buddy.roles.is_empty(), "{name}");
            let teacher = buddy("Tess Assistant", &[Role::VisitingStaff]);
            assert!(unmet_for(&p, teacher).is_empty(), "{name}");
        }
    }

    #[test]
    fn a_buddy_without_a_listed_role_is_unmet_naming_the_roles_allowed() {
        let mut p = preset("reach2").unwrap();
        p.buddy.roles = vec![Role::Office, Role::SeniorLeader];
        let out = unmet_for(&p, buddy("Tess Assistant", &[Role::VisitingStaff]));
        assert_eq!(out.len(), 1, "{out:?}");
        assert_eq!((out[0].requirement, out[0].rule), ("P5", "buddy.roles"));
        assert_eq!(
            out[0].why,
            "Only office staff or a senior leader may be the buddy at school; Tess Assistant is not: choose another buddy."
        );
        assert!(unmet_for(&p, buddy("Olive Office", &[Role::Office])).is_empty());
        let both = buddy("Sam Deputy", &[Role::VisitingStaff, Role::SeniorLeader]);
        assert!(unmet_for(&p, both).is_empty());
        // "Ideally a member of SLT": advisory, it is marked so and a reason lets it through.
        p.advisory_rules = vec!["buddy.roles".into()];
        assert!(p.check().is_ok());
        let mut marked = unmet_for(&p, buddy("Tess Assistant", &[Role::VisitingStaff]));
        crate::policy::advisory::mark(&p, &mut marked);
        assert!(marked[0].advisory, "{marked:?}");
        // No buddy named: only `buddy.required` speaks (REAch2 requires one).
        let none = unmet_for(&p, None);
        assert_eq!(none.len(), 1);
        assert_eq!(none[0].rule, "buddy.required");
    }

    #[test]
    fn buddy_roles_come_from_toml_and_only_roles_based_at_school_are_accepted() {
        let p = preset("harton").unwrap();
        let toml = crate::policy::presets::to_toml(&p);
        assert!(
            toml.contains("roles = []"),
            "exported as an empty list: {toml}"
        );
        let with = |roles: &str| {
            toml.replacen("[buddy]\n", &format!("[buddy]\nroles = {roles}\n"), 1)
                .replacen("roles = []\n", "", 1)
        };
        let read = PolicySettings::from_toml(&with(r#"["office", "senior_leader"]"#)).unwrap();
        assert_eq!(read.buddy.roles, [Role::Office, Role::SeniorLeader]);
        let e = PolicySettings::from_toml(&with(r#"["caretaker"]"#)).unwrap_err();
        assert!(e.field.starts_with("buddy.roles"), "{e:?}");
        let e = PolicySettings::from_toml(&with(r#"["ewo"]"#)).unwrap_err();
        assert_eq!(e.field, "buddy.roles");
        assert!(e.reason.contains("not based at school"), "{e:?}");
    }
}
