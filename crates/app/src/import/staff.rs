//! Staff from a CSV with the header `name,email,mobile,roles` (roles separated by `;`, in the
//! words of [`Role::as_str`]): reading the rows, then adding or updating the school's staff,
//! keyed by e-mail address without regard to case.

use super::{ImportLine, ImportReport, Importer, Problem};
use crate::{App, Refusal, Result};
use chrono::{DateTime, Utc};
use domain::inputs::{self, PhoneNumber};
use domain::recorded::Recorded;
use domain::{Role, RoleSet, SchoolId};
use serde_json::json;
use store::{AuditEntry, NewStaff};

/// The header a staff CSV starts with, in this order.
pub const HEADER: [&str; 4] = ["name", "email", "mobile", "roles"];

/// Roles only the trust administrator grants (A10: the chair of governors reads allegations
/// about the head; the head and the DSL decide on visits): an import never grants them.
pub const SENIOR: [Role; 5] = [
    Role::Headteacher,
    Role::Dsl,
    Role::DeputyDsl,
    Role::ChairOfGovernors,
    Role::TrustAdmin,
];

/// A password hash no password matches: an imported member of staff cannot sign in until a
/// password is set for them. Argon2 cannot parse it, so every sign-in with it is refused.
const NO_PASSWORD: &str = "!imported";

/// One readable row.
pub struct StaffRow {
    pub line: u64,
    pub name: String,
    pub email: String,
    pub mobile: Option<PhoneNumber>,
    pub roles: Vec<Role>,
}

fn problem(line: u64, column: &str, reason: String) -> Problem {
    Problem {
        element: format!("line {line}, column {column}"),
        reason,
    }
}

/// Reads the file: every readable row, and every unreadable one with its line, column and why.
/// Errors: `Invalid("csv")` when the first line is not the header.
pub fn read(text: &str) -> Result<(Vec<StaffRow>, Vec<Problem>)> {
    // A byte-order mark at the start of the file (as spreadsheets write one) is stripped.
    let text = domain::text::without_bom(text);
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(text.as_bytes());
    let header_ok = reader.headers().is_ok_and(|h| {
        h.iter()
            .map(|c| c.trim().to_lowercase())
            .eq(HEADER.iter().map(|c| c.to_string()))
    });
    if !header_ok {
        return Err(Refusal::invalid(
            "csv",
            format!("the first line must be the header: {}", HEADER.join(",")),
        ));
    }
    let (mut rows, mut problems) = (Vec::<StaffRow>::new(), Vec::new());
    for (i, record) in reader.records().enumerate() {
        // Header is line 1; the reader's own position is used when it has one.
        let fallback = i as u64 + 2;
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map_or(fallback, |p| p.line());
                problems.push(problem(
                    line,
                    "name",
                    "the line cannot be read as CSV".into(),
                ));
                continue;
            }
        };
        let line = record.position().map_or(fallback, |p| p.line());
        if record.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        if record.len() != HEADER.len() {
            problems.push(problem(
                line,
                "roles",
                format!(
                    "the line has {} columns; it needs 4: {}",
                    record.len(),
                    HEADER.join(",")
                ),
            ));
            continue;
        }
        match row(line, &record) {
            Ok(r) => match rows.iter().find(|o| o.email == r.email) {
                Some(o) => problems.push(problem(
                    line,
                    "email",
                    format!("{} is already on line {}", r.email, o.line),
                )),
                None => rows.push(r),
            },
            Err(p) => problems.push(p),
        }
    }
    Ok((rows, problems))
}

fn row(line: u64, r: &csv::StringRecord) -> std::result::Result<StaffRow, Problem> {
    let cell = |i: usize| r.get(i).unwrap_or("").trim();
    let name = inputs::text("name", cell(0), 200)
        .map_err(|e| problem(line, "name", format!("the name {}", e.reason)))?;
    let email = inputs::email("email", cell(1))
        .map_err(|e| problem(line, "email", format!("'{}' {}", cell(1), e.reason)))?;
    let mobile = match cell(2) {
        "" => None,
        m => {
            let not_uk = || {
                problem(
                    line,
                    "mobile",
                    format!("'{m}' is not a UK mobile number, e.g. 07700 900123"),
                )
            };
            let p = PhoneNumber::parse("mobile", m).map_err(|_| not_uk())?;
            let national = p.national();
            if !(national.starts_with("07") && national.len() == 11) {
                return Err(not_uk());
            }
            Some(p)
        }
    };
    let mut roles = Vec::new();
    for word in cell(3).split(';').map(str::trim).filter(|w| !w.is_empty()) {
        let role = word.to_lowercase().replace(' ', "_").parse::<Role>();
        match role {
            Ok(role) => roles.push(role),
            Err(_) => {
                let known: Vec<_> = Role::ALL.iter().map(|r| r.as_str()).collect();
                return Err(problem(
                    line,
                    "roles",
                    format!("'{word}' is not a role; the roles are {}", known.join("; ")),
                ));
            }
        }
    }
    if roles.is_empty() {
        return Err(problem(
            line,
            "roles",
            "give at least one role, e.g. visiting_staff".into(),
        ));
    }
    Ok(StaffRow {
        line,
        name,
        email,
        mobile,
        roles,
    })
}

/// Adds or updates each row's member of staff in one transaction (nothing on a dry run).
pub(super) async fn apply(
    app: &App,
    by: Importer<'_>,
    school: SchoolId,
    rows: &[StaffRow],
    problems: Vec<Problem>,
    dry_run: bool,
    now: DateTime<Utc>,
) -> Result<ImportReport> {
    let trust = app.db().school(school).await?.trust_id;
    let mut report = ImportReport {
        kind: "staff",
        dry_run,
        problems,
        ..Default::default()
    };
    let mut audits = Vec::new();
    let mut tx = app.db().begin().await?;
    for r in rows {
        let existing = tx.staff_by_email(&r.email).await?;
        if let Some(e) = &existing
            && e.school_id != Some(school)
        {
            report.problems.push(problem(
                r.line,
                "email",
                format!(
                    "{} belongs to a member of staff of another school or of the trust; the trust administrator moves staff between schools",
                    r.email
                ),
            ));
            continue;
        }
        let held = |role: Role| existing.as_ref().is_some_and(|e| e.roles.has(role));
        let refused: Vec<&str> = SENIOR
            .iter()
            .filter(|s| r.roles.contains(s) && !held(**s))
            .map(|s| s.title())
            .collect();
        if !refused.is_empty() {
            report.needs_trust_admin.push(problem(
                r.line,
                "roles",
                format!(
                    "{} would become {}: only the trust administrator grants that; nothing on this line was imported",
                    r.name,
                    refused.join(" and ")
                ),
            ));
            continue;
        }
        // Senior roles a person already holds are the trust administrator's to take away.
        let roles: RoleSet = r
            .roles
            .iter()
            .copied()
            .chain(SENIOR.into_iter().filter(|s| held(*s)))
            .collect();
        let (kind, id, detail) = match existing {
            None => {
                let id = if dry_run {
                    None
                } else {
                    let new = NewStaff {
                        trust,
                        school: Some(school),
                        name: &r.name,
                        email: &r.email,
                        mobile: r.mobile.as_ref().map(PhoneNumber::as_str),
                        job_title: None,
                        password_hash: NO_PASSWORD,
                        roles: &roles,
                    };
                    Some(tx.create_staff(&new, now).await?.0)
                };
                ("add", id, Vec::new())
            }
            Some(e) => {
                // An empty cell keeps what Doorstep holds: a CSV without mobiles must not wipe
                // the numbers the alarm ladder rings (C8).
                let mobile = match (&r.mobile, &e.mobile) {
                    (None, Some(kept)) => {
                        report.notes.push(format!(
                            "mobile left as it was for {} <{}> (line {}: the cell is empty)",
                            r.name, r.email, r.line
                        ));
                        Some(kept.clone())
                    }
                    (given, _) => given.clone().map(Recorded::Checked),
                };
                let mut changed = Vec::new();
                if e.name != r.name {
                    changed.push("name");
                }
                if e.mobile != mobile {
                    changed.push("mobile");
                }
                if e.roles != roles {
                    changed.push("roles");
                }
                if changed.is_empty() {
                    report.unchanged += 1;
                    continue;
                }
                if !dry_run {
                    tx.set_staff_name_and_mobile(
                        e.id,
                        &r.name,
                        mobile.as_ref().map(|m| m.as_str()),
                    )
                    .await?;
                    tx.set_roles(e.id, &roles).await?;
                }
                ("change", Some(e.id.0), changed)
            }
        };
        let line = ImportLine {
            what: "staff",
            name: format!("{} <{}>", r.name, r.email),
            detail: detail.join(", "),
        };
        audits.push(AuditEntry {
            at: now,
            actor: by.actor(),
            school: Some(school),
            action: format!("import.staff.{kind}"),
            subject_type: "staff",
            subject_id: id,
            detail: json!({ "kind": "import", "name": line.name, "changed": line.detail, "roles": roles }),
        });
        if kind == "add" {
            report.added.push(line);
        } else {
            report.changed.push(line);
        }
    }
    if dry_run {
        return Ok(report);
    }
    audits.push(AuditEntry {
        at: now,
        actor: by.actor(),
        school: Some(school),
        action: "import.staff".into(),
        subject_type: "school",
        subject_id: Some(school.0),
        detail: json!({
            "kind": "import", "file": "staff csv",
            "added": report.added.len(), "changed": report.changed.len(),
            "unreadable": report.problems.len(), "needs_trust_admin": report.needs_trust_admin.len(),
        }),
    });
    tx.append_audits(&audits).await?;
    tx.commit().await?;
    Ok(report)
}
