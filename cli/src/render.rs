//! Diagnostics as a compiler prints them: `file:line:column: level: message`,
//! then the source line and a caret under the column.

use std::fmt::Write;
use std::path::Path;

use procbox_host::{Diagnostic, Level};

/// Renders `diagnostic` about `source` (the text of `file`).
pub fn diagnostic(diagnostic: &Diagnostic, file: &Path, source: &str) -> String {
    let start = diagnostic.span().start();
    let level = match diagnostic.level {
        Level::Error => "error",
        Level::Warning => "warning",
        Level::Note => "note",
        _ => "help",
    };
    let mut out = format!(
        "{}:{}:{}: {level}: {}",
        file.display(),
        start.line,
        start.column + 1,
        diagnostic.message
    );
    // Line 0 means the span has no position (the call site of a macro that
    // was not expanded from this file): no source line to show.
    if let Some(line) = start
        .line
        .checked_sub(1)
        .and_then(|n| source.lines().nth(n))
    {
        let gutter = start.line.to_string().len();
        let indent: String = line
            .chars()
            .take(start.column)
            .map(|c| if c == '\t' { '\t' } else { ' ' })
            .collect();
        let _ = write!(
            out,
            "\n{:gutter$} |\n{} | {line}\n{:gutter$} | {indent}^",
            "", start.line, ""
        );
    }
    out
}
