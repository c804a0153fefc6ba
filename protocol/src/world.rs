//! The names of the `procbox:proc-macro` world, as `wit/procbox.wit` defines
//! them, and the names procbox itself adds to a component.
//!
//! A host checks a component's imports and exports against these, and
//! `procbox-ld` decides with them which imports to keep; they are written
//! here once. (A test reads `wit/procbox.wit` to check they match.)

/// Expands to the world's package name, for use in `concat!`.
macro_rules! package {
    () => {
        "procbox:proc-macro"
    };
}

/// Expands to the world's version, for use in `concat!`.
macro_rules! version {
    () => {
        "0.1.0"
    };
}

/// The world's package: `procbox:proc-macro`.
pub const PACKAGE: &str = package!();

/// The world's version: `0.1.0`. A component built for another version is
/// refused, with a message saying to rebuild it.
pub const VERSION: &str = version!();

/// The start of the name of every interface of the world, of any version:
/// `procbox:proc-macro/`.
pub const INTERFACE_PREFIX: &str = concat!(package!(), "/");

/// The `types` interface, which has no functions.
pub const TYPES: &str = concat!(package!(), "/types@", version!());

/// The `spans` interface: span queries, which the host answers.
pub const SPANS: &str = concat!(package!(), "/spans@", version!());

/// The `panics` interface: how the guest reports a panic.
pub const PANICS: &str = concat!(package!(), "/panics@", version!());

/// The `macros` interface, which every macro component exports.
pub const MACROS: &str = concat!(package!(), "/macros@", version!());

/// The interfaces of the world a component imports, which the host itself
/// implements.
pub const IMPORTS: [&str; 3] = [TYPES, SPANS, PANICS];

/// The name prefix of the function `procbox-ld` puts in place of an import
/// the manifest does not declare
/// (`procbox-undeclared:wasi:cli/stdout@0.2.0#get-stdout`): it only traps,
/// and the host finds its name in the trap's backtrace.
pub const UNDECLARED_PREFIX: &str = "procbox-undeclared:";

/// The WASI interfaces every component may import without declaring
/// anything, and every host links with answers that reveal nothing about
/// the machine: `wasi:random/insecure-seed`, which std's `HashMap` and
/// `HashSet` ask for their `RandomState` keys, answers a fixed seed
/// ([`DEFAULT_SEED`](crate::DEFAULT_SEED)), so iteration order, and an
/// expansion that follows it, is the same on every run and machine.
pub const AMBIENT: [&str; 1] = ["wasi:random/insecure-seed"];

/// Whether `import` (`wasi:random/insecure-seed@0.2.6`: any version) is
/// one of the [`AMBIENT`] interfaces.
pub fn is_ambient(import: &str) -> bool {
    AMBIENT.contains(&import.split('@').next().unwrap_or(import))
}

/// The name of the custom section holding a component's capability manifest.
pub const MANIFEST_SECTION: &str = "procbox-manifest";

/// Whether `name` (an import or export, e.g.
/// `procbox:proc-macro/spans@0.1.0`) is an interface of this world, of any
/// version.
pub fn is_world_interface(name: &str) -> bool {
    name.starts_with(INTERFACE_PREFIX)
}

/// Whether `name` is an interface of this world, but of another version.
pub fn is_other_version(name: &str) -> bool {
    is_world_interface(name) && name.rsplit_once('@').is_none_or(|(_, v)| v != VERSION)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The WIT file is the boundary's single source of truth: these names
    /// must be the ones it defines.
    #[test]
    fn the_names_match_the_wit_file() {
        let wit =
            std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../wit/procbox.wit"))
                .expect("wit/procbox.wit");
        assert!(
            wit.contains(&format!("\npackage {PACKAGE}@{VERSION};\n")),
            "wit/procbox.wit does not declare package {PACKAGE}@{VERSION}"
        );
        for interface in [TYPES, SPANS, PANICS, MACROS] {
            let name = interface
                .strip_prefix(INTERFACE_PREFIX)
                .and_then(|rest| rest.split_once('@'))
                .map(|(name, _)| name)
                .expect("a world interface");
            assert!(
                wit.contains(&format!("\ninterface {name} {{")),
                "wit/procbox.wit has no interface `{name}`"
            );
        }
    }

    #[test]
    fn versions_are_told_apart() {
        assert!(is_world_interface(MACROS));
        assert!(!is_other_version(MACROS));
        assert!(is_other_version("procbox:proc-macro/macros@0.2.0"));
        assert!(is_other_version("procbox:proc-macro/macros"));
        assert!(!is_world_interface("wasi:cli/stdout@0.2.0"));
    }
}
