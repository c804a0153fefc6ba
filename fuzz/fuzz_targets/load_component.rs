//! Loading a component from arbitrary bytes (seed the corpus with real
//! components, see fuzz/README.md): a typed error or a loaded component,
//! never a panic. Loaded components have their macros listed, so the guest
//! runs too.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use procbox_host::Host;

fn host() -> &'static Host {
    static HOST: OnceLock<Host> = OnceLock::new();
    HOST.get_or_init(|| Host::builder().no_cache().build().expect("the host builds"))
}

fuzz_target!(|data: &[u8]| {
    let _ = host().load_bytes("fuzz.wasm", data);
});
