//! `procbox`'s mirror of `proc_macro` behaves as proc_macro2 does.

use std::str::FromStr;

use proc_macro2 as pm2;

use crate::span::CALL_SITE;
use crate::{Delimiter, Group, Ident, Literal, Punct, Spacing, Span, TokenStream, TokenTree};

/// Sources whose tokens print the same through both.
const SOURCES: &[&str] = &[
    "a + b",
    "x += 1 ; y >>= 2 ; z ..= w",
    "fn f < 'a > (x : & 'a str) -> impl Fn () + 'a { move | | x }",
    "r#type r#match self Self crate _",
    "\"str\" b\"bytes\" 'c' b'c' 1u8 2.5e3 0xff_u32 r#\"raw\"# c\"cstr\" br\"raw bytes\"",
    "[a, (b), {c}, [[]], ()]",
    "/// doc comment\nstruct S;",
    "# ! [attr] # [outer (x = 1)]",
    "$ crate :: m ! { @ ~ ? }",
];

#[test]
fn display_of_streams_matches_proc_macro2() {
    for src in SOURCES {
        let ours = TokenStream::from_str(src).expect("lexes");
        let theirs = pm2::TokenStream::from_str(src).expect("lexes");
        assert_eq!(ours.to_string(), theirs.to_string(), "for {src:?}");
    }
}

#[test]
fn display_of_none_delimited_groups_matches_proc_macro2() {
    let inner = TokenStream::from_str("1 + 2").expect("lexes");
    let ours = Group::new(Delimiter::None, inner);
    let theirs = pm2::Group::new(
        pm2::Delimiter::None,
        pm2::TokenStream::from_str("1 + 2").expect("lexes"),
    );
    assert_eq!(ours.to_string(), theirs.to_string());
    let stream: TokenStream = [
        TokenTree::from(ours),
        Punct::new('*', Spacing::Alone).into(),
    ]
    .into_iter()
    .collect();
    assert_eq!(stream.to_string(), format!("{} *", theirs));
}

#[test]
fn literal_constructors_match_proc_macro2() {
    let pairs: Vec<(Literal, pm2::Literal)> = vec![
        (Literal::u8_suffixed(7), pm2::Literal::u8_suffixed(7)),
        (
            Literal::u128_unsuffixed(u128::MAX),
            pm2::Literal::u128_unsuffixed(u128::MAX),
        ),
        (Literal::i64_suffixed(-3), pm2::Literal::i64_suffixed(-3)),
        (
            Literal::isize_unsuffixed(-1),
            pm2::Literal::isize_unsuffixed(-1),
        ),
        (
            Literal::f32_unsuffixed(1.0),
            pm2::Literal::f32_unsuffixed(1.0),
        ),
        (Literal::f64_suffixed(0.1), pm2::Literal::f64_suffixed(0.1)),
        (
            Literal::string("tab\t\"quote\" \u{1F600} \\"),
            pm2::Literal::string("tab\t\"quote\" \u{1F600} \\"),
        ),
        (Literal::character('\''), pm2::Literal::character('\'')),
        (Literal::byte_character(0), pm2::Literal::byte_character(0)),
        (
            Literal::byte_string(b"\x00\xffok"),
            pm2::Literal::byte_string(b"\x00\xffok"),
        ),
        (
            Literal::c_string(c"nul-free"),
            pm2::Literal::c_string(c"nul-free"),
        ),
    ];
    for (ours, theirs) in pairs {
        assert_eq!(ours.to_string(), theirs.to_string());
        assert_eq!(ours.span().0, CALL_SITE);
    }
}

#[test]
#[should_panic]
fn f32_literal_rejects_infinity() {
    Literal::f32_unsuffixed(f32::INFINITY);
}

#[test]
fn literal_from_str_accepts_one_literal_only() {
    assert_eq!(
        Literal::from_str("-1.5")
            .expect("negative number")
            .to_string(),
        "-1.5"
    );
    assert_eq!(
        Literal::from_str("\"s\"").expect("string").to_string(),
        "\"s\""
    );
    for bad in ["1 2", "x", "\"unterminated", "", "- 1", "// comment"] {
        assert!(
            Literal::from_str(bad).is_err(),
            "{bad:?} should not be a literal"
        );
    }
}

#[test]
fn idents_print_and_validate_like_proc_macro2() {
    assert_eq!(Ident::new("name", Span::call_site()).to_string(), "name");
    assert_eq!(
        Ident::new_raw("type", Span::call_site()).to_string(),
        "r#type"
    );
    assert_eq!(
        Ident::new("fn", Span::call_site()).to_string(),
        "fn",
        "keywords are identifiers"
    );
    assert_eq!(Ident::new("_", Span::call_site()).to_string(), "_");
    assert_eq!(
        Ident::new("ünïcödé", Span::call_site()).to_string(),
        "ünïcödé"
    );
}

#[test]
#[should_panic(expected = "not a valid Ident")]
fn ident_with_a_space_panics() {
    Ident::new("a b", Span::call_site());
}

#[test]
#[should_panic]
fn empty_ident_panics() {
    Ident::new("", Span::call_site());
}

#[test]
#[should_panic(expected = "cannot be a raw identifier")]
fn raw_self_panics() {
    Ident::new_raw("self", Span::call_site());
}

#[test]
#[should_panic(expected = "unsupported character")]
fn punct_with_a_letter_panics() {
    Punct::new('a', Spacing::Alone);
}

#[test]
fn punct_spacing_matches_proc_macro2() {
    let ours: Vec<_> = TokenStream::from_str("+= - >>")
        .expect("lexes")
        .into_iter()
        .map(|t| match t {
            TokenTree::Punct(p) => (p.as_char(), p.spacing() == Spacing::Joint),
            other => panic!("not a punct: {other}"),
        })
        .collect();
    let theirs: Vec<_> = pm2::TokenStream::from_str("+= - >>")
        .expect("lexes")
        .into_iter()
        .map(|t| match t {
            pm2::TokenTree::Punct(p) => (p.as_char(), p.spacing() == pm2::Spacing::Joint),
            other => panic!("not a punct: {other}"),
        })
        .collect();
    assert_eq!(ours, theirs);
    assert!(Punct::new('=', Spacing::Alone) == '=');
    assert!('=' == Punct::new('=', Spacing::Alone));
}

#[test]
fn group_spans_follow_proc_macro() {
    let mut group = Group::new(Delimiter::Brace, TokenStream::new());
    assert_eq!(
        (group.span().0, group.span_open().0, group.span_close().0),
        (CALL_SITE, CALL_SITE, CALL_SITE)
    );
    group.set_span(Span(7));
    // Setting a group's span sets its delimiters' spans too.
    assert_eq!(
        (group.span().0, group.span_open().0, group.span_close().0),
        (7, 7, 7)
    );
    assert_eq!(group.delimiter(), Delimiter::Brace);
    assert_eq!(
        group.to_string(),
        pm2::Group::new(pm2::Delimiter::Brace, pm2::TokenStream::new()).to_string()
    );
}

#[test]
fn token_stream_collections_behave() {
    let mut stream = TokenStream::new();
    assert!(stream.is_empty());
    assert!(TokenStream::default().is_empty());
    stream.extend([TokenTree::from(Ident::new("a", Span::call_site()))]);
    let copy = stream.clone();
    stream.extend([TokenStream::from_str("b c").expect("lexes")]);
    assert_eq!(copy.to_string(), "a", "clones do not share later changes");
    assert_eq!(stream.to_string(), "a b c");
    let joined: TokenStream = [copy.clone(), copy].into_iter().collect();
    assert_eq!(joined.to_string(), "a a");
    assert_eq!(stream.into_iter().count(), 3);
    assert!(TokenStream::from_str("\"unterminated").is_err());
    assert!(TokenStream::from_str("(").is_err());
}

#[test]
fn parsed_tokens_have_call_site_spans() {
    for tree in TokenStream::from_str("a (b) 1").expect("lexes") {
        assert_eq!(tree.span().0, CALL_SITE);
    }
}
