//! [`LineColumn`]: a position in a source file.

use std::cmp::Ordering;

/// A line and column in a source file, as in `proc_macro2::LineColumn`.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub struct LineColumn {
    /// The 1-based line.
    pub line: usize,
    /// The 0-based column, in UTF-8 characters.
    pub column: usize,
}

impl Ord for LineColumn {
    fn cmp(&self, other: &Self) -> Ordering {
        (self.line, self.column).cmp(&(other.line, other.column))
    }
}

impl PartialOrd for LineColumn {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
