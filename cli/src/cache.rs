//! `procbox cache`: the recorded expansions, listed, shown, counted or
//! removed. The directory is the one builds use: `PROCBOX_EXPANSIONS`, else
//! `expansions` in the procbox cache directory.

use std::collections::BTreeMap;
use std::process::ExitCode;

use anyhow::Context;
use clap::Subcommand;
use procbox_host::{CachedExpansion, ExpansionCache};

/// What to do with the expansion cache.
#[derive(Subcommand)]
pub enum CacheCommand {
    /// One line per recorded expansion: macro, where it was first expanded,
    /// size, file.
    List,
    /// Print the entries whose file name or key starts with PREFIX (or
    /// whose macro is named PREFIX).
    Show {
        /// A macro name, or the start of an entry's file name or key.
        prefix: String,
    },
    /// How many entries, how large, per macro; and entries that cannot be
    /// used (they are ignored).
    Stats,
    /// Remove every entry.
    Clear,
}

/// Runs `command` on the cache the environment names.
pub fn run(command: &CacheCommand) -> anyhow::Result<ExitCode> {
    let cache = ExpansionCache::from_environment()
        .map_err(anyhow::Error::msg)?
        .context(
            "the expansion cache is off (PROCBOX_EXPANSIONS=off) or no cache directory is \
             known: set PROCBOX_EXPANSIONS to a directory",
        )?;
    let entries = || {
        cache
            .entries()
            .with_context(|| format!("cannot read {}", cache.dir().display()))
    };
    match command {
        CacheCommand::List => {
            for entry in entries()? {
                println!("{}", line(&entry));
            }
        }
        CacheCommand::Show { prefix } => {
            let matching: Vec<CachedExpansion> = entries()?
                .into_iter()
                .filter(|e| matches(e, prefix))
                .collect();
            if matching.is_empty() {
                anyhow::bail!(
                    "no entry in {} matches `{prefix}` (`procbox cache list` lists them)",
                    cache.dir().display()
                );
            }
            for entry in matching {
                println!("==> {} <==", entry.path.display());
                match &entry.problem {
                    Some(problem) => println!("(ignored: {problem})"),
                    None => print!("{}", entry.text),
                }
            }
        }
        CacheCommand::Stats => {
            let entries = entries()?;
            let bytes: u64 = entries.iter().map(|e| e.bytes).sum();
            println!("directory: {}", cache.dir().display());
            println!("entries:   {} ({})", entries.len(), size(bytes));
            let mut per_macro: BTreeMap<&str, (usize, u64)> = BTreeMap::new();
            for entry in entries.iter().filter(|e| e.problem.is_none()) {
                let count = per_macro.entry(&entry.macro_name).or_default();
                count.0 += 1;
                count.1 += entry.bytes;
            }
            for (name, (count, bytes)) in per_macro {
                println!("  {name}: {count} ({})", size(bytes));
            }
            let ignored: Vec<&CachedExpansion> =
                entries.iter().filter(|e| e.problem.is_some()).collect();
            if !ignored.is_empty() {
                println!("ignored:   {}", ignored.len());
                for entry in ignored {
                    println!(
                        "  {}: {}",
                        entry.path.display(),
                        entry.problem.as_deref().unwrap_or_default()
                    );
                }
            }
        }
        CacheCommand::Clear => {
            let removed = cache
                .clear()
                .with_context(|| format!("cannot clear {}", cache.dir().display()))?;
            println!("removed {removed} entries from {}", cache.dir().display());
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn line(entry: &CachedExpansion) -> String {
    let what = match (&entry.problem, entry.kind) {
        (Some(problem), _) => format!("(ignored: {problem})"),
        (None, Some(kind)) => format!("{kind} `{}`", entry.macro_name),
        (None, None) => String::new(),
    };
    format!(
        "{what}  {}  {}  {}",
        entry.expanded_at.as_deref().unwrap_or("-"),
        size(entry.bytes),
        entry.path.display()
    )
}

fn matches(entry: &CachedExpansion, prefix: &str) -> bool {
    let file = entry
        .path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let key = entry
        .text
        .lines()
        .find_map(|l| l.strip_prefix("key "))
        .unwrap_or_default();
    entry.macro_name == prefix || file.starts_with(prefix) || key.starts_with(prefix)
}

fn size(bytes: u64) -> String {
    match bytes {
        0..1024 => format!("{bytes} B"),
        1024..1_048_576 => format!("{:.1} KiB", bytes as f64 / 1024.0),
        _ => format!("{:.1} MiB", bytes as f64 / 1_048_576.0),
    }
}
