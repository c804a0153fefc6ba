//! The host answers the guest's span queries with real data from the user's source.

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

/// proc_macro2 names each parsed string by a counter; the probe reports it.
fn file_number(tokens: &proc_macro2::TokenStream) -> String {
    let text = tokens.to_string();
    let start = text.find("<parsed string ").expect("file name") + "<parsed string ".len();
    let end = text[start..].find('>').expect("end of file name") + start;
    format!("{}>", &text[start..end])
}
