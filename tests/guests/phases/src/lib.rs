//! The steps of `#[derive(ToJson)]` as function-like macros, each doing one
//! step more than the last, so the benchmark can time each step inside the
//! sandbox by difference. The input is the item a derive would get.

use procbox::TokenStream;

// The same derive logic as examples/json-derive (one source file).
#[path = "../../../../examples/json-derive/src/logic.rs"]
#[allow(dead_code)]
mod logic;

/// Receives the input and returns nothing: the call and the input's decoding.
#[procbox::proc_macro]
pub fn phase_empty(_input: TokenStream) -> TokenStream {
    TokenStream::new()
}

/// Returns the input: adds encoding an output of the input's size.
#[procbox::proc_macro]
pub fn phase_identity(input: TokenStream) -> TokenStream {
    input
}

/// Converts the input to `proc_macro2` and returns nothing.
#[procbox::proc_macro]
pub fn phase_to_pm2(input: TokenStream) -> TokenStream {
    drop(proc_macro2::TokenStream::from(input));
    TokenStream::new()
}

/// Converts the input to `proc_macro2`, back, and returns it.
#[procbox::proc_macro]
pub fn phase_roundtrip(input: TokenStream) -> TokenStream {
    proc_macro2::TokenStream::from(input).into()
}

/// Converts the input and parses it with `syn`; returns nothing.
#[procbox::proc_macro]
pub fn phase_parse(input: TokenStream) -> TokenStream {
    let parsed = syn::parse2::<syn::DeriveInput>(input.into());
    drop(parsed);
    TokenStream::new()
}

/// Converts, parses and runs the derive; drops its output.
#[procbox::proc_macro]
pub fn phase_derive_only(input: TokenStream) -> TokenStream {
    let parsed = syn::parse2::<syn::DeriveInput>(input.into()).and_then(|ast| logic::to_json(&ast));
    drop(parsed);
    TokenStream::new()
}

/// The whole derive: as `phase_derive_only`, and converts the output back.
#[procbox::proc_macro]
pub fn phase_all(input: TokenStream) -> TokenStream {
    syn::parse2::<syn::DeriveInput>(input.into())
        .and_then(|ast| logic::to_json(&ast))
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}
