//! `procbox port`: an unmodified proc-macro crate, from crates.io or a
//! directory, made into a macro component. The steps, one module each: get
//! the source ([`source`]), rewrite a copy ([`cargo_toml`], [`rust_source`]),
//! build it ([`build`]); then say where the component is, what it declares
//! and what was changed.

mod build;
mod build_scripts;
mod cargo_toml;
mod rust_source;
mod source;
pub mod toolchain;

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, bail};
use procbox_host::{Capability, Provenance};

use crate::describe::Description;
use crate::load::Loader;
use cargo_toml::ProcMacro2;

pub use source::Source;

/// The file in a port's directory that holds the changes.
const DIFF_FILE: &str = "port.diff";

/// The file that marks a directory as a port's: `--out` is only replaced
/// when it holds it (written first, so a failed port can be run again).
const MARKER: &str = ".procbox-port";

/// Arguments of `procbox port`.
#[derive(clap::Args)]
pub struct PortArgs {
    /// The crate on crates.io, `NAME` (the newest version) or `NAME@VERSION`.
    #[arg(
        required_unless_present = "path",
        conflicts_with = "path",
        value_name = "NAME[@VERSION]"
    )]
    pub krate: Option<String>,
    /// Port the crate in this directory instead.
    #[arg(long, value_name = "DIR")]
    pub path: Option<PathBuf>,
    /// Cargo features to build the crate with, comma-separated.
    #[arg(long, value_delimiter = ',')]
    pub features: Vec<String>,
    /// Build without the crate's default features.
    #[arg(long)]
    pub no_default_features: bool,
    #[command(flatten)]
    pub declare: Declare,
    /// Where to put the port: the rewritten crate (`source/`), the component
    /// and the diff [default: `procbox-port/NAME-VERSION`].
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// The target directory of the build [default: `target/` in `--out`].
    #[arg(long, value_name = "DIR")]
    pub target_dir: Option<PathBuf>,
    /// `procbox-ld` [default: next to this `procbox`, else on `PATH`].
    #[arg(long, value_name = "PATH")]
    pub linker: Option<PathBuf>,
    /// The procbox source tree, whose `guest-sdk/` the port depends on
    /// [default: the tree this binary was built from].
    #[arg(long, default_value = concat!(env!("CARGO_MANIFEST_DIR"), "/.."), hide_default_value = true)]
    pub procbox_path: PathBuf,
}

/// What a port declares in its manifest (nothing by default).
#[derive(clap::Args, Clone, Default)]
pub struct Declare {
    /// Declare a capability the macro needs: `random-seed`, `fs-read` or
    /// `env` (with `--env`). Nothing by default.
    #[arg(long = "capability", value_name = "CAPABILITY")]
    pub capabilities: Vec<Capability>,
    /// With `--capability env`: a variable it may read (repeat).
    #[arg(long = "env", value_name = "NAME")]
    pub env: Vec<String>,
}

/// A finished port.
pub struct Ported {
    /// Where it came from.
    pub source: Source,
    /// The component, in the port's directory.
    pub component: PathBuf,
    /// The changes, as a unified diff.
    pub diff: String,
    /// Reads in the code that need a capability: `file:line: what`.
    pub needs: Vec<String>,
    /// The port's directory.
    pub dir: PathBuf,
    /// What the user should know about how it was built, one sentence each.
    pub warnings: Vec<String>,
}

/// `procbox port`.
pub fn run(loader: &Loader, args: &PortArgs) -> anyhow::Result<ExitCode> {
    let ported = port(args, Path::new("procbox-port"))?;
    for warning in &ported.warnings {
        eprintln!("warning: {warning}");
    }
    let component = loader.load(&ported.component)?;
    let description = Description::of(&ported.component, &component);
    print!("{}", report(&ported, &description));
    Ok(ExitCode::SUCCESS)
}

/// Ports the crate `args` names; the default `--out` is under `default_root`.
pub fn port(args: &PortArgs, default_root: &Path) -> anyhow::Result<Ported> {
    let procbox_tree = args.procbox_path.canonicalize().with_context(|| {
        format!(
            "the procbox source tree {} is not there: pass --procbox-path",
            args.procbox_path.display()
        )
    })?;
    let sdk = procbox_tree.join("guest-sdk");
    if !sdk.join("Cargo.toml").is_file() {
        bail!(
            "the procbox SDK is not at {}: pass --procbox-path, the procbox source tree",
            sdk.display()
        );
    }
    let toolchain = toolchain::Toolchain::pinned_by(&procbox_tree);
    let linker = match &args.linker {
        Some(linker) => linker.clone(),
        None => find_linker()?,
    };
    let declared = declared(&args.declare)?;

    let scratch = default_root.join(".probe");
    let source = match (&args.krate, &args.path) {
        (_, Some(path)) => source::local(path)?,
        (Some(spec), None) => {
            let (name, version) = match spec.split_once('@') {
                Some((name, version)) => (name, Some(version)),
                None => (spec.as_str(), None),
            };
            source::published(&toolchain, name, version, &scratch)?
        }
        (None, None) => bail!("name a crate (NAME or NAME@VERSION) or give --path DIR"),
    };
    let _ = std::fs::remove_dir_all(&scratch);
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| default_root.join(format!("{}-{}", source.name, source.version)));
    prepare_out(&out)?;
    std::fs::create_dir_all(&out).with_context(|| format!("cannot create {}", out.display()))?;
    write(
        &out.join(MARKER),
        "A port made by `procbox port`: it replaces this directory when it runs again.\n",
    )?;
    let out = out
        .canonicalize()
        .with_context(|| format!("cannot resolve {}", out.display()))?;
    let crate_dir = out.join("source");
    source::copy(&source.dir, &crate_dir)?;
    let tree = link_tree(&crate_dir, &procbox_tree)?;

    let mut diff = String::new();
    let label = format!("{} {}", source.name, source.version);
    let manifest_path = crate_dir.join("Cargo.toml");
    let original_manifest = std::fs::read_to_string(&manifest_path)
        .with_context(|| format!("cannot read {}", manifest_path.display()))?;
    let mut provenance = Provenance {
        crate_name: source.name.clone(),
        version: source.version.clone(),
        source: source.kind.to_owned(),
        checksum: source.checksum.clone(),
        lockfile: String::new(),
        rustc: toolchain.rustc_version(&crate_dir)?,
        procbox: env!("CARGO_PKG_VERSION").to_owned(),
    };
    // Written twice: the lockfile's hash goes into the manifest once the
    // lockfile is resolved (which the manifest's metadata does not change).
    let write_manifest =
        |provenance: &Provenance, proc_macro2: ProcMacro2| -> anyhow::Result<(String, String)> {
            let (manifest, lib_name) = cargo_toml::port(
                &original_manifest,
                &manifest_path,
                &tree.join("guest-sdk"),
                &declared,
                provenance,
                proc_macro2,
            )?;
            write(&manifest_path, &manifest)?;
            Ok((manifest, lib_name))
        };
    let mut proc_macro2 = ProcMacro2::Procbox;
    let (_, lib_name) = write_manifest(&provenance, proc_macro2)?;

    let needs = rewrite_sources(&crate_dir, &label, &mut diff)?;

    let target_dir = match &args.target_dir {
        Some(dir) => {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("cannot create {}", dir.display()))?;
            dir.canonicalize()
                .with_context(|| format!("cannot resolve {}", dir.display()))?
        }
        None => out.join("target"),
    };
    let build = build::Build {
        toolchain: &toolchain,
        linker: &linker,
        dir: &crate_dir,
        target_dir: &target_dir,
        procbox_tree: &procbox_tree,
        remapped_name: &label.replace(' ', "-"),
    };
    let seed = procbox_tree.join("Cargo.lock");
    let in_context = |e: anyhow::Error| anyhow::anyhow!("{label} {e}");
    provenance.lockfile = build.lock(Some(&seed), proc_macro2).map_err(in_context)?;
    let mut warnings = Vec::new();
    let build_scripts = build
        .build_scripts_using_proc_macro2(&args.features, args.no_default_features)
        .map_err(in_context)?;
    if !build_scripts.is_empty() {
        proc_macro2 = ProcMacro2::CratesIo;
        write_manifest(&provenance, proc_macro2)?;
        provenance.lockfile = build.lock(Some(&seed), proc_macro2).map_err(in_context)?;
        warnings.push(format!(
            "{label} builds with crates.io's proc-macro2, not procbox's: the build scripts of {} \
             use proc-macro2, and procbox's (patched in for the whole build) works natively only \
             inside a proc macro. Its spans answer as crates.io's do outside rustc (`join` is \
             `Some`, `resolved_at` and `located_at` keep no hygiene), so an error the macro \
             reports may point elsewhere than natively (docs/COMPATIBILITY.md)",
            build_scripts.join(", ")
        ));
    }
    let (manifest, _) = write_manifest(&provenance, proc_macro2)?;
    diff.insert_str(0, &unified("Cargo.toml", &original_manifest, &manifest));

    let built = build
        .build(&lib_name, &args.features, args.no_default_features)
        .map_err(|e| anyhow::anyhow!("{label} {e}"))?;
    let component = out.join(format!("{lib_name}.wasm"));
    std::fs::copy(&built, &component)
        .with_context(|| format!("cannot copy {} to {}", built.display(), component.display()))?;
    write(&out.join(DIFF_FILE), &diff)?;
    Ok(Ported {
        source,
        component,
        diff,
        needs,
        dir: out,
        warnings,
    })
}

/// The name of the link to the procbox tree in a port's crate directory.
const TREE_LINK: &str = ".procbox";

/// The procbox tree as the port's `Cargo.toml` reaches it: through a link in
/// the crate's directory. Cargo hashes a path dependency under the
/// workspace's root by its relative path (into every symbol and the order
/// the linker lays functions out in), so the SDK reached this way builds
/// the same bytes wherever the tree is. Without symbolic links (not Unix),
/// the tree's own path, on which the bytes then depend.
fn link_tree(crate_dir: &Path, procbox_tree: &Path) -> anyhow::Result<PathBuf> {
    let link = crate_dir.join(TREE_LINK);
    if link.symlink_metadata().is_ok() {
        bail!(
            "{} is there already: procbox port links the procbox tree there; port a crate \
             without it",
            link.display()
        );
    }
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(procbox_tree, &link).with_context(|| {
            format!(
                "cannot link {} to {}",
                link.display(),
                procbox_tree.display()
            )
        })?;
        Ok(PathBuf::from(TREE_LINK))
    }
    #[cfg(not(unix))]
    Ok(procbox_tree.to_owned())
}

/// Rewrites the crate's root and every module file it reaches; the diff of
/// each changed file goes into `diff`. Returns the reads that need a
/// capability, as `file:line: what`.
fn rewrite_sources(
    crate_dir: &Path,
    label: &str,
    diff: &mut String,
) -> anyhow::Result<Vec<String>> {
    let mut needs = Vec::new();
    let (root, edition) = lib_root(crate_dir)?;
    let mut pending = vec![(root, true)];
    let mut seen = BTreeSet::new();
    while let Some((file, is_root)) = pending.pop() {
        // A module outside the crate's directory (`#[path = "../.."]`) is
        // not the port's to change; a missing one is `cfg`'d out.
        let Ok(file) = file.canonicalize() else {
            continue;
        };
        if !file.starts_with(crate_dir) || !seen.insert(file.clone()) {
            continue;
        }
        let text = std::fs::read_to_string(&file)
            .with_context(|| format!("cannot read {}", file.display()))?;
        let edits = if is_root {
            let edits = rust_source::edit_root(&file, &text, edition)?;
            rust_source::check_root(&edits, label)?;
            edits
        } else {
            rust_source::edit_module(&file, &text)?
        };
        pending.extend(edits.modules.iter().map(|m| (m.clone(), false)));
        let relative = file.strip_prefix(crate_dir).unwrap_or(&file).to_owned();
        needs.extend(
            edits
                .needs
                .iter()
                .map(|need| format!("{}:{}: {}", relative.display(), need.line, need.what)),
        );
        if edits.is_empty() {
            continue;
        }
        let new = edits.apply(&text);
        write(&file, &new)?;
        diff.push_str(&unified(&relative.display().to_string(), &text, &new));
    }
    needs.sort();
    Ok(needs)
}

/// The crate root (`[lib] path`, else `src/lib.rs`) and the edition.
fn lib_root(crate_dir: &Path) -> anyhow::Result<(PathBuf, rust_source::Edition)> {
    let text = std::fs::read_to_string(crate_dir.join("Cargo.toml"))
        .with_context(|| format!("cannot read {}", crate_dir.join("Cargo.toml").display()))?;
    let doc: toml::Table = text.parse().context("Cargo.toml is not TOML")?;
    let path = doc
        .get("lib")
        .and_then(|lib| lib.get("path"))
        .and_then(|path| path.as_str())
        .unwrap_or("src/lib.rs");
    // No edition is 2015; one inherited from a workspace (`--path` of a
    // member) is a later one, as workspace inheritance is.
    let edition = match doc
        .get("package")
        .and_then(|package| package.get("edition"))
    {
        None => rust_source::Edition::E2015,
        Some(edition) if edition.as_str() == Some("2015") => rust_source::Edition::E2015,
        Some(_) => rust_source::Edition::Later,
    };
    Ok((crate_dir.join(path), edition))
}

/// A unified diff of one file, `a/` against `b/`, or nothing if equal.
fn unified(name: &str, old: &str, new: &str) -> String {
    if old == new {
        return String::new();
    }
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(2)
        .header(&format!("a/{name}"), &format!("b/{name}"))
        .to_string()
}

/// `--capability` and `--env`, checked as `procbox-ld` will check them.
fn declared(args: &Declare) -> anyhow::Result<cargo_toml::Declared> {
    let mut capabilities: Vec<Capability> = args.capabilities.clone();
    capabilities.sort();
    capabilities.dedup();
    let declares_env = capabilities.contains(&Capability::Env);
    if declares_env == args.env.is_empty() {
        bail!(if declares_env {
            "--capability env needs --env NAME for each variable the macro may read"
        } else {
            "--env NAME needs --capability env"
        });
    }
    Ok(cargo_toml::Declared {
        capabilities: capabilities.iter().map(|c| c.name().to_owned()).collect(),
        env: args.env.clone(),
    })
}

/// `--out` may be new, empty, or an earlier port (which it replaces).
fn prepare_out(out: &Path) -> anyhow::Result<()> {
    let Ok(mut entries) = std::fs::read_dir(out) else {
        return Ok(());
    };
    if entries.next().is_none() {
        return Ok(());
    }
    if !out.join(MARKER).is_file() {
        bail!(
            "{} exists and is not a port made by `procbox port`: choose another --out",
            out.display()
        );
    }
    // The build output stays: a new port of the same crate reuses it.
    for entry in std::fs::read_dir(out).with_context(|| format!("cannot read {}", out.display()))? {
        let entry = entry.with_context(|| format!("cannot read {}", out.display()))?;
        if entry.file_name() == "target" || entry.file_name() == MARKER {
            continue;
        }
        let path = entry.path();
        let removed = if path.is_dir() {
            std::fs::remove_dir_all(&path)
        } else {
            std::fs::remove_file(&path)
        };
        removed.with_context(|| format!("cannot remove {}", path.display()))?;
    }
    Ok(())
}

/// `procbox-ld` next to this executable, else on `PATH`.
fn find_linker() -> anyhow::Result<PathBuf> {
    let name = format!("procbox-ld{}", std::env::consts::EXE_SUFFIX);
    let beside = std::env::current_exe()
        .ok()
        .map(|exe| exe.with_file_name(&name))
        .filter(|path| path.is_file());
    let on_path = || {
        std::env::var_os("PATH").and_then(|paths| {
            std::env::split_paths(&paths)
                .map(|dir| dir.join(&name))
                .find(|path| path.is_file())
        })
    };
    beside.or_else(on_path).context(
        "procbox-ld is not next to procbox nor on PATH: build it with \
         `cargo build --release -p procbox-ld`, or pass --linker",
    )
}

fn write(path: &Path, text: &str) -> anyhow::Result<()> {
    std::fs::write(path, text).with_context(|| format!("cannot write {}", path.display()))
}

/// What `procbox port` prints.
fn report(ported: &Ported, description: &Description) -> String {
    let source = &ported.source;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Ported {} {} ({}, sha256 {})",
        source.name, source.version, source.kind, source.checksum
    );
    let _ = writeln!(out, "  component: {}", ported.component.display());
    let _ = writeln!(out, "  sha256:    {}", description.sha256);
    let _ = writeln!(out, "  size:      {} bytes", description.size);
    for m in &description.macros {
        let helpers = match m.helper_attributes.as_slice() {
            [] => String::new(),
            helpers => format!(" (helper attributes: {})", helpers.join(", ")),
        };
        let _ = writeln!(out, "  macro:     {} {}{helpers}", m.kind, m.name);
    }
    if description.capabilities.is_empty() {
        let _ = writeln!(out, "  declares:  nothing");
    } else {
        let _ = writeln!(out, "  declares:  {}", description.capabilities.join(", "));
    }
    if !ported.needs.is_empty() {
        // Found in the source; whether a path runs is the expansion's to say:
        // an undeclared read fails, naming the capability.
        let _ = writeln!(
            out,
            "  reads:     (if these run, declare them: --capability fs-read, or --capability env \
             --env NAME)"
        );
        for need in &ported.needs {
            let _ = writeln!(out, "             {need}");
        }
    }
    let _ = writeln!(
        out,
        "  source:    {} (the rewritten crate, with its Cargo.lock: rebuild it to compare)",
        ported.dir.join("source").display()
    );
    let _ = writeln!(
        out,
        "  changes:   {}\n",
        ported.dir.join(DIFF_FILE).display()
    );
    out.push_str(&ported.diff);
    out
}
