//! What an embedder grants a macro: the one model of it, for every piece.
//!
//! - [`Grants`] is what is granted, built with explicit calls (nothing by
//!   default): the host links what a component declares and these grant;
//!   a shim's generated source builds them (fixed there, reviewed with it);
//!   they cross to `procbox serve` in [`Expand`](crate::Expand).
//! - [`Grant`] is one grant as written on the command line
//!   (`random-seed=7`, `fs-read`, `env=NAME`), with [`FromStr`].
//!
//! Some grants name what only the build knows: the directory of the crate
//! being compiled ([`Grants::fs_read_manifest_dir`]), a variable's value in
//! the build's environment ([`Grants::env_from_environment`]).
//! [`Grants::resolve`] fills them in, where the build runs.

use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use crate::Capability;

/// The seed of `random-seed` unless one is chosen: fixed, so `HashMap`
/// iteration order, and so the expansion, is the same on every run and
/// machine.
pub const DEFAULT_SEED: u128 = 0x7072_6f63_626f_7821_7365_6564_0000_0001;

/// The capabilities granted to a macro, and with what. Only what a macro
/// also declares is linked.
///
/// ```
/// use procbox_protocol::Grants;
///
/// let grants = Grants::new()
///     .random_seed()
///     .env("CARGO_PKG_NAME", "my-crate");
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Grants {
    seed: Option<u128>,
    fs_read: Option<Dir>,
    /// Sorted by name, each name once.
    env: Vec<(String, Value)>,
}

/// The directory `fs-read` grants.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Dir {
    /// This one.
    Path(PathBuf),
    /// The directory of the crate being compiled (`CARGO_MANIFEST_DIR`),
    /// when the grants are resolved.
    ManifestDir,
}

/// The value `env` grants a variable.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Value {
    /// This one.
    Given(String),
    /// Its value in the environment when the grants are resolved (an unset
    /// variable stays unset for the macro).
    FromEnvironment,
}

impl Grants {
    /// Grants nothing.
    pub fn new() -> Grants {
        Grants::default()
    }

    /// Grants `random-seed` with the fixed [`DEFAULT_SEED`].
    pub fn random_seed(self) -> Grants {
        self.random_seed_value(DEFAULT_SEED)
    }

    /// Grants `random-seed` with `seed`.
    pub fn random_seed_value(mut self, seed: u128) -> Grants {
        self.seed = Some(seed);
        self
    }

    /// Grants `fs-read` on `dir`: read-only, nothing outside it, mounted in
    /// the guest at its own absolute path, so paths built from
    /// `CARGO_MANIFEST_DIR` work unchanged.
    pub fn fs_read(mut self, dir: impl Into<PathBuf>) -> Grants {
        self.fs_read = Some(Dir::Path(dir.into()));
        self
    }

    /// Grants `fs-read` on the crate being compiled, the usual choice:
    /// `CARGO_MANIFEST_DIR` when the grants are resolved (cargo sets it for
    /// the rustc that runs a proc macro, and for build scripts and tests).
    pub fn fs_read_manifest_dir(mut self) -> Grants {
        self.fs_read = Some(Dir::ManifestDir);
        self
    }

    /// Grants `env` for `name` with `value`. Only the variables a macro's
    /// manifest lists are ever visible to it.
    pub fn env(self, name: impl Into<String>, value: impl Into<String>) -> Grants {
        self.with_var(name.into(), Value::Given(value.into()))
    }

    /// Grants `env` for `name` with its value in the environment when the
    /// grants are resolved (a shim: the build's).
    pub fn env_from_environment(self, name: impl Into<String>) -> Grants {
        self.with_var(name.into(), Value::FromEnvironment)
    }

    fn with_var(mut self, name: String, value: Value) -> Grants {
        match self.env.binary_search_by(|(n, _)| n.as_str().cmp(&name)) {
            Ok(at) => self.env[at].1 = value,
            Err(at) => self.env.insert(at, (name, value)),
        }
        self
    }

    /// Whether `capability` is granted.
    pub fn grants(&self, capability: Capability) -> bool {
        match capability {
            Capability::RandomSeed => self.seed.is_some(),
            Capability::FsRead => self.fs_read.is_some(),
            Capability::Env => !self.env.is_empty(),
        }
    }

    /// The seed granted to `random-seed`, if any.
    pub fn seed(&self) -> Option<u128> {
        self.seed
    }

    /// The directory granted to `fs-read`, if any.
    pub fn fs_read_grant(&self) -> Option<&Dir> {
        self.fs_read.as_ref()
    }

    /// The directory granted to `fs-read`, if any, for messages
    /// (`$CARGO_MANIFEST_DIR` until resolved).
    pub fn fs_read_dir(&self) -> Option<&Path> {
        match &self.fs_read {
            Some(Dir::Path(path)) => Some(path),
            Some(Dir::ManifestDir) => Some(Path::new("$CARGO_MANIFEST_DIR")),
            None => None,
        }
    }

    /// The variables granted to `env`, sorted by name.
    pub fn env_vars(&self) -> impl Iterator<Item = (&str, &Value)> {
        self.env.iter().map(|(name, value)| (name.as_str(), value))
    }

    /// The same grants with what only the build knows filled in from this
    /// process's environment: the crate's directory, the variables' values
    /// (an unset variable stays granted, as [`Value::FromEnvironment`], and
    /// the macro reads it as absent). A directory must be valid UTF-8.
    pub fn resolve(&self) -> Result<Grants, String> {
        self.resolve_with(|name| std::env::var(name).ok())
    }

    /// [`resolve`](Self::resolve), with `lookup` as the environment.
    pub fn resolve_with(&self, lookup: impl Fn(&str) -> Option<String>) -> Result<Grants, String> {
        let fs_read = match &self.fs_read {
            Some(Dir::ManifestDir) => match lookup("CARGO_MANIFEST_DIR") {
                Some(dir) => Some(Dir::Path(dir.into())),
                None => {
                    return Err("`fs-read` is granted on the crate's directory, but \
                                CARGO_MANIFEST_DIR is not set: expand from a cargo build, or \
                                grant a directory"
                        .to_owned());
                }
            },
            other => other.clone(),
        };
        // It crosses to a server as text: another path must not be granted
        // in its place.
        if let Some(Dir::Path(dir)) = &fs_read
            && dir.to_str().is_none()
        {
            return Err(format!(
                "the `fs-read` directory {} is not valid UTF-8: grant a directory whose path is",
                dir.display()
            ));
        }
        // A variable unset here stays granted, and unset: the macro reads it
        // as absent, as the native macro would (`STRUM_DEBUG`).
        let env = self
            .env
            .iter()
            .map(|(name, value)| {
                let value = match value {
                    Value::Given(value) => Value::Given(value.clone()),
                    Value::FromEnvironment => {
                        lookup(name).map_or(Value::FromEnvironment, Value::Given)
                    }
                };
                (name.clone(), value)
            })
            .collect();
        Ok(Grants {
            seed: self.seed,
            fs_read,
            env,
        })
    }

    /// These grants and `grant`: what a `--grant` adds, with the
    /// directory `fs-read` gets when the grant names none.
    pub fn with(self, grant: &Grant, default_dir: &Dir) -> Grants {
        match grant {
            Grant::RandomSeed(None) => self.random_seed(),
            Grant::RandomSeed(Some(seed)) => self.random_seed_value(*seed),
            Grant::FsRead(Some(dir)) => self.fs_read(dir.clone()),
            Grant::FsRead(None) => match default_dir {
                Dir::Path(dir) => self.fs_read(dir.clone()),
                Dir::ManifestDir => self.fs_read_manifest_dir(),
            },
            Grant::Env(name, Some(value)) => self.env(name.clone(), value.clone()),
            Grant::Env(name, None) => self.env_from_environment(name.clone()),
        }
    }

    /// The parts, for the codec.
    pub(crate) fn into_parts(self) -> (Option<u128>, Option<Dir>, Vec<(String, Value)>) {
        (self.seed, self.fs_read, self.env)
    }

    /// Grants of these parts, for the codec.
    pub(crate) fn from_parts(
        seed: Option<u128>,
        fs_read: Option<Dir>,
        env: Vec<(String, Value)>,
    ) -> Grants {
        env.into_iter().fold(
            Grants {
                seed,
                fs_read,
                env: Vec::new(),
            },
            |grants, (name, value)| grants.with_var(name, value),
        )
    }
}

/// One grant as written on the command line: `random-seed[=SEED]`,
/// `fs-read[=DIR]`, `env=NAME[=VALUE]`.
///
/// ```
/// use procbox_protocol::grants::Grant;
///
/// assert_eq!("env=A=b".parse(), Ok(Grant::Env("A".into(), Some("b".into()))));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Grant {
    /// `random-seed`, with [`DEFAULT_SEED`] unless a seed is given.
    RandomSeed(Option<u128>),
    /// `fs-read` on a directory, or on the default one of where it is used.
    FsRead(Option<PathBuf>),
    /// `env` for one variable, with a value or the environment's.
    Env(String, Option<String>),
}

impl Grant {
    /// The capability it grants.
    pub fn capability(&self) -> Capability {
        match self {
            Grant::RandomSeed(_) => Capability::RandomSeed,
            Grant::FsRead(_) => Capability::FsRead,
            Grant::Env(..) => Capability::Env,
        }
    }
}

impl FromStr for Grant {
    type Err = String;

    fn from_str(text: &str) -> Result<Grant, String> {
        let (name, value) = match text.split_once('=') {
            Some((name, value)) => (name, Some(value)),
            None => (text, None),
        };
        match (name, value) {
            ("random-seed", None) => Ok(Grant::RandomSeed(None)),
            ("random-seed", Some(seed)) => seed
                .parse()
                .map(|seed| Grant::RandomSeed(Some(seed)))
                .map_err(|_| format!("`{seed}` is not a seed: write a decimal number")),
            ("fs-read", dir) => Ok(Grant::FsRead(dir.map(PathBuf::from))),
            ("env", Some(rest)) => {
                let (var, value) = match rest.split_once('=') {
                    Some((var, value)) => (var, Some(value.to_owned())),
                    None => (rest, None),
                };
                if var.is_empty() {
                    return Err(
                        "`env` needs a variable name: `env=NAME` or `env=NAME=VALUE`".into(),
                    );
                }
                Ok(Grant::Env(var.to_owned(), value))
            }
            ("env", None) => {
                Err("`env` needs a variable name: `env=NAME` or `env=NAME=VALUE`".into())
            }
            _ => Err(format!(
                "unknown capability `{name}`; the capabilities are `random-seed[=SEED]`, \
                 `fs-read[=DIR]` and `env=NAME[=VALUE]`"
            )),
        }
    }
}

impl fmt::Display for Grant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Grant::RandomSeed(None) => f.write_str("random-seed"),
            Grant::RandomSeed(Some(seed)) => write!(f, "random-seed={seed}"),
            Grant::FsRead(None) => f.write_str("fs-read"),
            Grant::FsRead(Some(dir)) => write!(f, "fs-read={}", dir.display()),
            Grant::Env(name, None) => write!(f, "env={name}"),
            Grant::Env(name, Some(value)) => write!(f, "env={name}={value}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nothing_is_granted_unless_asked() {
        let grants = Grants::new();
        for capability in Capability::ALL {
            assert!(!grants.grants(capability), "{capability}");
        }
    }

    #[test]
    fn grants_resolve_in_the_build() {
        let grants = Grants::new()
            .random_seed()
            .fs_read_manifest_dir()
            .env_from_environment("SET")
            .env_from_environment("UNSET")
            .env("GIVEN", "x");
        let build = |name: &str| match name {
            "CARGO_MANIFEST_DIR" => Some("/crate".to_owned()),
            "SET" => Some("y".to_owned()),
            _ => None,
        };
        assert_eq!(
            grants.resolve_with(build),
            Ok(Grants::new()
                .random_seed_value(DEFAULT_SEED)
                .fs_read("/crate")
                .env("GIVEN", "x")
                .env("SET", "y")
                // Unset in the build: granted, and absent for the macro.
                .env_from_environment("UNSET"))
        );
        let only_unset = Grants::new().env_from_environment("UNSET");
        assert!(
            only_unset
                .resolve_with(build)
                .expect("resolves")
                .grants(Capability::Env)
        );
        let err = Grants::new()
            .fs_read_manifest_dir()
            .resolve_with(|_| None)
            .expect_err("no crate directory");
        assert!(err.contains("CARGO_MANIFEST_DIR is not set"), "{err}");
    }

    #[test]
    fn a_variable_is_granted_once_in_name_order() {
        let grants = Grants::new().env("B", "1").env("A", "2").env("B", "3");
        let vars: Vec<(&str, &Value)> = grants.env_vars().collect();
        assert_eq!(
            vars,
            [
                ("A", &Value::Given("2".into())),
                ("B", &Value::Given("3".into()))
            ]
        );
    }

    #[test]
    fn grants_parse_and_print_every_form() {
        for (text, grant) in [
            ("random-seed", Grant::RandomSeed(None)),
            ("random-seed=7", Grant::RandomSeed(Some(7))),
            ("fs-read", Grant::FsRead(None)),
            ("fs-read=/data", Grant::FsRead(Some("/data".into()))),
            ("env=A", Grant::Env("A".into(), None)),
            ("env=A=b=c", Grant::Env("A".into(), Some("b=c".into()))),
        ] {
            assert_eq!(text.parse(), Ok(grant.clone()));
            assert_eq!(grant.to_string(), text);
        }
    }

    #[test]
    fn bad_grants_say_what_is_valid() {
        let unknown = "network".parse::<Grant>().expect_err("unknown");
        assert!(
            unknown.contains("unknown capability `network`"),
            "{unknown}"
        );
        assert!(unknown.contains("random-seed"), "{unknown}");
        for bad in ["env", "env==x"] {
            let err = bad.parse::<Grant>().expect_err(bad);
            assert!(err.contains("variable name"), "{bad}: {err}");
        }
        let err = "random-seed=x".parse::<Grant>().expect_err("not a number");
        assert!(err.contains("decimal"), "{err}");
    }

    #[test]
    fn a_grant_applies_the_default_directory_of_where_it_is_used() {
        let expand = Dir::Path(".".into());
        let shim = Dir::ManifestDir;
        let fs_read = Grant::FsRead(None);
        assert_eq!(
            Grants::new().with(&fs_read, &expand),
            Grants::new().fs_read(".")
        );
        assert_eq!(
            Grants::new().with(&fs_read, &shim),
            Grants::new().fs_read_manifest_dir()
        );
        assert_eq!(
            Grants::new().with(&Grant::Env("A".into(), None), &shim),
            Grants::new().env_from_environment("A")
        );
    }
}
