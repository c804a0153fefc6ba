//! The token codec: `proc_macro2` streams to and from the WIT `token-stream`
//! the guest sees. Everything coming back is untrusted: this is where the
//! guest's output is checked ([`check`]), rebuilt ([`unflatten`]) and its
//! diagnostics read ([`decode`], [`diagnostics`]); the fuzz targets exercise
//! it. The protocol's flat streams convert to and from the WIT records in
//! [`layout`].

pub(crate) mod check;
pub(crate) mod decode;
pub(crate) mod diagnostics;
pub(crate) mod flatten;
pub(crate) mod layout;
pub(crate) mod literals;
pub(crate) mod unflatten;
