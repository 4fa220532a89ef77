//! A visit's state machine: one step at a time, under the school's arrival rule.

use super::*;

/// Moves a visit one step, or says which steps are allowed from where it is, where the policy
/// requires the "arrived" tap ("left" before "arrived" is refused). See [`apply_under`].
pub fn apply(
    state: &VisitState,
    step: VisitStep,
    now: DateTime<Utc>,
) -> Result<VisitState, IllegalStep> {
    apply_under(state, step, now, ArrivalRule::Required)
}

/// [`apply`] under the school's arrival rule (#13): where "arrived" is optional, a signed-out
/// visit may go straight to "left the property". Errors: [`IllegalStep`] naming the steps
/// allowed from where the visit is, under that rule.
pub fn apply_under(
    state: &VisitState,
    step: VisitStep,
    now: DateTime<Utc>,
    arrival: ArrivalRule,
) -> Result<VisitState, IllegalStep> {
    use VisitState as S;
    use VisitStep as E;
    let next = match (state, step) {
        (S::SignedOut { .. }, E::LeaveProperty { early_for_safety })
            if arrival == ArrivalRule::Optional =>
        {
            S::LeftProperty {
                left_at: now,
                early_for_safety,
            }
        }
        (S::Draft | S::ChangesRequested { .. }, E::Request { by }) => S::Requested {
            requested_at: now,
            requested_by: by,
        },
        (S::Requested { .. }, E::Authorise { by }) => S::Authorised {
            authorised_at: now,
            authorised_by: by,
        },
        (S::Requested { .. }, E::Decline { by, comment }) => S::Declined {
            decided_at: now,
            decided_by: by,
            comment,
        },
        (S::Requested { .. }, E::RequestChanges { by, comment }) => S::ChangesRequested {
            decided_at: now,
            decided_by: by,
            comment,
        },
        (S::Authorised { .. }, E::SignOut) => S::SignedOut { signed_out_at: now },
        (S::SignedOut { .. }, E::Arrive) => S::Arrived { arrived_at: now },
        (S::SignedOut { .. } | S::Arrived { .. }, E::NobodyHome) => {
            S::NobodyHome { recorded_at: now }
        }
        (S::Arrived { .. } | S::NobodyHome { .. }, E::LeaveProperty { early_for_safety }) => {
            S::LeftProperty {
                left_at: now,
                early_for_safety,
            }
        }
        (S::LeftProperty { .. }, E::Return { at_home }) => S::Returned {
            returned_at: now,
            at_home,
        },
        (S::Arrived { .. }, E::CancelAtDoor { reason, note }) => S::CancelledAtDoor {
            cancelled_at: now,
            reason,
            note,
            returned_at: None,
        },
        (
            S::CancelledAtDoor {
                cancelled_at,
                reason,
                note,
                returned_at: None,
            },
            E::Return { .. },
        ) => S::CancelledAtDoor {
            cancelled_at: *cancelled_at,
            reason: *reason,
            note: note.clone(),
            returned_at: Some(now),
        },
        (S::SignedOut { .. }, E::TurnBack { reason }) => S::TurnedBack {
            turned_back_at: now,
            reason,
            returned_at: None,
        },
        (
            S::TurnedBack {
                turned_back_at,
                reason,
                returned_at: None,
            },
            E::Return { .. },
        ) => S::TurnedBack {
            turned_back_at: *turned_back_at,
            reason: reason.clone(),
            returned_at: Some(now),
        },
        (S::Returned { .. }, E::CompleteRecord) => S::RecordCompleted { completed_at: now },
        (
            S::Draft | S::ChangesRequested { .. } | S::Requested { .. } | S::Authorised { .. },
            E::Cancel { reason },
        ) => S::Cancelled {
            cancelled_at: now,
            reason,
        },
        (
            S::Requested { .. }
            | S::Authorised { .. }
            | S::Cancelled { .. }
            | S::Declined { .. }
            | S::CancelledAtDoor {
                returned_at: Some(_),
                ..
            }
            | S::TurnedBack {
                returned_at: Some(_),
                ..
            },
            E::Reschedule { new_visit },
        ) => S::Rescheduled {
            rescheduled_at: now,
            new_visit,
        },
        (from, step) => {
            return Err(IllegalStep {
                step: step.name(),
                from: from.status().as_str(),
                allowed: from.allowed_steps_under(arrival),
            });
        }
    };
    Ok(next)
}
