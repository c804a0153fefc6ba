//! `procbox expand`: expands every use of the components' macros in a Rust
//! file (derives, attribute macros, function-like macros in item, statement
//! and expression position), like cargo-expand, and prints it pretty-printed.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use proc_macro2::TokenStream;
use procbox_host::{Diagnostic, Invocation, Level, MacroComponent, MacroKind};
use quote::ToTokens;
use syn::visit_mut::VisitMut;

use procbox_host::protocol::Grant;

use crate::grants;
use crate::load::Loader;
use crate::render;

/// How deep macro output may use macros again before procbox stops, as
/// rustc's `recursion_limit` does.
const RECURSION_LIMIT: usize = 128;

/// `procbox expand`.
pub fn run(
    loader: &Loader,
    files: &[PathBuf],
    grant_args: &[Grant],
    file: &Path,
) -> anyhow::Result<ExitCode> {
    let grants = grants::for_expand(grant_args);
    let mut components = Vec::new();
    for path in files {
        let component = loader.load(path)?.with_grants(&grants)?;
        components.push(component);
    }
    let source =
        std::fs::read_to_string(file).with_context(|| format!("cannot read {}", file.display()))?;
    let mut ast = syn::parse_file(&source).map_err(|e| {
        let at = e.span().start();
        anyhow::anyhow!("{}:{}:{}: {e}", file.display(), at.line, at.column + 1)
    })?;
    let mut expander = Expander {
        components,
        diagnostics: Vec::new(),
        failure: None,
        depth: 0,
        file: file.to_path_buf(),
    };
    expander.visit_file_mut(&mut ast);
    if let Some(error) = expander.failure {
        return Err(error).with_context(|| format!("cannot expand {}", file.display()));
    }
    println!("{}", prettyplease::unparse(&ast));
    for diagnostic in &expander.diagnostics {
        eprintln!("{}", render::diagnostic(diagnostic, file, &source));
    }
    let errors = expander
        .diagnostics
        .iter()
        .filter(|d| d.level == Level::Error)
        .count();
    if errors > 0 {
        eprintln!(
            "error: the macros reported {errors} error{} in {}",
            if errors == 1 { "" } else { "s" },
            file.display()
        );
        return Ok(ExitCode::FAILURE);
    }
    Ok(ExitCode::SUCCESS)
}

/// Walks a file, replacing macro uses by their expansions.
struct Expander {
    components: Vec<MacroComponent>,
    diagnostics: Vec<Diagnostic>,
    /// The first failure (a trap, a timeout, ...): expansion stops there.
    failure: Option<anyhow::Error>,
    /// How many expansions deep the current output is.
    depth: usize,
    /// The file being expanded.
    file: PathBuf,
}

/// A macro the components provide: which component, and its name.
struct Found {
    component: usize,
    name: String,
}

impl Expander {
    /// The component providing a macro of `kind` called `path` (by its last
    /// segment, so `json::ToJson` finds `ToJson`).
    fn find(&self, path: &syn::Path, kind: MacroKind) -> Option<Found> {
        let name = path.segments.last()?.ident.to_string();
        let component = self
            .components
            .iter()
            .position(|c| c.macros().iter().any(|m| m.name == name && m.kind == kind))?;
        Some(Found { component, name })
    }

    /// Runs one expansion; `None` (after recording why) if it failed.
    fn run<'a>(
        &mut self,
        found: &'a Found,
        invocation: impl FnOnce(&'a str) -> Invocation<'a>,
    ) -> Option<TokenStream> {
        if self.failure.is_some() {
            return None;
        }
        if self.depth >= RECURSION_LIMIT {
            self.failure = Some(anyhow::anyhow!(
                "macro `{}` expanded to uses of macros {RECURSION_LIMIT} levels deep; \
                 it probably expands to itself",
                found.name
            ));
            return None;
        }
        // Spans answer `Span::file` with the file being expanded.
        let invocation = invocation(&found.name).in_file(&self.file);
        match self.components[found.component].expand(&invocation) {
            Ok(expansion) => {
                self.diagnostics.extend(expansion.diagnostics);
                Some(expansion.tokens)
            }
            Err(error) => {
                self.failure = Some(error.into());
                None
            }
        }
    }

    /// Expands what `tokens` (a macro's output) uses in turn.
    fn nested<T>(&mut self, f: impl FnOnce(&mut Expander) -> T) -> T {
        self.depth += 1;
        let result = f(self);
        self.depth -= 1;
        result
    }

    /// Expands the macros on and in one item into the items that replace it.
    fn expand_item(&mut self, mut item: syn::Item) -> Vec<syn::Item> {
        if let syn::Item::Macro(m) = &item
            && let Some(found) = self.find(&m.mac.path, MacroKind::Function)
        {
            let input = m.mac.tokens.clone();
            let Some(out) = self.run(&found, |name| Invocation::function(name, &input)) else {
                return vec![item];
            };
            return self.nested(|this| this.expand_items(parse_items(out)));
        }
        let Some(attrs) = item_attrs(&mut item) else {
            return vec![item];
        };
        // An attribute macro replaces the item with its output (without the
        // attribute itself).
        let attribute = attrs.iter().enumerate().find_map(|(at, attr)| {
            self.find(attr.path(), MacroKind::Attribute)
                .map(|found| (at, found))
        });
        if let Some((at, found)) = attribute {
            let attr = attrs.remove(at);
            let args = match &attr.meta {
                syn::Meta::List(list) => list.tokens.clone(),
                _ => TokenStream::new(),
            };
            let input = item.to_token_stream();
            let Some(out) = self.run(&found, |name| Invocation::attribute(name, &args, &input))
            else {
                return vec![item];
            };
            return self.nested(|this| this.expand_items(parse_items(out)));
        }
        // Derives add items after it; the item keeps the derives of other
        // macros and its helper attributes (inert, as rustc leaves them).
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
            let mut theirs = Vec::new();
            for path in paths {
                match self.find(&path, MacroKind::Derive) {
                    Some(found) => derives.push(found),
                    None => theirs.push(path),
                }
            }
            if theirs.is_empty() {
                return false;
            }
            *attr = syn::parse_quote!(#[derive(#(#theirs),*)]);
            true
        });
        let input = item.to_token_stream();
        let mut out = vec![item];
        for found in derives {
            if let Some(tokens) = self.run(&found, |name| Invocation::derive(name, &input)) {
                let items = self.nested(|this| this.expand_items(parse_items(tokens)));
                out.extend(items);
            }
        }
        out
    }

    fn expand_items(&mut self, items: Vec<syn::Item>) -> Vec<syn::Item> {
        items
            .into_iter()
            .flat_map(|item| self.expand_item(item))
            .collect()
    }
}

impl VisitMut for Expander {
    fn visit_file_mut(&mut self, file: &mut syn::File) {
        file.items = self.expand_items(std::mem::take(&mut file.items));
        syn::visit_mut::visit_file_mut(self, file);
    }

    fn visit_item_mod_mut(&mut self, module: &mut syn::ItemMod) {
        if let Some((_, items)) = &mut module.content {
            *items = self.expand_items(std::mem::take(items));
        }
        syn::visit_mut::visit_item_mod_mut(self, module);
    }

    fn visit_block_mut(&mut self, block: &mut syn::Block) {
        let mut stmts = Vec::new();
        for stmt in std::mem::take(&mut block.stmts) {
            match stmt {
                syn::Stmt::Item(item) => {
                    stmts.extend(self.expand_item(item).into_iter().map(syn::Stmt::Item));
                }
                syn::Stmt::Macro(m) => match self.find(&m.mac.path, MacroKind::Function) {
                    Some(found) => {
                        let input = m.mac.tokens.clone();
                        match self.run(&found, |name| Invocation::function(name, &input)) {
                            Some(out) => stmts.extend(parse_stmts(out)),
                            None => stmts.push(syn::Stmt::Macro(m)),
                        }
                    }
                    None => stmts.push(syn::Stmt::Macro(m)),
                },
                other => stmts.push(other),
            }
        }
        block.stmts = stmts;
        syn::visit_mut::visit_block_mut(self, block);
    }

    fn visit_expr_mut(&mut self, expr: &mut syn::Expr) {
        if let syn::Expr::Macro(m) = expr
            && let Some(found) = self.find(&m.mac.path, MacroKind::Function)
        {
            let input = m.mac.tokens.clone();
            if let Some(out) = self.run(&found, |name| Invocation::function(name, &input)) {
                *expr = syn::parse2(out.clone()).unwrap_or(syn::Expr::Verbatim(out));
                self.nested(|this| syn::visit_mut::visit_expr_mut(this, expr));
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
        syn::Item::Use(i) => &mut i.attrs,
        _ => return None,
    })
}

/// A macro's output as items; output that is not items is kept verbatim.
fn parse_items(tokens: TokenStream) -> Vec<syn::Item> {
    match syn::parse2::<syn::File>(tokens.clone()) {
        Ok(file) => file.items,
        Err(_) => vec![syn::Item::Verbatim(tokens)],
    }
}

/// A macro's output in statement position; kept verbatim if it is not
/// statements.
fn parse_stmts(tokens: TokenStream) -> Vec<syn::Stmt> {
    use syn::parse::Parser;
    syn::Block::parse_within
        .parse2(tokens.clone())
        .unwrap_or_else(|_| vec![syn::Stmt::Expr(syn::Expr::Verbatim(tokens), None)])
}
