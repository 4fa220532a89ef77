//! `doorstep import ctf FILE --school S [--dry-run]`: a DfE Common Transfer File exported by the
//! MIS (SIMS, Arbor, Bromcom…) into the school's pupils, households and contacts, through the
//! same use case as the API. Prints what was (or would be) added, changed and left, and every
//! pupil it could not read with the element and the reason.

use anyhow::{Context, Result, bail};
use app::import::{CtfInput, Importer, import_ctf};
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
}

/// Runs `doorstep import ...`; the report goes to standard output.
pub async fn run(db: &Db, command: &ImportCommand) -> Result<()> {
    let ImportCommand::Ctf {
        file,
        school,
        dry_run,
    } = command;
    let (_, school) = crate::export::school(db, school).await?;
    let xml = std::fs::read_to_string(file)
        .with_context(|| format!("reading {} (a CTF is UTF-8 XML)", file.display()))?;
    let app = App::new(db.clone(), Clock::System);
    let input = CtfInput {
        school_id: Some(school.0),
        xml,
        dry_run: *dry_run,
    };
    match import_ctf(&app, Importer::CommandLine, &input, app.now()).await {
        Ok(report) => {
            print!("{}", report.to_text());
            Ok(())
        }
        Err(app::Refusal::Invalid { field, reason }) => bail!("{field}: {reason}"),
        Err(e) => Err(e).context("importing the CTF"),
    }
}
