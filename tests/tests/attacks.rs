//! The attack suite: macros that try to get out of the sandbox, one test per
//! attempt, each asserting the specific way it fails. After each, the same
//! host still expands a good macro correctly.
//!
//! `attacker` (tests/guests/attacker) is an SDK macro that declares `fs-read`
//! and `env` (variable `ATTACKER_ALLOWED`), as a legitimate file-reading
//! macro would, and tries to go further. `forger` (tests/guests/forger)
//! skips the SDK and returns malformed output through the raw world.
//! Endless loops, unbounded allocation and oversized output are in
//! `errors.rs`; tampered components and manifests in `capabilities.rs`.

use std::path::{Path, PathBuf};

use procbox_host::{Error, Expansion, Grants, Host, Limits, MacroComponent};
use procbox_tests::{tokens, wasm};

/// A temp dir with `allowed/` (granted: `data.txt`, and `escape`, a symlink
/// to the secret) beside `secret.txt` (not granted).
struct Sandbox {
    _root: tempfile::TempDir,
    allowed: PathBuf,
    secret: PathBuf,
    host: Host,
    attacker: MacroComponent,
}

const SECRET: &str = "correct horse battery staple";

fn sandbox() -> Sandbox {
    let root = tempfile::tempdir().expect("tempdir");
    let root_path = root.path().canonicalize().expect("canonical");
    let allowed = root_path.join("allowed");
    std::fs::create_dir(&allowed).expect("mkdir");
    std::fs::write(allowed.join("data.txt"), "public data").expect("write");
    let secret = root_path.join("secret.txt");
    std::fs::write(&secret, SECRET).expect("write");
    std::os::unix::fs::symlink(&secret, allowed.join("escape")).expect("symlink");
    let host = procbox_tests::host();
    // The embedder over-grants a variable the manifest does not list: the
    // macro must still not see it.
    let grants = Grants::new()
        .fs_read(&allowed)
        .env("ATTACKER_ALLOWED", "yes")
        .env("SECRET_TOKEN", SECRET);
    let attacker = host
        .load_file(wasm("attacker"))
        .expect("loads")
        .with_grants(&grants)
        .expect("grants");
    Sandbox {
        _root: root,
        allowed,
        secret,
        host,
        attacker,
    }
}

impl Sandbox {
    fn attack(&self, name: &str, arg: &str) -> procbox_host::Result<Expansion> {
        self.attacker.expand_function(name, &tokens(arg))
    }

    /// The `ok:…`/`err:…` string an attempt that failed inside the guest
    /// reports.
    fn outcome(&self, name: &str, arg: &str) -> String {
        let expansion = self
            .attack(name, arg)
            .unwrap_or_else(|e| panic!("{name}({arg}) should complete: {e}"));
        literal(&expansion)
    }

    fn assert_host_still_works(&self) {
        assert_good_macro_works(&self.host);
    }
}

fn literal(expansion: &Expansion) -> String {
    let text = expansion.tokens.to_string();
    syn::parse_str::<syn::LitStr>(&text)
        .unwrap_or_else(|e| panic!("not a string literal: {text}: {e}"))
        .value()
}

fn quoted(path: &Path) -> String {
    format!("{:?}", path.display().to_string())
}

/// `#[derive(ToJson)]` in the sandbox gives what the same logic gives natively.
fn assert_good_macro_works(host: &Host) {
    let json = host.load_file(wasm("json_derive")).expect("loads");
    let item = "struct Point { x: i32, #[json(rename = \"why\")] y: i32 }";
    let sandboxed = json
        .expand_derive("ToJson", &tokens(item))
        .expect("a good macro still expands");
    let native = json_derive::logic::to_json(&syn::parse_str(item).expect("item")).expect("native");
    assert_eq!(sandboxed.tokens.to_string(), native.to_string());
}

fn assert_fails_inside(outcome: &str) {
    assert!(
        outcome.starts_with("err:"),
        "the attempt should fail: {outcome}"
    );
    assert!(!outcome.contains(SECRET), "leaked: {outcome}");
}

#[test]
fn reading_inside_the_grant_works() {
    // The baseline: without it, every "fails" below could be a broken grant.
    let s = sandbox();
    let data = quoted(&s.allowed.join("data.txt"));
    assert_eq!(s.outcome("read_file", &data), "ok:public data");
    let listing = s.outcome("list_dir", &quoted(&s.allowed));
    assert!(listing.contains("data.txt"), "{listing}");
}

#[test]
fn reading_a_secret_outside_the_grant_fails() {
    let s = sandbox();
    assert_fails_inside(&s.outcome("read_file", &quoted(&s.secret)));
    s.assert_host_still_works();
}

#[test]
fn reading_etc_passwd_fails() {
    let s = sandbox();
    let outcome = s.outcome("read_file", "\"/etc/passwd\"");
    assert_fails_inside(&outcome);
    assert!(!outcome.contains("root:"), "{outcome}");
    s.assert_host_still_works();
}

#[test]
fn escaping_through_dot_dot_fails() {
    let s = sandbox();
    let path = s.allowed.join("..").join("secret.txt");
    assert_fails_inside(&s.outcome("read_file", &quoted(&path)));
    assert_fails_inside(&s.outcome("list_dir", &quoted(&s.allowed.join(".."))));
    s.assert_host_still_works();
}

#[test]
fn escaping_through_an_absolute_path_fails() {
    let s = sandbox();
    assert_fails_inside(&s.outcome("list_dir", "\"/\""));
    assert_fails_inside(&s.outcome("read_file", "\"/proc/self/environ\""));
    s.assert_host_still_works();
}

#[test]
fn escaping_through_a_symlink_fails() {
    let s = sandbox();
    assert_fails_inside(&s.outcome("read_file", &quoted(&s.allowed.join("escape"))));
    s.assert_host_still_works();
}

#[test]
fn writing_in_the_grant_fails() {
    let s = sandbox();
    assert_fails_inside(&s.outcome("write_file", &quoted(&s.allowed.join("new.txt"))));
    assert!(!s.allowed.join("new.txt").exists(), "no file was created");
    assert_fails_inside(&s.outcome("write_file", &quoted(&s.allowed.join("data.txt"))));
    let data = std::fs::read_to_string(s.allowed.join("data.txt")).expect("still there");
    assert_eq!(data, "public data", "not overwritten");
    s.assert_host_still_works();
}

#[test]
fn deleting_in_the_grant_fails() {
    let s = sandbox();
    assert_fails_inside(&s.outcome("remove_file", &quoted(&s.allowed.join("data.txt"))));
    assert!(s.allowed.join("data.txt").exists(), "not deleted");
    s.assert_host_still_works();
}

#[test]
fn a_variable_not_in_the_manifest_is_invisible_even_if_granted() {
    let s = sandbox();
    assert_eq!(s.outcome("read_env", "\"ATTACKER_ALLOWED\""), "set:yes");
    assert_eq!(s.outcome("read_env", "\"SECRET_TOKEN\""), "unset");
    assert_eq!(s.outcome("read_env", "\"HOME\""), "unset");
    assert_eq!(s.outcome("read_env", "\"PATH\""), "unset");
    assert_eq!(s.outcome("list_env", ""), "ATTACKER_ALLOWED");
    s.assert_host_still_works();
}

#[test]
fn opening_a_socket_is_an_undeclared_call() {
    let s = sandbox();
    let err = s.attack("connect", "\"127.0.0.1:9\"").unwrap_err();
    let Error::Undeclared {
        interface, name, ..
    } = &err
    else {
        panic!("expected Undeclared, got {err:?}");
    };
    assert!(interface.starts_with("wasi:sockets/"), "{err}");
    assert_eq!(name, "connect");
    s.assert_host_still_works();
}

#[test]
fn reading_the_wall_clock_is_denied() {
    // `fs-read` may import the wall-clock interface (file timestamps use its
    // types), but its functions are never linked: time would make expansions
    // irreproducible.
    let s = sandbox();
    let err = s.attack("wall_clock", "").unwrap_err();
    let Error::Denied { interface, .. } = &err else {
        panic!("expected Denied, got {err:?}");
    };
    assert!(interface.starts_with("wasi:clocks/wall-clock"), "{err}");
    s.assert_host_still_works();
}

#[test]
fn reading_the_monotonic_clock_is_an_undeclared_call() {
    let s = sandbox();
    let err = s.attack("monotonic_clock", "").unwrap_err();
    let Error::Undeclared { interface, .. } = &err else {
        panic!("expected Undeclared, got {err:?}");
    };
    assert!(
        interface.starts_with("wasi:clocks/monotonic-clock"),
        "{err}"
    );
    s.assert_host_still_works();
}

#[test]
fn spawning_a_process_is_unsupported() {
    // WASI 0.2 has no processes: std fails without importing anything.
    let s = sandbox();
    assert_eq!(s.outcome("spawn", ""), "err:Unsupported");
    s.assert_host_still_works();
}

#[test]
fn a_stack_overflow_traps() {
    let s = sandbox();
    let err = s.attack("recurses", "").unwrap_err();
    let Error::Trap { message, name, .. } = &err else {
        panic!("expected Trap, got {err:?}");
    };
    // Rust's stack lives in linear memory below the data: overflowing it is
    // an out-of-bounds access; exhausting wasmtime's own stack limit is
    // "call stack exhausted". Either way, a trap, not a host crash.
    assert!(
        message.contains("out of bounds memory access") || message.contains("call stack exhausted"),
        "{err}"
    );
    assert_eq!(name, "recurses");
    // What happened first, then where, short: the recursion said once.
    assert!(message.starts_with("wasm trap: "), "{message}");
    assert_eq!(message.matches("wasm function").count(), 1, "{message}");
    assert!(message.contains(" frames)"), "{message}");
    s.assert_host_still_works();
}

#[test]
fn a_long_panic_message_is_truncated() {
    let s = sandbox();
    let err = s.attack("long_panic", "").unwrap_err();
    let Error::GuestPanic {
        message, location, ..
    } = &err
    else {
        panic!("expected GuestPanic, got {err:?}");
    };
    assert!(message.starts_with("AAAA"), "{message:.40}");
    assert!(message.len() < 64 * 1024, "{} bytes kept", message.len());
    assert!(location.contains("attacker/src/lib.rs"), "{location}");
    s.assert_host_still_works();
}

/// The raw-world forger, loaded into a fresh host.
fn forger() -> (Host, MacroComponent) {
    let host = procbox_tests::host();
    let forger = host.load_file(wasm("forger")).expect("loads");
    (host, forger)
}

fn assert_invalid_output(result: procbox_host::Result<Expansion>, expected: &str) {
    match result {
        Err(Error::InvalidOutput { reason, .. }) => {
            assert!(
                reason.contains(expected),
                "expected {expected:?} in {reason:?}"
            );
        }
        other => panic!("expected InvalidOutput ({expected}), got {other:?}"),
    }
}

#[test]
fn the_forger_is_otherwise_well_formed() {
    let (host, forger) = forger();
    let out = forger
        .expand_function("good", &tokens("x"))
        .expect("good output is accepted");
    assert_eq!(out.tokens.to_string(), "fine");
    assert_good_macro_works(&host);
}

#[test]
fn a_forged_span_handle_is_refused() {
    let (host, forger) = forger();
    assert_invalid_output(
        forger.expand_function("forged_span", &tokens("a b c")),
        "span",
    );
    assert_invalid_output(
        forger.expand_function("forged_diagnostic_span", &tokens("a")),
        "span",
    );
    assert_good_macro_works(&host);
}

#[test]
fn a_stale_span_handle_from_an_earlier_expansion_is_refused() {
    // Only a reused instance keeps state between expansions; the handle it
    // kept belonged to the first expansion's table.
    let (host, forger) = forger();
    let mut instance = forger.instantiate().expect("instance");
    let big = tokens("a b c d e f g h i j k l m n o p");
    let first = instance
        .expand(&procbox_host::Invocation::function("stale_span", &big))
        .expect("the first expansion's own handles are fine");
    assert_eq!(first.tokens.to_string(), "x");
    let small = tokens("z");
    assert_invalid_output(
        instance.expand(&procbox_host::Invocation::function("stale_span", &small)),
        "span",
    );
    assert_good_macro_works(&host);
}

#[test]
fn malformed_identifiers_are_refused() {
    let (host, forger) = forger();
    assert_invalid_output(forger.expand_function("bad_ident", &tokens("a")), "ident");
    assert_invalid_output(
        forger.expand_function("keyword_raw_ident", &tokens("a")),
        "self",
    );
    assert_good_macro_works(&host);
}

#[test]
fn malformed_literals_and_punctuation_are_refused() {
    let (host, forger) = forger();
    assert_invalid_output(
        forger.expand_function("bad_literal", &tokens("a")),
        "literal",
    );
    assert_invalid_output(
        forger.expand_function("two_literals", &tokens("a")),
        "literal",
    );
    assert_invalid_output(forger.expand_function("bad_punct", &tokens("a")), "punct");
    assert_good_macro_works(&host);
}

#[test]
fn out_of_range_text_and_group_lengths_are_refused() {
    let (host, forger) = forger();
    assert_invalid_output(
        forger.expand_function("text_out_of_range", &tokens("a")),
        "text",
    );
    assert_invalid_output(
        forger.expand_function("text_not_char_boundary", &tokens("a")),
        "text",
    );
    assert_invalid_output(
        forger.expand_function("group_len_overruns", &tokens("a")),
        "group",
    );
    assert_good_macro_works(&host);
}

#[test]
fn nesting_beyond_the_depth_limit_is_refused() {
    let (host, forger) = forger();
    assert_invalid_output(
        forger.expand_function("too_deep", &tokens("a")),
        "nested deeper than 512 levels",
    );
    assert_good_macro_works(&host);
}

/// A host whose limit on diagnostics is `limit`, the other limits the defaults.
fn host_allowing_diagnostics(limit: usize) -> Host {
    let mut limits = Limits::default();
    limits.output_diagnostics = limit;
    procbox_tests::host_with(limits)
}

/// The forger's `diagnostic_flood`: `count` diagnostics, empty messages.
fn flood(host: &Host, count: u32) -> procbox_host::Result<Expansion> {
    host.load_file(wasm("forger"))
        .expect("loads")
        .expand_function("diagnostic_flood", &tokens(&count.to_string()))
}

fn assert_too_large(result: procbox_host::Result<Expansion>, expected: &str) {
    match result {
        Err(err @ Error::OutputTooLarge { .. }) => {
            let message = err.to_string();
            assert!(
                message.contains(expected),
                "expected {expected:?} in {message:?}"
            );
        }
        other => panic!("expected OutputTooLarge ({expected}), got {other:?}"),
    }
}

#[test]
fn a_flood_of_diagnostics_is_refused() {
    let host = procbox_tests::host();
    assert_too_large(
        flood(&host, 100_000),
        "returned 100000 diagnostics, over its limit of 10000; if that is expected, raise \
         `Limits::output_tokens`, `Limits::output_text` or `Limits::output_diagnostics`",
    );
    // Within a raised limit the same output is accepted.
    let generous = host_allowing_diagnostics(100_000);
    let out = flood(&generous, 100_000).expect("accepted");
    assert_eq!(out.diagnostics.len(), 100_000);
    assert_good_macro_works(&host);
}

#[test]
fn a_result_over_the_hostcall_fuel_is_too_large() {
    // 4 million diagnostics are 80 MB in the guest and would be 224 MB on
    // the host: wasmtime stops before copying them, at the bound the output
    // limits set, and that is reported as the output being too large.
    let host = procbox_tests::host();
    assert_too_large(
        flood(&host, 4_000_000),
        "more bytes than the host copies out of one call",
    );
    assert_good_macro_works(&host);
}

#[test]
fn raised_output_limits_raise_what_the_host_copies() {
    // 2.5 million diagnostics take 140 MB on the host, more than wasmtime's
    // default budget for one call (128 MiB): within raised limits they are
    // accepted, because the host derives the budget from the limits.
    let host = host_allowing_diagnostics(3_000_000);
    let out = flood(&host, 2_500_000).expect("accepted");
    assert_eq!(out.diagnostics.len(), 2_500_000);
}
