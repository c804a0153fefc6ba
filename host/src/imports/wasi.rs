//! Linking the WASI interfaces of granted capabilities, from wasmtime-wasi.
//!
//! Only what a capability needs is linked: `random-seed` is
//! `wasi:random/insecure-seed`; `fs-read` is `wasi:filesystem/{types,preopens}`
//! and the `wasi:io` interfaces their streams and errors use (no clocks:
//! they would make expansions depend on the time); `env` is
//! `wasi:cli/environment`.

use procbox_protocol::Capability;
use wasmtime::component::{HasData, Linker, ResourceTable};
use wasmtime_wasi::WasiView;
use wasmtime_wasi::cli::{WasiCli, WasiCliView};
use wasmtime_wasi::filesystem::{WasiFilesystem, WasiFilesystemView};
use wasmtime_wasi::p2::bindings;
use wasmtime_wasi::random::{WasiRandom, WasiRandomView};

/// The resource table, for the `wasi:io` interfaces.
struct HasTable;

impl HasData for HasTable {
    type Data<'a> = &'a mut ResourceTable;
}

/// Links the interfaces of `capability`.
pub(crate) fn link<T: WasiView + 'static>(
    linker: &mut Linker<T>,
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
