//! A visit's steps in the words the pages use (its status has `VisitStatus::label`).

pub(super) fn step_label(step: &str) -> String {
    match step {
        "planned" => "Planned".into(),
        "plan_changed" => "Plan changed".into(),
        "requested" => "Authorisation requested".into(),
        "authorised" => "Authorised".into(),
        "declined" => "Declined".into(),
        "changes_requested" => "Changes asked for".into(),
        "signed_out" => "Signed out of school".into(),
        "arrived" => "Arrived".into(),
        "nobody_home" => "Nobody home".into(),
        "left_property" => "Left the house".into(),
        "returned" => "Back".into(),
        "record_completed" => "Record completed".into(),
        "cancelled" => "Cancelled".into(),
        "cancelled_at_door" => "Cancelled at the door".into(),
        "turned_back" => "Turned back — did not reach the house".into(),
        "alarm_received" => "Alarm tapped with no signal reached school".into(),
        "rescheduled" => "Rescheduled".into(),
        "safety_concern_raised" => "Safety concern raised".into(),
        "safety_concern_resolved" => "Safety concern dealt with".into(),
        other => other.replace('_', " "),
    }
}
