//! Cancel at the door (D6, SEN Trust Southend; St Joseph's "During the Visit"): why staff at the
//! door did not go in, and which of those reasons the school's policy names, with its words.

use crate::policy::PolicySettings;
use serde::{Deserialize, Serialize};

/// Why an arrived visit was called off at the door.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DoorReason {
    /// SEN Trust Southend: animals not kept in a separate room as asked.
    AnimalsNotSecured,
    /// St Joseph's: "Do not enter the premises unless invited in by a responsible adult."
    NoResponsibleAdult,
    /// St Joseph's: a child on the premises unsupervised by a responsible adult.
    ChildAlone,
    /// Anything else, said in the note.
    Other,
}

impl DoorReason {
    pub const ALL: [DoorReason; 4] = [
        DoorReason::AnimalsNotSecured,
        DoorReason::NoResponsibleAdult,
        DoorReason::ChildAlone,
        DoorReason::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            DoorReason::AnimalsNotSecured => "animals_not_secured",
            DoorReason::NoResponsibleAdult => "no_responsible_adult",
            DoorReason::ChildAlone => "child_alone",
            DoorReason::Other => "other",
        }
    }

    /// How staff say it.
    pub fn label(self) -> &'static str {
        match self {
            DoorReason::AnimalsNotSecured => "Animals not secured",
            DoorReason::NoResponsibleAdult => "No responsible adult to invite us in",
            DoorReason::ChildAlone => "A child is at home alone",
            DoorReason::Other => "Other (say why)",
        }
    }

    /// The key as sent by the door screen or the API; `None` for anything else.
    pub fn parse(key: &str) -> Option<DoorReason> {
        DoorReason::ALL.into_iter().find(|r| r.as_str() == key)
    }
}

/// One reason offered at the door, with what the policy says to do, in the school's words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct DoorOption {
    pub reason: DoorReason,
    pub label: &'static str,
    /// The policy's instruction for this reason, when it has one.
    pub policy_says: Option<&'static str>,
}

/// The reasons the door screen offers under `policy`: animals only where the policy asks for
/// them to be secured (`animals.must_be_secured`), with its instruction to cancel when the adult
/// refuses (`animals.cancel_if_refused`); the others always, a child alone with the instruction
/// to ring the school at once.
pub fn door_options(policy: &PolicySettings) -> Vec<DoorOption> {
    let animals = policy.animals.must_be_secured.then(|| DoorOption {
        reason: DoorReason::AnimalsNotSecured,
        label: DoorReason::AnimalsNotSecured.label(),
        policy_says: Some(if policy.animals.cancel_if_refused {
            "Ask for all animals to be kept in a separate room, and cancel the visit if the responsible adult refuses or cannot."
        } else {
            "Ask for all animals to be kept in a separate room before you go in."
        }),
    });
    let rest = [
        (DoorReason::NoResponsibleAdult, None),
        (
            DoorReason::ChildAlone,
            Some(
                "Do not go in. Ring the school straight away: the headteacher or the DSL decides what happens next.",
            ),
        ),
        (DoorReason::Other, None),
    ];
    animals
        .into_iter()
        .chain(rest.into_iter().map(|(reason, policy_says)| DoorOption {
            reason,
            label: reason.label(),
            policy_says,
        }))
        .collect()
}

impl super::VisitState {
    /// True when `step` is the very step that brought the visit here: the phone's offline queue
    /// sends a cancel at the door (or a turn back) again after a lost answer, and the second
    /// send must change nothing and not be refused. Only these repeat; other steps answer which
    /// steps are allowed.
    pub fn repeats(&self, step: &super::VisitStep) -> bool {
        use super::{VisitState as S, VisitStep as E};
        match (self, step) {
            (
                S::CancelledAtDoor { reason, note, .. },
                E::CancelAtDoor {
                    reason: again,
                    note: again_note,
                },
            ) => reason == again && note == again_note,
            (S::TurnedBack { reason, .. }, E::TurnBack { reason: again }) => reason == again,
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::presets::preset;

    #[test]
    fn animals_are_offered_where_the_policy_asks_for_them_secured_with_its_instruction() {
        let sen = door_options(&preset("sen-trust-southend").unwrap());
        assert_eq!(sen[0].reason, DoorReason::AnimalsNotSecured);
        assert!(
            sen[0]
                .policy_says
                .unwrap()
                .contains("cancel the visit if the responsible adult refuses")
        );
        // Harton asks for no animals in the room but does not say to cancel.
        let harton = door_options(&preset("harton").unwrap());
        assert_eq!(harton[0].reason, DoorReason::AnimalsNotSecured);
        assert!(!harton[0].policy_says.unwrap().contains("cancel"));
        // St Joseph's says nothing about animals: not offered.
        let st_josephs = door_options(&preset("st-josephs").unwrap());
        assert!(
            st_josephs
                .iter()
                .all(|o| o.reason != DoorReason::AnimalsNotSecured)
        );
        assert_eq!(st_josephs.len(), 3);
    }

    #[test]
    fn reasons_read_back_from_their_keys() {
        for r in DoorReason::ALL {
            assert_eq!(DoorReason::parse(r.as_str()), Some(r));
        }
        assert_eq!(DoorReason::parse("dog"), None);
    }
}
