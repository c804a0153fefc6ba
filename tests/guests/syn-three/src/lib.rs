//! Macros built on syn 3 (not the syn 2 of the other guests), using
//! `procbox::parse_macro_input!` both ways.

use procbox::{TokenStream, parse_macro_input};
use quote::quote;
use syn::punctuated::Punctuated;
use syn::{DeriveInput, Ident, Token};

/// `#[derive(TypeName)]`: `fn type_name() -> &'static str`.
#[procbox::proc_macro_derive(TypeName)]
pub fn type_name(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    let name = &input.ident;
    let text = name.to_string();
    quote!(impl #name { pub fn type_name() -> &'static str { #text } }).into()
}

/// `count_idents!(a, b, c)`: how many identifiers, as a literal.
#[procbox::proc_macro]
pub fn count_idents(input: TokenStream) -> TokenStream {
    let idents = parse_macro_input!(input with Punctuated::<Ident, Token![,]>::parse_terminated);
    let count = idents.len();
    quote!(#count).into()
}
