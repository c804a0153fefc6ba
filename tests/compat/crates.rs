//! The crates of the matrix: how a project depends on each (the facade
//! crate, with the feature that brings the macro in), and the differences
//! that are understood and documented.

/// One proc-macro crate.
pub struct Crate {
    /// The proc-macro crate's name, as `procbox sandbox` takes it.
    pub name: &'static str,
    /// The corpus project's `[dependencies]`.
    pub dependencies: &'static str,
    /// The environment variables it reads (declared with the `env`
    /// capability and granted from the build's environment).
    pub env: &'static [&'static str],
    /// Whether it reads files of the crate being compiled (the `fs-read`
    /// capability, granted the crate's directory).
    pub fs_read: bool,
}

/// Among the most-downloaded proc-macro crates on crates.io.
pub const CRATES: &[Crate] = &[
    Crate {
        name: "serde_derive",
        dependencies: "serde = { version = \"1\", features = [\"derive\"] }",
        env: &[],
        fs_read: false,
    },
    Crate {
        name: "thiserror-impl",
        dependencies: "thiserror = \"2\"",
        env: &[],
        fs_read: false,
    },
    Crate {
        name: "async-trait",
        dependencies: "async-trait = \"0.1\"",
        env: &[],
        fs_read: false,
    },
    Crate {
        name: "tokio-macros",
        dependencies: "tokio = { version = \"1\", features = [\"macros\", \"rt\"] }",
        env: &[],
        fs_read: false,
    },
    Crate {
        name: "pin-project-internal",
        dependencies: "pin-project = \"1\"",
        env: &[],
        fs_read: false,
    },
    Crate {
        name: "clap_derive",
        dependencies: "clap = { version = \"4\", features = [\"derive\"] }",
        env: &[
            "CARGO_PKG_NAME",
            "CARGO_PKG_VERSION",
            "CARGO_PKG_DESCRIPTION",
            "CARGO_PKG_AUTHORS",
        ],
        fs_read: false,
    },
    Crate {
        name: "strum_macros",
        dependencies: "strum = { version = \"0.27\", features = [\"derive\"] }",
        env: &["STRUM_DEBUG"],
        fs_read: false,
    },
    Crate {
        name: "futures-macro",
        dependencies: "futures = \"0.3\"",
        env: &[],
        fs_read: false,
    },
    Crate {
        name: "tracing-attributes",
        dependencies: "tracing = \"0.1\"",
        env: &[],
        fs_read: false,
    },
    Crate {
        name: "derive_more-impl",
        dependencies: "derive_more = { version = \"2\", features = [\"full\"] }",
        env: &[],
        fs_read: false,
    },
    Crate {
        name: "num_enum_derive",
        dependencies: "num_enum = \"0.7\"",
        // proc-macro-crate: the consuming crate's Cargo.toml, for the name
        // `num_enum` has there.
        env: &["CARGO_MANIFEST_DIR"],
        fs_read: true,
    },
    Crate {
        name: "zerocopy-derive",
        dependencies: "zerocopy = { version = \"0.8\", features = [\"derive\"] }",
        env: &[],
        fs_read: false,
    },
    Crate {
        name: "bytemuck_derive",
        dependencies: "bytemuck = { version = \"1\", features = [\"derive\"] }",
        env: &[],
        fs_read: false,
    },
    Crate {
        name: "prost-derive",
        dependencies: "prost = \"0.14\"",
        env: &[],
        fs_read: false,
    },
    Crate {
        name: "darling_macro",
        dependencies: "darling = \"0.21\"\nsyn = \"2\"",
        env: &[],
        fs_read: false,
    },
    Crate {
        name: "serde_with_macros",
        dependencies: "serde = { version = \"1\", features = [\"derive\"] }\nserde_with = { version = \"3\", default-features = false, features = [\"macros\"] }",
        env: &[],
        fs_read: false,
    },
    Crate {
        name: "displaydoc",
        dependencies: "displaydoc = \"0.2\"",
        env: &[],
        fs_read: false,
    },
    Crate {
        name: "paste",
        dependencies: "paste = \"1\"",
        env: &[],
        fs_read: false,
    },
    Crate {
        name: "async-stream-impl",
        dependencies: "async-stream = \"0.3\"\nfutures-core = \"0.3\"",
        env: &[],
        fs_read: false,
    },
    Crate {
        name: "time-macros",
        dependencies: "time = { version = \"0.3\", features = [\"macros\"] }",
        env: &[],
        fs_read: false,
    },
    Crate {
        name: "rustversion",
        dependencies: "rustversion = \"1\"",
        env: &[],
        fs_read: false,
    },
    Crate {
        name: "indoc",
        dependencies: "indoc = \"2\"",
        env: &[],
        fs_read: false,
    },
    Crate {
        name: "serde_repr",
        dependencies: "serde_repr = \"0.1\"\nserde = \"1\"",
        env: &[],
        fs_read: false,
    },
    Crate {
        name: "ref-cast-impl",
        dependencies: "ref-cast = \"1\"",
        env: &[],
        fs_read: false,
    },
    Crate {
        name: "derive-new",
        dependencies: "derive-new = \"0.7\"",
        env: &[],
        fs_read: false,
    },
    // Edition 2015, and its entry attribute inside `cfg_attr`.
    Crate {
        name: "derivative",
        dependencies: "derivative = \"2\"",
        env: &[],
        fs_read: false,
    },
];

/// Differences understood, with the reason the table gives.
pub const KNOWN: &[(&str, &str)] = &[(
    "strum_macros",
    "it reads `STRUM_DEBUG`, so the shim adds \
         `const _: Option<&str> = option_env!(\"STRUM_DEBUG\");` after the output: rustc then lists \
         the variable in its dep-info and cargo expands again when it changes (the native macro \
         reads it without telling cargo). The rest is identical",
)];
