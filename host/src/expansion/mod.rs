//! Running one expansion in an instance: the invocation and its result
//! ([`Invocation`], [`Expansion`]), the store the guest runs in ([`store`]),
//! the call with `proc_macro2` tokens ([`run`]) or flat ones ([`flat`]), and
//! what a failed call means ([`classify`]).

pub(crate) mod classify;
pub(crate) mod flat;
pub(crate) mod run;
pub(crate) mod store;

use std::path::Path;

use proc_macro2::TokenStream;

use procbox_protocol::MacroKind;

use crate::codec::diagnostics::{Diagnostic, Level};

/// One use of a macro: which one, and its input.
#[derive(Clone, Copy, Debug)]
pub struct Invocation<'a> {
    pub(crate) kind: MacroKind,
    pub(crate) name: &'a str,
    pub(crate) input: &'a TokenStream,
    pub(crate) args: Option<&'a TokenStream>,
    pub(crate) source_file: Option<&'a Path>,
    pub(crate) cached: bool,
}

impl<'a> Invocation<'a> {
    /// `#[derive(name)]` on `item`.
    pub fn derive(name: &'a str, item: &'a TokenStream) -> Invocation<'a> {
        Invocation {
            kind: MacroKind::Derive,
            name,
            input: item,
            args: None,
            source_file: None,
            cached: true,
        }
    }

    /// `#[name(args)]` on `item`.
    pub fn attribute(
        name: &'a str,
        args: &'a TokenStream,
        item: &'a TokenStream,
    ) -> Invocation<'a> {
        Invocation {
            kind: MacroKind::Attribute,
            name,
            input: item,
            args: Some(args),
            source_file: None,
            cached: true,
        }
    }

    /// `name!(input)`.
    pub fn function(name: &'a str, input: &'a TokenStream) -> Invocation<'a> {
        Invocation {
            kind: MacroKind::Function,
            name,
            input,
            args: None,
            source_file: None,
            cached: true,
        }
    }

    /// Names the file the input was parsed from, for an embedder that
    /// parsed it itself, outside rustc (as `procbox expand` does): the macro's
    /// `Span::file` then answers `path` and `Span::local_file` `Some(path)`,
    /// for every span, where they would answer with `proc_macro2`'s
    /// `<parsed string N>` and `None`. Inside rustc, leave it unset: the
    /// compiler's spans know their files.
    ///
    /// ```
    /// use std::path::Path;
    ///
    /// use proc_macro2::TokenStream;
    /// use procbox_host::{Invocation, MacroComponent, Result};
    ///
    /// /// Expands `location!(input)`, which the user wrote in `src/lib.rs`.
    /// fn location(component: &MacroComponent, input: &TokenStream) -> Result<TokenStream> {
    ///     let invocation = Invocation::function("location", input).in_file(Path::new("src/lib.rs"));
    ///     Ok(component.expand(&invocation)?.tokens)
    /// }
    /// ```
    pub fn in_file(self, path: &'a Path) -> Invocation<'a> {
        Invocation {
            source_file: Some(path),
            ..self
        }
    }

    /// Runs the macro even if the host's
    /// [`ExpansionCache`](crate::ExpansionCache) has the expansion, and
    /// records nothing: the cache switched off for this call.
    pub fn uncached(self) -> Invocation<'a> {
        Invocation {
            cached: false,
            ..self
        }
    }
}

/// The result of a successful expansion.
#[derive(Clone, Debug)]
pub struct Expansion {
    /// The tokens to substitute for the invocation (for a derive: to add
    /// after the item), with spans that point into the input where the macro
    /// kept them.
    pub tokens: TokenStream,
    /// What the macro reported: diagnostics it emitted, then the
    /// `compile_error!`s in `tokens`.
    pub diagnostics: Vec<Diagnostic>,
    /// What crossed the boundary, and the memory it took.
    pub stats: ExpansionStats,
    /// The granted files and directories the macro read (absolute paths),
    /// for a build that should expand again when they change.
    pub files_read: Vec<String>,
}

/// What crossed the sandbox boundary in one expansion, and the memory it
/// took.
///
/// Token streams cross in bulk (one call in, one result out, whatever their
/// size); the only other calls are the macro's own span queries.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ExpansionStats {
    /// Tokens sent to the macro (input and attribute arguments).
    pub input_tokens: usize,
    /// Tokens it returned.
    pub output_tokens: usize,
    /// Calls it made to the host's span queries.
    pub span_queries: u64,
    /// The size of the instance's linear memory after the expansion, in
    /// bytes: what the macro needed, or, for a reused instance, has needed
    /// so far (memory does not shrink). 0 for a replayed expansion.
    pub memory_bytes: usize,
    /// Whether the expansion was replayed from the host's
    /// [`ExpansionCache`](crate::ExpansionCache) rather than run; its span
    /// queries were then asked again, and answered as recorded.
    pub replayed: bool,
}

impl Expansion {
    /// Whether any diagnostic is an error.
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(|d| d.level == Level::Error)
    }
}
