//! A visit's steps in the words the pages use (its status has `VisitStatus::label`).

use super::DoneQuery;

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

/// A line of the visit's history: the step's label, or for a buddy hand-over what happened
/// ("Buddy handed over from Lina Liaison to Tess Assistant at 16:40"), and whether someone did it
/// on the buddy's behalf.
pub(super) fn event_label(e: &store::VisitEvent) -> String {
    let detail = e.detail.as_ref().map(|d| &d.0);
    match (e.step.as_str(), detail) {
        ("buddy_handover", Some(d)) => {
            let summary = d["summary"].as_str().unwrap_or("Buddy handed over");
            if d["on_behalf"].as_bool() == Some(true) {
                format!("{summary}, on behalf of the buddy")
            } else {
                summary.to_string()
            }
        }
        (step, _) => step_label(step),
    }
}

/// The line at the top of the page after an action.
pub(super) fn flash(q: &DoneQuery) -> Option<&'static str> {
    if q.saved.is_some() {
        return Some("Saved. The policy check below shows anything still to do.");
    }
    Some(match q.done.as_deref()? {
        "requested" => "Sent for authorisation.",
        "cancelled" => "The visit is cancelled.",
        "concern" => "Your concern is recorded; the visit waits until it is dealt with.",
        "resolved" => "The concern is dealt with.",
        "risk-assessed" => "The risk assessment is saved.",
        "outcome" => "The outcome is recorded on the pupil's chronology.",
        "action" => "The follow-up action is added; its owner is told.",
        "action-done" => "The action is marked done.",
        "nobody-home" => "Recorded that nobody was home. Leave the Home Visit Slip.",
        "slip" => {
            "The slip is recorded. The DSL is alerted if the family has not responded by the deadline."
        }
        "slip-answered" => "The family's response is recorded; the slip's deadline is closed.",
        "safeguarding" => "The concern has gone to the DSL.",
        "phoned-in" => "The phoned-in check-in is recorded.",
        "buddy-handed-over" => {
            "The buddy role is handed over: the new buddy and the visitors have been told."
        }
        "planned-again" => {
            "A new visit is planned, linked to the first. Check it and request authorisation."
        }
        _ => return None,
    })
}

/// A4: "Left the house — Arrived was never tapped" on the step that went past the arrival when
/// nobody tapped "Arrived" (the policy makes it optional), so the record does not read as if the
/// arrival were lost. Other lines are returned as they are.
pub(super) fn with_arrival(label: String, step: &str, arrived_seen: bool) -> String {
    let past = matches!(step, "left_property" | "cancelled_at_door" | "nobody_home");
    match past && !arrived_seen {
        true => format!("{label} — {}", domain::monitor::ARRIVED_NEVER_TAPPED),
        false => label,
    }
}
