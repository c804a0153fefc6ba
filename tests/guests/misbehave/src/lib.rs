//! Macros that misbehave, for the host's tests. Each is function-like and
//! named for what it does.

use procbox::{Diagnostic, Ident, Level, Literal, Span, TokenStream, TokenTree};
use quote::quote;

/// Panics with a message naming the input.
#[procbox::proc_macro]
pub fn panics(input: TokenStream) -> TokenStream {
    panic!("misbehave was given `{input}`");
}

/// Prints to stdout, which is not granted.
#[procbox::proc_macro]
pub fn prints(_input: TokenStream) -> TokenStream {
    println!("hello from the sandbox");
    TokenStream::new()
}

/// Reads an environment variable, which is not granted.
#[procbox::proc_macro]
pub fn reads_env(_input: TokenStream) -> TokenStream {
    let home = std::env::var("HOME").unwrap_or_default();
    TokenTree::Literal(Literal::string(&home)).into()
}

/// Never returns.
#[procbox::proc_macro]
pub fn loops(_input: TokenStream) -> TokenStream {
    let mut n: u64 = 0;
    loop {
        n = std::hint::black_box(n.wrapping_add(1));
    }
}

/// Allocates until it cannot.
#[procbox::proc_macro]
pub fn allocates(_input: TokenStream) -> TokenStream {
    let mut blocks: Vec<Vec<u8>> = Vec::new();
    loop {
        blocks.push(vec![1; 1 << 20]);
        std::hint::black_box(&blocks);
    }
}

/// Returns its input unchanged.
#[procbox::proc_macro]
pub fn identity(input: TokenStream) -> TokenStream {
    input
}

/// Returns one identifier per input token, named after its line and column,
/// and the file of the first token: a probe of the span queries.
#[procbox::proc_macro]
pub fn span_probe(input: TokenStream) -> TokenStream {
    let mut out = Vec::new();
    for tree in input.clone() {
        let span = tree.span();
        let start = span.start();
        let end = span.end();
        let text = span.source_text().unwrap_or_default();
        let name = format!(
            "l{}c{}_l{}c{}_{}",
            span.line(),
            span.column(),
            end.line(),
            end.column(),
            text.len()
        );
        let _ = start;
        out.push(TokenTree::Ident(Ident::new(&name, span)));
    }
    if let Some(first) = input.into_iter().next() {
        out.push(TokenTree::Literal(Literal::string(&first.span().file())));
        let joined = first.span().join(first.span()).is_some();
        out.push(TokenTree::Ident(Ident::new(
            if joined { "joined" } else { "not_joined" },
            Span::call_site(),
        )));
    }
    out.into_iter().collect()
}

/// Exercises the rest of the span API on its first three tokens: returns a
/// string describing what each query answered, then identifiers `resolved`,
/// `located` and `joined` carrying the spans those queries made.
#[procbox::proc_macro]
pub fn span_api(input: TokenStream) -> TokenStream {
    let spans: Vec<Span> = input.into_iter().map(|tree| tree.span()).collect();
    let [first, second, third, ..] = spans[..] else {
        panic!("span_api needs three tokens");
    };
    let at = |span: Span| format!("{}:{}", span.line(), span.column());
    let joined = first.join(third).expect("tokens of one file join");
    let resolved = second.resolved_at(Span::mixed_site());
    let located = Span::mixed_site().located_at(third);
    let summary = [
        format!("available={}", procbox::is_available()),
        format!("start={}", at(second.start())),
        format!("end={}", at(second.end())),
        format!("end.start={}", at(second.end().start())),
        format!("start.end={}", at(second.start().end())),
        format!("start.text={:?}", second.start().source_text()),
        format!("join={}-{}", at(joined), at(joined.end())),
        format!("join.text={:?}", joined.source_text()),
        format!("resolved={}", at(resolved)),
        format!("located={}", at(located)),
        format!(
            "located_at_end={}",
            at(Span::call_site().located_at(second.end()))
        ),
        format!(
            "resolved_end={}",
            at(second.end().resolved_at(Span::call_site()))
        ),
        format!("local_file={:?}", first.local_file()),
        // Joins of the empty spans at starts and ends, either way round.
        {
            let partial = first.end().join(third).expect("joins");
            let text = partial.source_text();
            format!(
                "end_join={}-{} text={text:?}",
                at(partial),
                at(partial.end())
            )
        },
        {
            let whole = second.start().join(second.end()).expect("joins");
            let text = whole.source_text();
            format!(
                "start_join_end={}-{} text={text:?}",
                at(whole),
                at(whole.end())
            )
        },
        {
            let reversed = third.join(first.start()).expect("joins");
            format!("reversed={}-{}", at(reversed), at(reversed.end()))
        },
    ]
    .join(" ");
    [
        TokenTree::Literal(Literal::string(&summary)),
        TokenTree::Ident(Ident::new("resolved", resolved)),
        TokenTree::Ident(Ident::new("located", located)),
        TokenTree::Ident(Ident::new("joined", joined)),
    ]
    .into_iter()
    .collect()
}

/// A string literal: the file of its first token's span, and its local file.
#[procbox::proc_macro]
pub fn file_of(input: TokenStream) -> TokenStream {
    let span = input
        .into_iter()
        .next()
        .map_or_else(Span::call_site, |t| t.span());
    let text = format!("{} {:?}", span.file(), span.local_file());
    TokenTree::Literal(Literal::string(&text)).into()
}

/// Emits a warning at the first token and returns nothing.
#[procbox::proc_macro]
pub fn warns(input: TokenStream) -> TokenStream {
    let span = input
        .into_iter()
        .next()
        .map_or_else(Span::call_site, |t| t.span());
    Diagnostic::spanned(span, Level::Warning, "this is a warning").emit();
    TokenStream::new()
}

/// Expands to a `syn`-free compile error at the call site, built with quote.
#[procbox::proc_macro]
pub fn quoted(_input: TokenStream) -> TokenStream {
    quote!(
        const QUOTED: u8 = 1;
    )
    .into()
}

/// Counts its calls in a static, and checks that 20 MiB of newly grown
/// memory is all zero before scribbling over it: returns `calls clean`. In a
/// fresh instance every call is the first and finds its memory clean,
/// whichever instance had those pages before.
#[procbox::proc_macro]
pub fn scribbles(_input: TokenStream) -> TokenStream {
    use std::sync::atomic::{AtomicU32, Ordering};
    static CALLS: AtomicU32 = AtomicU32::new(0);
    let calls = CALLS.fetch_add(1, Ordering::Relaxed) + 1;
    let grown = grow(320);
    let clean = grown.iter().all(|&b| b == 0);
    grown.fill(0xA5);
    format!("{calls} {clean}").parse().expect("two tokens")
}

/// `pages` wasm pages newly added to the linear memory.
#[cfg(target_arch = "wasm32")]
fn grow(pages: usize) -> &'static mut [u8] {
    const PAGE: usize = 64 * 1024;
    let first = core::arch::wasm32::memory_grow(0, pages);
    assert_ne!(first, usize::MAX, "cannot grow memory by {pages} pages");
    // SAFETY: the pages were just added to the memory, and nothing else
    // knows of them.
    unsafe { std::slice::from_raw_parts_mut((first * PAGE) as *mut u8, pages * PAGE) }
}

/// Natively (the workspace's `cargo clippy`), a leaked block stands in.
#[cfg(not(target_arch = "wasm32"))]
fn grow(pages: usize) -> &'static mut [u8] {
    vec![0; pages * 64 * 1024].leak()
}

/// Returns its identifiers in `HashMap` order. It declares nothing: std's
/// `RandomState` asks the ambient `wasi:random/insecure-seed`, which every
/// host answers with the same fixed seed.
#[procbox::proc_macro]
pub fn hash_order(input: TokenStream) -> TokenStream {
    let map: std::collections::HashMap<String, TokenTree> = input
        .into_iter()
        .map(|tree| (tree.to_string(), tree))
        .collect();
    map.into_values().collect()
}
