//! [`ShimGrants`]: the capabilities a shim grants, fixed when it is
//! generated, and resolved in the build that uses it.

use procbox_protocol::{DEFAULT_SEED, Grants};

/// The capabilities a generated shim grants its component: a constant, so
/// they are visible in the shim's source and reviewed with it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ShimGrants {
    seed: Option<u128>,
    fs_read: FsRead,
    env: &'static [&'static str],
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum FsRead {
    None,
    ManifestDir,
    Dir(&'static str),
}

impl ShimGrants {
    /// Grants nothing.
    pub const NONE: ShimGrants = ShimGrants {
        seed: None,
        fs_read: FsRead::None,
        env: &[],
    };

    /// Grants `random-seed` with procbox's fixed seed
    /// ([`DEFAULT_SEED`](procbox_protocol::DEFAULT_SEED)), so expansions are
    /// the same on every build.
    pub const fn random_seed(self) -> ShimGrants {
        self.random_seed_value(DEFAULT_SEED)
    }

    /// Grants `random-seed` with `seed`.
    pub const fn random_seed_value(mut self, seed: u128) -> ShimGrants {
        self.seed = Some(seed);
        self
    }

    /// Grants `fs-read` on the directory of the crate being compiled
    /// (`CARGO_MANIFEST_DIR`).
    pub const fn fs_read_manifest_dir(mut self) -> ShimGrants {
        self.fs_read = FsRead::ManifestDir;
        self
    }

    /// Grants `fs-read` on `dir`.
    pub const fn fs_read(mut self, dir: &'static str) -> ShimGrants {
        self.fs_read = FsRead::Dir(dir);
        self
    }

    /// Grants `env` for the variables `names`, with their values in the
    /// build's environment (an unset variable stays unset for the macro).
    pub const fn env(mut self, names: &'static [&'static str]) -> ShimGrants {
        self.env = names;
        self
    }

    /// The grants for an expansion now: the `fs-read` directory found and
    /// `env` values read from rustc's environment.
    pub(crate) fn resolve(self) -> Result<Grants, String> {
        let fs_read = match self.fs_read {
            FsRead::None => None,
            FsRead::Dir(dir) => Some(dir.to_owned()),
            FsRead::ManifestDir => Some(std::env::var("CARGO_MANIFEST_DIR").map_err(|_| {
                "the shim grants `fs-read` on the crate's directory, but CARGO_MANIFEST_DIR is \
                 not set: build with cargo"
                    .to_owned()
            })?),
        };
        let env = self
            .env
            .iter()
            .filter_map(|name| Some((name.to_string(), std::env::var(name).ok()?)))
            .collect();
        Ok(Grants {
            random_seed: self.seed,
            fs_read,
            env,
        })
    }

    /// The in-process host's grants, resolved now.
    #[cfg(feature = "embedded")]
    pub(crate) fn to_host(self) -> Result<procbox_host::Grants, String> {
        let resolved = self.resolve()?;
        let mut grants = procbox_host::Grants::new();
        if let Some(seed) = resolved.random_seed {
            grants = grants.random_seed_value(seed);
        }
        if let Some(dir) = resolved.fs_read {
            grants = grants.fs_read(dir);
        }
        for (name, value) in resolved.env {
            grants = grants.env(name, value);
        }
        Ok(grants)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nothing_is_granted_unless_asked() {
        assert_eq!(ShimGrants::NONE.resolve(), Ok(Grants::default()));
    }

    #[test]
    fn builder_calls_grant_what_they_say() {
        // SAFETY: this test's own variable; no other test reads or writes it.
        unsafe { std::env::set_var("PROCBOX_SHIM_TEST_VAR", "x") };
        const GRANTS: ShimGrants = ShimGrants::NONE
            .random_seed()
            .fs_read("/data")
            .env(&["PROCBOX_SHIM_TEST_VAR", "PROCBOX_SHIM_TEST_UNSET"]);
        assert_eq!(
            GRANTS.resolve(),
            Ok(Grants {
                random_seed: Some(DEFAULT_SEED),
                fs_read: Some("/data".into()),
                env: vec![("PROCBOX_SHIM_TEST_VAR".into(), "x".into())],
            })
        );
    }
}
