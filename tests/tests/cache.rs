//! The precompiled-artifact cache: a second load does not compile, and a
//! corrupt, truncated or foreign cache file is recompiled, never trusted.

use std::path::PathBuf;

use procbox_host::{CacheOutcome, Host};
use procbox_tests::{tokens, wasm};

fn load(cache: &std::path::Path) -> procbox_host::MacroComponent {
    Host::builder()
        .cache_dir(cache)
        .build()
        .expect("host builds")
        .load_file(wasm("json_derive"))
        .expect("loads")
}

fn expands(component: &procbox_host::MacroComponent) {
    let out = component
        .expand_derive("ToJson", &tokens("struct Unit;"))
        .expect("expands");
    assert!(out.tokens.to_string().contains("ToJson for Unit"));
}

fn compiled_path(outcome: &CacheOutcome) -> PathBuf {
    match outcome {
        CacheOutcome::Compiled {
            path,
            store_error: None,
            ..
        } => path.clone(),
        other => panic!("expected a fresh compile that was stored, got {other:?}"),
    }
}

#[test]
fn second_load_comes_from_the_cache() {
    let dir = tempfile::tempdir().expect("tempdir");
    let first = load(dir.path());
    let path = compiled_path(first.cache_outcome());
    assert!(path.starts_with(dir.path()));
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .expect("file name");
    assert!(
        name.starts_with(first.hash()),
        "{name} is keyed by the component hash"
    );
    let second = load(dir.path());
    assert!(
        matches!(second.cache_outcome(), CacheOutcome::Hit(p) if *p == path),
        "{:?}",
        second.cache_outcome()
    );
    expands(&second);
}

/// Damages the cache file with `damage`, then checks the next load rejects
/// it, recompiles, replaces it, and works.
fn rejects(damage: impl FnOnce(&mut Vec<u8>), expected_reason: &str) {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = compiled_path(load(dir.path()).cache_outcome());
    let mut bytes = std::fs::read(&path).expect("read cache file");
    damage(&mut bytes);
    std::fs::write(&path, &bytes).expect("write damaged file");

    let reloaded = load(dir.path());
    match reloaded.cache_outcome() {
        CacheOutcome::Compiled {
            rejected: Some(reason),
            store_error: None,
            ..
        } => {
            assert!(reason.contains(expected_reason), "{reason}");
        }
        other => panic!("expected a rejected cache file, got {other:?}"),
    }
    expands(&reloaded);
    assert!(
        matches!(load(dir.path()).cache_outcome(), CacheOutcome::Hit(_)),
        "the file was replaced"
    );
}

#[test]
fn a_corrupt_cache_file_is_recompiled() {
    rejects(
        |bytes| {
            let middle = bytes.len() / 2;
            bytes[middle] ^= 0xff;
        },
        "checksum",
    );
}

#[test]
fn a_truncated_cache_file_is_recompiled() {
    rejects(|bytes| bytes.truncate(bytes.len() - 100), "truncated");
}

#[test]
fn a_cache_file_with_bytes_appended_is_recompiled() {
    rejects(|bytes| bytes.extend_from_slice(&[0; 16]), "extended");
}

/// The trailer after the artifact: magic (8 bytes), format (4), the
/// artifact's length (8) and CRC-32 (4).
const TRAILER_LEN: usize = 24;

#[test]
fn a_cache_file_with_a_wrong_length_is_recompiled() {
    rejects(
        |bytes| {
            let at = bytes.len() - TRAILER_LEN + 12;
            bytes[at] ^= 1;
        },
        "length",
    );
}

#[test]
fn a_cache_file_of_another_format_is_recompiled() {
    // The format version follows the trailer's 8-byte magic.
    rejects(
        |bytes| {
            let at = bytes.len() - TRAILER_LEN + 8;
            bytes[at..at + 4].copy_from_slice(&99u32.to_le_bytes());
        },
        "another version of procbox",
    );
    // Format 2 had the same fields in a header before the artifact.
    rejects(
        |bytes| {
            let artifact = bytes[..bytes.len() - TRAILER_LEN].to_vec();
            let mut old = bytes[bytes.len() - TRAILER_LEN..].to_vec();
            old[8..12].copy_from_slice(&2u32.to_le_bytes());
            old.extend_from_slice(&artifact);
            *bytes = old;
        },
        "another version of procbox",
    );
}

/// Its code is mapped from the file: replacing the file (as a later
/// recompile does, by renaming a new one over it) or deleting it must leave
/// the loaded component working. (Unix only: Windows refuses to replace or
/// delete a mapped file, and the store's error is reported instead.)
#[cfg(unix)]
#[test]
fn a_loaded_component_outlives_its_cache_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = compiled_path(load(dir.path()).cache_outcome());
    let loaded = load(dir.path());
    assert!(matches!(loaded.cache_outcome(), CacheOutcome::Hit(_)));
    if cfg!(target_os = "linux") {
        let maps = std::fs::read_to_string("/proc/self/maps").expect("reads the mappings");
        assert!(
            maps.contains(&*path.to_string_lossy()),
            "not mapped from the cache file"
        );
    }
    let replacement = dir.path().join("replacement");
    std::fs::write(&replacement, b"another file").expect("write");
    std::fs::rename(&replacement, &path).expect("rename over the cache file");
    expands(&loaded);
    std::fs::remove_file(&path).expect("delete the cache file");
    expands(&loaded);
    let instance = loaded.instantiate().expect("instantiates");
    drop(instance);
}

#[test]
fn a_foreign_cache_file_is_recompiled() {
    rejects(
        |bytes| *bytes = b"this is not a procbox cache file at all".to_vec(),
        "not a procbox cache file",
    );
}

#[test]
fn an_unwritable_cache_still_loads() {
    let dir = tempfile::tempdir().expect("tempdir");
    let blocker = dir.path().join("cache");
    std::fs::write(&blocker, "a file where the cache directory should be").expect("write");
    let component = load(&blocker);
    assert!(
        matches!(
            component.cache_outcome(),
            CacheOutcome::Compiled {
                store_error: Some(_),
                ..
            }
        ),
        "{:?}",
        component.cache_outcome()
    );
    expands(&component);
}

#[test]
fn hosts_that_miss_at_once_compile_once() {
    let dir = tempfile::tempdir().expect("tempdir");
    let start = std::sync::Barrier::new(4);
    let outcomes: Vec<CacheOutcome> = std::thread::scope(|scope| {
        let loads: Vec<_> = (0..4)
            .map(|_| {
                scope.spawn(|| {
                    let host = Host::builder()
                        .cache_dir(dir.path())
                        .build()
                        .expect("host builds");
                    start.wait();
                    let component = host.load_file(wasm("json_derive")).expect("loads");
                    expands(&component);
                    component.cache_outcome().clone()
                })
            })
            .collect();
        loads
            .into_iter()
            .map(|l| l.join().expect("a load"))
            .collect()
    });
    let compiled = outcomes
        .iter()
        .filter(|o| matches!(o, CacheOutcome::Compiled { .. }))
        .count();
    assert_eq!(compiled, 1, "{outcomes:?}");
    assert_eq!(cache_files(dir.path()), 1);
}

/// The `.cwasm` files in `dir`.
fn cache_files(dir: &std::path::Path) -> usize {
    std::fs::read_dir(dir).map_or(0, |entries| {
        entries
            .filter_map(Result::ok)
            .filter(|e| e.path().extension().is_some_and(|x| x == "cwasm"))
            .count()
    })
}

/// The SHA-256 `load_checked_bytes` says `bytes` have, from the error it
/// gives for a wrong one.
fn actual_hash(host: &Host, bytes: &[u8]) -> String {
    match host.load_checked_bytes("json_derive.wasm", bytes, &"0".repeat(64)) {
        Err(procbox_host::Error::HashMismatch { actual, .. }) => actual,
        other => panic!("expected a hash mismatch, got {other:?}"),
    }
}

/// A host with an empty cache of its own, and the derive's bytes.
fn cached_host_and_component() -> (tempfile::TempDir, Host, Vec<u8>) {
    let dir = tempfile::tempdir().expect("tempdir");
    let host = Host::builder().cache_dir(dir.path()).build().expect("host");
    let bytes = std::fs::read(wasm("json_derive")).expect("reads the component");
    (dir, host, bytes)
}

#[test]
fn a_checked_load_compiles_only_the_bytes_it_was_promised() {
    let (dir, host, bytes) = cached_host_and_component();

    // A wrong hash, well-formed or not (one that is not a file name), on a
    // miss: refused, naming both hashes and what to do; nothing compiled.
    let actual = actual_hash(&host, &bytes);
    for wrong in ["0".repeat(64), "../../etc/passwd".to_owned(), String::new()] {
        let error = host
            .load_checked_bytes("json_derive.wasm", &bytes, &wrong)
            .expect_err("a wrong hash is refused");
        let message = error.to_string();
        assert!(
            message.contains("json_derive.wasm")
                && message.contains(&actual)
                && message.contains("procbox review"),
            "{message}"
        );
    }
    assert_eq!(cache_files(dir.path()), 0, "nothing was compiled or stored");

    // The right hash (any case): compiled, stored under it, named by it.
    let first = host
        .load_checked_bytes("json_derive.wasm", &bytes, &actual.to_uppercase())
        .expect("the right hash loads");
    assert_eq!(first.hash(), actual);
    compiled_path(first.cache_outcome());
    expands(&first);
    assert_eq!(
        first.hash(),
        load(dir.path()).hash(),
        "the same key as load_file"
    );
}

#[test]
fn a_checked_load_from_the_cache_does_not_hash_the_bytes() {
    let (_dir, host, bytes) = cached_host_and_component();
    let hash = actual_hash(&host, &bytes);
    let path = compiled_path(
        host.load_checked_bytes("json_derive.wasm", &bytes, &hash)
            .expect("loads")
            .cache_outcome(),
    );

    // Other bytes under the same hash: the cache has code for the hash, so
    // that code runs and the bytes are never hashed (hashing them would
    // refuse them). What the documentation promises: a hit runs the
    // component the hash names.
    let other = std::fs::read(wasm("phases")).expect("reads another component");
    let second = host
        .load_checked_bytes("phases.wasm", &other, &hash)
        .expect("loads from the cache");
    assert!(
        matches!(second.cache_outcome(), CacheOutcome::Hit(p) if *p == path),
        "{:?}",
        second.cache_outcome()
    );
    expands(&second);

    // Without a cache every checked load hashes.
    let uncached = Host::builder().no_cache().build().expect("host");
    assert!(matches!(
        uncached.load_checked_bytes("phases.wasm", &other, &hash),
        Err(procbox_host::Error::HashMismatch { .. })
    ));
}

#[test]
fn will_compile_says_whether_a_load_compiles() {
    let (_dir, host, bytes) = cached_host_and_component();
    assert!(host.will_compile(&bytes), "an empty cache: compiles");
    host.load_bytes("json_derive.wasm", &bytes).expect("loads");
    assert!(!host.will_compile(&bytes), "now cached");

    // Bytes that are no component are refused before compiling.
    assert!(!host.will_compile(b"not wasm at all"));
    assert!(!host.will_compile(b"\0asm\x01\0\0\0"), "a core module");

    let uncached = Host::builder().no_cache().build().expect("host");
    assert!(
        uncached.will_compile(&bytes),
        "no cache: every load compiles"
    );
}
