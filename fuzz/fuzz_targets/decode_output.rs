//! A guest's output (tokens, text ranges, span handles, group lengths,
//! diagnostics), arbitrary: decoding must accept or refuse it, never panic,
//! overflow the stack or run away.
#![no_main]

use libfuzzer_sys::fuzz_target;
use procbox_host::fuzzing::{Output, decode_output};

fuzz_target!(|output: Output| {
    let _ = decode_output(output);
});
