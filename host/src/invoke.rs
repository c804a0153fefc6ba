//! Running one macro invocation in an instance, and turning what happened into
//! an [`Expansion`] or an [`Error`].

use std::path::Path;

use proc_macro2::TokenStream;
use wasmtime::{Store, Trap};

use crate::bindings::{ProcMacro, wire};
use crate::component::chain;
use crate::decode::decode;
use crate::deny::Denied;
use crate::diagnostics::{Diagnostic, Level};
use crate::spans::{InvalidSpan, OracleFailed, SpanTable, Spans, TooManySpans};
use crate::state::ExpansionState;
use crate::tokens::{OutputError, flatten};
use crate::{Error, Limits, MacroKind, Result};

/// One use of a macro: which one, and its input.
#[derive(Clone, Copy, Debug)]
pub struct Invocation<'a> {
    pub(crate) kind: MacroKind,
    pub(crate) name: &'a str,
    pub(crate) input: &'a TokenStream,
    pub(crate) args: Option<&'a TokenStream>,
    pub(crate) source_file: Option<&'a Path>,
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
    /// so far (memory does not shrink).
    pub memory_bytes: usize,
}

impl Expansion {
    /// Whether any diagnostic is an error.
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(|d| d.level == Level::Error)
    }
}

/// Which component and macro an error is about.
pub(crate) struct Site<'a> {
    pub(crate) component: &'a str,
    pub(crate) name: &'a str,
}

/// Runs `invocation` in `instance`, whose store is fresh or reset.
pub(crate) fn run(
    store: &mut Store<ExpansionState>,
    instance: &ProcMacro,
    site: &Site<'_>,
    limits: &Limits,
    invocation: &Invocation<'_>,
) -> Result<Expansion> {
    let mut spans = SpanTable::new();
    spans.source_file = invocation.source_file.map(Path::to_path_buf);
    let input = flatten(invocation.input, &mut spans);
    let args = invocation.args.map(|args| flatten(args, &mut spans));
    *store.data_mut().spans = Spans::Local(spans);
    let expansion = call(
        store,
        instance,
        site,
        limits,
        invocation.name,
        &input,
        args.as_ref(),
    )?;
    let state = store.data();
    let Spans::Local(spans) = &*state.spans else {
        return Err(invalid_output(
            site,
            "internal: the span table changed hands".into(),
        ));
    };
    let output_tokens = expansion.tokens.tokens.len();
    let (tokens, diagnostics) =
        decode(expansion, spans, limits).map_err(|e| output_error(site, e))?;
    let stats = ExpansionStats {
        input_tokens: input.tokens.len() + args.as_ref().map_or(0, |a| a.tokens.len()),
        output_tokens,
        span_queries: state.span_queries,
        memory_bytes: state.limiter.size,
    };
    Ok(Expansion {
        tokens,
        diagnostics,
        stats,
    })
}

/// Calls the guest's `expand` with the flat input, whose spans the store's
/// span table holds.
pub(crate) fn call(
    store: &mut Store<ExpansionState>,
    instance: &ProcMacro,
    site: &Site<'_>,
    limits: &Limits,
    name: &str,
    input: &wire::TokenStream,
    args: Option<&wire::TokenStream>,
) -> Result<wire::Expansion> {
    instance
        .procbox_proc_macro_macros()
        .call_expand(&mut *store, name, input, args)
        .map_err(|e| classify(e, store.data(), site, limits))
}

/// The error for output the host refuses.
pub(crate) fn output_error(site: &Site<'_>, error: OutputError) -> Error {
    match error {
        OutputError::TooLarge(what, limit) => Error::OutputTooLarge {
            component: site.component.to_owned(),
            name: site.name.to_owned(),
            what,
            limit,
        },
        OutputError::Invalid(reason) => invalid_output(site, reason),
    }
}

fn invalid_output(site: &Site<'_>, reason: String) -> Error {
    Error::InvalidOutput {
        component: site.component.to_owned(),
        name: site.name.to_owned(),
        reason,
    }
}

/// Turns a failed call into the error that says what happened.
pub(crate) fn classify(
    error: wasmtime::Error,
    state: &ExpansionState,
    site: &Site<'_>,
    limits: &Limits,
) -> Error {
    let component = site.component.to_owned();
    let name = site.name.to_owned();
    // Running out of memory aborts without a panic message, and a panic that
    // follows a refused allocation is a consequence of it: the limit first.
    if state.limiter.exceeded {
        return Error::MemoryLimit {
            component,
            name,
            limit: limits.memory,
        };
    }
    if let Some(panic) = &state.panic {
        return Error::GuestPanic {
            component,
            name,
            message: panic.message.clone(),
            location: panic.location.clone(),
        };
    }
    if let Some(denied) = error.downcast_ref::<Denied>() {
        return Error::Denied {
            component,
            name,
            interface: denied.interface.clone(),
            function: denied.function.clone(),
        };
    }
    if let Some((interface, function)) = undeclared_call(&error) {
        return Error::Undeclared {
            component,
            name,
            interface,
            function,
        };
    }
    if let Some(span) = error.downcast_ref::<InvalidSpan>() {
        return invalid_output(site, format!("it queried {span}"));
    }
    if error.downcast_ref::<TooManySpans>().is_some() {
        return invalid_output(site, chain(&error));
    }
    if let Some(OracleFailed(reason)) = error.downcast_ref::<OracleFailed>() {
        return Error::SpanQuery {
            component,
            name,
            reason: reason.clone(),
        };
    }
    if hostcall_fuel_exhausted(&error) {
        let limit = limits.hostcall_fuel();
        return Error::OutputTooLarge {
            component,
            name,
            // Its result, or the arguments of a call it made to the host.
            what: "more bytes than the host copies out of one call (its output limits together)"
                .to_owned(),
            limit,
        };
    }
    if let Some(Trap::Interrupt) = error.downcast_ref::<Trap>() {
        return Error::Timeout {
            component,
            name,
            limit: limits.timeout,
        };
    }
    Error::Trap {
        component,
        name,
        message: chain(&error),
    }
}

/// Whether wasmtime stopped copying data out of the guest at the store's
/// hostcall fuel ([`Limits::hostcall_fuel`]). Its error type is private: the
/// message is all there is (`a_result_over_the_hostcall_fuel_is_too_large` in
/// the attack tests fails if it changes).
fn hostcall_fuel_exhausted(error: &wasmtime::Error) -> bool {
    error
        .chain()
        .any(|cause| cause.to_string().contains("fuel allocated for hostcalls"))
}

/// The undeclared import a trap happened in: `procbox-ld` names the function
/// standing in for it `procbox-undeclared:<interface>#<function>`.
fn undeclared_call(error: &wasmtime::Error) -> Option<(String, String)> {
    let backtrace = error.downcast_ref::<wasmtime::WasmBacktrace>()?;
    let frame = backtrace.frames().first()?;
    let stub = frame
        .func_name()?
        .strip_prefix(procbox_protocol::world::UNDECLARED_PREFIX)?;
    let (interface, function) = stub.split_once('#')?;
    Some((interface.to_owned(), function.to_owned()))
}
