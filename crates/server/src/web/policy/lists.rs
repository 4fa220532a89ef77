//! The policy's lists as form controls (#13 item 5): the alarm ladder's rungs (after how many
//! minutes, who is told, by which channels, what they should do) and the visit reasons (name,
//! usual length, staff, who must go). Rows are added, removed and moved by buttons that post the
//! form and show it again (no script needed); "Save as a draft" makes a draft like every change.

use crate::web::form::FormData;
use crate::web::page::Errors;
use domain::Role;
use domain::policy::{
    Channel, EscalationLevel, PolicySettings, ReasonCategory, ReasonDefaults, Recipient,
};
use serde::de::DeserializeOwned;

mod rows;

/// Who a rung may tell, in a school's words.
const RECIPIENTS: &[(&str, &str)] = &[
    ("visitors", "The visiting staff"),
    ("buddy", "The buddy"),
    ("office", "The school office"),
    ("senior_leader", "A senior leader"),
    ("dsl", "The DSL"),
    ("deputy_dsl", "A deputy DSL"),
    ("safeguarding_team", "The safeguarding team"),
    ("headteacher", "The headteacher"),
    ("attendance_lead", "The attendance lead"),
    ("ewo", "The education welfare officer"),
    ("line_manager", "Each visitor's line manager"),
];

const CHANNELS: &[(&str, &str)] = &[
    ("in_app", "In Doorstep"),
    ("email", "E-mail"),
    ("sms", "Text message"),
    ("webhook", "Webhook"),
];

/// One tick box of a group.
pub struct Tick {
    pub value: &'static str,
    pub label: String,
    pub checked: bool,
}

pub(super) fn ticks(options: &[(&'static str, String)], on: &[String]) -> Vec<Tick> {
    options
        .iter()
        .map(|(value, label)| Tick {
            value,
            label: label.clone(),
            checked: on.iter().any(|o| o == value),
        })
        .collect()
}

fn recipient_options() -> Vec<(&'static str, String)> {
    RECIPIENTS
        .iter()
        .map(|(v, l)| (*v, l.to_string()))
        .collect()
}

fn channel_options() -> Vec<(&'static str, String)> {
    CHANNELS.iter().map(|(v, l)| (*v, l.to_string())).collect()
}

fn role_options() -> Vec<(&'static str, String)> {
    Role::ALL
        .iter()
        .filter(|r| !matches!(r, Role::TrustAdmin | Role::ChairOfGovernors))
        .map(|r| (r.as_str(), r.title().to_string()))
        .collect()
}

/// The choices of a setting that is a list of them (roles, who is told, how, which rules are
/// advisory), shown as tick boxes; `None` for any other setting.
pub(super) fn choices(path: &str) -> Option<Vec<(&'static str, String)>> {
    match path {
        "authorisation.roles" | "risk_assessment.sign_off_roles" | "household.review_roles" => {
            Some(role_options())
        }
        // None ticked: any member of staff at school may be the buddy.
        "buddy.roles" => Some(
            role_options()
                .into_iter()
                .filter(|(v, _)| {
                    !domain::policy::BuddyRule::NOT_AT_SCHOOL
                        .iter()
                        .any(|r| r.as_str() == *v)
                })
                .collect(),
        ),
        "safety_responders" | "slip.unanswered.notify" => Some(recipient_options()),
        "slip.unanswered.channels" => Some(channel_options()),
        "advisory_rules" => Some(
            domain::policy::ADVISABLE
                .iter()
                .map(|r| (*r, domain::policy::changes::label(r)))
                .collect(),
        ),
        _ => None,
    }
}

/// Every alarm kind, by its stored name, with what a school calls it.
pub(super) fn alarm_kinds() -> impl Iterator<Item = (&'static str, String)> {
    domain::monitor::AlarmKind::ALL
        .iter()
        .map(|k| (k.as_str(), k.as_str().replace('_', " ")))
}

/// One rung of the alarm ladder as typed.
pub struct RungRow {
    /// 1-based, as the school counts rungs.
    pub n: usize,
    pub after: String,
    pub notify: Vec<Tick>,
    pub channels: Vec<Tick>,
    pub instruction: String,
    pub pack: bool,
}

/// One visit reason with its defaults, as typed.
pub struct ReasonRow {
    pub n: usize,
    /// The stored key; empty for a reason added on this form (made from its name).
    pub key: String,
    pub label: String,
    pub minutes: String,
    pub staff: String,
    pub led_by: Vec<Tick>,
}

/// The list controls of the policy page.
pub struct ListsForm {
    pub rungs: Vec<RungRow>,
    pub reasons: Vec<ReasonRow>,
}

/// The option key (`senior_leader`) that names `v`, among `options`: the one that reads back as it.
fn key_of<T: DeserializeOwned + PartialEq>(options: &[(&str, &str)], v: &T) -> String {
    options
        .iter()
        .find(|(k, _)| parse_one::<T>(k).as_ref() == Some(v))
        .map(|(k, _)| k.to_string())
        .unwrap_or_default()
}

impl ListsForm {
    /// The lists as the policy has them.
    pub fn of(p: &PolicySettings) -> Self {
        let rungs = p
            .escalation
            .iter()
            .enumerate()
            .map(|(i, l)| RungRow {
                n: i + 1,
                after: l.after_minutes.to_string(),
                notify: ticks(
                    &recipient_options(),
                    &l.notify
                        .iter()
                        .map(|r| key_of(RECIPIENTS, r))
                        .collect::<Vec<_>>(),
                ),
                channels: ticks(
                    &channel_options(),
                    &l.channels
                        .iter()
                        .map(|c| key_of(CHANNELS, c))
                        .collect::<Vec<_>>(),
                ),
                instruction: l.instruction.clone(),
                pack: l.information_pack,
            })
            .collect();
        let reasons = p
            .reason_categories
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let d = p.reasons.get(&c.key);
                let num = |v: Option<u32>| v.map(|m| m.to_string()).unwrap_or_default();
                ReasonRow {
                    n: i + 1,
                    key: c.key.clone(),
                    label: c.label.clone(),
                    minutes: num(d.and_then(|d| d.visit_minutes)),
                    staff: num(d.and_then(|d| d.minimum_staff)),
                    led_by: ticks(
                        &role_options(),
                        &d.map(|d| {
                            d.led_by
                                .iter()
                                .map(|r| r.as_str().to_string())
                                .collect::<Vec<_>>()
                        })
                        .unwrap_or_default(),
                    ),
                }
            })
            .collect();
        ListsForm { rungs, reasons }
    }

    /// The lists as posted, with the row the pressed button asked for added, removed or moved.
    pub fn posted(f: &FormData) -> Self {
        let count = |name: &str| f.get(name).parse::<usize>().unwrap_or(0).min(50);
        let owned = |v: Vec<&str>| v.into_iter().map(str::to_string).collect::<Vec<_>>();
        let mut rungs: Vec<RungRow> = (1..=count("rung_count"))
            .map(|n| {
                let at = |k: &str| format!("rungs[{n}].{k}");
                RungRow {
                    n,
                    after: f.get(&at("after_minutes")).to_string(),
                    notify: ticks(&recipient_options(), &owned(f.all(&at("notify")))),
                    channels: ticks(&channel_options(), &owned(f.all(&at("channels")))),
                    instruction: f.get(&at("instruction")).to_string(),
                    pack: f.checked(&at("information_pack")),
                }
            })
            .collect();
        let mut reasons: Vec<ReasonRow> = (1..=count("reason_count"))
            .map(|n| {
                let at = |k: &str| format!("reasons[{n}].{k}");
                ReasonRow {
                    n,
                    key: f.get(&at("key")).to_string(),
                    label: f.get(&at("label")).to_string(),
                    minutes: f.get(&at("visit_minutes")).to_string(),
                    staff: f.get(&at("minimum_staff")).to_string(),
                    led_by: ticks(&role_options(), &owned(f.all(&at("led_by")))),
                }
            })
            .collect();
        let pressed = f.get("do");
        let row = |prefix: &str| {
            pressed
                .strip_prefix(prefix)
                .and_then(|n| n.parse::<usize>().ok())
                .filter(|n| *n >= 1)
        };
        if pressed == "add_rung" {
            let after = rungs
                .last()
                .and_then(|r| r.after.parse::<u32>().ok())
                .map_or(String::new(), |m| (m + 15).to_string());
            rungs.push(RungRow {
                n: 0,
                after,
                notify: ticks(&recipient_options(), &[]),
                channels: ticks(&channel_options(), &[]),
                instruction: String::new(),
                pack: false,
            });
        } else if let Some(n) = row("remove_rung_").filter(|n| *n <= rungs.len()) {
            rungs.remove(n - 1);
        } else if let Some(n) = row("up_rung_").filter(|n| *n >= 2 && *n <= rungs.len()) {
            rungs.swap(n - 1, n - 2);
        } else if pressed == "add_reason" {
            reasons.push(ReasonRow {
                n: 0,
                key: String::new(),
                label: String::new(),
                minutes: String::new(),
                staff: String::new(),
                led_by: ticks(&role_options(), &[]),
            });
        } else if let Some(n) = row("remove_reason_").filter(|n| *n <= reasons.len()) {
            reasons.remove(n - 1);
        }
        for (i, r) in rungs.iter_mut().enumerate() {
            r.n = i + 1;
        }
        for (i, r) in reasons.iter_mut().enumerate() {
            r.n = i + 1;
        }
        ListsForm { rungs, reasons }
    }

    /// The settings with these lists laid on `current`. Errors name the row and the control
    /// ("Rung 2: enter after how many minutes"); the whole policy is then checked.
    pub fn settings(&self, current: &PolicySettings) -> Result<PolicySettings, Errors> {
        let mut errors = Errors::none();
        let mut out = current.clone();
        out.escalation = self
            .rungs
            .iter()
            .filter_map(|r| r.level(&mut errors))
            .collect();
        out.reason_categories.clear();
        out.reasons.clear();
        for r in &self.reasons {
            if let Some((category, defaults)) = r.reason(&mut errors) {
                if out.reason_categories.iter().any(|c| c.key == category.key) {
                    errors.add(
                        &format!("reasons[{}].label", r.n),
                        format!("Reason {}: another reason has this name", r.n),
                    );
                    continue;
                }
                if let Some(d) = defaults {
                    out.reasons.insert(category.key.clone(), d);
                }
                out.reason_categories.push(category);
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        out.check().map_err(|e| {
            if let Some(rung) = super::rung_field(&e.field, &e.reason) {
                return Errors::one(&rung, e.reason.clone());
            }
            let on = if e.field.starts_with("escalation") {
                "rungs"
            } else if e.field.starts_with("reason") {
                "reasons"
            } else {
                e.field.as_str()
            };
            Errors::one(
                on,
                format!("{}: {}", domain::policy::changes::label(&e.field), e.reason),
            )
        })?;
        Ok(out)
    }
}

fn parse_all<T: DeserializeOwned>(ticks: &[Tick]) -> Vec<T> {
    ticks
        .iter()
        .filter(|t| t.checked)
        .filter_map(|t| parse_one(t.value))
        .collect()
}

/// A tick box's value (`senior_leader`) as the choice it names; `None` for a value that is none.
fn parse_one<T: DeserializeOwned>(key: &str) -> Option<T> {
    use serde::de::IntoDeserializer;
    let de: serde::de::value::StrDeserializer<'_, serde::de::value::Error> =
        key.into_deserializer();
    T::deserialize(de).ok()
}

/// A stored key for a reason added on the form: its name in lower case, words joined by `_`.
fn key_from(label: &str) -> String {
    let words: Vec<String> = label
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_ascii_lowercase)
        .collect();
    words.join("_")
}

/// Whether a setting's path is edited here rather than as a single control.
pub fn edited_as_list(path: &str) -> bool {
    path.starts_with("reasons.")
        || path.starts_with("escalation")
        || path.starts_with("reason_categories")
}
