//! The example macros of `examples/json-derive`, built natively: the same
//! `logic` module, behind `proc_macro` entry points instead of procbox ones.

use proc_macro::{Span, TokenStream};
use syn::{DeriveInput, parse_macro_input};

#[path = "../../../json-derive/src/logic.rs"]
mod logic;

/// `#[derive(ToJson)]`.
#[proc_macro_derive(ToJson, attributes(json))]
pub fn derive_to_json(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    logic::to_json(&input)
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

/// `#[field_names]`.
#[proc_macro_attribute]
pub fn field_names(args: TokenStream, item: TokenStream) -> TokenStream {
    logic::field_names(args.into(), item.into())
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

/// `json_literal!(..)`.
#[proc_macro]
pub fn json_literal(input: TokenStream) -> TokenStream {
    logic::json_literal(input.into())
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

/// `location!(..)`.
#[proc_macro]
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

/// `add_one!(..)`.
#[proc_macro]
pub fn add_one(input: TokenStream) -> TokenStream {
    let at = input
        .clone()
        .into_iter()
        .next()
        .map_or_else(Span::call_site, |token| token.span());
    let local = Span::mixed_site().located_at(at).into();
    logic::add_one(input.into(), local).into()
}
