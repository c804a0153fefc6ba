//! docs/ARCHITECTURE.md's module map matches the tree: every path the page
//! names exists, and the map covers every source file of the workspace's
//! crates (a file is covered when the page names it, or a folder it is in;
//! `lib.rs`, `main.rs` and `mod.rs` stand for their folder).

use std::path::{Path, PathBuf};

use procbox_tests::workspace_root;

/// The crates whose sources the map must cover.
const CRATES: &[&str] = &[
    "protocol",
    "manifest",
    "wasm-component-ld-wrapper",
    "guest-sdk",
    "guest-sdk/macros",
    "host",
    "shim",
    "cli",
    "tests",
];

/// The backticked words of `text` that look like paths in the workspace.
fn backticked(text: &str) -> Vec<&str> {
    text.split('`')
        .skip(1)
        .step_by(2)
        .filter(|word| {
            !word.is_empty()
                && !word.contains(' ')
                && (word.contains('/') || word.ends_with(".rs"))
                && !word.contains("::")
                && !word.contains(':')
        })
        .collect()
}

/// The workspace's top-level directories a path on the page may start with.
const TOP: &[&str] = &[
    "protocol/",
    "manifest/",
    "wasm-component-ld-wrapper/",
    "guest-sdk/",
    "host/",
    "shim/",
    "cli/",
    "tests/",
    "wit/",
    "fuzz/",
    "docs/",
    "examples/",
];

/// Every path the page names from the workspace's root; in the first cell
/// of a table row (the map's *where*), a bare name (`ident.rs`) is in the
/// folder of the cell's first path.
fn named_paths(page: &str) -> Vec<String> {
    let mut paths = Vec::new();
    for line in page.lines() {
        let first_cell = match line.strip_prefix('|') {
            Some(rest) => rest.split('|').next().unwrap_or(""),
            None => "",
        };
        let mut folder: Option<String> = None;
        for word in backticked(first_cell) {
            if word.contains('/') {
                let dir = match word.ends_with('/') {
                    true => word.to_owned(),
                    false => word
                        .rsplit_once('/')
                        .map(|(dir, _)| format!("{dir}/"))
                        .unwrap_or_default(),
                };
                folder.get_or_insert(dir);
            } else if let Some(dir) = &folder {
                paths.push(format!("{dir}{word}"));
            }
        }
        for word in backticked(line) {
            if TOP.iter().any(|top| word.starts_with(top)) {
                paths.push(word.to_owned());
            }
        }
    }
    paths.sort();
    paths.dedup();
    paths
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries {
        let path = entry.expect("an entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn the_module_map_matches_the_tree() {
    let root = workspace_root();
    let page = std::fs::read_to_string(root.join("docs/ARCHITECTURE.md")).expect("the page");
    let named = named_paths(&page);

    let missing: Vec<&String> = named
        .iter()
        .filter(|path| !root.join(path.trim_end_matches('/')).exists())
        .collect();
    assert!(
        missing.is_empty(),
        "ARCHITECTURE.md names paths that do not exist: {missing:?}"
    );

    let covers = |file: &str| {
        named.iter().any(|path| match path.ends_with('/') {
            true => file.starts_with(path.as_str()),
            false => path == file,
        })
    };
    let mut uncovered = Vec::new();
    for krate in CRATES {
        let mut files = Vec::new();
        rust_files(&root.join(krate).join("src"), &mut files);
        for file in files {
            let relative = file
                .strip_prefix(root)
                .expect("inside the workspace")
                .to_string_lossy()
                .into_owned();
            let name = file.file_name().and_then(|n| n.to_str()).unwrap_or("");
            let folder_stands_for_it = matches!(name, "lib.rs" | "main.rs" | "mod.rs");
            // Unit tests beside the code they test.
            let unit_tests = relative.contains("/src/tests/");
            if !folder_stands_for_it && !unit_tests && !covers(&relative) {
                uncovered.push(relative);
            }
        }
    }
    assert!(
        uncovered.is_empty(),
        "ARCHITECTURE.md's module map does not cover: {uncovered:?}"
    );
}

#[test]
fn bare_names_in_a_row_are_in_the_folder_of_its_first_path() {
    let row = "| `guest-sdk/src/group.rs`, `ident.rs` (+ `escape.rs`) | x | `stream.rs` |";
    assert_eq!(
        named_paths(row),
        [
            "guest-sdk/src/escape.rs",
            "guest-sdk/src/group.rs",
            "guest-sdk/src/ident.rs",
        ]
    );
}
