//! The entry-point attributes of the procbox guest SDK.
//!
//! Use them through `procbox`, which exports them under the names of the
//! `proc_macro` attributes: `#[procbox::proc_macro_derive(Name,
//! attributes(a, b))]`, `#[procbox::proc_macro_attribute]` and
//! `#[procbox::proc_macro]`. Each keeps the function as written and registers
//! it in the component's list of macros.
//!
//! Written on `proc_macro` alone, without `syn`, `quote` or `proc-macro2`:
//! a port builds the SDK (and so this crate) with procbox's own
//! `proc-macro2`, which depends on the SDK, so nothing the SDK depends on may
//! depend on `proc-macro2`. What is parsed is small: the arguments of
//! `proc_macro_derive`, and the name of the function.

#![warn(missing_docs)]

mod args;
mod output;

use proc_macro::TokenStream;

use output::{Kind, compile_error, register};

/// Declares a derive macro, as `#[proc_macro_derive(Name, attributes(a, b))]`
/// does: `fn(procbox::TokenStream) -> procbox::TokenStream`, given the item the
/// derive is on and returning items to add after it.
#[proc_macro_attribute]
pub fn derive_entry(args: TokenStream, item: TokenStream) -> TokenStream {
    match args::derive(args) {
        Ok(args) => register(item, &args.name, Kind::Derive, &args.helpers),
        Err((span, message)) => compile_error(span, &message),
    }
}

/// Declares an attribute macro, as `#[proc_macro_attribute]` does:
/// `fn(attr: procbox::TokenStream, item: procbox::TokenStream) -> procbox::TokenStream`.
#[proc_macro_attribute]
pub fn attribute_entry(args: TokenStream, item: TokenStream) -> TokenStream {
    entry(args, item, "proc_macro_attribute", Kind::Attribute)
}

/// Declares a function-like macro, as `#[proc_macro]` does:
/// `fn(procbox::TokenStream) -> procbox::TokenStream`.
#[proc_macro_attribute]
pub fn function_entry(args: TokenStream, item: TokenStream) -> TokenStream {
    entry(args, item, "proc_macro", Kind::Function)
}

/// An entry that takes no arguments, registered under its function's name.
fn entry(args: TokenStream, item: TokenStream, attribute: &str, kind: Kind) -> TokenStream {
    if let Some(first) = args.into_iter().next() {
        let message = format!("`#[procbox::{attribute}]` takes no arguments");
        return compile_error(first.span(), &message);
    }
    match args::function_name(&item) {
        Ok(name) => register(item, &name.to_string(), kind, &[]),
        Err((span, message)) => compile_error(span, &message),
    }
}
