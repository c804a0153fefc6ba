//! The flat token-stream format of the WIT boundary, to and from this crate's
//! token trees ([`trees`]) and `proc_macro2` tokens ([`pm2`]).
//!
//! A stream crosses as one list of tokens in depth-first order (a group is
//! followed by its `len` contents) and one string holding all identifier and
//! literal text, so the canonical ABI copies it in a fixed number of
//! allocations.
//!
//! The macro's input stays in this format until the macro looks at it: a
//! macro that hands it straight to `syn` gets `proc_macro2` tokens built from
//! it directly, and one that returns it unchanged sends it back as it came
//! (`crate::stream` decides which).

mod format;
#[cfg(feature = "proc-macro2")]
mod pm2;
mod trees;

pub(crate) use format::{Contents, Encoder, WireStream};
#[cfg(feature = "proc-macro2")]
pub(crate) use pm2::{encode_into as encode_proc_macro2, to_proc_macro2};
pub(crate) use trees::{decode, encode_into as encode_trees};
