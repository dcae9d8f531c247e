//! The layout's rules the compiler does not check, checked on the source
//! as rust-analyzer's `tidy` does: each failure names the file and the
//! rule, so a newcomer learns the rule from the failure.
//!
//! - An office page never names a read model table (`rm_…`) nor takes a
//!   SQL connection: it asks `consolidate` and gets typed results.
//! - A feature module (rules, storage, the read model, the territory and
//!   sortition crates, `shared`) never imports axum or maud: no HTTP, no
//!   HTML below the pages.
//! - Every module says why it exists in a `//!` doc.
//! - ARCHITECTURE.md names only paths that exist.

use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the workspace above tests/")
        .to_path_buf()
}

/// Every `.rs` file under `dir` (relative to the root), sorted.
fn rust_files(dir: &str) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut todo = vec![root().join(dir)];
    while let Some(dir) = todo.pop() {
        for entry in std::fs::read_dir(&dir).expect("read dir") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                todo.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                found.push(path);
            }
        }
    }
    found.sort();
    found
}

fn relative(path: &Path) -> String {
    path.strip_prefix(root())
        .unwrap_or(path)
        .display()
        .to_string()
}

/// The code of a file, comments left out (a doc may explain a rule by
/// naming what it forbids).
fn code(path: &Path) -> String {
    std::fs::read_to_string(path)
        .expect("read")
        .lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Whether `text` holds `word` as a whole word.
fn has_word(text: &str, word: &str) -> bool {
    text.match_indices(word).any(|(i, _)| {
        let before = text[..i].chars().next_back();
        let after = text[i + word.len()..].chars().next();
        let part = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_');
        !part(before) && !part(after)
    })
}

/// Whether `text` names a read model table (`rm_` starting a word).
fn names_read_model_table(text: &str) -> bool {
    text.match_indices("rm_").any(|(i, _)| {
        let before = text[..i].chars().next_back();
        !before.is_some_and(|c| c.is_alphanumeric() || c == '_')
    })
}

fn report(broken: Vec<String>, rule: &str) {
    assert!(broken.is_empty(), "{rule}:\n  {}", broken.join("\n  "));
}

#[test]
fn office_pages_ask_consolidate_and_never_hold_a_connection() {
    let broken: Vec<String> = rust_files("sync-server/src/office")
        .into_iter()
        .filter(|f| {
            let code = code(f);
            names_read_model_table(&code)
                || has_word(&code, "Connection")
                || code.contains("postgres::")
                || code.contains(".reader()")
        })
        .map(|f| relative(&f))
        .collect();
    report(
        broken,
        "an office page names an rm_ table or takes a SQL connection; \
         put the query in sync-server/src/consolidate/ and hand the page a Snapshot",
    );
}

/// Modules below the pages: rules, storage, the read model, the crates
/// of their own.
const FEATURES: [&str; 18] = [
    "shared/src",
    "territory/src",
    "sortition/src",
    "sync-server/src/campaigns",
    "sync-server/src/follow_ups",
    "sync-server/src/consolidate",
    "sync-server/src/readmodel",
    "sync-server/src/ideas",
    "sync-server/src/volunteers",
    "sync-server/src/notices",
    "sync-server/src/journal",
    "sync-server/src/requests",
    "sync-server/src/retention",
    "sync-server/src/records",
    "sync-server/src/residents",
    "sync-server/src/erasure",
    "sync-server/src/storage",
    "sync-server/src/demo",
];

#[test]
fn feature_modules_know_no_http_and_no_html() {
    let broken: Vec<String> = FEATURES
        .iter()
        .flat_map(|dir| rust_files(dir))
        .filter(|f| {
            let code = code(f);
            has_word(&code, "axum") || has_word(&code, "maud")
        })
        .map(|f| relative(&f))
        .collect();
    report(
        broken,
        "a feature module imports axum or maud; keep HTTP in api/ and http/, HTML in office/",
    );
}

#[test]
fn every_module_says_why_it_exists() {
    let broken: Vec<String> = [
        "shared/src",
        "territory/src",
        "sortition/src",
        "sync-server/src",
        "app/src",
        "tests/src",
        "tests/tests",
        "tests/benches",
    ]
    .iter()
    .flat_map(|dir| rust_files(dir))
    .filter(|f| {
        let text = std::fs::read_to_string(f).expect("read");
        !text
            .lines()
            .find(|l| !l.trim().is_empty())
            .is_some_and(|l| l.starts_with("//!"))
    })
    .map(|f| relative(&f))
    .collect();
    report(broken, "a module does not open with its //! doc");
}

/// The backticked spans of a text that read as paths in the repository.
fn named_paths(text: &str) -> Vec<&str> {
    const TOP: [&str; 9] = [
        "app/",
        "shared/",
        "sync-server/",
        "territory/",
        "sortition/",
        "tests/",
        "scripts/",
        ".ci/",
        "web-dist",
    ];
    text.split('`')
        .skip(1)
        .step_by(2)
        .filter(|span| TOP.iter().any(|top| span.starts_with(top)))
        .filter(|span| {
            span.chars()
                .all(|c| c.is_alphanumeric() || "/_.-".contains(c))
        })
        .collect()
}

#[test]
fn the_architecture_names_only_paths_that_exist() {
    let text = std::fs::read_to_string(root().join("ARCHITECTURE.md")).expect("read");
    let named = named_paths(&text);
    assert!(named.len() > 20, "the code map names files: {named:?}");
    let broken: Vec<String> = named
        .into_iter()
        // The web build's output is made by scripts/build-web.sh.
        .filter(|p| !p.starts_with("web-dist"))
        .filter(|p| !root().join(p).exists())
        .map(str::to_string)
        .collect();
    report(broken, "ARCHITECTURE.md names a path that does not exist");
}

#[test]
fn the_rules_catch_what_they_forbid() {
    assert!(names_read_model_table("SELECT x FROM rm_visits"));
    assert!(!names_read_model_table("form_urlencoded::parse"));
    assert!(has_word("use axum::extract;", "axum"));
    assert!(!has_word("let maudlin = 1;", "maud"));
    assert_eq!(
        named_paths("see `sync-server/src/lib.rs` and `Snapshot` and `a/b`"),
        ["sync-server/src/lib.rs"]
    );
}
