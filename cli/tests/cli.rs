//! The `procbox` command, run as a user runs it, on the guest components the
//! test suite builds.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use procbox_tests::{wasm, workspace_root};

/// `procbox ARGS` with the test suite's cache, in `dir`.
fn procbox_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_procbox"))
        .args(args)
        .current_dir(dir)
        .env("PROCBOX_CACHE_DIR", procbox_tests::cache_dir())
        .output()
        .expect("cannot run procbox")
}

fn procbox(args: &[&str]) -> Output {
    procbox_in(workspace_root(), args)
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn path(p: &Path) -> &str {
    p.to_str().expect("UTF-8 path")
}

/// A user-facing failure: one `error:` line, no panic, no backtrace.
fn assert_clean_failure(output: &Output, expected: &str) {
    let err = stderr(output);
    assert!(!output.status.success(), "should fail: {err}");
    assert!(
        err.starts_with("error: ") || err.contains("\nerror: "),
        "{err}"
    );
    assert!(err.contains(expected), "expected {expected:?} in:\n{err}");
    // The host's own panic or backtrace would show these (a macro's panic
    // message is reported, as "macro `x` ... panicked at ...").
    for sign in ["thread '", "RUST_BACKTRACE", "stack backtrace"] {
        assert!(!err.contains(sign), "{err}");
    }
}

fn temp() -> tempfile::TempDir {
    tempfile::tempdir().expect("temp dir")
}

#[test]
fn inspect_lists_macros_capabilities_and_world() {
    let json_derive = wasm("json_derive");
    let output = procbox(&["inspect", path(&json_derive)]);
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(
        text.contains("derive         ToJson (helper attributes: json)"),
        "{text}"
    );
    assert!(text.contains("attribute      field_names"), "{text}");
    assert!(text.contains("function-like  json_literal"), "{text}");
    assert!(
        text.contains("(none: it can compute on its input and nothing else)"),
        "{text}"
    );
    assert!(text.contains("procbox:proc-macro/spans@0.1.0"), "{text}");
    let hash = procbox_tests::component("json_derive").hash().to_owned();
    assert!(text.contains(&format!("sha256: {hash}")), "{text}");
}

#[test]
fn inspect_json_is_for_tools() {
    let output = procbox(&["inspect", "--json", path(&wasm("enum_from_file"))]);
    assert!(output.status.success(), "{}", stderr(&output));
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    assert_eq!(
        json["capabilities"],
        serde_json::json!(["env:CARGO_MANIFEST_DIR", "fs-read"])
    );
    assert_eq!(json["macros"][0]["name"], "enum_from_file");
    assert_eq!(json["macros"][0]["kind"], "function-like");
    let imports = json["imports"].as_array().expect("imports");
    assert!(
        imports.iter().any(|i| i
            .as_str()
            .is_some_and(|i| i.starts_with("wasi:filesystem/preopens@"))),
        "{imports:?}"
    );
    assert_eq!(
        json["size"].as_u64(),
        Some(
            std::fs::metadata(wasm("enum_from_file"))
                .expect("wasm")
                .len()
        )
    );
}

#[test]
fn expand_prints_the_expanded_file() {
    let output = procbox(&[
        "expand",
        "--macro",
        path(&wasm("json_derive")),
        "examples/json-derive/sample.rs",
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    let file = syn::parse_file(&text).expect("the output is Rust");
    assert!(text.contains("impl ::tojson::ToJson for User"), "{text}");
    assert!(
        text.contains("#[derive(Debug)]"),
        "other derives stay: {text}"
    );
    assert!(!text.contains("ToJson)]"), "the derive is expanded: {text}");
    assert!(
        text.contains("pub const FIELD_NAMES: &'static [&'static str] = &[\"HOST\", \"PORT\"]"),
        "{text}"
    );
    assert!(!text.contains("json_literal!"), "{text}");
    assert!(
        text.contains(r#""{\"host\":\"localhost\",\"port\":8080,\"tags\":[\"a\",-1.5,null]}""#),
        "{text}"
    );
    // `location!` asked its span, which knows the file being expanded.
    let here = file
        .items
        .iter()
        .find_map(|item| match item {
            syn::Item::Const(c) if c.ident == "HERE" => Some(&c.expr),
            _ => None,
        })
        .expect("const HERE");
    let syn::Expr::Tuple(here) = &**here else {
        panic!("location! expands to a tuple: {text}");
    };
    let here: Vec<String> = here
        .elems
        .iter()
        .map(|e| quote::ToTokens::to_token_stream(e).to_string())
        .collect();
    assert_eq!(
        here,
        [
            r#""examples/json-derive/sample.rs""#,
            "29u32",
            "52u32",
            r#""here""#
        ]
    );
    assert!(file.items.len() > 4);
}

#[test]
fn expand_reports_errors_at_the_offending_token() {
    let dir = temp();
    std::fs::write(
        dir.path().join("bad.rs"),
        "#[derive(ToJson)]\nstruct A {\n    #[json(rename = 5)]\n    x: u8,\n}\n",
    )
    .expect("write");
    let output = procbox_in(
        dir.path(),
        &["expand", "-m", path(&wasm("json_derive")), "bad.rs"],
    );
    assert_eq!(output.status.code(), Some(1));
    let err = stderr(&output);
    assert!(
        err.contains("bad.rs:3:21: error: `rename` expects a string literal"),
        "{err}"
    );
    assert!(
        err.contains("3 |     #[json(rename = 5)]\n  |                     ^"),
        "{err}"
    );
    assert!(
        stdout(&output).contains("compile_error!"),
        "the expansion is still printed"
    );
}

#[test]
fn expand_reports_a_macro_failure_without_a_backtrace() {
    let dir = temp();
    std::fs::write(dir.path().join("p.rs"), "panics!(hello);\n").expect("write");
    let output = procbox_in(
        dir.path(),
        &["expand", "-m", path(&wasm("misbehave")), "p.rs"],
    );
    assert_clean_failure(&output, "macro `panics` in ");
    assert!(
        stderr(&output).contains("misbehave was given `hello`"),
        "{}",
        stderr(&output)
    );
    assert!(
        stderr(&output).contains("cannot expand p.rs"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn expand_tells_macros_the_file_they_expand() {
    let dir = temp();
    std::fs::write(dir.path().join("p.rs"), "const FILE: &str = file_of!(x);\n").expect("write");
    let output = procbox_in(
        dir.path(),
        &["expand", "-m", path(&wasm("misbehave")), "p.rs"],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        stdout(&output).contains(r#"const FILE: &str = "p.rs Some(\"p.rs\")";"#),
        "{}",
        stdout(&output)
    );
}

#[test]
fn expand_refuses_what_is_not_a_component() {
    let dir = temp();
    std::fs::write(dir.path().join("x.wasm"), b"not wasm at all").expect("write");
    std::fs::write(dir.path().join("a.rs"), "fn main() {}\n").expect("write");
    let output = procbox_in(dir.path(), &["expand", "-m", "x.wasm", "a.rs"]);
    assert_clean_failure(&output, "x.wasm is not a procbox macro component");
    assert!(
        !stderr(&output).contains("Compiling"),
        "nothing is compiled: {}",
        stderr(&output)
    );
    let output = procbox_in(dir.path(), &["expand", "-m", "missing.wasm", "a.rs"]);
    assert_clean_failure(&output, "cannot read macro component missing.wasm");
    std::fs::write(dir.path().join("broken.rs"), "fn main( {}\n").expect("write");
    let output = procbox_in(
        dir.path(),
        &["expand", "-m", path(&wasm("json_derive")), "broken.rs"],
    );
    assert_clean_failure(&output, "broken.rs:1:");
}

#[test]
fn expand_grants_only_what_is_asked() {
    let dir = temp();
    std::fs::write(
        dir.path().join("f.rs"),
        "#[derive(FieldIndex)]\nstruct S { a: u8, b: u8 }\n",
    )
    .expect("write");
    let seeded = wasm("field_index");
    let denied = procbox_in(dir.path(), &["expand", "-m", path(&seeded), "f.rs"]);
    assert_clean_failure(&denied, "random-seed");
    let granted = procbox_in(
        dir.path(),
        &[
            "expand",
            "-m",
            path(&seeded),
            "--grant",
            "random-seed",
            "f.rs",
        ],
    );
    assert!(granted.status.success(), "{}", stderr(&granted));
    let again = procbox_in(
        dir.path(),
        &[
            "expand",
            "-m",
            path(&seeded),
            "--grant",
            "random-seed",
            "f.rs",
        ],
    );
    assert_eq!(stdout(&granted), stdout(&again), "deterministic");
    let bad = procbox_in(
        dir.path(),
        &["expand", "-m", path(&seeded), "--grant", "network", "f.rs"],
    );
    assert_eq!(bad.status.code(), Some(2), "a usage error");
    assert!(
        stderr(&bad).contains("unknown capability `network`"),
        "{}",
        stderr(&bad)
    );
}

#[test]
fn review_fails_when_capabilities_grow() {
    let same = procbox(&[
        "review",
        path(&wasm("json_derive")),
        path(&wasm("json_derive")),
    ]);
    assert!(same.status.success(), "{}", stderr(&same));
    assert!(stdout(&same).contains("(identical)"), "{}", stdout(&same));
    assert!(stdout(&same).contains("no change in macros or capabilities"));

    let grew = procbox(&[
        "review",
        path(&wasm("json_derive")),
        path(&wasm("enum_from_file")),
    ]);
    assert_eq!(grew.status.code(), Some(2), "{}", stderr(&grew));
    let text = stdout(&grew);
    assert!(text.contains("+ capability `fs-read`"), "{text}");
    assert!(
        text.contains("+ capability `env:CARGO_MANIFEST_DIR`"),
        "{text}"
    );
    assert!(text.contains("- macro derive `ToJson`"), "{text}");
    assert!(
        text.contains("+ macro function-like `enum_from_file`"),
        "{text}"
    );

    let shrank = procbox(&[
        "review",
        "--json",
        path(&wasm("enum_from_file")),
        path(&wasm("json_derive")),
    ]);
    assert!(shrank.status.success(), "losing capabilities is fine");
    let json: serde_json::Value = serde_json::from_slice(&shrank.stdout).expect("JSON");
    assert_eq!(
        json["capabilities_removed"],
        serde_json::json!(["env:CARGO_MANIFEST_DIR", "fs-read"])
    );
    assert_eq!(json["capabilities_added"], serde_json::json!([]));
}

/// A copy of a guest under another name, as a project would vendor it.
#[test]
fn review_takes_the_component_a_shim_embeds() {
    let dir = temp();
    let made = procbox_in(
        dir.path(),
        &["shim", path(&wasm("json_derive")), "--out", "shim"],
    );
    assert!(made.status.success(), "{}", stderr(&made));
    // The shim holds the reviewed copy: the update is compared with it.
    let review = procbox_in(dir.path(), &["review", "shim", path(&wasm("field_index"))]);
    assert_eq!(review.status.code(), Some(2), "{}", stderr(&review));
    assert!(
        stdout(&review).contains("shim/json_derive.wasm -> "),
        "{}",
        stdout(&review)
    );
    assert!(stdout(&review).contains("+ capability `random-seed`"));

    let two = dir.path().join("two");
    std::fs::create_dir_all(&two).expect("mkdir");
    vendored(&two, "json_derive", "a");
    vendored(&two, "json_derive", "b");
    let unclear = procbox_in(dir.path(), &["review", "two", "shim"]);
    assert_clean_failure(&unclear, "two is a directory with 2 .wasm files");
}

fn vendored(dir: &Path, guest: &str, name: &str) -> PathBuf {
    let to = dir.join(format!("{name}.wasm"));
    std::fs::copy(wasm(guest), &to).expect("copy");
    to
}

#[test]
fn check_enforces_approvals_and_approve_records_them() {
    let dir = temp();
    // Version 1 of `mymacro` needs nothing; version 2 wants the file system.
    let v1 = vendored(dir.path(), "json_derive", "mymacro");
    let approve = procbox_in(dir.path(), &["approve", path(&v1)]);
    assert!(approve.status.success(), "{}", stderr(&approve));
    let file = std::fs::read_to_string(dir.path().join("procbox-approvals.toml")).expect("written");
    assert!(file.contains("[macros.mymacro]"), "{file}");
    assert!(
        procbox_in(dir.path(), &["check", path(&v1)])
            .status
            .success()
    );

    let v2 = vendored(dir.path(), "enum_from_file", "mymacro");
    let check = procbox_in(dir.path(), &["check", path(&v2)]);
    assert_clean_failure(&check, "macro component `mymacro` (");
    let err = stderr(&check);
    assert!(
        err.contains(
            "declares capability `fs-read`, which procbox-approvals.toml does not approve"
        ),
        "{err}"
    );
    assert!(err.contains("`env:CARGO_MANIFEST_DIR`"), "{err}");
    assert!(err.contains("procbox approve"), "says what to do: {err}");

    let approve = procbox_in(dir.path(), &["approve", path(&v2)]);
    assert!(
        stdout(&approve).contains("+ fs-read (newly approved)"),
        "{}",
        stdout(&approve)
    );
    let check = procbox_in(dir.path(), &["check", path(&v2)]);
    assert!(check.status.success(), "{}", stderr(&check));
    assert!(stdout(&check).contains("ok: mymacro (env:CARGO_MANIFEST_DIR, fs-read)"));
}

#[test]
fn a_broken_approvals_file_is_reported_and_kept() {
    let dir = temp();
    let approvals = dir.path().join("procbox-approvals.toml");
    std::fs::write(&approvals, "[macros.x]\ncapabilities = 3\n").expect("write");
    let v1 = vendored(dir.path(), "json_derive", "x");
    for command in ["approve", "check"] {
        let output = procbox_in(dir.path(), &[command, path(&v1)]);
        assert_clean_failure(
            &output,
            "procbox-approvals.toml is not a valid approvals file",
        );
    }
    assert_eq!(
        std::fs::read_to_string(&approvals).expect("still there"),
        "[macros.x]\ncapabilities = 3\n",
        "nothing lost"
    );
}

#[test]
fn shim_generates_a_proc_macro_crate() {
    let dir = temp();
    let out = dir.path().join("shim");
    let output = procbox_in(
        dir.path(),
        &["shim", path(&wasm("json_derive")), "--out", "shim"],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    let said = String::from_utf8_lossy(&output.stdout);
    // The path to paste into the consumer's Cargo.toml, whatever the
    // directory it is pasted from.
    let absolute = out.canonicalize().expect("the shim's directory");
    assert!(
        said.contains(&format!(
            "json-derive-shim = {{ path = \"{}\" }}",
            absolute.display()
        )),
        "{said}"
    );
    assert!(!said.contains("build-override"), "{said}");
    // How to have the shim itself built optimized.
    assert!(
        said.contains("[profile.dev.package.procbox-shim]\n  opt-level = 3"),
        "{said}"
    );
    let cargo = std::fs::read_to_string(out.join("Cargo.toml")).expect("Cargo.toml");
    assert!(cargo.contains("name = \"json-derive-shim\""), "{cargo}");
    assert!(cargo.contains("version = \"0.1.0\""), "{cargo}");
    assert!(cargo.contains("proc-macro = true"), "{cargo}");
    // Nothing but the runtime: no build script, no hashing crate.
    assert!(!cargo.contains("build-dependencies"), "{cargo}");
    assert!(!out.join("build.rs").exists());
    let shim_crate = workspace_root().join("shim").canonicalize().expect("shim/");
    assert!(
        cargo.contains(&format!(
            "procbox-shim = {{ path = \"{}\" }}",
            shim_crate.display()
        )),
        "{cargo}"
    );
    let lib = std::fs::read_to_string(out.join("src/lib.rs")).expect("lib.rs");
    syn::parse_file(&lib).expect("the shim is Rust");
    assert!(
        lib.contains("#[proc_macro_derive(ToJson, attributes(json))]"),
        "{lib}"
    );
    assert!(
        lib.contains("COMPONENT.attribute(\"field_names\", args, item)"),
        "{lib}"
    );
    assert!(
        lib.contains("pub fn json_literal(input: TokenStream)"),
        "{lib}"
    );
    assert!(
        lib.contains("fn grants() -> Grants {\n    Grants::new()\n}"),
        "{lib}"
    );
    assert!(
        lib.contains("include_bytes!(\"../json_derive.wasm\")"),
        "{lib}"
    );
    assert_eq!(
        std::fs::read(out.join("json_derive.wasm")).expect("embedded copy"),
        std::fs::read(wasm("json_derive")).expect("wasm")
    );
    // Regenerating over its own output is fine.
    let again = procbox_in(
        dir.path(),
        &["shim", path(&wasm("json_derive")), "--out", "shim"],
    );
    assert!(again.status.success(), "{}", stderr(&again));
}

#[test]
fn shim_can_stand_in_for_a_crates_io_crate() {
    let dir = temp();
    let output = procbox_in(
        dir.path(),
        &[
            "shim",
            path(&wasm("json_derive")),
            "--out",
            "serde_derive",
            "--name",
            "serde_derive",
            "--version",
            "1.0.228",
            "--features",
            "default,deserialize_in_place",
            "--timeout",
            "2.5",
        ],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(stdout(&output).contains("[patch.crates-io]\n  serde_derive = { path = "));
    let cargo =
        std::fs::read_to_string(dir.path().join("serde_derive/Cargo.toml")).expect("Cargo.toml");
    for line in [
        "name = \"serde_derive\"",
        "version = \"1.0.228\"",
        "[features]\ndefault = []\ndeserialize_in_place = []\n",
    ] {
        assert!(cargo.contains(line), "{line}: {cargo}");
    }
    let lib = std::fs::read_to_string(dir.path().join("serde_derive/src/lib.rs")).expect("lib.rs");
    assert!(
        lib.contains(".timeout(::std::time::Duration::from_millis(2500u64))"),
        "{lib}"
    );

    for (flag, value, expected) in [
        ("--version", "1.0", "`1.0` is not a version"),
        (
            "--name",
            "serde derive",
            "`serde derive` is not a package name",
        ),
        ("--features", "a b", "`a b` is not a feature name"),
        (
            "--timeout",
            "0",
            "--timeout must be a number of seconds above 0",
        ),
    ] {
        let output = procbox_in(
            dir.path(),
            &[
                "shim",
                path(&wasm("json_derive")),
                "--out",
                "x",
                flag,
                value,
            ],
        );
        assert_clean_failure(&output, expected);
    }
    assert!(
        !dir.path().join("x").exists(),
        "nothing written on a bad argument"
    );
}

#[test]
fn shim_can_embed_the_sandbox() {
    let dir = temp();
    let output = procbox_in(
        dir.path(),
        &[
            "shim",
            path(&wasm("json_derive")),
            "--out",
            "s",
            "--embedded",
        ],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        stdout(&output).contains(
            "[profile.dev.build-override]\n  opt-level = 3\n  \
             [profile.release.build-override]\n  opt-level = 3"
        ),
        "says how to optimize the sandbox in debug builds: {}",
        stdout(&output)
    );
    let cargo = std::fs::read_to_string(dir.path().join("s/Cargo.toml")).expect("Cargo.toml");
    assert!(cargo.contains(", features = [\"embedded\"] }"), "{cargo}");
}

#[test]
fn shim_grants_must_cover_declared_capabilities() {
    let dir = temp();
    let missing = procbox_in(
        dir.path(),
        &["shim", path(&wasm("enum_from_file")), "--out", "s"],
    );
    assert_clean_failure(
        &missing,
        "declares `fs-read`, `env`, which the shim would not grant",
    );
    assert!(
        stderr(&missing).contains("--grant fs-read --grant env=NAME"),
        "{}",
        stderr(&missing)
    );
    assert!(!dir.path().join("s").exists(), "nothing written");

    let granted = procbox_in(
        dir.path(),
        &[
            "shim",
            path(&wasm("enum_from_file")),
            "--out",
            "s",
            "--grant",
            "fs-read",
            "--grant",
            "env=CARGO_MANIFEST_DIR",
        ],
    );
    assert!(granted.status.success(), "{}", stderr(&granted));
    let lib = std::fs::read_to_string(dir.path().join("s/src/lib.rs")).expect("lib.rs");
    assert!(
        lib.contains(
            "Grants::new().fs_read_manifest_dir().env_from_environment(\"CARGO_MANIFEST_DIR\")"
        ),
        "{lib}"
    );
}

#[test]
fn shim_finds_the_consuming_projects_approvals() {
    // The approvals are in the project the shim goes into, not where
    // `procbox shim` runs.
    let dir = temp();
    let project = dir.path().join("project");
    std::fs::create_dir_all(&project).expect("mkdir");
    let approve = procbox_in(&project, &["approve", path(&wasm("json_derive"))]);
    assert!(approve.status.success(), "{}", stderr(&approve));
    let file = project
        .canonicalize()
        .expect("project")
        .join("procbox-approvals.toml");
    assert!(
        stdout(&approve).contains(&format!("recorded in {}", file.display())),
        "{}",
        stdout(&approve)
    );
    std::fs::write(&file, "[macros.field_index]\ncapabilities = []\n").expect("write");
    let elsewhere = dir.path().join("elsewhere");
    std::fs::create_dir_all(&elsewhere).expect("mkdir");
    let refused = procbox_in(
        &elsewhere,
        &[
            "shim",
            path(&wasm("field_index")),
            "--out",
            path(&project.join("macros").join("field-index-shim")),
            "--grant",
            "random-seed",
        ],
    );
    assert_clean_failure(&refused, "which ");
    assert!(
        stderr(&refused).contains(&format!("{} does not approve", file.display())),
        "{}",
        stderr(&refused)
    );
}

#[test]
fn shim_respects_approvals_and_other_peoples_files() {
    let dir = temp();
    std::fs::write(
        dir.path().join("procbox-approvals.toml"),
        "[macros.field_index]\ncapabilities = []\n",
    )
    .expect("write");
    let refused = procbox_in(
        dir.path(),
        &[
            "shim",
            path(&wasm("field_index")),
            "--out",
            "s",
            "--grant",
            "random-seed",
        ],
    );
    assert_clean_failure(&refused, "declares capability `random-seed`, which ");
    assert!(
        stderr(&refused).contains("/procbox-approvals.toml does not approve"),
        "{}",
        stderr(&refused)
    );

    std::fs::create_dir_all(dir.path().join("mine")).expect("mkdir");
    std::fs::write(
        dir.path().join("mine/Cargo.toml"),
        "[package]\nname = \"mine\"\n",
    )
    .expect("write");
    let clobber = procbox_in(
        dir.path(),
        &["shim", path(&wasm("json_derive")), "--out", "mine"],
    );
    assert_clean_failure(&clobber, "was not generated by `procbox shim`");
    assert_eq!(
        std::fs::read_to_string(dir.path().join("mine/Cargo.toml")).expect("kept"),
        "[package]\nname = \"mine\"\n"
    );
}

#[test]
fn the_first_load_says_it_is_compiling_and_later_ones_do_not() {
    let cache = temp();
    let run = || {
        Command::new(env!("CARGO_BIN_EXE_procbox"))
            .args(["-v", "inspect", path(&wasm("seeded"))])
            .env("PROCBOX_CACHE_DIR", cache.path())
            .output()
            .expect("cannot run procbox")
    };
    let first = run();
    assert!(first.status.success(), "{}", stderr(&first));
    assert!(
        stderr(&first).contains("Compiling macro component"),
        "{}",
        stderr(&first)
    );
    assert!(
        stderr(&first).contains("compiled, cached at"),
        "-v says where: {}",
        stderr(&first)
    );
    let second = run();
    assert!(second.status.success(), "{}", stderr(&second));
    assert!(
        !stderr(&second).contains("Compiling"),
        "{}",
        stderr(&second)
    );
    assert!(
        stderr(&second).contains("loaded from"),
        "{}",
        stderr(&second)
    );
}

/// `procbox ARGS` in `dir` with `PROCBOX_EXPANSIONS=expansions`.
fn procbox_recording(dir: &Path, expansions: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_procbox"))
        .args(args)
        .current_dir(dir)
        .env("PROCBOX_CACHE_DIR", procbox_tests::cache_dir())
        .env("PROCBOX_EXPANSIONS", expansions)
        .output()
        .expect("cannot run procbox")
}

#[test]
fn cache_commands_list_show_count_and_clear_recorded_expansions() {
    let dir = tempfile::tempdir().expect("tempdir");
    let expansions = dir.path().join("recorded");
    let expansions = path(&expansions);
    std::fs::write(
        dir.path().join("p.rs"),
        "#[derive(ToJson)]\nstruct A { x: i32 }\n\n#[derive(ToJson)]\nstruct B;\n",
    )
    .expect("write");
    let run = |args: &[&str]| procbox_recording(dir.path(), expansions, args);
    let expanded = run(&["expand", "-m", path(&wasm("json_derive")), "p.rs"]);
    assert!(expanded.status.success(), "{}", stderr(&expanded));

    let list = stdout(&run(&["cache", "list"]));
    assert_eq!(list.lines().count(), 2, "{list}");
    assert!(
        list.lines()
            .all(|l| l.starts_with("derive `ToJson`  p.rs:") && l.contains(".expansion")),
        "{list}"
    );
    let shown = stdout(&run(&["cache", "show", "ToJson"]));
    assert_eq!(shown.matches("procbox expansion 3\n").count(), 2, "{shown}");
    assert!(shown.contains("\nstruct A {\n    x: i32,\n}\n"), "{shown}");
    let missing = run(&["cache", "show", "Nothing"]);
    assert!(!missing.status.success());
    assert!(
        stderr(&missing).contains("no entry in"),
        "{}",
        stderr(&missing)
    );

    let stats = stdout(&run(&["cache", "stats"]));
    assert!(stats.contains("entries:   2 ("), "{stats}");
    assert!(stats.contains("  ToJson: 2 ("), "{stats}");
    // A damaged entry is listed as ignored, with why.
    let first = std::fs::read_dir(expansions)
        .expect("lists")
        .map(|e| e.expect("entry").path())
        .find(|p| p.extension().is_some_and(|e| e == "expansion"))
        .expect("an entry");
    let mut text = std::fs::read_to_string(&first).expect("reads");
    text.push_str("tampered\n");
    std::fs::write(&first, text).expect("write");
    let stats = stdout(&run(&["cache", "stats"]));
    assert!(
        stats.contains("ignored:   1") && stats.contains("the checksum does not match"),
        "{stats}"
    );

    let cleared = stdout(&run(&["cache", "clear"]));
    assert!(cleared.starts_with("removed 2 entries from "), "{cleared}");
    assert_eq!(stdout(&run(&["cache", "list"])), "");
    let off = procbox_recording(dir.path(), "off", &["cache", "list"]);
    assert!(!off.status.success());
    assert!(
        stderr(&off).contains("PROCBOX_EXPANSIONS=off"),
        "{}",
        stderr(&off)
    );
}
