//! Components linked by procbox-ld import exactly the procbox world and their
//! declared capabilities, carry their manifest, and the host rejects one whose
//! imports and manifest disagree.

use procbox_host::{Capability, Error, Grants, Host, Manifest};
use procbox_tests::{component, guest_build, tokens, wasm};
use wit_component::DecodedWasm;

/// The interfaces a component imports, as `wasm-tools component wit` shows
/// them, decoded with wit-component.
fn imported_interfaces(crate_name: &str) -> Vec<String> {
    let bytes = std::fs::read(wasm(crate_name)).expect("read component");
    let DecodedWasm::Component(resolve, world) = wit_component::decode(&bytes).expect("decodes")
    else {
        panic!("{crate_name} is not a component");
    };
    let mut names: Vec<String> = resolve.worlds[world]
        .imports
        .keys()
        .map(|key| resolve.name_world_key(key))
        .collect();
    names.sort();
    names
}

#[test]
fn a_macro_declaring_nothing_imports_only_the_procbox_world_and_the_ambient_seed() {
    let world = [
        "procbox:proc-macro/panics@0.1.0",
        "procbox:proc-macro/spans@0.1.0",
        "procbox:proc-macro/types@0.1.0",
    ];
    assert_eq!(imported_interfaces("json_derive"), world);
    // `misbehave` uses a `HashMap`: the seed's interface is imported, in the
    // open (`wasm-tools component wit` lists it), without a declaration.
    let misbehave = imported_interfaces("misbehave");
    let (wasi, procbox): (Vec<&String>, Vec<&String>) =
        misbehave.iter().partition(|i| i.starts_with("wasi:"));
    assert_eq!(procbox, world.iter().collect::<Vec<_>>());
    assert!(
        matches!(&wasi[..], [seed] if seed.starts_with("wasi:random/insecure-seed@0.2")),
        "{misbehave:?}"
    );
    for guest in ["json_derive", "misbehave"] {
        assert_eq!(
            component(guest).manifest(),
            Some(&Manifest::none()),
            "{guest}"
        );
    }
}

/// Identifiers in the order a `hash_order!` gives them.
fn hash_order(component: &procbox_host::MacroComponent) -> String {
    component
        .expand_function("hash_order", &tokens("a b c d e f g h i j k l m n o p"))
        .unwrap_or_else(|e| panic!("hash_order: {e}"))
        .tokens
        .to_string()
}

#[test]
fn hashed_collections_work_without_declaring_anything_and_stay_deterministic() {
    let undeclared = component("misbehave");
    let order = hash_order(&undeclared);
    assert_ne!(order, "a b c d e f g h i j k l m n o p", "not hashed?");
    for _ in 0..5 {
        assert_eq!(hash_order(&undeclared), order);
    }
    // The fixed seed: the same order as a macro declaring `random-seed`
    // granted the default.
    let seeded = component("seeded");
    let default = seeded
        .with_grants(&Grants::new().random_seed())
        .expect("grants");
    assert_eq!(hash_order(&default), order);
    // Declared and granted, another seed is another order; granted to a
    // macro that did not declare it, it changes nothing.
    let other = seeded
        .with_grants(&Grants::new().random_seed_value(7))
        .expect("grants");
    assert_ne!(hash_order(&other), order);
    let not_declared = undeclared
        .with_grants(&Grants::new().random_seed_value(7))
        .expect("grants");
    assert_eq!(hash_order(&not_declared), order);
}

#[test]
fn a_declared_capability_is_the_only_wasi_import() {
    let imports = imported_interfaces("seeded");
    let wasi: Vec<&String> = imports.iter().filter(|i| i.starts_with("wasi:")).collect();
    assert_eq!(wasi.len(), 1, "{imports:?}");
    assert!(
        wasi[0].starts_with("wasi:random/insecure-seed@0.2"),
        "{imports:?}"
    );
    let seeded = component("seeded");
    assert_eq!(
        seeded.manifest().map(|m| m.capabilities.as_slice()),
        Some(&[Capability::RandomSeed][..])
    );
}

#[test]
fn a_declared_capability_that_is_not_granted_stops_before_the_guest_runs() {
    let err = component("seeded")
        .expand_function("hash_order", &tokens("a b c"))
        .unwrap_err();
    let Error::NotGranted {
        name,
        capability,
        how,
        ..
    } = &err
    else {
        panic!("expected NotGranted, got {err:?}");
    };
    assert_eq!(
        (name.as_str(), *capability, *how),
        (
            "hash_order",
            Capability::RandomSeed,
            "Grants::random_seed()"
        )
    );
    assert!(
        err.to_string()
            .contains("grant it with `Grants::random_seed()`"),
        "{err}"
    );
    // Granting something else does not help.
    let other = component("seeded")
        .with_grants(&Grants::new().env("A", "b"))
        .expect("grants");
    assert!(matches!(
        other.expand_function("hash_order", &tokens("a")),
        Err(Error::NotGranted { .. })
    ));
}

#[test]
fn a_granted_seed_makes_hash_map_order_deterministic() {
    let input = tokens("alpha beta gamma delta epsilon zeta eta theta iota kappa");
    let seeded = component("seeded")
        .with_grants(&Grants::new().random_seed())
        .expect("grants");
    let first = seeded
        .expand_function("hash_order", &input)
        .expect("expands")
        .tokens
        .to_string();
    for _ in 0..20 {
        let again = seeded
            .expand_function("hash_order", &input)
            .expect("expands");
        assert_eq!(again.tokens.to_string(), first);
    }
    let mut words: Vec<&str> = first.split(' ').collect();
    words.sort();
    assert_eq!(words.len(), 10, "{first}");
}

#[test]
fn a_capability_granted_but_not_declared_gives_nothing() {
    let everything = Grants::new()
        .random_seed()
        .env("HOME", "/root")
        .fs_read(std::env::temp_dir());
    let misbehave = component("misbehave")
        .with_grants(&everything)
        .expect("grants");
    // The environment is ambient, but empty: `HOME` is granted, not
    // declared, so the macro does not see it.
    let home = misbehave
        .expand_function("reads_env", &tokens(""))
        .expect("the environment is ambient");
    assert_eq!(home.tokens.to_string(), "\"\"");
}

#[test]
fn a_component_whose_manifest_was_changed_is_rejected() {
    let bytes = std::fs::read(wasm("enum_from_file")).expect("read component");
    // procbox-ld appends the manifest as the last section: cut it off and
    // append one that declares nothing.
    let original = procbox_ld::embed_manifest(
        Vec::new(),
        component("enum_from_file").manifest().expect("manifest"),
    );
    assert!(bytes.ends_with(&original));
    let stripped = bytes[..bytes.len() - original.len()].to_vec();
    let host = Host::builder().no_cache().build().expect("host");

    let tampered = procbox_ld::embed_manifest(stripped.clone(), &Manifest::none());
    let err = host.load_bytes("tampered.wasm", &tampered).unwrap_err();
    let Error::BadComponent { reason, .. } = &err else {
        panic!("expected BadComponent, got {err:?}");
    };
    assert!(
        ["wasi:filesystem", "wasi:io", "wasi:cli/environment"]
            .iter()
            .any(|i| reason.contains(i))
            && reason.contains("manifest does not declare"),
        "{reason}"
    );

    let err = host.load_bytes("unlinked.wasm", &stripped).unwrap_err();
    assert!(
        matches!(&err, Error::BadComponent { reason, .. } if reason.contains("link the macro crate with procbox-ld")),
        "{err:?}"
    );
}

#[test]
fn procbox_ld_refuses_an_unknown_capability() {
    let output = guest_build(&["bad-manifest"]).output().expect("cargo runs");
    assert!(!output.status.success(), "linking must fail");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("unknown capability `network`; valid names: random-seed, fs-read, env"),
        "{stderr}"
    );
    assert!(stderr.contains("bad-manifest/Cargo.toml"), "{stderr}");
}
