//! One host and one component shared by 8 threads, 1,000 expansions each:
//! no failure, every thread gets exactly its own expansion (no cross-talk
//! through spans, stores or the seed), and memory stays bounded.

use std::sync::Arc;

use procbox_host::Grants;
use procbox_tests::{component, tokens};

const THREADS: usize = 8;
const EXPANSIONS: usize = 1_000;

#[test]
fn eight_threads_share_one_component() {
    let seeded = Arc::new(
        component("seeded")
            .with_grants(&Grants::new().random_seed())
            .expect("grants"),
    );
    let json = Arc::new(component("json_derive"));
    // Warm up (code, caches, allocator arenas) before measuring.
    json.expand_derive("ToJson", &tokens("struct W;"))
        .expect("expands");
    let before = resident_bytes();
    let workers: Vec<_> = (0..THREADS)
        .map(|thread| {
            let (seeded, json) = (Arc::clone(&seeded), Arc::clone(&json));
            std::thread::spawn(move || {
                // Inputs differ per thread, so any cross-talk shows.
                let words = format!("t{thread}_a t{thread}_b t{thread}_c t{thread}_d");
                let item = format!("struct S{thread} {{ f{thread}: u8 }}");
                let (words, item) = (tokens(&words), tokens(&item));
                let first = seeded
                    .expand_function("hash_order", &words)
                    .expect("expands")
                    .tokens
                    .to_string();
                for i in 0..EXPANSIONS {
                    if i % 2 == 0 {
                        let out = seeded
                            .expand_function("hash_order", &words)
                            .expect("expands");
                        assert_eq!(
                            out.tokens.to_string(),
                            first,
                            "thread {thread}, expansion {i}"
                        );
                    } else {
                        let out = json
                            .expand_derive("ToJson", &item)
                            .expect("expands")
                            .tokens
                            .to_string();
                        assert!(
                            out.contains(&format!("ToJson for S{thread}")),
                            "thread {thread}: {out}"
                        );
                        assert!(
                            out.contains(&format!("\\\"f{thread}\\\"")),
                            "thread {thread}: {out}"
                        );
                    }
                }
                first
            })
        })
        .collect();
    for (thread, worker) in workers.into_iter().enumerate() {
        let first = worker.join().expect("no thread panicked");
        let mut words: Vec<&str> = first.split(' ').collect();
        words.sort();
        let expected: Vec<String> = ["a", "b", "c", "d"]
            .iter()
            .map(|w| format!("t{thread}_{w}"))
            .collect();
        assert_eq!(words, expected);
    }
    // Every store and linear memory is freed: 8,000 expansions leaking even
    // 8 KiB each would pass this bound.
    let grown = resident_bytes().saturating_sub(before);
    eprintln!("resident memory grew by {} KiB", grown >> 10);
    assert!(
        grown < MEMORY_GROWTH_BOUND,
        "resident memory grew by {} MiB over {} expansions",
        grown >> 20,
        THREADS * EXPANSIONS
    );
}

/// How much resident memory may grow over the run.
const MEMORY_GROWTH_BOUND: u64 = 64 << 20;

/// This process's resident set size (Linux), in bytes.
fn resident_bytes() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("/proc/self/status");
    let kib: u64 = status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmRSS in /proc/self/status");
    kib * 1024
}
