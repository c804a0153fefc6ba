//! Unit tests, run natively: the API mirror against proc_macro2's behaviour,
//! the span-keeping conversions, and the allocator.

mod alloc;
mod bridge;
mod mirror;
