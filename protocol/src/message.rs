//! The messages between a client (the shim inside rustc) and `procbox
//! serve`.
//!
//! A session, over the server's stdin and stdout:
//!
//! 1. The client sends [`ClientMessage::Hello`] with its protocol version;
//!    the server answers [`ServerMessage::Hello`] with its own (and its
//!    procbox version). If they differ, the client reports it and stops.
//! 2. [`ClientMessage::Load`] sends a component's bytes once, with the
//!    SHA-256 they were reviewed as; the server checks them and answers
//!    [`ServerMessage::Loaded`] or [`ServerMessage::Failed`].
//! 3. Each [`ClientMessage::Expand`] runs one macro. While it runs, the
//!    server may send [`ServerMessage::SpanQuery`]s, each answered by one
//!    [`ClientMessage::SpanAnswer`] (the client owns the spans: inside rustc
//!    they are the compiler's). It ends with [`ServerMessage::Expanded`] or
//!    [`ServerMessage::Failed`].
//!
//! The server exits when its stdin ends.

use std::fmt;

use crate::grants::Grants;
use crate::tree::{Span, TokenStream};

/// The kind of a procedural macro.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum MacroKind {
    /// `#[proc_macro_derive]`, used as `#[derive(Name)]`.
    Derive,
    /// `#[proc_macro_attribute]`, used as `#[name(args)]`.
    Attribute,
    /// `#[proc_macro]`, used as `name!(...)`.
    Function,
}

impl fmt::Display for MacroKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            MacroKind::Derive => "derive",
            MacroKind::Attribute => "attribute",
            MacroKind::Function => "function-like",
        })
    }
}

/// How serious a diagnostic is.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum Level {
    /// Compilation fails.
    Error,
    /// A warning.
    Warning,
    /// A note on the diagnostic before it.
    Note,
    /// A suggestion on the diagnostic before it.
    Help,
}

/// A message a macro emitted about the user's code (`compile_error!`s are
/// not among them: they are in the tokens).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// How serious it is.
    pub level: Level,
    /// The message.
    pub message: String,
    /// Where it applies; empty means the call site.
    pub spans: Vec<Span>,
}

/// The client's first message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClientHello {
    /// The protocol version it speaks ([`crate::PROTOCOL_VERSION`]).
    pub version: u32,
}

/// The server's answer to [`ClientHello`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServerHello {
    /// The protocol version it speaks.
    pub version: u32,
    /// Its procbox version, for messages (`0.1.0`).
    pub procbox: String,
}

/// A component's bytes, sent once per server.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Load {
    /// The client's number for it, used by [`Expand::component`].
    pub component: u32,
    /// Its name in messages (the `.wasm` file's name).
    pub name: String,
    /// The SHA-256 it was reviewed as (lowercase hex): bytes with another
    /// hash are refused.
    pub sha256: String,
    /// The component.
    pub bytes: Vec<u8>,
}

/// One macro invocation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Expand {
    /// A component loaded earlier ([`Load::component`]).
    pub component: u32,
    /// The macro's kind.
    pub kind: MacroKind,
    /// The macro's name.
    pub name: String,
    /// Its input: the item, or what is inside `name!(...)`.
    pub input: TokenStream,
    /// An attribute macro's arguments (inside `#[name(...)]`).
    pub args: Option<TokenStream>,
    /// How many spans the client holds for it: handles `0..span_count`
    /// ([`CALL_SITE`](crate::tree::CALL_SITE),
    /// [`MIXED_SITE`](crate::tree::MIXED_SITE), then those of the input and
    /// arguments).
    pub span_count: u32,
    /// The wall-clock limit, in milliseconds: past it the server ends the
    /// expansion with a [`FailureKind::Timeout`] (and may end itself).
    pub timeout_ms: u32,
    /// What it is granted (the server resolves what is left to resolve in
    /// its own environment; a shim sends them resolved).
    pub grants: Grants,
    /// The file being expanded, where known (for messages).
    pub file: Option<String>,
}

/// A question about a span, asked while a macro runs: one per function of
/// the WIT `spans` interface.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum SpanQuery {
    /// The source text behind the span, if any. Answer: [`SpanAnswer::MaybeText`].
    SourceText(Span),
    /// An empty span at its start. Answer: [`SpanAnswer::Span`].
    Start(Span),
    /// An empty span at its end. Answer: [`SpanAnswer::Span`].
    End(Span),
    /// Its 1-based line. Answer: [`SpanAnswer::Number`].
    Line(Span),
    /// Its 1-based column, in characters. Answer: [`SpanAnswer::Number`].
    Column(Span),
    /// Its file, for display. Answer: [`SpanAnswer::Text`].
    File(Span),
    /// Its file on the local file system, if any. Answer: [`SpanAnswer::MaybeText`].
    LocalFile(Span),
    /// A span covering both, if they can be joined. Answer: [`SpanAnswer::MaybeSpan`].
    Join(Span, Span),
    /// The first with the second's name resolution. Answer: [`SpanAnswer::Span`].
    ResolvedAt(Span, Span),
    /// The second's name resolution at the first's location. Answer: [`SpanAnswer::Span`].
    LocatedAt(Span, Span),
}

impl SpanQuery {
    /// Whether `answer` has the type this query is answered with.
    pub fn fits(&self, answer: &SpanAnswer) -> bool {
        matches!(
            (self, answer),
            (
                SpanQuery::SourceText(_) | SpanQuery::LocalFile(_),
                SpanAnswer::MaybeText(_)
            ) | (SpanQuery::File(_), SpanAnswer::Text(_))
                | (
                    SpanQuery::Line(_) | SpanQuery::Column(_),
                    SpanAnswer::Number(_)
                )
                | (SpanQuery::Join(..), SpanAnswer::MaybeSpan(_))
                | (
                    SpanQuery::Start(_)
                        | SpanQuery::End(_)
                        | SpanQuery::ResolvedAt(..)
                        | SpanQuery::LocatedAt(..),
                    SpanAnswer::Span(_)
                )
        )
    }

    /// The spans the query is about.
    pub fn spans(&self) -> (Span, Option<Span>) {
        match *self {
            SpanQuery::SourceText(s)
            | SpanQuery::Start(s)
            | SpanQuery::End(s)
            | SpanQuery::Line(s)
            | SpanQuery::Column(s)
            | SpanQuery::File(s)
            | SpanQuery::LocalFile(s) => (s, None),
            SpanQuery::Join(a, b) | SpanQuery::ResolvedAt(a, b) | SpanQuery::LocatedAt(a, b) => {
                (a, Some(b))
            }
        }
    }
}

/// The answer to a [`SpanQuery`]. A new span is a new handle in the client's
/// table: the next one after every handle so far.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum SpanAnswer {
    /// A span.
    Span(Span),
    /// A span, or none.
    MaybeSpan(Option<Span>),
    /// A line or column.
    Number(u32),
    /// A file name.
    Text(String),
    /// Source text or a local file, or none.
    MaybeText(Option<String>),
}

/// A successful expansion.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Expanded {
    /// The output tokens, checked by the server (valid identifiers,
    /// punctuation, literals and group lengths; span handles the client
    /// made).
    pub tokens: TokenStream,
    /// What the macro emitted besides its tokens.
    pub diagnostics: Vec<Diagnostic>,
    /// The granted files and directories the macro read (absolute paths),
    /// so the client can tell the build to expand again when they change.
    pub files_read: Vec<String>,
}

/// What went wrong, as `procbox_host::Error`'s variants name it, plus the
/// protocol's own failures.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum FailureKind {
    /// A file could not be read.
    Io,
    /// The bytes are not a procbox macro component.
    BadComponent,
    /// The bytes are not the component their reviewed SHA-256 names.
    HashMismatch,
    /// No macro of that name and kind.
    UnknownMacro,
    /// The macro panicked.
    GuestPanic,
    /// The macro ran past its time limit.
    Timeout,
    /// The macro tried to use more memory than allowed.
    MemoryLimit,
    /// The macro called an import it was not granted.
    Denied,
    /// The macro declares a capability that was not granted.
    NotGranted,
    /// The macro called a WASI function it did not declare.
    Undeclared,
    /// The macro trapped.
    Trap,
    /// The macro returned an invalid token stream.
    InvalidOutput,
    /// The macro returned more than the limits allow.
    OutputTooLarge,
    /// Too many instances at once.
    TooManyInstances,
    /// The engine could not be set up.
    Engine,
    /// A message out of order, or about something unknown (a component that
    /// was not loaded, a span the client never made).
    Protocol,
    /// Offline (`PROCBOX_OFFLINE=1`), and the expansion is not in the cache.
    Offline,
}

/// A failed request: its kind, and the whole message for the user (it names
/// the component and the macro, and says what to do).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Failure {
    /// What kind of failure.
    pub kind: FailureKind,
    /// The message.
    pub message: String,
    /// The macro's own panic message, when it panicked
    /// ([`FailureKind::GuestPanic`]): a shim inside rustc reports it as rustc
    /// reports a native macro's panic, word for word.
    pub panic: Option<String>,
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Failure {}

/// A message from the client to the server.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ClientMessage {
    /// The first message.
    Hello(ClientHello),
    /// A component to load.
    Load(Load),
    /// A macro to run.
    Expand(Expand),
    /// The answer to the server's last [`ServerMessage::SpanQuery`].
    SpanAnswer(SpanAnswer),
}

/// A message from the server to the client.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ServerMessage {
    /// The answer to [`ClientMessage::Hello`].
    Hello(ServerHello),
    /// The component [`Load::component`] is ready.
    Loaded(u32),
    /// A question about a span of the running expansion.
    SpanQuery(SpanQuery),
    /// The expansion's result.
    Expanded(Expanded),
    /// The last `Load` or `Expand` failed.
    Failed(Failure),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_query_fits_one_kind_of_answer() {
        let answers = [
            SpanAnswer::Span(2),
            SpanAnswer::MaybeSpan(None),
            SpanAnswer::Number(1),
            SpanAnswer::Text(String::new()),
            SpanAnswer::MaybeText(None),
        ];
        let queries = [
            SpanQuery::SourceText(0),
            SpanQuery::Start(0),
            SpanQuery::End(0),
            SpanQuery::Line(0),
            SpanQuery::Column(0),
            SpanQuery::File(0),
            SpanQuery::LocalFile(0),
            SpanQuery::Join(0, 1),
            SpanQuery::ResolvedAt(0, 1),
            SpanQuery::LocatedAt(0, 1),
        ];
        for query in queries {
            let fitting = answers.iter().filter(|a| query.fits(a)).count();
            assert_eq!(fitting, 1, "{query:?}");
        }
    }
}
