//! The expansion cache is sound: each case compares a replay (or a miss)
//! with what running the macro gives.

use std::path::{Path, PathBuf};

use procbox_host::{Error, ExpansionCache, Grants, Host, Invocation, MacroComponent};
use procbox_protocol::recorded::VARIANTS;
use procbox_tests::{cache_dir, tokens, wasm};

/// A host whose expansions are recorded in `dir`.
fn host(cache: ExpansionCache) -> Host {
    Host::builder()
        .cache_dir(cache_dir())
        .expansion_cache(cache)
        .build()
        .expect("the host builds")
}

fn load(host: &Host, crate_name: &str) -> MacroComponent {
    host.load_file(wasm(crate_name))
        .unwrap_or_else(|e| panic!("loading {crate_name}: {e}"))
}

/// The entry files in `dir`.
fn entries(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|listing| {
            listing
                .map(|e| e.expect("entry").path())
                .filter(|p| p.extension().is_some_and(|e| e == "expansion"))
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    files
}

/// `(tokens as text, replayed?)` of a derive.
fn derive(component: &MacroComponent, name: &str, src: &str) -> (String, bool) {
    let expansion = component
        .expand_derive(name, &tokens(src))
        .unwrap_or_else(|e| panic!("expanding {name}: {e}"));
    (expansion.tokens.to_string(), expansion.stats.replayed)
}

#[test]
fn the_same_input_replays_what_running_gave_and_other_input_misses() {
    let dir = tempfile::tempdir().expect("tempdir");
    let component = load(&host(ExpansionCache::new(dir.path())), "json_derive");
    let point = "struct Point { x: i32, y: i32 }";
    let (fresh, replayed) = derive(&component, "ToJson", point);
    assert!(!replayed);
    assert_eq!(entries(dir.path()).len(), 1);
    assert_eq!(derive(&component, "ToJson", point), (fresh.clone(), true));
    // One more field: another key, a fresh run.
    let (other, replayed) = derive(
        &component,
        "ToJson",
        "struct Point { x: i32, y: i32, z: i32 }",
    );
    assert!(!replayed);
    assert_ne!(other, fresh);
    // Switched off for one call: runs, records nothing new.
    let expansion = component
        .expand(&Invocation::derive("ToJson", &tokens(point)).uncached())
        .expect("expands");
    assert!(!expansion.stats.replayed);
    assert_eq!(expansion.tokens.to_string(), fresh);
    assert_eq!(entries(dir.path()).len(), 2);
}

/// The component's bytes with a custom section added: a valid component
/// with the same macros and another SHA-256.
fn with_custom_section(bytes: &[u8]) -> Vec<u8> {
    let name = b"procbox-test";
    let payload = b"another build";
    let mut out = bytes.to_vec();
    out.push(0);
    out.push((1 + name.len() + payload.len()) as u8);
    out.push(name.len() as u8);
    out.extend_from_slice(name);
    out.extend_from_slice(payload);
    out
}

#[test]
fn another_component_misses() {
    let dir = tempfile::tempdir().expect("tempdir");
    let host = host(ExpansionCache::new(dir.path()));
    let original = load(&host, "json_derive");
    let bytes = std::fs::read(wasm("json_derive")).expect("reads");
    let rebuilt = host
        .load_bytes("rebuilt json_derive", &with_custom_section(&bytes))
        .expect("still a component");
    assert_ne!(original.hash(), rebuilt.hash());
    let item = "struct Unit;";
    assert!(!derive(&original, "ToJson", item).1);
    assert!(derive(&original, "ToJson", item).1);
    assert!(
        !derive(&rebuilt, "ToJson", item).1,
        "replayed another component's expansion"
    );
}

/// What `reads_file` needs besides variables: `fs-read` (of a directory
/// with nothing in it that matters here).
fn reads_grants() -> Grants {
    Grants::new().fs_read(std::env::temp_dir())
}

fn function(component: &MacroComponent, name: &str, src: &str) -> (String, bool) {
    let expansion = component
        .expand_function(name, &tokens(src))
        .unwrap_or_else(|e| panic!("expanding {name}: {e}"));
    (expansion.tokens.to_string(), expansion.stats.replayed)
}

#[test]
fn other_grants_miss_and_an_environment_variable_is_part_of_them() {
    let dir = tempfile::tempdir().expect("tempdir");
    let host = host(ExpansionCache::new(dir.path()));
    let reads = load(&host, "reads_file");
    let with = |value: &str| {
        reads
            .with_grants(&reads_grants().env("DATA_DIR", value))
            .expect("grants")
    };
    let (first, _) = function(&with("one"), "env_var", "DATA_DIR");
    assert_eq!(first, "\"one\"");
    assert_eq!(function(&with("one"), "env_var", "DATA_DIR"), (first, true));
    assert_eq!(
        function(&with("two"), "env_var", "DATA_DIR"),
        ("\"two\"".to_owned(), false)
    );
    // From this process's environment: resolved when granted, so a changed
    // variable is a changed grant.
    let from_environment = reads_grants().env_from_environment("DATA_DIR");
    // SAFETY: no other test of this binary reads or writes the process's
    // DATA_DIR (they grant it a value).
    unsafe { std::env::set_var("DATA_DIR", "first") };
    let granted = reads.with_grants(&from_environment).expect("grants");
    assert_eq!(function(&granted, "env_var", "DATA_DIR").0, "\"first\"");
    unsafe { std::env::set_var("DATA_DIR", "second") };
    let granted = reads.with_grants(&from_environment).expect("grants");
    assert_eq!(
        function(&granted, "env_var", "DATA_DIR"),
        ("\"second\"".to_owned(), false)
    );
}

#[test]
fn a_changed_granted_file_misses_and_the_entry_names_it() {
    let cache = tempfile::tempdir().expect("tempdir");
    let data = tempfile::tempdir().expect("tempdir");
    let data_dir = data.path().canonicalize().expect("canonical");
    let file = data_dir.join("colors.txt");
    std::fs::write(&file, "red").expect("write");
    let host = host(ExpansionCache::new(cache.path()));
    let reads = load(&host, "reads_file")
        .with_grants(&Grants::new().fs_read(&data_dir).env("DATA_DIR", "unused"))
        .expect("grants");
    let arg = format!("{:?}", file.display().to_string());
    let expansion = reads
        .expand_function("read_text", &tokens(&arg))
        .expect("expands");
    assert_eq!(expansion.tokens.to_string(), "\"red\"");
    assert_eq!(expansion.files_read, [file.display().to_string()]);
    assert_eq!(
        function(&reads, "read_text", &arg),
        ("\"red\"".into(), true)
    );
    let entry = std::fs::read_to_string(&entries(cache.path())[0]).expect("reads");
    assert!(
        entry.contains(&format!("file {:?} sha256 ", file.display().to_string())),
        "{entry}"
    );
    std::fs::write(&file, "green").expect("write");
    assert_eq!(
        function(&reads, "read_text", &arg),
        ("\"green\"".into(), false)
    );
    // A file that was absent, then appears.
    let missing = format!("{:?}", data_dir.join("later.txt").display().to_string());
    let (absent, _) = function(&reads, "read_text", &missing);
    assert!(absent.contains("error"), "{absent}");
    assert!(function(&reads, "read_text", &missing).1);
    std::fs::write(data_dir.join("later.txt"), "here").expect("write");
    assert_eq!(
        function(&reads, "read_text", &missing),
        ("\"here\"".into(), false)
    );
}

/// The line of the first span of the first error diagnostic.
fn error_line(component: &MacroComponent, src: &str) -> (usize, bool) {
    let expansion = component
        .expand_derive("ToJson", &tokens(src))
        .expect("expands");
    let error = expansion
        .diagnostics
        .iter()
        .find(|d| d.level == procbox_host::Level::Error)
        .expect("an error");
    (error.span().start().line, expansion.stats.replayed)
}

#[test]
fn a_moved_item_replays_with_its_errors_at_the_new_place() {
    let dir = tempfile::tempdir().expect("tempdir");
    let component = load(&host(ExpansionCache::new(dir.path())), "json_derive");
    let union = "union U { a: u8 }";
    assert_eq!(error_line(&component, union), (1, false));
    let moved = format!("\n\n\n\n{union}");
    assert_eq!(error_line(&component, &moved), (5, true));
    // What running it there gives.
    let fresh = component
        .expand(&Invocation::derive("ToJson", &tokens(&moved)).uncached())
        .expect("expands");
    assert_eq!(fresh.diagnostics[0].span().start().line, 5);
}

#[test]
fn a_macro_that_asked_for_a_line_misses_when_the_line_changes() {
    let dir = tempfile::tempdir().expect("tempdir");
    let probe = load(&host(ExpansionCache::new(dir.path())), "misbehave");
    // Each parse outside rustc is another `<parsed string N>` file: name
    // one, as an embedder that parses files does.
    let probe_at = |src: &str| {
        let input = tokens(src);
        let expansion = probe
            .expand(&Invocation::function("span_probe", &input).in_file(Path::new("src/lib.rs")))
            .expect("expands");
        (expansion.tokens.to_string(), expansion.stats.replayed)
    };
    let (first, replayed) = probe_at("a");
    assert!(!replayed);
    assert!(first.starts_with("l1c"), "{first}");
    assert_eq!(probe_at("a"), (first.clone(), true));
    // Another file is another answer too.
    assert!(!function(&probe, "span_probe", "a").1);
    let (moved, replayed) = probe_at("\n\na");
    assert!(!replayed, "replayed across a line change");
    assert!(moved.starts_with("l3c"), "{moved}");
    // The same input at two lines: each has its entry (a variant of the
    // same key), and both replay.
    assert_eq!(probe_at("a"), (first, true));
    assert_eq!(probe_at("\n\na"), (moved, true));
    // Variants are bounded: more lines than slots evict the least recently
    // used, and the newest replays.
    for line in 0..=VARIANTS {
        probe_at(&format!("{}a", "\n".repeat(line as usize)));
    }
    assert_eq!(entries(dir.path()).len(), VARIANTS as usize);
    let last = format!("{}a", "\n".repeat(VARIANTS as usize));
    assert!(probe_at(&last).1);
}

#[test]
fn corrupt_truncated_and_foreign_entries_are_ignored() {
    let dir = tempfile::tempdir().expect("tempdir");
    let component = load(&host(ExpansionCache::new(dir.path())), "json_derive");
    let item = "struct Point { x: i32 }";
    let (fresh, _) = derive(&component, "ToJson", item);
    let file = entries(dir.path()).remove(0);
    let good = std::fs::read_to_string(&file).expect("reads");
    let edited = good.replace("field_0", "field_9");
    assert_ne!(edited, good, "the entry has the field's name");
    let truncated = good[..good.len() / 2].to_owned();
    let foreign = "procbox expansion 999\nsomething else entirely\n".to_owned();
    for bad in [edited, truncated, foreign, String::from("\u{0}\u{1}binary")] {
        std::fs::write(&file, &bad).expect("write");
        assert_eq!(derive(&component, "ToJson", item), (fresh.clone(), false));
        // The miss wrote a good entry back.
        let rewritten = std::fs::read_to_string(&file).expect("reads");
        assert!(rewritten.contains("field_0") && rewritten.ends_with("diagnostics 0\n"));
        assert!(derive(&component, "ToJson", item).1);
    }
}

#[test]
fn offline_replays_what_was_recorded_and_refuses_the_rest() {
    let dir = tempfile::tempdir().expect("tempdir");
    let online = load(&host(ExpansionCache::new(dir.path())), "json_derive");
    let (recorded, _) = derive(&online, "ToJson", "struct Seen;");
    let offline = load(
        &host(ExpansionCache::new(dir.path()).offline(true)),
        "json_derive",
    );
    assert_eq!(derive(&offline, "ToJson", "struct Seen;"), (recorded, true));
    let err = offline
        .expand_derive("ToJson", &tokens("struct Unseen;"))
        .expect_err("not recorded");
    assert!(matches!(err, Error::Offline { .. }), "{err}");
    let message = err.to_string();
    assert!(message.contains("macro `ToJson`"), "{message}");
    assert!(message.contains("struct Unseen"), "{message}");
    assert!(message.contains("PROCBOX_OFFLINE=1"), "{message}");
}

#[test]
fn the_directory_stays_under_its_size_limit() {
    let dir = tempfile::tempdir().expect("tempdir");
    let limit = 16 * 1024;
    let component = load(
        &host(ExpansionCache::new(dir.path()).max_bytes(limit)),
        "json_derive",
    );
    for i in 0..40 {
        let fields: String = (0..=i % 7)
            .map(|f| format!("f{f}: u{},", 8 << (f % 3)))
            .collect();
        derive(&component, "ToJson", &format!("struct S{i} {{ {fields} }}"));
    }
    let size: u64 = entries(dir.path())
        .iter()
        .map(|f| std::fs::metadata(f).expect("metadata").len())
        .sum();
    assert!(size <= limit, "{size} bytes in the directory, over {limit}");
    let count = entries(dir.path()).len();
    assert!(count > 1 && count < 40, "{count} entries");
    // The last one written is still there.
    assert!(
        derive(
            &component,
            "ToJson",
            "struct S39 { f0: u8, f1: u16, f2: u32, f3: u8, f4: u16, }"
        )
        .1
    );
}

#[test]
fn eight_threads_writing_the_same_keys_leave_valid_entries() {
    let dir = tempfile::tempdir().expect("tempdir");
    let component = load(&host(ExpansionCache::new(dir.path())), "json_derive");
    let items: Vec<String> = (0..4)
        .map(|i| format!("struct Shared{i} {{ a: u8, b: String }}"))
        .collect();
    let expected: Vec<String> = items
        .iter()
        .map(|item| {
            component
                .expand(&Invocation::derive("ToJson", &tokens(item)).uncached())
                .expect("expands")
                .tokens
                .to_string()
        })
        .collect();
    std::thread::scope(|scope| {
        for _ in 0..8 {
            scope.spawn(|| {
                for _ in 0..5 {
                    for (item, expected) in items.iter().zip(&expected) {
                        assert_eq!(&derive(&component, "ToJson", item).0, expected);
                    }
                }
            });
        }
    });
    let files = entries(dir.path());
    assert_eq!(files.len(), items.len());
    for (item, expected) in items.iter().zip(&expected) {
        assert_eq!(derive(&component, "ToJson", item), (expected.clone(), true));
    }
    let leftovers = std::fs::read_dir(dir.path()).expect("lists").count();
    assert_eq!(leftovers, items.len(), "temporary files left behind");
}

#[test]
fn an_entry_reads_as_a_review_of_the_expansion() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cache = ExpansionCache::new(dir.path());
    let component = load(&host(cache.clone()), "json_derive");
    let expansion = component
        .expand(
            &Invocation::derive("ToJson", &tokens("struct Point { x: i32 }"))
                .in_file(Path::new("src/shapes.rs")),
        )
        .expect("expands");
    let listed = cache.entries().expect("lists");
    let [entry] = &listed[..] else {
        panic!("{listed:?}");
    };
    assert_eq!(entry.problem, None);
    assert_eq!(entry.macro_name, "ToJson");
    assert_eq!(entry.expanded_at.as_deref(), Some("src/shapes.rs:1"));
    let text = &entry.text;
    assert!(text.starts_with("procbox expansion 3\nchecksum "), "{text}");
    assert!(text.contains("\nmacro derive ToJson\n"), "{text}");
    assert!(
        text.contains(&format!("sha256 {}", component.hash())),
        "{text}"
    );
    assert!(
        text.contains("\ninput 3\nstruct Point {\n    x: i32,\n}\n"),
        "{text}"
    );
    // The pretty-printed output, as people would write it.
    assert!(
        text.contains("\nimpl ::tojson::ToJson for Point {\n    fn write_json("),
        "{text}"
    );
    assert!(!expansion.tokens.is_empty());
    assert_eq!(cache.clear().expect("clears"), 1);
    assert!(cache.entries().expect("lists").is_empty());
}
