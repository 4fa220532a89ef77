//! The governors' report's figures, CSV tables and PDF text checked against the term
//! `super::build_term` writes.

use app::reports::GovernorsReport;
use chrono::NaiveDate;
use domain::monitor::AlarmKind;

pub(super) fn counts(c: &[app::reports::Count]) -> Vec<(&str, i64)> {
    c.iter().map(|c| (c.label.as_str(), c.count)).collect()
}

pub(super) fn check_figures(r: &GovernorsReport, backend: &str) {
    let ctx = format!("[{backend}] {r:#?}");
    assert_eq!(r.title, "Test School", "{ctx}");
    assert_eq!(r.range.label, "Autumn term 2026", "{ctx}");
    assert!(r.terms_note.is_some(), "{ctx}");
    assert_eq!(r.visits, 6, "{ctx}");
    assert_eq!(
        counts(&r.visits_by_reason),
        [
            ("Attendance concern", 4),
            ("First-day absence with no contact / safe-and-well check", 1),
            ("Refusing school", 1)
        ],
        "{ctx}"
    );
    assert_eq!(
        counts(&r.visits_by_outcome),
        [
            ("declined", 1),
            ("nobody home (slip left)", 3),
            ("staff out now", 1),
            ("visit made", 1)
        ],
        "{ctx}"
    );
    assert_eq!((r.lone_visits, r.paired_visits), (1, 4), "{ctx}");
    assert_eq!((r.authorised, r.declined), (5, 1), "{ctx}");
    assert_eq!(
        counts(&r.declined_reasons),
        [("Refusing school", 1)],
        "{ctx}"
    );
    let panic = AlarmKind::Panic.label();
    let duress = AlarmKind::Duress.label();
    let alarms: Vec<_> = r
        .alarms
        .iter()
        .map(|a| {
            (
                a.kind.as_str(),
                a.raised,
                a.acknowledged,
                a.median_minutes,
                a.p90_minutes,
            )
        })
        .collect();
    let mut want = vec![(duress, 1, 0, None, None), (panic, 3, 3, Some(4), Some(10))];
    want.sort();
    assert_eq!(alarms, want, "{ctx}");
    assert_eq!(
        counts(&r.acknowledged_by),
        [("DSL", 1), ("headteacher", 1), ("office", 1)],
        "{ctx}"
    );
    let s = &r.slips;
    assert_eq!(
        (
            s.left,
            s.answered_by_deadline,
            s.unanswered_by_deadline,
            s.waiting
        ),
        (3, 1, 1, 1),
        "{ctx}"
    );
    assert_eq!(
        counts(&r.incidents_by_kind),
        [("aggression", 1), ("trip", 1)],
        "{ctx}"
    );
    assert_eq!(r.incidents_blocking, 1, "{ctx}");
    assert_eq!(
        (r.households_blocked_now, r.households_blocked_in_range),
        (1, 1),
        "{ctx}"
    );
    assert_eq!(r.actions_overdue, 1, "{ctx}");
    assert_eq!(r.policies.len(), 1, "{ctx}");
    assert_eq!(
        r.policies[0].review_due,
        NaiveDate::from_ymd_opt(2027, 9, 1).unwrap()
    );
    assert!(!r.policies[0].review_overdue);
    // Two of the school's seven staff confirmed reading the current version (G2).
    let read = r.policies[0].staff_read;
    assert_eq!((read.acknowledged, read.staff, read.not_yet()), (2, 7, 5));
    assert_eq!(
        r.policies[0].acknowledgement,
        "2 of 7 staff have read it (5 not yet)"
    );
    assert_eq!(r.staff_read, read, "one school: the total is the school's");
}

/// Every child's name, address and household name the test wrote, none of which may appear.
pub(super) const NEVER: [&str; 6] = ["Ava", "Smith", "Westoe", "NE33", "Okafor", "Marsden"];

pub(super) fn check_csv(r: &GovernorsReport) {
    let reasons = r.table("visits_by_reason").unwrap().to_csv();
    assert_eq!(
        reasons,
        "Reason,Visits\nAttendance concern,4\nFirst-day absence with no contact / safe-and-well check,1\nRefusing school,1\n"
    );
    let alarms = r.table("alarms").unwrap().to_csv();
    assert!(
        alarms.contains("emergency: staff pressed the panic button,3,3,4,10\n"),
        "{alarms}"
    );
    let read = r.table("acknowledgement").unwrap().to_csv();
    assert_eq!(
        read,
        "School,Version,Have read it,Staff,Not yet\nTest School,1,2,7,5\n"
    );
    let slips = r.table("slips").unwrap().to_csv();
    assert!(slips.contains("unanswered by the deadline,1\n"), "{slips}");
    for name in GovernorsReport::TABLE_NAMES {
        let csv = r.table(name).unwrap().to_csv();
        for never in NEVER {
            assert!(!csv.contains(never), "{name} names {never}: {csv}");
        }
    }
}

pub(super) fn check_pdf(r: &GovernorsReport) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("report.pdf");
    std::fs::write(&path, r.pdf()).unwrap();
    let out = std::process::Command::new("pdftotext")
        .args(["-layout"])
        .arg(&path)
        .arg("-")
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    // Each line with its runs of spaces (table columns) made single.
    let lines: Vec<String> = text
        .lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect();
    let line = |label: &str| {
        let l = lines.iter().find(|l| l.starts_with(label));
        l.unwrap_or_else(|| panic!("no line with {label}: {text}"))
            .clone()
    };
    assert!(text.contains("Home visits report for governors"), "{text}");
    assert_eq!(line("Attendance concern"), "Attendance concern 4");
    assert_eq!(line("Refusing school"), "Refusing school 1");
    assert_eq!(line("nobody home (slip left)"), "nobody home (slip left) 3");
    assert_eq!(
        line("lone (one member of staff)"),
        "lone (one member of staff) 1"
    );
    assert_eq!(
        line("paired (two or more staff)"),
        "paired (two or more staff) 4"
    );
    assert_eq!(line("authorised"), "authorised 5");
    // Declined visits are counted by the visit's reason, never the decider's words (B3).
    let declined = lines
        .iter()
        .skip_while(|l| !l.starts_with("Declined visits, by reason"))
        .take(4)
        .cloned()
        .collect::<Vec<_>>();
    assert!(
        declined.contains(&"Refusing school 1".to_string()),
        "{text}"
    );
    assert!(
        !text.contains("being seen"),
        "the decider's words stay out: {text}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("emergency:") && l.ends_with("3 3 4 10")),
        "{text}"
    );
    // The charts, drawn as bars, give each label and figure as text: once in the chart and
    // once in its table.
    for heading in ["Visits by reason", "Visits by outcome", "Alarms by kind"] {
        let chart = format!("Chart: {heading}");
        assert!(lines.contains(&chart), "no {chart}: {text}");
    }
    // The declined visit's reason is also in the declined-by-reason table.
    for (bar, expected) in [
        ("Attendance concern 4", 2),
        ("Refusing school 1", 3),
        ("nobody home (slip left) 3", 2),
        ("visit made 1", 2),
    ] {
        let times = lines.iter().filter(|l| *l == bar).count();
        assert_eq!(times, expected, "{bar} in the chart and the tables: {text}");
    }
    assert_eq!(
        line("unanswered by the deadline"),
        "unanswered by the deadline 1"
    );
    assert_eq!(
        line("follow-up actions overdue now"),
        "follow-up actions overdue now 1"
    );
    assert_eq!(line("households blocked now"), "households blocked now 1");
    assert!(text.contains("2027-09-01"), "{text}");
    assert!(
        text.contains("Staff who have read the current policy"),
        "{text}"
    );
    assert_eq!(line("Test School 1 2"), "Test School 1 2 7 5");

    assert!(text.contains("Autumn term 2026"), "{text}");
    for never in NEVER {
        assert!(!text.contains(never), "the PDF names {never}: {text}");
    }
}
