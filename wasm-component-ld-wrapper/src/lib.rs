//! `procbox-ld`: the linker for procbox macro components.
//!
//! Rust's `wasm32-wasip2` target links with `wasm-component-ld`. Used instead
//! (`[target.wasm32-wasip2] linker = "procbox-ld"`), this runs it, then makes
//! the component's imports exactly the procbox world plus the capabilities the
//! macro declares in `[package.metadata.procbox]`, and embeds that manifest in
//! a `procbox-manifest` custom section. See [`link`].

#![warn(missing_docs)]

pub mod rewrite;
mod toolchain;

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};

pub use procbox_manifest::{self as manifest, Capability, Manifest};
use procbox_protocol::world::is_world_interface;

/// Links with `args` (what rustc passes to the linker), then turns the result
/// into a procbox macro component declaring `manifest`.
///
/// A module that is not a procbox macro (it does not import the procbox
/// world, or it is a command with `_start`, such as a test binary) is linked
/// as plain `wasm-component-ld` would.
pub fn link(args: &[String], manifest: &Manifest) -> Result<()> {
    let output = output_path(args).context("the linker arguments name no output (-o)")?;
    let real = toolchain::wasm_component_ld()?;
    let mut command = Command::new(&real);
    command.args(args).arg("--skip-wit-component");
    run(&mut command, &real)?;

    let module =
        std::fs::read(&output).with_context(|| format!("cannot read {}", output.display()))?;
    if !is_procbox_macro(&module)? {
        // Link again, normally.
        let mut command = Command::new(&real);
        command.args(args);
        return run(&mut command, &real);
    }
    let rewritten = rewrite::stub_imports(&module, |import| {
        is_world_interface(import) || !import.starts_with("wasi:") || manifest.allows(import)
    })?;
    let component = wit_component::ComponentEncoder::default()
        .validate(true)
        .module(&rewritten.module)
        .context("wit-component cannot read the module's component type")?
        .encode()
        .context("wit-component cannot make a component of the module")?;
    let component = embed_manifest(component, manifest);
    std::fs::write(&output, component)
        .with_context(|| format!("cannot write {}", output.display()))?;
    Ok(())
}

fn run(command: &mut Command, program: &Path) -> Result<()> {
    let status = command
        .status()
        .with_context(|| format!("cannot run {}", program.display()))?;
    if !status.success() {
        bail!("{} failed ({status})", program.display());
    }
    Ok(())
}

/// The `-o FILE` / `-oFILE` / `--output FILE` / `--output=FILE` argument.
fn output_path(args: &[String]) -> Option<PathBuf> {
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        if arg == "-o" || arg == "--output" {
            return args.next().map(PathBuf::from);
        }
        if let Some(path) = arg.strip_prefix("--output=") {
            return Some(PathBuf::from(path));
        }
        if let Some(path) = arg.strip_prefix("-o").filter(|p| !p.is_empty()) {
            return Some(PathBuf::from(path));
        }
    }
    None
}

/// Whether a linked core module is a procbox macro: it imports or exports the
/// procbox world (a macro written against the raw world, without the SDK,
/// may only export it) and is not a command.
fn is_procbox_macro(module: &[u8]) -> Result<bool> {
    let mut uses_world = false;
    for payload in wasmparser::Parser::new(0).parse_all(module) {
        match payload.context("the linked module is not valid wasm")? {
            wasmparser::Payload::ImportSection(section) => {
                for import in section.into_imports() {
                    uses_world |= is_world_interface(import?.module);
                }
            }
            wasmparser::Payload::ExportSection(section) => {
                for export in section {
                    let name = export?.name;
                    if name == "_start" {
                        return Ok(false);
                    }
                    uses_world |= is_world_interface(name);
                }
            }
            _ => {}
        }
    }
    Ok(uses_world)
}

/// Appends the manifest as a custom section (valid anywhere in a component).
pub fn embed_manifest(mut component: Vec<u8>, manifest: &Manifest) -> Vec<u8> {
    use wasm_encoder::Encode;
    let data = manifest.encode();
    let section = wasm_encoder::CustomSection {
        name: manifest::SECTION.into(),
        data: data.as_slice().into(),
    };
    component.push(0);
    section.encode(&mut component);
    component
}
