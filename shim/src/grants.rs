//! [`ShimGrants`]: the capabilities a shim grants, fixed when it is generated.

use procbox_host::Grants;

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

    /// Grants `random-seed` with procbox's fixed seed, so expansions are the
    /// same on every build.
    pub const fn random_seed(self) -> ShimGrants {
        self.random_seed_value(procbox_host::DEFAULT_SEED)
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

    /// The host's grants, with `env` values read now.
    pub(crate) fn to_grants(self) -> Grants {
        let mut grants = Grants::new();
        if let Some(seed) = self.seed {
            grants = grants.random_seed_value(seed);
        }
        grants = match self.fs_read {
            FsRead::None => grants,
            FsRead::ManifestDir => grants.fs_read_manifest_dir(),
            FsRead::Dir(dir) => grants.fs_read(dir),
        };
        for name in self.env {
            if let Ok(value) = std::env::var(name) {
                grants = grants.env(*name, value);
            }
        }
        grants
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use procbox_host::Capability;

    #[test]
    fn nothing_is_granted_unless_asked() {
        let grants = ShimGrants::NONE.to_grants();
        for capability in Capability::ALL {
            assert!(!grants.grants(capability), "{capability}");
        }
    }

    #[test]
    fn builder_calls_grant_what_they_say() {
        // SAFETY: this test's own variable; no other test reads or writes it.
        unsafe { std::env::set_var("PROCBOX_SHIM_TEST_VAR", "x") };
        const GRANTS: ShimGrants = ShimGrants::NONE
            .random_seed()
            .fs_read_manifest_dir()
            .env(&["PROCBOX_SHIM_TEST_VAR", "PROCBOX_SHIM_TEST_UNSET"]);
        let grants = GRANTS.to_grants();
        assert!(grants.grants(Capability::RandomSeed));
        assert!(grants.grants(Capability::FsRead));
        assert!(grants.grants(Capability::Env));
        assert_eq!(
            grants,
            Grants::new()
                .random_seed()
                .fs_read_manifest_dir()
                .env("PROCBOX_SHIM_TEST_VAR", "x")
        );
    }
}
