//! Linking the WASI interfaces of granted capabilities, from wasmtime-wasi.
//!
//! Only what a capability needs is linked: `random-seed` is
//! `wasi:random/insecure-seed` (linked for every component too: it is
//! ambient, answering the fixed seed unless `random-seed` is declared); `fs-read` is `wasi:filesystem/{types,preopens}`
//! (recorded: [`super::filesystem`]) and the `wasi:io` interfaces their streams and errors use (no clocks:
//! they would make expansions depend on the time); `env` is
//! `wasi:cli/environment`.

use procbox_protocol::Capability;
use wasmtime::component::{HasData, Linker, ResourceTable};
use wasmtime_wasi::WasiView;
use wasmtime_wasi::cli::{WasiCli, WasiCliView};
use wasmtime_wasi::p2::bindings;
use wasmtime_wasi::random::{WasiRandom, WasiRandomView};

use super::filesystem::{Recorded, RecordedFilesystem};

/// The resource table, for the `wasi:io` interfaces.
struct HasTable;

impl HasData for HasTable {
    type Data<'a> = &'a mut ResourceTable;
}

/// What a store's data gives `fs-read`: wasmtime-wasi's filesystem view
/// with the log that records what the guest reads.
pub(crate) trait RecordsFiles {
    fn recorded_filesystem(&mut self) -> Recorded<'_>;
}

/// Links the interfaces of `capability`.
pub(crate) fn link<T: WasiView + RecordsFiles + 'static>(
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
            bindings::sync::filesystem::types::add_to_linker::<_, RecordedFilesystem>(l, |t| {
                t.recorded_filesystem()
            })?;
            bindings::filesystem::preopens::add_to_linker::<_, RecordedFilesystem>(l, |t| {
                t.recorded_filesystem()
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
