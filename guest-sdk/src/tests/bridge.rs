//! Conversions to and from proc_macro2 keep every span handle, through syn
//! and quote.

use std::str::FromStr;

use proc_macro2 as pm2;
use quote::{quote, quote_spanned};

use crate::span::CALL_SITE;
use crate::{Delimiter, Group, Ident, Literal, Punct, Spacing, Span, TokenStream, TokenTree};
use crate::{bridge, wire};

/// Gives every token (and each part of every group) its own handle, from 100.
fn with_distinct_spans(stream: TokenStream, next: &mut u32) -> TokenStream {
    stream
        .into_iter()
        .map(|tree| {
            *next += 3;
            let span = Span(*next);
            match tree {
                TokenTree::Group(g) => TokenTree::Group(Group {
                    delimiter: g.delimiter,
                    span,
                    span_open: Span(*next + 1),
                    span_close: Span(*next + 2),
                    stream: with_distinct_spans(g.stream, next),
                }),
                mut other => {
                    other.set_span(span);
                    other
                }
            }
        })
        .collect()
}

/// Every handle in a stream, depth-first, groups as (whole, open, close).
fn handles(stream: &TokenStream) -> Vec<u32> {
    let mut out = Vec::new();
    for tree in stream.clone() {
        match tree {
            TokenTree::Group(g) => {
                out.extend([g.span.0, g.span_open.0, g.span_close.0]);
                out.extend(handles(&g.stream));
            }
            other => out.push(other.span().0),
        }
    }
    out
}

fn spanned(src: &str) -> TokenStream {
    bridge::reset();
    let mut next = 100;
    with_distinct_spans(TokenStream::from_str(src).expect("lexes"), &mut next)
}

#[test]
fn round_trip_keeps_every_span_and_token() {
    let original = spanned(
        "struct S<'a> { r#type: &'a [u8; 4], x: -1 } \"s\" c\"c\" -2.5f32 1u8 += () r#\"a b\"# b'x' '\\''",
    );
    let converted = pm2::TokenStream::from(original.clone());
    assert_eq!(converted.to_string(), original.to_string());
    let back = TokenStream::from(converted);
    assert_eq!(back.to_string(), original.to_string());
    assert_eq!(handles(&back), handles(&original));
}

#[test]
fn spacing_raw_idents_and_none_groups_survive() {
    bridge::reset();
    let mut negative = Literal::i32_suffixed(-7);
    negative.set_span(Span(42));
    let inner: TokenStream = [
        TokenTree::from(Punct::new('-', Spacing::Joint)),
        Punct::new('>', Spacing::Alone).into(),
        Ident::new_raw("async", Span(40)).into(),
        negative.into(),
    ]
    .into_iter()
    .collect();
    let mut group = Group::new(Delimiter::None, inner);
    group.set_span(Span(41));
    let original = TokenStream::from(TokenTree::Group(group));
    let back = TokenStream::from(pm2::TokenStream::from(original.clone()));
    // As in rustc, a negative literal in a stream is `-` and the number, both
    // with the literal's span.
    assert_eq!(
        format!("{back:?}"),
        "TokenStream [Group { delimiter: None, stream: TokenStream [\
         Punct { ch: '-', spacing: Joint, span: #0 }, \
         Punct { ch: '>', spacing: Alone, span: #0 }, \
         Ident { ident: \"r#async\", span: #40 }, \
         Punct { ch: '-', spacing: Alone, span: #42 }, \
         Literal { kind: Integer, symbol: \"7\", suffix: Some(\"i32\"), span: #42 }], span: #41 }]"
    );
}

#[test]
fn syn_errors_keep_the_spans_of_the_offending_tokens() {
    let input = spanned("struct Config { name: String, port: Vec<u16> }");
    let ast: syn::DeriveInput = syn::parse2(input.clone().into()).expect("parses");
    let syn::Data::Struct(data) = &ast.data else {
        panic!("a struct")
    };
    let port = data.fields.iter().nth(1).expect("two fields");
    let error = syn::Error::new_spanned(&port.ty, "unsupported type").into_compile_error();
    let back: Vec<TokenTree> = TokenStream::from(error).into_iter().collect();

    // Handles depth-first: struct Config {..}x3 name : String , port : Vec < u16 >
    let input_handles = handles(&input);
    let (vec_handle, gt_handle) = (input_handles[11], input_handles[14]);
    // syn: the path of `::core::compile_error!` gets the start span, the
    // braces and message the end span.
    assert!(
        back[..7].iter().all(|t| t.span().0 == vec_handle),
        "{back:?}"
    );
    let TokenTree::Group(message) = &back[7] else {
        panic!("the message group")
    };
    assert_eq!(message.span().0, gt_handle);
}

#[test]
fn quote_keeps_interpolated_spans_and_gives_the_rest_the_call_site() {
    let input = spanned("field");
    let ident: syn::Ident = syn::parse2(input.clone().into()).expect("an ident");
    let span = ident.span();
    let out = TokenStream::from(quote!(let #ident = 1;));
    let spans: Vec<u32> = out.into_iter().map(|t| t.span().0).collect();
    assert_eq!(
        spans,
        [
            CALL_SITE,
            handles(&input)[0],
            CALL_SITE,
            CALL_SITE,
            CALL_SITE
        ]
    );
    let out = TokenStream::from(quote_spanned!(span=> x));
    assert_eq!(handles(&out), handles(&input));
}

#[test]
fn single_spans_convert_both_ways() {
    bridge::reset();
    let span = pm2::Span::from(Span(77));
    assert_eq!(Span::from(span).0, 77);
    assert_eq!(Span::from(pm2::Span::call_site()).0, CALL_SITE);
    // A span from text the macro parsed itself is not from the input.
    let parsed = pm2::TokenStream::from_str("z")
        .expect("lexes")
        .into_iter()
        .next()
        .expect("a token");
    assert_eq!(Span::from(parsed.span()).0, CALL_SITE);
}

#[test]
fn reset_starts_afresh() {
    let first = pm2::TokenStream::from(spanned("a b"));
    let second_input = spanned("c d e");
    let second = TokenStream::from(pm2::TokenStream::from(second_input.clone()));
    assert_eq!(handles(&second), handles(&second_input));
    drop(first);
}

/// The stream as the host would receive it, decoded back into token trees.
fn through_the_wire(stream: TokenStream) -> TokenStream {
    TokenStream::from_trees(wire::decode(&crate::stream::encode(stream)))
}

#[test]
fn the_input_goes_from_the_wire_to_proc_macro2_and_back_with_its_handles() {
    let original = spanned("#[derive(X)] struct S<T> { a: Vec<T>, b: [u8; 2], c: \"s\" }");
    let input = TokenStream::from_wire(crate::stream::encode(original.clone()));
    // Returned unchanged, it goes back as it came.
    let unchanged = through_the_wire(input.clone());
    assert_eq!(unchanged.to_string(), original.to_string());
    assert_eq!(handles(&unchanged), handles(&original));
    // Through proc_macro2 (what `parse_macro_input!` does), and back.
    let converted = pm2::TokenStream::from(input);
    assert_eq!(converted.to_string(), original.to_string());
    let back = through_the_wire(TokenStream::from(converted));
    assert_eq!(back.to_string(), original.to_string());
    assert_eq!(handles(&back), handles(&original));
}

#[test]
fn streams_of_every_representation_flatten_together_in_order() {
    let input = spanned("name 1u8");
    let ident: syn::Ident = syn::parse2(
        input
            .clone()
            .into_iter()
            .take(1)
            .collect::<TokenStream>()
            .into(),
    )
    .expect("an ident");
    let from_quote = TokenStream::from(quote!(let #ident = 2;));
    let from_wire = TokenStream::from_wire(crate::stream::encode(input.clone()));
    let mut group = Group::new(Delimiter::Brace, from_quote);
    group.set_span(Span(7));
    let mixed: TokenStream = [
        TokenTree::from(group),
        Group::new(Delimiter::Bracket, from_wire).into(),
        Ident::new("tail", Span(8)).into(),
    ]
    .into_iter()
    .collect();
    let expected = "{ let name = 2 ; } [name 1u8] tail";
    assert_eq!(mixed.to_string(), expected);
    let back = through_the_wire(mixed);
    assert_eq!(back.to_string(), expected);
    let name = handles(&input)[0];
    let one = handles(&input)[1];
    assert_eq!(
        handles(&back),
        [7, 7, 7, CALL_SITE, name, CALL_SITE, CALL_SITE, CALL_SITE]
            .into_iter()
            .chain([CALL_SITE, CALL_SITE, CALL_SITE, name, one, 8])
            .collect::<Vec<u32>>()
    );
}

#[test]
fn the_span_pool_grows_within_an_expansion() {
    let small = spanned("a");
    let first = pm2::TokenStream::from(small.clone());
    // Each conversion needs more slots than the pool has so far.
    let mut next = 1000;
    let mut conversions = Vec::new();
    for tokens in [40, 100, 400] {
        let src = vec!["x"; tokens].join(" ");
        let stream = with_distinct_spans(TokenStream::from_str(&src).expect("lexes"), &mut next);
        conversions.push((handles(&stream), pm2::TokenStream::from(stream)));
    }
    for (expected, converted) in conversions {
        assert_eq!(handles(&TokenStream::from(converted)), expected);
    }
    assert_eq!(handles(&TokenStream::from(first)), handles(&small));
}

#[test]
fn the_span_pool_serves_many_expansions() {
    // Past the point where the source map is cleared, twice.
    for expansion in 0..150 {
        let src = format!("f{expansion}({expansion}, \"s\") + {{ x }}");
        let original = spanned(&src);
        let back = TokenStream::from(pm2::TokenStream::from(original.clone()));
        assert_eq!(back.to_string(), original.to_string());
        assert_eq!(handles(&back), handles(&original));
    }
    // Each expansion lexed two texts (the source and its literals), 300 in
    // all; the source map was cleared on the way, so it holds far fewer.
    let probe = pm2::TokenStream::from_str("probe").expect("lexes");
    let file = probe.into_iter().next().expect("a token").span().file();
    let index: usize = file
        .trim_start_matches("<parsed string ")
        .trim_end_matches('>')
        .parse()
        .expect("proc_macro2 names lexed text `<parsed string N>`");
    assert!(index < 150, "the source map holds {index} texts");
}

/// `$crate`, as rustc passes it from a `macro_rules!` macro (async-stream's
/// `stream!` hands it to its proc macro): one identifier, which
/// `proc_macro2` cannot hold.
fn with_dollar_crate() -> TokenStream {
    let dollar_crate = TokenTree::Ident(Ident {
        name: "$crate".into(),
        is_raw: false,
        span: Span(77),
    });
    let mut rest = spanned(":: f ()").into_iter().collect::<Vec<_>>();
    rest.insert(0, dollar_crate);
    rest.into_iter().collect()
}

#[test]
fn dollar_crate_goes_through_proc_macro2_and_comes_back() {
    for input in [
        with_dollar_crate(),
        TokenStream::from_wire(crate::stream::encode(with_dollar_crate())),
    ] {
        let converted = pm2::TokenStream::from(input);
        let krate = converted.clone().into_iter().next().expect("a token");
        // In the macro it is `crate` (what `proc_macro2` can say), and a
        // macro that puts it in its output gives back `$crate`, with its span.
        assert_eq!(krate.to_string(), "crate");
        let output = quote!(#krate::g());
        for back in [
            TokenStream::from(output.clone()),
            through_the_wire(TokenStream::from(output)),
        ] {
            let first = back.into_iter().next().expect("a token");
            let TokenTree::Ident(ident) = first else {
                panic!("not an identifier: {first:?}");
            };
            assert_eq!((&*ident.name, ident.span.0), ("$crate", 77));
        }
    }
    // An identifier `crate` of the macro's own stays `crate`.
    let own = TokenStream::from(quote!(crate::g()));
    assert!(own.to_string().starts_with("crate"), "{own}");
}
