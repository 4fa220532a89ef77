//! No two files import each other (issue #9, item 5): once `web/plan.rs` and `web/visit.rs`, and
//! `after_visit/outcomes.rs` and `after_visit/slips.rs`, each reached into the other, so neither
//! could be read or changed alone. Shared parts move to a third module both import.
//!
//! A module and its own submodules are one unit (a child uses `super::`, its parent declares and
//! re-exports it), so only modules neither of which contains the other are compared. Paths are
//! read from the text (`crate::…`, `super::…`, `self::…`, with `{…}` groups), which is how
//! this workspace writes them; a path to an item counts as a path to the module that holds it.
//! It lives in `domain` only because that crate builds fastest; it reads the whole workspace.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

type Module = Vec<String>;

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

/// `web/plan/form.rs` → `["web", "plan", "form"]`; `lib.rs`, `main.rs`, `x/mod.rs` name their folder.
fn module_of(src: &Path, file: &Path) -> Module {
    let rel = file.strip_prefix(src).unwrap_or(file).with_extension("");
    let mut parts: Module = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if parts
        .last()
        .is_some_and(|p| p == "lib" || p == "main" || p == "mod")
    {
        parts.pop();
    }
    parts
}

fn is_ident(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// The `a::b::c` path at the start of `text`, and the rest after it.
fn path_at(text: &str) -> (Vec<String>, &str) {
    let mut segments = Vec::new();
    let mut rest = text.trim_start();
    loop {
        let end = rest.find(|c| !is_ident(c)).unwrap_or(rest.len());
        if end == 0 {
            break;
        }
        segments.push(rest[..end].to_string());
        rest = &rest[end..];
        match rest.strip_prefix("::") {
            Some(after) if after.starts_with(|c: char| is_ident(c)) => rest = after,
            _ => break,
        }
    }
    (segments, rest)
}

/// Every path a `{…}` group names, each prefixed with `prefix`; `text` starts just after `{`.
fn group(prefix: &[String], text: &str, found: &mut Vec<Module>) {
    let mut depth = 0usize;
    let mut start = 0;
    for (i, c) in text.char_indices() {
        match c {
            '{' => depth += 1,
            '}' if depth == 0 => {
                item(prefix, &text[start..i], found);
                return;
            }
            '}' => depth -= 1,
            ',' if depth == 0 => {
                item(prefix, &text[start..i], found);
                start = i + 1;
            }
            _ => {}
        }
    }
}

fn item(prefix: &[String], text: &str, found: &mut Vec<Module>) {
    let (segments, rest) = path_at(text);
    let mut full = prefix.to_vec();
    full.extend(segments);
    if let Some(inner) = rest.strip_prefix("::{") {
        group(&full, inner, found);
    }
    found.push(full);
}

/// The modules of this crate that `me`'s source names.
fn references(me: &Module, source: &str, modules: &BTreeSet<Module>) -> BTreeSet<Module> {
    let code: String = source
        .lines()
        .map(|l| l.split("//").next().unwrap_or(""))
        .collect::<Vec<_>>()
        .join("\n");
    let mut named = Vec::new();
    for (keyword, base) in [
        ("crate::", Vec::new()),
        ("super::", me[..me.len().saturating_sub(1)].to_vec()),
        ("self::", me.clone()),
    ] {
        for (at, _) in code.match_indices(keyword) {
            if code[..at].ends_with(|c: char| is_ident(c) || c == ':') {
                continue;
            }
            let after = &code[at + keyword.len()..];
            if let Some(inner) = after.strip_prefix('{') {
                group(&base, inner, &mut named);
            } else {
                item(&base, after, &mut named);
            }
        }
    }
    named
        .into_iter()
        .filter_map(|path| {
            (1..=path.len())
                .rev()
                .map(|n| path[..n].to_vec())
                .find(|m| modules.contains(m))
        })
        .collect()
}

#[test]
fn no_two_files_import_each_other() {
    let crates = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut pairs = Vec::new();
    let mut compared = 0;
    for krate in std::fs::read_dir(&crates)
        .expect("the crates folder")
        .flatten()
    {
        let src = krate.path().join("src");
        let mut files = Vec::new();
        rust_files(&src, &mut files);
        let by_module: BTreeMap<Module, PathBuf> = files
            .into_iter()
            .map(|f| (module_of(&src, &f), f))
            .collect();
        let modules: BTreeSet<Module> = by_module.keys().cloned().collect();
        let graph: BTreeMap<&Module, BTreeSet<Module>> = by_module
            .iter()
            .map(|(m, f)| {
                let source = std::fs::read_to_string(f).expect("a readable source file");
                (m, references(m, &source, &modules))
            })
            .collect();
        for (a, names) in &graph {
            for b in names {
                compared += 1;
                let nested = a.starts_with(b) || b.starts_with(a);
                if *a < b && !nested && graph.get(b).is_some_and(|n| n.contains(*a)) {
                    let krate = krate.file_name().to_string_lossy().into_owned();
                    pairs.push(format!("{krate}: {} <-> {}", a.join("::"), b.join("::")));
                }
            }
        }
    }
    assert!(compared > 200, "read only {compared} imports");
    assert!(
        pairs.is_empty(),
        "these modules import each other; move what both need to a third module:\n{}",
        pairs.join("\n")
    );
}

#[test]
fn a_pair_of_files_reaching_into_each_other_is_found() {
    let modules: BTreeSet<Module> = [
        vec!["web".to_string(), "plan".into()],
        vec!["web".into(), "visit".into()],
    ]
    .into_iter()
    .collect();
    let plan = vec!["web".to_string(), "plan".into()];
    let named = references(
        &plan,
        "use super::{page::Ctx, visit::{labels, card}};\n",
        &modules,
    );
    assert!(named.contains(&vec!["web".to_string(), "visit".into()]));
    let named = references(&plan, "// see crate::web::visit\nlet x = 1;", &modules);
    assert!(named.is_empty(), "a comment is not an import");
}
