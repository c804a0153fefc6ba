//! Each way a component or a macro can fail gives its own typed error that
//! names the component and the macro, and the host keeps working after it.

use std::time::Duration;

use procbox_host::{Error, Host, Limits, MacroKind};
use procbox_tests::{component, host_with, tokens, wasm};

/// After any failure, the same component still expands correctly.
fn still_works(component: &procbox_host::MacroComponent) {
    let out = component
        .expand_function("identity", &tokens("still fine"))
        .expect("a later expansion works");
    assert_eq!(out.tokens.to_string(), "still fine");
}

#[test]
fn unknown_macro_lists_what_there_is() {
    let json = component("json_derive");
    let err = json
        .expand_derive("ToYaml", &tokens("struct S;"))
        .unwrap_err();
    let Error::UnknownMacro {
        name,
        kind,
        available,
        ..
    } = &err
    else {
        panic!("expected UnknownMacro, got {err:?}");
    };
    assert_eq!((name.as_str(), *kind), ("ToYaml", MacroKind::Derive));
    assert!(available.contains("derive `ToJson`"), "{available}");
    assert!(err.to_string().contains("json_derive.wasm"), "{err}");
    // The right name with the wrong kind is unknown too.
    let err = json.expand_function("ToJson", &tokens("x")).unwrap_err();
    assert!(
        matches!(
            err,
            Error::UnknownMacro {
                kind: MacroKind::Function,
                ..
            }
        ),
        "{err:?}"
    );
}

#[test]
fn a_file_that_is_not_wasm_is_a_bad_component() {
    let host = Host::builder().no_cache().build().expect("host builds");
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("macro.wasm");
    std::fs::write(&path, "fn main() {}").expect("write");
    let err = host.load_file(&path).unwrap_err();
    let Error::BadComponent { component, reason } = &err else {
        panic!("expected BadComponent, got {err:?}");
    };
    assert!(component.ends_with("macro.wasm"));
    assert!(reason.contains("not a WebAssembly component"), "{reason}");

    let err = host.load_file(dir.path().join("missing.wasm")).unwrap_err();
    assert!(
        matches!(&err, Error::Io { path, .. } if path.ends_with("missing.wasm")),
        "{err:?}"
    );
}

#[test]
fn a_core_module_is_a_bad_component_with_advice() {
    let host = Host::builder().no_cache().build().expect("host builds");
    // The smallest core module: magic and version 1.
    let err = host
        .load_bytes("core.wasm", b"\0asm\x01\0\0\0")
        .unwrap_err();
    let Error::BadComponent { reason, .. } = &err else {
        panic!("expected BadComponent, got {err:?}");
    };
    assert!(reason.contains("core WebAssembly module"), "{reason}");
    assert!(reason.contains("wasm32-wasip2"), "{reason}");
}

#[test]
fn a_truncated_component_is_a_bad_component() {
    let bytes = std::fs::read(wasm("json_derive")).expect("read");
    let host = Host::builder().no_cache().build().expect("host builds");
    let err = host
        .load_bytes("truncated", &bytes[..bytes.len() / 2])
        .unwrap_err();
    assert!(matches!(err, Error::BadComponent { .. }), "{err:?}");
}

#[test]
fn a_guest_panic_reports_its_message_and_location() {
    let misbehave = component("misbehave");
    let err = misbehave
        .expand_function("panics", &tokens("a + b"))
        .unwrap_err();
    let Error::GuestPanic {
        component,
        name,
        message,
        location,
    } = &err
    else {
        panic!("expected GuestPanic, got {err:?}");
    };
    assert!(component.ends_with("misbehave.wasm"));
    assert_eq!(name, "panics");
    assert_eq!(message, "misbehave was given `a + b`");
    assert!(
        location.starts_with("tests/guests/misbehave/src/lib.rs:"),
        "{location}"
    );
    still_works(&misbehave);
}

#[test]
fn undeclared_wasi_calls_trap_naming_the_interface() {
    let misbehave = component("misbehave");
    let err = misbehave
        .expand_function("prints", &tokens(""))
        .unwrap_err();
    let Error::Undeclared {
        interface,
        function,
        name,
        ..
    } = &err
    else {
        panic!("expected Undeclared, got {err:?}");
    };
    assert_eq!(name, "prints");
    assert!(interface.starts_with("wasi:cli/stdout@0.2"), "{interface}");
    assert_eq!(function, "get-stdout");
    assert!(
        err.to_string().contains("which it did not declare"),
        "{err}"
    );
    // The environment is ambient and empty: a macro that declared nothing
    // reads no variable (std itself asks for `RUST_LIB_BACKTRACE`).
    let home = misbehave
        .expand_function("reads_env", &tokens(""))
        .expect("the environment is ambient");
    assert_eq!(home.tokens.to_string(), "\"\"");
    still_works(&misbehave);
}

#[test]
fn an_endless_loop_times_out() {
    let mut limits = Limits::default();
    limits.timeout = Duration::from_millis(200);
    let misbehave = host_with(limits)
        .load_file(wasm("misbehave"))
        .expect("loads");
    let err = misbehave.expand_function("loops", &tokens("")).unwrap_err();
    assert!(
        matches!(&err, Error::Timeout { name, limit, .. } if name == "loops" && *limit == Duration::from_millis(200)),
        "{err:?}"
    );
    still_works(&misbehave);
}

#[test]
fn a_component_s_own_time_limit_replaces_the_host_s() {
    // The host's limit is 10 s; this component's, 150 ms.
    let misbehave = component("misbehave").with_timeout(Duration::from_millis(150));
    let err = misbehave.expand_function("loops", &tokens("")).unwrap_err();
    assert!(
        matches!(&err, Error::Timeout { limit, .. } if *limit == Duration::from_millis(150)),
        "{err:?}"
    );
    let mut instance = misbehave.instantiate().expect("an instance");
    let err = instance
        .expand(&procbox_host::Invocation::function("loops", &tokens("")))
        .unwrap_err();
    assert!(
        matches!(&err, Error::Timeout { limit, .. } if *limit == Duration::from_millis(150)),
        "{err:?}"
    );
    still_works(&misbehave);
}

#[test]
fn unbounded_allocation_hits_the_memory_limit() {
    let mut limits = Limits::default();
    limits.memory = 32 << 20;
    let misbehave = host_with(limits)
        .load_file(wasm("misbehave"))
        .expect("loads");
    let err = misbehave
        .expand_function("allocates", &tokens(""))
        .unwrap_err();
    assert!(
        matches!(&err, Error::MemoryLimit { name, limit, .. } if name == "allocates" && *limit == 32 << 20),
        "{err:?}"
    );
    still_works(&misbehave);
}

#[test]
fn output_over_the_token_limit_is_refused() {
    let mut limits = Limits::default();
    limits.output_tokens = 3;
    let misbehave = host_with(limits)
        .load_file(wasm("misbehave"))
        .expect("loads");
    let err = misbehave
        .expand_function("identity", &tokens("a b c d"))
        .unwrap_err();
    assert!(
        matches!(&err, Error::OutputTooLarge { limit: 3, .. }),
        "{err:?}"
    );
    let ok = misbehave
        .expand_function("identity", &tokens("a b c"))
        .expect("three is fine");
    assert_eq!(ok.tokens.to_string(), "a b c");
}
