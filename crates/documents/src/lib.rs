//! Doorstep's printable documents, in the words of the schools' own forms:
//!
//! - the **Home Visit Slip** left when nobody is home (D9), modelled on St Joseph's slip, with the
//!   school's wording and the time by which the family must respond;
//! - the **visit record**, modelled on St Joseph's Home Visit Form (staff, roles, pupil, address,
//!   reason, date and time, authorisation, outcome, action required) plus its follow-up actions;
//! - a pupil's **chronology** (visits, outcomes, concerns, actions in time order);
//! - the **child-missing pack** of an unanswered slip (A6), for the DSL ringing 101.
//!
//! Plain data in, PDF bytes out: no database, no clock, no domain types, so the PDF library is
//! compiled once and app edits never rebuild it. Callers format dates in the school's time zone.
//!
//! Every name prints as typed, in any alphabet (issue #14): text goes through the layout
//! helper, which sets it in the fonts shipped in `fonts/` (Noto Sans, Noto Sans Arabic, Droid
//! Sans Fallback), shapes Arabic right to left and embeds only the glyphs used. A new document
//! is one more function here building a `Layout` (`title`, `heading`, `paragraph`, `field`,
//! `table`, `signature`, `finish`); it gets the fonts, wrapping and page numbers for free.

mod child_missing;
mod fonts;
mod layout;
mod report;

pub use child_missing::{ChildMissingPack, child_missing_pack};
pub use report::{GovernorsReport, ReportChart, ReportTable, governors_report};
mod pages;

use layout::{Face, Layout};

/// A labelled line of a form.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Field {
    pub label: String,
    pub value: String,
}

impl Field {
    pub fn new(label: impl Into<String>, value: impl Into<String>) -> Self {
        Field {
            label: label.into(),
            value: value.into(),
        }
    }
}

/// The part of St Joseph's Home Visit Form and Slip that both share.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VisitHeader {
    pub school: String,
    /// "Tom Teacher, Lina Liaison"
    pub staff_names: String,
    /// "class teacher, family liaison officer"
    pub job_roles: String,
    pub student_name: String,
    pub address: String,
    pub reason: String,
    /// "Monday 23 November 2026"
    pub date: String,
    /// "10:20"
    pub time: String,
    /// One signature line per member of staff.
    pub signatories: Vec<String>,
}

/// The head of the slip: only what a neighbour picking it up may read (issue #10 item 6), so no
/// staff, job roles, pupil, address or reason for calling, unlike St Joseph's paper slip.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SlipHeader {
    pub school: String,
    /// When the slip went through the door: "Monday 23 November 2026"
    pub date: String,
    /// "10:20"
    pub time: String,
}

/// D9: the slip put through the door when nobody answers.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HomeVisitSlip {
    pub header: SlipHeader,
    pub school_phone: Option<String>,
    /// The school's wording with the child's name and the deadline filled in.
    pub message: String,
    /// "12:30 on Monday 23 November 2026"
    pub respond_by: String,
}

/// One follow-up action on the visit record.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ActionLine {
    pub description: String,
    pub owner: String,
    pub due: String,
    pub done: String,
}

/// A3: the completed Home Visit Form.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VisitRecord {
    pub header: VisitHeader,
    /// "Visit 42"
    pub reference: String,
    /// The visit's status in words, as printed ("left property"); the caller decodes it.
    pub status: String,
    pub authorised_by: String,
    pub authorised_date: String,
    pub authorised_time: String,
    pub outcome: String,
    pub action_required: String,
    pub actions: Vec<ActionLine>,
    /// Further facts: the slip, people seen, concerns raised.
    pub notes: Vec<Field>,
    /// "Printed 23 November 2026 14:05 by Helen Head"
    pub printed: String,
}

/// One entry of a chronology.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ChronologyLine {
    pub when: String,
    /// What the entry is, in words, as printed ("Home visit", "Incident").
    pub kind: String,
    pub summary: String,
}

/// A3: everything on a pupil's record, in time order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Chronology {
    pub school: String,
    pub pupil_name: String,
    pub details: Vec<Field>,
    /// Which entries were asked for ("all", "concerns from 1 September 2026").
    pub filter: String,
    pub entries: Vec<ChronologyLine>,
    pub printed: String,
}

const CONFIDENTIAL: &str =
    "CONFIDENTIAL: share only with staff involved with this child, the DSL and the headteacher.";

fn header_fields(l: &mut Layout, h: &VisitHeader) {
    l.field("Staff Name(s)", &h.staff_names);
    l.field("Job Role(s)", &h.job_roles);
    l.field("Student Name", &h.student_name);
    l.field("Visited Home Address", &h.address);
    l.field("Reason for calling", &h.reason);
    l.field("On (date)", &format!("{}   at (time) {}", h.date, h.time));
}

/// The Home Visit Slip as a one-page PDF: the school, when staff called, the school's wording,
/// the deadline and the school's number; nothing else (issue #10 item 6).
pub fn home_visit_slip(slip: &HomeVisitSlip) -> Vec<u8> {
    let footer = match &slip.school_phone {
        Some(phone) => format!("{}  ·  telephone {phone}", slip.header.school),
        None => slip.header.school.clone(),
    };
    let mut l = Layout::new("Home Visit Slip", &footer);
    l.title(&slip.header.school);
    l.paragraph("Home Visit Slip", Face::Bold, 14.0);
    l.gap(3.0);
    l.field(
        "We called on (date)",
        &format!("{}   at (time) {}", slip.header.date, slip.header.time),
    );
    l.gap(6.0);
    l.paragraph(&slip.message, Face::Bold, 11.5);
    l.gap(4.0);
    l.field("Please respond before", &slip.respond_by);
    if let Some(phone) = &slip.school_phone {
        l.field(
            "Contact the school",
            &format!("{} on {phone}", slip.header.school),
        );
    }
    l.finish()
}

/// The visit record (Home Visit Form with its outcome and actions) as a PDF.
pub fn visit_record(r: &VisitRecord) -> Vec<u8> {
    let mut l = Layout::new(
        &format!("Home Visit Form - {}", r.reference),
        &format!("{CONFIDENTIAL}  {}", r.printed),
    );
    l.title(&r.header.school);
    l.paragraph(
        &format!("Home Visit Form  ({})", r.reference),
        Face::Bold,
        14.0,
    );
    l.gap(3.0);
    header_fields(&mut l, &r.header);
    l.field("Status", &r.status);
    for name in &r.header.signatories {
        l.signature("Signed", name);
    }
    l.gap(3.0);
    l.field("Visit authorised by", &r.authorised_by);
    l.field(
        "Date",
        &format!("{}   Time: {}", r.authorised_date, r.authorised_time),
    );
    l.heading("Outcome of Home Visit");
    l.paragraph(non_empty(&r.outcome), Face::Regular, 10.5);
    l.heading("Action Required");
    l.paragraph(non_empty(&r.action_required), Face::Regular, 10.5);
    if !r.actions.is_empty() {
        l.gap(2.0);
        let rows: Vec<Vec<String>> = r
            .actions
            .iter()
            .map(|a| {
                vec![
                    a.description.clone(),
                    a.owner.clone(),
                    a.due.clone(),
                    a.done.clone(),
                ]
            })
            .collect();
        l.table(
            &["Follow-up action", "Owner", "Due", "Done"],
            &[0.5, 0.2, 0.15, 0.15],
            &rows,
        );
    }
    if !r.notes.is_empty() {
        l.heading("Also recorded");
        for note in &r.notes {
            l.field(&note.label, &note.value);
        }
    }
    l.finish()
}

/// A pupil's chronology as a PDF, one line per entry, oldest first.
pub fn chronology(c: &Chronology) -> Vec<u8> {
    let mut l = Layout::new(
        &format!("Chronology - {}", c.pupil_name),
        &format!("{CONFIDENTIAL}  {}", c.printed),
    );
    l.title(&c.school);
    l.paragraph(&format!("Chronology: {}", c.pupil_name), Face::Bold, 14.0);
    l.gap(3.0);
    for f in &c.details {
        l.field(&f.label, &f.value);
    }
    l.field("Showing", &c.filter);
    l.heading("Entries");
    if c.entries.is_empty() {
        l.paragraph(
            "Nothing is recorded for this selection.",
            Face::Regular,
            10.5,
        );
    } else {
        let rows: Vec<Vec<String>> = c
            .entries
            .iter()
            .map(|e| vec![e.when.clone(), e.kind.clone(), e.summary.clone()])
            .collect();
        l.table(&["When", "What", "Details"], &[0.2, 0.17, 0.63], &rows);
    }
    l.finish()
}

fn non_empty(text: &str) -> &str {
    if text.trim().is_empty() {
        "Not recorded yet."
    } else {
        text
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn header() -> VisitHeader {
        VisitHeader {
            school: "St Joseph's Catholic Academy".into(),
            staff_names: "Tom Teacher, Lina Liaison".into(),
            job_roles: "class teacher, family liaison officer".into(),
            student_name: "Ava Smith".into(),
            address: "11 Westoe Road, South Shields NE33 3PX".into(),
            reason: "Attendance concern".into(),
            date: "Monday 23 November 2026".into(),
            time: "10:20".into(),
            signatories: vec!["Tom Teacher".into(), "Lina Liaison".into()],
        }
    }

    #[test]
    fn every_document_is_a_pdf() {
        let slip = home_visit_slip(&HomeVisitSlip {
            header: SlipHeader::default(),
            school_phone: Some("0191 234 5678".into()),
            message: "IF WE HAVE NOT HEARD FROM AN ADULT ... BEFORE 12:20".into(),
            respond_by: "12:20 on Monday 23 November 2026".into(),
        });
        assert!(slip.starts_with(b"%PDF"));
        let record = visit_record(&VisitRecord {
            header: header(),
            actions: vec![ActionLine::default(); 3],
            ..VisitRecord::default()
        });
        assert!(record.starts_with(b"%PDF"));
        let long = Chronology {
            entries: vec![
                ChronologyLine {
                    when: "23/11/2026 10:20".into(),
                    kind: "visit".into(),
                    summary: "word ".repeat(80),
                };
                120
            ],
            ..Chronology::default()
        };
        assert!(chronology(&long).starts_with(b"%PDF"));
    }
}
