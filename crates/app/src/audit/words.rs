//! The audit trail's action keys in plain words (D5): `visit.authorised` reads "authorised a
//! visit", `visit.read_with_code_word` "read a visit with its code word". The key itself stays
//! in the trail, `GET /api/audit` and every export; these words are for the page.

/// The words for an audit `action` key, as "who did what": lower case, no full stop, e.g.
/// "authorised a visit". An action with no words of its own (one added later and not yet
/// worded here) is shown as its key, so nothing in the trail is ever hidden.
pub fn action_words(action: &str) -> String {
    known(action)
        .map(str::to_string)
        .or_else(|| import_words(action))
        .unwrap_or_else(|| action.to_string())
}

/// Whether `action` has words of its own rather than the fallback (its key).
pub fn has_words(action: &str) -> bool {
    known(action).is_some() || import_words(action).is_some()
}

/// `import.<what>.<add|change|left>` (one row per change an import made) and `import.<file>`.
fn import_words(action: &str) -> Option<String> {
    let rest = action.strip_prefix("import.")?;
    let what = |w: &str| match w {
        "pupil" => Some("a pupil"),
        "household" => Some("a household"),
        "contact" => Some("a household contact"),
        "staff" => Some("a member of staff"),
        _ => None,
    };
    match rest.split_once('.') {
        None => match rest {
            "ctf" => Some("imported a Common Transfer File (CTF)".into()),
            "staff" => Some("imported a staff list (CSV)".into()),
            _ => None,
        },
        Some((w, "add")) => what(w).map(|w| format!("added {w} by import")),
        Some((w, "change")) => what(w).map(|w| format!("changed {w} by import")),
        Some((w, "left")) => what(w).map(|w| format!("marked {w} as left by import")),
        Some(_) => None,
    }
}

fn known(action: &str) -> Option<&'static str> {
    Some(match action {
        // A visit's life.
        "visit.create" => "planned a visit",
        "visit.update" => "changed a visit's plan",
        "visit.reschedule" => "moved a visit to another time",
        "visit.revisit" => "planned a follow-up visit",
        "visit.requested" => "asked for a visit to be authorised",
        "visit.authorised" | "visit.authorise" => "authorised a visit",
        "visit.declined" => "declined a visit",
        "visit.changes_requested" => "asked for changes to a visit",
        "visit.signed_out" => "signed out for a visit",
        "visit.arrived" => "arrived at the house",
        "visit.nobody_home" => "found nobody home",
        "visit.turned_back" => "turned back before the house",
        "visit.left_property" => "left the house",
        "visit.returned" => "returned from a visit",
        "visit.cancelled" => "cancelled a visit",
        "visit.cancelled_at_door" => "ended a visit at the door",
        "visit.record_completed" => "completed a visit's record",
        "visit.outcome_recorded" => "recorded a visit's outcome",
        "visit.outcome_changed" => "changed a visit's outcome",
        "visit.check_in" => "checked in from a visit",
        "visit.extend" => "asked for more time on a visit",
        "visit.buddy_handover" => "handed over as a visit's buddy",
        "visit.action_added" => "added a follow-up action",
        "visit.slip_left" => "left a Home Visit Slip",
        "visit.slip_answered" => "recorded the family's answer to a slip",
        "visit.safety_concern.raise" => "raised a safety concern on a visit",
        "visit.safety_concern.resolve" => "resolved a safety concern on a visit",
        "visit.read" => "read a visit",
        "visit.read_with_code_word" => "read a visit with its code word",
        "visit.information_pack.read" => "read a visit's information pack",
        "visit.child_missing_pack.read" => "read a child-missing pack",
        "visits.export_read" => "exported visits",
        // Alarms raised from the phone (one per alarm kind) and on the board.
        "visit.panic" => "pressed the panic button",
        "visit.panic_pressed" => "pressed the panic button",
        "visit.panic_cancelled" => "cancelled a panic alarm",
        "visit.duress" => "used the duress code word",
        "visit.child_alone" => "reported a child alone",
        "visit.child_in_danger" => "reported a child in danger",
        "visit.not_invited_in" => "reported not being invited in",
        "visit.animals_not_secured" => "reported animals not secured",
        "visit.missed_check_in" => "missed a check-in",
        "visit.overdue_arrival" => "was overdue arriving",
        "visit.overdue_leaving" => "was overdue leaving the house",
        "visit.overdue_return" => "was overdue returning",
        "visit.slip_deadline_passed" => "let a slip's deadline pass unanswered",
        "alarm.acknowledge" => "took charge of an alarm",
        "alarm.resolve" => "resolved an alarm",
        "drill.start" => "started a drill",
        "drill.end" => "ended a drill",
        "drill.acknowledge" => "took charge of a drill alarm",
        "drill.report.read" => "read a drill report",
        // Records and reads.
        "visit_record.read" => "read a visit record",
        "visit_record.pdf_read" => "downloaded a visit record (PDF)",
        "slip.read" => "read a Home Visit Slip",
        "slip.pdf_read" => "downloaded a Home Visit Slip (PDF)",
        "action.done" => "marked a follow-up action done",
        "calendar_link.create" => "made a calendar link",
        "calendar_link.revoke" => "stopped a calendar link",
        "report.read" => "read a report",
        "sms.received" => "received a text message",
        // Pupils, households and safeguarding.
        "pupil.create" => "added a pupil",
        "pupil.read" => "read a pupil's record",
        "pupil.read_refused" => "was refused a pupil's record",
        "pupil.break_glass" => "opened a pupil's record in an emergency",
        "pupil.involvement_granted" => "was given access to a pupil's record",
        "pupil.involvement_revoked" => "had access to a pupil's record taken away",
        "break_glass.list_read" => "read the emergency access list",
        "household.create" => "added a household",
        "household.read" => "read a household",
        "household.read_for_planning" => "read a household to plan a visit",
        "household.review" => "reviewed a household's cautions",
        "household.block" => "stopped visits to a household",
        "household.caution.add" => "added a caution to a household",
        "household.member.add" => "added someone to a household",
        "chronology.read" => "read a pupil's chronology",
        "chronology.pdf_read" => "downloaded a pupil's chronology (PDF)",
        "safeguarding_concern.raise" => "raised a safeguarding concern",
        "safeguarding_concern.read" => "read a safeguarding concern",
        "safeguarding_concern.list_read" => "read the safeguarding concerns",
        "safeguarding_concern.acknowledge" => "acknowledged a safeguarding concern",
        "head_only_record.create" => "made a record only the head reads",
        "head_only_record.read" => "read a record only the head reads",
        "head_only_record.list_read" => "read the records only the head reads",
        "head_only_record.close" => "closed a record only the head reads",
        "incident.record" => "recorded an incident",
        "incident.read" => "read an incident",
        "incident.update" => "changed an incident",
        "incident.share" => "shared an incident",
        "risk_assessment.create" => "wrote a risk assessment",
        "risk_assessment.read" => "read a risk assessment",
        "risk_assessment.list" => "read the risk assessments",
        "risk_assessment.sign_off" => "signed off a risk assessment",
        "risk_assessment.acknowledge" => "acknowledged a risk assessment",
        "audit_trail.viewed" => "read the audit trail",
        "audit_trail.pupil_viewed" => "read a pupil's audit trail",
        // Policy and the school.
        "policy.draft" => "drafted a policy change",
        "policy.approve" => "approved a policy change",
        "policy.withdraw" => "withdrew a policy change",
        "policy.trust" => "changed the trust's policy",
        "policy.adopt_trust" => "asked to adopt the trust's policy",
        "policy.acknowledge" => "confirmed reading the policy",
        "school.create" => "added a school",
        "vehicle.add" => "added a vehicle",
        "sso.settings_set" => "set up single sign-on",
        "sso.settings_changed" => "changed single sign-on",
        "sso.settings_cleared" => "turned off single sign-on",
        // People and signing in.
        "staff.create" => "added a member of staff",
        "staff.line_manager" => "changed a line manager",
        "staff.password_changed" => "changed a password",
        "staff.duress_pin.set" => "set a duress PIN",
        "role.grant_requested" => "asked for a role to be given",
        "role.grant_approved" => "approved giving a role",
        "role.grant_refused" => "refused giving a role",
        "password.reset_requested" => "asked to reset a password",
        "password.reset_issued" => "issued a password reset",
        "password.reset" => "reset a password",
        "session.login" => "signed in",
        "session.login_sso" => "signed in with the school's account",
        "session.login_failed" => "failed to sign in",
        "session.sso_refused" => "was refused signing in with the school's account",
        "session.locked" => "was locked out after failed sign-ins",
        "session.logout" => "signed out of Doorstep",
        "session.others_ended" => "ended their other sessions",
        "session.ended_by_holder" => "ended a session",
        "second_factor.enrolled" => "set up a second sign-in step",
        "second_factor.step_up" => "confirmed a second sign-in step",
        "second_factor.step_up_failed" => "failed a second sign-in step",
        "second_factor.recovery_code_used" => "used a recovery code",
        "second_factor.paused" => "was paused after wrong codes",
        "second_factor.reset" => "reset a second sign-in step",
        _ => return None,
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // a panic is how a test fails
mod tests {
    use super::*;
    use std::path::Path;

    /// Dotted strings in the code that are settings or form fields, not audit actions.
    const NOT_ACTIONS: &[&str] = &[
        "acknowledgement.before_sign_out",
        "appointment.agenda",
        "appointment.reason",
        "doorstep.harton.sch.uk",
        "j.smithxxx",
        "practice.buddy_staff_id",
        "practice.visitor_ids",
        "transport.pupil_age_years",
        "transport.pupil_height_cm",
    ];

    fn is_action_like(s: &str) -> bool {
        s.contains('.')
            && !s.starts_with('.')
            && !s.ends_with('.')
            && !s.contains("..")
            && s.chars()
                .all(|c| c.is_ascii_lowercase() || c == '_' || c == '.')
    }

    /// The action-like string literals of a source file, or of every file under a folder.
    fn literals_in(path: &Path, out: &mut Vec<String>) {
        if path.is_dir() {
            for entry in std::fs::read_dir(path).unwrap() {
                literals_in(&entry.unwrap().path(), out);
            }
        } else if path.extension().is_some_and(|e| e == "rs") {
            let text = std::fs::read_to_string(path).unwrap();
            out.extend(
                text.split('"')
                    .skip(1)
                    .step_by(2)
                    .filter(|s| is_action_like(s))
                    .map(str::to_string),
            );
        }
    }

    #[test]
    fn every_action_written_anywhere_has_words() {
        // Every literal action key in the use cases (where the trail is written) and the
        // command line's export, then the keys made at run time: `visit.<event>` for each step
        // of a visit, `visit.<alarm kind>` for each alarm raised from the phone, imports.
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut actions = Vec::new();
        literals_in(&root.join("src"), &mut actions);
        literals_in(&root.join("../doorstep/src/export.rs"), &mut actions);
        actions.retain(|a| !NOT_ACTIONS.contains(&a.as_str()));
        assert!(actions.len() > 80, "only {} actions found", actions.len());
        for event in [
            "requested",
            "authorised",
            "declined",
            "changes_requested",
            "signed_out",
            "arrived",
            "nobody_home",
            "turned_back",
            "left_property",
            "returned",
            "cancelled",
            "cancelled_at_door",
            "record_completed",
            "outcome_recorded",
            "outcome_changed",
        ] {
            actions.push(format!("visit.{event}"));
        }
        for kind in domain::monitor::AlarmKind::ALL {
            actions.push(format!("visit.{}", kind.as_str()));
        }
        for what in ["pupil", "household", "contact", "staff"] {
            for kind in ["add", "change", "left"] {
                actions.push(format!("import.{what}.{kind}"));
            }
        }
        let missing: Vec<&String> = actions.iter().filter(|a| !has_words(a)).collect();
        assert!(missing.is_empty(), "actions without words: {missing:?}");
    }

    #[test]
    fn actions_read_in_plain_words_and_an_unknown_one_shows_its_key() {
        assert_eq!(action_words("visit.authorised"), "authorised a visit");
        assert_eq!(
            action_words("visit.read_with_code_word"),
            "read a visit with its code word"
        );
        assert_eq!(action_words("import.pupil.add"), "added a pupil by import");
        assert_eq!(action_words("something.new"), "something.new");
        assert!(!has_words("import.nonsense.add"));
    }
}
