//! Files a reader can hold (issue #9, item 5): no Rust source file under `crates/*/src` may grow
//! past 400 lines (house style: files under ~400 lines). A file that grows past it is split along
//! a seam of meaning (a submodule for one rule or one step), not at a line count.
//! It lives in `domain` only because that crate builds fastest; it reads the whole workspace.

use std::path::{Path, PathBuf};

const MAX_LINES: usize = 400;

fn rust_files(dir: &Path, found: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, found);
        } else if path.extension().is_some_and(|e| e == "rs") {
            found.push(path);
        }
    }
}

#[test]
fn no_source_file_is_longer_than_a_reader_can_hold() {
    let crates = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut files = Vec::new();
    for krate in std::fs::read_dir(&crates)
        .expect("the crates folder")
        .flatten()
    {
        rust_files(&krate.path().join("src"), &mut files);
    }
    assert!(
        files.len() > 50,
        "found only {} source files under {}",
        files.len(),
        crates.display()
    );

    let mut too_long: Vec<String> = files
        .iter()
        .filter_map(|path| {
            let lines = std::fs::read_to_string(path)
                .expect("a readable source file")
                .lines()
                .count();
            let shown = path
                .strip_prefix(&crates)
                .unwrap_or(path)
                .display()
                .to_string();
            (lines > MAX_LINES).then(|| format!("crates/{shown}: {lines} lines"))
        })
        .collect();
    too_long.sort();
    assert!(
        too_long.is_empty(),
        "split these along a real seam (at most {MAX_LINES} lines each):\n{}",
        too_long.join("\n")
    );
}
