//! The checks every token of a guest's output passes: text ranges,
//! identifiers, punctuation, literals, group lengths and depth, span
//! handles. [`check`] runs them all for an output that is not rebuilt (its
//! spans are the caller's); `unflatten` runs them as it rebuilds.

use proc_macro2::Literal;

use crate::Limits;
use crate::bindings::wire;
use crate::codec::literals;
use crate::imports::spans::InvalidSpan;

/// The characters rustc accepts in a `Punct`.
const PUNCT_CHARS: &[char] = &[
    '=', '<', '>', '!', '~', '+', '-', '*', '/', '%', '^', '&', '|', '@', '.', ',', ';', ':', '#',
    '$', '?', '\'',
];

/// Why the guest's output was refused.
#[derive(Debug)]
pub(crate) enum OutputError {
    /// Over a size limit: what, and the limit.
    TooLarge(String, usize),
    /// Not a valid token stream.
    Invalid(String),
}

pub(crate) fn invalid(reason: impl Into<String>) -> OutputError {
    OutputError::Invalid(reason.into())
}

/// Checks the guest's output tokens as [`unflatten`] does, without building
/// them, for spans the caller holds: `known` says whether a handle is one of
/// its spans.
pub(crate) fn check(
    stream: &wire::TokenStream,
    known: impl Fn(u32) -> bool,
    limits: &Limits,
) -> Result<(), OutputError> {
    let tokens = &stream.tokens;
    parse_literals(stream)?;
    let span = |handle: u32| match known(handle) {
        true => Ok(()),
        false => Err(invalid(InvalidSpan(handle).to_string())),
    };
    // Where each open group ends; the root ends with the stream.
    let mut ends = vec![tokens.len()];
    for (at, token) in tokens.iter().enumerate() {
        while ends.len() > 1 && ends.last() == Some(&at) {
            ends.pop();
        }
        match token {
            wire::Token::Group(g) => {
                let end = at + 1 + g.len as usize;
                if end > ends.last().copied().unwrap_or(tokens.len()) {
                    return Err(invalid(format!(
                        "the group at token {at} claims {} tokens, more than its parent holds",
                        g.len
                    )));
                }
                if ends.len() > limits.output_depth {
                    return Err(invalid(format!(
                        "groups are nested deeper than {} levels",
                        limits.output_depth
                    )));
                }
                for handle in [g.span, g.span_open, g.span_close] {
                    span(handle)?;
                }
                ends.push(end);
            }
            wire::Token::Ident(t) => {
                check_ident(text(stream, t.text)?, t.is_raw)?;
                span(t.span)?;
            }
            wire::Token::Punct(t) => {
                check_punct(t.ch)?;
                span(t.span)?;
            }
            // Their text was checked with the others', above.
            wire::Token::Literal(t) => span(t.span)?,
        }
    }
    Ok(())
}

pub(crate) fn check_punct(ch: char) -> Result<(), OutputError> {
    match PUNCT_CHARS.contains(&ch) {
        true => Ok(()),
        false => Err(invalid(format!(
            "`{}` is not a punctuation character",
            ch.escape_debug()
        ))),
    }
}

pub(crate) fn text(
    stream: &wire::TokenStream,
    range: wire::TextRange,
) -> Result<&str, OutputError> {
    let start = range.start as usize;
    start
        .checked_add(range.len as usize)
        .and_then(|end| stream.text.get(start..end))
        .ok_or_else(|| {
            invalid(format!(
                "text range {}+{} is outside the token text or splits a character",
                range.start, range.len
            ))
        })
}

/// Whether `name` is an identifier (keywords included), as rustc decides.
pub(crate) fn is_ident(name: &str) -> bool {
    let mut chars = name.chars();
    match chars.next() {
        Some(first) => {
            (first == '_' || unicode_ident::is_xid_start(first))
                && chars.all(unicode_ident::is_xid_continue)
        }
        None => false,
    }
}

/// The identifier rustc gives `$crate` in a `macro_rules!` macro's tokens,
/// which reach a proc macro it calls; rustc's `Ident::new` accepts it.
pub(crate) const DOLLAR_CRATE: &str = "$crate";

/// Checks an identifier as rustc does, so `Ident::new` cannot panic on it.
pub(crate) fn check_ident(name: &str, is_raw: bool) -> Result<(), OutputError> {
    if !is_ident(name) && (is_raw || name != DOLLAR_CRATE) {
        return Err(invalid(format!(
            "`{}` is not a valid identifier",
            name.escape_debug()
        )));
    }
    if is_raw && matches!(name, "_" | "crate" | "self" | "Self" | "super") {
        return Err(invalid(format!("`r#{name}` cannot be a raw identifier")));
    }
    Ok(())
}

/// Every literal of the output, in order, checked ([`literals::check`]).
pub(crate) fn parse_literals(stream: &wire::TokenStream) -> Result<Vec<Literal>, OutputError> {
    let mut reprs = Vec::new();
    for token in &stream.tokens {
        if let wire::Token::Literal(t) = token {
            reprs.push(text(stream, t.text)?);
        }
    }
    literals::check(&reprs)
        .map_err(|repr| invalid(format!("`{}` is not a valid literal", repr.escape_debug())))
}
