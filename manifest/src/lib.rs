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
                other => {
                    return Err(format!(
                        "unknown key `{other}` in [package.metadata.procbox]; valid keys: capabilities, env"
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
        assert!(Manifest::decode(b"junk").is_err());
    }
}
