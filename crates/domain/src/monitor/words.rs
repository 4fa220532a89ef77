//! What an alarm's messages call it, for each kind and each audience (tester C10): a visitor
//! reminded to leave the property is not told they missed a check-in, and a duress alarm is
//! never named to the visitors (covert, D4) but is plain to the office.

use super::AlarmKind;
use crate::policy::Recipient;

/// Who reads an alarm's message: the words differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Audience {
    /// The staff on the visit: what they must do now, never that a duress alarm was raised.
    Visitors,
    /// The buddy, who phones the visitors first (REAch2: "the allocated buddy must make all
    /// reasonable attempts to contact each staff member").
    Buddy,
    /// Everyone else at school told by the ladder: the office, leaders, the DSL, the head.
    Office,
}

impl Audience {
    /// The audience of someone a ladder rung names.
    pub fn of(because: Recipient) -> Audience {
        match because {
            Recipient::Visitors => Audience::Visitors,
            Recipient::Buddy => Audience::Buddy,
            _ => Audience::Office,
        }
    }

    pub const ALL: [Audience; 3] = [Audience::Visitors, Audience::Buddy, Audience::Office];
}

impl AlarmKind {
    /// The alarm's title in a message to `audience`: the head of the text and the e-mail subject.
    /// Visitors read what to do about their own visit; duress reads as an ordinary message from
    /// school to them (they are never sent one: see [`super::ladder_for`]), and as "Duress code
    /// word used" to everyone at school.
    pub fn title_for(self, audience: Audience) -> &'static str {
        use AlarmKind as K;
        use Audience as A;
        match (self, audience) {
            (K::MissedCheckIn, A::Visitors) => {
                "you have missed a check-in: tap I'm OK if you are safe"
            }
            (K::MissedCheckIn, A::Buddy) => "missed check-in: phone the visiting staff now",
            (K::MissedCheckIn, A::Office) => "missed check-in",
            (K::OverdueArrival, A::Visitors) => {
                "no word that you have arrived: tap Arrived if you are safe"
            }
            (K::OverdueArrival, A::Buddy) => "no word of arrival: phone the visiting staff now",
            (K::OverdueArrival, A::Office) => "no word of arrival",
            (K::OverdueLeaving, A::Visitors) => {
                "you were due to leave the property: tap Left the property if you are safe"
            }
            (K::OverdueLeaving, A::Buddy) => {
                "not left the property on time: phone the visiting staff now"
            }
            (K::OverdueLeaving, A::Office) => "not left the property on time",
            (K::OverdueReturn, A::Visitors) => {
                "you were due back: tap Back at school or Home safe if you are safe"
            }
            (K::OverdueReturn, A::Buddy) => "not back on time: phone the visiting staff now",
            (K::OverdueReturn, A::Office) => "not back on time",
            (K::Duress, A::Visitors) => "message from school",
            (K::Duress, A::Buddy | A::Office) => "duress code word used: staff need help now",
            (K::Panic, A::Visitors) => "your panic alarm has been sent to school",
            (K::Panic, A::Buddy | A::Office) => "panic button pressed: staff need help now",
            (K::ChildInDanger, A::Visitors) => "your report of a child in danger has been sent",
            (K::ChildInDanger, A::Buddy | A::Office) => "child in immediate danger at a visit",
            (K::ChildAlone | K::NotInvitedIn | K::AnimalsNotSecured, A::Visitors) => {
                "your report has been sent to the safeguarding team"
            }
            (K::ChildAlone, A::Buddy | A::Office) => "child alone or unsupervised at a visit",
            (K::NotInvitedIn, A::Buddy | A::Office) => "not invited in by a responsible adult",
            (K::AnimalsNotSecured, A::Buddy | A::Office) => "animals not secured at a visit",
            (K::SlipDeadlinePassed, _) => "no reply to the Home Visit Slip in time",
        }
    }
}

impl AlarmKind {
    /// The heading of the red box on Today for an overdue alarm: the visitors' own card, or the
    /// buddy's card of the visit. Other kinds have no such box; their label stands in.
    pub fn heading_on_today(self, audience: Audience) -> &'static str {
        use AlarmKind as K;
        match (self, audience) {
            (K::MissedCheckIn, Audience::Visitors) => "Check-in missed.",
            (K::MissedCheckIn, _) => "The visitors have missed a check-in.",
            (K::OverdueArrival, Audience::Visitors) => "No word that you have arrived.",
            (K::OverdueArrival, _) => "No word that the visitors have arrived.",
            (K::OverdueLeaving, Audience::Visitors) => "Not left the property on time.",
            (K::OverdueLeaving, _) => "The visitors have not left the property on time.",
            (K::OverdueReturn, Audience::Visitors) => "Not back on time.",
            (K::OverdueReturn, _) => "The visitors are not back on time.",
            _ => self.label(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_kind_has_its_own_words_for_each_audience() {
        for kind in AlarmKind::ALL {
            for audience in Audience::ALL {
                assert!(!kind.title_for(audience).is_empty());
            }
            if kind != AlarmKind::MissedCheckIn {
                for audience in Audience::ALL {
                    assert!(
                        !kind.title_for(audience).contains("missed a check-in"),
                        "{}",
                        kind.as_str()
                    );
                }
            }
        }
        let leaving = AlarmKind::OverdueLeaving;
        assert!(
            leaving
                .title_for(Audience::Visitors)
                .contains("leave the property")
        );
        assert_ne!(
            leaving.title_for(Audience::Buddy),
            leaving.title_for(Audience::Office)
        );
    }

    #[test]
    fn today_names_the_deadline_that_was_missed() {
        let leaving = AlarmKind::OverdueLeaving;
        assert_eq!(
            leaving.heading_on_today(Audience::Visitors),
            "Not left the property on time."
        );
        assert!(
            !leaving
                .heading_on_today(Audience::Buddy)
                .contains("check-in")
        );
        assert_eq!(
            AlarmKind::MissedCheckIn.heading_on_today(Audience::Visitors),
            "Check-in missed."
        );
    }

    #[test]
    fn duress_is_covert_to_the_visitors_and_plain_to_school() {
        let to_visitors = AlarmKind::Duress
            .title_for(Audience::Visitors)
            .to_lowercase();
        for giveaway in ["duress", "code word", "help", "alarm"] {
            assert!(!to_visitors.contains(giveaway), "{to_visitors}");
        }
        assert!(
            AlarmKind::Duress
                .title_for(Audience::Office)
                .starts_with("duress code word used")
        );
        assert_eq!(Audience::of(Recipient::Visitors), Audience::Visitors);
        assert_eq!(Audience::of(Recipient::Dsl), Audience::Office);
    }
}
