//! Telling cargo what an expansion depended on: each granted file the
//! macro read becomes an `include_bytes!` and each variable granted from
//! the build's environment an `option_env!` in the output, so rustc lists
//! them in its dep-info and cargo expands again when they change.
//!
//! Neither ends up in the compiled crate: they are unused constants.

use std::path::Path;

use proc_macro::{Delimiter, Group, Span, TokenStream, TokenTree};
use procbox_protocol::MacroKind;
use procbox_protocol::grants::Value;

use crate::Component;

/// `tokens` with the items that make rustc track `files_read` (those that
/// are files: a directory's listing cannot be tracked this way) and the
/// component's variables granted from the environment.
pub(crate) fn track(
    component: &Component,
    kind: MacroKind,
    files_read: &[String],
    tokens: TokenStream,
) -> TokenStream {
    let mut items = String::new();
    for file in files_read.iter().filter(|f| Path::new(f).is_file()) {
        items.push_str(&format!(
            "const _: &[u8] = ::core::include_bytes!({file:?});"
        ));
    }
    for (name, value) in (component.grants)().env_vars() {
        if *value == Value::FromEnvironment {
            items.push_str(&format!(
                "const _: ::core::option::Option<&str> = ::core::option_env!({name:?});"
            ));
        }
    }
    if items.is_empty() {
        return tokens;
    }
    let Ok(items) = items.parse::<TokenStream>() else {
        return tokens;
    };
    if kind != MacroKind::Function || starts_an_item(&tokens) {
        let mut tokens = tokens;
        tokens.extend(items);
        return tokens;
    }
    // An expression (or nothing): the same value, in a block with the items.
    let mut block = items;
    block.extend(tokens);
    let mut group = Group::new(Delimiter::Brace, block);
    group.set_span(Span::call_site());
    TokenTree::Group(group).into()
}

/// Whether a function-like macro's output is items (where more items can
/// follow) rather than an expression.
fn starts_an_item(tokens: &TokenStream) -> bool {
    match tokens.clone().into_iter().next() {
        Some(TokenTree::Ident(ident)) => matches!(
            ident.to_string().as_str(),
            "pub"
                | "enum"
                | "struct"
                | "union"
                | "fn"
                | "impl"
                | "trait"
                | "mod"
                | "use"
                | "type"
                | "static"
                | "const"
                | "extern"
                | "macro_rules"
        ),
        Some(TokenTree::Punct(punct)) => punct.as_char() == '#',
        _ => false,
    }
}
