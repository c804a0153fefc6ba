//! The capability manifest of a procbox macro component: what a macro declares in `Cargo.toml` under
//! `[package.metadata.procbox]`, and its form in the component's
//! `procbox-manifest` custom section.
//!
//! ```toml
//! [package.metadata.procbox]
//! capabilities = ["random-seed", "fs-read", "env"]
//! env = ["CARGO_PKG_NAME"]      # the variables `env` exposes
//! ```
//!
//! `procbox-ld` reads it when it links a macro and embeds it; `procbox-host`
//! reads it back from the component.

#![warn(missing_docs)]

use serde::{Deserialize, Serialize};

/// The name of the custom section holding the manifest.
pub const SECTION: &str = procbox_protocol::world::MANIFEST_SECTION;

/// The version of the section's format.
pub const FORMAT: u32 = 1;

pub use procbox_protocol::Capability;
pub use procbox_protocol::world::UNDECLARED_PREFIX;

/// What a macro component declares.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    /// The format version ([`FORMAT`]).
    pub version: u32,
    /// Declared capabilities, sorted, without duplicates.
    #[serde(with = "capability_names")]
    pub capabilities: Vec<Capability>,
    /// Environment variables exposed by `env`.
    #[serde(default)]
    pub env: Vec<String>,
    /// Where the component was built from, when `procbox port` built it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provenance: Option<Provenance>,
}

/// What a ported component was built from, so that a reviewer can rebuild it
/// and compare hashes: `[package.metadata.procbox.provenance]`, written by
/// `procbox port`.
///
/// ```toml
/// [package.metadata.procbox.provenance]
/// crate = "serde_derive"
/// version = "1.0.228"
/// source = "crates.io"
/// checksum = "…"        # SHA-256 of the published .crate (or of the tree, for a path)
/// lockfile = "…"        # SHA-256 of the Cargo.lock the build used
/// rustc = "rustc 1.99.1 (…)"
/// procbox = "0.1.0"
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Provenance {
    /// The ported crate's name.
    #[serde(rename = "crate")]
    pub crate_name: String,
    /// Its version.
    pub version: String,
    /// `crates.io`, or `path` for a local directory.
    pub source: String,
    /// SHA-256 of the source: the published `.crate` file, or the files of
    /// a local directory (see `procbox port`).
    pub checksum: String,
    /// SHA-256 of the `Cargo.lock` the build used: the dependencies' versions.
    pub lockfile: String,
    /// `rustc --version` of the toolchain that built it.
    pub rustc: String,
    /// The version of procbox that ported it.
    pub procbox: String,
}

impl Provenance {
    const KEYS: [&str; 7] = [
        "crate", "version", "source", "checksum", "lockfile", "rustc", "procbox",
    ];

    fn from_table(table: &toml::Table) -> Result<Provenance, String> {
        let keys = Provenance::KEYS.join(", ");
        for key in table.keys() {
            if !Provenance::KEYS.contains(&key.as_str()) {
                return Err(format!(
                    "unknown key `{key}` in [package.metadata.procbox.provenance]; valid keys: {keys}"
                ));
            }
        }
        let field = |key: &str| -> Result<String, String> {
            table
                .get(key)
                .and_then(|value| value.as_str())
                .map(str::to_owned)
                .ok_or_else(|| {
                    format!("[package.metadata.procbox.provenance] needs `{key}`, a string (keys: {keys})")
                })
        };
        Ok(Provenance {
            crate_name: field("crate")?,
            version: field("version")?,
            source: field("source")?,
            checksum: field("checksum")?,
            lockfile: field("lockfile")?,
            rustc: field("rustc")?,
            procbox: field("procbox")?,
        })
    }
}

impl Manifest {
    /// Reads `[package.metadata.procbox]` from the text of a `Cargo.toml`.
    /// No such table means no capabilities. Errors say what is valid.
    pub fn from_cargo_toml(text: &str) -> Result<Manifest, String> {
        let doc: toml::Table = text
            .parse()
            .map_err(|e| format!("it is not valid TOML: {e}"))?;
        let Some(table) = doc
            .get("package")
            .and_then(|p| p.get("metadata"))
            .and_then(|m| m.get("procbox"))
        else {
            return Ok(Manifest::none());
        };
        let table = table
            .as_table()
            .ok_or("[package.metadata.procbox] must be a table")?;
        let valid = Capability::ALL.map(Capability::name).join(", ");
        let mut manifest = Manifest::none();
        for (key, value) in table {
            match key.as_str() {
                "capabilities" => {
                    let list = value.as_array().ok_or_else(|| {
                        format!("`capabilities` must be a list of names, e.g. [\"random-seed\"]; valid names: {valid}")
                    })?;
                    for item in list {
                        let name = item.as_str().ok_or_else(|| {
                            format!("`capabilities` holds {item}, which is not a name; valid names: {valid}")
                        })?;
                        let capability: Capability = name.parse().map_err(|e| format!("{e}"))?;
                        manifest.capabilities.push(capability);
                    }
                }
                "env" => {
                    let list = value.as_array().ok_or(
                        "`env` must be a list of variable names, e.g. [\"CARGO_PKG_NAME\"]",
                    )?;
                    for item in list {
                        let name = item.as_str().filter(|n| valid_var(n)).ok_or_else(|| {
                            format!("`env` holds {item}, which is not an environment variable name")
                        })?;
                        manifest.env.push(name.to_owned());
                    }
                }
                "provenance" => {
                    let table = value
                        .as_table()
                        .ok_or("[package.metadata.procbox.provenance] must be a table")?;
                    manifest.provenance = Some(Provenance::from_table(table)?);
                }
                other => {
                    return Err(format!(
                        "unknown key `{other}` in [package.metadata.procbox]; valid keys: capabilities, env, provenance"
                    ));
                }
            }
        }
        manifest.capabilities.sort();
        manifest.capabilities.dedup();
        manifest.env.sort();
        manifest.env.dedup();
        // `env` and the variable list go together.
        let declares_env = manifest.capabilities.contains(&Capability::Env);
        if declares_env == manifest.env.is_empty() {
            return Err(if declares_env {
                "the `env` capability needs `env = [...]`, the variables it may read".into()
            } else {
                "`env = [...]` lists variables, but the `env` capability is not declared".into()
            });
        }
        Ok(manifest)
    }

    /// No capabilities.
    pub const fn none() -> Manifest {
        Manifest {
            version: FORMAT,
            capabilities: Vec::new(),
            env: Vec::new(),
            provenance: None,
        }
    }

    /// Whether a WASI import (`wasi:cli/environment@0.2.6`) is allowed: by
    /// the declared capabilities, or because every component may import it
    /// ([`world::AMBIENT`](procbox_protocol::world::AMBIENT): std's
    /// `HashMap` seed). Imports of the procbox world itself always are.
    pub fn allows(&self, import: &str) -> bool {
        procbox_protocol::world::is_ambient(import)
            || self.capabilities.iter().any(|c| c.allows(import))
    }

    /// The custom section's contents.
    pub fn encode(&self) -> Vec<u8> {
        serde_json::to_vec(self).unwrap_or_default()
    }

    /// Parses the custom section's contents.
    pub fn decode(bytes: &[u8]) -> Result<Manifest, String> {
        let manifest: Manifest = serde_json::from_slice(bytes)
            .map_err(|e| format!("the procbox-manifest section is malformed: {e}"))?;
        if manifest.version != FORMAT {
            return Err(format!(
                "the procbox-manifest section has format version {}, this procbox reads version {FORMAT}",
                manifest.version
            ));
        }
        Ok(manifest)
    }
}

/// Capabilities in the section as their names (`"random-seed"`).
mod capability_names {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    use super::Capability;

    pub(super) fn serialize<S: Serializer>(
        capabilities: &[Capability],
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        let names: Vec<&str> = capabilities.iter().map(|c| c.name()).collect();
        names.serialize(serializer)
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Vec<Capability>, D::Error> {
        Vec::<String>::deserialize(deserializer)?
            .iter()
            .map(|name| name.parse().map_err(serde::de::Error::custom))
            .collect()
    }
}

fn valid_var(name: &str) -> bool {
    !name.is_empty() && !name.contains(['=', '\0'])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_table_means_no_capabilities() {
        let manifest = Manifest::from_cargo_toml("[package]\nname = \"m\"\n").expect("valid");
        assert_eq!(manifest, Manifest::none());
    }

    #[test]
    fn capabilities_and_env_are_read_sorted() {
        let text = "[package.metadata.procbox]\ncapabilities = [\"env\", \"random-seed\", \"env\"]\nenv = [\"B\", \"A\"]\n";
        let manifest = Manifest::from_cargo_toml(text).expect("valid");
        assert_eq!(
            manifest.capabilities,
            [Capability::RandomSeed, Capability::Env]
        );
        assert_eq!(manifest.env, ["A", "B"]);
        assert!(manifest.allows("wasi:cli/environment@0.2.6"));
        assert!(manifest.allows("wasi:random/insecure-seed@0.2.0"));
        assert!(!manifest.allows("wasi:cli/stdout@0.2.6"));
        assert_eq!(Manifest::decode(&manifest.encode()), Ok(manifest));
    }

    #[test]
    fn provenance_is_read_and_kept_in_the_section() {
        let text = "[package.metadata.procbox.provenance]\ncrate = \"m\"\nversion = \"1.0.0\"\n\
                    source = \"crates.io\"\nchecksum = \"ab\"\nlockfile = \"cd\"\n\
                    rustc = \"rustc 1.99.1\"\nprocbox = \"0.1.0\"\n";
        let manifest = Manifest::from_cargo_toml(text).expect("valid");
        let provenance = manifest.provenance.clone().expect("provenance");
        assert_eq!(provenance.crate_name, "m");
        assert_eq!(provenance.rustc, "rustc 1.99.1");
        assert!(manifest.capabilities.is_empty());
        assert_eq!(Manifest::decode(&manifest.encode()), Ok(manifest));
        // A section without provenance stays as it was.
        let plain = Manifest::none().encode();
        assert!(!String::from_utf8_lossy(&plain).contains("provenance"));
    }

    #[test]
    fn bad_manifests_say_what_is_valid() {
        for (text, expected) in [
            (
                "[package.metadata.procbox]\ncapabilities = [\"network\"]",
                "unknown capability `network`; valid names: random-seed, fs-read, env",
            ),
            (
                "[package.metadata.procbox]\ncapabilities = \"fs-read\"",
                "must be a list",
            ),
            (
                "[package.metadata.procbox]\ncapabilities = [3]",
                "not a name",
            ),
            (
                "[package.metadata.procbox]\ncapability = []",
                "unknown key `capability`",
            ),
            (
                "[package.metadata.procbox]\ncapabilities = [\"env\"]",
                "needs `env = [...]`",
            ),
            ("[package.metadata.procbox]\nenv = [\"A\"]", "not declared"),
            (
                "[package.metadata.procbox]\ncapabilities = [\"env\"]\nenv = [\"A=B\"]",
                "not an environment variable name",
            ),
            ("[package", "not valid TOML"),
        ] {
            let err = Manifest::from_cargo_toml(text).expect_err(text);
            assert!(err.contains(expected), "{text}: {err}");
        }
        assert!(Manifest::decode(b"{\"version\":2,\"capabilities\":[]}").is_err());
        let err = Manifest::from_cargo_toml(
            "[package.metadata.procbox.provenance]\ncrate = \"m\"\nversion = \"1\"",
        )
        .expect_err("incomplete");
        assert!(err.contains("needs `source`"), "{err}");
        assert!(Manifest::decode(b"junk").is_err());
    }
}
