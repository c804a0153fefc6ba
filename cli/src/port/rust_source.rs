//! The edits that make a proc-macro crate's Rust source build against the
//! procbox SDK, found with `syn` and applied as byte-range replacements, so
//! that everything else in the file stays as the author wrote it (the diff a
//! reviewer reads is only these edits):
//!
//! - `extern crate proc_macro;` becomes `extern crate procbox as proc_macro;`
//!   (when the root has none, that line is added: a `cdylib` has no
//!   `proc_macro` in its prelude), so every `proc_macro::` path is the SDK's;
//! - the entry attributes (`#[proc_macro_derive]`, `#[proc_macro_attribute]`,
//!   `#[proc_macro]`) on the root's functions, also inside `cfg_attr`, get the
//!   `procbox::` prefix (a 2015-edition root also gets `extern crate
//!   procbox;`, for that prefix to resolve);
//! - `syn::parse_macro_input!` and its imports become
//!   `procbox::parse_macro_input!`, which parses with the crate's own `syn`;
//! - the other `syn` calls that take rustc's `proc_macro::TokenStream`, which
//!   the SDK's is not, take a `proc_macro2` one: `syn::parse(x)` becomes
//!   `syn::parse2(to_proc_macro2(x))`, and a `Parser`'s `f.parse(x)` (a parser
//!   function such as `Pat::parse_single`, or a closure) becomes
//!   `f.parse2(to_proc_macro2(x))`.

use std::ops::Range;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use proc_macro2::Span;
use syn::spanned::Spanned;
use syn::visit::{self, Visit};

/// The entry attributes, as a proc-macro crate writes them.
const ENTRY_ATTRIBUTES: [&str; 3] = ["proc_macro_derive", "proc_macro_attribute", "proc_macro"];

/// One file's edits.
#[derive(Debug, Default)]
pub struct FileEdits {
    /// Replacements, by byte range of the original text.
    edits: Vec<(Range<usize>, String)>,
    /// The files of the `mod name;` items, to rewrite next.
    pub modules: Vec<PathBuf>,
    /// The crate's `#![feature(..)]` names (the root only).
    pub unstable_features: Vec<String>,
    /// The entry points found (the root only): `derive Name`, ...
    pub entry_points: usize,
    /// What the code reads that needs a capability, by line.
    pub needs: Vec<Need>,
}

/// A call that reads something outside the macro's input.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Need {
    /// The line of the call.
    pub line: usize,
    /// `env NAME` for a variable read by name, `env` for any other
    /// variable read, `fs-read` for a file or directory read.
    pub what: String,
}

impl FileEdits {
    /// `text` with the edits applied.
    pub fn apply(&self, text: &str) -> String {
        let mut edits = self.edits.clone();
        edits.sort_by_key(|(range, _)| (range.start, range.end));
        let mut out = String::with_capacity(text.len() + 64);
        let mut at = 0;
        for (range, replacement) in edits {
            out.push_str(&text[at..range.start]);
            out.push_str(&replacement);
            at = range.end;
        }
        out.push_str(&text[at..]);
        out
    }

    /// Whether there is nothing to change.
    pub fn is_empty(&self) -> bool {
        self.edits.is_empty()
    }
}

/// The edits for the crate root (`lib.rs`), at `path`, whose text is `text`.
pub fn edit_root(path: &Path, text: &str, edition: Edition) -> anyhow::Result<FileEdits> {
    edit_file(path, text, Some(edition))
}

/// The edits for a module file of the crate.
pub fn edit_module(path: &Path, text: &str) -> anyhow::Result<FileEdits> {
    edit_file(path, text, None)
}

/// The crate's edition, as far as the edits care.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Edition {
    /// Rust 2015: a path is relative to the crate root, which names a crate
    /// only with `extern crate`, so the root gets `extern crate procbox;`
    /// for the `procbox::` and `::procbox::` paths of the edits.
    E2015,
    /// Rust 2018 and later: crates are in every path's scope.
    Later,
}

fn edit_file(path: &Path, text: &str, root_edition: Option<Edition>) -> anyhow::Result<FileEdits> {
    let root = root_edition.is_some();
    // syn's offsets start after a byte-order mark.
    let base = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let file: syn::File = syn::parse_str(&text[base..])
        .with_context(|| format!("cannot parse {} as Rust", path.display()))?;
    let lines = LineStarts::new(&text[base..]);
    let mut visitor = Visitor {
        base,
        lines: &lines,
        dir: module_dir(path, root),
        file_dir: path.parent().unwrap_or(Path::new(".")).to_owned(),
        inline_depth: 0,
        root,
        out: FileEdits::default(),
        extern_crate: false,
        glob_syn_uses: Vec::new(),
        bare_invocations: false,
    };
    if root {
        for attr in &file.attrs {
            if attr.path().is_ident("feature")
                && let Ok(list) = attr.meta.require_list()
            {
                visitor.out.unstable_features.push(list.tokens.to_string());
            }
        }
    }
    visitor.visit_file(&file);
    let mut out = visitor.out;
    // `use syn::*;` brings syn's macro in: an explicit import of the SDK's
    // shadows it, where it is used.
    if visitor.bare_invocations {
        for end in visitor.glob_syn_uses {
            out.edits
                .push((end..end, " use procbox::parse_macro_input;".to_owned()));
        }
    }
    let mut crates = Vec::new();
    if root && !visitor.extern_crate {
        crates.push("extern crate procbox as proc_macro;");
    }
    if root_edition == Some(Edition::E2015) {
        crates.push("extern crate procbox;");
    }
    if !crates.is_empty() {
        // After the inner attributes (`//!` docs, `#![..]`): items come after them.
        let at = file
            .attrs
            .iter()
            .filter(|attr| matches!(attr.style, syn::AttrStyle::Inner(_)))
            .map(|attr| lines.range(attr.span()).end)
            .max()
            .map(|end| end + base);
        let (at, text) = match at {
            Some(at) => (at, format!("\n{}", crates.join("\n"))),
            None => (base, format!("{}\n", crates.join("\n"))),
        };
        out.edits.push((at..at, text));
    }
    Ok(out)
}

/// The directory where a file's `mod name;` items live: the file's own for
/// a crate root or `mod.rs`, else a directory named like the file.
fn module_dir(path: &Path, root: bool) -> PathBuf {
    let parent = path.parent().unwrap_or(Path::new(".")).to_owned();
    match path.file_stem().and_then(|stem| stem.to_str()) {
        Some("mod") => parent,
        _ if root => parent,
        Some(stem) => parent.join(stem),
        None => parent,
    }
}

struct Visitor<'a> {
    /// Bytes before syn's text (a byte-order mark).
    base: usize,
    lines: &'a LineStarts,
    /// Where `mod name;` looks for `name.rs`, inside inline modules included.
    dir: PathBuf,
    /// The directory of the file itself (`#[path]` is relative to it).
    file_dir: PathBuf,
    inline_depth: usize,
    root: bool,
    out: FileEdits,
    extern_crate: bool,
    /// The end of each `use syn::*;` at this file's level.
    glob_syn_uses: Vec<usize>,
    /// Whether `parse_macro_input!` is invoked without a path.
    bare_invocations: bool,
}

impl Visitor<'_> {
    fn range(&self, span: Span) -> Range<usize> {
        let range = self.lines.range(span);
        range.start + self.base..range.end + self.base
    }

    fn replace(&mut self, span: Span, text: &str) {
        let range = self.range(span);
        self.out.edits.push((range, text.to_owned()));
    }

    fn insert_before(&mut self, span: Span, text: &str) {
        let at = self.range(span).start;
        self.out.edits.push((at..at, text.to_owned()));
    }

    /// The edits of this module, in a `macro_rules!` body: entry
    /// attributes, `syn::parse_macro_input!`, `syn::parse(..)` and a parser
    /// function's `.parse(..)`, recognized by their tokens.
    fn scan_tokens(&mut self, stream: proc_macro2::TokenStream) {
        use proc_macro2::{Delimiter, TokenTree};
        let tokens: Vec<TokenTree> = stream.into_iter().collect();
        let ident_at = |i: Option<usize>| match i.and_then(|i| tokens.get(i)) {
            Some(TokenTree::Ident(ident)) => Some(ident.to_string()),
            _ => None,
        };
        let punct_at = |i: Option<usize>, ch: char| matches!(i.and_then(|i| tokens.get(i)), Some(TokenTree::Punct(p)) if p.as_char() == ch);
        let after_syn_path = |i: usize| {
            punct_at(i.checked_sub(1), ':')
                && punct_at(i.checked_sub(2), ':')
                && ident_at(i.checked_sub(3)).as_deref() == Some("syn")
        };
        for (i, token) in tokens.iter().enumerate() {
            match token {
                TokenTree::Group(group) => {
                    if self.root
                        && group.delimiter() == Delimiter::Bracket
                        && punct_at(i.checked_sub(1), '#')
                        && let Some(TokenTree::Ident(first)) = group.stream().into_iter().next()
                        && ENTRY_ATTRIBUTES.iter().any(|name| first == name)
                    {
                        self.insert_before(first.span(), "procbox::");
                        self.out.entry_points += 1;
                    }
                    self.scan_tokens(group.stream());
                }
                TokenTree::Ident(ident) if ident == "parse_macro_input" => {
                    if after_syn_path(i)
                        && punct_at(Some(i + 1), '!')
                        && let Some(TokenTree::Ident(syn)) = tokens.get(i - 3)
                    {
                        self.replace(syn.span(), "procbox");
                    }
                }
                TokenTree::Ident(ident) if ident == "parse" => {
                    let Some(TokenTree::Group(args)) = tokens.get(i + 1) else {
                        continue;
                    };
                    let parser_method = punct_at(i.checked_sub(1), '.')
                        && ident_at(i.checked_sub(2)).is_some_and(|name| name.starts_with("parse"))
                        && punct_at(i.checked_sub(3), ':');
                    if args.delimiter() == Delimiter::Parenthesis
                        && !args.stream().is_empty()
                        && (after_syn_path(i) || parser_method)
                    {
                        self.replace(ident.span(), "parse2");
                        let open = self.range(args.span_open()).end;
                        let close = self.range(args.span_close()).start;
                        self.out.edits.push((
                            open..open,
                            "::procbox::__private::to_proc_macro2(".to_owned(),
                        ));
                        self.out.edits.push((close..close, ")".to_owned()));
                    }
                }
                _ => {}
            }
        }
    }

    /// Notes a call of `env::var("NAME")` / `var_os`, or of a `fs` read.
    fn note_need(&mut self, path: &syn::Path, call: &syn::ExprCall) {
        let names: Vec<String> = path.segments.iter().map(|s| s.ident.to_string()).collect();
        let tail: Vec<&str> = names.iter().rev().take(2).map(String::as_str).collect();
        let what = match tail.as_slice() {
            ["var" | "var_os", "env"] => match call.args.first() {
                Some(syn::Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(name),
                    ..
                })) => format!("env {}", name.value()),
                _ => "env".to_owned(),
            },
            ["vars" | "vars_os", "env"] => "env".to_owned(),
            [
                "read" | "read_to_string" | "read_dir" | "open" | "metadata",
                "fs" | "File",
            ] => "fs-read".to_owned(),
            _ => return,
        };
        self.out.needs.push(Need {
            line: path.span().start().line,
            what,
        });
    }

    /// `x` becomes `::procbox::__private::to_proc_macro2(x)`: a function of
    /// the SDK's `TokenStream` alone, so that `x`'s type is inferred as
    /// before (`syn::parse("usize".parse().unwrap())`).
    fn wrap_into(&mut self, expr: &syn::Expr) {
        let range = self.range(expr.span());
        self.out.edits.push((
            range.start..range.start,
            "::procbox::__private::to_proc_macro2(".to_owned(),
        ));
        self.out.edits.push((range.end..range.end, ")".to_owned()));
    }

    /// `use syn::parse_macro_input;` and `use syn::{parse_macro_input, X};`
    fn visit_syn_use(&mut self, item: &syn::ItemUse) {
        let syn::UseTree::Path(top) = &item.tree else {
            return;
        };
        if top.ident != "syn" {
            return;
        }
        match &*top.tree {
            syn::UseTree::Name(name) if name.ident == "parse_macro_input" => {
                self.replace(top.ident.span(), "procbox");
            }
            syn::UseTree::Glob(_) => {
                let end = self.range(item.span()).end;
                self.glob_syn_uses.push(end);
            }
            syn::UseTree::Group(group) => {
                let items: Vec<&syn::UseTree> = group.items.iter().collect();
                let Some(index) = items.iter().position(|tree| {
                    matches!(tree, syn::UseTree::Name(name) if name.ident == "parse_macro_input")
                }) else {
                    return;
                };
                // Remove it with its comma: the one after, or before the last.
                let this = self.range(items[index].span());
                let removed = match (items.get(index + 1), index.checked_sub(1)) {
                    (Some(next), _) => this.start..self.range(next.span()).start,
                    (None, Some(previous)) => self.range(items[previous].span()).end..this.end,
                    (None, None) => this,
                };
                self.out.edits.push((removed, String::new()));
                let end = self.range(item.span()).end;
                self.out
                    .edits
                    .push((end..end, " use procbox::parse_macro_input;".to_owned()));
            }
            _ => {}
        }
    }
}

impl<'ast> Visit<'ast> for Visitor<'_> {
    fn visit_item_extern_crate(&mut self, item: &'ast syn::ItemExternCrate) {
        if item.ident == "proc_macro" {
            self.extern_crate = true;
            match &item.rename {
                Some(_) => self.replace(item.ident.span(), "procbox"),
                None => self.replace(item.ident.span(), "procbox as proc_macro"),
            }
        }
    }

    fn visit_item_fn(&mut self, item: &'ast syn::ItemFn) {
        if self.root && self.inline_depth == 0 {
            for attr in &item.attrs {
                for path in entry_attribute_paths(&attr.meta) {
                    self.insert_before(path.span(), "procbox::");
                    self.out.entry_points += 1;
                }
            }
        }
        visit::visit_item_fn(self, item);
    }

    fn visit_item_use(&mut self, item: &'ast syn::ItemUse) {
        self.visit_syn_use(item);
    }

    fn visit_expr_call(&mut self, call: &'ast syn::ExprCall) {
        if let syn::Expr::Path(path) = &*call.func {
            self.note_need(&path.path, call);
        }
        if let syn::Expr::Path(path) = &*call.func
            && call.args.len() == 1
            && is_syn_parse(&path.path)
            && let Some(last) = path.path.segments.last()
        {
            self.replace(last.ident.span(), "parse2");
            self.wrap_into(&call.args[0]);
        }
        visit::visit_expr_call(self, call);
    }

    fn visit_expr_method_call(&mut self, call: &'ast syn::ExprMethodCall) {
        if call.method == "parse" && call.args.len() == 1 && is_parser(&call.receiver) {
            self.replace(call.method.span(), "parse2");
            self.wrap_into(&call.args[0]);
        }
        visit::visit_expr_method_call(self, call);
    }

    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        // A `macro_rules!` macro may define the entry points (zerocopy-derive,
        // derive_more): the same edits, found in its tokens.
        if mac.path.is_ident("macro_rules") {
            self.scan_tokens(mac.tokens.clone());
        }
        let segments: Vec<String> = mac
            .path
            .segments
            .iter()
            .map(|s| s.ident.to_string())
            .collect();
        match segments.as_slice() {
            [first, last] if first == "syn" && last == "parse_macro_input" => {
                let span = mac
                    .path
                    .segments
                    .first()
                    .map(|s| s.ident.span())
                    .unwrap_or_else(|| mac.path.span());
                self.replace(span, "procbox");
            }
            [only] if only == "parse_macro_input" => self.bare_invocations = true,
            _ => {}
        }
        visit::visit_macro(self, mac);
    }

    fn visit_item_mod(&mut self, item: &'ast syn::ItemMod) {
        let name = item.ident.to_string();
        let path_attr = item.attrs.iter().find_map(|attr| {
            let syn::Meta::NameValue(meta) = &attr.meta else {
                return None;
            };
            if !meta.path.is_ident("path") {
                return None;
            }
            match &meta.value {
                syn::Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(s),
                    ..
                }) => Some(s.value()),
                _ => None,
            }
        });
        match &item.content {
            None => {
                let file = match path_attr {
                    Some(path) if self.inline_depth == 0 => self.file_dir.join(path),
                    Some(path) => self.dir.join(path),
                    None => {
                        let flat = self.dir.join(format!("{name}.rs"));
                        if flat.is_file() {
                            flat
                        } else {
                            self.dir.join(&name).join("mod.rs")
                        }
                    }
                };
                self.out.modules.push(file);
            }
            Some(_) => {
                let outer = self.dir.clone();
                self.dir = match path_attr {
                    Some(path) => self.dir.join(path),
                    None => self.dir.join(&name),
                };
                self.inline_depth += 1;
                visit::visit_item_mod(self, item);
                self.inline_depth -= 1;
                self.dir = outer;
            }
        }
    }
}

/// The entry attributes in `meta`: itself, or those inside a `cfg_attr`
/// (derivative's `#[cfg_attr(not(test), proc_macro_derive(..))]`), at any
/// depth.
fn entry_attribute_paths(meta: &syn::Meta) -> Vec<syn::Path> {
    use syn::punctuated::Punctuated;
    if ENTRY_ATTRIBUTES
        .iter()
        .any(|name| meta.path().is_ident(name))
    {
        return vec![meta.path().clone()];
    }
    let syn::Meta::List(list) = meta else {
        return Vec::new();
    };
    if !list.path.is_ident("cfg_attr") {
        return Vec::new();
    }
    // The predicate first, then the attributes it guards.
    match list.parse_args_with(Punctuated::<syn::Meta, syn::Token![,]>::parse_terminated) {
        Ok(metas) => metas
            .iter()
            .skip(1)
            .flat_map(entry_attribute_paths)
            .collect(),
        Err(_) => Vec::new(),
    }
}

/// `syn::parse` (with or without turbofish or leading `::`).
fn is_syn_parse(path: &syn::Path) -> bool {
    let names: Vec<String> = path.segments.iter().map(|s| s.ident.to_string()).collect();
    names == ["syn", "parse"]
}

/// Whether a receiver of `.parse(x)` is a `syn` parser: a parser function
/// named `parse…` (`Pat::parse_single`, `Punctuated::parse_terminated`,
/// `Attribute::parse_outer`) or a closure. `str::parse` takes no argument,
/// so a one-argument `.parse` on such a receiver is `Parser::parse`.
fn is_parser(receiver: &syn::Expr) -> bool {
    match receiver {
        // `Type::parse_fn`: a variable named `parser` may be anything.
        syn::Expr::Path(path) => {
            path.path.segments.len() >= 2
                && path
                    .path
                    .segments
                    .last()
                    .is_some_and(|s| s.ident.to_string().starts_with("parse"))
        }
        syn::Expr::Closure(_) => true,
        syn::Expr::Paren(inner) => is_parser(&inner.expr),
        _ => false,
    }
}

/// Byte offsets of line starts, to turn `proc_macro2`'s line and column
/// (in characters) into byte ranges.
struct LineStarts {
    text: String,
    starts: Vec<usize>,
}

impl LineStarts {
    fn new(text: &str) -> LineStarts {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(at, _)| at + 1));
        LineStarts {
            text: text.to_owned(),
            starts,
        }
    }

    fn offset(&self, position: proc_macro2::LineColumn) -> usize {
        let Some(&start) = self.starts.get(position.line.saturating_sub(1)) else {
            return self.text.len();
        };
        self.text[start..]
            .char_indices()
            .nth(position.column)
            .map_or(self.text.len(), |(at, _)| start + at)
    }

    fn range(&self, span: Span) -> Range<usize> {
        self.offset(span.start())..self.offset(span.end())
    }
}

/// Checks that a crate's root is one a port can build: no unstable features.
pub fn check_root(edits: &FileEdits, crate_name: &str) -> anyhow::Result<()> {
    if !edits.unstable_features.is_empty() {
        bail!(
            "{crate_name} cannot be ported: it uses unstable Rust features ({}), and procbox \
             builds macros with a stable toolchain",
            edits.unstable_features.join(", ")
        );
    }
    if edits.entry_points == 0 {
        bail!(
            "{crate_name} cannot be ported: its crate root defines no #[proc_macro_derive], \
             #[proc_macro_attribute] or #[proc_macro] function"
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn root(text: &str) -> String {
        let edits = edit_root(Path::new("src/lib.rs"), text, Edition::Later).expect("parses");
        edits.apply(text)
    }

    #[test]
    fn an_extern_crate_becomes_the_sdk() {
        let text = "//! Docs.\nextern crate proc_macro;\nuse proc_macro::TokenStream;\n\
                    #[proc_macro_derive(Hello, attributes(hello))]\n\
                    pub fn hello(input: TokenStream) -> TokenStream { input }\n";
        assert_eq!(
            root(text),
            "//! Docs.\nextern crate procbox as proc_macro;\nuse proc_macro::TokenStream;\n\
             #[procbox::proc_macro_derive(Hello, attributes(hello))]\n\
             pub fn hello(input: TokenStream) -> TokenStream { input }\n"
        );
        let renamed = "extern crate proc_macro as pm;\n#[proc_macro]\npub fn m(i: pm::TokenStream) -> pm::TokenStream { i }";
        assert_eq!(
            root(renamed),
            "extern crate procbox as pm;\n#[procbox::proc_macro]\npub fn m(i: pm::TokenStream) -> pm::TokenStream { i }"
        );
    }

    #[test]
    fn a_2015_root_names_the_sdk_crate_too() {
        let text = "#![allow(x)]\nextern crate proc_macro;\n#[proc_macro] pub fn m() {}\n";
        let edits = edit_root(Path::new("src/lib.rs"), text, Edition::E2015).expect("parses");
        assert_eq!(
            edits.apply(text),
            "#![allow(x)]\nextern crate procbox;\nextern crate procbox as proc_macro;\n\
             #[procbox::proc_macro] pub fn m() {}\n"
        );
        let bare = "#[proc_macro] pub fn m() {}\n";
        let edits = edit_root(Path::new("src/lib.rs"), bare, Edition::E2015).expect("parses");
        assert!(
            edits
                .apply(bare)
                .starts_with("extern crate procbox as proc_macro;\nextern crate procbox;\n"),
            "{}",
            edits.apply(bare)
        );
    }

    #[test]
    fn without_an_extern_crate_one_is_added_after_the_inner_attributes() {
        let text = "//! Docs.\n#![deny(missing_docs)]\n\nuse proc_macro::TokenStream;\n\
                    #[proc_macro_attribute]\npub fn a(_: TokenStream, i: TokenStream) -> TokenStream { i }\n";
        assert_eq!(
            root(text),
            "//! Docs.\n#![deny(missing_docs)]\nextern crate procbox as proc_macro;\n\n\
             use proc_macro::TokenStream;\n#[procbox::proc_macro_attribute]\n\
             pub fn a(_: TokenStream, i: TokenStream) -> TokenStream { i }\n"
        );
        assert!(
            root("#[proc_macro] fn m() {}").starts_with("extern crate procbox as proc_macro;\n")
        );
    }

    #[test]
    fn parse_macro_input_is_the_sdk_s_in_every_spelling() {
        let text = "use syn::{parse_macro_input, DeriveInput};\nuse syn::parse_macro_input;\n\
                    use syn::{Data, parse_macro_input};\n\
                    fn f(i: TokenStream) { let x = syn::parse_macro_input!(i as DeriveInput); \
                    let y = parse_macro_input!(i); }\n";
        let edits = edit_module(Path::new("src/a.rs"), text).expect("parses");
        assert_eq!(
            edits.apply(text),
            "use syn::{DeriveInput}; use procbox::parse_macro_input;\n\
             use procbox::parse_macro_input;\nuse syn::{Data}; use procbox::parse_macro_input;\n\
             fn f(i: TokenStream) { let x = procbox::parse_macro_input!(i as DeriveInput); \
             let y = parse_macro_input!(i); }\n"
        );
        let glob = "use syn::*;\nfn f() { parse_macro_input!(i as DeriveInput); }";
        let edits = edit_module(Path::new("src/a.rs"), glob).expect("parses");
        assert!(
            edits
                .apply(glob)
                .starts_with("use syn::*; use procbox::parse_macro_input;\n")
        );
    }

    #[test]
    fn syn_calls_on_rustc_s_token_stream_take_proc_macro2_s() {
        let text = "fn f(input: TokenStream) {\n\
                    let p = syn::Pat::parse_single.parse(input.clone());\n\
                    let d: DeriveInput = syn::parse(input).unwrap();\n\
                    let e = syn::parse::<Expr>(x);\n\
                    let n: u8 = \"1\".parse().unwrap();\n\
                    let m = self.parse(input);\n\
                    let o = parser.parse(input);\n}";
        let edits = edit_module(Path::new("src/a.rs"), text).expect("parses");
        assert_eq!(
            edits.apply(text),
            "fn f(input: TokenStream) {\n\
             let p = syn::Pat::parse_single.parse2(::procbox::__private::to_proc_macro2(input.clone()));\n\
             let d: DeriveInput = syn::parse2(::procbox::__private::to_proc_macro2(input)).unwrap();\n\
             let e = syn::parse2::<Expr>(::procbox::__private::to_proc_macro2(x));\n\
             let n: u8 = \"1\".parse().unwrap();\n\
             let m = self.parse(input);\n\
             let o = parser.parse(input);\n}"
        );
    }

    #[test]
    fn entry_points_defined_by_macro_rules_are_ported() {
        let text = "macro_rules! derive {\n    ($t:ident => $f:ident) => {\n        \
                    #[proc_macro_derive($t, attributes(z))]\n        \
                    pub fn $f(input: TokenStream) -> TokenStream {\n            \
                    let ast = syn::parse(input).unwrap();\n            \
                    let b = syn::parse_macro_input!(input as DeriveInput);\n            \
                    let p = syn::Pat::parse_single.parse(input);\n            \
                    let s: u8 = \"1\".parse().unwrap();\n            quote!(#ast)\n        }\n    };\n}\n\
                    derive!(A => a);\n";
        let edits = edit_root(Path::new("src/lib.rs"), text, Edition::Later).expect("parses");
        assert_eq!(edits.entry_points, 1);
        let ported = edits.apply(text);
        for expected in [
            "#[procbox::proc_macro_derive($t, attributes(z))]",
            "syn::parse2(::procbox::__private::to_proc_macro2(input)).unwrap()",
            "procbox::parse_macro_input!(input as DeriveInput)",
            "syn::Pat::parse_single.parse2(::procbox::__private::to_proc_macro2(input))",
            "\"1\".parse().unwrap()",
        ] {
            assert!(ported.contains(expected), "{expected} is not in:\n{ported}");
        }
    }

    #[test]
    fn reads_that_need_a_capability_are_found() {
        let text = "fn f() {\n let a = std::env::var(\"CARGO_PKG_NAME\");\n\
                    let b = env::var_os(name);\n let c = fs::read_to_string(p);\n\
                    let d = std::fs::File::open(p);\n let e = self.var(\"X\");\n}";
        let edits = edit_module(Path::new("src/a.rs"), text).expect("parses");
        let needs: Vec<(usize, &str)> = edits
            .needs
            .iter()
            .map(|n| (n.line, n.what.as_str()))
            .collect();
        assert_eq!(
            needs,
            [
                (2, "env CARGO_PKG_NAME"),
                (3, "env"),
                (4, "fs-read"),
                (5, "fs-read")
            ]
        );
    }

    #[test]
    fn entry_attributes_only_at_the_root_and_positions_survive_unicode() {
        let text = "/// é ü\nmod inner { #[proc_macro] fn not_an_entry() {} }\n\
                    /// ünïcödé\n#[proc_macro]\npub fn m() {}\n";
        let edits = edit_root(Path::new("src/lib.rs"), text, Edition::Later).expect("parses");
        assert_eq!(edits.entry_points, 1);
        assert!(
            edits
                .apply(text)
                .contains("/// ünïcödé\n#[procbox::proc_macro]\npub fn m")
        );
    }

    #[test]
    fn entry_attributes_under_cfg_attr_are_ported() {
        let text = "#[cfg_attr(not(test), proc_macro_derive(D, attributes(d)))]\n\
                    pub fn d(i: TokenStream) -> TokenStream { i }\n\
                    #[cfg_attr(all(), cfg_attr(unix, proc_macro))]\n\
                    pub fn m(i: TokenStream) -> TokenStream { i }\n\
                    #[cfg_attr(not(test), inline)]\n\
                    fn helper() {}\n";
        let edits = edit_root(Path::new("src/lib.rs"), text, Edition::Later).expect("parses");
        assert_eq!(edits.entry_points, 2);
        let out = edits.apply(text);
        assert!(
            out.contains("#[cfg_attr(not(test), procbox::proc_macro_derive(D, attributes(d)))]"),
            "{out}"
        );
        assert!(
            out.contains("#[cfg_attr(all(), cfg_attr(unix, procbox::proc_macro))]"),
            "{out}"
        );
        assert!(out.contains("#[cfg_attr(not(test), inline)]"), "{out}");
    }

    #[test]
    fn modules_are_found_where_rustc_looks() {
        let text =
            "mod a;\n#[path = \"other.rs\"] mod b;\nmod c { mod d; }\n#[proc_macro] fn m() {}";
        let edits = edit_root(Path::new("/x/src/lib.rs"), text, Edition::Later).expect("parses");
        assert_eq!(
            edits.modules,
            [
                PathBuf::from("/x/src/a/mod.rs"),
                PathBuf::from("/x/src/other.rs"),
                PathBuf::from("/x/src/c/d/mod.rs"),
            ]
        );
        let edits = edit_module(Path::new("/x/src/a.rs"), "mod e;").expect("parses");
        assert_eq!(edits.modules, [PathBuf::from("/x/src/a/e/mod.rs")]);
    }

    #[test]
    fn unportable_roots_say_why() {
        let edits = edit_root(
            Path::new("lib.rs"),
            "#![feature(proc_macro_span)]\n#[proc_macro] fn m() {}",
            Edition::Later,
        )
        .expect("parses");
        let err = check_root(&edits, "m").expect_err("unstable");
        assert!(
            err.to_string()
                .contains("unstable Rust features (proc_macro_span)"),
            "{err}"
        );
        let edits = edit_root(Path::new("lib.rs"), "fn f() {}", Edition::Later).expect("parses");
        assert!(check_root(&edits, "m").is_err());
        assert!(edit_root(Path::new("lib.rs"), "fn (", Edition::Later).is_err());
    }
}
