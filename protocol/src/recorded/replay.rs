//! Spans on replay: the recorded span queries asked again about the new
//! input ([`ask_again`]), and the recorded output's span handles mapped to
//! the new ones ([`HandleMap::remap`]).
//!
//! Handles of the input are the same in every expansion of the same tokens
//! (numbered in token order). Handles the macro made with queries (`start`,
//! `join`, ...) are whatever the backend answers; asking the same queries in
//! the same order makes the same spans, relative to the new input, and the
//! map says which new handle stands for which recorded one.

use std::collections::HashMap;

use crate::message::{Diagnostic, SpanAnswer, SpanQuery};
use crate::tree::{Token, TokenStream};

/// Recorded handle → new handle.
#[derive(Debug)]
pub struct HandleMap {
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

/// Asks `recorded` again with `ask`, in order: the map from recorded
/// handles to new ones if every answer is the same, `Ok(None)` if any
/// differs (the expansion could differ: a miss), the error if `ask` fails.
pub fn ask_again<E>(
    recorded: &[(SpanQuery, SpanAnswer)],
    span_count: u32,
    mut ask: impl FnMut(&SpanQuery) -> Result<SpanAnswer, E>,
) -> Result<Option<HandleMap>, E> {
    let mut map = HandleMap {
        input: span_count,
        made: HashMap::new(),
    };
    for (query, answer) in recorded {
        let Some(query) = translate(query, &map) else {
            return Ok(None);
        };
        let now = ask(&query)?;
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

impl HandleMap {
    /// `tokens` and `diagnostics` with their handles mapped; `None` if they
    /// refer to a handle the map does not know (an entry that does not fit
    /// the input).
    pub fn remap(
        &self,
        tokens: &TokenStream,
        diagnostics: &[Diagnostic],
    ) -> Option<(TokenStream, Vec<Diagnostic>)> {
        let mut tokens = tokens.clone();
        for token in &mut tokens.tokens {
            match token {
                Token::Group(g) => {
                    g.span = self.get(g.span)?;
                    g.span_open = self.get(g.span_open)?;
                    g.span_close = self.get(g.span_close)?;
                }
                Token::Ident(i) => i.span = self.get(i.span)?,
                Token::Punct(p) => p.span = self.get(p.span)?,
                Token::Literal(l) => l.span = self.get(l.span)?,
            }
        }
        let mut diagnostics = diagnostics.to_vec();
        for diagnostic in &mut diagnostics {
            for span in &mut diagnostic.spans {
                *span = self.get(*span)?;
            }
        }
        Some((tokens, diagnostics))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tree::PunctToken;

    /// Answers as a span table with `count` spans would: new spans next.
    fn table(count: u32, line: u32) -> impl FnMut(&SpanQuery) -> Result<SpanAnswer, ()> {
        let mut next = count;
        move |query| {
            Ok(match query {
                SpanQuery::Line(_) => SpanAnswer::Number(line),
                SpanQuery::Join(..) => SpanAnswer::MaybeSpan(None),
                _ => {
                    next += 1;
                    SpanAnswer::Span(next - 1)
                }
            })
        }
    }

    #[test]
    fn made_spans_map_to_the_new_ones_and_other_answers_must_match() {
        // Recorded with 5 input spans: `start #3` made #5, `end #5` made #6.
        let recorded = [
            (SpanQuery::Start(3), SpanAnswer::Span(5)),
            (SpanQuery::End(5), SpanAnswer::Span(6)),
            (SpanQuery::Line(6), SpanAnswer::Number(4)),
        ];
        // Now the table already holds 9 spans: the made ones are #9, #10.
        let map = ask_again(&recorded, 5, table(9, 4))
            .expect("answers")
            .expect("the same answers");
        let mut tokens = TokenStream::new();
        for span in [0, 3, 6] {
            tokens.tokens.push(Token::Punct(PunctToken {
                ch: '+',
                spacing: crate::tree::Spacing::Alone,
                span,
            }));
        }
        let (tokens, _) = map.remap(&tokens, &[]).expect("known handles");
        let spans: Vec<u32> = tokens.tokens.iter().map(Token::span).collect();
        assert_eq!(spans, [0, 3, 10]);
        // Another line: a miss.
        assert!(
            ask_again(&recorded, 5, table(9, 7))
                .expect("answers")
                .is_none()
        );
        // A handle the recording never made: not remapped.
        let mut unknown = TokenStream::new();
        unknown.tokens.push(Token::Punct(PunctToken {
            ch: '+',
            spacing: crate::tree::Spacing::Alone,
            span: 8,
        }));
        assert!(map.remap(&unknown, &[]).is_none());
    }
}
