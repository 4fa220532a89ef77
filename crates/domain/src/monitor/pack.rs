//! A2: the information pack the office reads to the police when staff cannot be reached.

use super::AlarmKind;
use crate::inputs::{CarRegistration, PhoneNumber, Postcode};
use crate::visit::ReturnsTo;
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use std::fmt;

/// REAch2: "A senior leader will take the following steps, as required, in the event of staff not
/// returning".
pub const SENIOR_LEADER_CHECKLIST: [&str; 4] = [
    "Attempt to contact the family via a landline and speak to the visiting staff.",
    "Drive past the property to check if the vehicle is there.",
    "Look for signs of an incident.",
    "Contact the police to report the individuals missing.",
];

/// A value as it was recorded: checked by today's parser, or, when it was stored before the
/// parser became stricter (or typed in another form), exactly as stored. The pack reads a
/// number out to the police either way: a value that does not parse is never dropped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Recorded<T> {
    Checked(T),
    AsStored(String),
}

impl<T: ReadOut> Recorded<T> {
    /// Decodes a stored value once: `parse` is the newtype's parser (e.g. `PhoneNumber::parse`).
    pub fn read<E>(stored: &str, parse: impl FnOnce(&str) -> Result<T, E>) -> Self {
        match parse(stored) {
            Ok(v) => Recorded::Checked(v),
            Err(_) => Recorded::AsStored(stored.trim().to_string()),
        }
    }

    /// Like [`Recorded::read`] for a value that may be missing or blank (`None` then).
    pub fn read_optional<E>(
        stored: Option<&str>,
        parse: impl FnOnce(&str) -> Result<T, E>,
    ) -> Option<Self> {
        stored
            .filter(|s| !s.trim().is_empty())
            .map(|s| Recorded::read(s, parse))
    }
}

/// A checked value as it is read out: its normal form.
pub trait ReadOut {
    fn read_out(&self) -> &str;
}

impl ReadOut for PhoneNumber {
    fn read_out(&self) -> &str {
        self.as_str()
    }
}

impl ReadOut for Postcode {
    fn read_out(&self) -> &str {
        self.as_str()
    }
}

impl ReadOut for CarRegistration {
    fn read_out(&self) -> &str {
        self.as_str()
    }
}

impl<T> From<T> for Recorded<T> {
    fn from(v: T) -> Self {
        Recorded::Checked(v)
    }
}

impl<T: ReadOut> fmt::Display for Recorded<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Recorded::Checked(v) => f.write_str(v.read_out()),
            Recorded::AsStored(s) => f.write_str(s),
        }
    }
}

/// A member of staff as the police need them: a name and a number to ring.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackStaff {
    pub name: String,
    pub mobile: Option<Recorded<PhoneNumber>>,
}

/// Everything the police will ask for, gathered from the visit when the alarm rises.
#[derive(Debug, Clone, PartialEq)]
pub struct InformationPack {
    pub school: String,
    pub school_phone: Option<Recorded<PhoneNumber>>,
    pub alarm: AlarmKind,
    pub raised_at: DateTime<Utc>,
    pub staff: Vec<PackStaff>,
    pub buddy: Option<PackStaff>,
    pub vehicle: Option<Recorded<CarRegistration>>,
    pub address: String,
    pub postcode: Option<Recorded<Postcode>>,
    /// The family's landline, for the first step of the checklist.
    pub family_landline: Option<Recorded<PhoneNumber>>,
    /// Who was visited or expected to be seen, e.g. "Mrs A Smith (mother)".
    pub visiting: Vec<String>,
    /// Known risks and caution advice on the household (P3).
    pub cautions: Vec<String>,
    pub signed_out_at: DateTime<Utc>,
    pub arrived_at: Option<DateTime<Utc>>,
    /// Planned times, with any "need more time" already applied.
    pub expected_leave_property: DateTime<Utc>,
    pub expected_back: DateTime<Utc>,
    pub returns_to: ReturnsTo,
    pub last_contact: DateTime<Utc>,
    pub last_contact_location: Option<String>,
    /// The school's time zone: every time is read out as the school's clock shows it.
    pub tz: Tz,
}

impl InformationPack {
    /// Plain text that can be read over the phone, e-mailed or printed.
    pub fn render_text(&self) -> String {
        self.to_string()
    }

    fn time(&self, t: DateTime<Utc>) -> String {
        t.with_timezone(&self.tz)
            .format("%H:%M %Z on %a %-d %b %Y")
            .to_string()
    }
}

fn or_unknown(v: Option<String>, missing: &str) -> String {
    v.unwrap_or_else(|| missing.to_string())
}

fn shown<T: ReadOut>(v: &Option<Recorded<T>>) -> Option<String> {
    v.as_ref().map(ToString::to_string)
}

fn person(p: &PackStaff) -> String {
    format!(
        "{}, mobile {}",
        p.name,
        or_unknown(shown(&p.mobile), "not recorded")
    )
}

impl fmt::Display for InformationPack {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "INFORMATION PACK: STAFF ON A HOME VISIT CANNOT BE REACHED"
        )?;
        writeln!(f, "School: {}", self.school)?;
        let phone = or_unknown(shown(&self.school_phone), "not recorded");
        writeln!(f, "School phone: {phone}")?;
        let raised = self.time(self.raised_at);
        writeln!(f, "Alarm: {}, raised at {raised}", self.alarm.label())?;
        writeln!(f, "Times are {} time.", self.tz.name())?;

        writeln!(f, "\nSTAFF ON THE VISIT")?;
        for s in &self.staff {
            writeln!(f, "- {}", person(s))?;
        }
        match &self.buddy {
            Some(b) => writeln!(f, "Buddy at school: {}", person(b))?,
            None => writeln!(f, "Buddy at school: none")?,
        }
        let vehicle = or_unknown(shown(&self.vehicle), "none recorded");
        writeln!(f, "Vehicle registration: {vehicle}")?;

        writeln!(f, "\nWHERE THEY WENT")?;
        writeln!(f, "Address: {}", self.address)?;
        let postcode = or_unknown(shown(&self.postcode), "not recorded");
        writeln!(f, "Postcode: {postcode}")?;
        let landline = or_unknown(shown(&self.family_landline), "not recorded");
        writeln!(f, "Family landline: {landline}")?;
        let visiting = if self.visiting.is_empty() {
            "not recorded".to_string()
        } else {
            self.visiting.join("; ")
        };
        writeln!(f, "Visiting: {visiting}")?;
        for c in &self.cautions {
            writeln!(f, "Caution: {c}")?;
        }

        writeln!(f, "\nTIMES")?;
        writeln!(f, "Signed out of school: {}", self.time(self.signed_out_at))?;
        let arrived = self.arrived_at.map(|t| self.time(t));
        writeln!(f, "Arrived: {}", or_unknown(arrived, "not recorded"))?;
        let leave = self.time(self.expected_leave_property);
        writeln!(f, "Expected to leave the property: {leave}")?;
        let back = match self.returns_to {
            ReturnsTo::School => "Expected back at school",
            ReturnsTo::Home => "Expected home (not returning to school)",
        };
        writeln!(f, "{back}: {}", self.time(self.expected_back))?;
        let place = or_unknown(self.last_contact_location.clone(), "place not known");
        writeln!(
            f,
            "Last contact: {} ({place})",
            self.time(self.last_contact)
        )?;

        writeln!(f, "\nSENIOR LEADER'S CHECKLIST")?;
        for (i, step) in SENIOR_LEADER_CHECKLIST.iter().enumerate() {
            writeln!(f, "[ ] {}. {step}", i + 1)?;
        }
        Ok(())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // a panic is how a test fails
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(h: u32, m: u32) -> DateTime<Utc> {
        // 15 June: British Summer Time, an hour ahead of UTC.
        Utc.with_ymd_and_hms(2026, 6, 15, h, m, 0).unwrap()
    }

    fn staff(name: &str, mobile: Option<&str>) -> PackStaff {
        PackStaff {
            name: name.into(),
            mobile: mobile.map(|m| PhoneNumber::parse("mobile", m).unwrap().into()),
        }
    }

    #[test]
    fn a_stored_value_that_does_not_parse_is_shown_as_stored() {
        let old = Recorded::read("0191-456-12", |s| PhoneNumber::parse("phone", s));
        assert_eq!(old, Recorded::AsStored("0191-456-12".into()));
        assert_eq!(old.to_string(), "0191-456-12");
        let good = Recorded::read("0191 456 1234", |s| PhoneNumber::parse("phone", s));
        assert_eq!(good.to_string(), "01914561234");
        let blank = Recorded::read_optional(Some("  "), |s| Postcode::parse("postcode", s));
        assert_eq!(blank, None);
    }

    #[test]
    fn information_pack_names_everyone_and_the_checklist() {
        let pack = InformationPack {
            school: "Harton Academy".into(),
            school_phone: Some(PhoneNumber::parse("phone", "0191 456 1234").unwrap().into()),
            alarm: AlarmKind::OverdueReturn,
            raised_at: at(11, 35),
            staff: vec![
                staff("Ann Teacher", Some("07700 900123")),
                staff("Bob Liaison", None),
            ],
            buddy: Some(staff("Cat Office", Some("07700 900456"))),
            vehicle: Some(CarRegistration::parse("car", "ab12 cde").unwrap().into()),
            address: "1 Lime Street, South Shields".into(),
            postcode: Some(Postcode::parse("postcode", "ne33 4ab").unwrap().into()),
            family_landline: None,
            visiting: vec!["Mrs A Smith (mother)".into(), "Jo Smith (pupil)".into()],
            cautions: vec!["Large dog in the house".into()],
            signed_out_at: at(9, 0),
            arrived_at: Some(at(9, 20)),
            expected_leave_property: at(11, 0),
            expected_back: at(11, 30),
            returns_to: ReturnsTo::School,
            last_contact: at(10, 45),
            last_contact_location: Some("outside the property".into()),
            tz: chrono_tz::Europe::London,
        };
        let text = pack.render_text();
        for expected in [
            "Harton Academy",
            "01914561234",
            "Alarm: not back on time, raised at 12:35 BST on Mon 15 Jun 2026",
            "- Ann Teacher, mobile 07700900123",
            "- Bob Liaison, mobile not recorded",
            "Buddy at school: Cat Office, mobile 07700900456",
            "Vehicle registration: AB12CDE",
            "Address: 1 Lime Street, South Shields",
            "Postcode: NE33 4AB",
            "Family landline: not recorded",
            "Visiting: Mrs A Smith (mother); Jo Smith (pupil)",
            "Caution: Large dog in the house",
            "Signed out of school: 10:00 BST",
            "Expected back at school: 12:30 BST",
            "Last contact: 11:45 BST on Mon 15 Jun 2026 (outside the property)",
        ] {
            assert!(text.contains(expected), "missing {expected:?} in:\n{text}");
        }
        for step in SENIOR_LEADER_CHECKLIST {
            assert!(text.contains(step), "missing checklist step {step:?}");
        }
    }
}
