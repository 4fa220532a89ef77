//! What the buddies and the visitors are told when the buddy role is handed over (#11 item 10):
//! who the buddy is now and their mobile, so the visitors know whom to phone. Like every text,
//! it names no child and gives no address: the place and the family in a word.

use super::{Composed, Whereabouts, gsm7};

/// The facts of one hand-over.
pub struct HandOverFacts<'a> {
    /// The buddy who handed over (`None` if the visit had none).
    pub from: Option<&'a str>,
    pub to: &'a str,
    pub to_mobile: &'a str,
    /// When, on the school's clock ("16:40").
    pub at: &'a str,
    pub whereabouts: &'a Whereabouts,
}

/// "Buddy handed over from Lina Liaison to Tess Assistant at 16:40": the visit's history line.
pub fn summary(f: &HandOverFacts<'_>) -> String {
    match f.from {
        Some(from) => format!("Buddy handed over from {from} to {} at {}", f.to, f.at),
        None => format!("Buddy handed over to {} at {}", f.to, f.at),
    }
}

/// The message to the old and new buddy and the visitors: in-app in full, and a one-segment
/// GSM-7 text where the names allow (accented letters transliterated).
pub fn hand_over(f: &HandOverFacts<'_>) -> Composed {
    let body = format!(
        "{}. The buddy for the {} is now {}: phone {} if you need help.",
        summary(f),
        f.whereabouts,
        f.to,
        f.to_mobile
    );
    let sms = gsm7::transliterate(&format!(
        "Doorstep: buddy for {} is now {}, {} (from {}).",
        f.whereabouts.compact(),
        f.to,
        f.to_mobile,
        f.at
    ));
    Composed {
        subject: "Buddy handed over".into(),
        body,
        sms,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::recorded::Recorded;

    #[test]
    fn the_text_names_the_new_buddy_and_mobile_and_fits_one_segment() {
        let w = Whereabouts::of(
            "Wiśniewski",
            "3 Marsden Lane, Harton",
            &Recorded::from_stored("NE34 6AA"),
        );
        let m = hand_over(&HandOverFacts {
            from: Some("Lina Liaison"),
            to: "Łukasz Nowak",
            to_mobile: "07700900777",
            at: "16:40",
            whereabouts: &w,
        });
        assert_eq!(gsm7::segments(&m.sms), Some(1), "{}", m.sms);
        assert!(m.sms.contains("Lukasz Nowak, 07700900777"), "{}", m.sms);
        assert!(
            !m.sms.contains("Marsden"),
            "no address in a text: {}",
            m.sms
        );
        assert!(
            m.body
                .starts_with("Buddy handed over from Lina Liaison to Łukasz Nowak at 16:40."),
            "{}",
            m.body
        );
    }
}
