//! The binary form of every message: the one codec, for both directions.
//!
//! Integers are little-endian and fixed-width (`u8`, `u32`, `u64`, `u128`);
//! a string or byte string is its length (`u32`) and its bytes; a list is its
//! length and its items; an option is a `u8` (0 or 1) and the value; an enum
//! is a `u8` tag and its fields. A token is a record of fixed size
//! ([`TOKEN_RECORD`] bytes).
//!
//! Decoding checks everything: tags, UTF-8, `char`s, lengths against the
//! bytes left (so no length can make it allocate more than the message
//! holds), and that nothing follows the message.

use std::fmt;

use crate::capability::Capability;
use crate::grants::{Dir, Grants, Value};
use crate::message::{
    ClientHello, ClientMessage, Diagnostic, Expand, Expanded, Failure, FailureKind, Level, Load,
    MacroKind, ServerHello, ServerMessage, SpanAnswer, SpanQuery,
};
use crate::tree::{
    Delimiter, GroupToken, IdentToken, LiteralToken, PunctToken, Spacing, TextRange, Token,
    TokenStream,
};

/// The first bytes of a [`ClientMessage::Hello`] and a
/// [`ServerMessage::Hello`]: what tells a procbox peer from any other
/// program writing to a pipe.
pub const MAGIC: [u8; 8] = *b"PROCBOX\x01";

/// A message that could not be decoded: what was wrong, and where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DecodeError {
    /// What was expected or found.
    pub what: &'static str,
    /// The byte offset in the message.
    pub at: usize,
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "malformed procbox message: {} at byte {}",
            self.what, self.at
        )
    }
}

impl std::error::Error for DecodeError {}

/// A value with a binary form.
pub trait Encode {
    /// Appends the value's binary form to `out`.
    fn encode(&self, out: &mut Vec<u8>);
}

/// A value that can be read back from its binary form.
pub trait Decode: Sized {
    /// Reads one value.
    fn decode(reader: &mut Reader<'_>) -> Result<Self, DecodeError>;
}

/// Encodes a whole message.
pub fn encode<T: Encode>(value: &T) -> Vec<u8> {
    let mut out = Vec::new();
    value.encode(&mut out);
    out
}

/// Decodes a whole message: one value, and nothing after it.
pub fn decode<T: Decode>(bytes: &[u8]) -> Result<T, DecodeError> {
    let mut reader = Reader { bytes, at: 0 };
    let value = T::decode(&mut reader)?;
    if reader.at != bytes.len() {
        return Err(reader.error("bytes after the end of the message"));
    }
    Ok(value)
}

/// A cursor over a message being decoded.
pub struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn error(&self, what: &'static str) -> DecodeError {
        DecodeError { what, at: self.at }
    }

    fn take(&mut self, n: usize, what: &'static str) -> Result<&'a [u8], DecodeError> {
        let end = self
            .at
            .checked_add(n)
            .filter(|&end| end <= self.bytes.len());
        let end = end.ok_or_else(|| self.error(what))?;
        let taken = &self.bytes[self.at..end];
        self.at = end;
        Ok(taken)
    }

    fn array<const N: usize>(&mut self, what: &'static str) -> Result<[u8; N], DecodeError> {
        let mut array = [0; N];
        array.copy_from_slice(self.take(N, what)?);
        Ok(array)
    }

    fn u8(&mut self) -> Result<u8, DecodeError> {
        Ok(self.array::<1>("a byte past the end")?[0])
    }

    fn u32(&mut self) -> Result<u32, DecodeError> {
        self.array("a u32 past the end").map(u32::from_le_bytes)
    }

    fn u128(&mut self) -> Result<u128, DecodeError> {
        self.array("a u128 past the end").map(u128::from_le_bytes)
    }

    fn bool(&mut self) -> Result<bool, DecodeError> {
        match self.u8()? {
            0 => Ok(false),
            1 => Ok(true),
            _ => Err(self.error("a bool that is neither 0 nor 1")),
        }
    }

    /// A tag below `count`.
    fn tag(&mut self, count: u8, what: &'static str) -> Result<u8, DecodeError> {
        let tag = self.u8()?;
        if tag < count {
            Ok(tag)
        } else {
            Err(DecodeError {
                what,
                at: self.at - 1,
            })
        }
    }

    /// A list length, checked against the bytes left: every item takes at
    /// least `min_item` bytes.
    fn len(&mut self, min_item: usize) -> Result<usize, DecodeError> {
        let len = self.u32()? as usize;
        let left = self.bytes.len() - self.at;
        if len.saturating_mul(min_item.max(1)) > left {
            return Err(self.error("a length longer than the message"));
        }
        Ok(len)
    }

    fn bytes(&mut self) -> Result<&'a [u8], DecodeError> {
        let len = self.len(1)?;
        self.take(len, "bytes past the end")
    }

    fn str(&mut self) -> Result<&'a str, DecodeError> {
        let at = self.at;
        let bytes = self.bytes()?;
        std::str::from_utf8(bytes).map_err(|_| DecodeError {
            what: "a string that is not UTF-8",
            at,
        })
    }

    fn list<T: Decode>(&mut self, min_item: usize) -> Result<Vec<T>, DecodeError> {
        let len = self.len(min_item)?;
        let mut items = Vec::with_capacity(len);
        for _ in 0..len {
            items.push(T::decode(self)?);
        }
        Ok(items)
    }
}

fn put_u32(out: &mut Vec<u8>, value: u32) {
    out.extend_from_slice(&value.to_le_bytes());
}

/// A length as a `u32`; the messages' limits keep every length far below.
fn put_len(out: &mut Vec<u8>, len: usize) {
    put_u32(out, u32::try_from(len).unwrap_or(u32::MAX));
}

fn put_bytes(out: &mut Vec<u8>, bytes: &[u8]) {
    put_len(out, bytes.len());
    out.extend_from_slice(bytes);
}

fn put_list<T: Encode>(out: &mut Vec<u8>, items: &[T]) {
    put_len(out, items.len());
    for item in items {
        item.encode(out);
    }
}

impl Encode for u32 {
    fn encode(&self, out: &mut Vec<u8>) {
        put_u32(out, *self);
    }
}

impl Decode for u32 {
    fn decode(reader: &mut Reader<'_>) -> Result<u32, DecodeError> {
        reader.u32()
    }
}

impl Encode for String {
    fn encode(&self, out: &mut Vec<u8>) {
        put_bytes(out, self.as_bytes());
    }
}

impl Decode for String {
    fn decode(reader: &mut Reader<'_>) -> Result<String, DecodeError> {
        reader.str().map(str::to_owned)
    }
}

impl<T: Encode> Encode for Option<T> {
    fn encode(&self, out: &mut Vec<u8>) {
        match self {
            None => out.push(0),
            Some(value) => {
                out.push(1);
                value.encode(out);
            }
        }
    }
}

impl<T: Decode> Decode for Option<T> {
    fn decode(reader: &mut Reader<'_>) -> Result<Option<T>, DecodeError> {
        match reader.bool()? {
            false => Ok(None),
            true => T::decode(reader).map(Some),
        }
    }
}

impl<A: Encode, B: Encode> Encode for (A, B) {
    fn encode(&self, out: &mut Vec<u8>) {
        self.0.encode(out);
        self.1.encode(out);
    }
}

impl<A: Decode, B: Decode> Decode for (A, B) {
    fn decode(reader: &mut Reader<'_>) -> Result<(A, B), DecodeError> {
        Ok((A::decode(reader)?, B::decode(reader)?))
    }
}

/// Implements `Encode` and `Decode` for a field-less enum as a `u8` tag, in
/// the order listed.
macro_rules! tagged_enum {
    ($ty:ident, $what:literal, [$($variant:ident),+ $(,)?]) => {
        impl Encode for $ty {
            fn encode(&self, out: &mut Vec<u8>) {
                let variants = [$($ty::$variant),+];
                let tag = variants.iter().position(|v| v == self).unwrap_or(0);
                out.push(tag as u8);
            }
        }

        impl Decode for $ty {
            fn decode(reader: &mut Reader<'_>) -> Result<$ty, DecodeError> {
                let variants = [$($ty::$variant),+];
                let tag = reader.tag(variants.len() as u8, $what)?;
                Ok(variants[tag as usize])
            }
        }
    };
}

tagged_enum!(
    Delimiter,
    "an unknown delimiter",
    [Parenthesis, Brace, Bracket, None]
);
tagged_enum!(Spacing, "an unknown spacing", [Alone, Joint]);
tagged_enum!(
    MacroKind,
    "an unknown macro kind",
    [Derive, Attribute, Function]
);
tagged_enum!(
    Level,
    "an unknown diagnostic level",
    [Error, Warning, Note, Help]
);
tagged_enum!(
    Capability,
    "an unknown capability",
    [RandomSeed, FsRead, Env]
);
tagged_enum!(
    FailureKind,
    "an unknown failure kind",
    [
        Io,
        BadComponent,
        HashMismatch,
        UnknownMacro,
        GuestPanic,
        Timeout,
        MemoryLimit,
        Denied,
        NotGranted,
        Undeclared,
        Trap,
        InvalidOutput,
        OutputTooLarge,
        TooManyInstances,
        Engine,
        Protocol,
        Offline,
    ]
);

impl Encode for TextRange {
    fn encode(&self, out: &mut Vec<u8>) {
        put_u32(out, self.start);
        put_u32(out, self.len);
    }
}

impl Decode for TextRange {
    fn decode(reader: &mut Reader<'_>) -> Result<TextRange, DecodeError> {
        Ok(TextRange {
            start: reader.u32()?,
            len: reader.u32()?,
        })
    }
}

/// The size of a token's record: a tag, a byte of flags and four `u32`s.
///
/// Every token takes the same room, so a stream's tokens are one slice cut
/// into records: the shim, built without optimization in a consumer's dev
/// profile, decodes them in a tight loop rather than through a call per
/// field.
pub const TOKEN_RECORD: usize = 18;

/// A token's record:
///
/// | token | tag | flags | `u32`s |
/// |---|---|---|---|
/// | group | 0 | delimiter | span, open span, close span, length |
/// | identifier | 1 | raw (0 or 1) | text start, text length, span, 0 |
/// | punctuation | 2 | spacing | character, span, 0, 0 |
/// | literal | 3 | 0 | text start, text length, span, 0 |
fn token_record(token: &Token) -> [u8; TOKEN_RECORD] {
    let (tag, flags, fields) = match *token {
        Token::Group(g) => (
            0,
            delimiter_flag(g.delimiter),
            [g.span, g.span_open, g.span_close, g.len],
        ),
        Token::Ident(i) => (1, i.is_raw as u8, [i.text.start, i.text.len, i.span, 0]),
        Token::Punct(p) => (
            2,
            (p.spacing == Spacing::Joint) as u8,
            [p.ch as u32, p.span, 0, 0],
        ),
        Token::Literal(l) => (3, 0, [l.text.start, l.text.len, l.span, 0]),
    };
    let mut record = [0; TOKEN_RECORD];
    record[0] = tag;
    record[1] = flags;
    for (i, field) in fields.iter().enumerate() {
        record[2 + 4 * i..6 + 4 * i].copy_from_slice(&field.to_le_bytes());
    }
    record
}

fn delimiter_flag(delimiter: Delimiter) -> u8 {
    match delimiter {
        Delimiter::Parenthesis => 0,
        Delimiter::Brace => 1,
        Delimiter::Bracket => 2,
        Delimiter::None => 3,
    }
}

/// The token of a record, checked: a known tag and flags, a `char`, and the
/// unused fields zero (so that every token has one encoding).
fn token_from_record(record: &[u8]) -> Result<Token, &'static str> {
    let (tag, flags) = (record[0], record[1]);
    let (a, b, c, d) = (
        u32_at(record, 2),
        u32_at(record, 6),
        u32_at(record, 10),
        u32_at(record, 14),
    );
    match tag {
        0 if flags <= 3 => Ok(Token::Group(GroupToken {
            delimiter: match flags {
                0 => Delimiter::Parenthesis,
                1 => Delimiter::Brace,
                2 => Delimiter::Bracket,
                _ => Delimiter::None,
            },
            span: a,
            span_open: b,
            span_close: c,
            len: d,
        })),
        1 if flags <= 1 && d == 0 => Ok(Token::Ident(IdentToken {
            text: TextRange { start: a, len: b },
            is_raw: flags == 1,
            span: c,
        })),
        2 if flags <= 1 && c == 0 && d == 0 => Ok(Token::Punct(PunctToken {
            ch: char::from_u32(a).ok_or("a punctuation character that is not a char")?,
            spacing: match flags {
                0 => Spacing::Alone,
                _ => Spacing::Joint,
            },
            span: b,
        })),
        3 if flags == 0 && d == 0 => Ok(Token::Literal(LiteralToken {
            text: TextRange { start: a, len: b },
            span: c,
        })),
        0..=3 => Err("a token with unknown flags, or a field it does not use set"),
        _ => Err("an unknown token kind"),
    }
}

/// The little-endian `u32` at `at` in a record.
fn u32_at(record: &[u8], at: usize) -> u32 {
    u32::from_le_bytes([record[at], record[at + 1], record[at + 2], record[at + 3]])
}

impl Encode for TokenStream {
    fn encode(&self, out: &mut Vec<u8>) {
        self.text.encode(out);
        put_len(out, self.tokens.len());
        out.reserve(self.tokens.len() * TOKEN_RECORD);
        for token in &self.tokens {
            out.extend_from_slice(&token_record(token));
        }
    }
}

impl Decode for TokenStream {
    fn decode(reader: &mut Reader<'_>) -> Result<TokenStream, DecodeError> {
        let text = String::decode(reader)?;
        let count = reader.len(TOKEN_RECORD)?;
        let start = reader.at;
        let records = reader.take(count * TOKEN_RECORD, "tokens past the end")?;
        let mut tokens = Vec::with_capacity(count);
        for (i, record) in records.chunks_exact(TOKEN_RECORD).enumerate() {
            let token = token_from_record(record).map_err(|what| DecodeError {
                what,
                at: start + i * TOKEN_RECORD,
            })?;
            tokens.push(token);
        }
        Ok(TokenStream { text, tokens })
    }
}

impl Encode for Diagnostic {
    fn encode(&self, out: &mut Vec<u8>) {
        self.level.encode(out);
        self.message.encode(out);
        put_list(out, &self.spans);
    }
}

impl Decode for Diagnostic {
    fn decode(reader: &mut Reader<'_>) -> Result<Diagnostic, DecodeError> {
        Ok(Diagnostic {
            level: Level::decode(reader)?,
            message: String::decode(reader)?,
            spans: reader.list(4)?,
        })
    }
}

impl Encode for Grants {
    fn encode(&self, out: &mut Vec<u8>) {
        let (seed, fs_read, env) = self.clone().into_parts();
        match seed {
            None => out.push(0),
            Some(seed) => {
                out.push(1);
                out.extend_from_slice(&seed.to_le_bytes());
            }
        }
        match fs_read {
            None => out.push(0),
            Some(Dir::Path(path)) => {
                out.push(1);
                // Resolved grants hold UTF-8 paths only (`Grants::resolve`), so
                // the lossy conversion never changes a path that is sent.
                path.to_string_lossy().into_owned().encode(out);
            }
            Some(Dir::ManifestDir) => out.push(2),
        }
        put_len(out, env.len());
        for (name, value) in env {
            name.encode(out);
            match value {
                Value::Given(value) => {
                    out.push(0);
                    value.encode(out);
                }
                Value::FromEnvironment => out.push(1),
            }
        }
    }
}

impl Decode for Grants {
    fn decode(reader: &mut Reader<'_>) -> Result<Grants, DecodeError> {
        let seed = match reader.bool()? {
            false => None,
            true => Some(reader.u128()?),
        };
        let fs_read = match reader.tag(3, "an unknown fs-read grant")? {
            0 => None,
            1 => Some(Dir::Path(String::decode(reader)?.into())),
            _ => Some(Dir::ManifestDir),
        };
        let count = reader.len(5)?;
        let mut env = Vec::with_capacity(count);
        let mut previous: Option<String> = None;
        for _ in 0..count {
            let at = reader.at;
            let name = String::decode(reader)?;
            // Sorted, each name once: the one encoding of a set of variables.
            if previous.as_ref().is_some_and(|p| *p >= name) {
                return Err(DecodeError {
                    what: "env grants out of order",
                    at,
                });
            }
            let value = match reader.tag(2, "an unknown env grant")? {
                0 => Value::Given(String::decode(reader)?),
                _ => Value::FromEnvironment,
            };
            previous = Some(name.clone());
            env.push((name, value));
        }
        Ok(Grants::from_parts(seed, fs_read, env))
    }
}

impl Encode for Failure {
    fn encode(&self, out: &mut Vec<u8>) {
        self.kind.encode(out);
        self.message.encode(out);
        self.panic.encode(out);
    }
}

impl Decode for Failure {
    fn decode(reader: &mut Reader<'_>) -> Result<Failure, DecodeError> {
        Ok(Failure {
            kind: FailureKind::decode(reader)?,
            message: String::decode(reader)?,
            panic: Option::decode(reader)?,
        })
    }
}

impl Encode for SpanQuery {
    fn encode(&self, out: &mut Vec<u8>) {
        let tag: u8 = match self {
            SpanQuery::SourceText(_) => 0,
            SpanQuery::Start(_) => 1,
            SpanQuery::End(_) => 2,
            SpanQuery::Line(_) => 3,
            SpanQuery::Column(_) => 4,
            SpanQuery::File(_) => 5,
            SpanQuery::LocalFile(_) => 6,
            SpanQuery::Join(..) => 7,
            SpanQuery::ResolvedAt(..) => 8,
            SpanQuery::LocatedAt(..) => 9,
        };
        out.push(tag);
        let (first, second) = self.spans();
        put_u32(out, first);
        if let Some(second) = second {
            put_u32(out, second);
        }
    }
}

impl Decode for SpanQuery {
    fn decode(reader: &mut Reader<'_>) -> Result<SpanQuery, DecodeError> {
        let tag = reader.tag(10, "an unknown span query")?;
        let s = reader.u32()?;
        Ok(match tag {
            0 => SpanQuery::SourceText(s),
            1 => SpanQuery::Start(s),
            2 => SpanQuery::End(s),
            3 => SpanQuery::Line(s),
            4 => SpanQuery::Column(s),
            5 => SpanQuery::File(s),
            6 => SpanQuery::LocalFile(s),
            7 => SpanQuery::Join(s, reader.u32()?),
            8 => SpanQuery::ResolvedAt(s, reader.u32()?),
            _ => SpanQuery::LocatedAt(s, reader.u32()?),
        })
    }
}

impl Encode for SpanAnswer {
    fn encode(&self, out: &mut Vec<u8>) {
        match self {
            SpanAnswer::Span(s) => {
                out.push(0);
                put_u32(out, *s);
            }
            SpanAnswer::MaybeSpan(s) => {
                out.push(1);
                s.encode(out);
            }
            SpanAnswer::Number(n) => {
                out.push(2);
                put_u32(out, *n);
            }
            SpanAnswer::Text(text) => {
                out.push(3);
                text.encode(out);
            }
            SpanAnswer::MaybeText(text) => {
                out.push(4);
                text.encode(out);
            }
        }
    }
}

impl Decode for SpanAnswer {
    fn decode(reader: &mut Reader<'_>) -> Result<SpanAnswer, DecodeError> {
        Ok(match reader.tag(5, "an unknown span answer")? {
            0 => SpanAnswer::Span(reader.u32()?),
            1 => SpanAnswer::MaybeSpan(Option::decode(reader)?),
            2 => SpanAnswer::Number(reader.u32()?),
            3 => SpanAnswer::Text(String::decode(reader)?),
            _ => SpanAnswer::MaybeText(Option::decode(reader)?),
        })
    }
}

fn decode_magic(reader: &mut Reader<'_>) -> Result<(), DecodeError> {
    let at = reader.at;
    match reader.array::<8>("a greeting shorter than procbox's") {
        Ok(magic) if magic == MAGIC => Ok(()),
        _ => Err(DecodeError {
            what: "a greeting that is not procbox's",
            at,
        }),
    }
}

impl Encode for ClientMessage {
    fn encode(&self, out: &mut Vec<u8>) {
        match self {
            ClientMessage::Hello(hello) => {
                out.extend_from_slice(&MAGIC);
                put_u32(out, hello.version);
            }
            ClientMessage::Load(load) => {
                out.push(1);
                put_u32(out, load.component);
                load.name.encode(out);
                load.sha256.encode(out);
                put_bytes(out, &load.bytes);
            }
            ClientMessage::Expand(expand) => {
                out.push(2);
                put_u32(out, expand.component);
                expand.kind.encode(out);
                expand.name.encode(out);
                expand.input.encode(out);
                expand.args.encode(out);
                put_u32(out, expand.span_count);
                put_u32(out, expand.timeout_ms);
                expand.grants.encode(out);
                expand.file.encode(out);
            }
            ClientMessage::SpanAnswer(answer) => {
                out.push(3);
                answer.encode(out);
            }
        }
    }
}

impl Decode for ClientMessage {
    fn decode(reader: &mut Reader<'_>) -> Result<ClientMessage, DecodeError> {
        // The greeting starts with the magic, whose first byte no other
        // message's tag is.
        if reader.bytes.get(reader.at) == Some(&MAGIC[0]) {
            decode_magic(reader)?;
            return Ok(ClientMessage::Hello(ClientHello {
                version: reader.u32()?,
            }));
        }
        Ok(match reader.tag(4, "an unknown client message")? {
            1 => ClientMessage::Load(Load {
                component: reader.u32()?,
                name: String::decode(reader)?,
                sha256: String::decode(reader)?,
                bytes: reader.bytes()?.to_vec(),
            }),
            2 => ClientMessage::Expand(Expand {
                component: reader.u32()?,
                kind: MacroKind::decode(reader)?,
                name: String::decode(reader)?,
                input: TokenStream::decode(reader)?,
                args: Option::decode(reader)?,
                span_count: reader.u32()?,
                timeout_ms: reader.u32()?,
                grants: Grants::decode(reader)?,
                file: Option::decode(reader)?,
            }),
            3 => ClientMessage::SpanAnswer(SpanAnswer::decode(reader)?),
            _ => return Err(reader.error("a client message with tag 0")),
        })
    }
}

impl Encode for ServerMessage {
    fn encode(&self, out: &mut Vec<u8>) {
        match self {
            ServerMessage::Hello(hello) => {
                out.extend_from_slice(&MAGIC);
                put_u32(out, hello.version);
                hello.procbox.encode(out);
            }
            ServerMessage::Loaded(component) => {
                out.push(1);
                put_u32(out, *component);
            }
            ServerMessage::SpanQuery(query) => {
                out.push(2);
                query.encode(out);
            }
            ServerMessage::Expanded(expanded) => {
                out.push(3);
                expanded.tokens.encode(out);
                put_list(out, &expanded.diagnostics);
                put_list(out, &expanded.files_read);
            }
            ServerMessage::Failed(failure) => {
                out.push(4);
                failure.encode(out);
            }
        }
    }
}

impl Decode for ServerMessage {
    fn decode(reader: &mut Reader<'_>) -> Result<ServerMessage, DecodeError> {
        if reader.bytes.get(reader.at) == Some(&MAGIC[0]) {
            decode_magic(reader)?;
            return Ok(ServerMessage::Hello(ServerHello {
                version: reader.u32()?,
                procbox: String::decode(reader)?,
            }));
        }
        Ok(match reader.tag(5, "an unknown server message")? {
            1 => ServerMessage::Loaded(reader.u32()?),
            2 => ServerMessage::SpanQuery(SpanQuery::decode(reader)?),
            3 => ServerMessage::Expanded(Expanded {
                tokens: TokenStream::decode(reader)?,
                diagnostics: reader.list(9)?,
                files_read: reader.list(4)?,
            }),
            4 => ServerMessage::Failed(Failure::decode(reader)?),
            _ => return Err(reader.error("a server message with tag 0")),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stream() -> TokenStream {
        let mut stream = TokenStream::new();
        let group = stream.open_group(Delimiter::Bracket, 2, 3, 4);
        let text = stream.push_text("r#type");
        stream.tokens.push(Token::Ident(IdentToken {
            text,
            is_raw: true,
            span: 5,
        }));
        stream.tokens.push(Token::Punct(PunctToken {
            ch: '\'',
            spacing: Spacing::Joint,
            span: 6,
        }));
        let text = stream.push_text("\"é\"");
        stream
            .tokens
            .push(Token::Literal(LiteralToken { text, span: 7 }));
        stream.close_group(group);
        stream
    }

    fn client_messages() -> Vec<ClientMessage> {
        vec![
            ClientMessage::Hello(ClientHello { version: 7 }),
            ClientMessage::Load(Load {
                component: 3,
                name: "json_derive.wasm".into(),
                sha256: "ab".repeat(32),
                bytes: b"\0asm".to_vec(),
            }),
            ClientMessage::Expand(Expand {
                component: 3,
                kind: MacroKind::Attribute,
                name: "field_names".into(),
                input: stream(),
                args: Some(TokenStream::new()),
                span_count: 8,
                timeout_ms: 10_000,
                grants: Grants::new()
                    .random_seed_value(u128::MAX - 1)
                    .fs_read_manifest_dir()
                    .env("A", "b=c")
                    .env_from_environment("B"),
                file: Some("src/lib.rs".into()),
            }),
            ClientMessage::SpanAnswer(SpanAnswer::MaybeText(Some("x".into()))),
            ClientMessage::SpanAnswer(SpanAnswer::MaybeSpan(Some(9))),
        ]
    }

    fn server_messages() -> Vec<ServerMessage> {
        vec![
            ServerMessage::Hello(ServerHello {
                version: 1,
                procbox: "0.1.0".into(),
            }),
            ServerMessage::Loaded(3),
            ServerMessage::SpanQuery(SpanQuery::LocatedAt(4, 1)),
            ServerMessage::SpanQuery(SpanQuery::Line(4)),
            ServerMessage::Expanded(Expanded {
                tokens: stream(),
                diagnostics: vec![Diagnostic {
                    level: Level::Warning,
                    message: "careful".into(),
                    spans: vec![0, 5],
                }],
                files_read: vec!["/data/colors.txt".into()],
            }),
            ServerMessage::Failed(Failure {
                kind: FailureKind::Timeout,
                message: "too slow".into(),
                panic: None,
            }),
            ServerMessage::Failed(Failure {
                kind: FailureKind::GuestPanic,
                message: "macro `m` in m.wasm panicked at src/lib.rs:1:1: no".into(),
                panic: Some("no".into()),
            }),
        ]
    }

    #[test]
    fn every_message_round_trips() {
        for message in client_messages() {
            assert_eq!(decode::<ClientMessage>(&encode(&message)), Ok(message));
        }
        for message in server_messages() {
            assert_eq!(decode::<ServerMessage>(&encode(&message)), Ok(message));
        }
    }

    #[test]
    fn every_prefix_of_a_message_is_refused() {
        for message in client_messages() {
            let bytes = encode(&message);
            for len in 0..bytes.len() {
                assert!(
                    decode::<ClientMessage>(&bytes[..len]).is_err(),
                    "{message:?} cut to {len} bytes"
                );
            }
        }
        for message in server_messages() {
            let bytes = encode(&message);
            for len in 0..bytes.len() {
                assert!(decode::<ServerMessage>(&bytes[..len]).is_err());
            }
        }
    }

    #[test]
    fn malformed_messages_say_what_is_wrong() {
        let mut extra = encode(&ServerMessage::Loaded(1));
        extra.push(0);
        assert_eq!(
            decode::<ServerMessage>(&extra),
            Err(DecodeError {
                what: "bytes after the end of the message",
                at: 5
            })
        );
        let not_procbox = b"PROCBOZ\x01\x01\0\0\0";
        assert_eq!(
            decode::<ClientMessage>(not_procbox).map_err(|e| e.what),
            Err("a greeting that is not procbox's")
        );
        // A punctuation "character" that is a surrogate.
        let mut punct = encode(&TokenStream {
            text: String::new(),
            tokens: vec![Token::Punct(PunctToken {
                ch: '+',
                spacing: Spacing::Alone,
                span: 0,
            })],
        });
        punct[10..14].copy_from_slice(&0xD800u32.to_le_bytes());
        assert_eq!(
            decode::<TokenStream>(&punct).map_err(|e| e.what),
            Err("a punctuation character that is not a char")
        );
    }

    #[test]
    fn every_token_has_one_encoding() {
        let stream = stream();
        let bytes = encode(&stream);
        let record = |i: usize| 8 + stream.text.len() + i * TOKEN_RECORD;
        // The identifier's unused fourth field, the literal's flags, the
        // punctuation's spacing: each set to what no encoder writes.
        for (at, what) in [
            (
                record(1) + 14,
                "a token with unknown flags, or a field it does not use set",
            ),
            (
                record(3) + 1,
                "a token with unknown flags, or a field it does not use set",
            ),
            (
                record(2) + 1,
                "a token with unknown flags, or a field it does not use set",
            ),
            (record(0), "an unknown token kind"),
        ] {
            let mut bad = bytes.clone();
            bad[at] = 7;
            assert_eq!(decode::<TokenStream>(&bad).map_err(|e| e.what), Err(what));
        }
    }

    #[test]
    fn a_length_cannot_claim_more_than_the_message_holds() {
        // A token list claiming four billion tokens, in a 12-byte message.
        let mut bytes = encode(&String::new());
        bytes.extend_from_slice(&u32::MAX.to_le_bytes());
        bytes.extend_from_slice(&[0; 4]);
        assert_eq!(
            decode::<TokenStream>(&bytes).map_err(|e| e.what),
            Err("a length longer than the message")
        );
        let mut text = Vec::new();
        put_u32(&mut text, 2);
        text.extend_from_slice(&[0xff, 0xfe]);
        assert_eq!(
            decode::<String>(&text).map_err(|e| e.what),
            Err("a string that is not UTF-8")
        );
    }
}
