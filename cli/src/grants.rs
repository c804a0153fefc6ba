//! `--grant` arguments: the capabilities a user grants on the command line,
//! one [`Grant`] each (the model is `procbox_protocol::grants`).

use procbox_host::Grants;
use procbox_host::protocol::grants::{Dir, Grant};

/// The grants of `procbox expand`: `fs-read` defaults to the current
/// directory, `env` values to this process's environment (an unset variable
/// is not granted).
pub fn for_expand(args: &[Grant]) -> Grants {
    let here = Dir::Path(".".into());
    args.iter()
        .fold(Grants::new(), |grants, grant| grants.with(grant, &here))
}

/// The grants a generated shim fixes: `fs-read` defaults to the directory of
/// the crate being compiled, `env` values come from the build's
/// environment.
pub fn for_shim(args: &[Grant]) -> Grants {
    args.iter().fold(Grants::new(), |grants, grant| {
        grants.with(grant, &Dir::ManifestDir)
    })
}
