//! Unit tests, run natively: the API mirror against proc_macro2's behaviour,
//! and the span-keeping conversions.

mod bridge;
mod mirror;
