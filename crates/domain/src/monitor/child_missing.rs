//! A6, #13: the child-missing pack. When a Home Visit Slip goes unanswered the worry is the
//! *child*, not the staff (who are back at school): the example absence protocol's section 5
//! "the DSL (or a Deputy DSL) will ring 101 and report the child missing". The pack is what the
//! police call handler will ask for: the child, when Doorstep last has them seen, where and when
//! the slip was left and by whom, who was tried and who else can be tried, the school's
//! instruction and the cautions on the household.

use crate::inputs::{PhoneNumber, Postcode};
use crate::recorded::Recorded;
use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use serde::Serialize;
use std::fmt;

/// The child-missing pack of one visit's unanswered slip. Times are UTC; [`fmt::Display`]
/// reads them out on the school's clock (`time_zone`).
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct ChildMissingPack {
    pub school: String,
    // Checked, or as stored when typed before the parser was stricter (the doc would change
    // the API description).
    #[schema(value_type = Option<String>)]
    pub school_phone: Option<Recorded<PhoneNumber>>,
    /// The child's name as the school holds it.
    pub child: String,
    pub year_group: Option<String>,
    pub date_of_birth: NaiveDate,
    /// The last record Doorstep holds of the child being seen; `None`: none (Doorstep keeps no
    /// register: the pack says to check the MIS).
    pub last_seen: Option<LastSeen>,
    pub slip: SlipLeftAt,
    /// What was tried on this visit, oldest first: the knock, the slip, any answer.
    pub contacts_tried: Vec<ContactTried>,
    /// Who else can be tried: the household's landline and its members with their phones.
    pub contacts: Vec<FamilyContact>,
    /// What the school says to do, in its words (the `[slip.unanswered]` rung's instruction).
    pub instruction: String,
    /// The household's caution flags (P3), worded as raised.
    pub cautions: Vec<String>,
    /// IANA name of the school's time zone, e.g. "Europe/London".
    pub time_zone: String,
    #[serde(skip)]
    pub tz: Tz,
}

/// The last record of the child being seen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct LastSeen {
    /// When it was recorded (UTC).
    pub at: DateTime<Utc>,
    /// What the record says, e.g. "home visit 12: seen Amy and her mother".
    pub what: String,
}

/// Where and when the slip went through the door, and by whom.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct SlipLeftAt {
    pub left_at: DateTime<Utc>,
    pub respond_by: DateTime<Utc>,
    pub address: String,
    #[schema(value_type = String)]
    pub postcode: Recorded<Postcode>,
    /// The name of the member of staff who left it.
    pub left_by: String,
    /// Whether the family has answered since (then the pack is history).
    pub answered: bool,
}

/// One attempt to reach the family on this visit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ContactTried {
    pub at: DateTime<Utc>,
    /// "Nobody answered the door (Tom Teacher)".
    pub what: String,
}

/// A person or line the DSL can still try.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct FamilyContact {
    /// "Jo Smith" or "the family's landline".
    pub name: String,
    /// "mother"; empty for the landline.
    pub relationship: String,
    /// As recorded; `None`: no number held.
    #[schema(value_type = Option<String>)]
    pub phone: Option<Recorded<PhoneNumber>>,
}

impl ChildMissingPack {
    /// "11:00 GMT on Mon 23 Nov 2026", on the school's clock.
    pub fn time(&self, t: DateTime<Utc>) -> String {
        t.with_timezone(&self.tz)
            .format("%H:%M %Z on %a %-d %b %Y")
            .to_string()
    }

    /// The pack as headed sections of lines, for the page and the PDF: `(heading, lines)`.
    pub fn sections(&self) -> Vec<(&'static str, Vec<String>)> {
        let year = self.year_group.as_deref().unwrap_or("not recorded");
        let child = vec![
            format!("Name: {}", self.child),
            format!("Year group: {year}"),
            format!("Date of birth: {}", self.date_of_birth.format("%-d %B %Y")),
            match &self.last_seen {
                Some(s) => format!("Last seen: {} ({})", self.time(s.at), s.what),
                None => {
                    "Last seen: Doorstep holds no record; check the register in the MIS".to_string()
                }
            },
        ];
        let s = &self.slip;
        let slip = vec![
            format!("Left at: {}", self.time(s.left_at)),
            format!("Address: {}, {}", s.address, s.postcode),
            format!("Left by: {}", s.left_by),
            format!("Family to respond by: {}", self.time(s.respond_by)),
            if s.answered {
                "The family has since responded.".to_string()
            } else {
                "No response recorded.".to_string()
            },
        ];
        let tried = self
            .contacts_tried
            .iter()
            .map(|c| format!("{}: {}", self.time(c.at), c.what))
            .collect();
        let contacts = self
            .contacts
            .iter()
            .map(|c| {
                let who = if c.relationship.is_empty() {
                    c.name.clone()
                } else {
                    format!("{} ({})", c.name, c.relationship)
                };
                format!(
                    "{who}: {}",
                    c.phone.as_ref().map_or("no number held", |p| p.as_str())
                )
            })
            .collect();
        let cautions = if self.cautions.is_empty() {
            vec!["None recorded.".to_string()]
        } else {
            self.cautions.clone()
        };
        vec![
            ("What to do", vec![self.instruction.clone()]),
            ("The child", child),
            ("The Home Visit Slip", slip),
            ("Contacts tried", tried),
            ("Contacts to try", contacts),
            ("Caution", cautions),
        ]
    }
}

impl fmt::Display for ChildMissingPack {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "CHILD MISSING: HOME VISIT SLIP UNANSWERED")?;
        let phone = self
            .school_phone
            .as_ref()
            .map_or("not recorded", |p| p.as_str());
        writeln!(f, "School: {} (telephone {phone})", self.school)?;
        writeln!(f, "Times are {} time.", self.tz.name())?;
        for (heading, lines) in self.sections() {
            writeln!(f, "\n{}", heading.to_uppercase())?;
            for line in lines {
                writeln!(f, "- {line}")?;
            }
        }
        Ok(())
    }
}
