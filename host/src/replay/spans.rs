//! Spans on replay: the recorded span queries asked again about the new
//! input, and the recorded output's span handles mapped to the new ones.
//!
//! Handles of the input are the same in every expansion of the same tokens
//! (numbered in token order). Handles the macro made with queries (`start`,
//! `join`, ...) are whatever the backend answers; asking the same queries in
//! the same order makes the same spans, relative to the new input, and the
//! map says which new handle stands for which recorded one.

use std::collections::HashMap;

use procbox_protocol::{SpanAnswer, SpanQuery};

use crate::bindings::wire;
use crate::imports::spans::Backend;

/// Recorded handle → new handle.
pub(crate) struct HandleMap {
    /// Handles below this are the input's, the same in both.
    input: u32,
    made: HashMap<u32, u32>,
}

impl HandleMap {
    fn get(&self, handle: u32) -> Option<u32> {
        match handle < self.input {
            true => Some(handle),
            false => self.made.get(&handle).copied(),
        }
    }

    /// Notes that the recorded `old` is `new` now; false if that contradicts
    /// what is known.
    fn bind(&mut self, old: u32, new: u32) -> bool {
        match self.get(old) {
            Some(known) => known == new,
            None => {
                self.made.insert(old, new);
                true
            }
        }
    }
}

/// Asks `recorded` again of `backend`, in order. `Ok(None)` if any answer
/// differs (the expansion could differ: a miss); an error if the backend
/// failed.
pub(crate) fn ask_again(
    recorded: &[(SpanQuery, SpanAnswer)],
    span_count: u32,
    backend: &mut dyn Backend,
) -> wasmtime::Result<Option<HandleMap>> {
    let mut map = HandleMap {
        input: span_count,
        made: HashMap::new(),
    };
    for (query, answer) in recorded {
        let Some(query) = translate(query, &map) else {
            return Ok(None);
        };
        let now = backend.ask(&query)?;
        let same = match (answer, now) {
            (SpanAnswer::Span(old), SpanAnswer::Span(new)) => map.bind(*old, new),
            (SpanAnswer::MaybeSpan(Some(old)), SpanAnswer::MaybeSpan(Some(new))) => {
                map.bind(*old, new)
            }
            (old, new) => *old == new,
        };
        if !same {
            return Ok(None);
        }
    }
    Ok(Some(map))
}

/// `query` about the new handles.
fn translate(query: &SpanQuery, map: &HandleMap) -> Option<SpanQuery> {
    let (a, b) = query.spans();
    let a = map.get(a)?;
    let b = match b {
        Some(b) => Some(map.get(b)?),
        None => None,
    };
    Some(match (*query, b) {
        (SpanQuery::SourceText(_), _) => SpanQuery::SourceText(a),
        (SpanQuery::Start(_), _) => SpanQuery::Start(a),
        (SpanQuery::End(_), _) => SpanQuery::End(a),
        (SpanQuery::Line(_), _) => SpanQuery::Line(a),
        (SpanQuery::Column(_), _) => SpanQuery::Column(a),
        (SpanQuery::File(_), _) => SpanQuery::File(a),
        (SpanQuery::LocalFile(_), _) => SpanQuery::LocalFile(a),
        (SpanQuery::Join(..), Some(b)) => SpanQuery::Join(a, b),
        (SpanQuery::ResolvedAt(..), Some(b)) => SpanQuery::ResolvedAt(a, b),
        (SpanQuery::LocatedAt(..), Some(b)) => SpanQuery::LocatedAt(a, b),
        _ => return None,
    })
}

/// The recorded output with its handles mapped; `None` if it refers to a
/// handle the map does not know (an entry that does not fit the input).
pub(crate) fn remap(expansion: &wire::Expansion, map: &HandleMap) -> Option<wire::Expansion> {
    let mut out = expansion.clone();
    for token in &mut out.tokens.tokens {
        match token {
            wire::Token::Group(g) => {
                g.span = map.get(g.span)?;
                g.span_open = map.get(g.span_open)?;
                g.span_close = map.get(g.span_close)?;
            }
            wire::Token::Ident(i) => i.span = map.get(i.span)?,
            wire::Token::Punct(p) => p.span = map.get(p.span)?,
            wire::Token::Literal(l) => l.span = map.get(l.span)?,
        }
    }
    for diagnostic in &mut out.diagnostics {
        for span in &mut diagnostic.spans {
            *span = map.get(*span)?;
        }
    }
    Some(out)
}
