//! Every PDF prints names in any alphabet exactly as typed (issue #14 item 3): `pdftotext`
//! gives each name back and `pdffonts` lists every font as embedded (poppler-utils).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::Command;

use doorstep_documents::{
    ActionLine, Chronology, ChronologyLine, Field, HomeVisitSlip, SlipHeader, VisitHeader,
    VisitRecord, chronology, home_visit_slip, visit_record,
};

const NAMES: [&str; 8] = [
    "Łukasz Wąsik-Żółć",
    "Siân Ŵyn Llŷr",
    "Ștefan Țurcanu",
    "Ayşe Ağaoğlu",
    "Ελένη Παπαδοπούλου",
    "Олена Коваленко",
    "محمد العلي",
    "王芳",
];

fn header(name: &str) -> VisitHeader {
    VisitHeader {
        school: "St Joseph's Catholic Academy".into(),
        staff_names: "Tom Teacher, Lina Liaison".into(),
        job_roles: "class teacher, family liaison officer".into(),
        student_name: name.into(),
        address: "11 Westoe Road, South Shields NE33 3PX".into(),
        reason: format!("Attendance concern for {name}"),
        date: "Monday 23 November 2026".into(),
        time: "10:20".into(),
        signatories: vec!["Tom Teacher".into()],
    }
}

fn slip(name: &str) -> Vec<u8> {
    home_visit_slip(&HomeVisitSlip {
        header: SlipHeader {
            school: "St Joseph's Catholic Academy".into(),
            date: "Monday 23 November 2026".into(),
            time: "10:20".into(),
        },
        school_phone: Some("0191 234 5678".into()),
        // Short enough not to wrap, so the name comes back whole.
        message: format!("Please ring us about {name} before 12:20."),
        respond_by: "12:20 on Monday 23 November 2026".into(),
    })
}

fn record(name: &str) -> Vec<u8> {
    visit_record(&VisitRecord {
        header: header(name),
        reference: "Visit 42".into(),
        outcome: format!("Spoke with {name}'s mother at the door."),
        actions: vec![ActionLine {
            description: format!("Call {name}'s family"),
            owner: "Lina Liaison".into(),
            due: "24/11/2026".into(),
            done: "no".into(),
        }],
        notes: vec![Field::new("Seen", name)],
        printed: "Printed 23 November 2026 14:05 by Helen Head".into(),
        ..VisitRecord::default()
    })
}

fn chrono(name: &str, entries: usize) -> Vec<u8> {
    chronology(&Chronology {
        school: "St Joseph's Catholic Academy".into(),
        pupil_name: name.into(),
        details: vec![Field::new("Year group", "Year 5")],
        filter: "all".into(),
        entries: vec![
            ChronologyLine {
                when: "23/11/2026 10:20".into(),
                kind: "visit".into(),
                summary: format!("Home visit: {name} seen with her mother"),
            };
            entries
        ],
        printed: "Printed 23 November 2026 14:05".into(),
    })
}

/// Runs a poppler tool on the PDF and returns its standard output.
fn poppler(tool: &str, pdf: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("doc.pdf");
    std::fs::write(&path, pdf).unwrap();
    let mut cmd = Command::new(tool);
    if tool == "pdftotext" {
        cmd.arg("-enc").arg("UTF-8");
    }
    cmd.arg(&path);
    if tool == "pdftotext" {
        cmd.arg("-");
    }
    let out = cmd.output().expect("poppler-utils is installed");
    assert!(
        out.status.success(),
        "{tool}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// The font names `pdffonts` lists, after checking each is embedded.
fn embedded_fonts(pdf: &[u8]) -> Vec<String> {
    let listing = poppler("pdffonts", pdf);
    let rows: Vec<&str> = listing.lines().skip(2).collect();
    assert!(!rows.is_empty(), "no fonts listed:\n{listing}");
    rows.iter()
        .map(|row| {
            let cols: Vec<&str> = row.split_whitespace().collect();
            // ... emb sub uni object-number generation
            assert_eq!(cols[cols.len() - 5], "yes", "font not embedded:\n{listing}");
            assert_eq!(
                cols[cols.len() - 3],
                "yes",
                "font has no Unicode map:\n{listing}"
            );
            cols[0].to_string()
        })
        .collect()
}

fn assert_prints(kind: &str, pdf: &[u8], name: &str) {
    let text = poppler("pdftotext", pdf);
    assert!(
        text.contains(name),
        "{kind} lost {name:?}; pdftotext gave:\n{text}"
    );
    assert!(
        !text.contains('?'),
        "{kind} has a '?' for {name:?}:\n{text}"
    );
    embedded_fonts(pdf);
}

#[test]
fn the_slip_prints_every_name_as_typed_with_embedded_fonts() {
    for name in NAMES {
        assert_prints("slip", &slip(name), name);
    }
}

#[test]
fn the_visit_record_prints_every_name_as_typed_with_embedded_fonts() {
    for name in NAMES {
        assert_prints("record", &record(name), name);
    }
}

#[test]
fn the_chronology_prints_every_name_as_typed_with_embedded_fonts() {
    for name in NAMES {
        assert_prints("chronology", &chrono(name, 3), name);
    }
}

#[test]
fn a_pdf_carries_only_the_glyphs_it_prints() {
    // The CJK font file is about 4 MB; a slip naming 王芳 must stay small.
    let pdf = slip("王芳");
    assert!(pdf.len() < 200_000, "slip is {} bytes", pdf.len());
    assert_eq!(embedded_fonts(&pdf).len(), 3, "regular, bold and CJK");
    // A Latin-only slip embeds no Arabic or CJK font.
    assert_eq!(embedded_fonts(&slip("Ava Smith")).len(), 2);
}

#[test]
fn long_arabic_and_chinese_chronologies_wrap_and_number_their_pages() {
    for name in ["محمد العلي", "王芳", "Łukasz Wąsik-Żółć"] {
        let text = poppler("pdftotext", &chrono(name, 90));
        let pages = text.matches("Page ").count();
        assert!(pages >= 3, "{name}: {pages} pages");
        assert!(text.contains(&format!("Page {pages} of {pages}")), "{text}");
        assert_eq!(
            text.matches(name).count(),
            90 + 1,
            "{name}: every entry and the title"
        );
    }
}
