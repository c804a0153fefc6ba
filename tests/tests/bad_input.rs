//! Bad input to the host: components that are not what they claim, and
//! extreme token streams. Each gives a clear, typed error (or works), and the
//! host keeps working. (Not wasm, core modules, truncated components, a
//! manifest that disagrees with the imports and corrupt cache files are in
//! `errors.rs`, `capabilities.rs` and `cache.rs`.)

use procbox_host::{Error, Host};
use procbox_tests::{tokens, wasm, workspace_root};
use wit_parser::{LiftLowerAbi, ManglingAndAbi, Resolve};

/// A component of `world` in `wit` whose every function traps
/// (`unreachable`), as wit-component's dummy module makes them.
fn dummy_component(wit: &str, world: &str) -> Vec<u8> {
    let mut resolve = Resolve::default();
    let package = resolve.push_str("test.wit", wit).expect("valid WIT");
    let world = resolve
        .select_world(&[package], Some(world))
        .expect("the world");
    let mut module =
        wit_component::dummy_module(&resolve, world, ManglingAndAbi::Legacy(LiftLowerAbi::Sync));
    wit_component::embed_component_metadata(
        &mut module,
        &resolve,
        world,
        wit_component::StringEncoding::UTF8,
        false,
    )
    .expect("metadata");
    wit_component::ComponentEncoder::default()
        .module(&module)
        .expect("module")
        .validate(true)
        .encode()
        .expect("component")
}

fn procbox_wit() -> String {
    std::fs::read_to_string(workspace_root().join("wit").join("procbox.wit")).expect("the WIT")
}

fn assert_still_works(host: &Host) {
    let json = host.load_file(wasm("json_derive")).expect("loads");
    let out = json
        .expand_derive("ToJson", &tokens("struct Unit;"))
        .expect("still expands");
    assert!(
        out.tokens.to_string().contains("ToJson for Unit"),
        "{}",
        out.tokens
    );
}

fn bad_component_reason(result: procbox_host::Result<procbox_host::MacroComponent>) -> String {
    match result {
        Err(Error::BadComponent { component, reason }) => {
            assert_eq!(component, "dummy.wasm");
            reason
        }
        Err(other) => panic!("expected BadComponent, got {other:?}"),
        Ok(_) => panic!("expected BadComponent, it loaded"),
    }
}

#[test]
fn a_component_that_traps_right_after_instantiation_is_refused_at_load() {
    // The right world, but every export traps: the first call after
    // instantiation (listing the macros, at load) fails.
    let host = procbox_tests::host();
    let bytes = dummy_component(&procbox_wit(), "proc-macro");
    match host.load_bytes("dummy.wasm", &bytes) {
        Err(Error::Trap {
            component, message, ..
        }) => {
            assert_eq!(component, "dummy.wasm");
            assert!(message.contains("unreachable"), "{message}");
        }
        Err(other) => panic!("expected Trap, got {other:?}"),
        Ok(_) => panic!("a component whose exports trap should not load"),
    }
    assert_still_works(&host);
}

#[test]
fn a_component_of_another_world_version_is_refused() {
    let host = procbox_tests::host();
    let wit = procbox_wit().replace("procbox:proc-macro@0.1.0", "procbox:proc-macro@0.2.0");
    let reason =
        bad_component_reason(host.load_bytes("dummy.wasm", &dummy_component(&wit, "proc-macro")));
    assert!(
        reason.contains("another version of the procbox world"),
        "{reason}"
    );
    assert!(reason.contains("@0.2.0"), "{reason}");
    assert_still_works(&host);
}

#[test]
fn a_component_of_another_world_is_refused() {
    let host = procbox_tests::host();
    let wit = "package other:thing@1.0.0;\n\
               interface run { go: func() -> string; }\n\
               world plugin { export run; }\n";
    let reason =
        bad_component_reason(host.load_bytes("dummy.wasm", &dummy_component(wit, "plugin")));
    assert!(
        reason.contains(
            "does not export `procbox:proc-macro/macros@0.1.0` (it exports other:thing/run@1.0.0)"
        ),
        "{reason}"
    );
    assert_still_works(&host);
}

#[test]
fn an_empty_input_is_a_diagnostic_not_a_failure() {
    let host = procbox_tests::host();
    let json = host.load_file(wasm("json_derive")).expect("loads");
    let out = json
        .expand_derive("ToJson", &proc_macro2::TokenStream::new())
        .expect("the macro runs");
    assert!(out.has_errors(), "syn rejects an empty item");
    assert!(
        out.diagnostics[0]
            .message
            .contains("unexpected end of input"),
        "{:?}",
        out.diagnostics
    );
    let misbehave = host.load_file(wasm("misbehave")).expect("loads");
    let out = misbehave
        .expand_function("identity", &proc_macro2::TokenStream::new())
        .expect("empty in, empty out");
    assert!(out.tokens.is_empty());
}

#[test]
fn a_huge_input_round_trips() {
    let host = procbox_tests::host();
    let misbehave = host.load_file(wasm("misbehave")).expect("loads");
    let source: String = (0..50_000)
        .map(|i| format!("f{i}(\"s{i}\", {i}u64) + "))
        .collect();
    let input = tokens(&source);
    let out = misbehave
        .expand_function("identity", &input)
        .expect("a large input is fine within the limits");
    assert_eq!(out.tokens.to_string(), input.to_string());
    assert_eq!(out.stats.input_tokens, 300_000, "six tokens per term");
}
