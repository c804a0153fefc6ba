//! `--grant` arguments: the capabilities a user grants on the command line.

use std::path::PathBuf;
use std::str::FromStr;

use procbox_host::{Capability, Grants};

/// One `--grant`: `random-seed[=SEED]`, `fs-read[=DIR]`, `env=NAME[=VALUE]`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum GrantArg {
    /// `random-seed`, with procbox's fixed seed unless one is given.
    RandomSeed(Option<u128>),
    /// `fs-read` on a directory; `None` means the current directory (for
    /// `expand`) or the consuming crate's directory (for a shim).
    FsRead(Option<PathBuf>),
    /// `env` for one variable; `None` takes its value from the environment
    /// (of `procbox expand`, or of rustc for a shim).
    Env(String, Option<String>),
}

impl GrantArg {
    /// The capability it grants.
    pub fn capability(&self) -> Capability {
        match self {
            GrantArg::RandomSeed(_) => Capability::RandomSeed,
            GrantArg::FsRead(_) => Capability::FsRead,
            GrantArg::Env(..) => Capability::Env,
        }
    }
}

impl FromStr for GrantArg {
    type Err = String;

    fn from_str(text: &str) -> Result<GrantArg, String> {
        let (name, value) = match text.split_once('=') {
            Some((name, value)) => (name, Some(value)),
            None => (text, None),
        };
        match (name, value) {
            ("random-seed", None) => Ok(GrantArg::RandomSeed(None)),
            ("random-seed", Some(seed)) => seed
                .parse()
                .map(|seed| GrantArg::RandomSeed(Some(seed)))
                .map_err(|_| format!("`{seed}` is not a seed: write a decimal number")),
            ("fs-read", dir) => Ok(GrantArg::FsRead(dir.map(PathBuf::from))),
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
                Ok(GrantArg::Env(var.to_owned(), value))
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

/// The grants of `procbox expand`: `fs-read` defaults to the current
/// directory, `env` values to this process's environment (an unset variable
/// is not granted).
pub fn for_expand(args: &[GrantArg]) -> Grants {
    args.iter().fold(Grants::new(), |grants, arg| match arg {
        GrantArg::RandomSeed(None) => grants.random_seed(),
        GrantArg::RandomSeed(Some(seed)) => grants.random_seed_value(*seed),
        GrantArg::FsRead(dir) => grants.fs_read(dir.clone().unwrap_or_else(|| ".".into())),
        GrantArg::Env(name, Some(value)) => grants.env(name, value),
        GrantArg::Env(name, None) => match std::env::var(name) {
            Ok(value) => grants.env(name, value),
            Err(_) => grants,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_form() {
        assert_eq!("random-seed".parse(), Ok(GrantArg::RandomSeed(None)));
        assert_eq!("random-seed=7".parse(), Ok(GrantArg::RandomSeed(Some(7))));
        assert_eq!("fs-read".parse(), Ok(GrantArg::FsRead(None)));
        assert_eq!(
            "fs-read=/data".parse(),
            Ok(GrantArg::FsRead(Some("/data".into())))
        );
        assert_eq!("env=A".parse(), Ok(GrantArg::Env("A".into(), None)));
        assert_eq!(
            "env=A=b=c".parse(),
            Ok(GrantArg::Env("A".into(), Some("b=c".into())))
        );
    }

    #[test]
    fn rejects_bad_forms_with_what_is_valid() {
        let unknown = "network".parse::<GrantArg>().unwrap_err();
        assert!(
            unknown.contains("unknown capability `network`"),
            "{unknown}"
        );
        assert!(unknown.contains("random-seed"), "{unknown}");
        assert!(
            "env"
                .parse::<GrantArg>()
                .unwrap_err()
                .contains("variable name")
        );
        assert!(
            "env==x"
                .parse::<GrantArg>()
                .unwrap_err()
                .contains("variable name")
        );
        assert!(
            "random-seed=x"
                .parse::<GrantArg>()
                .unwrap_err()
                .contains("decimal")
        );
    }
}
