//! [`Error`]: everything that can go wrong loading a component or expanding a macro.

use std::path::PathBuf;
use std::time::Duration;

use procbox_protocol::{FailureKind, MacroKind};

/// A failure to load a macro component or to expand one of its macros.
///
/// Every variant names the component (its file name, or the name given to
/// [`Host::load_bytes`](crate::Host::load_bytes)) and, during an expansion,
/// the macro.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The component file could not be read.
    #[error("cannot read macro component {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },

    /// The bytes are not a procbox macro component.
    #[error("{component} is not a procbox macro component: {reason}")]
    BadComponent {
        /// The component.
        component: String,
        /// What is wrong, and what to do.
        reason: String,
    },

    /// The bytes given to [`Host::load_checked_bytes`](crate::Host::load_checked_bytes)
    /// are not the component its hash names: it changed since it was checked.
    #[error(
        "{component} is not the component it was checked as: its SHA-256 is {actual}, not \
         {expected}; if it changed on purpose, review the new version (`procbox review`) and \
         check it again"
    )]
    HashMismatch {
        /// The component.
        component: String,
        /// The SHA-256 it was loaded as (lowercase).
        expected: String,
        /// The SHA-256 of its bytes.
        actual: String,
    },

    /// No macro of that name and kind in the component.
    #[error("{component} has no {kind} macro named `{name}` (it has: {available})")]
    UnknownMacro {
        /// The component.
        component: String,
        /// The name asked for.
        name: String,
        /// The kind asked for.
        kind: MacroKind,
        /// The macros it does have, for the message.
        available: String,
    },

    /// The macro panicked.
    #[error("macro `{name}` in {component} panicked at {location}: {message}")]
    GuestPanic {
        /// The component.
        component: String,
        /// The macro.
        name: String,
        /// The panic message (truncated to a few KiB).
        message: String,
        /// `file:line:column` in the macro's source.
        location: String,
    },

    /// The macro ran past the time limit.
    #[error(
        "macro `{name}` in {component} ran longer than its time limit of {limit:?}; \
         if the input is just large, raise `Limits::timeout`"
    )]
    Timeout {
        /// The component.
        component: String,
        /// The macro.
        name: String,
        /// The limit.
        limit: Duration,
    },

    /// The macro tried to use more memory than allowed.
    #[error(
        "macro `{name}` in {component} tried to use more than its memory limit of {limit} bytes; \
         if the input is just large, raise `Limits::memory`"
    )]
    MemoryLimit {
        /// The component.
        component: String,
        /// The macro.
        name: String,
        /// The limit in bytes.
        limit: usize,
    },

    /// The macro called an import it was not granted.
    #[error(
        "macro `{name}` in {component} used `{interface}` (function `{function}`), \
         which it was not granted; procbox macros get no WASI access unless it is declared and granted"
    )]
    Denied {
        /// The component.
        component: String,
        /// The macro.
        name: String,
        /// The interface, e.g. `wasi:cli/stdout@0.2.6`.
        interface: String,
        /// The function called.
        function: String,
    },

    /// The macro declares a capability the embedder did not grant; nothing
    /// ran.
    #[error(
        "macro `{name}` in {component} needs the `{capability}` capability, which is not granted; \
         grant it with `{how}` (procbox_host::Grants) if you trust the macro with it"
    )]
    NotGranted {
        /// The component.
        component: String,
        /// The macro.
        name: String,
        /// The capability.
        capability: procbox_protocol::Capability,
        /// The builder call that grants it.
        how: &'static str,
    },

    /// The macro called a WASI function of an interface it did not declare:
    /// `procbox-ld` linked it to a function that traps.
    #[error(
        "macro `{name}` in {component} used `{interface}` (function `{function}`), which it did not declare; \
         if it needs it, declare the capability in [package.metadata.procbox] of the macro's Cargo.toml"
    )]
    Undeclared {
        /// The component.
        component: String,
        /// The macro.
        name: String,
        /// The interface, e.g. `wasi:cli/stdout@0.2.0`.
        interface: String,
        /// The function called.
        function: String,
    },

    /// The macro trapped (a bug in it, or it was compiled with `panic=abort`
    /// and the panic message was lost).
    #[error("macro `{name}` in {component} trapped: {message}")]
    Trap {
        /// The component.
        component: String,
        /// The macro.
        name: String,
        /// The trap, with its wasm backtrace when available.
        message: String,
    },

    /// The macro returned something that is not a valid token stream
    /// (a malformed identifier or literal, a forged span handle, ...).
    #[error("macro `{name}` in {component} returned invalid output: {reason}")]
    InvalidOutput {
        /// The component.
        component: String,
        /// The macro.
        name: String,
        /// What is wrong with it.
        reason: String,
    },

    /// The macro returned more tokens, text or diagnostics than allowed, or
    /// more data than the host copies out of one call (a budget derived from
    /// the same limits).
    #[error(
        "macro `{name}` in {component} returned {what}, over its limit of {limit}; \
         if that is expected, raise `Limits::output_tokens`, `Limits::output_text` or \
         `Limits::output_diagnostics`"
    )]
    OutputTooLarge {
        /// The component.
        component: String,
        /// The macro.
        name: String,
        /// How much it returned.
        what: String,
        /// The limit.
        limit: usize,
    },

    /// The caller's [`SpanOracle`](crate::SpanOracle) could not answer one of
    /// the macro's span queries, or answered out of turn
    /// ([`MacroComponent::expand_flat`](crate::MacroComponent::expand_flat)).
    #[error("a span query of macro `{name}` in {component} could not be answered: {reason}")]
    SpanQuery {
        /// The component.
        component: String,
        /// The macro.
        name: String,
        /// What went wrong.
        reason: String,
    },

    /// No instance could be started: as many were alive as the host's
    /// instance pool has slots ([`HostBuilder::max_instances`]).
    ///
    /// [`HostBuilder::max_instances`]: crate::HostBuilder::max_instances
    #[error(
        "cannot start an instance of {component} for `{name}`: {limit} instances are alive, \
         as many as the host's instance pool holds; drop the MacroInstances you no longer need, \
         or raise HostBuilder::max_instances"
    )]
    TooManyInstances {
        /// The component.
        component: String,
        /// The macro (or what the instance was for).
        name: String,
        /// The pool's size.
        limit: u32,
    },

    /// The host is offline ([`ExpansionCache::offline`]) and the expansion
    /// is not in its cache (or its entry no longer fits: the input's spans,
    /// or a file the macro read, changed).
    ///
    /// [`ExpansionCache::offline`]: crate::ExpansionCache::offline
    #[error(
        "macro `{name}` in {component} was not run: procbox is offline (PROCBOX_OFFLINE=1) and \
         {dir} has no recorded expansion of this {kind} invocation ({input}); record it by \
         building once online with the same PROCBOX_EXPANSIONS, then commit the new entry"
    )]
    Offline {
        /// The component.
        component: String,
        /// The macro.
        name: String,
        /// Its kind.
        kind: MacroKind,
        /// The start of the invocation's input.
        input: String,
        /// The expansions directory.
        dir: PathBuf,
    },

    /// The wasmtime engine could not be set up with this configuration.
    #[error("cannot set up the procbox engine: {0}")]
    Engine(String),
}

/// `procbox_host`'s result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// The macro's own panic message, when it panicked: what rustc would
    /// print for a native macro's panic (a shim inside rustc reports it so).
    pub fn panic_message(&self) -> Option<&str> {
        match self {
            Error::GuestPanic { message, .. } => Some(message),
            _ => None,
        }
    }

    /// The protocol's name for this kind of failure, for a server that
    /// reports it to its client (`procbox serve`).
    pub fn failure_kind(&self) -> FailureKind {
        match self {
            Error::Io { .. } => FailureKind::Io,
            Error::BadComponent { .. } => FailureKind::BadComponent,
            Error::HashMismatch { .. } => FailureKind::HashMismatch,
            Error::UnknownMacro { .. } => FailureKind::UnknownMacro,
            Error::GuestPanic { .. } => FailureKind::GuestPanic,
            Error::Timeout { .. } => FailureKind::Timeout,
            Error::MemoryLimit { .. } => FailureKind::MemoryLimit,
            Error::Denied { .. } => FailureKind::Denied,
            Error::NotGranted { .. } => FailureKind::NotGranted,
            Error::Undeclared { .. } => FailureKind::Undeclared,
            Error::Trap { .. } => FailureKind::Trap,
            Error::InvalidOutput { .. } => FailureKind::InvalidOutput,
            Error::OutputTooLarge { .. } => FailureKind::OutputTooLarge,
            Error::SpanQuery { .. } => FailureKind::Protocol,
            Error::TooManyInstances { .. } => FailureKind::TooManyInstances,
            Error::Engine(_) => FailureKind::Engine,
            Error::Offline { .. } => FailureKind::Offline,
        }
    }
}
/// An error and its causes, on one line.
pub(crate) fn chain(error: &wasmtime::Error) -> String {
    error
        .chain()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(": ")
}
