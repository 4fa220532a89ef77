//! What people are told: each alarm rung and check-in reminder in two forms — a text message that
//! fits its channel ([`sms`], measured by [`gsm7`]) and a long form for e-mail, the app and the
//! webhook ([`email`]) — and the information pack ([`pack`]). Messages name no child and give
//! no address; the pack does, and goes by e-mail only on the rung the policy marks for the police
//! contact. Everything else links to the pack behind sign-in ([`Links`]).

pub mod drill;
mod email;
pub mod gsm7;
pub mod handover;
mod pack;
pub mod sms;

pub use pack::information_pack;

use chrono::DateTime;
use domain::FieldError;
use domain::VisitId;
use domain::inputs::Postcode;
use domain::monitor::{AlarmKind, Audience};
use domain::policy::{Channel, EscalationLevel};
use domain::recorded::Recorded;
use std::fmt;

/// "missed check-in" → "Missed check-in".
fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_uppercase().chain(chars).collect::<String>()
    })
}

/// Where links in messages point: the server's public address (the `DOORSTEP_PUBLIC_URL`
/// setting), never a request's Host header, which a caller chooses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Links {
    base: String,
}

impl Links {
    /// `base`: the address people open Doorstep at, e.g. `https://doorstep.harton.sch.uk`.
    /// Errors: `Invalid("public_url")` unless it starts with http:// or https:// and has a host.
    pub fn new(base: &str) -> Result<Self, FieldError> {
        let base = base.trim().trim_end_matches('/');
        let host = base
            .strip_prefix("https://")
            .or_else(|| base.strip_prefix("http://"));
        match host {
            Some(h) if !h.is_empty() && !h.contains(char::is_whitespace) => Ok(Links {
                base: base.to_string(),
            }),
            _ => Err(FieldError::new(
                "public_url",
                format!(
                    "'{base}' is not the address people open Doorstep at, e.g. https://doorstep.school.org.uk"
                ),
            )),
        }
    }

    /// The address itself, without a trailing `/`, e.g. `https://doorstep.harton.sch.uk`.
    pub fn base(&self) -> &str {
        &self.base
    }

    /// Whether people open Doorstep over HTTPS.
    pub fn is_https(&self) -> bool {
        self.base.starts_with("https://")
    }

    /// The visit's information pack page (behind sign-in).
    pub fn pack(&self, visit: VisitId) -> String {
        format!("{}/visits/{visit}/pack", self.base)
    }

    /// The child-missing pack of a visit's unanswered slip (behind sign-in; A6, #13).
    pub fn child_missing(&self, visit: VisitId) -> String {
        format!("{}/visits/{visit}/child-missing", self.base)
    }

    /// Where an alarm's messages link to: the child-missing pack for an unanswered slip (the
    /// worry is the child, the staff are back), the information pack otherwise.
    pub fn for_alarm(&self, kind: AlarmKind, visit: VisitId) -> String {
        if kind == AlarmKind::SlipDeadlinePassed {
            self.child_missing(visit)
        } else {
            self.pack(visit)
        }
    }

    /// The visitor's Today page, where "I'm OK" is.
    pub fn today(&self) -> String {
        format!("{}/today", self.base)
    }
}

impl Default for Links {
    /// `doorstep serve`'s own default address.
    fn default() -> Self {
        Links {
            base: "http://localhost:8080".into(),
        }
    }
}

/// The place in a word and the family: "Harton visit, Smith family". No street, no number, no
/// child's name: a text on a lock screen is read by whoever holds the phone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Whereabouts {
    /// The town or district (the last part of the address, when it has no number), else the
    /// postcode's district ("NE33").
    pub place: Option<String>,
    pub family: String,
}

impl Whereabouts {
    /// From the household's family name, address and postcode as stored (a postcode today's
    /// parser refuses gives no district).
    pub fn of(family: &str, address: &str, postcode: &Recorded<Postcode>) -> Self {
        let parts: Vec<&str> = address
            .split([',', '\n'])
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .collect();
        let town = parts
            .last()
            .filter(|_| parts.len() >= 2)
            .filter(|p| !p.chars().any(|c| c.is_ascii_digit()) && p.chars().count() <= 30)
            .map(|p| p.to_string());
        let district = postcode
            .checked()
            .and_then(|p| p.as_str().split_whitespace().next().map(str::to_string));
        Whereabouts {
            place: town.or(district),
            family: family.trim().to_string(),
        }
    }

    /// "Harton, Smith family".
    fn compact(&self) -> String {
        match &self.place {
            Some(place) => format!("{place}, {} family", self.family),
            None => format!("{} family", self.family),
        }
    }
}

impl fmt::Display for Whereabouts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.place {
            Some(place) => write!(f, "{place} visit, {} family", self.family),
            None => write!(f, "{} family", self.family),
        }
    }
}

/// What one alarm rung's messages say.
pub struct AlarmFacts<'a> {
    pub visit: VisitId,
    pub kind: AlarmKind,
    /// Who reads it: the title is the kind's words for them ([`AlarmKind::title_for`]).
    pub audience: Audience,
    /// The rung's instruction, in the policy's words.
    pub instruction: &'a str,
    /// This rung (from 0) of how many.
    pub rung: usize,
    pub rungs: usize,
    /// The visiting staff's names.
    pub staff: &'a [String],
    pub whereabouts: &'a Whereabouts,
    pub links: &'a Links,
}

/// What a check-in reminder says.
pub struct ReminderFacts<'a> {
    pub visit: VisitId,
    /// When the check-in is due, on the school's clock.
    pub due: DateTime<chrono_tz::Tz>,
    pub extend_minutes: u32,
    pub whereabouts: &'a Whereabouts,
    pub links: &'a Links,
}

/// One message in its forms: the long form (e-mail, app, webhook) and the SMS.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Composed {
    pub subject: String,
    pub body: String,
    /// GSM-7 only, at most [`sms::MAX_SEGMENTS`] segments.
    pub sms: String,
}

impl Composed {
    /// The body to send on `channel`.
    pub fn body_for(&self, channel: Channel) -> &str {
        match channel {
            Channel::Sms => &self.sms,
            Channel::Email | Channel::InApp | Channel::Webhook => &self.body,
        }
    }
}

/// An alarm rung's messages. `level`: the rung (its `information_pack` mark decides whether the
/// long form carries `pack`, the information pack's text).
pub fn alarm_message(f: &AlarmFacts<'_>, level: &EscalationLevel, pack: &str) -> Composed {
    let (subject, body) = email::alarm(f, level.information_pack.then_some(pack));
    Composed {
        subject,
        body,
        sms: sms::alarm(f),
    }
}

/// A check-in reminder's messages.
pub fn reminder(f: &ReminderFacts<'_>) -> Composed {
    let (subject, body) = email::reminder(f);
    Composed {
        subject,
        body,
        sms: sms::reminder(f),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stored(postcode: &str) -> Recorded<Postcode> {
        Recorded::from_stored(postcode)
    }

    #[test]
    fn the_place_is_the_town_or_the_postcode_district_never_the_street() {
        let w = Whereabouts::of(
            "Smith",
            "12 Westoe Road, South Shields",
            &stored("ne33 3ab"),
        );
        assert_eq!(w.to_string(), "South Shields visit, Smith family");
        let w = Whereabouts::of("Smith", "12 Westoe Road", &stored("NE33 3AB"));
        assert_eq!(w.to_string(), "NE33 visit, Smith family");
        let w = Whereabouts::of("Smith", "Flat 2, 12 Westoe Road", &stored(""));
        assert_eq!(w.to_string(), "Smith family");
    }

    #[test]
    fn links_come_from_the_setting_and_refuse_what_is_not_an_address() {
        let links = Links::new("https://doorstep.harton.sch.uk/").unwrap_or_default();
        assert_eq!(
            links.pack(VisitId(12)),
            "https://doorstep.harton.sch.uk/visits/12/pack"
        );
        let err = Links::new("doorstep.harton.sch.uk").err();
        assert_eq!(err.map(|e| e.field), Some("public_url".into()));
    }
}
