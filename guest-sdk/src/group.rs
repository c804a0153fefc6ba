//! [`Group`]: a delimited token stream.

use std::fmt;

use crate::{Delimiter, Group, Span, TokenStream};

impl Group {
    /// A new group with the given delimiter and contents, spanning the call site.
    pub fn new(delimiter: Delimiter, stream: TokenStream) -> Group {
        let span = Span::call_site();
        Group {
            delimiter,
            stream,
            span,
            span_open: span,
            span_close: span,
        }
    }

    /// The delimiter of this group.
    pub fn delimiter(&self) -> Delimiter {
        self.delimiter
    }

    /// The tokens inside the delimiters (a cheap clone).
    pub fn stream(&self) -> TokenStream {
        self.stream.clone()
    }

    /// The span of the whole group, delimiters included.
    pub fn span(&self) -> Span {
        self.span
    }

    /// The span of the opening delimiter.
    pub fn span_open(&self) -> Span {
        self.span_open
    }

    /// The span of the closing delimiter.
    pub fn span_close(&self) -> Span {
        self.span_close
    }

    /// Sets the span of the delimiters (not of the tokens inside), as
    /// `proc_macro` does: the whole group and both delimiters get `span`.
    pub fn set_span(&mut self, span: Span) {
        self.span = span;
        self.span_open = span;
        self.span_close = span;
    }
}

impl fmt::Display for Group {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        crate::print::group(self, f)
    }
}

impl fmt::Debug for Group {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Group")
            .field("delimiter", &self.delimiter)
            .field("stream", &self.stream)
            .field("span", &self.span)
            .finish()
    }
}
