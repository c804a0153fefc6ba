//! The manifest, as embedded in a component (JSON custom section) and as
//! written in a macro's Cargo.toml: arbitrary bytes must give a manifest or
//! an error, never a panic. A decoded manifest must encode and decode to
//! itself.
#![no_main]

use libfuzzer_sys::fuzz_target;
use procbox_manifest::Manifest;

fuzz_target!(|data: &[u8]| {
    if let Ok(manifest) = Manifest::decode(data) {
        let again = Manifest::decode(&manifest.encode()).expect("an encoded manifest decodes");
        assert_eq!(again, manifest);
    }
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = Manifest::from_cargo_toml(text);
    }
});
