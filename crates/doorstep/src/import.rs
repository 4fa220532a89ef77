//! `doorstep import ctf FILE --school S [--dry-run]`: a DfE Common Transfer File exported by the
//! MIS (SIMS, Arbor, Bromcom…) into the school's pupils, households and contacts, through the
//! same use case as the API. Prints what was (or would be) added, changed and left, and every
//! pupil it could not read with the element and the reason. `doorstep import staff FILE
//! --school S [--dry-run]` does the same for a staff CSV (`name,email,mobile,roles`).

use anyhow::{Context, Result, bail};
use app::import::{CtfInput, ImportReport, Importer, StaffCsvInput, import_ctf, import_staff};
use app::{App, Clock};
use std::path::PathBuf;
use store::Db;

#[derive(clap::Subcommand)]
pub enum ImportCommand {
    /// Pupils, households and contacts from a Common Transfer File (XML).
    Ctf {
        file: PathBuf,
        /// The school's id or exact name.
        #[arg(long)]
        school: String,
        /// Print what would change and write nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Staff from a CSV with the header `name,email,mobile,roles` (roles separated by `;`).
    Staff {
        file: PathBuf,
        /// The school's id or exact name.
        #[arg(long)]
        school: String,
        /// Print what would change and write nothing.
        #[arg(long)]
        dry_run: bool,
    },
}

/// Runs `doorstep import ...`; the report goes to standard output.
pub async fn run(db: &Db, command: &ImportCommand) -> Result<()> {
    let app = App::new(db.clone(), Clock::System);
    let (report, what) = match command {
        ImportCommand::Ctf {
            file,
            school,
            dry_run,
        } => {
            let (_, school) = crate::export::school(db, school).await?;
            let xml = std::fs::read_to_string(file)
                .with_context(|| format!("reading {} (a CTF is UTF-8 XML)", file.display()))?;
            let input = CtfInput {
                school_id: Some(school.0),
                xml,
                dry_run: *dry_run,
            };
            let r = import_ctf(&app, Importer::CommandLine, &input, app.now()).await;
            (r, "importing the CTF")
        }
        ImportCommand::Staff {
            file,
            school,
            dry_run,
        } => {
            let (_, school) = crate::export::school(db, school).await?;
            let csv = std::fs::read_to_string(file)
                .with_context(|| format!("reading {} (a UTF-8 CSV)", file.display()))?;
            let input = StaffCsvInput {
                school_id: Some(school.0),
                csv,
                dry_run: *dry_run,
            };
            let r = import_staff(&app, Importer::CommandLine, &input, app.now()).await;
            (r, "importing the staff CSV")
        }
    };
    print_report(report, what)
}

fn print_report(report: app::Result<ImportReport>, what: &'static str) -> Result<()> {
    match report {
        Ok(report) => {
            print!("{}", report.to_text());
            Ok(())
        }
        Err(app::Refusal::Invalid { field, reason }) => bail!("{field}: {reason}"),
        Err(e) => Err(e).context(what),
    }
}
