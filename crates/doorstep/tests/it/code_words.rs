//! Code words at rest (#10 item 5): a copy of the database does not reveal them, the server with
//! its key still reads them, a wrong key stops the start, and words kept in plain text by an
//! earlier version are sealed at start. The real binary on SQLite and on PostgreSQL.

use crate::cli::doorstep;
use store::{Db, Secrets};

/// The demo's past visit to the Okafor household carries this code word (demo/history.rs).
const DEMO_WORD: &str = "heron";
const OTHER_KEY: &str = "AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE=";
const PG_KEY: &str = "BwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc=";

fn run(url: &str, key: Option<&str>, args: &[&str]) -> std::process::Output {
    let mut cmd = doorstep();
    cmd.env("DOORSTEP_DATABASE_URL", url);
    if let Some(key) = key {
        cmd.env("DOORSTEP_SECRET_KEY", key);
    }
    cmd.args(args).output().expect("running doorstep")
}

fn ok(out: std::process::Output) {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The raw stored value and the opened code word of the one visit that has a code word.
async fn stored_and_opened(url: &str, key: Secrets) -> (String, String) {
    let db = Db::connect(url, key).await.expect("the database opens");
    const Q: &str = "select id, code_word from visits where code_word is not null";
    let (id, raw): (i64, String) = match &db {
        Db::Sqlite(p, _) => sqlx::query_as(Q).fetch_one(p).await,
        Db::Pg(p, _) => sqlx::query_as(Q).fetch_one(p).await,
    }
    .expect("a visit with a code word");
    let visit = db
        .visit(domain::VisitId(id))
        .await
        .expect("the visit reads");
    db.close().await;
    (raw, visit.code_word.expect("its code word"))
}

async fn set_plain(url: &str, word: &str) {
    let db = Db::connect(url, Secrets::for_tests()).await.expect("opens");
    const Q: &str = "update visits set code_word = $1 where code_word is not null";
    match &db {
        Db::Sqlite(p, _) => sqlx::query(Q).bind(word).execute(p).await.map(|_| ()),
        Db::Pg(p, _) => sqlx::query(Q).bind(word).execute(p).await.map(|_| ()),
    }
    .expect("an old plain code word");
    db.close().await;
}

fn refused_with_wrong_key(url: &str) {
    let out = run(url, Some(OTHER_KEY), &["migrate"]);
    assert!(!out.status.success(), "a wrong key is refused");
    let why = String::from_utf8_lossy(&out.stderr);
    assert!(
        why.contains("DOORSTEP_SECRET_KEY does not open the code words already stored"),
        "{why}"
    );
}

/// Every byte of the SQLite database's files (the main file and any write-ahead log).
fn file_bytes(dir: &std::path::Path) -> Vec<u8> {
    let mut all = Vec::new();
    for name in ["doorstep.db", "doorstep.db-wal"] {
        if let Ok(b) = std::fs::read(dir.join(name)) {
            all.extend(b);
        }
    }
    all
}

fn contains(hay: &[u8], needle: &str) -> bool {
    hay.windows(needle.len()).any(|w| w == needle.as_bytes())
}

#[tokio::test]
async fn a_copied_sqlite_file_hides_code_words_that_the_server_with_its_key_still_reads() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let url = format!(
        "sqlite://{}?mode=rwc",
        dir.path().join("doorstep.db").display()
    );
    ok(run(&url, None, &["demo", "--no-serve"]));
    let key_file = dir.path().join("doorstep.key");
    let key =
        Secrets::parse(&std::fs::read_to_string(&key_file).expect("the key file")).expect("a key");
    assert!(
        !contains(&file_bytes(dir.path()), DEMO_WORD),
        "the word is not in the file"
    );
    let (raw, word) = stored_and_opened(&url, key.clone()).await;
    assert!(raw.starts_with("enc:v1:"), "{raw}");
    assert_eq!(word, DEMO_WORD, "the server with the key reads it");

    refused_with_wrong_key(&url);

    // A word kept in plain text by an earlier version is sealed at the next start.
    set_plain(&url, "kestrel").await;
    ok(run(&url, None, &["migrate"]));
    assert!(!contains(&file_bytes(dir.path()), "kestrel"));
    let (raw, word) = stored_and_opened(&url, key).await;
    assert!(raw.starts_with("enc:v1:"), "{raw}");
    assert_eq!(word, "kestrel");
}

#[tokio::test]
async fn on_postgresql_the_key_must_be_set_and_the_column_holds_no_code_word() {
    let Some(url) = testkit::fresh_postgres_url() else {
        return;
    };
    let none = run(&url, None, &["migrate"]);
    assert!(!none.status.success());
    let why = String::from_utf8_lossy(&none.stderr);
    assert!(why.contains("DOORSTEP_SECRET_KEY is not set"), "{why}");
    let bad = run(&url, Some("too-short"), &["migrate"]);
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("DOORSTEP_SECRET_KEY is not a key"));

    ok(run(&url, Some(PG_KEY), &["demo", "--no-serve"]));
    let key = Secrets::parse(PG_KEY).expect("a key");
    let (raw, word) = stored_and_opened(&url, key.clone()).await;
    assert!(
        raw.starts_with("enc:v1:") && !raw.contains(DEMO_WORD),
        "{raw}"
    );
    assert_eq!(word, DEMO_WORD);

    refused_with_wrong_key(&url);

    set_plain(&url, "kestrel").await;
    ok(run(&url, Some(PG_KEY), &["migrate"]));
    let (raw, word) = stored_and_opened(&url, key).await;
    assert!(
        raw.starts_with("enc:v1:") && !raw.contains("kestrel"),
        "{raw}"
    );
    assert_eq!(word, "kestrel");
}
