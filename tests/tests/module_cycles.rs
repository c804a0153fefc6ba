//! No import circles inside a crate: in every crate of the workspace, the
//! modules of each folder (the crate's top-level modules, and the children of
//! each module that has some, with the module itself) depend on each other
//! without a cycle. A module depends on another when its code names an item
//! of it: `use crate::a::Item`, `crate::a::f()`, `super::Item`, or an item the
//! crate root or a parent re-exports from it.
//!
//! The source is read, not compiled: paths are found in the text (comments
//! and `#[cfg(test)] mod tests` left out), which is enough for this
//! workspace's style (`use` declarations and qualified paths).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use procbox_tests::workspace_root;

/// The crates checked, by directory.
const CRATES: &[&str] = &[
    "host",
    "guest-sdk",
    "guest-sdk/macros",
    "guest-sdk/proc-macro2",
    "cli",
    "shim",
    "protocol",
    "manifest",
    "wasm-component-ld-wrapper",
    "tests",
];

/// The first segment of a re-export's target in another crate.
const EXTERN: &str = "<extern>";

/// A module path inside a crate: `[]` is the root.
type ModPath = Vec<String>;

/// One crate's modules: their source (comments and tests removed) and the
/// names each re-exports, with the path each stands for.
struct Crate {
    modules: BTreeMap<ModPath, String>,
    reexports: BTreeMap<(ModPath, String), ModPath>,
}

fn module_path(src: &Path, file: &Path) -> Option<ModPath> {
    let relative = file.strip_prefix(src).ok()?;
    let mut parts: Vec<String> = relative
        .iter()
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    let last = parts.pop()?;
    match last.as_str() {
        "lib.rs" | "main.rs" if parts.is_empty() => {}
        "mod.rs" => {}
        name => parts.push(name.strip_suffix(".rs")?.to_owned()),
    }
    // Binaries under src/bin are crates of their own.
    if parts.first().is_some_and(|p| p == "bin") {
        return None;
    }
    Some(parts)
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("reads a source directory") {
        let path = entry.expect("an entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The code of a file without comments and without its unit tests.
fn code(text: &str) -> String {
    let text = match text.find("#[cfg(test)]\nmod tests {") {
        Some(at) => &text[..at],
        None => text,
    };
    text.lines()
        .map(|line| match line.find("//") {
            // Not inside a string (a URL or a doc link in a literal).
            Some(at) if line[..at].matches('"').count() % 2 == 0 => &line[..at],
            _ => line,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn is_ident_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// A path of a use tree, and the name it is given (`as`), if any.
type UsePath = (Vec<String>, Option<String>);

/// The paths of a use tree starting at `text` (just after `crate::` or
/// `super::`): `a::b`, `a::{b, c::d}`, `{a, b}`, `a as b`.
fn use_tree(text: &str) -> Vec<UsePath> {
    fn skip_space(chars: &[char], at: &mut usize) {
        while *at < chars.len() && chars[*at].is_whitespace() {
            *at += 1;
        }
    }
    fn ident(chars: &[char], at: &mut usize) -> Option<String> {
        let start = *at;
        while *at < chars.len() && is_ident_char(chars[*at]) {
            *at += 1;
        }
        (start != *at).then(|| chars[start..*at].iter().collect())
    }
    fn parse(chars: &[char], at: &mut usize, prefix: &[String], out: &mut Vec<UsePath>) {
        let mut path = prefix.to_vec();
        loop {
            skip_space(chars, at);
            if chars.get(*at) == Some(&'{') {
                *at += 1;
                loop {
                    skip_space(chars, at);
                    if chars.get(*at) == Some(&'}') {
                        *at += 1;
                        return;
                    }
                    parse(chars, at, &path, out);
                    skip_space(chars, at);
                    match chars.get(*at) {
                        Some(',') => *at += 1,
                        Some('}') => {
                            *at += 1;
                            return;
                        }
                        _ => return,
                    }
                }
            }
            let Some(segment) = ident(chars, at) else {
                out.push((path, None));
                return;
            };
            path.push(segment);
            if chars.get(*at) == Some(&':') && chars.get(*at + 1) == Some(&':') {
                *at += 2;
                continue;
            }
            // `a as b`
            let mut after = *at;
            skip_space(chars, &mut after);
            let alias = match chars.get(after..after + 3) {
                Some(['a', 's', c]) if c.is_whitespace() => {
                    *at = after + 3;
                    skip_space(chars, at);
                    ident(chars, at)
                }
                _ => None,
            };
            out.push((path, alias));
            return;
        }
    }
    let chars: Vec<char> = text.chars().take(2000).collect();
    let mut out = Vec::new();
    parse(&chars, &mut 0, &[], &mut out);
    out
}

/// Every path the code of `module` names through `crate::`, `super::` or
/// `self::`, made absolute.
fn references(module: &ModPath, code: &str) -> Vec<ModPath> {
    let mut out = Vec::new();
    for (keyword, base) in [
        ("crate::", Some(Vec::new())),
        ("super::", parent(module)),
        ("self::", Some(module.clone())),
    ] {
        let Some(base) = base else { continue };
        let mut from = 0;
        while let Some(found) = code[from..].find(keyword) {
            let at = from + found;
            from = at + keyword.len();
            let before = code[..at].chars().next_back();
            if before.is_some_and(|c| is_ident_char(c) || c == ':') {
                continue;
            }
            for (path, _) in use_tree(&code[from..]) {
                // `crate::$item` in a macro: nothing to follow.
                if path.is_empty() {
                    continue;
                }
                let mut absolute = base.clone();
                let mut rest = path.as_slice();
                // `super::super::x`
                while let Some(("super", tail)) = rest.split_first().map(|(h, t)| (h.as_str(), t)) {
                    absolute.pop();
                    rest = tail;
                }
                absolute.extend(rest.iter().cloned());
                out.push(absolute);
            }
        }
    }
    out
}

/// The module `super` names in `module` (a file `a/b.rs` or `a/b/mod.rs` is
/// module `a::b`; its `super` is `a`).
fn parent(module: &ModPath) -> Option<ModPath> {
    let mut parent = module.clone();
    parent.pop().map(|_| parent)
}

fn read_crate(dir: &Path) -> Crate {
    let src = dir.join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut modules = BTreeMap::new();
    for file in files {
        let Some(module) = module_path(&src, &file) else {
            continue;
        };
        let text = std::fs::read_to_string(&file).expect("reads a source file");
        // Generated code (the SDK's checked-in bindings) is not laid out by
        // us, and its `super::` paths count the modules it nests inline.
        if text.starts_with("// Generated by `wit-bindgen`") {
            continue;
        }
        modules.insert(module, code(&text));
    }
    let mut reexports = BTreeMap::new();
    for (module, code) in &modules {
        for line in code.lines() {
            let line = line.trim();
            let Some(rest) = ["pub use ", "pub(crate) use ", "pub(super) use "]
                .iter()
                .find_map(|p| line.strip_prefix(p))
            else {
                continue;
            };
            // Relative to the module unless it says otherwise; a path that
            // starts with neither a keyword nor a child module names another
            // crate.
            let (base, rest) = if let Some(rest) = rest.strip_prefix("crate::") {
                (Vec::new(), rest)
            } else if let Some(rest) = rest.strip_prefix("super::") {
                (parent(module).unwrap_or_default(), rest)
            } else if let Some(rest) = rest.strip_prefix("self::") {
                (module.clone(), rest)
            } else {
                let first: String = rest.chars().take_while(|&c| is_ident_char(c)).collect();
                let mut child = module.clone();
                child.push(first);
                match modules.contains_key(&child) {
                    true => (module.clone(), rest),
                    false => (vec![EXTERN.to_owned()], rest),
                }
            };
            for (path, alias) in use_tree(rest) {
                let Some(name) = alias.or_else(|| path.last().cloned()) else {
                    continue;
                };
                let mut target = base.clone();
                target.extend(path.iter().cloned());
                reexports.insert((module.clone(), name), target);
            }
        }
    }
    Crate { modules, reexports }
}

impl Crate {
    /// The module a path's item lives in: the longest prefix that is a
    /// module, following re-exports; `None` for another crate's item.
    fn module_of(&self, path: &ModPath) -> Option<ModPath> {
        let mut path = path.clone();
        for _ in 0..16 {
            if path.first().is_some_and(|first| first == EXTERN) {
                return None;
            }
            let mut module = path.clone();
            while !module.is_empty() && !self.modules.contains_key(&module) {
                module.pop();
            }
            let next = path
                .get(module.len())
                .and_then(|name| self.reexports.get(&(module.clone(), name.clone())));
            match next {
                Some(target) if *target != path => {
                    let mut resolved = target.clone();
                    resolved.extend(path[module.len() + 1..].iter().cloned());
                    path = resolved;
                }
                _ => return Some(module),
            }
        }
        None
    }

    /// The dependencies between the children of `folder` (and `folder`
    /// itself, as `[..folder, "<self>"]`): who names whom.
    fn edges(&self, folder: &ModPath) -> BTreeSet<(String, String)> {
        let node = |module: &ModPath| -> Option<String> {
            if !module.starts_with(folder) {
                return None;
            }
            Some(match module.get(folder.len()) {
                Some(child) => child.clone(),
                None => "<self>".to_owned(),
            })
        };
        let mut edges = BTreeSet::new();
        for (module, code) in &self.modules {
            let Some(from) = node(module) else { continue };
            for reference in references(module, code)
                .into_iter()
                .chain(self.child_uses(module, code))
            {
                let Some(target) = self.module_of(&reference) else {
                    continue;
                };
                if let Some(to) = node(&target)
                    && to != from
                {
                    if std::env::var_os("MODULE_CYCLES_DEBUG").is_some() {
                        eprintln!("{module:?} → {reference:?} (in {target:?})");
                    }
                    edges.insert((from.clone(), to));
                }
            }
        }
        edges
    }

    /// The paths of `use child::...` declarations in `module` that name a
    /// child of it (relative paths).
    fn child_uses(&self, module: &ModPath, code: &str) -> Vec<ModPath> {
        let mut out = Vec::new();
        for line in code.lines() {
            let line = line.trim();
            let Some(rest) = ["use ", "pub use ", "pub(crate) use ", "pub(super) use "]
                .iter()
                .find_map(|p| line.strip_prefix(p))
            else {
                continue;
            };
            for (path, _) in use_tree(rest) {
                let mut absolute = module.clone();
                absolute.extend(path.iter().cloned());
                let is_child = path.first().is_some_and(|first| {
                    let mut child = module.clone();
                    child.push(first.clone());
                    self.modules.contains_key(&child)
                });
                if is_child {
                    out.push(absolute);
                }
            }
        }
        out
    }

    /// Every module with children, the root first.
    fn folders(&self) -> Vec<ModPath> {
        let mut folders: BTreeSet<ModPath> = BTreeSet::new();
        for module in self.modules.keys() {
            if !module.is_empty() {
                folders.insert(module[..module.len() - 1].to_vec());
            }
        }
        folders.into_iter().collect()
    }
}

/// The groups of nodes that reach each other (the strongly connected
/// components of more than one node): each is one or more import circles.
fn circles(edges: &BTreeSet<(String, String)>) -> Vec<BTreeSet<String>> {
    let nodes: BTreeSet<&String> = edges.iter().flat_map(|(a, b)| [a, b]).collect();
    let reach = |from: &String| -> BTreeSet<String> {
        let mut seen = BTreeSet::new();
        let mut todo = vec![from.clone()];
        while let Some(node) = todo.pop() {
            for (_, next) in edges.iter().filter(|(a, _)| *a == node) {
                if seen.insert(next.clone()) {
                    todo.push(next.clone());
                }
            }
        }
        seen
    };
    let reached: BTreeMap<&String, BTreeSet<String>> =
        nodes.iter().map(|n| (*n, reach(n))).collect();
    let mut groups: Vec<BTreeSet<String>> = Vec::new();
    for node in &nodes {
        if !reached[node].contains(*node) || groups.iter().any(|g| g.contains(*node)) {
            continue;
        }
        let group = nodes
            .iter()
            .filter(|other| reached[node].contains(**other) && reached[**other].contains(*node))
            .map(|n| (*n).clone())
            .collect();
        groups.push(group);
    }
    groups
}

#[test]
fn no_crate_has_an_import_circle() {
    let mut found = Vec::new();
    for dir in CRATES {
        let krate = read_crate(&workspace_root().join(dir));
        for folder in krate.folders() {
            let place = match folder.is_empty() {
                true => format!("{dir}/src"),
                false => format!("{dir}/src/{}", folder.join("/")),
            };
            let edges = krate.edges(&folder);
            for group in circles(&edges) {
                let names: Vec<&str> = group.iter().map(String::as_str).collect();
                let inside: Vec<String> = edges
                    .iter()
                    .filter(|(a, b)| group.contains(a) && group.contains(b))
                    .map(|(a, b)| format!("{a} → {b}"))
                    .collect();
                found.push(format!(
                    "{place}: {} reach each other ({})",
                    names.join(", "),
                    inside.join(", ")
                ));
            }
        }
    }
    assert!(found.is_empty(), "import circles:\n{}", found.join("\n"));
}

#[test]
fn the_checker_finds_a_circle() {
    let mut edges = BTreeSet::new();
    edges.insert(("a".to_owned(), "b".to_owned()));
    edges.insert(("b".to_owned(), "c".to_owned()));
    edges.insert(("c".to_owned(), "d".to_owned()));
    assert!(circles(&edges).is_empty());
    edges.insert(("c".to_owned(), "a".to_owned()));
    let abc: BTreeSet<String> = ["a", "b", "c"].map(String::from).into();
    assert_eq!(circles(&edges), vec![abc]);
    let path = |p: &[&str]| p.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    assert_eq!(
        use_tree("a::{b, c::{d as f, e}}, x"),
        vec![
            (path(&["a", "b"]), None),
            (path(&["a", "c", "d"]), Some("f".to_owned())),
            (path(&["a", "c", "e"]), None),
        ]
    );
}
