//! `procbox::parse_macro_input!` parses with the macro crate's own `syn`:
//! the `syn-three` guest is built on syn 3 (the others on syn 2), and both
//! forms of the macro work there, errors included.

use procbox_tests::{component, tokens};

#[test]
fn parse_macro_input_works_with_syn_3() {
    let guest = component("syn_three");
    let derived = guest
        .expand_derive("TypeName", &tokens("struct Point { x: i32 }"))
        .expect("expands");
    assert_eq!(
        derived.tokens.to_string(),
        "impl Point { pub fn type_name () -> & 'static str { \"Point\" } }"
    );
    let counted = guest
        .expand_function("count_idents", &tokens("a, b, c"))
        .expect("expands");
    assert_eq!(counted.tokens.to_string(), "3usize");
}

#[test]
fn a_syn_3_parse_error_is_the_macro_output() {
    let guest = component("syn_three");
    let failed = guest
        .expand_function("count_idents", &tokens("a, 1"))
        .expect("expands");
    let [error] = &failed.diagnostics[..] else {
        panic!("{:?}", failed.diagnostics);
    };
    assert_eq!(error.message, "expected identifier");
    // At the offending token, as syn reports it natively.
    assert_eq!(error.span().start().column, 3);
}
