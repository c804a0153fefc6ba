//! `fs-read` and `env`, granted: reads inside the preopened directory work;
//! escapes, writes and unlisted variables fail inside the guest, which
//! reports why.

use std::path::{Path, PathBuf};

use procbox_host::{Capability, Error, Grants, MacroComponent};
use procbox_tests::{component, tokens};

/// A temp dir with `data/` (granted, holding `greeting.txt` and a symlink
/// pointing out) next to `secret.txt` (not granted).
struct Fixture {
    _root: tempfile::TempDir,
    data: PathBuf,
    secret: PathBuf,
}

fn fixture() -> Fixture {
    let root = tempfile::tempdir().expect("tempdir");
    let data = root.path().join("data");
    std::fs::create_dir(&data).expect("mkdir");
    std::fs::write(data.join("greeting.txt"), "hello from data").expect("write");
    let secret = root.path().join("secret.txt");
    std::fs::write(&secret, "the secret").expect("write");
    std::os::unix::fs::symlink(&secret, data.join("link-out")).expect("symlink");
    let data = data.canonicalize().expect("canonical");
    let secret = secret.canonicalize().expect("canonical");
    Fixture {
        _root: root,
        data,
        secret,
    }
}

fn granted(fixture: &Fixture) -> MacroComponent {
    let grants = Grants::new()
        .fs_read(&fixture.data)
        .env("DATA_DIR", fixture.data.display().to_string())
        .env("NOT_LISTED", "hidden");
    component("reads_file")
        .with_grants(&grants)
        .expect("grants")
}

fn call(component: &MacroComponent, name: &str, arg: &str) -> String {
    let out = component
        .expand_function(name, &tokens(arg))
        .expect("expands");
    let text = out.tokens.to_string();
    syn::parse_str::<syn::LitStr>(&text)
        .expect("a string literal")
        .value()
}

fn quoted(path: &Path) -> String {
    format!("{:?}", path.display().to_string())
}

#[test]
fn not_granted_stops_before_the_guest_runs() {
    let err = component("reads_file")
        .expand_function("read_text", &tokens("\"/etc/passwd\""))
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::NotGranted {
                capability: Capability::FsRead,
                ..
            }
        ),
        "{err:?}"
    );
}

#[test]
fn reads_inside_the_grant_work_at_their_absolute_path() {
    let fixture = fixture();
    let reads = granted(&fixture);
    assert_eq!(
        call(
            &reads,
            "read_text",
            &quoted(&fixture.data.join("greeting.txt"))
        ),
        "hello from data"
    );
    assert_eq!(
        call(&reads, "read_data", "\"greeting.txt\""),
        "hello from data"
    );
    for _ in 0..20 {
        assert_eq!(
            call(&reads, "read_data", "\"greeting.txt\""),
            "hello from data"
        );
    }
}

#[test]
fn escapes_fail_inside_the_guest() {
    let fixture = fixture();
    let reads = granted(&fixture);
    let attempts = [
        quoted(&fixture.data.join("..").join("secret.txt")),
        quoted(&fixture.secret),
        "\"/etc/passwd\"".to_owned(),
        quoted(&fixture.data.join("link-out")),
    ];
    for attempt in attempts {
        let got = call(&reads, "read_text", &attempt);
        assert!(got.starts_with("error: "), "{attempt} was readable: {got}");
        assert!(!got.contains("the secret"), "{attempt}: {got}");
    }
}

#[test]
fn writes_and_deletes_fail_inside_the_guest() {
    let fixture = fixture();
    let reads = granted(&fixture);
    let inside = fixture.data.join("new.txt");
    assert!(call(&reads, "write_text", &quoted(&inside)).starts_with("error: "));
    assert!(!inside.exists());
    let existing = fixture.data.join("greeting.txt");
    assert!(call(&reads, "write_text", &quoted(&existing)).starts_with("error: "));
    assert!(call(&reads, "remove_file", &quoted(&existing)).starts_with("error: "));
    assert_eq!(
        std::fs::read_to_string(existing).expect("still there"),
        "hello from data"
    );
}

#[test]
fn only_listed_variables_are_visible() {
    let fixture = fixture();
    let reads = granted(&fixture);
    assert_eq!(
        call(&reads, "env_var", "DATA_DIR"),
        fixture.data.display().to_string()
    );
    assert_eq!(call(&reads, "env_var", "NOT_LISTED"), "unset");
    assert_eq!(call(&reads, "env_var", "HOME"), "unset");
}

#[test]
fn a_missing_grant_directory_is_an_error_naming_it() {
    let err = component("reads_file")
        .with_grants(&Grants::new().fs_read("/no/such/dir").env("DATA_DIR", "x"))
        .unwrap_err();
    assert!(
        matches!(&err, Error::Io { path, .. } if path.ends_with("no/such/dir")),
        "{err:?}"
    );
}

#[test]
fn the_manifest_dir_grant_is_the_consuming_crates_directory() {
    // cargo sets CARGO_MANIFEST_DIR for test processes: this crate's directory.
    let expected = Path::new(env!("CARGO_MANIFEST_DIR"))
        .canonicalize()
        .expect("canonical");
    let grants = Grants::new()
        .fs_read_manifest_dir()
        .env("DATA_DIR", expected.display().to_string());
    let reads = component("reads_file")
        .with_grants(&grants)
        .expect("grants");
    assert_eq!(reads.grants().fs_read_dir(), Some(expected.as_path()));
    let manifest = call(&reads, "read_data", "\"Cargo.toml\"");
    assert!(manifest.contains("name = \"procbox-tests\""), "{manifest}");
}
