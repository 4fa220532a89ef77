//! The technician's backup and restore, as the runbook in the README gives them: a backup taken
//! from a live database, a restore that brings it back whole, and clear refusals.

use crate::cli::{doorstep, run};

fn add_user(data: &str, email: &str) -> std::process::Output {
    doorstep()
        .env("DOORSTEP_PASSWORD", "a long enough password")
        .args([
            "--data-dir",
            data,
            "user",
            "add",
            "--email",
            email,
            "--name",
            "New Starter",
        ])
        .args(["--roles", "visiting_staff", "--school", "1"])
        .output()
        .expect("running doorstep user add")
}

#[test]
fn a_backup_restores_the_database_as_it_was_and_bad_files_are_refused() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let data = dir.path().join("data");
    let data = data.to_str().expect("a plain path");
    run(&["--data-dir", data, "demo", "--no-serve"]);
    let backup = dir.path().join("monday.db");
    let backup = backup.to_str().expect("a plain path");
    let said = run(&["--data-dir", data, "backup", backup]);
    assert!(said.contains("backed up to"), "{said}");

    // After the backup: a new member of staff.
    assert!(add_user(data, "new.starter@harton.demo").status.success());
    let again = add_user(data, "new.starter@harton.demo");
    assert!(!again.status.success(), "the e-mail is taken now");

    let said = run(&["--data-dir", data, "restore", backup]);
    assert!(said.contains("restored from"), "{said}");
    // The database is as it was at the backup: the demo is there, the new starter is not.
    let added = add_user(data, "new.starter@harton.demo");
    assert!(
        added.status.success(),
        "{}",
        String::from_utf8_lossy(&added.stderr)
    );
    let demo_again = add_user(data, "teacher@harton.demo");
    assert!(!demo_again.status.success(), "the demo's teacher is back");

    // A backup never overwrites a file, and a restore checks what it is given.
    let refused = doorstep()
        .args(["--data-dir", data, "backup", backup])
        .output()
        .expect("running doorstep backup");
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("exists already"));
    let not_a_backup = dir.path().join("notes.txt");
    std::fs::write(&not_a_backup, "not a database").expect("writing a file");
    let refused = doorstep()
        .args(["--data-dir", data, "restore"])
        .arg(&not_a_backup)
        .output()
        .expect("running doorstep restore");
    assert!(!refused.status.success());
    let why = String::from_utf8_lossy(&refused.stderr);
    assert!(
        why.contains("not a SQLite database") || why.contains("not a Doorstep"),
        "{why}"
    );
    // The database is untouched by the refused restore.
    let still = add_user(data, "someone.else@harton.demo");
    assert!(still.status.success());
}
