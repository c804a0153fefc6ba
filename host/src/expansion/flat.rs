//! Expanding flat token streams whose spans the caller holds: what `procbox
//! serve` does for the shim inside rustc, which keeps the compiler's spans
//! and answers the macro's span queries about them.
//!
//! The input arrives in the protocol's flat layout with the caller's span
//! handles; the output leaves in the same layout, checked as thoroughly as
//! [`MacroComponent::expand`](crate::MacroComponent::expand) checks its
//! output, with handles the caller made.

use super::classify::Site;
use super::run::output_error;
use crate::bindings::wire;
use crate::codec::decode::decode_flat;
use crate::codec::layout::{diagnostic_from_wire, from_wire};
use crate::imports::spans::Spans;
use crate::{ExpansionStats, Limits, Result};
use procbox_protocol::{self as protocol, MacroKind};

/// One use of a macro, in the protocol's flat layout.
#[derive(Clone, Debug)]
pub struct FlatInvocation {
    /// The macro's kind.
    pub kind: MacroKind,
    /// The macro's name.
    pub name: String,
    /// Its input.
    pub input: protocol::TokenStream,
    /// An attribute macro's arguments.
    pub args: Option<protocol::TokenStream>,
    /// How many spans the caller holds: handles `0..span_count` (the call
    /// site, the mixed site, then those of the input and arguments).
    pub span_count: u32,
    /// Where the invocation is, for people reading the expansion cache
    /// (e.g. `src/lib.rs`), where known.
    pub file: Option<String>,
    /// Whether the host's [`ExpansionCache`](crate::ExpansionCache) may
    /// answer (and record) this expansion: true unless the caller wants
    /// the macro to run.
    pub cached: bool,
}

/// The result of a successful flat expansion.
#[derive(Clone, Debug)]
pub struct FlatExpansion {
    /// The output tokens, checked; their span handles are the caller's.
    pub tokens: protocol::TokenStream,
    /// What the macro emitted besides its tokens (`compile_error!`s are in
    /// the tokens, not here).
    pub diagnostics: Vec<protocol::Diagnostic>,
    /// What crossed the boundary.
    pub stats: ExpansionStats,
    /// The granted files and directories the macro read (absolute paths),
    /// for a build that should expand again when they change.
    pub files_read: Vec<String>,
}

/// The guest's `expansion` checked against the caller's spans in `spans`,
/// in the protocol's layout.
pub(crate) fn finish_flat(
    expansion: wire::Expansion,
    spans: &Spans,
    site: &Site<'_>,
    limits: &Limits,
    stats: ExpansionStats,
    files_read: Vec<String>,
) -> Result<FlatExpansion> {
    let known = |handle| match spans {
        Spans::Remote(remote) => remote.contains(handle),
        Spans::Local(_) => false,
    };
    let expansion = decode_flat(expansion, known, limits).map_err(|e| output_error(site, e))?;
    Ok(FlatExpansion {
        tokens: from_wire(expansion.tokens),
        diagnostics: expansion
            .diagnostics
            .into_iter()
            .map(diagnostic_from_wire)
            .collect(),
        stats,
        files_read,
    })
}
