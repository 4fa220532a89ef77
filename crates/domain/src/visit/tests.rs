//! The visit state machine walked step by step: every transition a visit can take, and the
//! refusals naming the steps that are allowed.

use super::*;
use chrono::TimeZone;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 23, 10, 0, 0).unwrap()
}

#[test]
fn an_arrived_visit_cancelled_at_the_door_is_watched_until_back_then_may_be_planned_again() {
    let arrived = VisitState::Arrived { arrived_at: now() };
    let step = VisitStep::CancelAtDoor {
        reason: DoorReason::AnimalsNotSecured,
        note: None,
    };
    let at_door = apply(&arrived, step.clone(), now()).unwrap();
    assert_eq!(at_door.status(), "cancelled_at_door");
    assert!(at_door.is_out(), "staff are still out until they are back");
    let again = VisitStep::Reschedule {
        new_visit: VisitId(9),
    };
    assert!(apply(&at_door, again.clone(), now()).is_err());
    let back = apply(&at_door, VisitStep::Return { at_home: false }, now()).unwrap();
    assert!(!back.is_out());
    assert!(matches!(
        back,
        VisitState::CancelledAtDoor {
            reason: DoorReason::AnimalsNotSecured,
            returned_at: Some(_),
            ..
        }
    ));
    assert_eq!(apply(&back, again, now()).unwrap().status(), "rescheduled");
    // Only from the door: a visit not yet arrived is cancelled the ordinary way.
    let signed_out = VisitState::SignedOut {
        signed_out_at: now(),
    };
    assert!(apply(&signed_out, step, now()).is_err());
}

#[test]
fn a_whole_visit_walks_from_draft_to_completed_record() {
    let staff = StaffId(1);
    let head = StaffId(2);
    let steps = [
        VisitStep::Request { by: staff },
        VisitStep::Authorise { by: head },
        VisitStep::SignOut,
        VisitStep::Arrive,
        VisitStep::LeaveProperty {
            early_for_safety: false,
        },
        VisitStep::Return { at_home: false },
        VisitStep::CompleteRecord,
    ];
    let mut state = VisitState::Draft;
    for step in steps {
        state = apply(&state, step, now()).unwrap();
    }
    assert_eq!(state.status(), "record_completed");
}

#[test]
fn nobody_can_sign_out_before_authorisation_and_the_error_names_the_allowed_steps() {
    let requested = apply(
        &VisitState::Draft,
        VisitStep::Request { by: StaffId(1) },
        now(),
    )
    .unwrap();
    let err = apply(&requested, VisitStep::SignOut, now()).unwrap_err();
    assert_eq!(err.from, "requested");
    assert_eq!(
        err.to_string(),
        "cannot sign out a visit that is requested; from requested the allowed steps are: authorise, decline, request changes, cancel, reschedule"
    );
    assert!(apply(&VisitState::Draft, VisitStep::SignOut, now()).is_err());
}

#[test]
fn nobody_home_still_needs_leaving_and_returning() {
    let mut s = VisitState::SignedOut {
        signed_out_at: now(),
    };
    s = apply(&s, VisitStep::NobodyHome, now()).unwrap();
    assert!(s.is_out());
    assert!(apply(&s, VisitStep::Return { at_home: false }, now()).is_err());
    s = apply(
        &s,
        VisitStep::LeaveProperty {
            early_for_safety: false,
        },
        now(),
    )
    .unwrap();
    s = apply(&s, VisitStep::Return { at_home: true }, now()).unwrap();
    assert!(!s.is_out());
}

#[test]
fn a_finished_record_allows_nothing_more() {
    let done = VisitState::RecordCompleted {
        completed_at: now(),
    };
    let err = apply(&done, VisitStep::Cancel { reason: "x".into() }, now()).unwrap_err();
    assert!(err.to_string().ends_with("none (the visit is finished)"));
}

#[test]
fn states_survive_serialisation() {
    let s = VisitState::Authorised {
        authorised_at: now(),
        authorised_by: StaffId(4),
    };
    let json = serde_json::to_string(&s).unwrap();
    assert!(json.contains("\"status\":\"authorised\""));
    assert_eq!(serde_json::from_str::<VisitState>(&json).unwrap(), s);
}

#[test]
fn a_cancel_at_the_door_sent_twice_is_the_same_cancel_and_a_different_one_is_not() {
    let arrived = VisitState::Arrived { arrived_at: now() };
    let step = VisitStep::CancelAtDoor {
        reason: DoorReason::ChildAlone,
        note: Some("Two children, no adult".into()),
    };
    let at_door = apply(&arrived, step.clone(), now()).unwrap();
    assert!(at_door.repeats(&step));
    let other = VisitStep::CancelAtDoor {
        reason: DoorReason::AnimalsNotSecured,
        note: None,
    };
    assert!(!at_door.repeats(&other));
    assert!(!arrived.repeats(&step));
    let back = apply(&at_door, VisitStep::Return { at_home: false }, now()).unwrap();
    assert!(
        back.repeats(&step),
        "a late resend after the return changes nothing either"
    );
}

#[test]
fn a_visit_on_the_way_turns_back_is_watched_until_back_then_may_be_planned_again() {
    let signed_out = VisitState::SignedOut {
        signed_out_at: now(),
    };
    assert!(signed_out.allowed_steps().contains(&"turn back"));
    let step = VisitStep::TurnBack {
        reason: "Road closed".into(),
    };
    let turned = apply(&signed_out, step.clone(), now()).unwrap();
    assert_eq!(turned.status(), VisitStatus::TurnedBack);
    assert!(turned.is_out(), "staff are still out until they are back");
    assert!(
        turned.repeats(&step),
        "the same tap sent again changes nothing"
    );
    let err = apply(&turned, VisitStep::Arrive, now()).unwrap_err();
    assert_eq!(err.allowed, vec!["back at school or home safe"]);
    let later = now() + chrono::Duration::minutes(20);
    let back = apply(&turned, VisitStep::Return { at_home: true }, later).unwrap();
    assert!(!back.is_out());
    assert!(matches!(
        &back,
        VisitState::TurnedBack { reason, returned_at: Some(at), .. }
            if reason == "Road closed" && *at == later
    ));
    let again = VisitStep::Reschedule {
        new_visit: VisitId(9),
    };
    assert_eq!(
        apply(&back, again, later).unwrap().status(),
        VisitStatus::Rescheduled
    );
    // Only on the way: at the house the visit is called off at the door instead.
    let arrived = VisitState::Arrived { arrived_at: now() };
    assert!(apply(&arrived, step, now()).is_err());
}

#[test]
fn left_before_arrived_is_refused_where_arrival_is_required_and_allowed_where_optional() {
    let signed_out = VisitState::SignedOut {
        signed_out_at: now(),
    };
    let left = VisitStep::LeaveProperty {
        early_for_safety: false,
    };
    let err = apply_under(&signed_out, left.clone(), now(), ArrivalRule::Required).unwrap_err();
    assert_eq!(err.allowed, vec!["arrived", "nobody home", "turn back"]);
    assert!(apply(&signed_out, left.clone(), now()).is_err());

    let next = apply_under(&signed_out, left, now(), ArrivalRule::Optional).unwrap();
    assert_eq!(next.status(), "left_property");
    assert!(
        signed_out
            .allowed_steps_under(ArrivalRule::Optional)
            .contains(&"left the property")
    );
    // Optional does not open any other shortcut: a drafted visit still cannot be left.
    let draft = apply_under(
        &VisitState::Draft,
        VisitStep::LeaveProperty {
            early_for_safety: false,
        },
        now(),
        ArrivalRule::Optional,
    );
    assert!(draft.is_err());
}
