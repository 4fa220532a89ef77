//! `doorstep bench import [--pupils N] [--json]`: the time to import a generated Common Transfer
//! File of N pupils (default 2,000, a secondary school) into a fresh database: the first import
//! (everything added), the weekly re-import (nothing changed) and a dry run.

use anyhow::{Context, Result};
use app::import::{CtfInput, ImportReport, Importer, import_ctf};
use app::{App, Clock};
use chrono::{NaiveDate, Utc};
use domain::Upn;
use std::fmt::Write;
use std::time::Instant;
use store::{Db, Secrets};

#[derive(clap::Args)]
pub struct ImportArgs {
    /// Pupils in the generated file; siblings share a household (two in every three pupils).
    #[arg(long, default_value_t = 2_000)]
    pupils: usize,
    /// Print one JSON object instead of the table.
    #[arg(long)]
    json: bool,
}

/// A full CTF of `n` pupils: every third pupil is a sibling of the one before (same address and
/// parents); each has two contacts with parental responsibility and a grandparent without.
pub fn generated_ctf(n: usize) -> Result<String> {
    let mut x = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<CTfile><Header><DocumentQualifier>full</DocumentQualifier></Header><CTFpupilData>\n",
    );
    for i in 0..n {
        let family = if i % 3 == 1 { i - 1 } else { i };
        let upn = Upn::with_check_letter(&format!("80120002{:04}", i % 10_000))
            .map_err(|e| anyhow::anyhow!(e.reason))?;
        let dob = NaiveDate::from_ymd_opt(
            2010 + (i % 7) as i32,
            1 + (i % 12) as u32,
            1 + (i % 28) as u32,
        )
        .context("a generated date of birth")?;
        let phone = |k: usize| format!("077009{:05}", (family * 3 + k) % 100_000);
        writeln!(
            x,
            "<Pupil><UPN>{upn}</UPN><Surname>Family{family}</Surname><Forename>Pupil{i}</Forename><DOB>{dob}</DOB>\
             <NCyearActual>{year}</NCyearActual><Address><BS7666Address><PAON>{family}</PAON><Street>Long Road</Street>\
             <Town>South Shields</Town><PostCode>NE33 1AB</PostCode></BS7666Address></Address><Contacts>\
             <Contact><Order>1</Order><Surname>Family{family}</Surname><Forename>Parent</Forename><Relationship>PAR</Relationship>\
             <Responsibility>true</Responsibility><Phones><Phone><TelephoneType>M</TelephoneType><PhoneNo>{p1}</PhoneNo></Phone>\
             <Phone><TelephoneType>H</TelephoneType><PhoneNo>01914{h:06}</PhoneNo></Phone></Phones></Contact>\
             <Contact><Order>2</Order><Surname>Family{family}</Surname><Forename>Carer</Forename><Relationship>PAR</Relationship>\
             <Responsibility>true</Responsibility><Phones><Phone><TelephoneType>M</TelephoneType><PhoneNo>{p2}</PhoneNo></Phone></Phones></Contact>\
             <Contact><Order>3</Order><Surname>Elder{family}</Surname><Forename>Gran</Forename><Relationship>GRM</Relationship>\
             <Responsibility>false</Responsibility><Phones><Phone><TelephoneType>D</TelephoneType><PhoneNo>{p3}</PhoneNo></Phone></Phones></Contact>\
             </Contacts></Pupil>",
            upn = upn.as_str(),
            year = 7 + i % 5,
            p1 = phone(0),
            p2 = phone(1),
            p3 = phone(2),
            h = family % 1_000_000,
        )?;
    }
    x.push_str("</CTFpupilData></CTfile>\n");
    Ok(x)
}

pub async fn run(args: &ImportArgs, database_url: Option<&str>) -> Result<()> {
    let dir = tempfile::Builder::new()
        .prefix("doorstep-bench-")
        .tempdir()
        .context("creating a temporary folder")?;
    let url = match database_url {
        Some(url) => url.to_string(),
        None => format!(
            "sqlite://{}?mode=rwc",
            dir.path().join("doorstep.db").display()
        ),
    };
    let (secrets, _) = Secrets::generate();
    let db = Db::connect(&url, secrets)
        .await
        .context("opening the benchmark database")?;
    let now = Utc::now();
    let mut tx = db.begin().await?;
    let trust = tx.create_trust("Bench Trust").await?;
    let school = tx
        .create_school(trust, "Bench Academy", None, "harton", now)
        .await?;
    tx.commit().await?;
    let xml = generated_ctf(args.pupils)?;
    let app = App::new(db.clone(), Clock::System);
    let timed = async |dry_run: bool| -> Result<(f64, ImportReport)> {
        let input = CtfInput {
            school_id: Some(school.0),
            xml: xml.clone(),
            dry_run,
        };
        let started = Instant::now();
        let report = import_ctf(&app, Importer::CommandLine, &input, app.now())
            .await
            .context("importing")?;
        Ok((started.elapsed().as_secs_f64(), report))
    };
    eprintln!(
        "importing a generated CTF of {} pupils ({} KB) …",
        args.pupils,
        xml.len() / 1024
    );
    let (first_s, first) = timed(false).await?;
    let (again_s, again) = timed(false).await?;
    let (dry_s, _) = timed(true).await?;
    let (pupils, households, contacts) = (
        first.counts("pupil").0,
        first.counts("household").0,
        first.counts("contact").0,
    );
    if args.json {
        println!(
            "{}",
            serde_json::json!({
                "backend": format!("{:?}", db.backend()).to_lowercase(), "pupils": pupils,
                "households": households, "contacts": contacts, "first_import_s": first_s,
                "re_import_s": again_s, "re_import_changes": again.added.len() + again.changed.len() + again.left.len(),
                "dry_run_s": dry_s,
            })
        );
    } else {
        let mut t = String::new();
        let mut row = |what: &str, value: String| t.push_str(&format!("  {what:<48} {value}\n"));
        row("database", format!("{:?}", db.backend()).to_lowercase());
        row(
            "pupils / households / contacts added",
            format!("{pupils} / {households} / {contacts}"),
        );
        row("first import (everything added)", format!("{first_s:.2} s"));
        row(
            "weekly re-import (nothing changed)",
            format!(
                "{again_s:.2} s ({} changes)",
                again.added.len() + again.changed.len() + again.left.len()
            ),
        );
        row("dry run", format!("{dry_s:.2} s"));
        print!("{t}");
    }
    db.close().await;
    Ok(())
}
