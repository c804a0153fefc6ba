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

/// `stream` rebuilt tree by tree with this crate's constructors, so it holds
/// this crate's token trees all the way down (a lexed stream is held as
/// `proc_macro2` tokens, whose `Display` is `proc_macro2`'s own).
fn rebuilt(stream: TokenStream) -> TokenStream {
    stream
        .into_iter()
        .map(|tree| match tree {
            TokenTree::Group(g) => {
                let mut group = Group::new(g.delimiter(), rebuilt(g.stream()));
                group.set_span(g.span());
                TokenTree::Group(group)
            }
            TokenTree::Ident(i) => {
                let name = i.to_string();
                TokenTree::Ident(match name.strip_prefix("r#") {
                    Some(raw) => Ident::new_raw(raw, i.span()),
                    None => Ident::new(&name, i.span()),
                })
            }
            TokenTree::Punct(p) => TokenTree::Punct(Punct::new(p.as_char(), p.spacing())),
            TokenTree::Literal(l) => {
                TokenTree::Literal(Literal::from_str(&l.to_string()).expect("relexes"))
            }
        })
        .collect()
}

#[test]
fn display_of_streams_matches_proc_macro2() {
    for src in SOURCES {
        let ours = rebuilt(TokenStream::from_str(src).expect("lexes"));
        assert!(matches!(ours.repr, crate::tree::Repr::Trees(_)));
        let theirs = pm2::TokenStream::from_str(src).expect("lexes");
        assert_eq!(ours.to_string(), theirs.to_string(), "for {src:?}");
    }
}

/// More text to lex, beyond [`SOURCES`]: the corners of the lexer.
const LEXED: &[&str] = &[
    "",
    "  // only a comment\n /* and /* nested */ a block */ ",
    "a//comment\n+/*c*/-",
    "/** block doc */ fn f() {} /*! inner block */",
    "//! inner doc\n#![x]",
    "//// not a doc comment\n/*** nor this */",
    "&'a mut T 'static 'r#try",
    "x.0.1 1.0 1. 1.e3 1e-3f32 0b1010_u8 0o7 1_000i64 -1 - 1",
    "'\\'' '\\u{1F600}' \"\\\"esc\\n\" b'\\x7f' r##\"a\"#b\"## cr\"c\"",
    "a::<b>() => |x| x ..= y ... z <<= 2 != 3 && !q || r ^= s",
    "#[derive(Debug)] pub(crate) struct S<T: ?Sized>(T);",
    "\u{e9}t\u{e9} _x r#async",
];

/// The tokens of a stream, one per line, with their kinds and spacing.
fn shape(stream: TokenStream) -> String {
    let mut out = String::new();
    for tree in stream {
        match tree {
            TokenTree::Group(g) => {
                out.push_str(&format!(
                    "group {:?} {{\n{}}}\n",
                    g.delimiter(),
                    shape(g.stream())
                ));
            }
            TokenTree::Ident(i) => out.push_str(&format!("ident {i}\n")),
            TokenTree::Punct(p) => {
                out.push_str(&format!("punct {} {:?}\n", p.as_char(), p.spacing()))
            }
            TokenTree::Literal(l) => out.push_str(&format!("literal {l}\n")),
        }
    }
    out
}

/// [`shape`] of a `proc_macro2` stream.
fn shape_pm2(stream: pm2::TokenStream) -> String {
    let mut out = String::new();
    for tree in stream {
        match tree {
            pm2::TokenTree::Group(g) => {
                let delimiter: Delimiter = g.delimiter().into();
                out.push_str(&format!(
                    "group {delimiter:?} {{\n{}}}\n",
                    shape_pm2(g.stream())
                ));
            }
            pm2::TokenTree::Ident(i) => out.push_str(&format!("ident {i}\n")),
            pm2::TokenTree::Punct(p) => {
                let spacing: Spacing = p.spacing().into();
                out.push_str(&format!("punct {} {spacing:?}\n", p.as_char()));
            }
            pm2::TokenTree::Literal(l) => out.push_str(&format!("literal {l}\n")),
        }
    }
    out
}

#[test]
fn lexing_matches_proc_macro2() {
    for src in SOURCES.iter().chain(LEXED) {
        let ours = TokenStream::from_str(src).expect("lexes");
        let theirs = pm2::TokenStream::from_str(src).expect("proc_macro2 lexes");
        assert_eq!(ours.to_string(), theirs.to_string(), "for {src:?}");
        assert_eq!(shape(ours), shape_pm2(theirs), "for {src:?}");
    }
}

#[test]
fn text_that_is_not_tokens_is_refused_as_proc_macro2_refuses_it() {
    let bad = [
        "(",
        ")",
        "(]",
        "{ [ }",
        "\"open",
        "b'x",
        "/* open",
        "0x",
        "r#self",
        "r#_",
        "'1a",
        "\u{7f}",
        "a \\ b",
        "/// bare\r carriage return",
    ];
    for src in bad {
        assert!(
            pm2::TokenStream::from_str(src).is_err(),
            "proc_macro2 lexes {src:?}"
        );
        let err = TokenStream::from_str(src).expect_err(src);
        assert_eq!(err.to_string(), "cannot parse string into token stream");
        assert!(format!("{err:?}").contains("the text has"), "{err:?}");
    }
}

#[test]
fn streams_extend_with_each_kind_of_tree() {
    let mut stream = TokenStream::new();
    stream.extend([Ident::new("f", Span::call_site())]);
    stream.extend([Group::new(Delimiter::Parenthesis, TokenStream::new())]);
    stream.extend([Punct::new(';', Spacing::Alone)]);
    stream.extend([Literal::u8_suffixed(1), Literal::string("s")]);
    assert_eq!(stream.to_string(), "f () ; 1u8 \"s\"");
}

#[test]
fn debug_names_fields_as_proc_macro_does() {
    let punct = format!("{:?}", Punct::new('+', Spacing::Joint));
    assert_eq!(punct, "Punct { ch: '+', spacing: Joint, span: #0 }");
    let ident = format!("{:?}", Ident::new_raw("type", Span::call_site()));
    assert_eq!(ident, "Ident { ident: \"r#type\", span: #0 }");
}

/// `Debug` shows what rustc's lexer makes of a literal: kind, symbol, suffix.
#[test]
fn debug_of_literals_shows_kind_symbol_and_suffix() {
    let cases = [
        ("7u8", "Integer", r#""7""#, r#"Some("u8")"#),
        ("-3", "Integer", r#""-3""#, "None"),
        ("0xffu8", "Integer", r#""0xff""#, r#"Some("u8")"#),
        ("0x1f32", "Integer", r#""0x1f32""#, "None"),
        ("0b1_0i64", "Integer", r#""0b1_0""#, r#"Some("i64")"#),
        ("1_000usize", "Integer", r#""1_000""#, r#"Some("usize")"#),
        ("1f32", "Integer", r#""1""#, r#"Some("f32")"#),
        ("1.", "Float", r#""1.""#, "None"),
        ("-1.5e-3f64", "Float", r#""-1.5e-3""#, r#"Some("f64")"#),
        ("2E+3", "Float", r#""2E+3""#, "None"),
        (r#""s""#, "Str", r#""s""#, "None"),
        (r#""a\"b"x"#, "Str", r#""a\\\"b""#, r#"Some("x")"#),
        (r##"r#"q"q"#"##, "StrRaw(1)", r#""q\"q""#, "None"),
        ("'\\''", "Char", r#""\\'""#, "None"),
        ("b'a'", "Byte", r#""a""#, "None"),
        (r#"b"\xff""#, "ByteStr", r#""\\xff""#, "None"),
        (r#"br"x""#, "ByteStrRaw(0)", r#""x""#, "None"),
        (r#"c"c""#, "CStr", r#""c""#, "None"),
        (r###"cr##"c"##"###, "CStrRaw(2)", r#""c""#, "None"),
    ];
    for (text, kind, symbol, suffix) in cases {
        let literal = Literal::from_str(text).expect("a literal");
        assert_eq!(
            format!("{literal:?}"),
            format!("Literal {{ kind: {kind}, symbol: {symbol}, suffix: {suffix}, span: #0 }}"),
            "for {text}"
        );
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

/// What `proc_macro`'s constructors make (rustc's `library/proc_macro`:
/// integers print with `to_string` and the type as suffix; unsuffixed floats
/// get `.0` when they have no point, suffixed ones do not; strings and
/// characters escape quotes of their own kind, control characters and `\\`,
/// and keep other Unicode; byte literals escape everything outside printable
/// ASCII as `\xNN`, but NUL as `\0`).
#[test]
fn literal_constructors_print_as_proc_macro_does() {
    let cases: Vec<(Literal, &str)> = vec![
        (Literal::u8_suffixed(7), "7u8"),
        (
            Literal::u128_unsuffixed(u128::MAX),
            "340282366920938463463374607431768211455",
        ),
        (Literal::i64_suffixed(-3), "-3i64"),
        (Literal::isize_unsuffixed(-1), "-1"),
        (Literal::usize_suffixed(0), "0usize"),
        (Literal::f32_unsuffixed(1.0), "1.0"),
        (Literal::f32_suffixed(2.0), "2f32"),
        (Literal::f64_unsuffixed(1e20), "100000000000000000000.0"),
        (Literal::f64_suffixed(0.1), "0.1f64"),
        (
            Literal::string("tab\t\"quote\" 'apostrophe' \u{1F600} \\ \0"),
            "\"tab\\t\\\"quote\\\" 'apostrophe' \u{1F600} \\\\ \\0\"",
        ),
        (Literal::string("\u{7f}"), r#""\u{7f}""#),
        (Literal::character('\''), r"'\''"),
        (Literal::character('"'), r#"'"'"#),
        (Literal::character('é'), "'é'"),
        (Literal::byte_character(0), r"b'\0'"),
        (Literal::byte_character(0xff), r"b'\xff'"),
        (Literal::byte_character(b'\n'), r"b'\n'"),
        (Literal::byte_character(b'a'), "b'a'"),
        (Literal::byte_string(b"\x00\xffok\"'"), r#"b"\0\xffok\"'""#),
        (Literal::c_string(c"nul-free \"é\""), r#"c"nul-free \"é\"""#),
        // NUL is `\0` even before a digit (proc_macro2 writes `\x00` there).
        (Literal::string("\0\x31"), r#""\01""#),
        (Literal::byte_string(b"\x001"), r#"b"\01""#),
        (Literal::c_string(c"\xff"), r#"c"\xff""#),
    ];
    for (literal, expected) in cases {
        assert_eq!(literal.to_string(), expected);
        assert_eq!(literal.span().0, CALL_SITE);
    }
}

#[test]
#[should_panic(expected = "Invalid float literal inf")]
fn f32_literal_rejects_infinity() {
    Literal::f32_unsuffixed(f32::INFINITY);
}

#[test]
#[should_panic(expected = "Invalid float literal NaN")]
fn f64_literal_rejects_nan() {
    Literal::f64_suffixed(f64::NAN);
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
fn idents_print_and_validate_like_proc_macro() {
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
#[should_panic(expected = "`\"a b\"` is not a valid identifier")]
fn ident_with_a_space_panics() {
    Ident::new("a b", Span::call_site());
}

#[test]
#[should_panic(expected = "`\"\"` is not a valid identifier")]
fn empty_ident_panics() {
    Ident::new("", Span::call_site());
}

#[test]
#[should_panic(expected = "`self` cannot be a raw identifier")]
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
