//! Turns a core module's undeclared WASI imports into functions defined in
//! the module: traps, or, for the environment, an empty answer.
//!
//! Rust's std on `wasm32-wasip2` imports a dozen WASI interfaces (stdio, the
//! environment, exit, terminals) that a macro never asked for. Each such
//! imported function becomes a function defined in the module, named
//! `procbox-undeclared:<interface>#<function>` in the name section, whose
//! body is `unreachable`, so the host can say which interface a trapping
//! macro touched. The exception is `wasi:cli/environment` (variables,
//! arguments, working directory), which std reads for its own settings: a
//! macro that did not declare `env` gets an empty environment, answered by
//! the stub itself, so `std::backtrace` (which `anyhow` uses) reads
//! `RUST_LIB_BACKTRACE` as unset instead of stopping the macro, and the
//! component still imports nothing it did not declare. The rest of the
//! module is re-encoded with `wasm-encoder`'s `Reencode`, with every function
//! index remapped (imports come first in the index space).

use std::collections::BTreeSet;

use anyhow::{Context, Result};
use wasm_encoder::reencode::{Error, Reencode, utils};
use wasmparser::{Parser, Payload, TypeRef};

pub use procbox_manifest::UNDECLARED_PREFIX as STUB_PREFIX;

/// One function import.
struct FuncImport {
    module: String,
    name: String,
    ty: u32,
    /// Whether its stub answers "nothing" instead of trapping.
    empty_answer: bool,
}

/// The environment's functions, each of which returns an empty value
/// (`list` or `option`) through a return pointer: their core type is
/// `(param i32)`, and zeroes written there are an empty list (pointer and
/// length 0) or `none` (discriminant 0).
const EMPTY_ANSWERS: [&str; 3] = ["get-environment", "get-arguments", "initial-cwd"];

/// The interface of [`EMPTY_ANSWERS`], without its version.
const ENVIRONMENT: &str = "wasi:cli/environment@";

/// What the rewrite did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Rewritten {
    /// The new module.
    pub module: Vec<u8>,
    /// The interfaces whose imports became traps, e.g. `wasi:cli/stdout@0.2.0`.
    pub stubbed: BTreeSet<String>,
}

/// Rewrites `module`, replacing every function import for which `keep`
/// returns false by a trapping function.
pub fn stub_imports(module: &[u8], keep: impl Fn(&str) -> bool) -> Result<Rewritten> {
    let imports = func_imports(module)?;
    let stubbed: Vec<bool> = imports.iter().map(|i| !keep(&i.module)).collect();
    let kept = stubbed.iter().filter(|s| !**s).count() as u32;
    let mut map = Vec::with_capacity(imports.len());
    let (mut next_kept, mut next_stub) = (0, kept);
    for &stub in &stubbed {
        if stub {
            map.push(next_stub);
            next_stub += 1;
        } else {
            map.push(next_kept);
            next_kept += 1;
        }
    }
    let stubs: Vec<&FuncImport> = imports
        .iter()
        .zip(&stubbed)
        .filter(|(_, s)| **s)
        .map(|(i, _)| i)
        .collect();
    let mut rewriter = Rewriter {
        map,
        stub_count: stubs.len() as u32,
        stub_types: stubs.iter().map(|i| i.ty).collect(),
        stub_empty: stubs.iter().map(|i| i.empty_answer).collect(),
        stub_names: stubs
            .iter()
            .map(|i| format!("{STUB_PREFIX}{}#{}", i.module, i.name))
            .collect(),
        stubbed_mask: stubbed,
        seen_func_imports: 0,
        saw_names: false,
    };
    let mut out = wasm_encoder::Module::new();
    rewriter
        .parse_core_module(&mut out, Parser::new(0), module)
        .map_err(|e| anyhow::anyhow!("cannot re-encode the module: {e:?}"))?;
    if !rewriter.saw_names && rewriter.stub_count > 0 {
        out.section(&rewriter.stub_name_section());
    }
    Ok(Rewritten {
        module: out.finish(),
        stubbed: stubs.iter().map(|i| i.module.clone()).collect(),
    })
}

fn func_imports(module: &[u8]) -> Result<Vec<FuncImport>> {
    let mut out = Vec::new();
    // Whether each type is `(param i32)` and nothing else (the type section
    // comes before the imports).
    let mut return_pointer_only: Vec<bool> = Vec::new();
    for payload in Parser::new(0).parse_all(module) {
        match payload.context("the linked module is not valid wasm")? {
            Payload::TypeSection(section) => {
                for ty in section.into_iter_err_on_gc_types() {
                    let ty = ty.context("the linked module has a malformed type")?;
                    return_pointer_only
                        .push(ty.params() == [wasmparser::ValType::I32] && ty.results().is_empty());
                }
            }
            Payload::ImportSection(section) => {
                for import in section.into_imports() {
                    let import = import.context("the linked module has a malformed import")?;
                    if let TypeRef::Func(ty) = import.ty {
                        let empty_answer = import.module.starts_with(ENVIRONMENT)
                            && EMPTY_ANSWERS.contains(&import.name)
                            && return_pointer_only.get(ty as usize) == Some(&true);
                        out.push(FuncImport {
                            module: import.module.to_owned(),
                            name: import.name.to_owned(),
                            ty,
                            empty_answer,
                        });
                    }
                }
            }
            _ => {}
        }
    }
    Ok(out)
}

struct Rewriter {
    /// Old function index of an import → new index.
    map: Vec<u32>,
    stub_count: u32,
    stub_types: Vec<u32>,
    /// Per stub: whether it answers "nothing" (see [`EMPTY_ANSWERS`]).
    stub_empty: Vec<bool>,
    stub_names: Vec<String>,
    /// Per function import, in order: whether it becomes a stub.
    stubbed_mask: Vec<bool>,
    seen_func_imports: usize,
    /// Whether the module had a name section (a stripped one has none).
    saw_names: bool,
}

impl Rewriter {
    /// Each stub's new function index and name (stubs follow the kept imports).
    fn stub_entries(&self) -> impl Iterator<Item = (u32, &str)> {
        let kept = self.map.len() as u32 - self.stub_count;
        (kept..).zip(self.stub_names.iter().map(String::as_str))
    }

    /// The stubs' names, for a module that has no name section.
    fn stub_name_section(&self) -> wasm_encoder::NameSection {
        let mut functions = wasm_encoder::NameMap::new();
        for (index, name) in self.stub_entries() {
            functions.append(index, name);
        }
        let mut names = wasm_encoder::NameSection::new();
        names.functions(&functions);
        names
    }
}

impl Reencode for Rewriter {
    type Error = std::convert::Infallible;

    fn function_index(&mut self, func: u32) -> Result<u32, Error<Self::Error>> {
        Ok(match self.map.get(func as usize) {
            Some(&new) => new,
            // A defined function keeps its index: the kept imports and the
            // stubs together are as many as the imports were.
            None => func,
        })
    }

    fn parse_import_section(
        &mut self,
        imports: &mut wasm_encoder::ImportSection,
        section: wasmparser::ImportSectionReader<'_>,
    ) -> Result<(), Error<Self::Error>> {
        // One import at a time (the default keeps compact groups whole, and
        // never calls `parse_import`).
        for import in section.into_imports() {
            self.parse_import(imports, import?)?;
        }
        Ok(())
    }

    fn parse_import(
        &mut self,
        imports: &mut wasm_encoder::ImportSection,
        import: wasmparser::Import<'_>,
    ) -> Result<(), Error<Self::Error>> {
        if let TypeRef::Func(_) = import.ty {
            let stub = self
                .stubbed_mask
                .get(self.seen_func_imports)
                .copied()
                .unwrap_or(false);
            self.seen_func_imports += 1;
            if stub {
                return Ok(());
            }
        }
        utils::parse_import(self, imports, import)
    }

    fn parse_function_section(
        &mut self,
        functions: &mut wasm_encoder::FunctionSection,
        section: wasmparser::FunctionSectionReader<'_>,
    ) -> Result<(), Error<Self::Error>> {
        for &ty in &self.stub_types.clone() {
            functions.function(self.type_index(ty)?);
        }
        utils::parse_function_section(self, functions, section)
    }

    fn parse_code_section(
        &mut self,
        code: &mut wasm_encoder::CodeSection,
        section: wasmparser::CodeSectionReader<'_>,
    ) -> Result<(), Error<Self::Error>> {
        for &empty in &self.stub_empty {
            let mut body = wasm_encoder::Function::new([]);
            if empty {
                // Eight zero bytes at the return pointer.
                body.instructions()
                    .local_get(0)
                    .i64_const(0)
                    .i64_store(wasm_encoder::MemArg {
                        offset: 0,
                        align: 2,
                        target: wasm_encoder::MemArgTarget::Memory(0),
                        ordering: None,
                    })
                    .end();
            } else {
                body.instructions().unreachable().end();
            }
            code.function(&body);
        }
        utils::parse_code_section(self, code, section)
    }

    fn custom_name_section(
        &mut self,
        section: wasmparser::NameSectionReader<'_>,
    ) -> Result<wasm_encoder::NameSection, Error<Self::Error>> {
        self.saw_names = true;
        utils::custom_name_section(self, section)
    }

    fn parse_custom_name_subsection(
        &mut self,
        names: &mut wasm_encoder::NameSection,
        section: wasmparser::Name<'_>,
    ) -> Result<(), Error<Self::Error>> {
        match section {
            wasmparser::Name::Function(map) => {
                // Remapped names, the stubs' names in place of their imports',
                // sorted by index as the format requires.
                let mut entries: Vec<(u32, String)> = Vec::new();
                for naming in map.into_iter().flatten() {
                    let stub = self
                        .stubbed_mask
                        .get(naming.index as usize)
                        .copied()
                        .unwrap_or(false);
                    if !stub {
                        entries.push((self.function_index(naming.index)?, naming.name.to_owned()));
                    }
                }
                entries.extend(
                    self.stub_entries()
                        .map(|(index, name)| (index, name.to_owned())),
                );
                entries.sort();
                let mut out = wasm_encoder::NameMap::new();
                for (index, name) in &entries {
                    out.append(*index, name);
                }
                names.functions(&out);
                Ok(())
            }
            // Debug-only names keyed by function: not worth remapping.
            wasmparser::Name::Local(_) | wasmparser::Name::Label(_) => Ok(()),
            other => utils::parse_custom_name_subsection(self, names, other),
        }
    }
}
