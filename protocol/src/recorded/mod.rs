//! Recorded expansions: the entries of procbox's expansion cache, shared by
//! the host that records and replays them and by the shim, which replays
//! an entry inside rustc without starting a server.
//!
//! An [`Entry`] is what a macro returned for an input, with what it learned
//! besides its input: its span queries and their answers, and the granted
//! files it read. Its [`key`] indexes it; the entry itself holds everything
//! the key was made of, compared exactly, so the key is only an index. A
//! lookup [asks the queries again](replay) about the new input and replays
//! the output only if every answer is the same, its span handles mapped to
//! the new input's.
//!
//! The file format ([`Entry::to_text`], [`Entry::parse`]) is text a reviewer
//! can read:
//!
//! ```text
//! procbox expansion 3
//! checksum 5d0b2c9e…
//! key 3f9a…
//! macro derive ToJson
//! component "json_derive.wasm" sha256 9c1e…
//! expanded at "src/lib.rs:12"
//! grants "none"
//! span queries 1
//! line #4 = 12
//! files read 0
//! input 1
//! struct Point { x: i32 }
//! output 3
//! impl ToJson for Point {
//! …
//! input tokens 6
//! ident #2 struct
//! …
//! arguments none
//! spans 10
//! tokens 9
//! ident #0 impl
//! group { #2 #3 #4 5
//! literal #9 "\"x\""
//! diagnostics 0
//! ```
//!
//! The checksum covers everything after its line, so a torn, truncated or
//! edited entry is ignored. `input` and `output` are for people; the rest
//! is what lookup compares and replay returns, with span handles (`#N`).

mod key;
mod quote;
mod replay;
mod text;

use crate::message::{Diagnostic, MacroKind, SpanAnswer, SpanQuery};
use crate::tree::TokenStream;

pub use key::{Key, Subject, grants_text};
pub use replay::{HandleMap, ask_again};

/// The first line of every entry: the format, and its version.
pub const FORMAT: &str = "procbox expansion 3";

/// How many entries one key may have. Invocations with the same subject
/// whose span queries get different answers (a `line!`-like macro at two
/// lines, one asking for its file in two files) each need their own; a
/// lookup tries every variant, and a new one takes a free slot, the slot of
/// a variant with the same queries and answers (which it replaces), or the
/// least recently used.
pub const VARIANTS: u32 = 4;

/// The file name of variant `variant` (below [`VARIANTS`]) of the entry
/// for `key`, of macro `name`.
pub fn file_name(name: &str, key: &Key, variant: u32) -> String {
    match variant {
        0 => format!("{name}-{key}.{EXTENSION}"),
        n => format!("{name}-{key}-{n}.{EXTENSION}"),
    }
}

/// The extension of entry files.
pub const EXTENSION: &str = "expansion";

/// One recorded expansion.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    /// Its index ([`Key::new`] of the fields below).
    pub key: Key,
    /// The macro's kind.
    pub kind: MacroKind,
    /// The macro's name.
    pub name: String,
    /// The component's name, for people.
    pub component: String,
    /// The component's SHA-256, lowercase hex.
    pub component_hash: String,
    /// Where the macro was first expanded (`file:line`), where known.
    pub expanded_at: Option<String>,
    /// The resolved grants ([`grants_text`]).
    pub grants: String,
    /// The span queries the macro made, with their answers, in order.
    pub queries: Vec<(SpanQuery, SpanAnswer)>,
    /// The granted files and directories it read.
    pub files: Vec<FileRead>,
    /// The input as source text, for people.
    pub input_text: String,
    /// The output as source text, for people.
    pub output_text: String,
    /// The input, exactly (span handles as the caller numbered them).
    pub input: TokenStream,
    /// An attribute macro's arguments, exactly.
    pub args: Option<TokenStream>,
    /// How many span handles the input had (the call site and mixed site
    /// included).
    pub span_count: u32,
    /// What the macro returned: its tokens.
    pub tokens: TokenStream,
    /// What the macro returned: its diagnostics.
    pub diagnostics: Vec<Diagnostic>,
}

/// A path an expansion read, and what was there.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileRead {
    /// The path, absolute.
    pub path: String,
    /// What was there.
    pub fingerprint: Fingerprint,
}

/// What was at a path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Fingerprint {
    /// A file with this SHA-256 (lowercase hex).
    File(String),
    /// A directory whose listing (names and kinds) has this SHA-256.
    Dir(String),
    /// Nothing (the macro looked, and found nothing).
    Absent,
}

impl Entry {
    /// Whether this entry records an expansion of exactly `subject`: same
    /// macro, component, grants and input tokens (spans aside).
    pub fn is_for(&self, subject: &Subject<'_>) -> bool {
        self.kind == subject.kind
            && self.name == subject.name
            && self.component_hash == subject.component_hash
            && self.grants == subject.grants
            && self.span_count == subject.span_count
            && same_tokens(&self.input, subject.input)
            && match (&self.args, subject.args) {
                (Some(a), Some(b)) => same_tokens(a, b),
                (None, None) => true,
                _ => false,
            }
    }
}

/// Whether two streams have the same tokens (kinds, delimiters, spacing,
/// text), whatever their spans and text layout.
pub fn same_tokens(a: &TokenStream, b: &TokenStream) -> bool {
    use crate::tree::Token;
    a.tokens.len() == b.tokens.len()
        && a.tokens.iter().zip(&b.tokens).all(|pair| match pair {
            (Token::Group(x), Token::Group(y)) => x.delimiter == y.delimiter && x.len == y.len,
            (Token::Ident(x), Token::Ident(y)) => {
                x.is_raw == y.is_raw && a.text_of(x.text) == b.text_of(y.text)
            }
            (Token::Punct(x), Token::Punct(y)) => x.ch == y.ch && x.spacing == y.spacing,
            (Token::Literal(x), Token::Literal(y)) => a.text_of(x.text) == b.text_of(y.text),
            _ => false,
        })
}
