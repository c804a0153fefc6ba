//! The example macros expand in the sandbox exactly as the same logic does
//! natively, and deterministically.

use json_derive::logic;
use procbox_host::Origin;
use procbox_tests::{component, host, tokens, wasm};

/// Inputs covering every shape `#[derive(ToJson)]` supports.
const DERIVE_INPUTS: &[&str] = &[
    "struct Point { x: i32, y: i32 }",
    "struct Renamed { #[json(rename = \"first name\")] first: String, #[json(skip)] cache: u8, r#type: bool }",
    "struct Pair(u8, #[json(skip)] u16, String);",
    "struct Newtype(Vec<u8>);",
    "struct Unit;",
    "enum Shape { Circle { r: f64 }, #[json(rename = \"sq\")] Square(f64), Empty }",
    "enum Never {}",
    "struct Wrapper<'a, T: Clone, const N: usize> where T: Default { items: &'a [T; N], #[json(rename = \"\\\"quoted\\\"\")] tag: char }",
    "#[doc = \"documented\"] pub(crate) struct Documented { /// field doc\n pub value: Option<i64> }",
];

fn native_derive(src: &str) -> String {
    let input = syn::parse_str::<syn::DeriveInput>(src).expect("test input parses");
    logic::to_json(&input)
        .unwrap_or_else(syn::Error::into_compile_error)
        .to_string()
}

#[test]
fn derive_expands_as_natively() {
    let json = component("json_derive");
    for src in DERIVE_INPUTS {
        let sandboxed = json.expand_derive("ToJson", &tokens(src)).expect("expands");
        assert!(
            sandboxed.diagnostics.is_empty(),
            "{src}: {:?}",
            sandboxed.diagnostics
        );
        assert_eq!(
            sandboxed.tokens.to_string(),
            native_derive(src),
            "for {src}"
        );
    }
}

#[test]
fn attribute_and_function_macros_expand_as_natively() {
    let json = component("json_derive");
    for (args, item) in [
        ("", "struct S { a: u8, r#b: u8 }"),
        ("uppercase", "pub struct T<X> { first: X, second: X }"),
    ] {
        let sandboxed = json
            .expand_attribute("field_names", &tokens(args), &tokens(item))
            .expect("expands");
        let native = logic::field_names(tokens(args), tokens(item)).expect("native expands");
        assert_eq!(sandboxed.tokens.to_string(), native.to_string());
    }
    for src in [
        "{ \"name\": \"procbox\", \"tags\": [1, -2.5, true, null], \"nested\": { \"a\\nb\": [] } }",
        "[1, 2, 3]",
        "\"just a string\"",
    ] {
        let sandboxed = json
            .expand_function("json_literal", &tokens(src))
            .expect("expands");
        let native = logic::json_literal(tokens(src)).expect("native expands");
        assert_eq!(sandboxed.tokens.to_string(), native.to_string());
    }
}

#[test]
fn expansion_is_deterministic_across_runs_and_hosts() {
    let src = DERIVE_INPUTS[5];
    let first = component("json_derive")
        .expand_derive("ToJson", &tokens(src))
        .expect("expands");
    let other_host = host().load_file(wasm("json_derive")).expect("loads");
    for _ in 0..2 {
        let again = other_host
            .expand_derive("ToJson", &tokens(src))
            .expect("expands");
        assert_eq!(again.tokens.to_string(), first.tokens.to_string());
    }
}

#[test]
fn a_reused_instance_expands_like_fresh_ones() {
    let json = component("json_derive");
    let mut instance = json.instantiate().expect("instantiates");
    for src in DERIVE_INPUTS {
        let input = tokens(src);
        let reused = instance
            .expand(&procbox_host::Invocation::derive("ToJson", &input))
            .expect("expands");
        assert_eq!(reused.tokens.to_string(), native_derive(src));
    }
}

/// Repeated expansions in one instance reuse its memory: after the first
/// few, it stops growing. (The guest's allocator once kept the blocks the
/// host passes in on its free lists, and an instance grew by a few KiB per
/// expansion until it hit the memory limit.)
#[test]
fn a_reused_instance_does_not_grow() {
    let json = component("json_derive");
    let mut instance = json.instantiate().expect("instantiates");
    let fields: Vec<String> = (0..10)
        .map(|i| format!("#[json(rename = \"field{i}\")] pub f{i}: Option<Vec<u32>>"))
        .collect();
    let input = tokens(&format!(
        "pub struct Record<T> {{ {}, extra: T }}",
        fields.join(", ")
    ));
    let mut expand = || {
        instance
            .expand(&procbox_host::Invocation::derive("ToJson", &input))
            .expect("expands")
            .stats
            .memory_bytes
    };
    let warm = (0..100).map(|_| expand()).last().expect("expanded");
    let later = (0..1500).map(|_| expand()).last().expect("expanded");
    assert!(warm > 0, "no memory size reported");
    assert_eq!(later, warm, "grew from {warm} to {later} bytes");
}

/// Where the next text lexed on this thread will start in proc_macro2's
/// source map (a span's `Debug` is `bytes(lo..hi)`, offsets in the whole
/// map), and how far one such probe moves it.
fn source_map_end() -> usize {
    let probe = tokens("x");
    let span = probe.into_iter().next().expect("one token").span();
    let debug = format!("{span:?}");
    debug
        .strip_prefix("bytes(")
        .and_then(|rest| rest.split("..").next())
        .and_then(|lo| lo.parse().ok())
        .unwrap_or_else(|| panic!("unexpected span Debug: {debug}"))
}

/// Outside rustc, text lexed on a thread stays in proc_macro2's source map
/// until the embedder clears it: the derive's output, whose literals are all
/// plain strings and characters, is built without lexing anything.
#[test]
fn expanding_the_derive_adds_nothing_to_the_source_map() {
    let json = component("json_derive");
    let input = tokens(DERIVE_INPUTS[1]);
    let step = source_map_end();
    let step = source_map_end() - step;
    let before = source_map_end();
    for _ in 0..10 {
        json.expand_derive("ToJson", &input).expect("expands");
    }
    assert_eq!(source_map_end() - before, step, "the expansions lexed text");
}

#[test]
fn tokens_cross_in_bulk_without_span_queries() {
    // A derive that never asks about spans makes no host calls besides the
    // expansion itself, whatever the size of its input.
    let json = component("json_derive");
    let small = json
        .expand_derive("ToJson", &tokens("struct A { a: u8 }"))
        .expect("expands");
    let fields: Vec<String> = (0..50).map(|i| format!("f{i}: u8")).collect();
    let large_src = format!("struct B {{ {} }}", fields.join(", "));
    let large = json
        .expand_derive("ToJson", &tokens(&large_src))
        .expect("expands");
    assert_eq!(small.stats.span_queries, 0);
    assert_eq!(large.stats.span_queries, 0);
    assert!(large.stats.input_tokens > 10 * small.stats.input_tokens);
    assert_eq!(
        large.stats.output_tokens,
        tokens(&native_derive(&large_src))
            .into_iter()
            .map(count)
            .sum::<usize>()
    );
}

fn count(tree: proc_macro2::TokenTree) -> usize {
    match tree {
        proc_macro2::TokenTree::Group(g) => 1 + g.stream().into_iter().map(count).sum::<usize>(),
        _ => 1,
    }
}

#[test]
fn emitted_diagnostics_are_reported() {
    let misbehave = component("misbehave");
    let input = tokens("\n   first second");
    let expansion = misbehave.expand_function("warns", &input).expect("expands");
    assert_eq!(expansion.diagnostics.len(), 1);
    let warning = &expansion.diagnostics[0];
    assert_eq!(warning.level, procbox_host::Level::Warning);
    assert_eq!(warning.message, "this is a warning");
    assert_eq!(warning.origin, Origin::Emitted);
    let at = warning.span().start();
    assert_eq!((at.line, at.column), (2, 3));
    assert!(!expansion.has_errors());
}

/// The example macros are built as the README says to build one: with `syn`
/// and `quote` without their default `proc-macro` feature, so `proc-macro2`
/// runs in its own mode instead of checking for the compiler on every token
/// operation (BENCHMARKS.md). With the feature on, Rust's `proc_macro` is
/// linked into the component, and its panic locations
/// (`library/proc_macro/src/...`) with it; that is the trace this looks for.
#[test]
fn examples_do_not_link_the_compilers_proc_macro() {
    const TRACE: &[u8] = b"library/proc_macro/src/";
    for name in ["json_derive", "enum_from_file", "field_index"] {
        let path = wasm(name);
        let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert!(
            !bytes.windows(TRACE.len()).any(|w| w == TRACE),
            "{} links Rust's proc_macro: some dependency of the example turns on \
             proc-macro2's `proc-macro` feature (syn's or quote's default features)",
            path.display()
        );
    }
}
