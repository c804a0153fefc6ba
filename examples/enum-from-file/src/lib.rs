//! `enum_from_file! { pub enum Color = "colors.txt" }`: an enum whose variants
//! are the lines of a file in the consuming crate (blank lines and `#`
//! comments skipped), with `ALL` and `name()`.
//!
//! The macro declares `fs-read` (to read the file) and `env` (to find it
//! through `CARGO_MANIFEST_DIR`); the build tool grants both for the
//! consuming crate's directory.

use procbox::{TokenStream, parse_macro_input};
use quote::{format_ident, quote};
use syn::parse::{Parse, ParseStream};
use syn::{Ident, LitStr, Token, Visibility};

/// `pub enum Name = "file"`.
struct Input {
    vis: Visibility,
    name: Ident,
    file: LitStr,
}

impl Parse for Input {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let vis = input.parse()?;
        input.parse::<Token![enum]>()?;
        let name = input.parse()?;
        input.parse::<Token![=]>()?;
        let file = input.parse()?;
        Ok(Input { vis, name, file })
    }
}

/// Generates the enum.
#[procbox::proc_macro]
pub fn enum_from_file(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as Input);
    expand(&input)
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

fn expand(input: &Input) -> syn::Result<proc_macro2::TokenStream> {
    let dir = std::env::var("CARGO_MANIFEST_DIR").map_err(|_| {
        syn::Error::new(
            input.file.span(),
            "CARGO_MANIFEST_DIR is not set: grant the `env` capability",
        )
    })?;
    let path = format!("{dir}/{}", input.file.value());
    let text = std::fs::read_to_string(&path)
        .map_err(|e| syn::Error::new(input.file.span(), format!("cannot read {path}: {e}")))?;
    let mut variants = Vec::new();
    for (number, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let variant = syn::parse_str::<Ident>(line).map_err(|_| {
            let message = format!("{path}:{}: `{line}` is not a variant name", number + 1);
            syn::Error::new(input.file.span(), message)
        })?;
        variants.push(format_ident!("{}", variant, span = input.file.span()));
    }
    let (vis, name) = (&input.vis, &input.name);
    let names = variants.iter().map(|v| v.to_string());
    let count = variants.len();
    Ok(quote! {
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        #vis enum #name { #(#variants),* }

        impl #name {
            /// Every variant, in file order.
            #vis const ALL: [#name; #count] = [#(#name::#variants),*];

            /// The variant's name as written in the file.
            #vis fn name(self) -> &'static str {
                match self { #(#name::#variants => #names),* }
            }
        }
    })
}
