//! [`Key`]: what decides that two expansions are the same: the component's
//! bytes, the macro, the grants, and the input's tokens without their
//! positions.
//!
//! Spans are not in the key: a macro sees them only as handles, numbered in
//! the order of the input's tokens (so the same for the same tokens), and
//! through the span queries it makes, which an entry records and replay asks
//! again.

use std::fmt;
use std::str::FromStr;

use procbox_protocol::MacroKind;
use sha2::{Digest, Sha256};

use crate::Grants;
use crate::bindings::wire;

/// What changes every key when expansions would change without anything
/// else in the key changing: this version of the host (its codec and
/// checks). (An entry of another format is not read at all.)
const HOST_VERSION: &str = concat!("procbox-host ", env!("CARGO_PKG_VERSION"));

/// The SHA-256 that names a cached expansion.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) struct Key([u8; 32]);

/// What a key is made of.
pub(crate) struct KeyInput<'a> {
    pub(crate) component_hash: &'a str,
    pub(crate) kind: MacroKind,
    pub(crate) name: &'a str,
    /// Resolved: values and directories, not where to find them.
    pub(crate) grants: &'a Grants,
    pub(crate) input: &'a wire::TokenStream,
    pub(crate) args: Option<&'a wire::TokenStream>,
    /// How many span handles the input has (the call site and mixed site
    /// included).
    pub(crate) span_count: u32,
}

impl Key {
    pub(crate) fn new(of: &KeyInput<'_>) -> Key {
        let mut hash = Sha256::new();
        let mut field = |bytes: &[u8]| {
            hash.update((bytes.len() as u64).to_le_bytes());
            hash.update(bytes);
        };
        field(HOST_VERSION.as_bytes());
        field(of.component_hash.as_bytes());
        field(of.kind.to_string().as_bytes());
        field(of.name.as_bytes());
        field(format!("{:?}", of.grants).as_bytes());
        field(&of.span_count.to_le_bytes());
        field(&tokens(of.input));
        match of.args {
            Some(args) => field(&tokens(args)),
            None => field(b"no arguments"),
        }
        Key(hash.finalize().into())
    }

    /// The first 32 hex digits: enough to name a file.
    pub(crate) fn short(&self) -> String {
        self.to_string()[..32].to_owned()
    }
}

/// The stream's tokens as bytes: each token's kind, delimiter or spacing
/// and text, without span handles.
fn tokens(stream: &wire::TokenStream) -> Vec<u8> {
    let mut out = Vec::with_capacity(stream.text.len() + stream.tokens.len() * 4);
    let text = |out: &mut Vec<u8>, range: wire::TextRange| {
        let text = stream
            .text
            .get(range.start as usize..(range.start + range.len) as usize)
            .unwrap_or_default();
        out.extend_from_slice(&(text.len() as u32).to_le_bytes());
        out.extend_from_slice(text.as_bytes());
    };
    for token in &stream.tokens {
        match token {
            wire::Token::Group(g) => {
                out.push(b'g');
                out.push(g.delimiter as u8);
                out.extend_from_slice(&g.len.to_le_bytes());
            }
            wire::Token::Ident(i) => {
                out.push(if i.is_raw { b'r' } else { b'i' });
                text(&mut out, i.text);
            }
            wire::Token::Punct(p) => {
                out.push(match p.spacing {
                    wire::Spacing::Alone => b'p',
                    wire::Spacing::Joint => b'j',
                });
                out.extend_from_slice(&(p.ch as u32).to_le_bytes());
            }
            wire::Token::Literal(l) => {
                out.push(b'l');
                text(&mut out, l.text);
            }
        }
    }
    out
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.iter().try_for_each(|b| write!(f, "{b:02x}"))
    }
}

impl FromStr for Key {
    type Err = String;

    fn from_str(hex: &str) -> Result<Key, String> {
        let bad = || format!("bad key `{hex}`");
        if hex.len() != 64 || !hex.is_ascii() {
            return Err(bad());
        }
        let mut key = [0; 32];
        for (i, byte) in key.iter_mut().enumerate() {
            *byte = u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).map_err(|_| bad())?;
        }
        Ok(Key(key))
    }
}
