//! [`Entry`]: one cached expansion, and its file format: text a reviewer
//! can read, and that replay reads back exactly.
//!
//! ```text
//! procbox expansion 1
//! crc32 5d0b2c9e
//! key 3f9a…
//! macro derive ToJson
//! component "json_derive.wasm" sha256 9c1e…
//! expanded at "src/lib.rs:12"
//! grants "none"
//! span queries 1
//! line #4 = 12
//! files read 0
//! input 1
//! struct Point { x: i32 }
//! output 3
//! impl ToJson for Point {
//! …
//! tokens 9
//! ident #4 impl
//! group { #2 #3 #4 5
//! literal #9 "\"x\""
//! diagnostics 0
//! ```
//!
//! The first line names the format; the checksum covers everything after
//! its own line, so a torn, truncated or edited entry is ignored. `input`
//! and `output` are for people (pretty-printed where they parse as items);
//! `tokens` and `diagnostics` are what replay returns, with span handles
//! (`#N`) that [`super::spans`] maps to the new input's.

use procbox_protocol::{MacroKind, SpanAnswer, SpanQuery};

use super::files::{FileRead, Fingerprint, is_sha256_hex};
use super::key::Key;
use super::quote::{quote, unquote};
use crate::bindings::wire;

/// The first line of every entry: the format, and its version.
pub(crate) const FORMAT: &str = "procbox expansion 1";

/// One cached expansion.
#[derive(Clone, Debug)]
pub(crate) struct Entry {
    pub(crate) key: Key,
    pub(crate) kind: MacroKind,
    pub(crate) name: String,
    /// The component's name, for people.
    pub(crate) component: String,
    pub(crate) component_hash: String,
    /// Where the macro was first expanded (`file:line`), where known.
    pub(crate) expanded_at: Option<String>,
    /// The grants, for people (the key covers them).
    pub(crate) grants: String,
    /// The span queries the macro made, with their answers, in order.
    pub(crate) queries: Vec<(SpanQuery, SpanAnswer)>,
    /// The granted files and directories it read.
    pub(crate) files: Vec<FileRead>,
    /// The input as source text, for people.
    pub(crate) input: String,
    /// The output as source text, for people.
    pub(crate) output: String,
    /// What the macro returned, as it returned it.
    pub(crate) expansion: wire::Expansion,
}

impl Entry {
    /// The entry's file contents.
    pub(crate) fn to_text(&self) -> String {
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
        for (section, text) in [("input", &self.input), ("output", &self.output)] {
            line(format!("{section} {}", text.lines().count()));
            for text_line in text.lines() {
                line(text_line.to_owned());
            }
        }
        let tokens = &self.expansion.tokens;
        line(format!("tokens {}", tokens.tokens.len()));
        for token in &tokens.tokens {
            line(token_text(token, &tokens.text));
        }
        line(format!("diagnostics {}", self.expansion.diagnostics.len()));
        for diagnostic in &self.expansion.diagnostics {
            let mut text = level_word(diagnostic.level).to_owned();
            for span in &diagnostic.spans {
                text.push_str(&format!(" #{span}"));
            }
            text.push(' ');
            text.push_str(&quote(&diagnostic.message));
            line(text);
        }
        format!(
            "{FORMAT}\ncrc32 {:08x}\n{body}",
            crc32fast::hash(body.as_bytes())
        )
    }

    /// Reads an entry back; an error says what is wrong with it (the entry
    /// is then ignored).
    pub(crate) fn parse(text: &str) -> Result<Entry, String> {
        let rest = text
            .strip_prefix(FORMAT)
            .and_then(|rest| rest.strip_prefix('\n'))
            .ok_or("not an entry of this format (another procbox version, or not procbox's)")?;
        let (crc_line, body) = rest.split_once('\n').ok_or("truncated")?;
        let crc = crc_line
            .strip_prefix("crc32 ")
            .and_then(|hex| u32::from_str_radix(hex, 16).ok())
            .ok_or("no checksum")?;
        if crc32fast::hash(body.as_bytes()) != crc {
            return Err("the checksum does not match (torn, truncated or edited)".into());
        }
        let mut lines = Lines(body.lines());
        let key = lines.field("key")?.parse()?;
        let (kind, name) = lines
            .field("macro")?
            .split_once(' ')
            .ok_or("bad `macro` line")?;
        let kind = parse_kind(kind)?;
        let name = name.to_owned();
        let (component, hash) = unquote(lines.field("component")?)?;
        let component_hash = hash
            .strip_prefix(" sha256 ")
            .ok_or("bad `component` line")?
            .to_owned();
        let expanded_at = match lines.field("expanded at")? {
            "unknown" => None,
            quoted => Some(unquote(quoted)?.0),
        };
        let grants = unquote(lines.field("grants")?)?.0;
        let queries = (0..lines.count("span queries")?)
            .map(|_| parse_query(lines.next()?))
            .collect::<Result<_, String>>()?;
        let files = (0..lines.count("files read")?)
            .map(|_| lines.next()?.parse())
            .collect::<Result<_, String>>()?;
        let input = lines.section("input")?;
        let output = lines.section("output")?;
        let mut tokens = wire::TokenStream {
            text: String::new(),
            tokens: Vec::new(),
        };
        for _ in 0..lines.count("tokens")? {
            let token = parse_token(lines.next()?, &mut tokens.text)?;
            tokens.tokens.push(token);
        }
        let diagnostics = (0..lines.count("diagnostics")?)
            .map(|_| parse_diagnostic(lines.next()?))
            .collect::<Result<_, String>>()?;
        if lines.0.next().is_some() {
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
            input,
            output,
            expansion: wire::Expansion {
                tokens,
                diagnostics,
            },
        })
    }
}

/// The lines of an entry's body, read in order.
struct Lines<'a>(std::str::Lines<'a>);

impl<'a> Lines<'a> {
    fn next(&mut self) -> Result<&'a str, String> {
        self.0.next().ok_or_else(|| "truncated".to_owned())
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
        field
            .parse()
            .map_err(|_| format!("bad count `{field}` for `{name}`"))
    }

    /// A section of `count` free lines.
    fn section(&mut self, name: &str) -> Result<String, String> {
        let mut text = String::new();
        for _ in 0..self.count(name)? {
            text.push_str(self.next()?);
            text.push('\n');
        }
        Ok(text)
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

fn level_word(level: wire::Level) -> &'static str {
    match level {
        wire::Level::Error => "error",
        wire::Level::Warning => "warning",
        wire::Level::Note => "note",
        wire::Level::Help => "help",
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
        SpanQuery::File(_) => SpanAnswer::Text(whole_string(answer)?),
        SpanQuery::SourceText(_) | SpanQuery::LocalFile(_) => SpanAnswer::MaybeText(match answer {
            "none" => None,
            quoted => Some(whole_string(quoted)?),
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
fn whole_string(text: &str) -> Result<String, String> {
    match unquote(text)? {
        (string, "") => Ok(string),
        _ => Err(format!("text after the string in `{text}`")),
    }
}

/// A span handle, `#N`.
fn handle(word: &str) -> Result<u32, String> {
    word.strip_prefix('#')
        .and_then(|n| n.parse().ok())
        .ok_or_else(|| format!("bad span `{word}`"))
}

fn token_text(token: &wire::Token, text: &str) -> String {
    let slice = |range: wire::TextRange| {
        text.get(range.start as usize..(range.start + range.len) as usize)
            .unwrap_or_default()
    };
    match token {
        wire::Token::Group(g) => format!(
            "group {} #{} #{} #{} {}",
            match g.delimiter {
                wire::Delimiter::Parenthesis => "(",
                wire::Delimiter::Brace => "{",
                wire::Delimiter::Bracket => "[",
                wire::Delimiter::None => "none",
            },
            g.span,
            g.span_open,
            g.span_close,
            g.len
        ),
        wire::Token::Ident(i) => format!(
            "ident #{} {}{}",
            i.span,
            if i.is_raw { "r#" } else { "" },
            slice(i.text)
        ),
        wire::Token::Punct(p) => format!(
            "punct #{} {} {}",
            p.span,
            match p.spacing {
                wire::Spacing::Alone => "alone",
                wire::Spacing::Joint => "joint",
            },
            quote(&p.ch.to_string())
        ),
        wire::Token::Literal(l) => format!("literal #{} {}", l.span, quote(slice(l.text))),
    }
}

fn parse_token(line: &str, text: &mut String) -> Result<wire::Token, String> {
    let bad = || format!("bad token `{line}`");
    let (kind, rest) = line.split_once(' ').ok_or_else(bad)?;
    let (span, rest) = rest.split_once(' ').ok_or_else(bad)?;
    let mut push = |s: &str| {
        let start = text.len() as u32;
        text.push_str(s);
        wire::TextRange {
            start,
            len: s.len() as u32,
        }
    };
    Ok(match kind {
        "group" => {
            let delimiter = match span {
                "(" => wire::Delimiter::Parenthesis,
                "{" => wire::Delimiter::Brace,
                "[" => wire::Delimiter::Bracket,
                "none" => wire::Delimiter::None,
                _ => return Err(bad()),
            };
            let words: Vec<&str> = rest.split(' ').collect();
            let [span, open, close, len] = words[..] else {
                return Err(bad());
            };
            wire::Token::Group(wire::GroupToken {
                delimiter,
                span: handle(span)?,
                span_open: handle(open)?,
                span_close: handle(close)?,
                len: len.parse().map_err(|_| bad())?,
            })
        }
        "ident" => {
            let (is_raw, name) = match rest.strip_prefix("r#") {
                Some(name) => (true, name),
                None => (false, rest),
            };
            wire::Token::Ident(wire::IdentToken {
                text: push(name),
                is_raw,
                span: handle(span)?,
            })
        }
        "punct" => {
            let (spacing, ch) = rest.split_once(' ').ok_or_else(bad)?;
            let spacing = match spacing {
                "alone" => wire::Spacing::Alone,
                "joint" => wire::Spacing::Joint,
                _ => return Err(bad()),
            };
            let ch = whole_string(ch)?;
            let mut chars = ch.chars();
            let (Some(ch), None) = (chars.next(), chars.next()) else {
                return Err(bad());
            };
            wire::Token::Punct(wire::PunctToken {
                ch,
                spacing,
                span: handle(span)?,
            })
        }
        "literal" => wire::Token::Literal(wire::LiteralToken {
            text: push(&whole_string(rest)?),
            span: handle(span)?,
        }),
        _ => return Err(bad()),
    })
}

fn parse_diagnostic(line: &str) -> Result<wire::Diagnostic, String> {
    let (level, mut rest) = line
        .split_once(' ')
        .ok_or_else(|| format!("bad diagnostic `{line}`"))?;
    let level = match level {
        "error" => wire::Level::Error,
        "warning" => wire::Level::Warning,
        "note" => wire::Level::Note,
        "help" => wire::Level::Help,
        _ => return Err(format!("bad diagnostic level `{level}`")),
    };
    let mut spans = Vec::new();
    while let Some(after) = rest.strip_prefix('#') {
        let (span, after) = after.split_once(' ').unwrap_or((after, ""));
        spans.push(handle(&format!("#{span}"))?);
        rest = after;
    }
    Ok(wire::Diagnostic {
        level,
        message: whole_string(rest)?,
        spans,
    })
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
        Ok(FileRead { path, fingerprint })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry() -> Entry {
        let mut text = String::new();
        let mut push = |s: &str| {
            let start = text.len() as u32;
            text.push_str(s);
            wire::TextRange {
                start,
                len: s.len() as u32,
            }
        };
        let tokens = vec![
            wire::Token::Ident(wire::IdentToken {
                text: push("type"),
                is_raw: true,
                span: 2,
            }),
            wire::Token::Group(wire::GroupToken {
                delimiter: wire::Delimiter::None,
                span: 0,
                span_open: 1,
                span_close: 9,
                len: 2,
            }),
            wire::Token::Punct(wire::PunctToken {
                ch: '\'',
                spacing: wire::Spacing::Joint,
                span: 3,
            }),
            wire::Token::Literal(wire::LiteralToken {
                text: push("r#\"a \"quote\"\n\u{1b}\"#"),
                span: 10,
            }),
        ];
        Entry {
            key: "ab".repeat(32).parse().expect("a key"),
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
            input: "fn main() {}\n".into(),
            output: "line one\n\nline three\n".into(),
            expansion: wire::Expansion {
                tokens: wire::TokenStream { text, tokens },
                diagnostics: vec![wire::Diagnostic {
                    level: wire::Level::Warning,
                    message: "two\nlines".into(),
                    spans: vec![2, 10],
                }],
            },
        }
    }

    #[test]
    fn an_entry_reads_back_as_written() {
        let entry = entry();
        let text = entry.to_text();
        let back = Entry::parse(&text).expect("parses");
        // Written again, it is the same text: every field came back.
        assert_eq!(back.to_text(), text);
        assert_eq!(back.queries, entry.queries);
        assert_eq!(back.files, entry.files);
        assert_eq!(back.expanded_at, entry.expanded_at);
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
        let foreign = text.replacen("procbox expansion 1", "procbox expansion 2", 1);
        let err = Entry::parse(&foreign).expect_err("another format");
        assert!(err.contains("not an entry of this format"), "{err}");
    }
}
