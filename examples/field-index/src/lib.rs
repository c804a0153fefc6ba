//! `#[derive(FieldIndex)]`: `fn field_index(name) -> Option<usize>` for a
//! struct with named fields, where names may be given several aliases with
//! `#[index(alias = "..")]`.
//!
//! The names are gathered in a `HashMap` (to reject duplicates) and the match
//! arms are generated in its iteration order. Every macro gets a fixed seed
//! for that without declaring anything; this one declares `random-seed` so
//! the build chooses the seed (the example of that capability): any fixed
//! seed makes the order, and the expansion, reproducible.

use std::collections::HashMap;

use procbox::{TokenStream, parse_macro_input};
use quote::quote;
use syn::{Data, DeriveInput, Fields, LitStr};

/// The derive.
#[procbox::proc_macro_derive(FieldIndex, attributes(index))]
pub fn derive_field_index(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    expand(&input)
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

fn expand(input: &DeriveInput) -> syn::Result<proc_macro2::TokenStream> {
    let Data::Struct(data) = &input.data else {
        return Err(syn::Error::new(
            input.ident.span(),
            "FieldIndex needs a struct",
        ));
    };
    let Fields::Named(fields) = &data.fields else {
        return Err(syn::Error::new(
            input.ident.span(),
            "FieldIndex needs named fields",
        ));
    };
    let mut names: HashMap<String, usize> = HashMap::new();
    for (index, field) in fields.named.iter().enumerate() {
        let mut aliases = vec![
            field
                .ident
                .as_ref()
                .map(ToString::to_string)
                .unwrap_or_default(),
        ];
        for attr in field.attrs.iter().filter(|a| a.path().is_ident("index")) {
            attr.parse_nested_meta(|meta| {
                if !meta.path.is_ident("alias") {
                    return Err(meta.error("expected `alias = \"..\"`"));
                }
                aliases.push(meta.value()?.parse::<LitStr>()?.value());
                Ok(())
            })?;
        }
        for alias in aliases {
            if names.insert(alias.clone(), index).is_some() {
                return Err(syn::Error::new_spanned(
                    field,
                    format!("the name `{alias}` is used twice"),
                ));
            }
        }
    }
    let arms = names
        .iter()
        .map(|(name, index)| quote!(#name => ::core::option::Option::Some(#index),));
    let ident = &input.ident;
    let (impl_generics, ty_generics, where_clause) = input.generics.split_for_impl();
    Ok(quote! {
        impl #impl_generics #ident #ty_generics #where_clause {
            /// The position of the field called `name` (or one of its aliases).
            pub fn field_index(name: &str) -> ::core::option::Option<usize> {
                match name {
                    #(#arms)*
                    _ => ::core::option::Option::None,
                }
            }
        }
    })
}
