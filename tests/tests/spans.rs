//! The host answers the guest's span queries with real data from the user's source.

use std::path::Path;

use procbox_host::Invocation;
use procbox_tests::{component, tokens};

#[test]
fn span_queries_answer_lines_columns_text_and_files() {
    let misbehave = component("misbehave");
    let expansion = misbehave
        .expand_function("span_probe", &tokens("alpha\n   \"beta\" [x, y]"))
        .expect("expands");
    // Per token: 1-based start line and column, end line and column, and the
    // length of its source text; then the file of the first token and
    // whether it joins with itself.
    assert_eq!(
        expansion.tokens.to_string(),
        "l1c1_l1c6_5 l2c4_l2c10_6 l2c11_l2c17_6 \"<parsed string 1>\" joined"
            .replace("1>", &file_number(&expansion.tokens))
    );
    assert!(expansion.stats.span_queries >= 3 * 6);
    // The identifiers it made carry the spans of the tokens they describe.
    let spans: Vec<_> = expansion
        .tokens
        .into_iter()
        .map(|t| t.span().start())
        .collect();
    assert_eq!((spans[0].line, spans[0].column), (1, 0));
    assert_eq!((spans[1].line, spans[1].column), (2, 3));
    assert_eq!((spans[2].line, spans[2].column), (2, 10));
}

#[test]
fn the_rest_of_the_span_api_answers_from_the_source() {
    let misbehave = component("misbehave");
    let expansion = misbehave
        .expand_function("span_api", &tokens("alpha\n   \"beta\" [x, y]"))
        .expect("expands");
    let mut trees = expansion.tokens.into_iter();
    let Some(proc_macro2::TokenTree::Literal(summary)) = trees.next() else {
        panic!("a summary first");
    };
    let summary: String = syn::parse_str::<syn::LitStr>(&summary.to_string())
        .expect("a string")
        .value();
    // Lines from 1 and columns from 1, as proc_macro counts them. An empty
    // span at a start or end stays there through `start`, `end`,
    // `resolved_at` and `located_at`, and a join with one starts or ends
    // there.
    assert_eq!(
        summary,
        "available=true start=2:4 end=2:10 end.start=2:10 start.end=2:4 \
         start.text=Some(\"\") join=1:1-2:17 \
         join.text=Some(\"alpha\\n   \\\"beta\\\" [x, y]\") \
         resolved=2:4 located=2:11 located_at_end=2:10 resolved_end=2:10 \
         local_file=None \
         end_join=1:6-2:17 text=Some(\"\\n   \\\"beta\\\" [x, y]\") \
         start_join_end=2:4-2:10 text=Some(\"\\\"beta\\\"\") \
         reversed=1:1-2:17"
    );
    // The spans the queries made, on the identifiers (proc_macro2 counts
    // columns from 0).
    let located: Vec<String> = trees
        .map(|tree| {
            let span = tree.span();
            let (start, end) = (span.start(), span.end());
            format!(
                "{tree} {}:{}-{}:{}",
                start.line, start.column, end.line, end.column
            )
        })
        .collect();
    assert_eq!(
        located,
        ["resolved 2:3-2:9", "located 2:10-2:16", "joined 1:0-2:16"]
    );
}

#[test]
fn an_embedder_can_name_the_file_spans_are_in() {
    let misbehave = component("misbehave");
    let input = tokens("x");
    let file_of = |invocation: Invocation<'_>| {
        misbehave
            .expand(&invocation)
            .expect("expands")
            .tokens
            .to_string()
    };
    // Outside rustc, proc_macro2 knows no file...
    let unnamed = file_of(Invocation::function("file_of", &input));
    assert!(unnamed.starts_with("\"<parsed string "), "{unnamed}");
    assert!(unnamed.ends_with("> None\""), "{unnamed}");
    // ...unless the embedder names it.
    let path = Path::new("src/lib.rs");
    let named = file_of(Invocation::function("file_of", &input).in_file(path));
    assert_eq!(named, r#""src/lib.rs Some(\"src/lib.rs\")""#);
}

/// proc_macro2 names each parsed string by a counter; the probe reports it.
fn file_number(tokens: &proc_macro2::TokenStream) -> String {
    let text = tokens.to_string();
    let start = text.find("<parsed string ").expect("file name") + "<parsed string ".len();
    let end = text[start..].find('>').expect("end of file name") + start;
    format!("{}>", &text[start..end])
}
