//! [`RemoteSpans`]: spans that belong to the caller, such as the shim inside
//! rustc that `procbox serve` expands for. The host only knows how many
//! there are; each query is forwarded to the caller's [`SpanOracle`], whose
//! answers are checked.

use procbox_protocol::{SpanAnswer, SpanQuery};

use super::backend::{Backend, InvalidSpan, MAX_DERIVED_SPANS, TooManySpans};

/// Answers the span queries of an expansion whose spans the caller owns
/// ([`MacroComponent::expand_flat`](crate::MacroComponent::expand_flat)).
///
/// The handles in the input are the caller's; so are the spans it makes to
/// answer `start`, `end`, `join`, `resolved_at` and `located_at`: each such
/// answer is a handle the caller had already or the next one after all of
/// them. The host checks that every query is about a handle the caller made
/// and that every answer has the query's type.
pub trait SpanOracle: Send {
    /// Answers `query`; an error ends the expansion with
    /// [`Error::SpanQuery`](crate::Error::SpanQuery).
    fn answer(&mut self, query: &SpanQuery) -> Result<SpanAnswer, String>;
}

/// The oracle failed, or answered out of turn.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub(crate) struct OracleFailed(pub(crate) String);

/// The spans of an expansion, held by the caller.
pub(crate) struct RemoteSpans {
    oracle: Box<dyn SpanOracle>,
    /// Handles `0..count` exist.
    count: u32,
    /// How many the input had.
    input_count: u32,
}

impl RemoteSpans {
    /// Spans `0..count` of the input (the call site and mixed site among
    /// them), and the oracle that answers for them.
    pub(crate) fn new(oracle: Box<dyn SpanOracle>, count: u32) -> RemoteSpans {
        RemoteSpans {
            oracle,
            count,
            input_count: count,
        }
    }

    /// Whether `handle` is one of the caller's.
    pub(crate) fn contains(&self, handle: u32) -> bool {
        handle < self.count
    }

    fn check(&self, handle: u32) -> wasmtime::Result<()> {
        match self.contains(handle) {
            true => Ok(()),
            false => Err(wasmtime::Error::new(InvalidSpan(handle))),
        }
    }

    fn ask_oracle(&mut self, query: SpanQuery) -> wasmtime::Result<SpanAnswer> {
        let (first, second) = query.spans();
        self.check(first)?;
        if let Some(second) = second {
            self.check(second)?;
        }
        let answer = self
            .oracle
            .answer(&query)
            .map_err(|reason| wasmtime::Error::new(OracleFailed(reason)))?;
        if !query.fits(&answer) {
            return Err(wasmtime::Error::new(OracleFailed(format!(
                "the span query {query:?} was answered with {answer:?}"
            ))));
        }
        if let SpanAnswer::Span(made) | SpanAnswer::MaybeSpan(Some(made)) = answer {
            self.made(made)?;
        }
        Ok(answer)
    }

    /// Records a span handle an answer gave: one the caller had, or the next.
    fn made(&mut self, handle: u32) -> wasmtime::Result<()> {
        if handle < self.count {
            return Ok(());
        }
        if handle != self.count {
            return Err(wasmtime::Error::new(OracleFailed(format!(
                "a span query was answered with span {handle}, but the next new span is {}",
                self.count
            ))));
        }
        if (self.count - self.input_count) as usize >= MAX_DERIVED_SPANS {
            return Err(wasmtime::Error::new(TooManySpans));
        }
        self.count += 1;
        Ok(())
    }
}

/// Unpacks an answer [`RemoteSpans::ask_oracle`] checked the type of.
macro_rules! answer {
    ($answer:expr, $variant:ident) => {
        match $answer {
            SpanAnswer::$variant(value) => Ok(value),
            other => Err(wasmtime::Error::new(OracleFailed(format!(
                "unexpected span answer {other:?}"
            )))),
        }
    };
}

impl Backend for RemoteSpans {
    fn ask(&mut self, query: &SpanQuery) -> wasmtime::Result<SpanAnswer> {
        self.ask_oracle(*query)
    }

    fn source_text(&mut self, s: u32) -> wasmtime::Result<Option<String>> {
        answer!(self.ask_oracle(SpanQuery::SourceText(s))?, MaybeText)
    }

    fn start(&mut self, s: u32) -> wasmtime::Result<u32> {
        answer!(self.ask_oracle(SpanQuery::Start(s))?, Span)
    }

    fn end(&mut self, s: u32) -> wasmtime::Result<u32> {
        answer!(self.ask_oracle(SpanQuery::End(s))?, Span)
    }

    fn line(&mut self, s: u32) -> wasmtime::Result<u32> {
        answer!(self.ask_oracle(SpanQuery::Line(s))?, Number)
    }

    fn column(&mut self, s: u32) -> wasmtime::Result<u32> {
        answer!(self.ask_oracle(SpanQuery::Column(s))?, Number)
    }

    fn file(&mut self, s: u32) -> wasmtime::Result<String> {
        answer!(self.ask_oracle(SpanQuery::File(s))?, Text)
    }

    fn local_file(&mut self, s: u32) -> wasmtime::Result<Option<String>> {
        answer!(self.ask_oracle(SpanQuery::LocalFile(s))?, MaybeText)
    }

    fn join(&mut self, a: u32, b: u32) -> wasmtime::Result<Option<u32>> {
        answer!(self.ask_oracle(SpanQuery::Join(a, b))?, MaybeSpan)
    }

    fn resolved_at(&mut self, s: u32, other: u32) -> wasmtime::Result<u32> {
        answer!(self.ask_oracle(SpanQuery::ResolvedAt(s, other))?, Span)
    }

    fn located_at(&mut self, s: u32, other: u32) -> wasmtime::Result<u32> {
        answer!(self.ask_oracle(SpanQuery::LocatedAt(s, other))?, Span)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Answers every query with what `answer` gives.
    struct Fixed(fn(&SpanQuery) -> SpanAnswer);

    impl SpanOracle for Fixed {
        fn answer(&mut self, query: &SpanQuery) -> Result<SpanAnswer, String> {
            Ok((self.0)(query))
        }
    }

    fn spans(answer: fn(&SpanQuery) -> SpanAnswer) -> RemoteSpans {
        RemoteSpans::new(Box::new(Fixed(answer)), 3)
    }

    #[test]
    fn new_spans_are_numbered_in_turn() {
        let mut table = spans(|_| SpanAnswer::Span(3));
        assert_eq!(table.start(2).expect("answers"), 3);
        assert!(table.contains(3));
        // 3 again is a span the caller has: fine; 5 skips 4.
        assert_eq!(table.end(3).expect("answers"), 3);
        let mut skipping = spans(|_| SpanAnswer::Span(5));
        let err = skipping.start(0).expect_err("refused");
        assert!(err.to_string().contains("the next new span is 3"), "{err}");
    }

    #[test]
    fn queries_about_unknown_spans_never_reach_the_oracle() {
        let mut table = spans(|_| panic!("asked"));
        let err = table.line(3).expect_err("refused");
        assert!(err.downcast_ref::<InvalidSpan>().is_some(), "{err}");
        let err = table.join(0, 99).expect_err("refused");
        assert!(err.downcast_ref::<InvalidSpan>().is_some(), "{err}");
    }

    #[test]
    fn an_answer_of_the_wrong_type_is_refused() {
        let mut table = spans(|_| SpanAnswer::Number(4));
        let err = table.file(0).expect_err("refused");
        assert!(
            err.to_string().contains("was answered with Number(4)"),
            "{err}"
        );
    }
}
