//! The child-missing pack (A6, #13) as a PDF: what the DSL has in hand when ringing 101 about a
//! child whose family did not answer a Home Visit Slip. Sections of lines, already worded and
//! timed on the school's clock by the caller.

use crate::layout::{Face, Layout};

/// The pack, worded: `sections` are `(heading, lines)` in reading order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ChildMissingPack {
    pub school: String,
    pub school_phone: Option<String>,
    /// The child's name, for the title.
    pub child: String,
    /// "Times are Europe/London time."
    pub times_note: String,
    pub sections: Vec<(String, Vec<String>)>,
}

/// The child-missing pack as a PDF, one heading per section, every line wrapped; names in any
/// alphabet print as typed.
pub fn child_missing_pack(pack: &ChildMissingPack) -> Vec<u8> {
    let footer = match &pack.school_phone {
        Some(phone) => format!("{}  ·  telephone {phone}", pack.school),
        None => pack.school.clone(),
    };
    let mut l = Layout::new("Child missing pack", &footer);
    l.title(&format!("Child missing: {}", pack.child));
    l.paragraph(
        &format!("{}. Home Visit Slip unanswered.", pack.school),
        Face::Bold,
        11.0,
    );
    l.paragraph(&pack.times_note, Face::Regular, 9.5);
    for (heading, lines) in &pack.sections {
        l.heading(heading);
        for line in lines {
            l.paragraph(line, Face::Regular, 10.5);
        }
    }
    l.finish()
}
