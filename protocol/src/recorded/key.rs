//! [`Key`]: the index of an entry, a hash of what decides that two
//! expansions are the same ([`Subject`]): the component's bytes, the macro,
//! the grants, and the input's tokens without their positions.
//!
//! Spans are not in the key: a macro sees them only as handles, numbered in
//! the order of the input's tokens (so the same for the same tokens), and
//! through the span queries it makes, which an entry records and replay asks
//! again. The hash (FNV-1a, 128 bits) only indexes: an entry holds its
//! subject and is used only if that matches exactly ([`Entry::is_for`]), so
//! a collision costs a miss, never a wrong expansion. It is computed the
//! same way inside rustc (the shim) and in the host, with `std` alone.
//!
//! [`Entry::is_for`]: super::Entry::is_for

use std::fmt;
use std::str::FromStr;

use crate::grants::{Grants, Value};
use crate::message::MacroKind;
use crate::tree::{Token, TokenStream};

/// What an expansion's result depends on, besides what the macro asks
/// about spans and reads from granted files.
#[derive(Clone, Copy, Debug)]
pub struct Subject<'a> {
    /// The component's SHA-256, lowercase hex.
    pub component_hash: &'a str,
    /// The macro's kind.
    pub kind: MacroKind,
    /// The macro's name.
    pub name: &'a str,
    /// The resolved grants, as [`grants_text`] writes them.
    pub grants: &'a str,
    /// The input.
    pub input: &'a TokenStream,
    /// An attribute macro's arguments.
    pub args: Option<&'a TokenStream>,
    /// How many span handles the input has (the call site and mixed site
    /// included).
    pub span_count: u32,
}

/// The index of a recorded expansion.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Key(u128);

/// Changes every key when the same subject could expand differently:
/// another procbox version (its checks of the output). An entry of another
/// format is not read at all.
const VERSION: &str = concat!("procbox ", env!("CARGO_PKG_VERSION"));

impl Key {
    /// The key of `subject`.
    pub fn new(subject: &Subject<'_>) -> Key {
        let mut hash = Fnv::new();
        hash.field(VERSION.as_bytes());
        hash.field(subject.component_hash.as_bytes());
        hash.field(subject.kind.to_string().as_bytes());
        hash.field(subject.name.as_bytes());
        hash.field(subject.grants.as_bytes());
        hash.field(&subject.span_count.to_le_bytes());
        tokens(&mut hash, subject.input);
        match subject.args {
            Some(args) => tokens(&mut hash, args),
            None => hash.field(b"no arguments"),
        }
        Key(hash.0)
    }
}

/// FNV-1a, 128 bits.
struct Fnv(u128);

impl Fnv {
    const OFFSET: u128 = 0x6c62_272e_07bb_0142_62b8_2175_6295_c58d;
    const PRIME: u128 = 0x0000_0000_0100_0000_0000_0000_0000_013b;

    fn new() -> Fnv {
        Fnv(Fnv::OFFSET)
    }

    fn bytes(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            self.0 ^= u128::from(byte);
            self.0 = self.0.wrapping_mul(Fnv::PRIME);
        }
    }

    /// `bytes` with their length first, so fields cannot run into each other.
    fn field(&mut self, bytes: &[u8]) {
        self.bytes(&(bytes.len() as u64).to_le_bytes());
        self.bytes(bytes);
    }
}

/// The entry's checksum, as 16 hex digits: CRC-64/XZ (the polynomial of
/// ECMA-182, reflected), which catches every burst of up to 64 changed
/// bits and, as any 64-bit checksum, all but one in 2^64 other damage.
///
/// It is defined here, not borrowed from `std` (whose `DefaultHasher` may
/// change between Rust releases), because the shim, built by the user's
/// toolchain, and the host, built by procbox's, must agree on it.
pub(super) fn checksum(bytes: &[u8]) -> String {
    let mut crc = !0u64;
    // Eight bytes a step ("slicing by 8"): a byte at a time waits on one
    // table load per byte, and an entry is several kilobytes.
    let mut chunks = bytes.chunks_exact(8);
    for chunk in &mut chunks {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let x = crc ^ u64::from_le_bytes(word);
        crc = CRC_TABLES[7][(x & 0xff) as usize]
            ^ CRC_TABLES[6][((x >> 8) & 0xff) as usize]
            ^ CRC_TABLES[5][((x >> 16) & 0xff) as usize]
            ^ CRC_TABLES[4][((x >> 24) & 0xff) as usize]
            ^ CRC_TABLES[3][((x >> 32) & 0xff) as usize]
            ^ CRC_TABLES[2][((x >> 40) & 0xff) as usize]
            ^ CRC_TABLES[1][((x >> 48) & 0xff) as usize]
            ^ CRC_TABLES[0][(x >> 56) as usize];
    }
    for &byte in chunks.remainder() {
        crc = CRC_TABLES[0][((crc as u8) ^ byte) as usize] ^ (crc >> 8);
    }
    format!("{:016x}", !crc)
}

/// CRC-64/XZ's tables, built at compile time: `[0]` is the remainder of
/// each byte value, `[k]` that of the byte followed by `k` zero bytes. A
/// `static`, not a `const`: unoptimized code would copy a `const` array onto
/// the stack at every use.
static CRC_TABLES: [[u64; 256]; 8] = crc_tables();

const fn crc_tables() -> [[u64; 256]; 8] {
    const POLYNOMIAL: u64 = 0xc96c_5795_d787_0f42;
    let mut tables = [[0u64; 256]; 8];
    let mut byte = 0;
    while byte < 256 {
        let mut crc = byte as u64;
        let mut bit = 0;
        while bit < 8 {
            crc = match crc & 1 {
                1 => (crc >> 1) ^ POLYNOMIAL,
                _ => crc >> 1,
            };
            bit += 1;
        }
        tables[0][byte] = crc;
        byte += 1;
    }
    let mut k = 1;
    while k < 8 {
        let mut byte = 0;
        while byte < 256 {
            let previous = tables[k - 1][byte];
            tables[k][byte] = (previous >> 8) ^ tables[0][(previous & 0xff) as usize];
            byte += 1;
        }
        k += 1;
    }
    tables
}

/// Each token's kind, delimiter or spacing and text, without span handles.
fn tokens(hash: &mut Fnv, stream: &TokenStream) {
    hash.field(&(stream.tokens.len() as u64).to_le_bytes());
    for token in &stream.tokens {
        match token {
            Token::Group(g) => {
                hash.bytes(&[b'g', g.delimiter as u8]);
                hash.bytes(&g.len.to_le_bytes());
            }
            Token::Ident(i) => {
                hash.bytes(&[if i.is_raw { b'r' } else { b'i' }]);
                hash.field(stream.text_of(i.text).unwrap_or_default().as_bytes());
            }
            Token::Punct(p) => {
                hash.bytes(&[b'p', p.spacing as u8]);
                hash.bytes(&u32::from(p.ch).to_le_bytes());
            }
            Token::Literal(l) => {
                hash.bytes(b"l");
                hash.field(stream.text_of(l.text).unwrap_or_default().as_bytes());
            }
        }
    }
}

/// Resolved grants as one line: what an entry records and compares, and
/// people read.
pub fn grants_text(grants: &Grants) -> String {
    let mut parts = Vec::new();
    if let Some(seed) = grants.seed() {
        parts.push(format!("random-seed={seed}"));
    }
    if let Some(dir) = grants.fs_read_dir() {
        parts.push(format!("fs-read={:?}", dir.display().to_string()));
    }
    for (name, value) in grants.env_vars() {
        parts.push(match value {
            Value::Given(value) => format!("env {name}={value:?}"),
            Value::FromEnvironment => format!("env {name} (unset)"),
        });
    }
    match parts.is_empty() {
        true => "none".into(),
        false => parts.join(", "),
    }
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:032x}", self.0)
    }
}

impl FromStr for Key {
    type Err = String;

    fn from_str(hex: &str) -> Result<Key, String> {
        match hex.len() == 32 && hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            true => u128::from_str_radix(hex, 16)
                .map(Key)
                .map_err(|_| format!("bad key `{hex}`")),
            false => Err(format!("bad key `{hex}`")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{CRC_TABLES, checksum};

    #[test]
    fn eight_bytes_a_step_is_the_crc_a_byte_at_a_time() {
        let bytes: Vec<u8> = (0u32..100)
            .map(|i| (i.wrapping_mul(151) ^ (i >> 3)) as u8)
            .collect();
        for len in 0..bytes.len() {
            let mut crc = !0u64;
            for &byte in &bytes[..len] {
                crc = CRC_TABLES[0][((crc as u8) ^ byte) as usize] ^ (crc >> 8);
            }
            assert_eq!(
                checksum(&bytes[..len]),
                format!("{:016x}", !crc),
                "{len} bytes"
            );
        }
    }

    #[test]
    fn the_checksum_is_crc_64_xz() {
        // The catalogue's check value (the CRC of the nine ASCII digits).
        assert_eq!(checksum(b"123456789"), "995dc9bbdf1939fa");
        assert_eq!(checksum(b""), "0000000000000000");
    }

    #[test]
    fn the_checksum_changes_with_any_byte_and_with_the_length() {
        let text = b"procbox: every byte of an entry counts, in any position 0123456789".to_vec();
        let base = checksum(&text);
        assert_eq!(base.len(), 16);
        for at in 0..text.len() {
            let mut edited = text.clone();
            edited[at] ^= 1;
            assert_ne!(checksum(&edited), base, "a change at byte {at} went unseen");
        }
        // Truncated, or padded with what the tail's zeroes would be.
        assert_ne!(checksum(&text[..text.len() - 1]), base);
        let mut padded = text.clone();
        padded.push(0);
        assert_ne!(checksum(&padded), base);
        assert_ne!(checksum(b""), checksum(b"\0"));
    }
}
