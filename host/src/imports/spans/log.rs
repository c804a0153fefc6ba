//! [`QueryLog`]: the span queries of one expansion with their answers, in
//! order: what [`ExpansionStats`](crate::ExpansionStats) counts, and what
//! the expansion cache asks again before it replays an expansion.

use procbox_protocol::{SpanAnswer, SpanQuery};

/// The most queries kept. A real macro asks a few per token at most; past
/// this the log stops growing (a hostile macro could ask forever within its
/// time limit) and the expansion is not cached.
pub(crate) const MAX_LOGGED: usize = 1 << 16;

/// The span queries of one expansion and their answers.
#[derive(Debug, Default)]
pub(crate) struct QueryLog {
    entries: Vec<(SpanQuery, SpanAnswer)>,
    /// Every query, logged or not.
    count: u64,
}

impl QueryLog {
    /// Logs `query` and its `answer`.
    pub(crate) fn push(&mut self, query: SpanQuery, answer: &SpanAnswer) {
        self.count += 1;
        if self.entries.len() < MAX_LOGGED {
            self.entries.push((query, answer.clone()));
        }
    }

    /// How many queries the macro made.
    pub(crate) fn count(&self) -> u64 {
        self.count
    }

    /// Every query and its answer, in order; `None` if there were too many
    /// to keep.
    pub(crate) fn complete(&self) -> Option<&[(SpanQuery, SpanAnswer)]> {
        (self.count == self.entries.len() as u64).then_some(&self.entries[..])
    }
}
