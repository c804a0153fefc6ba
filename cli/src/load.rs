//! Loading components for the commands: one host, a progress line while a
//! component compiles for the first time.

use std::path::Path;
use std::time::Instant;

use anyhow::Context;
use procbox_host::{CacheOutcome, ExpansionCache, Host, MacroComponent};

/// Loads components into one host.
pub struct Loader {
    host: Host,
    verbose: bool,
}

impl Loader {
    /// A host with the default limits and cache directory, and the
    /// expansion cache the environment asks for
    /// ([`ExpansionCache::from_environment`]).
    pub fn new(verbose: bool) -> anyhow::Result<Loader> {
        let mut host = Host::builder();
        if let Some(cache) = ExpansionCache::from_environment().map_err(anyhow::Error::msg)? {
            host = host.expansion_cache(cache);
        }
        let host = host.build().context("cannot start the procbox host")?;
        Ok(Loader { host, verbose })
    }

    /// Reads and loads the component at `path`.
    pub fn load(&self, path: &Path) -> anyhow::Result<MacroComponent> {
        let bytes = std::fs::read(path)
            .with_context(|| format!("cannot read macro component {}", path.display()))?;
        self.load_bytes(path, &bytes)
    }

    /// Loads a component read from `path`; says so first when it has to be
    /// compiled, which takes a while.
    pub fn load_bytes(&self, path: &Path, bytes: &[u8]) -> anyhow::Result<MacroComponent> {
        if self.host.will_compile(bytes) {
            eprintln!(
                "   Compiling macro component {} (first use; cached afterwards)",
                path.display()
            );
        }
        let started = Instant::now();
        let component = self.host.load_bytes(path.display().to_string(), bytes)?;
        if self.verbose {
            let how = match component.cache_outcome() {
                CacheOutcome::Hit(file) => format!("loaded from {}", file.display()),
                CacheOutcome::Compiled {
                    path,
                    rejected,
                    store_error,
                } => {
                    let mut how = format!("compiled, cached at {}", path.display());
                    if let Some(reason) = rejected {
                        how.push_str(&format!(" (replaced a cache file: {reason})"));
                    }
                    if let Some(error) = store_error {
                        how.push_str(&format!(" (could not store it: {error})"));
                    }
                    how
                }
                CacheOutcome::Disabled => "compiled (no cache)".to_owned(),
                _ => "loaded".to_owned(),
            };
            eprintln!(
                "procbox: {} {how} in {:.1?}",
                path.display(),
                started.elapsed()
            );
        }
        Ok(component)
    }
}
