//! One ladder rung and one visit reason as the editor's rows: read from the form, checked with
//! errors named by row, and turned back into policy settings.

use super::*;

impl RungRow {
    pub(super) fn level(&self, errors: &mut Errors) -> Option<EscalationLevel> {
        let n = self.n;
        let field = |k: &str| format!("rungs[{n}].{k}");
        let before = errors.list.len();
        let after = match self.after.trim().parse::<u32>() {
            Ok(m) if m <= 1440 => Some(m),
            Ok(_) => {
                errors.add(
                    &field("after_minutes"),
                    format!("Rung {n}: at most 1440 minutes (a day)"),
                );
                None
            }
            Err(_) if self.after.trim().is_empty() => {
                errors.add(
                    &field("after_minutes"),
                    format!("Rung {n}: enter after how many minutes"),
                );
                None
            }
            Err(_) => {
                errors.add(
                    &field("after_minutes"),
                    format!("Rung {n}: enter a whole number of minutes"),
                );
                None
            }
        };
        let notify: Vec<Recipient> = parse_all(&self.notify);
        if notify.is_empty() {
            errors.add(&field("notify"), format!("Rung {n}: choose who is told"));
        }
        let channels: Vec<Channel> = parse_all(&self.channels);
        if channels.is_empty() {
            errors.add(
                &field("channels"),
                format!("Rung {n}: choose how they are told"),
            );
        }
        let instruction = self.instruction.trim();
        if instruction.is_empty() {
            errors.add(
                &field("instruction"),
                format!("Rung {n}: say what they should do"),
            );
        } else if instruction.chars().count() > 1000 {
            errors.add(
                &field("instruction"),
                format!("Rung {n}: at most 1000 characters"),
            );
        }
        (errors.list.len() == before).then(|| EscalationLevel {
            after_minutes: after.unwrap_or_default(),
            notify,
            channels,
            instruction: instruction.to_string(),
            information_pack: self.pack,
        })
    }
}

impl ReasonRow {
    pub(super) fn reason(
        &self,
        errors: &mut Errors,
    ) -> Option<(ReasonCategory, Option<ReasonDefaults>)> {
        let n = self.n;
        let field = |k: &str| format!("reasons[{n}].{k}");
        let before = errors.list.len();
        let label = self.label.trim();
        if label.is_empty() {
            errors.add(
                &field("label"),
                format!("Reason {n}: give the reason a name"),
            );
        }
        let mut number =
            |k: &str, typed: &str, range: std::ops::RangeInclusive<u32>, what: &str| {
                let typed = typed.trim();
                if typed.is_empty() {
                    return None;
                }
                match typed.parse::<u32>() {
                    Ok(v) if range.contains(&v) => Some(v),
                    _ => {
                        errors.add(
                            &field(k),
                            format!(
                                "Reason {n}: {what} is a whole number from {} to {}",
                                range.start(),
                                range.end()
                            ),
                        );
                        None
                    }
                }
            };
        let visit_minutes = number(
            "visit_minutes",
            &self.minutes,
            5..=480,
            "the usual length in minutes",
        );
        let minimum_staff = number("minimum_staff", &self.staff, 1..=6, "the number of staff");
        let led_by: Vec<Role> = parse_all(&self.led_by);
        if errors.list.len() != before {
            return None;
        }
        let key = if self.key.is_empty() {
            key_from(label)
        } else {
            self.key.clone()
        };
        let defaults = (visit_minutes.is_some() || minimum_staff.is_some() || !led_by.is_empty())
            .then_some(ReasonDefaults {
                visit_minutes,
                minimum_staff,
                led_by,
            });
        Some((
            ReasonCategory {
                key,
                label: label.to_string(),
            },
            defaults,
        ))
    }
}
