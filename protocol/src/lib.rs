//! What crosses between procbox's pieces, defined once:
//!
//! - [`world`]: the names of the `procbox:proc-macro` world (package,
//!   version, interfaces) and of what procbox adds to a component;
//! - [`Capability`]: the capabilities a macro can declare and the WASI
//!   interfaces each stands for; [`grants`]: what an embedder grants;
//! - [`tree`]: the flat token stream, the layout of the WIT `token-stream`;
//! - [`message`], [`codec`] and [`frame`]: the messages between a native
//!   shim inside rustc and `procbox serve`, their binary form, and their
//!   framing on a pipe;
//! - [`recorded`]: the expansion cache's entries, which the host writes and
//!   replays and the shim replays inside rustc.
//!
//! It depends on `std` alone: the shim builds it inside users' projects.
//!
//! ```
//! use procbox_protocol::frame::{receive, send};
//! use procbox_protocol::{ClientHello, ClientMessage, PROTOCOL_VERSION};
//!
//! let mut pipe = Vec::new();
//! let hello = ClientMessage::Hello(ClientHello { version: PROTOCOL_VERSION });
//! send(&mut pipe, &hello)?;
//! let received: Option<ClientMessage> = receive(&mut pipe.as_slice())?;
//! assert_eq!(received, Some(hello));
//! # Ok::<(), std::io::Error>(())
//! ```

#![warn(missing_docs)]

mod capability;
pub mod codec;
pub mod frame;
pub mod grants;
pub mod message;
pub mod recorded;
pub mod tree;
pub mod world;

pub use capability::{Capability, UnknownCapability};
pub use grants::{DEFAULT_SEED, Grant, Grants};
pub use message::{
    ClientHello, ClientMessage, Diagnostic, Expand, Expanded, Failure, FailureKind, Level, Load,
    MacroKind, ServerHello, ServerMessage, SpanAnswer, SpanQuery,
};
pub use tree::{Span, TokenStream};

/// The version of the messages between a shim and `procbox serve`: a shim
/// and a server of different versions refuse to talk. Raise it with any
/// change to [`message`] or [`codec`].
pub const PROTOCOL_VERSION: u32 = 3;
