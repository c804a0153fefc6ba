//! Telling cargo what an expansion depended on: each granted file the
//! macro read becomes an `include_bytes!` and each variable granted from
//! the build's environment an `option_env!` in the output, so rustc lists
//! them in its dep-info and cargo expands again when they change.
//!
//! Neither ends up in the compiled crate: they are unused constants. The
//! crate's own `Cargo.toml` and the variables cargo sets for the crate
//! (`CARGO_PKG_NAME`, `CARGO_MANIFEST_DIR`, ...) get none: they change only
//! with the package, which cargo rebuilds for already, and the expansion
//! then stays exactly the native macro's.

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
    // The crate's own manifest cargo watches already (proc-macro-crate reads
    // it in every expansion).
    let manifest =
        std::env::var_os("CARGO_MANIFEST_DIR").map(|dir| Path::new(&dir).join("Cargo.toml"));
    let tracked =
        |file: &String| Path::new(file).is_file() && manifest.as_deref() != Some(Path::new(file));
    for file in files_read.iter().filter(|f| tracked(f)) {
        items.push_str(&format!(
            "const _: &[u8] = ::core::include_bytes!({file:?});"
        ));
    }
    for (name, value) in (component.grants)().env_vars() {
        if *value == Value::FromEnvironment && !set_by_cargo(name) {
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

/// Whether cargo sets `name` for the crate being compiled, from its package
/// and layout.
fn set_by_cargo(name: &str) -> bool {
    name.starts_with("CARGO_PKG_")
        || name.starts_with("CARGO_MANIFEST_")
        || matches!(
            name,
            "CARGO" | "CARGO_CRATE_NAME" | "CARGO_BIN_NAME" | "CARGO_PRIMARY_PACKAGE" | "OUT_DIR"
        )
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

#[cfg(test)]
mod tests {
    use super::set_by_cargo;

    #[test]
    fn only_cargo_s_own_variables_go_untracked() {
        for name in [
            "CARGO_PKG_NAME",
            "CARGO_MANIFEST_DIR",
            "CARGO_CRATE_NAME",
            "OUT_DIR",
        ] {
            assert!(set_by_cargo(name), "{name}");
        }
        for name in ["STRUM_DEBUG", "HOME", "CARGO_HOME", "CARGOX"] {
            assert!(!set_by_cargo(name), "{name}");
        }
    }
}
