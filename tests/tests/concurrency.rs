//! One host and one component shared by 8 threads, 1,000 expansions each:
//! no failure, and every thread gets exactly its own expansion (no
//! cross-talk through spans, stores or the seed).

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
}
