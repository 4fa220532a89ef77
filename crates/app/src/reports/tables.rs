//! The report's tables, laid out once: the page, each CSV download and the PDF show these rows,
//! so a figure cannot differ between them.

use super::{Count, GovernorsReport, StaffRead};
use serde::Serialize;

/// One table of the report: its name in a CSV file name (`visits_by_reason`), its heading, its
/// column headers and its rows (text, as printed).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Table {
    pub name: &'static str,
    pub heading: &'static str,
    pub headers: Vec<&'static str>,
    pub rows: Vec<Vec<String>>,
}

/// One bar chart of the report, drawn on the page (SVG) and in the PDF from these figures: its
/// id on the page, its heading, what its bars count and the bars.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Chart {
    pub id: &'static str,
    pub heading: &'static str,
    pub unit: &'static str,
    pub bars: Vec<Count>,
}

fn counted(name: &'static str, heading: &'static str, first: &'static str, c: &[Count]) -> Table {
    Table {
        name,
        heading,
        headers: vec![first, "Visits"],
        rows: c
            .iter()
            .map(|c| vec![c.label.clone(), c.count.to_string()])
            .collect(),
    }
}

fn minutes(m: Option<i64>) -> String {
    m.map_or_else(|| "none acknowledged".to_string(), |m| m.to_string())
}

impl GovernorsReport {
    /// The names of every table, in the order they are shown (the CSV `table` choices).
    pub const TABLE_NAMES: [&'static str; 12] = [
        "visits_by_reason",
        "visits_by_outcome",
        "staffing",
        "authorisation",
        "declined_reasons",
        "alarms",
        "acknowledged_by",
        "slips",
        "incidents",
        "actions_and_blocks",
        "policy",
        "acknowledgement",
    ];

    /// Every table of the report, in [`GovernorsReport::TABLE_NAMES`] order, then the schools'
    /// table when the report covers more than one school.
    pub fn tables(&self) -> Vec<Table> {
        let pair = |a: &str, b: i64| vec![a.to_string(), b.to_string()];
        let mut incidents = counted(
            "incidents",
            "Incidents by kind",
            "Kind",
            &self.incidents_by_kind,
        );
        incidents.headers = vec!["Kind", "Incidents"];
        let mut declined = counted(
            "declined_reasons",
            "Declined visits, by reason for the visit",
            "Reason for the visit",
            &self.declined_reasons,
        );
        declined.headers = vec!["Reason for the visit", "Declined"];
        let mut acknowledged = counted(
            "acknowledged_by",
            "Who acknowledged alarms (by role)",
            "Role",
            &self.acknowledged_by,
        );
        acknowledged.headers = vec!["Role", "Alarms"];
        let mut tables = vec![
            counted(
                "visits_by_reason",
                "Visits by reason",
                "Reason",
                &self.visits_by_reason,
            ),
            counted(
                "visits_by_outcome",
                "Visits by outcome",
                "Outcome",
                &self.visits_by_outcome,
            ),
            Table {
                name: "staffing",
                heading: "Lone and paired visits (visits staff went out on)",
                headers: vec!["Staffing", "Visits"],
                rows: vec![
                    pair("lone (one member of staff)", self.lone_visits),
                    pair("paired (two or more staff)", self.paired_visits),
                ],
            },
            Table {
                name: "authorisation",
                heading: "Visits authorised and declined",
                headers: vec!["Decision", "Visits"],
                rows: vec![
                    pair("authorised", self.authorised),
                    pair("declined", self.declined),
                ],
            },
            declined,
            Table {
                name: "alarms",
                heading: "Alarms by kind and minutes to acknowledge",
                headers: vec![
                    "Kind",
                    "Raised",
                    "Acknowledged",
                    "Median minutes",
                    "90th percentile minutes",
                ],
                rows: self
                    .alarms
                    .iter()
                    .map(|a| {
                        vec![
                            a.kind.clone(),
                            a.raised.to_string(),
                            a.acknowledged.to_string(),
                            minutes(a.median_minutes),
                            minutes(a.p90_minutes),
                        ]
                    })
                    .collect(),
            },
            acknowledged,
            Table {
                name: "slips",
                heading: "Home Visit Slips",
                headers: vec!["Slips", "Number"],
                rows: vec![
                    pair("left", self.slips.left),
                    pair("answered by the deadline", self.slips.answered_by_deadline),
                    pair(
                        "unanswered by the deadline",
                        self.slips.unanswered_by_deadline,
                    ),
                    pair("deadline still to come", self.slips.waiting),
                ],
            },
            incidents,
            Table {
                name: "actions_and_blocks",
                heading: "Blocked households and overdue follow-up actions",
                headers: vec!["Figure", "Number"],
                rows: vec![
                    pair(
                        "incidents after which the household was blocked",
                        self.incidents_blocking,
                    ),
                    pair(
                        "households blocked in the period",
                        self.households_blocked_in_range,
                    ),
                    pair("households blocked now", self.households_blocked_now),
                    pair("follow-up actions overdue now", self.actions_overdue),
                ],
            },
            Table {
                name: "policy",
                heading: "Policy review and staff acknowledgement",
                headers: vec![
                    "School",
                    "Version",
                    "Approved by",
                    "Approved on",
                    "Review due",
                    "Staff acknowledgement",
                ],
                rows: self
                    .policies
                    .iter()
                    .map(|p| {
                        let due = if p.review_overdue {
                            format!("{} (overdue)", p.review_due)
                        } else {
                            p.review_due.to_string()
                        };
                        vec![
                            p.school.clone(),
                            p.version.to_string(),
                            p.approved_by.clone(),
                            p.approved_on.to_string(),
                            due,
                            p.acknowledgement.clone(),
                        ]
                    })
                    .collect(),
            },
            self.acknowledgement_table(),
        ];
        if self.schools.len() > 1 {
            tables.push(Table {
                name: "schools",
                heading: "Schools of the trust",
                headers: vec!["School", "Visits", "Alarms", "Incidents", "Actions overdue"],
                rows: self
                    .schools
                    .iter()
                    .map(|s| {
                        vec![
                            s.school.clone(),
                            s.visits.to_string(),
                            s.alarms.to_string(),
                            s.incidents.to_string(),
                            s.actions_overdue.to_string(),
                        ]
                    })
                    .collect(),
            });
        }
        tables
    }

    /// G2: per school, staff who have confirmed reading the current policy version, of the
    /// staff asked to; a last "All schools" row when the report covers more than one school.
    fn acknowledgement_table(&self) -> Table {
        let row = |school: &str, version: String, r: StaffRead| {
            vec![
                school.to_string(),
                version,
                r.acknowledged.to_string(),
                r.staff.to_string(),
                r.not_yet().to_string(),
            ]
        };
        let mut rows: Vec<Vec<String>> = self
            .policies
            .iter()
            .map(|p| row(&p.school, p.version.to_string(), p.staff_read))
            .collect();
        if self.policies.len() > 1 {
            rows.push(row("All schools", String::new(), self.staff_read));
        }
        Table {
            name: "acknowledgement",
            heading: "Staff who have read the current policy",
            headers: vec!["School", "Version", "Have read it", "Staff", "Not yet"],
            rows,
        }
    }

    /// The report's charts: visits by reason, visits by outcome, alarms raised by kind.
    pub fn charts(&self) -> Vec<Chart> {
        let alarms = self
            .alarms
            .iter()
            .map(|a| Count {
                label: a.kind.clone(),
                count: a.raised,
            })
            .collect();
        vec![
            Chart {
                id: "chart-reason",
                heading: "Visits by reason",
                unit: "Visits",
                bars: self.visits_by_reason.clone(),
            },
            Chart {
                id: "chart-outcome",
                heading: "Visits by outcome",
                unit: "Visits",
                bars: self.visits_by_outcome.clone(),
            },
            Chart {
                id: "chart-alarms",
                heading: "Alarms by kind",
                unit: "Alarms raised",
                bars: alarms,
            },
        ]
    }

    /// One table by its name, for a CSV download; `None` for a name not in the report.
    pub fn table(&self, name: &str) -> Option<Table> {
        self.tables().into_iter().find(|t| t.name == name)
    }
}

impl Table {
    /// The table as CSV: the header row, then one line per row (RFC 4180 quoting).
    pub fn to_csv(&self) -> String {
        let mut w = csv::Writer::from_writer(Vec::new());
        // Writing to memory cannot fail; a failed row would only drop that row's text.
        let _ = w.write_record(&self.headers);
        for row in &self.rows {
            let _ = w.write_record(row);
        }
        String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
    }
}

impl GovernorsReport {
    /// The lines printed under the title: the period, when it was made, the default-terms note.
    pub fn lines(&self) -> Vec<String> {
        let mut lines = vec![
            format!(
                "Period: {} ({} to {})",
                self.range.label, self.range.from, self.range.to
            ),
            format!(
                "Made {} UTC. Visits planned in the period: {}.",
                self.generated_at.format("%-d %b %Y %H:%M"),
                self.visits
            ),
        ];
        lines.extend(self.terms_note.clone());
        lines
    }

    /// The whole report as a PDF: every chart of [`GovernorsReport::charts`], drawn as bars,
    /// then every table of [`GovernorsReport::tables`].
    pub fn pdf(&self) -> Vec<u8> {
        documents::governors_report(&documents::GovernorsReport {
            title: self.title.clone(),
            lines: self.lines(),
            charts: self
                .charts()
                .into_iter()
                .map(|c| documents::ReportChart {
                    heading: c.heading.to_string(),
                    unit: c.unit.to_string(),
                    bars: c.bars.into_iter().map(|b| (b.label, b.count)).collect(),
                })
                .collect(),
            tables: self
                .tables()
                .into_iter()
                .map(|t| documents::ReportTable {
                    heading: t.heading.to_string(),
                    headers: t.headers.iter().map(|h| h.to_string()).collect(),
                    rows: t.rows,
                })
                .collect(),
        })
    }
}
