//! Example procbox macros, written as ordinary proc macros with `syn` and `quote`.
//!
//! - `#[derive(ToJson)]`, with the helper attribute `#[json(rename = "..", skip)]`:
//!   implements `::tojson::ToJson` for structs and enums, in the JSON shapes
//!   serde uses (externally tagged enums, newtypes as their content).
//! - `#[field_names]` (attribute): adds `const FIELD_NAMES: &[&str]` to a struct.
//! - `json_literal!({ "a": [1, true, null] })` (function-like): checks JSON
//!   written as tokens and expands to its minified text as a string literal.
//! - `location!(tokens)` (function-like): `(file, line, column, text)` of its
//!   first token, from the span API (`file!()`, `line!()` and `column!()` for
//!   any token).
//! - `add_one!(expr)` (function-like): `expr + 1` through a local variable
//!   that mixed-site hygiene keeps apart from the caller's variables.
//!
//! Each entry point parses its input and calls a function of [`logic`], which
//! works on `proc_macro2` types only, so the same code also runs natively.

pub mod logic;

use procbox::{Span, TokenStream, parse_macro_input};
use syn::DeriveInput;

/// `#[derive(ToJson)]`.
#[procbox::proc_macro_derive(ToJson, attributes(json))]
pub fn derive_to_json(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    logic::to_json(&input)
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

/// `#[field_names]` or `#[field_names(uppercase)]` on a struct with named fields.
#[procbox::proc_macro_attribute]
pub fn field_names(args: TokenStream, item: TokenStream) -> TokenStream {
    logic::field_names(args.into(), item.into())
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

/// `json_literal!(<json>)`.
#[procbox::proc_macro]
pub fn json_literal(input: TokenStream) -> TokenStream {
    logic::json_literal(input.into())
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

/// `location!(tokens)`.
#[procbox::proc_macro]
pub fn location(input: TokenStream) -> TokenStream {
    let span = input
        .into_iter()
        .next()
        .map_or_else(Span::call_site, |token| token.span());
    logic::location(logic::Location {
        file: span.file(),
        line: span.line(),
        column: span.column(),
        text: span.source_text(),
    })
    .into()
}

/// `add_one!(expr)`.
#[procbox::proc_macro]
pub fn add_one(input: TokenStream) -> TokenStream {
    let expr = proc_macro2::TokenStream::from(input);
    let at = expr
        .clone()
        .into_iter()
        .next()
        .map_or_else(proc_macro2::Span::call_site, |token| token.span());
    // Hygiene through `procbox::Span`: `proc_macro2`'s own `mixed_site()` is
    // the call site in a component (see the README).
    let local = Span::mixed_site().located_at(at.into()).into();
    logic::add_one(expr, local).into()
}
