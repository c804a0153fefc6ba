//! Answering the macro's span queries with the compiler's own spans.

use procbox_protocol::{SpanAnswer, SpanQuery};

use crate::tokens::SpanTable;

/// The answer to `query`, from the spans in `table` (a new span is added to
/// it: the next handle). Line, column, file and source text come from rustc.
pub(crate) fn answer(table: &mut SpanTable, query: SpanQuery) -> Result<SpanAnswer, String> {
    Ok(match query {
        SpanQuery::SourceText(s) => SpanAnswer::MaybeText(table.get(s)?.source_text()),
        SpanQuery::Start(s) => SpanAnswer::Span(table.push(table.get(s)?.start())),
        SpanQuery::End(s) => SpanAnswer::Span(table.push(table.get(s)?.end())),
        SpanQuery::Line(s) => SpanAnswer::Number(clamp(table.get(s)?.line())),
        SpanQuery::Column(s) => SpanAnswer::Number(clamp(table.get(s)?.column())),
        SpanQuery::File(s) => SpanAnswer::Text(table.get(s)?.file()),
        SpanQuery::LocalFile(s) => SpanAnswer::MaybeText(
            table
                .get(s)?
                .local_file()
                .map(|path| path.to_string_lossy().into_owned()),
        ),
        // Joining compiler spans is unstable (`Span::join`): a native macro
        // on stable Rust gets `None` too, and falls back as it would.
        SpanQuery::Join(a, b) => {
            table.get(a)?;
            table.get(b)?;
            SpanAnswer::MaybeSpan(None)
        }
        SpanQuery::ResolvedAt(s, other) => {
            let span = table.get(s)?.resolved_at(table.get(other)?);
            SpanAnswer::Span(table.push(span))
        }
        SpanQuery::LocatedAt(s, other) => {
            let span = table.get(s)?.located_at(table.get(other)?);
            SpanAnswer::Span(table.push(span))
        }
    })
}

fn clamp(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}
