//! What one span handle stands for: a `proc_macro2` span, narrowed where the
//! guest's span is narrower.
//!
//! `proc_macro2` only makes whole spans. It cannot make the empty span at the
//! start or end of another (the guest's `Span::start` and `Span::end`), nor a
//! span that begins or ends inside one (a `join` with such a span). So a
//! handle stands for the closest whole span, which is what a token returned
//! with the handle gets and what answers `file` and name resolution, plus
//! the points where the guest's span really starts and ends, which answer
//! `line`, `column`, `source_text` and further `start`, `end` and `join`.

use std::iter;

use proc_macro2::{LineColumn, Span};

/// One end of a `proc_macro2` span.
#[derive(Clone, Copy)]
struct Point {
    span: Span,
    at_end: bool,
}

impl Point {
    fn line_column(self) -> LineColumn {
        if self.at_end {
            self.span.end()
        } else {
            self.span.start()
        }
    }
}

/// A span as the guest sees it.
#[derive(Clone, Copy)]
pub(crate) struct Range {
    /// The closest whole `proc_macro2` span.
    pub(crate) span: Span,
    /// Where the range starts, when not where `span` does.
    start: Option<Point>,
    /// Where the range ends, when not where `span` does.
    end: Option<Point>,
}

impl Range {
    /// All of `span`.
    pub(crate) fn whole(span: Span) -> Range {
        Range {
            span,
            start: None,
            end: None,
        }
    }

    fn start_point(self) -> Point {
        self.start.unwrap_or(Point {
            span: self.span,
            at_end: false,
        })
    }

    fn end_point(self) -> Point {
        self.end.unwrap_or(Point {
            span: self.span,
            at_end: true,
        })
    }

    /// The empty range where this one starts.
    pub(crate) fn start(self) -> Range {
        let point = Some(self.start_point());
        Range {
            start: point,
            end: point,
            ..self
        }
    }

    /// The empty range where this one ends.
    pub(crate) fn end(self) -> Range {
        let point = Some(self.end_point());
        Range {
            start: point,
            end: point,
            ..self
        }
    }

    /// Where the range starts.
    pub(crate) fn line_column(self) -> LineColumn {
        self.start_point().line_column()
    }

    /// The same range with `span`'s name resolution: what `resolved_at` and
    /// `located_at` make (`span` has the same location as `self.span`).
    pub(crate) fn resolved_as(self, span: Span) -> Range {
        Range { span, ..self }
    }

    /// The range from the first start to the last end of the two, or `None`
    /// when `proc_macro2` cannot join their spans (different files, or
    /// compiler spans on stable Rust).
    pub(crate) fn join(self, other: Range) -> Option<Range> {
        let span = self.span.join(other.span)?;
        let first = [self.start_point(), other.start_point()]
            .into_iter()
            .min_by_key(|point| point.line_column())?;
        let last = [self.end_point(), other.end_point()]
            .into_iter()
            .max_by_key(|point| point.line_column())?;
        Some(Range {
            span,
            start: (first.line_column() != span.start()).then_some(first),
            end: (last.line_column() != span.end()).then_some(last),
        })
    }

    /// The source text of the range, when its span has text.
    pub(crate) fn source_text(self) -> Option<String> {
        let text = self.span.source_text()?;
        if self.start.is_none() && self.end.is_none() {
            return Some(text);
        }
        // Walk the span's text to the range's two points.
        let (from, to) = (self.line_column(), self.end_point().line_column());
        let mut at = self.span.start();
        let mut begin = None;
        let ends = text.char_indices().chain(iter::once((text.len(), '\n')));
        for (index, ch) in ends {
            if at == from {
                begin = Some(index);
            }
            if at == to {
                return begin.map(|begin| text[begin..index].to_owned());
            }
            if ch == '\n' {
                at.line += 1;
                at.column = 0;
            } else {
                at.column += 1;
            }
        }
        None
    }
}
