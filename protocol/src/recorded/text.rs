//! An [`Entry`] as text: [`Entry::to_text`] and [`Entry::parse`] (the
//! format is described in the module above).

use std::borrow::Cow;

use super::key::checksum;
use super::quote::{quote, unquote};
use super::{Entry, FORMAT, FileRead, Fingerprint};
use crate::message::{Diagnostic, Level, MacroKind, SpanAnswer, SpanQuery};
use crate::tree::{
    Delimiter, GroupToken, IdentToken, LiteralToken, PunctToken, Spacing, TextRange, Token,
    TokenStream,
};

impl Entry {
    /// The entry's file contents.
    pub fn to_text(&self) -> String {
        let mut body = String::new();
        let mut line = |text: String| {
            body.push_str(&text);
            body.push('\n');
        };
        line(format!("key {}", self.key));
        line(format!("macro {} {}", kind_word(self.kind), self.name));
        line(format!(
            "component {} sha256 {}",
            quote(&self.component),
            self.component_hash
        ));
        line(match &self.expanded_at {
            Some(at) => format!("expanded at {}", quote(at)),
            None => "expanded at unknown".into(),
        });
        line(format!("grants {}", quote(&self.grants)));
        line(format!("span queries {}", self.queries.len()));
        for (query, answer) in &self.queries {
            line(format!("{} = {}", query_text(query), answer_text(answer)));
        }
        line(format!("files read {}", self.files.len()));
        for file in &self.files {
            line(file.to_string());
        }
        for (section, text) in [("input", &self.input_text), ("output", &self.output_text)] {
            line(format!("{section} {}", text.lines().count()));
            for text_line in text.lines() {
                line(text_line.to_owned());
            }
        }
        let mut stream = |name: &str, stream: &TokenStream| {
            line(format!("{name} {}", stream.tokens.len()));
            for token in &stream.tokens {
                line(token_text(token, stream));
            }
        };
        stream("input tokens", &self.input);
        match &self.args {
            Some(args) => stream("arguments tokens", args),
            None => line("arguments none".into()),
        }
        line(format!("spans {}", self.span_count));
        let mut stream = |name: &str, stream: &TokenStream| {
            line(format!("{name} {}", stream.tokens.len()));
            for token in &stream.tokens {
                line(token_text(token, stream));
            }
        };
        stream("tokens", &self.tokens);
        line(format!("diagnostics {}", self.diagnostics.len()));
        for diagnostic in &self.diagnostics {
            let mut text = level_word(diagnostic.level).to_owned();
            for span in &diagnostic.spans {
                text.push_str(&format!(" #{span}"));
            }
            text.push(' ');
            text.push_str(&quote(&diagnostic.message));
            line(text);
        }
        format!("{FORMAT}\nchecksum {}\n{body}", checksum(body.as_bytes()))
    }

    /// Reads an entry back; an error says what is wrong with it (the entry
    /// is then ignored).
    pub fn parse(text: &str) -> Result<Entry, String> {
        let rest = text
            .strip_prefix(FORMAT)
            .and_then(|rest| rest.strip_prefix('\n'))
            .ok_or("not an entry of this format (another procbox version, or not procbox's)")?;
        let (checksum_line, body) = rest.split_once('\n').ok_or("truncated")?;
        if checksum_line.strip_prefix("checksum ") != Some(&checksum(body.as_bytes())) {
            return Err("the checksum does not match (torn, truncated or edited)".into());
        }
        let mut lines = Lines { text: body, at: 0 };
        let key = lines.field("key")?.parse()?;
        let (kind, name) = lines
            .field("macro")?
            .split_once(' ')
            .ok_or("bad `macro` line")?;
        let kind = parse_kind(kind)?;
        let name = name.to_owned();
        let (component, hash) = unquote(lines.field("component")?)?;
        let component = component.into_owned();
        let component_hash = hash
            .strip_prefix(" sha256 ")
            .ok_or("bad `component` line")?
            .to_owned();
        let expanded_at = match lines.field("expanded at")? {
            "unknown" => None,
            quoted => Some(unquote(quoted)?.0.into_owned()),
        };
        let grants = unquote(lines.field("grants")?)?.0.into_owned();
        let queries = (0..lines.count("span queries")?)
            .map(|_| parse_query(lines.next()?))
            .collect::<Result<_, String>>()?;
        let files = (0..lines.count("files read")?)
            .map(|_| lines.next()?.parse())
            .collect::<Result<_, String>>()?;
        let input_text = lines.section("input")?;
        let output_text = lines.section("output")?;
        let input = lines.stream("input tokens")?;
        let args = match lines.peek() {
            Some("arguments none") => {
                lines.next()?;
                None
            }
            _ => Some(lines.stream("arguments tokens")?),
        };
        let span_count = lines.count("spans")? as u32;
        let tokens = lines.stream("tokens")?;
        let diagnostics = (0..lines.count("diagnostics")?)
            .map(|_| parse_diagnostic(lines.next()?))
            .collect::<Result<_, String>>()?;
        if lines.next().is_ok() {
            return Err("text after the last diagnostic".into());
        }
        Ok(Entry {
            key,
            kind,
            name,
            component,
            component_hash,
            expanded_at,
            grants,
            queries,
            files,
            input_text,
            output_text,
            input,
            args,
            span_count,
            tokens,
            diagnostics,
        })
    }
}

/// The lines of an entry's body, read in order.
///
/// The shim parses entries inside rustc in the consumer's profile, usually
/// unoptimized, where `std`'s generic string searches and slicing cost tens
/// of instructions a byte and every small helper is a call: lines and words
/// are found here with plain index loops, and a line is sliced once.
struct Lines<'a> {
    text: &'a str,
    /// Where the next line starts.
    at: usize,
}

impl<'a> Lines<'a> {
    fn next(&mut self) -> Result<&'a str, String> {
        let bytes = self.text.as_bytes();
        let start = self.at;
        if start >= bytes.len() {
            return Err("truncated".into());
        }
        let mut end = start;
        while end < bytes.len() && bytes[end] != b'\n' {
            end += 1;
        }
        self.at = end + 1;
        // Byte boundaries of ASCII `\n` are character boundaries.
        self.text
            .get(start..end)
            .ok_or_else(|| "truncated".to_owned())
    }

    /// The next line, without its `\n`.
    fn peek(&self) -> Option<&'a str> {
        Lines { ..*self }.next().ok()
    }

    /// The rest of the next line, which must start with `name `.
    fn field(&mut self, name: &str) -> Result<&'a str, String> {
        let line = self.next()?;
        line.strip_prefix(name)
            .and_then(|rest| rest.strip_prefix(' '))
            .ok_or_else(|| format!("expected `{name}`, found `{line}`"))
    }

    fn count(&mut self, name: &str) -> Result<usize, String> {
        let field = self.field(name)?;
        number(field)
            .map(|n| n as usize)
            .ok_or_else(|| format!("bad count `{field}` for `{name}`"))
    }

    /// A stream of `count` token lines.
    fn stream(&mut self, name: &str) -> Result<TokenStream, String> {
        let count = self.count(name)?;
        let mut stream = TokenStream::new();
        stream.tokens.reserve(count);
        for _ in 0..count {
            let token = parse_token(self.next()?, &mut stream)?;
            stream.tokens.push(token);
        }
        Ok(stream)
    }

    /// A section of `count` free lines, each with its `\n`.
    fn section(&mut self, name: &str) -> Result<String, String> {
        let count = self.count(name)?;
        let start = self.at;
        for _ in 0..count {
            self.next()?;
        }
        // Past the end when the last line had no `\n`: truncated, as the
        // body goes on after every section.
        Ok(self
            .text
            .get(start..self.at)
            .ok_or_else(|| "truncated".to_owned())?
            .to_owned())
    }
}

/// The words of a token line, split at single spaces.
struct Words<'a> {
    line: &'a str,
    at: usize,
}

impl<'a> Words<'a> {
    /// The next word; `None` at the end of the line.
    fn next(&mut self) -> Option<&'a str> {
        let bytes = self.line.as_bytes();
        let start = self.at;
        if start > bytes.len() {
            return None;
        }
        let mut end = start;
        while end < bytes.len() && bytes[end] != b' ' {
            end += 1;
        }
        self.at = end + 1;
        self.line.get(start..end)
    }

    /// The rest of the line after the words read (which may hold spaces).
    fn rest(&self) -> Option<&'a str> {
        self.line.get(self.at..)
    }
}

fn kind_word(kind: MacroKind) -> &'static str {
    match kind {
        MacroKind::Derive => "derive",
        MacroKind::Attribute => "attribute",
        MacroKind::Function => "function",
    }
}

fn parse_kind(word: &str) -> Result<MacroKind, String> {
    Ok(match word {
        "derive" => MacroKind::Derive,
        "attribute" => MacroKind::Attribute,
        "function" => MacroKind::Function,
        other => return Err(format!("unknown macro kind `{other}`")),
    })
}

fn level_word(level: Level) -> &'static str {
    match level {
        Level::Error => "error",
        Level::Warning => "warning",
        Level::Note => "note",
        Level::Help => "help",
    }
}

/// A query as `name #a [#b]`.
fn query_text(query: &SpanQuery) -> String {
    let (name, (a, b)) = (query_word(query), query.spans());
    match b {
        Some(b) => format!("{name} #{a} #{b}"),
        None => format!("{name} #{a}"),
    }
}

fn query_word(query: &SpanQuery) -> &'static str {
    match query {
        SpanQuery::SourceText(_) => "source-text",
        SpanQuery::Start(_) => "start",
        SpanQuery::End(_) => "end",
        SpanQuery::Line(_) => "line",
        SpanQuery::Column(_) => "column",
        SpanQuery::File(_) => "file",
        SpanQuery::LocalFile(_) => "local-file",
        SpanQuery::Join(..) => "join",
        SpanQuery::ResolvedAt(..) => "resolved-at",
        SpanQuery::LocatedAt(..) => "located-at",
    }
}

fn answer_text(answer: &SpanAnswer) -> String {
    match answer {
        SpanAnswer::Span(s) | SpanAnswer::MaybeSpan(Some(s)) => format!("#{s}"),
        SpanAnswer::Number(n) => n.to_string(),
        SpanAnswer::Text(text) | SpanAnswer::MaybeText(Some(text)) => quote(text),
        SpanAnswer::MaybeSpan(None) | SpanAnswer::MaybeText(None) => "none".into(),
    }
}

fn parse_query(line: &str) -> Result<(SpanQuery, SpanAnswer), String> {
    let (query, answer) = line
        .split_once(" = ")
        .ok_or_else(|| format!("bad span query `{line}`"))?;
    let mut words = query.split(' ');
    let name = words.next().unwrap_or_default();
    let spans: Vec<u32> = words.map(handle).collect::<Result<_, _>>()?;
    let query = match (name, &spans[..]) {
        ("source-text", &[s]) => SpanQuery::SourceText(s),
        ("start", &[s]) => SpanQuery::Start(s),
        ("end", &[s]) => SpanQuery::End(s),
        ("line", &[s]) => SpanQuery::Line(s),
        ("column", &[s]) => SpanQuery::Column(s),
        ("file", &[s]) => SpanQuery::File(s),
        ("local-file", &[s]) => SpanQuery::LocalFile(s),
        ("join", &[a, b]) => SpanQuery::Join(a, b),
        ("resolved-at", &[a, b]) => SpanQuery::ResolvedAt(a, b),
        ("located-at", &[a, b]) => SpanQuery::LocatedAt(a, b),
        _ => return Err(format!("bad span query `{query}`")),
    };
    let answer = match query {
        SpanQuery::Line(_) | SpanQuery::Column(_) => SpanAnswer::Number(
            answer
                .parse()
                .map_err(|_| format!("bad number `{answer}`"))?,
        ),
        SpanQuery::File(_) => SpanAnswer::Text(whole_string(answer)?.into_owned()),
        SpanQuery::SourceText(_) | SpanQuery::LocalFile(_) => SpanAnswer::MaybeText(match answer {
            "none" => None,
            quoted => Some(whole_string(quoted)?.into_owned()),
        }),
        SpanQuery::Join(..) => SpanAnswer::MaybeSpan(match answer {
            "none" => None,
            s => Some(handle(s)?),
        }),
        SpanQuery::Start(_)
        | SpanQuery::End(_)
        | SpanQuery::ResolvedAt(..)
        | SpanQuery::LocatedAt(..) => SpanAnswer::Span(handle(answer)?),
    };
    Ok((query, answer))
}

/// A quoted string that is the whole of `text`.
fn whole_string(text: &str) -> Result<Cow<'_, str>, String> {
    match unquote(text)? {
        (string, "") => Ok(string),
        _ => Err(format!("text after the string in `{text}`")),
    }
}

/// A span handle, `#N`.
fn handle(word: &str) -> Result<u32, String> {
    match word.as_bytes().first() {
        Some(b'#') => word.get(1..).and_then(number),
        _ => None,
    }
    .ok_or_else(|| format!("bad span `{word}`"))
}

/// A decimal number that fits in a `u32`, digits only.
fn number(digits: &str) -> Option<u32> {
    let bytes = digits.as_bytes();
    if bytes.is_empty() {
        return None;
    }
    let mut value: u64 = 0;
    let mut at = 0;
    while at < bytes.len() {
        let digit = bytes[at];
        if !digit.is_ascii_digit() {
            return None;
        }
        value = value * 10 + (digit - b'0') as u64;
        if value > u32::MAX as u64 {
            return None;
        }
        at += 1;
    }
    Some(value as u32)
}

fn token_text(token: &Token, stream: &TokenStream) -> String {
    let slice = |range: TextRange| stream.text_of(range).unwrap_or_default();
    match token {
        Token::Group(g) => format!(
            "group {} #{} #{} #{} {}",
            match g.delimiter {
                Delimiter::Parenthesis => "(",
                Delimiter::Brace => "{",
                Delimiter::Bracket => "[",
                Delimiter::None => "none",
            },
            g.span,
            g.span_open,
            g.span_close,
            g.len
        ),
        Token::Ident(i) => format!(
            "ident #{} {}{}",
            i.span,
            if i.is_raw { "r#" } else { "" },
            slice(i.text)
        ),
        Token::Punct(p) => format!(
            "punct #{} {} {}",
            p.span,
            match p.spacing {
                Spacing::Alone => "alone",
                Spacing::Joint => "joint",
            },
            quote(&p.ch.to_string())
        ),
        Token::Literal(l) => format!("literal #{} {}", l.span, quote(slice(l.text))),
    }
}

fn parse_token(line: &str, stream: &mut TokenStream) -> Result<Token, String> {
    let bad = || format!("bad token `{line}`");
    let mut words = Words { line, at: 0 };
    let kind = words.next().ok_or_else(bad)?;
    if kind == "group" {
        let delimiter = match words.next().ok_or_else(bad)? {
            "(" => Delimiter::Parenthesis,
            "{" => Delimiter::Brace,
            "[" => Delimiter::Bracket,
            "none" => Delimiter::None,
            _ => return Err(bad()),
        };
        let mut next_handle = || handle(words.next().ok_or_else(bad)?);
        let (span, span_open, span_close) = (next_handle()?, next_handle()?, next_handle()?);
        let len = words.next().and_then(number).ok_or_else(bad)?;
        if words.next().is_some() {
            return Err(bad());
        }
        return Ok(Token::Group(GroupToken {
            delimiter,
            span,
            span_open,
            span_close,
            len,
        }));
    }
    let span = handle(words.next().ok_or_else(bad)?)?;
    Ok(match kind {
        "ident" => {
            let rest = words.rest().ok_or_else(bad)?;
            let (is_raw, name) = match rest.strip_prefix("r#") {
                Some(name) => (true, name),
                None => (false, rest),
            };
            Token::Ident(IdentToken {
                text: stream.push_text(name),
                is_raw,
                span,
            })
        }
        "punct" => {
            let spacing = match words.next().ok_or_else(bad)? {
                "alone" => Spacing::Alone,
                "joint" => Spacing::Joint,
                _ => return Err(bad()),
            };
            let ch = whole_string(words.rest().ok_or_else(bad)?)?;
            let mut chars = ch.chars();
            let (Some(ch), None) = (chars.next(), chars.next()) else {
                return Err(bad());
            };
            Token::Punct(PunctToken { ch, spacing, span })
        }
        "literal" => Token::Literal(LiteralToken {
            text: stream.push_text(&whole_string(words.rest().ok_or_else(bad)?)?),
            span,
        }),
        _ => return Err(bad()),
    })
}

fn parse_diagnostic(line: &str) -> Result<Diagnostic, String> {
    let (level, mut rest) = line
        .split_once(' ')
        .ok_or_else(|| format!("bad diagnostic `{line}`"))?;
    let level = match level {
        "error" => Level::Error,
        "warning" => Level::Warning,
        "note" => Level::Note,
        "help" => Level::Help,
        _ => return Err(format!("bad diagnostic level `{level}`")),
    };
    let mut spans = Vec::new();
    while let Some(after) = rest.strip_prefix('#') {
        let (span, after) = after.split_once(' ').unwrap_or((after, ""));
        spans.push(handle(&format!("#{span}"))?);
        rest = after;
    }
    Ok(Diagnostic {
        level,
        message: whole_string(rest)?.into_owned(),
        spans,
    })
}

/// Whether `text` is a SHA-256 as lowercase hex.
fn is_sha256_hex(text: &str) -> bool {
    text.len() == 64 && text.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

impl std::fmt::Display for FileRead {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let path = quote(&self.path);
        match &self.fingerprint {
            Fingerprint::File(hash) => write!(f, "file {path} sha256 {hash}"),
            Fingerprint::Dir(hash) => write!(f, "dir {path} sha256 {hash}"),
            Fingerprint::Absent => write!(f, "absent {path}"),
        }
    }
}

impl std::str::FromStr for FileRead {
    type Err = String;

    fn from_str(line: &str) -> Result<FileRead, String> {
        let bad = || format!("bad file read `{line}`");
        let (what, rest) = line.split_once(' ').ok_or_else(bad)?;
        let (path, rest) = unquote(rest)?;
        let hash = || {
            rest.strip_prefix(" sha256 ")
                .filter(|hash| is_sha256_hex(hash))
                .map(str::to_owned)
                .ok_or_else(bad)
        };
        let fingerprint = match what {
            "file" => Fingerprint::File(hash()?),
            "dir" => Fingerprint::Dir(hash()?),
            "absent" if rest.is_empty() => Fingerprint::Absent,
            _ => return Err(bad()),
        };
        Ok(FileRead {
            path: path.into_owned(),
            fingerprint,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry() -> Entry {
        let mut tokens = TokenStream::new();
        let mut push = |s: &str| tokens.push_text(s);
        let list = vec![
            Token::Ident(IdentToken {
                text: push("type"),
                is_raw: true,
                span: 2,
            }),
            Token::Group(GroupToken {
                delimiter: Delimiter::None,
                span: 0,
                span_open: 1,
                span_close: 9,
                len: 2,
            }),
            Token::Punct(PunctToken {
                ch: '\'',
                spacing: Spacing::Joint,
                span: 3,
            }),
            Token::Literal(LiteralToken {
                text: push("r#\"a \"quote\"\n\u{1b}\"#"),
                span: 10,
            }),
        ];
        tokens.tokens = list;
        let input = tokens.clone();
        Entry {
            key: "ab".repeat(16).parse().expect("a key"),
            kind: MacroKind::Attribute,
            name: "route".into(),
            component: "web \"macros\".wasm".into(),
            component_hash: "cd".repeat(32),
            expanded_at: Some("src/main.rs:7".into()),
            grants: "env NAME=\"x\"".into(),
            queries: vec![
                (SpanQuery::Line(2), SpanAnswer::Number(7)),
                (SpanQuery::Start(2), SpanAnswer::Span(9)),
                (SpanQuery::Join(2, 9), SpanAnswer::MaybeSpan(None)),
                (SpanQuery::LocatedAt(9, 1), SpanAnswer::Span(10)),
                (
                    SpanQuery::SourceText(3),
                    SpanAnswer::MaybeText(Some("a\nb".into())),
                ),
                (SpanQuery::LocalFile(3), SpanAnswer::MaybeText(None)),
                (SpanQuery::File(3), SpanAnswer::Text("src/main.rs".into())),
            ],
            files: vec![
                FileRead {
                    path: "/data/a b.txt".into(),
                    fingerprint: Fingerprint::File("ef".repeat(32)),
                },
                FileRead {
                    path: "/data".into(),
                    fingerprint: Fingerprint::Dir("01".repeat(32)),
                },
                FileRead {
                    path: "/data/none".into(),
                    fingerprint: Fingerprint::Absent,
                },
            ],
            input_text: "fn main() {}\n".into(),
            output_text: "line one\n\nline three\n".into(),
            input: input.clone(),
            args: Some(input),
            span_count: 12,
            tokens,
            diagnostics: vec![Diagnostic {
                level: Level::Warning,
                message: "two\nlines".into(),
                spans: vec![2, 10],
            }],
        }
    }

    #[test]
    fn an_entry_reads_back_as_written() {
        let entry = entry();
        let text = entry.to_text();
        let back = Entry::parse(&text).expect("parses");
        assert_eq!(back.to_text(), text);
        // Every field came back (the streams' text buffers hold the same
        // texts in the same order, so they compare equal too).
        assert_eq!(back, entry);
    }

    #[test]
    fn malformed_token_lines_are_errors() {
        for line in [
            "",
            "ident",
            "ident 4 x",
            "ident # x",
            "ident #4294967296 x",
            "punct #1 alone \"ab\"",
            "punct #1 sideways \":\"",
            "literal #1 \"open",
            "group { #1 #2 #3",
            "group { #1 #2 #3 4 5",
            "group < #1 #2 #3 4",
            "group { #1 #2 #3 -4",
            "token #1 x",
        ] {
            let mut stream = TokenStream::new();
            assert!(parse_token(line, &mut stream).is_err(), "{line:?}");
        }
        assert_eq!(number("4294967295"), Some(u32::MAX));
        assert_eq!(handle("#0"), Ok(0));
    }

    #[test]
    fn any_change_to_an_entry_is_detected() {
        let text = entry().to_text();
        // Every single-byte change and every truncation of the body.
        let body = text.find("key ").expect("a key line");
        for at in body..text.len() {
            let mut changed = text.clone().into_bytes();
            changed[at] ^= 0x20;
            if let Ok(changed) = String::from_utf8(changed) {
                assert!(Entry::parse(&changed).is_err(), "byte {at} changed");
            }
            assert!(Entry::parse(&text[..at]).is_err(), "cut at {at}");
        }
        let foreign = text.replacen("procbox expansion 3", "procbox expansion 4", 1);
        let err = Entry::parse(&foreign).expect_err("another format");
        assert!(err.contains("not an entry of this format"), "{err}");
    }
}
