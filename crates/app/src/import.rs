//! Import from the MIS (issue 14): the school's pupils, their households and contacts from a DfE
//! Common Transfer File, and its staff from a CSV. One use case each, called by the CLI
//! (`doorstep import ctf`, `doorstep import staff`) and the JSON API alike.
//!
//! Keyed by UPN, so a weekly re-import updates rather than duplicates; a pupil missing from a
//! full import is marked as left, never deleted; nothing typed into Doorstep (caution flags,
//! blocks, notes, risk assessments, adults added by hand) is ever written by an import; every
//! change is one audit row whose action starts with "import.". A dry run reports the same
//! lines and writes nothing.

mod apply;
pub mod ctf;
pub mod staff;

use crate::{App, Refusal, Result, access};
use chrono::{DateTime, Utc};
use domain::SchoolId;
use serde::{Deserialize, Serialize};
use store::Staff;

pub use ctf::Problem;

/// Who is importing: a signed-in person (access decided by [`access::may_import`]) or the
/// command line on the server (whoever can run it can already read the database).
#[derive(Clone, Copy)]
pub enum Importer<'a> {
    Person(&'a Staff),
    CommandLine,
}

impl Importer<'_> {
    /// The school the import writes to. Errors: as [`access::may_import`] for a person.
    pub(crate) async fn school(&self, app: &App, named: Option<i64>) -> Result<SchoolId> {
        match self {
            Importer::Person(me) => access::may_import(app, me, named).await,
            Importer::CommandLine => {
                let id = named.ok_or_else(|| Refusal::bad_request("school", "name the school"))?;
                match app.db().school(SchoolId(id)).await {
                    Ok(s) => Ok(s.id),
                    Err(store::StoreError::NotFound { .. }) => Err(Refusal::invalid(
                        "school",
                        format!("no school has the id {id}"),
                    )),
                    Err(e) => Err(e.into()),
                }
            }
        }
    }

    pub(crate) fn actor(&self) -> Option<domain::StaffId> {
        match self {
            Importer::Person(me) => Some(me.id),
            Importer::CommandLine => None,
        }
    }
}

/// A CTF to import. `xml` is the file's text (UTF-8).
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CtfInput {
    /// The school (default: the person's own).
    pub school_id: Option<i64>,
    pub xml: String,
    /// Report what would change and write nothing.
    #[serde(default)]
    pub dry_run: bool,
}

/// One thing an import adds, changes or marks as left.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ImportLine {
    /// "pupil", "household", "contact" or "staff".
    pub what: &'static str,
    /// The pupil's name and UPN, the household's address, the contact's or staff member's name.
    pub name: String,
    /// What changed ("address", "name"…), empty for an addition.
    pub detail: String,
}

/// What an import did (or, on a dry run, would do).
#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
pub struct ImportReport {
    /// "ctf" or "staff".
    pub kind: &'static str,
    pub dry_run: bool,
    /// The file was a full one (`DocumentQualifier` "full"): pupils missing from it are left.
    pub full: bool,
    pub added: Vec<ImportLine>,
    pub changed: Vec<ImportLine>,
    pub left: Vec<ImportLine>,
    /// Rows read and found already as Doorstep holds them.
    pub unchanged: usize,
    /// Every row that could not be read: the element (or CSV line and column) and why.
    pub problems: Vec<Problem>,
    /// Staff rows that would grant a role only the trust administrator grants (headteacher,
    /// DSL, chair of governors, trust administrator): not imported, line and column named.
    pub needs_trust_admin: Vec<Problem>,
    /// What the import did not change and why, in words ("mobile left as it was for …": an
    /// empty cell keeps what Doorstep holds).
    pub notes: Vec<String>,
}

impl ImportReport {
    /// How many lines of `what` were added, changed and left.
    pub fn counts(&self, what: &str) -> (usize, usize, usize) {
        let n = |v: &[ImportLine]| v.iter().filter(|l| l.what == what).count();
        (n(&self.added), n(&self.changed), n(&self.left))
    }

    /// The report as the command line prints it: one line per change and per problem, then
    /// the totals.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        let mode = if self.dry_run { "would be " } else { "" };
        for (label, lines) in [
            ("added", &self.added),
            ("changed", &self.changed),
            ("left", &self.left),
        ] {
            for l in lines {
                let detail = if l.detail.is_empty() {
                    String::new()
                } else {
                    format!(" ({})", l.detail)
                };
                out.push_str(&format!("{mode}{label}: {} {}{detail}\n", l.what, l.name));
            }
        }
        for p in &self.problems {
            out.push_str(&format!("cannot read {}: {}\n", p.element, p.reason));
        }
        for p in &self.needs_trust_admin {
            out.push_str(&format!(
                "needs the trust administrator, {}: {}\n",
                p.element, p.reason
            ));
        }
        for n in &self.notes {
            out.push_str(&format!("note: {n}\n"));
        }
        out.push_str(&format!(
            "{}{} added, {} changed, {} left, {} unchanged, {} unreadable{}{}\n",
            if self.dry_run {
                "dry run, nothing written: "
            } else {
                ""
            },
            self.added.len(),
            self.changed.len(),
            self.left.len(),
            self.unchanged,
            self.problems.len(),
            if self.needs_trust_admin.is_empty() {
                String::new()
            } else {
                format!(
                    ", {} for the trust administrator",
                    self.needs_trust_admin.len()
                )
            },
            if self.full || self.kind == "staff" {
                ""
            } else {
                " (a partial file: nobody is marked as left)"
            },
        ));
        out
    }
}

/// Imports a CTF into a school: pupils keyed by UPN, households (pupils at one address with the
/// same adults with parental responsibility), contacts in the MIS's priority order with their
/// phones by type and e-mail. Writes everything in one transaction with one audit row per
/// change (actions `import.pupil.add`, `import.pupil.change`, `import.pupil.left`,
/// `import.household.add`, `import.household.change`, `import.contact.add`,
/// `import.contact.change`, and one `import.ctf` for the file); writes nothing on a dry run.
/// `now` (UTC) stamps the rows and bounds dates of birth.
/// Errors: `Invalid("xml")` when the file is not a CTF; `Invalid("school")`/`Forbidden` from
/// the access decision. Unreadable pupils are not errors: they are in the report's problems.
pub async fn import_ctf(
    app: &App,
    by: Importer<'_>,
    input: &CtfInput,
    now: DateTime<Utc>,
) -> Result<ImportReport> {
    let school = by.school(app, input.school_id).await?;
    let file = ctf::read(&input.xml, now.date_naive())
        .map_err(|p| Refusal::invalid("xml", format!("{}: {}", p.element, p.reason)))?;
    apply::apply(app, by, school, &file, input.dry_run, now).await
}

/// A staff CSV to import: the header `name,email,mobile,roles`, roles separated by `;`.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StaffCsvInput {
    /// The school (default: the person's own).
    pub school_id: Option<i64>,
    pub csv: String,
    /// Report what would change and write nothing.
    #[serde(default)]
    pub dry_run: bool,
}

/// Imports a school's staff from a CSV (header `name,email,mobile,roles`; roles separated by
/// `;` in the app's words: visiting_staff, office, senior_leader, safeguarding_team,
/// attendance_lead…). Keyed by e-mail address without regard to case, so a re-import updates
/// rather than duplicates. Never grants headteacher, DSL, chair of governors or trust
/// administrator (those rows are in the report's `needs_trust_admin`, not imported) and never
/// takes them away; never sets or changes a password (new staff cannot sign in until one is
/// set). One audit row per change (`import.staff.add`, `import.staff.change`) and one
/// `import.staff` for the file; nothing is written on a dry run. `now` (UTC) stamps the rows.
/// Errors: `Invalid("csv")` when the first line is not the header; `Invalid("school")`/
/// `Forbidden` from [`access::may_import_staff`]. Unreadable rows are not errors: they are in
/// the report's problems with their line and column. An empty mobile cell keeps the mobile
/// Doorstep holds (C8), said in the report's notes ("mobile left as it was for …").
pub async fn import_staff(
    app: &App,
    by: Importer<'_>,
    input: &StaffCsvInput,
    now: DateTime<Utc>,
) -> Result<ImportReport> {
    let school = match by {
        Importer::Person(me) => access::may_import_staff(app, me, input.school_id).await?,
        Importer::CommandLine => by.school(app, input.school_id).await?,
    };
    let (rows, problems) = staff::read(&input.csv)?;
    staff::apply(app, by, school, &rows, problems, input.dry_run, now).await
}
