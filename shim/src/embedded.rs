//! The sandbox in rustc's own process (feature `embedded`): `procbox-host`
//! with its wasmtime engine, for builds that cannot run `procbox serve`.
//!
//! Running inside rustc shapes the host: no signal handlers (rustc has its
//! own for stack overflows; the guest gets explicit bounds checks), the
//! guest on rustc's thread (its 8 MiB stack is well above wasmtime's 512 KiB
//! wasm stack limit), one engine per rustc process, compiled code from the
//! per-user cache.

use std::sync::OnceLock;

use proc_macro::TokenStream;
use procbox_host::{Expansion, ExpansionCache, Host, Level, MacroComponent, MacroKind, Origin};

use crate::report::Failed;
use crate::{Component, depend, report};

/// The component, loaded on its first use in this rustc process, or why it
/// cannot be (the same answer for every use).
pub(crate) struct Loaded(OnceLock<Result<MacroComponent, String>>);

impl Loaded {
    pub(crate) const fn new() -> Loaded {
        Loaded(OnceLock::new())
    }
}

/// Runs one expansion in this process.
pub(crate) fn expand(
    component: &Component,
    kind: MacroKind,
    name: &str,
    args: Option<TokenStream>,
    input: TokenStream,
) -> Result<TokenStream, Failed> {
    let loaded = component
        .loaded
        .0
        .get_or_init(|| load(component))
        .as_ref()
        .map_err(Clone::clone)?;
    let input = proc_macro2::TokenStream::from(input);
    let result = match (kind, args) {
        (MacroKind::Derive, _) => loaded.expand_derive(name, &input),
        (MacroKind::Attribute, args) => {
            let args = proc_macro2::TokenStream::from(args.unwrap_or_default());
            loaded.expand_attribute(name, &args, &input)
        }
        (MacroKind::Function, _) => loaded.expand_function(name, &input),
    };
    let expansion: Expansion = result.map_err(|e| match e.panic_message() {
        Some(panic) => Failed::Panicked(panic.to_owned()),
        None => Failed::Report(e.to_string()),
    })?;
    let mut tokens = TokenStream::from(expansion.tokens);
    // `compile_error!`s are already in the tokens; what the macro emitted
    // separately must be added (errors) or printed (warnings).
    for diagnostic in expansion.diagnostics {
        if diagnostic.origin != Origin::Emitted {
            continue;
        }
        let level = match diagnostic.level {
            Level::Error => {
                // The compiler's span behind proc_macro2's (not an Option).
                let span = diagnostic.span().unwrap();
                tokens.extend(report::compile_error(&diagnostic.message, span));
                continue;
            }
            Level::Warning => "warning",
            Level::Note => "note",
            Level::Help => "help",
        };
        report::print(level, &diagnostic.message, component.file);
    }
    Ok(depend::track(
        component,
        kind,
        &expansion.files_read,
        tokens,
    ))
}

/// Checks the embedded bytes against the reviewed hash, loads them and
/// applies the grants.
fn load(component: &Component) -> Result<MacroComponent, String> {
    let actual = procbox_host::sha256_hex(component.bytes);
    if actual != component.sha256.to_ascii_lowercase() {
        return Err(format!(
            "the macro component {} is not the one this shim was generated from: its SHA-256 is \
             {actual}, the shim expects {}; if it changed on purpose, review the new version \
             (`procbox review`) and generate the shim again (`procbox shim`)",
            component.file, component.sha256
        ));
    }
    let grants = (component.grants)();
    host()?
        .load_checked_bytes(component.file, component.bytes, &actual)
        .and_then(|loaded| loaded.with_grants(&grants))
        .map_err(|e| e.to_string())
}

/// The one host of this rustc process.
fn host() -> Result<&'static Host, String> {
    static HOST: OnceLock<Result<Host, String>> = OnceLock::new();
    HOST.get_or_init(|| {
        // rustc's process, not ours: leave its signal handling alone.
        let mut host = Host::builder().signal_handlers(false);
        if let Some(cache) = ExpansionCache::from_environment()? {
            host = host.expansion_cache(cache);
        }
        host.build()
            .map_err(|e| format!("cannot start the sandbox: {e}"))
    })
    .as_ref()
    .map_err(Clone::clone)
}
