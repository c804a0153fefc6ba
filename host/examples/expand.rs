//! Expands every use of a component's macros in a Rust file and prints the
//! file, pretty-printed: derives, attribute macros and function-like macros
//! (in item and expression position).
//!
//! ```text
//! cargo run --release -p procbox-host --example expand -- MACRO.wasm FILE.rs
//! ```
//!
//! Diagnostics go to stderr as `file:line:column: level: message` with the
//! source line; the exit status is 1 if any is an error.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use procbox_host::{Diagnostic, Host, Level, MacroComponent, MacroKind};
use quote::ToTokens;
use syn::visit_mut::VisitMut;

fn main() -> ExitCode {
    match run() {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

/// Expands and prints; `Ok(false)` when the macros reported errors.
fn run() -> Result<bool, String> {
    let args: Vec<PathBuf> = std::env::args_os().skip(1).map(PathBuf::from).collect();
    let [wasm, file] = args.as_slice() else {
        return Err("usage: expand MACRO.wasm FILE.rs".into());
    };
    let source = std::fs::read_to_string(file)
        .map_err(|e| format!("cannot read {}: {e}", file.display()))?;
    let mut ast = syn::parse_file(&source).map_err(|e| {
        let at = e.span().start();
        format!("{}:{}:{}: {e}", file.display(), at.line, at.column + 1)
    })?;
    let host = Host::new().map_err(|e| e.to_string())?;
    let component = host.load_file(wasm).map_err(|e| e.to_string())?;

    let mut expander = Expander {
        component,
        diagnostics: Vec::new(),
        failure: None,
    };
    expander.visit_file_mut(&mut ast);
    if let Some(error) = expander.failure {
        return Err(error);
    }
    println!("{}", prettyplease::unparse(&ast));
    for diagnostic in &expander.diagnostics {
        eprintln!("{}", render(diagnostic, file, &source));
    }
    Ok(!expander.diagnostics.iter().any(|d| d.level == Level::Error))
}

/// `file:line:column: level: message`, the source line and a caret.
fn render(diagnostic: &Diagnostic, file: &Path, source: &str) -> String {
    let at = diagnostic.span().start();
    let level = match diagnostic.level {
        Level::Error => "error",
        Level::Warning => "warning",
        Level::Note => "note",
        _ => "help",
    };
    let line = source.lines().nth(at.line.saturating_sub(1)).unwrap_or("");
    let caret = format!("{}^", " ".repeat(at.column));
    format!(
        "{}:{}:{}: {level}: {}\n{line}\n{caret}",
        file.display(),
        at.line,
        at.column + 1,
        diagnostic.message
    )
}

struct Expander {
    component: MacroComponent,
    diagnostics: Vec<Diagnostic>,
    /// The first host error (the macro trapped, timed out, ...): expansion stops.
    failure: Option<String>,
}

impl Expander {
    fn has(&self, name: &syn::Path, kind: MacroKind) -> Option<String> {
        let ident = name.get_ident()?.to_string();
        let known = self
            .component
            .macros()
            .iter()
            .any(|m| m.name == ident && m.kind == kind);
        known.then_some(ident)
    }

    fn expand(
        &mut self,
        result: procbox_host::Result<procbox_host::Expansion>,
    ) -> Option<proc_macro2::TokenStream> {
        match result {
            Ok(expansion) => {
                self.diagnostics.extend(expansion.diagnostics);
                Some(expansion.tokens)
            }
            Err(error) => {
                self.failure.get_or_insert(error.to_string());
                None
            }
        }
    }

    /// Expands the macros on and in one item into the items that replace it.
    fn expand_item(&mut self, mut item: syn::Item) -> Vec<syn::Item> {
        if let syn::Item::Macro(m) = &item
            && let Some(name) = self.has(&m.mac.path, MacroKind::Function)
        {
            let tokens = m.mac.tokens.clone();
            let Some(out) = self.expand(self.component.expand_function(&name, &tokens)) else {
                return vec![item];
            };
            return parse_items(out);
        }
        let Some(attrs) = item_attrs(&mut item) else {
            return vec![item];
        };
        // An attribute macro replaces the item with its output.
        let attribute = attrs.iter().enumerate().find_map(|(at, attr)| {
            self.has(attr.path(), MacroKind::Attribute)
                .map(|name| (at, name))
        });
        if let Some((at, name)) = attribute {
            let attr = attrs.remove(at);
            let args = match &attr.meta {
                syn::Meta::List(list) => list.tokens.clone(),
                _ => proc_macro2::TokenStream::new(),
            };
            let input = item.to_token_stream();
            let Some(out) = self.expand(self.component.expand_attribute(&name, &args, &input))
            else {
                return vec![item];
            };
            return parse_items(out)
                .into_iter()
                .flat_map(|i| self.expand_item(i))
                .collect();
        }
        // Derives add items after it; the item keeps its other derives.
        let mut derives = Vec::new();
        attrs.retain_mut(|attr| {
            if !attr.path().is_ident("derive") {
                return true;
            }
            let Ok(paths) = attr.parse_args_with(
                syn::punctuated::Punctuated::<syn::Path, syn::Token![,]>::parse_terminated,
            ) else {
                return true;
            };
            let (ours, theirs): (Vec<_>, Vec<_>) = paths
                .into_iter()
                .partition(|p| self.has(p, MacroKind::Derive).is_some());
            derives.extend(
                ours.iter()
                    .filter_map(|p| p.get_ident().map(ToString::to_string)),
            );
            if theirs.is_empty() {
                return false;
            }
            *attr = syn::parse_quote!(#[derive(#(#theirs),*)]);
            true
        });
        let input = item.to_token_stream();
        let mut out = vec![item];
        for name in derives {
            if let Some(tokens) = self.expand(self.component.expand_derive(&name, &input)) {
                out.extend(parse_items(tokens));
            }
        }
        out
    }
}

impl VisitMut for Expander {
    fn visit_file_mut(&mut self, file: &mut syn::File) {
        let items = std::mem::take(&mut file.items);
        file.items = items
            .into_iter()
            .flat_map(|i| self.expand_item(i))
            .collect();
        syn::visit_mut::visit_file_mut(self, file);
    }

    fn visit_item_mod_mut(&mut self, module: &mut syn::ItemMod) {
        if let Some((_, items)) = &mut module.content {
            let taken = std::mem::take(items);
            *items = taken
                .into_iter()
                .flat_map(|i| self.expand_item(i))
                .collect();
        }
        syn::visit_mut::visit_item_mod_mut(self, module);
    }

    fn visit_expr_mut(&mut self, expr: &mut syn::Expr) {
        if let syn::Expr::Macro(m) = expr
            && let Some(name) = self.has(&m.mac.path, MacroKind::Function)
        {
            let tokens = m.mac.tokens.clone();
            if let Some(out) = self.expand(self.component.expand_function(&name, &tokens)) {
                *expr = syn::parse2(out.clone()).unwrap_or_else(|_| syn::parse_quote!({ #out }));
            }
            return;
        }
        syn::visit_mut::visit_expr_mut(self, expr);
    }
}

/// The attributes of an item that macros can be attached to.
fn item_attrs(item: &mut syn::Item) -> Option<&mut Vec<syn::Attribute>> {
    Some(match item {
        syn::Item::Struct(i) => &mut i.attrs,
        syn::Item::Enum(i) => &mut i.attrs,
        syn::Item::Union(i) => &mut i.attrs,
        syn::Item::Fn(i) => &mut i.attrs,
        syn::Item::Impl(i) => &mut i.attrs,
        syn::Item::Trait(i) => &mut i.attrs,
        syn::Item::Mod(i) => &mut i.attrs,
        syn::Item::Const(i) => &mut i.attrs,
        syn::Item::Static(i) => &mut i.attrs,
        syn::Item::Type(i) => &mut i.attrs,
        _ => return None,
    })
}

/// A macro's output as items; output that is not items is kept verbatim.
fn parse_items(tokens: proc_macro2::TokenStream) -> Vec<syn::Item> {
    match syn::parse2::<syn::File>(tokens.clone()) {
        Ok(file) => file.items,
        Err(_) => vec![syn::Item::Verbatim(tokens)],
    }
}
