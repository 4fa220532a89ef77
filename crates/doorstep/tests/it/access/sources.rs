//! #9 item 2: the web pages read through the use-case layer, never the store. Every read of a
//! record is then behind its access decision in `app::access` (or a plain `app` function for a
//! school's directory and policy settings), so a page cannot show what the JSON API refuses.

use std::path::{Path, PathBuf};

/// Every `.rs` file under `dir`.
fn sources(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut dirs = vec![dir.to_path_buf()];
    while let Some(d) = dirs.pop() {
        for entry in std::fs::read_dir(&d).expect("reading the server's source") {
            let path = entry.expect("a directory entry").path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

/// The places in `text` that reach the store: `.db()` however the call is laid out.
fn store_reads(text: &str) -> Vec<usize> {
    // A call split over lines (`ctx\n.state\n.db()`) still has `.db()` on one of them.
    text.lines()
        .enumerate()
        .filter(|(_, line)| {
            let line = line.trim();
            line.contains(".db()") && !line.starts_with("//")
        })
        .map(|(i, _)| i + 1)
        .collect()
}

#[test]
fn no_web_page_reads_the_store_directly() {
    let web = Path::new(env!("CARGO_MANIFEST_DIR")).join("../server/src/web");
    let files = sources(&web);
    assert!(
        files.iter().any(|f| f.ends_with("visit.rs")),
        "no web sources found under {}",
        web.display()
    );
    let mut direct = Vec::new();
    for file in &files {
        let text = std::fs::read_to_string(file).expect("reading a source file");
        for line in store_reads(&text) {
            direct.push(format!("{}:{line}", file.display()));
        }
    }
    assert!(
        direct.is_empty(),
        "web handlers reading the store, not a use case that asks `app::access`:\n{}",
        direct.join("\n")
    );
}

#[test]
fn the_scan_finds_a_store_read_however_it_is_laid_out() {
    assert_eq!(
        store_reads("let h = ctx.state.db().household(id).await?;"),
        [1]
    );
    assert_eq!(
        store_reads("let h = ctx\n    .state\n    .db()\n    .pupil(p)"),
        [3]
    );
    assert!(store_reads("// ctx.state.db() is not used here").is_empty());
    assert!(store_reads("let p = app::school::pupil_name(&ctx.state, &ctx.me, p)").is_empty());
}
