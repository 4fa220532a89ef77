//! Where the server's secret key comes from: `DOORSTEP_SECRET_KEY`, or, for the embedded SQLite
//! database only, a key file beside the database that the first start writes.
//!
//! The key seals code words at rest (`store::Secrets`). Losing it loses every code word, so a
//! backup of the database is only whole with the key (README, runbook). PostgreSQL has no file
//! of Doorstep's beside it, and two instances must share one key, so there it must be set.

use anyhow::{Context, Result, bail};
use std::io::Write;
use std::path::{Path, PathBuf};
use store::Secrets;

/// The setting's name, as people write it in their service's environment.
pub const SETTING: &str = "DOORSTEP_SECRET_KEY";
/// The key file's name, in the SQLite database's folder.
pub const FILE_NAME: &str = "doorstep.key";

/// Where the key came from, for the log and for error messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    Setting,
    File(PathBuf),
    /// A new key file written by this start.
    NewFile(PathBuf),
    /// An in-memory SQLite database: a key for this run only.
    ThisRunOnly,
}

impl std::fmt::Display for Source {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Source::Setting => write!(f, "{SETTING}"),
            Source::File(p) | Source::NewFile(p) => write!(f, "the key file {}", p.display()),
            Source::ThisRunOnly => write!(f, "a key for this run only"),
        }
    }
}

/// The key for the database at `url`: the setting's text (`setting`, from
/// `DOORSTEP_SECRET_KEY`) when given; otherwise on SQLite the key file beside the database,
/// written (mode 0600) on the first start. Errors name the setting or the file: a key that is
/// not 32 bytes of base64 or hex, an unreadable file, or PostgreSQL without the setting.
pub fn load(url: &str, setting: Option<&str>) -> Result<(Secrets, Source)> {
    if let Some(text) = setting {
        let key = Secrets::parse(text).map_err(|e| anyhow::anyhow!("{SETTING} {e}"))?;
        return Ok((key, Source::Setting));
    }
    if !url.starts_with("sqlite:") {
        bail!(
            "{SETTING} is not set: with PostgreSQL the secret key that seals code words must be set \
             (the same on every instance), e.g. {SETTING}=$(openssl rand -base64 32); keep it with \
             the database's backups"
        );
    }
    let db_file = crate::backup::sqlite_file(url)?;
    if db_file.as_os_str() == ":memory:" || url.contains("mode=memory") {
        return Ok((Secrets::generate().0, Source::ThisRunOnly));
    }
    let dir = db_file.parent().unwrap_or(Path::new("."));
    let path = if dir.as_os_str().is_empty() {
        PathBuf::from(FILE_NAME)
    } else {
        dir.join(FILE_NAME)
    };
    match std::fs::read_to_string(&path) {
        Ok(text) => {
            let key = Secrets::parse(&text)
                .map_err(|e| anyhow::anyhow!("the key file {} {e}", path.display()))?;
            Ok((key, Source::File(path)))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let key = write_new(&path)?;
            Ok((key, Source::NewFile(path)))
        }
        Err(e) => Err(e)
            .with_context(|| format!("reading the key file {} (or set {SETTING})", path.display())),
    }
}

/// Writes a new random key to `path`, readable by this user only; never over an existing file.
fn write_new(path: &Path) -> Result<Secrets> {
    let (key, text) = Secrets::generate();
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options
        .open(path)
        .with_context(|| format!("writing a new key file {}", path.display()))?;
    file.write_all(format!("{text}\n").as_bytes())
        .and_then(|()| file.sync_all())
        .with_context(|| format!("writing a new key file {}", path.display()))?;
    Ok(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_of_the_wrong_length_or_encoding_names_the_setting() {
        let short = load("sqlite://x.db", Some("c2hvcnQ="))
            .unwrap_err()
            .to_string();
        assert!(
            short.starts_with("DOORSTEP_SECRET_KEY is 5 bytes long"),
            "{short}"
        );
        let junk = load("sqlite://x.db", Some("not a key"))
            .unwrap_err()
            .to_string();
        assert!(
            junk.starts_with("DOORSTEP_SECRET_KEY is not a key"),
            "{junk}"
        );
    }

    #[test]
    fn postgres_without_the_setting_is_refused_naming_it() {
        let e = load("postgres://u@h/db", None).unwrap_err().to_string();
        assert!(e.starts_with("DOORSTEP_SECRET_KEY is not set"), "{e}");
    }

    #[test]
    fn the_first_start_writes_a_private_key_file_and_later_starts_read_it() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!(
            "sqlite://{}?mode=rwc",
            dir.path().join("doorstep.db").display()
        );
        let (first, source) = load(&url, None).unwrap();
        let path = dir.path().join(FILE_NAME);
        assert_eq!(source, Source::NewFile(path.clone()));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let sealed = first.seal_code_word("heron");
        let (again, source) = load(&url, None).unwrap();
        assert_eq!(source, Source::File(path));
        assert_eq!(again.open_code_word(&sealed).unwrap(), "heron");
    }
}
