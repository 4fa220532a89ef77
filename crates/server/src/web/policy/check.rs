//! The policy form's settings checked as a whole (#13 item 5), listing every problem the check
//! finds with those of single boxes, so a head puts them all right in one go.

use crate::web::page::Errors;
use domain::policy::PolicySettings;
use domain::policy::changes::{refusal_words, settings_by_path};

/// `settings` checked as a whole, every problem found listed with those of single fields:
/// after each problem the check runs again with that setting as `current` has it, so one bad
/// setting does not hide another.
pub fn check_all(
    current: &PolicySettings,
    settings: PolicySettings,
    mut errors: Errors,
) -> Result<PolicySettings, Errors> {
    let stored = settings_by_path(&current.with_every_section());
    let mut probe = settings.clone();
    // Each round puts one setting back; a problem that does not go away ends the search.
    for _ in 0..stored.len() {
        let Err(e) = probe.check() else { break };
        if !errors.has(&e.field) {
            errors.add(&e.field, refusal_words(&e.field, &e.reason));
        }
        let back = stored
            .iter()
            .find(|(p, _)| *p == e.field)
            .and_then(|(p, v)| probe.with_setting(p, v.clone()).ok());
        match back {
            Some(next) if next != probe => probe = next,
            _ => break,
        }
    }
    if errors.is_empty() {
        Ok(settings)
    } else {
        Err(errors)
    }
}
