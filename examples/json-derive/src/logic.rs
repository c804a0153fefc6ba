//! The macros' logic on `proc_macro2` types, independent of procbox.

use proc_macro2::{Delimiter, Span, TokenStream, TokenTree};
use quote::{format_ident, quote};
use syn::parse::Parser;
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::{Data, DeriveInput, Fields, Ident, LitStr, Token};

/// Expands `#[derive(ToJson)]` on `input`.
pub fn to_json(input: &DeriveInput) -> syn::Result<TokenStream> {
    let name = &input.ident;
    let body = match &input.data {
        Data::Struct(data) => {
            let (pattern, write) = fields_json(&data.fields)?;
            quote!(let #name #pattern = self; #write)
        }
        Data::Enum(data) => {
            let mut arms = Vec::new();
            for variant in &data.variants {
                let options = Options::parse(&variant.attrs)?;
                if options.skip {
                    return Err(syn::Error::new(
                        options.skip_span,
                        "a variant cannot be skipped",
                    ));
                }
                let key = options.rename.unwrap_or_else(|| variant.ident.to_string());
                let ident = &variant.ident;
                arms.push(if let Fields::Unit = variant.fields {
                    let text = json_string(&key);
                    quote!(#name::#ident => out.push_str(#text),)
                } else {
                    let (pattern, write) = fields_json(&variant.fields)?;
                    let open = format!("{{{}:", json_string(&key));
                    quote!(#name::#ident #pattern => { out.push_str(#open); #write out.push('}'); })
                });
            }
            if arms.is_empty() {
                quote!(match *self {})
            } else {
                quote!(match self { #(#arms)* })
            }
        }
        Data::Union(data) => {
            return Err(syn::Error::new(
                data.union_token.span(),
                "ToJson cannot be derived for a union",
            ));
        }
    };
    let mut generics = input.generics.clone();
    for param in generics.type_params_mut() {
        param.bounds.push(syn::parse_quote!(::tojson::ToJson));
    }
    let (impl_generics, ty_generics, where_clause) = generics.split_for_impl();
    Ok(quote! {
        impl #impl_generics ::tojson::ToJson for #name #ty_generics #where_clause {
            fn write_json(&self, out: &mut ::std::string::String) {
                #body
            }
        }
    })
}

/// A destructuring pattern for `fields` and the code writing them as JSON.
fn fields_json(fields: &Fields) -> syn::Result<(TokenStream, TokenStream)> {
    let mut bindings = Vec::new();
    let mut writes = Vec::new();
    let mut kept = 0usize;
    for (index, field) in fields.iter().enumerate() {
        let options = Options::parse(&field.attrs)?;
        let binding = format_ident!("field_{}", index);
        let member = match &field.ident {
            Some(ident) => quote!(#ident),
            None => {
                let index = syn::Index::from(index);
                quote!(#index)
            }
        };
        if options.skip {
            bindings.push(quote!(#member: _));
            continue;
        }
        if options.rename.is_some() && field.ident.is_none() {
            return Err(syn::Error::new(
                options.rename_span,
                "only named fields can be renamed",
            ));
        }
        bindings.push(quote!(#member: #binding));
        let separator = if kept == 0 { "" } else { "," };
        let prefix = match &field.ident {
            Some(ident) => {
                let key = options.rename.unwrap_or_else(|| unraw(ident));
                format!("{separator}{}:", json_string(&key))
            }
            None => separator.to_owned(),
        };
        let separator = (!prefix.is_empty()).then(|| quote!(out.push_str(#prefix);));
        writes.push(quote!(#separator ::tojson::ToJson::write_json(#binding, out);));
        kept += 1;
    }
    Ok(match fields {
        Fields::Named(_) => (
            quote!({ #(#bindings,)* }),
            quote!(out.push('{'); #(#writes)* out.push('}');),
        ),
        // A newtype is its content, as serde writes it.
        Fields::Unnamed(unnamed) if unnamed.unnamed.len() == 1 && kept == 1 => {
            (quote!({ #(#bindings,)* }), quote!(#(#writes)*))
        }
        Fields::Unnamed(_) => (
            quote!({ #(#bindings,)* }),
            quote!(out.push('['); #(#writes)* out.push(']');),
        ),
        Fields::Unit => (quote!(), quote!(out.push_str("null");)),
    })
}

fn unraw(ident: &Ident) -> String {
    let name = ident.to_string();
    name.strip_prefix("r#").map_or(name.clone(), str::to_owned)
}

/// The options of `#[json(...)]` attributes.
struct Options {
    rename: Option<String>,
    rename_span: Span,
    skip: bool,
    skip_span: Span,
}

impl Options {
    fn parse(attrs: &[syn::Attribute]) -> syn::Result<Options> {
        let mut options = Options {
            rename: None,
            rename_span: Span::call_site(),
            skip: false,
            skip_span: Span::call_site(),
        };
        for attr in attrs.iter().filter(|a| a.path().is_ident("json")) {
            attr.parse_nested_meta(|meta| {
                if meta.path.is_ident("rename") {
                    let value = meta.value()?;
                    let lit: LitStr = value.parse().map_err(|e| {
                        syn::Error::new(
                            e.span(),
                            "`rename` expects a string literal, e.g. rename = \"name\"",
                        )
                    })?;
                    options.rename = Some(lit.value());
                    options.rename_span = lit.span();
                    Ok(())
                } else if meta.path.is_ident("skip") {
                    options.skip = true;
                    options.skip_span = meta.path.span();
                    Ok(())
                } else {
                    Err(meta.error("unknown json option; expected `rename = \"..\"` or `skip`"))
                }
            })?;
        }
        Ok(options)
    }
}

/// `s` as a JSON string, quotes included.
fn json_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for ch in s.chars() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Expands `#[field_names]` / `#[field_names(uppercase)]` on `item`.
pub fn field_names(args: TokenStream, item: TokenStream) -> syn::Result<TokenStream> {
    let flags = Punctuated::<Ident, Token![,]>::parse_terminated.parse2(args)?;
    let mut uppercase = false;
    for flag in flags {
        if flag == "uppercase" {
            uppercase = true;
        } else {
            return Err(syn::Error::new(
                flag.span(),
                "unknown option; expected `uppercase`",
            ));
        }
    }
    let item: syn::ItemStruct = syn::parse2(item)?;
    let Fields::Named(fields) = &item.fields else {
        return Err(syn::Error::new(
            item.ident.span(),
            "#[field_names] needs a struct with named fields",
        ));
    };
    let names = fields
        .named
        .iter()
        .filter_map(|f| f.ident.as_ref())
        .map(|ident| {
            let name = unraw(ident);
            if uppercase { name.to_uppercase() } else { name }
        });
    let name = &item.ident;
    let (impl_generics, ty_generics, where_clause) = item.generics.split_for_impl();
    Ok(quote! {
        #item
        impl #impl_generics #name #ty_generics #where_clause {
            /// The names of this struct's fields, in order.
            pub const FIELD_NAMES: &'static [&'static str] = &[#(#names),*];
        }
    })
}

/// Expands `json_literal!(...)`: the JSON value written as tokens, minified,
/// as a string literal.
pub fn json_literal(input: TokenStream) -> syn::Result<TokenStream> {
    let mut tokens = input.into_iter().peekable();
    let mut out = String::new();
    let Some(first) = tokens.next() else {
        return Err(syn::Error::new(Span::call_site(), "expected a JSON value"));
    };
    json_value(first, &mut tokens, &mut out)?;
    if let Some(extra) = tokens.next() {
        return Err(syn::Error::new(
            extra.span(),
            "unexpected token after the JSON value",
        ));
    }
    Ok(quote!(#out))
}

type Tokens = std::iter::Peekable<proc_macro2::token_stream::IntoIter>;

fn json_value(token: TokenTree, rest: &mut Tokens, out: &mut String) -> syn::Result<()> {
    match &token {
        TokenTree::Ident(ident) if ident == "true" || ident == "false" || ident == "null" => {
            out.push_str(&ident.to_string());
        }
        TokenTree::Punct(p) if p.as_char() == '-' => {
            out.push('-');
            match rest.next() {
                Some(TokenTree::Literal(lit)) if is_number(&lit.to_string()) => {
                    out.push_str(&lit.to_string())
                }
                _ => return Err(syn::Error::new(p.span(), "expected a number after `-`")),
            }
        }
        TokenTree::Literal(lit) => {
            let text = lit.to_string();
            if is_number(&text) {
                out.push_str(&text);
            } else {
                let s: LitStr = syn::parse2(quote!(#lit))
                    .map_err(|_| syn::Error::new(lit.span(), "expected a JSON string or number"))?;
                out.push_str(&json_string(&s.value()));
            }
        }
        TokenTree::Group(g) if g.delimiter() == Delimiter::Bracket => {
            out.push('[');
            let mut items = g.stream().into_iter().peekable();
            let mut first = true;
            while let Some(item) = items.next() {
                if !first {
                    out.push(',');
                }
                first = false;
                json_value(item, &mut items, out)?;
                comma(&mut items)?;
            }
            out.push(']');
        }
        TokenTree::Group(g) if g.delimiter() == Delimiter::Brace => {
            out.push('{');
            let mut items = g.stream().into_iter().peekable();
            let mut first = true;
            while let Some(key) = items.next() {
                if !first {
                    out.push(',');
                }
                first = false;
                let key: LitStr = syn::parse2(quote!(#key))
                    .map_err(|_| syn::Error::new(key.span(), "expected a string key"))?;
                out.push_str(&json_string(&key.value()));
                match items.next() {
                    Some(TokenTree::Punct(p)) if p.as_char() == ':' => out.push(':'),
                    other => {
                        let span = other.map_or(g.span_close(), |t| t.span());
                        return Err(syn::Error::new(span, "expected `:` after the key"));
                    }
                }
                let Some(value) = items.next() else {
                    return Err(syn::Error::new(g.span_close(), "expected a value"));
                };
                json_value(value, &mut items, out)?;
                comma(&mut items)?;
            }
            out.push('}');
        }
        other => return Err(syn::Error::new(other.span(), "expected a JSON value")),
    }
    Ok(())
}

fn comma(items: &mut Tokens) -> syn::Result<()> {
    match items.next() {
        None => Ok(()),
        Some(TokenTree::Punct(p)) if p.as_char() == ',' => Ok(()),
        Some(other) => Err(syn::Error::new(other.span(), "expected `,`")),
    }
}

fn is_number(text: &str) -> bool {
    text.starts_with(|c: char| c.is_ascii_digit())
        && text
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '-' | '+'))
}

/// Where a token is, as `location!` reports it. The entry points fill it in
/// from their own `Span` (`procbox::Span` in the component, `proc_macro::Span`
/// natively): a `proc_macro2::Span` in the component stands for the host's
/// span only to be mapped back, and cannot answer these queries itself.
pub struct Location {
    /// The file, as `file!()` names it.
    pub file: String,
    /// 1-based line, as `line!()`.
    pub line: usize,
    /// 1-based column, as `column!()`.
    pub column: usize,
    /// The token's source text, when it comes straight from a file.
    pub text: Option<String>,
}

/// Expands `location!(tokens)`: `(file, line, column, text)` of its first
/// token, like `file!()`, `line!()` and `column!()` for any token, with the
/// token's text (`""` if it has none).
pub fn location(at: Location) -> TokenStream {
    // `line!()` and `column!()` are `u32`s.
    let line = u32::try_from(at.line).unwrap_or(u32::MAX);
    let column = u32::try_from(at.column).unwrap_or(u32::MAX);
    let (file, text) = (at.file, at.text.unwrap_or_default());
    quote!((#file, #line, #column, #text))
}

/// Expands `add_one!(expr)`: `expr + 1`, through a local variable `one` whose
/// identifier has the span `local`. With a mixed-site span the variable is
/// the macro's own: `let one = 10; add_one!(one)` is 11, where a call-site
/// span would let the caller's `one` see the macro's (and give 2).
pub fn add_one(expr: TokenStream, local: Span) -> TokenStream {
    let one = Ident::new("one", local);
    quote!({
        let #one = 1;
        (#expr) + #one
    })
}
