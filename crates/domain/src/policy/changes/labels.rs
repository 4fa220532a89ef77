//! What a school calls each setting: the policies' own words for those heads change most, and a
//! name made from the path for the rest, each in whole words ("Slip: hours the family has to
//! answer", never "Slip: response").

use super::strip_unit;

/// Labels for the settings heads change most, in the policies' own words; the rest are named
/// from their path ("Staffing: first visit minimum").
const LABELS: &[(&str, &str)] = &[
    ("name", "Policy title"),
    ("timezone", "Time zone"),
    ("review_every_months", "Review every"),
    ("approver", "Approved by"),
    ("check_in.interval_minutes", "Check-in interval"),
    ("check_in.grace_minutes", "Grace before the alarm"),
    (
        "check_in.remind_before_minutes",
        "Reminder before a check-in",
    ),
    ("check_in.extend_minutes", "Extension asked for"),
    ("check_in.arrived", "Staff tap \"Arrived\" at the house"),
    ("staffing.minimum", "Staff on every visit"),
    ("staffing.first_visit_minimum", "Staff on a first visit"),
    ("buddy.required", "A buddy at school"),
    ("buddy.code_word", "Code word"),
    ("buddy.roles", "Who may be the buddy at school"),
    ("animals.must_be_secured", "Animals put away"),
    (
        "ask_parents_come_in_first",
        "Ask whether parents could come in first",
    ),
    ("unannounced_needs_reason", "An unannounced visit says why"),
    (
        "acknowledgement.before_sign_out",
        "Staff confirm they have read the policy before signing out",
    ),
    (
        "repeat_top_rung_every_minutes",
        "Repeat the top rung of the alarm every",
    ),
    ("safety_responders", "Told by every repeat of the top rung"),
    ("advisory_rules", "Rules that advise rather than require"),
    ("authorisation.roles", "Who authorises a visit"),
    (
        "risk_assessment.sign_off_roles",
        "Who signs off a risk assessment",
    ),
    ("household.review_roles", "Who reviews a blocked household"),
    // Settings that are not numbers whose names end in a unit word: named whole.
    ("calendar.school_days", "Calendar: school days"),
    (
        "calendar.visits_only_on_school_days",
        "Calendar: visits only on school days",
    ),
    (
        "calendar.visits_only_within_working_hours",
        "Calendar: visits only within working hours",
    ),
    (
        "slip.response_hours",
        "Slip: hours the family has to answer",
    ),
    (
        "travel.car_seat_under_years",
        "Travel: a car seat for a child under this age (years)",
    ),
    (
        "travel.car_seat_under_height_cm",
        "Travel: a car seat for a child shorter than (cm)",
    ),
    ("incident_report.due_to", "Incident report: sent to"),
    // Times of day on the school's clock, named as a school says them.
    ("staffing.evening.starts", "Staffing: evening starts"),
    (
        "calendar.working_hours.starts",
        "Calendar: working day starts",
    ),
    ("calendar.working_hours.ends", "Calendar: working day ends"),
    ("slip.respond_by_time", "Slip: reply-by time"),
    (
        "incident_report.working_day_ends",
        "Incident report: working day ends",
    ),
];

/// What a school would call the setting at `path`.
pub fn label(path: &str) -> String {
    if let Some((_, l)) = LABELS.iter().find(|(p, _)| *p == path) {
        return (*l).to_string();
    }
    // The value names a number's unit ("Check-in interval: 30 → 20 minutes").
    named(path, false)
}

/// A refusal of the setting at `path` as the policy form and the JSON API both say it: its
/// label, then the reason ("Check-in interval: must be between 1 and 1440 minutes"). A reason
/// about an entry of a list (`escalation[2].instruction`, "Rung 2: …") or the settings as a whole
/// already says where it is, and is said as it is.
pub fn refusal_words(path: &str, reason: &str) -> String {
    let whole = path.is_empty() || path == "settings";
    if whole || path.contains('[') || reason.starts_with("Rung ") {
        return reason.to_string();
    }
    let label = label(path);
    if reason.starts_with(&format!("{label}: ")) {
        return reason.to_string();
    }
    format!("{label}: {reason}")
}

/// The name of a field inside a list's entry ("after" of a rung), whose value names its unit
/// ("after 60 minutes").
pub(crate) fn entry_label(path: &str) -> String {
    named(path, false)
}

fn named(path: &str, units: bool) -> String {
    // The unit of a number stays, in brackets ("Records access: break glass (minutes)"); only
    // the last part of a path is a number's name.
    let segments: Vec<&str> = path.split('.').collect();
    let last = segments.len().saturating_sub(1);
    let mut parts: Vec<String> = segments
        .iter()
        .enumerate()
        .map(|(i, p)| match strip_unit(p) {
            (name, Some(unit)) if i == last && units => {
                format!("{} ({unit})", name.replace('_', " "))
            }
            (name, Some(_)) if i == last => name.replace('_', " "),
            _ => p.replace('_', " "),
        })
        .collect();
    if let Some(first) = parts.first_mut() {
        let mut c = first.chars();
        if let Some(h) = c.next() {
            *first = h.to_uppercase().chain(c).collect();
        }
    }
    match parts.split_first() {
        Some((section, rest)) if !rest.is_empty() => format!("{section}: {}", rest.join(", ")),
        _ => parts.join(""),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::changes::{SettingValue, settings_by_path};
    use crate::policy::presets;

    /// Every label of every preset keeps each word of its setting's name: a unit stays as
    /// "(hours)", and no yes/no setting loses the end of its name.
    #[test]
    fn every_label_reads_as_whole_words() {
        for name in presets::names() {
            let p = presets::preset(name).expect("preset").with_every_section();
            for (path, value) in settings_by_path(&p) {
                if LABELS.iter().any(|(l, _)| *l == path) {
                    continue;
                }
                let shown = label(&path).to_lowercase();
                let last = path.rsplit('.').next().unwrap_or(&path);
                // Only a number's unit may go: its value says it ("30 minutes").
                let unit = strip_unit(last)
                    .1
                    .filter(|_| matches!(value, SettingValue::Number(_)));
                for word in last.split('_').filter(|w| Some(*w) != unit) {
                    assert!(shown.contains(word), "{path}: {shown}");
                }
            }
        }
        assert_eq!(
            label("calendar.visits_only_on_school_days"),
            "Calendar: visits only on school days"
        );
        assert_eq!(
            label("records_access.break_glass_minutes"),
            "Records access: break glass"
        );
    }
}
