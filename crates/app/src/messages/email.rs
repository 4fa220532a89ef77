//! The long form of a message, for e-mail, the app and the school's webhook. It names no child
//! and gives no address; the information pack (which does) goes only with the rung the policy
//! marks for the police contact (`information_pack = true` on a ladder level); every other rung
//! carries the link to the pack behind sign-in.

use super::{AlarmFacts, ReminderFacts, capitalised};

/// Subject and body of an alarm rung. `pack`: the information pack's text, given only on the
/// police-contact rung.
pub fn alarm(f: &AlarmFacts<'_>, pack: Option<&str>) -> (String, String) {
    let label = capitalised(f.kind.title_for(f.audience));
    let staff = f.staff.join(" and ");
    let subject = format!("ALARM: {label} — {staff} ({})", f.whereabouts);
    let step = if f.rungs > 1 {
        format!(" (step {} of {})", f.rung + 1, f.rungs)
    } else {
        String::new()
    };
    let mut body = format!(
        "{label}{step}\n\n{}\n\nVisit {}: {staff}, {}.\n",
        f.instruction, f.visit, f.whereabouts
    );
    match pack {
        Some(pack) => {
            body.push_str("\n--- Information pack ---\n");
            body.push_str(pack);
        }
        None => {
            let what = if f.kind == domain::monitor::AlarmKind::SlipDeadlinePassed {
                "The child-missing pack"
            } else {
                "The information pack"
            };
            body.push_str(&format!(
                "\n{what} (sign in to read it): {}\n",
                f.links.for_alarm(f.kind, f.visit)
            ));
        }
    }
    (subject, body)
}

/// Subject and body of a check-in reminder.
pub fn reminder(f: &ReminderFacts<'_>) -> (String, String) {
    let due = f.due.format("%H:%M");
    let subject = format!("Check-in due at {due}");
    let body = format!(
        "Your next check-in for visit {} ({}) is due at {due}. Tap \"I'm OK\", or add {} minutes if you need more time: {}",
        f.visit,
        f.whereabouts,
        f.extend_minutes,
        f.links.today()
    );
    (subject, body)
}
