//! A list of entries (the alarm ladder's rungs, the visit reasons) changed, in words entry by
//! entry: "Alarm rung 2, after: 30 → 40 minutes", "Alarm rung 4: added (after 90 minutes; …)".

use super::{SettingChange, entry_label, in_words, label};
use serde_json::Value;

/// What one entry of the list is called, 1-based.
fn entry(path: &str, n: usize) -> String {
    match path {
        "escalation" => format!("Alarm rung {n}"),
        "reason_categories" => format!("Reason {n}"),
        "safety_responders" => format!("Safety responder {n}"),
        _ => format!("{}, entry {n}", label(path)),
    }
}

fn part(key: &str) -> String {
    entry_label(key).to_lowercase()
}

/// An entry in a few words: each of its parts and value.
fn summary(v: &Value) -> String {
    match v.as_object() {
        Some(map) => map
            .iter()
            .map(|(k, v)| format!("{} {}", part(k), in_words(k, v)))
            .collect::<Vec<_>>()
            .join("; "),
        None => in_words("", v),
    }
}

/// Each added, removed or changed entry of the list at `path`.
pub(super) fn entries(path: &str, before: &[Value], after: &[Value]) -> Vec<SettingChange> {
    let mut out = Vec::new();
    let mut push = |path: String, label: String, before: String, after: String| {
        let mut c = SettingChange {
            path,
            label,
            before,
            after,
            words: String::new(),
        };
        c.words = c.to_string();
        out.push(c);
    };
    for i in 0..before.len().max(after.len()) {
        let n = i + 1;
        match (before.get(i), after.get(i)) {
            (Some(a), Some(b)) if a == b => {}
            (Some(Value::Object(a)), Some(Value::Object(b))) => {
                let mut keys: Vec<&String> = a.keys().chain(b.keys()).collect();
                keys.sort();
                keys.dedup();
                for k in keys {
                    let (x, y) = (
                        a.get(k).unwrap_or(&Value::Null),
                        b.get(k).unwrap_or(&Value::Null),
                    );
                    if x != y {
                        push(
                            format!("{path}.{n}.{k}"),
                            format!("{}, {}", entry(path, n), part(k)),
                            in_words(k, x),
                            in_words(k, y),
                        );
                    }
                }
            }
            (Some(a), Some(b)) => push(
                format!("{path}.{n}"),
                entry(path, n),
                summary(a),
                summary(b),
            ),
            (None, Some(b)) => push(
                format!("{path}.{n}"),
                entry(path, n),
                "none".into(),
                format!("added ({})", summary(b)),
            ),
            (Some(a), None) => push(
                format!("{path}.{n}"),
                entry(path, n),
                summary(a),
                "removed".into(),
            ),
            (None, None) => {}
        }
    }
    out
}

/// Two lists of names (roles, who is told, channels) holding the same names in another order:
/// the order a form ticks them in means nothing, so it is no change for anyone to approve.
pub(super) fn same_names(x: &Value, y: &Value) -> bool {
    fn names(v: &Value) -> Option<Vec<&str>> {
        let mut out: Vec<&str> = v
            .as_array()?
            .iter()
            .map(Value::as_str)
            .collect::<Option<_>>()?;
        out.sort_unstable();
        Some(out)
    }
    matches!((names(x), names(y)), (Some(a), Some(b)) if a == b)
}

#[cfg(test)]
mod tests {
    use crate::policy::Role;
    use crate::policy::changes::diff;
    use crate::policy::presets::preset;

    #[test]
    fn the_same_roles_ticked_in_another_order_are_no_change_but_a_new_role_is() {
        let hsp = preset("hsp").unwrap();
        let mut reordered = hsp.clone();
        reordered.authorisation.roles.reverse();
        assert!(reordered.authorisation.roles.len() > 1, "a list to reorder");
        assert_eq!(
            diff(&hsp, &reordered),
            vec![],
            "nothing for the chair to approve"
        );
        reordered.authorisation.roles.push(Role::Office);
        let words: Vec<String> = diff(&hsp, &reordered)
            .into_iter()
            .map(|c| c.words)
            .collect();
        assert_eq!(words.len(), 1, "{words:?}");
        assert!(words[0].starts_with("Who authorises a visit:"), "{words:?}");
    }
}
