//! [`Capability`]: what a macro may declare, and the WASI interfaces each
//! one stands for.

use std::fmt;
use std::str::FromStr;

/// A capability a macro can declare (in `[package.metadata.procbox]`) and an
/// embedder can grant. A macro that declares none imports nothing outside the
/// procbox world.
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Capability {
    /// `wasi:random/insecure-seed` with a seed the embedder chooses. Without
    /// it a macro still gets the interface, answering the fixed
    /// [`DEFAULT_SEED`](crate::DEFAULT_SEED) (it is
    /// [ambient](crate::world::AMBIENT)): declare it only to let the build
    /// pick another seed (to check that an expansion does not depend on
    /// `HashMap` order, say).
    RandomSeed,
    /// `wasi:filesystem` (types, preopens): one read-only directory.
    FsRead,
    /// `wasi:cli/environment`: the variables the manifest lists.
    Env,
}

impl Capability {
    /// Every capability, in declaration order.
    pub const ALL: [Capability; 3] = [Capability::RandomSeed, Capability::FsRead, Capability::Env];

    /// The name used in `Cargo.toml`, on the command line and on the wire.
    pub const fn name(self) -> &'static str {
        match self {
            Capability::RandomSeed => "random-seed",
            Capability::FsRead => "fs-read",
            Capability::Env => "env",
        }
    }

    /// The capability called `name`, if any.
    pub fn from_name(name: &str) -> Option<Capability> {
        Capability::ALL.into_iter().find(|c| c.name() == name)
    }

    /// The WASI interfaces (without version) a component declaring this
    /// capability may import.
    ///
    /// `fs-read` needs the I/O interfaces its streams and errors come from,
    /// and the wall clock's types (file timestamps use them).
    pub const fn interfaces(self) -> &'static [&'static str] {
        match self {
            Capability::RandomSeed => &["wasi:random/insecure-seed"],
            Capability::FsRead => &[
                "wasi:filesystem/types",
                "wasi:filesystem/preopens",
                "wasi:io/streams",
                "wasi:io/error",
                "wasi:io/poll",
                "wasi:clocks/wall-clock",
            ],
            Capability::Env => &["wasi:cli/environment"],
        }
    }

    /// The interfaces a host links when it grants this capability: those of
    /// [`interfaces`](Self::interfaces) but the wall clock, whose functions
    /// stay denied (they would make an expansion depend on the time).
    pub const fn linked_interfaces(self) -> &'static [&'static str] {
        match self {
            Capability::FsRead => &[
                "wasi:filesystem/types",
                "wasi:filesystem/preopens",
                "wasi:io/streams",
                "wasi:io/error",
                "wasi:io/poll",
            ],
            other => other.interfaces(),
        }
    }

    /// Whether this capability lets a component import `import`
    /// (`wasi:random/insecure-seed@0.2.6`: any version).
    pub fn allows(self, import: &str) -> bool {
        self.interfaces().contains(&unversioned(import))
    }

    /// Whether granting this capability links `import`.
    pub fn links(self, import: &str) -> bool {
        self.linked_interfaces().contains(&unversioned(import))
    }
}

/// An interface name without its `@version`.
fn unversioned(import: &str) -> &str {
    import.split('@').next().unwrap_or(import)
}

impl fmt::Display for Capability {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A name that is not a capability; its message lists the valid ones.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownCapability(pub String);

impl fmt::Display for UnknownCapability {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unknown capability `{}`; valid names: ", self.0)?;
        for (i, capability) in Capability::ALL.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            f.write_str(capability.name())?;
        }
        Ok(())
    }
}

impl std::error::Error for UnknownCapability {}

impl FromStr for Capability {
    type Err = UnknownCapability;

    fn from_str(name: &str) -> Result<Capability, UnknownCapability> {
        Capability::from_name(name).ok_or_else(|| UnknownCapability(name.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for capability in Capability::ALL {
            assert_eq!(capability.name().parse(), Ok(capability));
        }
        let err = "network".parse::<Capability>().expect_err("unknown");
        assert_eq!(
            err.to_string(),
            "unknown capability `network`; valid names: random-seed, fs-read, env"
        );
    }

    #[test]
    fn imports_are_matched_without_their_version() {
        assert!(Capability::Env.allows("wasi:cli/environment@0.2.6"));
        assert!(!Capability::Env.allows("wasi:cli/stdout@0.2.6"));
        assert!(Capability::FsRead.allows("wasi:clocks/wall-clock@0.2.0"));
        assert!(!Capability::FsRead.links("wasi:clocks/wall-clock@0.2.0"));
        for capability in Capability::ALL {
            for linked in capability.linked_interfaces() {
                assert!(capability.allows(linked), "{capability}: {linked}");
            }
        }
    }
}
