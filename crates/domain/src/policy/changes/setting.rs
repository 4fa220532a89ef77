//! #13 item 5: one single-valued setting at a time, typed, so the policy editor reads and changes
//! a policy by path (`check_in.interval_minutes`) without handling the settings' JSON form.

use super::flatten;
use crate::inputs::FieldError;
use crate::policy::PolicySettings;
use serde_json::Value;

/// The value of one single-valued setting, as a form shows and edits it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SettingValue {
    /// A yes/no setting (a tick box).
    Flag(bool),
    /// A whole number; the setting's label names the unit (minutes, people, days).
    Number(u64),
    /// Free words, or the stored name of one of a fixed set of answers (`required`).
    Text(String),
    /// A list of stored names: roles, who is told, advisory rules.
    Names(Vec<String>),
}

impl SettingValue {
    /// The value as a form shows it: the words as they are, a number or flag in digits or
    /// `true`/`false`, a list as its names joined by `, `.
    pub fn shown(&self) -> String {
        match self {
            SettingValue::Flag(b) => b.to_string(),
            SettingValue::Number(n) => n.to_string(),
            SettingValue::Text(s) => s.clone(),
            SettingValue::Names(names) => names.join(", "),
        }
    }

    fn from_json(v: &Value) -> Option<SettingValue> {
        match v {
            Value::Bool(b) => Some(SettingValue::Flag(*b)),
            Value::Number(n) => n.as_u64().map(SettingValue::Number),
            Value::String(s) => Some(SettingValue::Text(s.clone())),
            Value::Array(items) => items
                .iter()
                .map(|i| i.as_str().map(str::to_string))
                .collect::<Option<Vec<_>>>()
                .map(SettingValue::Names),
            _ => None,
        }
    }

    fn into_json(self) -> Value {
        match self {
            SettingValue::Flag(b) => Value::Bool(b),
            SettingValue::Number(n) => Value::from(n),
            SettingValue::Text(s) => Value::String(s),
            SettingValue::Names(names) => {
                Value::Array(names.into_iter().map(Value::from).collect())
            }
        }
    }
}

/// Every single-valued setting of `settings` by path, in path order: flags, whole numbers, words
/// and lists of names. Settings with no value (left out) and lists of records (the alarm ladder,
/// the visit reasons) are not included: the editor has its own controls for those.
pub fn settings_by_path(settings: &PolicySettings) -> Vec<(String, SettingValue)> {
    flatten(settings)
        .into_iter()
        .filter_map(|(path, v)| SettingValue::from_json(&v).map(|v| (path, v)))
        .collect()
}

impl PolicySettings {
    /// These settings with the one at `path` (as [`settings_by_path`] names it) set to `value`.
    /// Errors: a [`FieldError`] on `path` when the setting does not take that value, in a
    /// school's words ("choose one of required, optional"); a `path` that names no setting
    /// changes nothing.
    pub fn with_setting(
        &self,
        path: &str,
        value: SettingValue,
    ) -> Result<PolicySettings, FieldError> {
        let bad = |e: serde_json::Error| FieldError::new(path, plain(&e.to_string()));
        let mut json = serde_json::to_value(self).map_err(bad)?;
        let mut at = &mut json;
        for k in path.split('.') {
            match at.get_mut(k) {
                Some(next) => at = next,
                None => return Ok(self.clone()),
            }
        }
        // A choice typed as read ("when paired") is the stored name ("when_paired").
        let typed_words = match &value {
            SettingValue::Text(t) if t.trim().contains(' ') => {
                Some(t.trim().to_lowercase().replace(' ', "_"))
            }
            _ => None,
        };
        *at = value.into_json();
        match serde_json::from_value(json) {
            Ok(done) => Ok(done),
            Err(e) => {
                let Some(stored) = typed_words else {
                    return Err(bad(e));
                };
                self.with_setting(path, SettingValue::Text(stored))
                    .map_err(|_| bad(e))
            }
        }
    }
}

/// serde's "unknown variant `x`, expected one of `a`, `b`" in a school's words, each choice as
/// it is typed (`when_paired`).
fn plain(e: &str) -> String {
    match e.split_once("expected one of ") {
        Some((_, one_of)) => format!(
            "choose one of {}",
            one_of
                .replace('`', "")
                .split(" at line")
                .next()
                .unwrap_or("")
        ),
        None => e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Role;
    use crate::policy::presets::preset;

    #[test]
    fn a_setting_is_read_and_changed_by_its_path() {
        let p = preset("harton").unwrap();
        let all = settings_by_path(&p);
        let interval = all
            .iter()
            .find(|(path, _)| path == "check_in.interval_minutes")
            .map(|(_, v)| v.clone());
        assert_eq!(interval, Some(SettingValue::Number(30)));
        let changed = p
            .with_setting("check_in.interval_minutes", SettingValue::Number(20))
            .unwrap();
        assert_eq!(changed.check_in.interval_minutes, 20);
    }

    #[test]
    fn a_value_the_setting_does_not_take_is_refused_naming_it_in_words() {
        let p = preset("harton").unwrap();
        let e = p
            .with_setting("check_in.arrived", SettingValue::Text("sometimes".into()))
            .unwrap_err();
        assert_eq!(e.field, "check_in.arrived");
        assert!(
            e.reason.contains("required") && e.reason.contains("optional"),
            "{}",
            e.reason
        );
    }

    #[test]
    fn a_choice_typed_with_a_space_is_the_choice_with_an_underscore() {
        let p = preset("harton").unwrap();
        let changed = p
            .with_setting("buddy.code_word", SettingValue::Text("when paired".into()))
            .unwrap();
        assert_eq!(
            changed.buddy.code_word,
            crate::policy::CodeWordRule::WhenPaired
        );
        let e = p
            .with_setting("buddy.code_word", SettingValue::Text("now and then".into()))
            .unwrap_err();
        assert!(e.reason.contains("when_paired"), "{}", e.reason);
    }

    #[test]
    fn buddy_roles_read_as_anyone_at_school_when_none_are_listed() {
        let before = preset("reach2").expect("preset");
        let mut after = before.clone();
        after.buddy.roles = vec![crate::Role::Office, crate::Role::SeniorLeader];
        let words: Vec<String> = crate::policy::changes::diff(&before, &after)
            .into_iter()
            .map(|c| c.words)
            .collect();
        assert_eq!(
            words,
            [
                "Who may be the buddy at school: any member of staff at school → office, senior leader"
            ]
        );
        let back: Vec<String> = crate::policy::changes::diff(&after, &before)
            .into_iter()
            .map(|c| c.words)
            .collect();
        assert_eq!(
            back,
            [
                "Who may be the buddy at school: office, senior leader → any member of staff at school"
            ]
        );
    }

    #[test]
    fn an_empty_list_of_buddy_roles_is_a_setting_the_form_can_tick_on_and_off() {
        let p = preset("harton").unwrap();
        let roles = settings_by_path(&p)
            .into_iter()
            .find(|(path, _)| path == "buddy.roles")
            .map(|(_, v)| v);
        assert_eq!(roles, Some(SettingValue::Names(vec![])));
        let names = |v: &[&str]| SettingValue::Names(v.iter().map(|s| s.to_string()).collect());
        let on = p
            .with_setting("buddy.roles", names(&["office", "senior_leader"]))
            .unwrap();
        assert_eq!(on.buddy.roles, [Role::Office, Role::SeniorLeader]);
        let off = on.with_setting("buddy.roles", names(&[])).unwrap();
        assert!(off.buddy.roles.is_empty());
        let e = p
            .with_setting("buddy.roles", names(&["caretaker"]))
            .unwrap_err();
        assert_eq!(e.field, "buddy.roles");
        assert!(e.reason.contains("choose one of"), "{}", e.reason);
    }
}
