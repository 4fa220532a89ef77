//! Settings a school submits are checked as a whole before they are stored; the first problem
//! is named by its setting (e.g. `check_in.interval_minutes`), in the words the editor shows.

use super::{BuddyRule, PolicySettings, Recipient, RiskAssessmentRequiredFor};
use crate::inputs::FieldError;

/// The longest policy title (`name`), in characters (C6).
pub const NAME_MAX_CHARS: usize = 120;
/// The longest free text of a policy (the slip's wording, an instruction), in characters:
/// a few paragraphs, so a page or a message still reads whole.
pub const TEXT_MAX_CHARS: usize = 1000;

/// A problem when `text` (the setting at `path`, called `what`) is longer than `max` characters,
/// worded as the title's limit is.
fn too_long(path: &str, text: &str, what: &str, max: usize) -> Result<(), FieldError> {
    let long = text.chars().count();
    if long > max {
        return Err(FieldError::new(
            path,
            format!("is {long} characters long; {what} has at most {max}"),
        ));
    }
    Ok(())
}

impl PolicySettings {
    /// Settings a school submits are checked as a whole; the first problem is named.
    pub fn check(&self) -> Result<(), FieldError> {
        // Every whole number first, each within its own limit (records access, the second
        // factor, the review, staff counts, minutes): see [`super::limits`].
        self.check_numbers()?;
        if self.name.trim().is_empty() {
            return Err(FieldError::new("name", "must not be empty"));
        }
        // The title heads every page and document of the policy: one line, a title's length.
        if self.name.contains(['\n', '\r']) {
            return Err(FieldError::new(
                "name",
                "must be one line: the policy's title, without line breaks",
            ));
        }
        let long = self.name.chars().count();
        if long > NAME_MAX_CHARS {
            return Err(FieldError::new(
                "name",
                format!("is {long} characters long; a policy title has at most {NAME_MAX_CHARS}"),
            ));
        }
        // The chair sees "waiting for approval by" this name: it must say who.
        if self.approver.trim().is_empty() {
            return Err(FieldError::new(
                "approver",
                "must not be empty: name who approves changes to the policy, like the chair of governors",
            ));
        }
        too_long("approver", &self.approver, "who approves", NAME_MAX_CHARS)?;
        self.check_texts()?;
        if self.timezone.parse::<chrono_tz::Tz>().is_err() {
            return Err(FieldError::new(
                "timezone",
                format!("'{}' is not a time zone, e.g. Europe/London", self.timezone),
            ));
        }
        if self.reason_categories.is_empty() {
            return Err(FieldError::new(
                "reason_categories",
                "list at least one reason for a visit",
            ));
        }
        let mut keys: Vec<_> = self
            .reason_categories
            .iter()
            .map(|c| c.key.as_str())
            .collect();
        keys.sort();
        if keys.windows(2).any(|w| w[0] == w[1]) {
            return Err(FieldError::new(
                "reason_categories",
                "each reason needs its own key",
            ));
        }
        self.check_reasons()?;
        self.calendar.check()?;
        self.check_advisory()?;
        self.slip.check()?;
        for kind in self.alarm_instructions.keys() {
            let known = crate::monitor::AlarmKind::ALL;
            if !known.iter().any(|k| k.as_str() == kind) {
                let names: Vec<_> = known.iter().map(|k| k.as_str()).collect();
                return Err(FieldError::new(
                    format!("alarm_instructions.{kind}"),
                    format!("'{kind}' is not an alarm; alarms: {}", names.join(", ")),
                ));
            }
        }
        if self.authorisation.roles.is_empty() {
            return Err(FieldError::new(
                "authorisation.roles",
                "name at least one role who may authorise visits",
            ));
        }
        if let Some(r) = self
            .buddy
            .roles
            .iter()
            .find(|r| BuddyRule::NOT_AT_SCHOOL.contains(r))
        {
            return Err(FieldError::new(
                "buddy.roles",
                format!(
                    "{} is not based at school, so cannot be the buddy: tick roles of staff at school, or none for any of them",
                    r.title()
                ),
            ));
        }
        for lead in &self.staffing.category_leads {
            if !keys.contains(&lead.category.as_str()) {
                return Err(FieldError::new(
                    "staffing.category_leads",
                    format!("'{}' is not one of the reason categories", lead.category),
                ));
            }
        }
        if self.risk_assessment.required_for != RiskAssessmentRequiredFor::Never
            && self.risk_assessment.sign_off_roles.is_empty()
        {
            return Err(FieldError::new(
                "risk_assessment.sign_off_roles",
                "name who signs risk assessments off",
            ));
        }
        if self.check_in.remind_before_minutes >= self.check_in.interval_minutes {
            return Err(FieldError::new(
                "check_in.remind_before_minutes",
                "must be shorter than the check-in interval",
            ));
        }
        if self.escalation.is_empty() {
            return Err(FieldError::new(
                "escalation",
                "an overdue visitor must alert somebody: add a level",
            ));
        }
        // Rungs are numbered from 1 as the form shows them.
        if let Some(i) = self
            .escalation
            .windows(2)
            .position(|w| w[0].after_minutes >= w[1].after_minutes)
        {
            let (before, rung) = (i + 1, i + 2);
            // The ladder as a whole is out of order; the words name the rung to move.
            return Err(FieldError::new(
                "escalation",
                format!(
                    "Rung {rung}: must come after rung {before}'s minutes (more than {})",
                    self.escalation[i].after_minutes
                ),
            ));
        }
        if self
            .escalation
            .iter()
            .any(|l| l.notify.is_empty() || l.channels.is_empty())
        {
            return Err(FieldError::new(
                "escalation",
                "every level needs recipients and channels",
            ));
        }
        if self.safety_responders.is_empty() {
            return Err(FieldError::new(
                "safety_responders",
                "name who is told when nobody has acknowledged an alarm, e.g. the office, the DSL and the headteacher",
            ));
        }
        if self.safety_responders.contains(&Recipient::Visitors) {
            return Err(FieldError::new(
                "safety_responders",
                "the visitors are the people missing: name who looks for them instead",
            ));
        }
        Ok(())
    }

    /// The free texts of a policy each within [`TEXT_MAX_CHARS`] (the title has its own limit).
    fn check_texts(&self) -> Result<(), FieldError> {
        too_long(
            "slip.wording",
            &self.slip.wording,
            "the slip's wording",
            TEXT_MAX_CHARS,
        )?;
        if let Some(u) = &self.slip.unanswered {
            too_long(
                "slip.unanswered.instruction",
                &u.instruction,
                "the instruction",
                TEXT_MAX_CHARS,
            )?;
        }
        for (i, rung) in self.escalation.iter().enumerate() {
            let n = i + 1;
            too_long(
                &format!("escalation[{n}].instruction"),
                &rung.instruction,
                "a rung's instruction",
                TEXT_MAX_CHARS,
            )
            .map_err(|e| FieldError::new(e.field, format!("Rung {n}: {}", e.reason)))?;
        }
        for (kind, text) in &self.alarm_instructions {
            too_long(
                &format!("alarm_instructions.{kind}"),
                text,
                "an alarm's instruction",
                TEXT_MAX_CHARS,
            )?;
        }
        for (i, c) in self.reason_categories.iter().enumerate() {
            too_long(
                &format!("reasons[{}].label", i + 1),
                &c.label,
                "a reason's name",
                NAME_MAX_CHARS,
            )?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use crate::policy::presets::preset;

    #[test]
    fn an_empty_approver_and_an_overlong_slip_are_refused_naming_them() {
        let mut p = preset("harton").expect("preset");
        p.approver = " ".into();
        let e = p.check().expect_err("no approver");
        assert_eq!(e.field, "approver");
        assert!(e.reason.contains("must not be empty"), "{}", e.reason);

        let mut p = preset("harton").expect("preset");
        p.slip.wording = "x".repeat(5000);
        let e = p.check().expect_err("a long slip");
        assert_eq!(e.field, "slip.wording");
        assert_eq!(
            e.reason,
            "is 5000 characters long; the slip's wording has at most 1000"
        );
    }

    #[test]
    fn a_rung_out_of_order_is_named_by_its_number() {
        let mut p = preset("harton").expect("preset");
        p.escalation[2].after_minutes = p.escalation[1].after_minutes;
        let e = p.check().expect_err("out of order");
        assert_eq!(e.field, "escalation");
        assert!(
            e.reason
                .starts_with("Rung 3: must come after rung 2's minutes"),
            "{}",
            e.reason
        );
    }
}
