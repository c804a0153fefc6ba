//! Linking the WASI interfaces of granted capabilities, from wasmtime-wasi.
//!
//! Only what a capability needs is linked: `random-seed` is
//! `wasi:random/insecure-seed`; `fs-read` is `wasi:filesystem/{types,preopens}`
//! and the `wasi:io` interfaces their streams and errors use (no clocks:
//! they would make expansions depend on the time); `env` is
//! `wasi:cli/environment`.

use procbox_manifest::Capability;
use wasmtime::component::{HasData, Linker, ResourceTable};
use wasmtime_wasi::WasiView;
use wasmtime_wasi::cli::{WasiCli, WasiCliView};
use wasmtime_wasi::filesystem::{WasiFilesystem, WasiFilesystemView};
use wasmtime_wasi::p2::bindings;
use wasmtime_wasi::random::{WasiRandom, WasiRandomView};

use crate::state::ExpansionState;

/// The resource table, for the `wasi:io` interfaces.
struct HasTable;

impl HasData for HasTable {
    type Data<'a> = &'a mut ResourceTable;
}

/// Links the interfaces of `capability`.
pub(crate) fn link(
    linker: &mut Linker<ExpansionState>,
    capability: Capability,
) -> wasmtime::Result<()> {
    let l = linker;
    match capability {
        Capability::RandomSeed => {
            bindings::random::insecure_seed::add_to_linker::<_, WasiRandom>(l, |t| t.random())?;
        }
        Capability::Env => {
            bindings::cli::environment::add_to_linker::<_, WasiCli>(l, |t| t.cli())?;
        }
        Capability::FsRead => {
            bindings::sync::filesystem::types::add_to_linker::<_, WasiFilesystem>(l, |t| {
                t.filesystem()
            })?;
            bindings::filesystem::preopens::add_to_linker::<_, WasiFilesystem>(l, |t| {
                t.filesystem()
            })?;
            wasmtime_wasi_io::bindings::wasi::io::error::add_to_linker::<_, HasTable>(l, |t| {
                t.ctx().table
            })?;
            bindings::sync::io::poll::add_to_linker::<_, HasTable>(l, |t| t.ctx().table)?;
            bindings::sync::io::streams::add_to_linker::<_, HasTable>(l, |t| t.ctx().table)?;
        }
    }
    Ok(())
}

/// Whether an import (`wasi:random/insecure-seed@0.2.6`) is one that linking
/// `capability` defines: the interfaces [`link`] adds, a subset of what the
/// capability may import (`Capability::interfaces`). `fs-read` may import
/// `wasi:clocks/wall-clock` (file timestamps use its types), but its
/// functions stay denied: they would make an expansion depend on the time.
pub(crate) fn defines(capability: Capability, import: &str) -> bool {
    let interface = import.split('@').next().unwrap_or(import);
    let linked: &[&str] = match capability {
        Capability::RandomSeed => &["wasi:random/insecure-seed"],
        Capability::Env => &["wasi:cli/environment"],
        Capability::FsRead => &[
            "wasi:filesystem/types",
            "wasi:filesystem/preopens",
            "wasi:io/error",
            "wasi:io/poll",
            "wasi:io/streams",
        ],
    };
    linked.contains(&interface)
}
