//! What a card on Today offers, from the visit's status and who is looking, and which card's
//! help bar is pinned to the screen.

use super::*;

impl Card {
    pub(super) fn out(&self) -> bool {
        self.status.is_under_way() || self.walking_away()
    }
    /// D6: cancelled at the door, or A9: turned back on the way, and not yet back.
    pub(super) fn walking_away(&self) -> bool {
        called_off(self.status) && self.watched
    }
    /// A9: on the way and not yet at the house.
    pub(super) fn can_turn_back(&self) -> bool {
        self.status == VisitStatus::SignedOut && self.i_visit
    }
    pub(super) fn can_cancel_at_door(&self) -> bool {
        self.status == VisitStatus::Arrived && self.i_visit
    }
    /// Back from a visit called off at the door or on the way: it may be planned again.
    pub(super) fn may_reschedule(&self) -> bool {
        called_off(self.status) && !self.watched && self.i_visit
    }
    pub(super) fn can_sign_out(&self) -> bool {
        self.status == VisitStatus::Authorised && self.i_visit
    }
    pub(super) fn can_arrive(&self) -> bool {
        self.status == VisitStatus::SignedOut && self.i_visit
    }
    pub(super) fn can_leave(&self) -> bool {
        let from_signed_out = self.status == VisitStatus::SignedOut && self.arrival_optional;
        (matches!(self.status, VisitStatus::Arrived | VisitStatus::NobodyHome) || from_signed_out)
            && self.i_visit
    }
    pub(super) fn can_return(&self) -> bool {
        (self.status == VisitStatus::LeftProperty || self.walking_away()) && self.i_visit
    }
    pub(super) fn observations(&self) -> [(&'static str, &'static str); 4] {
        [
            ("child_alone", "A child is alone or unsupervised"),
            (
                "child_in_danger",
                "A child is in immediate danger (call 999)",
            ),
            ("not_invited_in", "Not invited in by a responsible adult"),
            ("animals_not_secured", "Animals not put away"),
        ]
    }
    pub(super) fn extend_choices(&self) -> Vec<(u32, bool)> {
        let mut mins = vec![15, 30, 45, 60];
        if !mins.contains(&self.extend_minutes) {
            mins.push(self.extend_minutes);
            mins.sort_unstable();
        }
        mins.into_iter()
            .map(|m| (m, m == self.extend_minutes))
            .collect()
    }
}

/// The visit whose help bar (I'm OK, Panic, Call 999) is pinned to the bottom of the screen,
/// and how many more visits I am out on (their bars stay on their own cards, so there is one
/// Panic per visit). Of the visits I am out on: a missed check-in first, then a panic already
/// sent, then the house I am at, then the soonest time I owe (check-in, leaving the house,
/// being back). 0: none.
pub(super) fn help_bar(cards: &[Card]) -> (i64, usize) {
    let mine: Vec<&Card> = cards.iter().filter(|c| c.out() && c.i_visit).collect();
    let soonest = |c: &Card| {
        [&c.next_due, &c.leave_by, &c.back_by]
            .into_iter()
            .flatten()
            .map(|d| d.at)
            .min()
    };
    let pinned = mine
        .iter()
        .min_by_key(|c| {
            (
                c.missed.is_none(),
                c.help.is_none(),
                !matches!(c.status, VisitStatus::Arrived | VisitStatus::NobodyHome),
                // None sorts first in an Option: owing nothing sorts after owing anything.
                soonest(c).is_none(),
                soonest(c),
                c.id,
            )
        })
        .map_or(0, |c| c.id);
    (pinned, mine.len().saturating_sub(1))
}

/// Called off after leaving school (D6 at the door, A9 on the way): watched until back.
pub(super) fn called_off(status: VisitStatus) -> bool {
    matches!(
        status,
        VisitStatus::CancelledAtDoor | VisitStatus::TurnedBack
    )
}
