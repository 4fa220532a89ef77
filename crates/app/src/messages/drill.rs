//! A drill's messages (#11 item 9): the real rung's messages with "DRILL" at the start of every
//! subject, body and text, so nobody can take a practice alarm for a real one.

use super::{Composed, Links, Whereabouts};
use domain::VisitId;

/// What a practice visit is called in a drill's messages (#11 item 9): it has no pupil, no
/// household and no address.
pub const PRACTICE_VISIT_WORDS: &str = "Practice visit (drill)";

/// The visit number a practice visit's messages are composed with; [`practice`] replaces it.
pub const PRACTICE_VISIT: VisitId = VisitId(0);

const PRACTICE_FAMILY: &str = "PRACTICE-VISIT";

/// Where a practice visit is in its messages: nowhere (no household); [`practice`] words it.
pub fn practice_whereabouts() -> Whereabouts {
    Whereabouts {
        place: None,
        family: PRACTICE_FAMILY.to_string(),
    }
}

/// A rung's message composed for a practice visit, in a practice visit's words: "Practice visit
/// (drill)" where a visit's number and family would be, and the link to the drills page where
/// the information pack's would be (a practice visit has none).
pub fn practice(message: Composed, links: &Links) -> Composed {
    let pack = links.pack(PRACTICE_VISIT);
    let drills = format!("{}/drills", links.base());
    let words = |text: String| {
        text.replace(&pack, &drills)
            .replace(&format!("{PRACTICE_FAMILY} family"), PRACTICE_VISIT_WORDS)
            .replace(&format!("Visit {PRACTICE_VISIT}:"), "Practice visit:")
    };
    Composed {
        subject: words(message.subject),
        body: words(message.body),
        sms: words(message.sms),
    }
}

/// What a drill's police-contact rung carries instead of the information pack. A drill is never
/// read to the police, and the pack names a child and gives an address: it stays behind sign-in.
pub const DRILL_PACK: &str = "DRILL: practice only. Do not phone the police. In a real alarm the \
information pack for the police would be here; a drill never sends it.\n";

/// The rung's message marked as a drill: "DRILL" leads the subject, the long form and the SMS.
pub fn marked(message: Composed) -> Composed {
    Composed {
        subject: format!("DRILL — {}", message.subject),
        body: format!(
            "DRILL — practice alarm, not a real emergency. Acknowledge it as you would a real \
             one; do not phone the police.\n\n{}",
            message.body
        ),
        sms: format!("DRILL {}", message.sms),
    }
}

/// An update about an alarm (acknowledged, resolved), marked when the alarm is a drill.
pub fn subject(drill: bool, subject: String) -> String {
    if drill {
        format!("DRILL — {subject}")
    } else {
        subject
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_form_of_a_drill_message_starts_with_drill() {
        let m = marked(Composed {
            subject: "ALARM: Missed check-in".into(),
            body: "Missed check-in".into(),
            sms: "ALARM 1/4".into(),
        });
        assert!(m.subject.starts_with("DRILL"));
        assert!(m.body.starts_with("DRILL"));
        assert!(m.sms.starts_with("DRILL ALARM"));
    }
}
