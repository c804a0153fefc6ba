//! Property tests of the token round trip: any token stream sent to a macro
//! that returns its input comes back unchanged, text and spans, through both
//! directions of the wire format (host flattening, guest SDK, proc_macro2
//! bridge, guest flattening, host validation).

use proc_macro2::{Delimiter, Group, Ident, Literal, Punct, Spacing, Span, TokenStream, TokenTree};
use std::sync::OnceLock;

use procbox_host::{Invocation, MacroComponent};
use procbox_tests::component;
use proptest::prelude::*;

fn ident() -> impl Strategy<Value = TokenTree> {
    prop_oneof![
        "[a-z_][a-z0-9_]{0,8}"
            .prop_filter("not a keyword or `_`", |s| {
                syn::parse_str::<syn::Ident>(s).is_ok()
            })
            .prop_map(|s| TokenTree::Ident(Ident::new(&s, Span::call_site()))),
        "[a-z][a-z0-9_]{0,8}"
            .prop_filter("can be raw", |s| {
                !matches!(s.as_str(), "self" | "super" | "crate" | "_")
            })
            .prop_map(|s| TokenTree::Ident(Ident::new_raw(&s, Span::call_site()))),
        "[αβγ][a-zé]{0,4}".prop_map(|s| TokenTree::Ident(Ident::new(&s, Span::call_site()))),
    ]
}

fn punct() -> impl Strategy<Value = TokenTree> {
    (
        prop::sample::select("=<>!~+-*/%^&|@.,;:#$?'".chars().collect::<Vec<char>>()),
        any::<bool>(),
    )
        .prop_map(|(ch, joint)| {
            let spacing = if joint {
                Spacing::Joint
            } else {
                Spacing::Alone
            };
            TokenTree::Punct(Punct::new(ch, spacing))
        })
}

fn literal() -> impl Strategy<Value = TokenTree> {
    prop_oneof![
        any::<u64>().prop_map(Literal::u64_suffixed),
        any::<i32>().prop_map(Literal::i32_unsuffixed),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(Literal::f64_unsuffixed),
        any::<String>().prop_map(|s| Literal::string(&s)),
        any::<char>().prop_map(Literal::character),
        prop::collection::vec(any::<u8>(), 0..16).prop_map(|b| Literal::byte_string(&b)),
    ]
    .prop_map(TokenTree::Literal)
}

fn tree() -> impl Strategy<Value = TokenTree> {
    let leaf = prop_oneof![ident(), punct(), literal()];
    leaf.prop_recursive(4, 64, 8, |inner| {
        (
            prop::sample::select(vec![
                Delimiter::Parenthesis,
                Delimiter::Brace,
                Delimiter::Bracket,
                Delimiter::None,
            ]),
            prop::collection::vec(inner, 0..8),
        )
            .prop_map(|(delimiter, trees)| {
                TokenTree::Group(Group::new(delimiter, trees.into_iter().collect()))
            })
    })
}

fn stream() -> impl Strategy<Value = TokenStream> {
    prop::collection::vec(tree(), 0..24).prop_map(|trees| trees.into_iter().collect())
}

/// The stream with located spans: printed and parsed back, so every token
/// has a line and column to compare.
fn located(stream: &TokenStream) -> Option<TokenStream> {
    stream.to_string().parse().ok()
}

/// Every token's kind, text and start position, depth first.
fn shape(stream: &TokenStream, out: &mut Vec<String>) {
    for tree in stream.clone() {
        let start = tree.span().start();
        let at = format!("@{}:{}", start.line, start.column);
        match tree {
            TokenTree::Group(group) => {
                out.push(format!("group {:?} {at}", group.delimiter()));
                shape(&group.stream(), out);
                out.push("end".to_owned());
            }
            TokenTree::Ident(ident) => out.push(format!("ident {ident} {at}")),
            TokenTree::Punct(punct) => {
                out.push(format!(
                    "punct {} {:?} {at}",
                    punct.as_char(),
                    punct.spacing()
                ));
            }
            TokenTree::Literal(literal) => out.push(format!("literal {literal} {at}")),
        }
    }
}

/// `misbehave`'s `identity` macro, loaded once for all cases.
fn identity() -> &'static MacroComponent {
    static IDENTITY: OnceLock<MacroComponent> = OnceLock::new();
    IDENTITY.get_or_init(|| component("misbehave"))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn any_stream_round_trips_through_a_guest(input in stream()) {
        // `None`-delimited groups and lone `'` do not survive printing and
        // parsing; they are checked without positions.
        let identity = identity();
        let out = identity.expand_function("identity", &input).expect("expands");
        prop_assert_eq!(out.tokens.to_string(), input.to_string());

        if let Some(located) = located(&input) {
            let mut instance = identity.instantiate().expect("instance");
            let out = instance
                .expand(&Invocation::function("identity", &located))
                .expect("expands");
            let (mut want, mut got) = (Vec::new(), Vec::new());
            shape(&located, &mut want);
            shape(&out.tokens, &mut got);
            prop_assert_eq!(got, want);
        }
    }
}
