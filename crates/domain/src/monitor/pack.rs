//! A2: the information pack the office reads to the police when staff cannot be reached.

use super::AlarmKind;
use crate::inputs::{CarRegistration, PhoneNumber, Postcode};
pub use crate::recorded::{ReadOut, Recorded};
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

/// A member of staff as the police need them: a name, their part and a number to ring.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackStaff {
    pub name: String,
    /// Their part on the visit, e.g. "Class teacher" (the buddy's is "buddy").
    pub role: Option<String>,
    pub mobile: Option<Recorded<PhoneNumber>>,
}

/// One moment of the visit as planned and as it happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Moment {
    pub planned: DateTime<Utc>,
    /// Where "need more time" has moved it, when it has.
    pub now_due: Option<DateTime<Utc>>,
    /// When it happened, as the visitors recorded it; `None`: not yet.
    pub actual: Option<DateTime<Utc>>,
    /// A4: the visit went past this moment without its tap (arrived is optional and the visitors
    /// tapped "Left" or cancelled at the door): read out as [`ARRIVED_NEVER_TAPPED`], not "not yet".
    pub never_tapped: bool,
}

/// What the pack and the visit's record say of an arrival nobody tapped (A4), so it does not
/// read as if data were lost.
pub const ARRIVED_NEVER_TAPPED: &str = "Arrived was never tapped";

/// REAch2 Appendix 3's times: departure, the time of meeting, the time due to leave the home
/// address and the time of return to school — each planned and actual.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PackTimes {
    pub leave_school: Moment,
    /// The time of meeting: arriving at the property.
    pub arrive: Moment,
    pub leave_property: Moment,
    pub back: Moment,
}

/// Where the phone was at a check-in.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Fix {
    pub at: DateTime<Utc>,
    pub latitude: f64,
    pub longitude: f64,
    /// The phone's own estimate, in metres.
    pub accuracy_m: Option<f64>,
}

/// Everything the police will ask for, gathered from the visit when the alarm rises. Carries
/// every column of REAch2's home visit log (Appendix 3): date and time of departure, staff
/// member/s, car registration, mobile phone numbers, home address and name of person/s being
/// visited, time of meeting, time due to leave the home address, time of return to school.
#[derive(Debug, Clone, PartialEq)]
pub struct InformationPack {
    pub school: String,
    pub school_phone: Option<Recorded<PhoneNumber>>,
    pub alarm: AlarmKind,
    pub raised_at: DateTime<Utc>,
    pub staff: Vec<PackStaff>,
    /// The buddy now (after a hand-over, the new one).
    pub buddy: Option<PackStaff>,
    pub vehicle: Option<Recorded<CarRegistration>>,
    /// Make, model and colour as recorded, e.g. "Blue Ford Focus".
    pub vehicle_description: Option<String>,
    pub address: String,
    pub postcode: Option<Recorded<Postcode>>,
    /// The family's landline, for the first step of the checklist.
    pub family_landline: Option<Recorded<PhoneNumber>>,
    /// Who was visited or expected to be seen, e.g. "Mrs A Smith (mother)".
    pub visiting: Vec<String>,
    /// Known risks and caution advice on the household (P3).
    pub cautions: Vec<String>,
    pub times: PackTimes,
    pub returns_to: ReturnsTo,
    /// Sign-out, or the latest check-in or "need more time".
    pub last_contact: DateTime<Utc>,
    /// The latest check-in that sent where the phone was.
    pub last_fix: Option<Fix>,
    /// What the policy's police-contact rung says to do, in its words.
    pub policy_steps: Option<String>,
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

    /// "planned 10:00 GMT on ... · actual 10:02 GMT on ..." (or "not yet").
    fn moment(&self, m: &Moment) -> String {
        let mut out = format!("planned {}", self.time(m.planned));
        if let Some(due) = m.now_due.filter(|d| *d != m.planned) {
            out.push_str(&format!(", now due {} (more time asked)", self.time(due)));
        }
        let actual = match (m.actual, m.never_tapped) {
            (Some(t), _) => self.time(t),
            (None, true) => ARRIVED_NEVER_TAPPED.to_string(),
            (None, false) => "not yet".to_string(),
        };
        out.push_str(&format!(" · actual {actual}"));
        out
    }
}

fn or_unknown(v: Option<String>, missing: &str) -> String {
    v.unwrap_or_else(|| missing.to_string())
}

fn shown<T: ReadOut>(v: &Option<Recorded<T>>) -> Option<String> {
    v.as_ref().map(ToString::to_string)
}

fn person(p: &PackStaff) -> String {
    let role = p.role.as_ref().map_or(String::new(), |r| format!(" ({r})"));
    format!(
        "{}{role}, mobile {}",
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

        writeln!(f, "\nSTAFF ON THE VISIT (name, role, mobile phone number)")?;
        for s in &self.staff {
            writeln!(f, "- {}", person(s))?;
        }
        match &self.buddy {
            Some(b) => writeln!(f, "Buddy at school: {}", person(b))?,
            None => writeln!(f, "Buddy at school: none")?,
        }
        let vehicle = or_unknown(shown(&self.vehicle), "none recorded");
        match &self.vehicle_description {
            Some(d) => writeln!(f, "Car registration: {vehicle} ({d})")?,
            None => writeln!(f, "Car registration: {vehicle}")?,
        }

        writeln!(f, "\nWHERE THEY WENT")?;
        writeln!(f, "Home address: {}", self.address)?;
        let postcode = or_unknown(shown(&self.postcode), "not recorded");
        writeln!(f, "Postcode: {postcode}")?;
        let landline = or_unknown(shown(&self.family_landline), "not recorded");
        writeln!(f, "Family landline: {landline}")?;
        let visiting = if self.visiting.is_empty() {
            "not recorded".to_string()
        } else {
            self.visiting.join("; ")
        };
        writeln!(f, "Person/s being visited: {visiting}")?;
        for c in &self.cautions {
            writeln!(f, "Caution: {c}")?;
        }

        let t = &self.times;
        writeln!(f, "\nTIMES (planned and actual)")?;
        let date = t.leave_school.planned.with_timezone(&self.tz);
        writeln!(f, "Date of visit: {}", date.format("%a %-d %b %Y"))?;
        writeln!(f, "Departure from school: {}", self.moment(&t.leave_school))?;
        writeln!(f, "Time of meeting (arrival): {}", self.moment(&t.arrive))?;
        writeln!(
            f,
            "Time due to leave the home address: {}",
            self.moment(&t.leave_property)
        )?;
        let back = match self.returns_to {
            ReturnsTo::School => "Time of return to school",
            ReturnsTo::Home => "Time home (not returning to school)",
        };
        writeln!(f, "{back}: {}", self.moment(&t.back))?;
        writeln!(f, "Last contact: {}", self.time(self.last_contact))?;
        match &self.last_fix {
            Some(fix) => {
                let accuracy = fix
                    .accuracy_m
                    .map_or("accuracy not known".to_string(), |a| {
                        format!("to within {a:.0} m")
                    });
                writeln!(
                    f,
                    "Last known place: {:.5}, {:.5} ({accuracy}; from the phone at the check-in at {})",
                    fix.latitude,
                    fix.longitude,
                    self.time(fix.at)
                )?;
            }
            None => writeln!(f, "Last known place: not sent by the phone")?,
        }

        writeln!(f, "\nSENIOR LEADER'S CHECKLIST")?;
        if let Some(steps) = &self.policy_steps {
            writeln!(f, "The policy: {steps}")?;
        }
        for (i, step) in SENIOR_LEADER_CHECKLIST.iter().enumerate() {
            writeln!(f, "[ ] {}. {step}", i + 1)?;
        }
        Ok(())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // a panic is how a test fails
mod tests;
