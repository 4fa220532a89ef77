//! The shipped presets: one per real policy, and `example-absence-protocol`, written from a policy
//! written for Doorstep (`presets/example-absence-protocol.md`) to show a new school's text
//! expressed with settings alone. Each is `base.toml` with the preset's own file laid over it, so
//! a preset file holds exactly what its policy says.

use super::PolicySettings;
use crate::inputs::FieldError;

const BASE: &str = include_str!("../../presets/base.toml");

/// (name, file) for each preset, in the order `doorstep policy list` prints them.
pub const PRESETS: [(&str, &str, &str); 6] = [
    (
        "harton",
        "Harton Academy",
        include_str!("../../presets/harton.toml"),
    ),
    (
        "st-josephs",
        "St Joseph's Catholic Academy",
        include_str!("../../presets/st-josephs.toml"),
    ),
    (
        "reach2",
        "REAch2 Academy Trust",
        include_str!("../../presets/reach2.toml"),
    ),
    ("hsp", "HSP", include_str!("../../presets/hsp.toml")),
    (
        "sen-trust-southend",
        "SEN Trust Southend",
        include_str!("../../presets/sen-trust-southend.toml"),
    ),
    (
        "example-absence-protocol",
        "Example Primary School (first-day absence protocol)",
        include_str!("../../presets/example-absence-protocol.toml"),
    ),
];

pub fn names() -> impl Iterator<Item = &'static str> {
    PRESETS.iter().map(|(name, _, _)| *name)
}

/// The school the preset was written for.
pub fn school_of(name: &str) -> Option<&'static str> {
    PRESETS
        .iter()
        .find(|(n, _, _)| *n == name)
        .map(|(_, school, _)| *school)
}

/// The settings of a preset by name.
pub fn preset(name: &str) -> Result<PolicySettings, FieldError> {
    let overlay = PRESETS
        .iter()
        .find(|(n, _, _)| *n == name)
        .map(|(_, _, text)| *text)
        .ok_or_else(|| {
            FieldError::new(
                "preset",
                format!(
                    "unknown preset '{name}'; presets: {}",
                    names().collect::<Vec<_>>().join(", ")
                ),
            )
        })?;
    let mut merged: toml::Table = BASE
        .parse()
        .map_err(|e: toml::de::Error| FieldError::new("preset", e.to_string()))?;
    let overlay: toml::Table = overlay
        .parse()
        .map_err(|e: toml::de::Error| FieldError::new("preset", e.to_string()))?;
    merge(&mut merged, overlay);
    PolicySettings::from_toml(
        &toml::to_string(&merged).map_err(|e| FieldError::new("preset", e.to_string()))?,
    )
}

/// Tables merge key by key; anything else (values, arrays such as the escalation ladder) replaces.
fn merge(base: &mut toml::Table, overlay: toml::Table) {
    for (key, value) in overlay {
        match (base.get_mut(&key), value) {
            (Some(toml::Value::Table(b)), toml::Value::Table(o)) => merge(b, o),
            (_, v) => {
                base.insert(key, v);
            }
        }
    }
}

/// Settings as TOML, for `doorstep policy show` and for a school to copy and edit.
pub fn to_toml(settings: &PolicySettings) -> String {
    toml::to_string_pretty(settings).unwrap_or_else(|e| format!("# could not render settings: {e}"))
}
