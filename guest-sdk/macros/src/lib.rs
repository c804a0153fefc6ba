//! The entry-point attributes of the procbox guest SDK.
//!
//! Use them through `procbox`, which exports them under the names of the
//! `proc_macro` attributes: `#[procbox::proc_macro_derive(Name,
//! attributes(a, b))]`, `#[procbox::proc_macro_attribute]` and
//! `#[procbox::proc_macro]`. Each keeps the function as written and registers
//! it in the component's list of macros.

#![warn(missing_docs)]

use proc_macro::TokenStream;
use proc_macro2::{Ident, TokenStream as TokenStream2};
use quote::{quote, quote_spanned};
use syn::parse::{Parse, ParseStream};
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::{ItemFn, Token, parse_macro_input};

/// Declares a derive macro, as `#[proc_macro_derive(Name, attributes(a, b))]`
/// does: `fn(procbox::TokenStream) -> procbox::TokenStream`, given the item the
/// derive is on and returning items to add after it.
#[proc_macro_attribute]
pub fn derive_entry(args: TokenStream, item: TokenStream) -> TokenStream {
    let args = parse_macro_input!(args as DeriveArgs);
    let func = parse_macro_input!(item as ItemFn);
    let name = args.name.to_string();
    let helpers = args.helpers.iter().map(Ident::to_string);
    register(&func, &name, quote!(Derive), quote!(&[#(#helpers),*]))
}

/// Declares an attribute macro, as `#[proc_macro_attribute]` does:
/// `fn(attr: procbox::TokenStream, item: procbox::TokenStream) -> procbox::TokenStream`.
#[proc_macro_attribute]
pub fn attribute_entry(args: TokenStream, item: TokenStream) -> TokenStream {
    if let Some(err) = unexpected_args(args, "proc_macro_attribute") {
        return err;
    }
    let func = parse_macro_input!(item as ItemFn);
    let name = func.sig.ident.to_string();
    register(&func, &name, quote!(Attribute), quote!(&[]))
}

/// Declares a function-like macro, as `#[proc_macro]` does:
/// `fn(procbox::TokenStream) -> procbox::TokenStream`.
#[proc_macro_attribute]
pub fn function_entry(args: TokenStream, item: TokenStream) -> TokenStream {
    if let Some(err) = unexpected_args(args, "proc_macro") {
        return err;
    }
    let func = parse_macro_input!(item as ItemFn);
    let name = func.sig.ident.to_string();
    register(&func, &name, quote!(Function), quote!(&[]))
}

/// A `compile_error!` at the first argument, if there is one.
fn unexpected_args(args: TokenStream, attribute: &str) -> Option<TokenStream> {
    let first = TokenStream2::from(args).into_iter().next()?;
    let message = format!("`#[procbox::{attribute}]` takes no arguments");
    Some(
        syn::Error::new(first.span(), message)
            .to_compile_error()
            .into(),
    )
}

/// The function as written, plus its registration. The entry's type checks the
/// signature, so a wrong one is reported at the function's name.
fn register(func: &ItemFn, name: &str, kind: TokenStream2, helpers: TokenStream2) -> TokenStream {
    let ident = &func.sig.ident;
    let entry = quote_spanned!(ident.span()=> ::procbox::__private::Entry::#kind(#ident));
    let registration = quote_spanned! {func.span()=>
        ::procbox::__private::inventory::submit! {
            ::procbox::__private::MacroDef {
                name: #name,
                helper_attributes: #helpers,
                entry: #entry,
            }
        }
    };
    quote!(#func #registration).into()
}

/// `Name` or `Name, attributes(a, b)`.
struct DeriveArgs {
    name: Ident,
    helpers: Vec<Ident>,
}

impl Parse for DeriveArgs {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let name: Ident = input.parse()?;
        let mut helpers = Vec::new();
        if input.parse::<Option<Token![,]>>()?.is_some() && !input.is_empty() {
            let keyword: Ident = input.parse()?;
            if keyword != "attributes" {
                return Err(syn::Error::new(
                    keyword.span(),
                    "expected `attributes(...)`",
                ));
            }
            let content;
            syn::parenthesized!(content in input);
            helpers = Punctuated::<Ident, Token![,]>::parse_terminated(&content)?
                .into_iter()
                .collect();
            input.parse::<Option<Token![,]>>()?;
        }
        Ok(DeriveArgs { name, helpers })
    }
}
