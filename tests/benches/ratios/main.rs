//! `#[derive(ToJson)]` native vs sandboxed, every case **interleaved**: a
//! round times a batch of each case in turn, and the table gives each case's
//! median over the rounds and its ratio to native.
//!
//! Criterion (`--bench expand`) measures one case after another, so a slow
//! minute of a noisy machine lands on whichever case ran then; here it lands
//! on all of them alike, and the ratios hold still between runs.
//!
//! ```sh
//! cargo bench -p procbox-tests --bench ratios
//! ```
//!
//! Beside the native derive and the sandboxed cases it times the design's
//! floor ([`floor`]): the same derive with every conversion an expansion
//! makes on either side of the boundary, run natively with no sandbox.
//!
//! `PROCBOX_BENCH_ROUNDS` (default 40) sets the rounds;
//! `PROCBOX_BENCH_BASELINE=path/to/json_derive.wasm` adds another build of the
//! derive (e.g. from an older commit), reused and fresh, to compare a change
//! side by side.

use std::hint::black_box;
use std::time::{Duration, Instant};

use procbox_host::{ExpansionCache, Host, HostBuilder, Invocation, MacroComponent};
use procbox_tests::wasm;

#[path = "../common/mod.rs"]
mod common;
mod floor;
use common::{PHASES, input, native};

/// How long one batch of one case runs in a round.
const BATCH: Duration = Duration::from_millis(20);

/// One thing to time: `run` does one expansion.
struct Case<'a> {
    name: String,
    run: Box<dyn FnMut() + 'a>,
    /// Iterations per batch, from a calibration run.
    iterations: u32,
    /// Time per iteration in each round.
    samples: Vec<Duration>,
}

impl<'a> Case<'a> {
    fn new(name: impl Into<String>, run: impl FnMut() + 'a) -> Self {
        Case {
            name: name.into(),
            run: Box::new(run),
            iterations: 1,
            samples: Vec::new(),
        }
    }

    /// Runs the case for about `BATCH` (which also warms it up) and sizes
    /// its batches from that.
    fn calibrate(&mut self) {
        let start = Instant::now();
        let mut done = 0u32;
        while start.elapsed() < BATCH {
            (self.run)();
            done += 1;
        }
        self.iterations = done.max(1);
    }

    fn sample(&mut self) {
        let start = Instant::now();
        for _ in 0..self.iterations {
            (self.run)();
        }
        self.samples.push(start.elapsed() / self.iterations);
    }

    fn median(&self) -> Duration {
        let mut sorted = self.samples.clone();
        sorted.sort();
        sorted[sorted.len() / 2]
    }

    fn min(&self) -> Duration {
        self.samples.iter().copied().min().unwrap_or_default()
    }
}

/// `component`'s expansion of `input` in one instance reused across
/// expansions.
fn reused<'a>(
    name: &str,
    component: &MacroComponent,
    input: &'a proc_macro2::TokenStream,
) -> Case<'a> {
    let mut instance = component.instantiate().expect("instantiates");
    Case::new(name, move || {
        black_box(
            instance
                .expand(&Invocation::derive("ToJson", input))
                .expect("expands"),
        );
    })
}

/// `component`'s expansion of `input` in a fresh instance each time, after
/// checking that it agrees with the native derive's `expected` output.
fn fresh<'a>(
    name: &str,
    component: &'a MacroComponent,
    input: &'a proc_macro2::TokenStream,
    expected: &str,
) -> Case<'a> {
    let output = component.expand_derive("ToJson", input).expect("expands");
    assert_eq!(output.tokens.to_string(), expected, "{name} disagrees");
    Case::new(name, move || {
        black_box(component.expand_derive("ToJson", input).expect("expands"));
    })
}

/// `component`'s expansion of `input` replayed from its host's expansion
/// cache, after checking that it replays and agrees with `expected`.
fn replayed<'a>(
    name: &str,
    component: &'a MacroComponent,
    input: &'a proc_macro2::TokenStream,
    expected: &str,
) -> Case<'a> {
    component.expand_derive("ToJson", input).expect("expands");
    let output = component.expand_derive("ToJson", input).expect("expands");
    assert!(output.stats.replayed, "{name} did not replay");
    assert_eq!(output.tokens.to_string(), expected, "{name} disagrees");
    Case::new(name, move || {
        black_box(component.expand_derive("ToJson", input).expect("expands"));
    })
}

fn host(builder: HostBuilder) -> Host {
    builder.no_cache().build().expect("host")
}

fn load(host: &Host, path: &std::path::Path) -> MacroComponent {
    host.load_file(path)
        .unwrap_or_else(|e| panic!("{} does not load: {e}", path.display()))
}

/// Everything timed, interleaved as one.
struct Suite<'a> {
    /// For 1 and 10 fields: native first, then the sandboxed cases.
    derive: Vec<(usize, Vec<Case<'a>>)>,
    /// Steps of the 10-field derive, each in a reused and in a fresh instance.
    phases: Vec<[Case<'a>; 2]>,
    /// `syn::parse2` of the 10-field input, natively: what `phase_parse`
    /// adds over `phase_to_pm2` is compared with it.
    native_parse: Case<'a>,
}

impl<'a> Suite<'a> {
    fn cases(&mut self) -> impl Iterator<Item = &mut Case<'a>> {
        let derive = self
            .derive
            .iter_mut()
            .flat_map(|(_, cases)| cases.iter_mut());
        derive
            .chain(self.phases.iter_mut().flatten())
            .chain(std::iter::once(&mut self.native_parse))
    }

    fn print(&self) {
        println!("| fields | case | median | fastest round | median vs native |");
        println!("|---|---|---|---|---|");
        for (fields, cases) in &self.derive {
            let native = micros(cases[0].median());
            for case in cases {
                let median = micros(case.median());
                println!(
                    "| {fields} | {} | {median:.1} µs | {:.1} µs | {:.2}x |",
                    case.name,
                    micros(case.min()),
                    median / native
                );
            }
        }
        println!("\n| `phases` guest, 10 fields | reused | fresh | a fresh instance adds |");
        println!("|---|---|---|---|");
        println!(
            "| native `syn::parse2` | {:.1} µs | | |",
            micros(self.native_parse.median())
        );
        for [reused, fresh] in &self.phases {
            let name = &reused.name;
            let (reused, fresh) = (micros(reused.median()), micros(fresh.median()));
            println!(
                "| `{name}` | {reused:.1} µs | {fresh:.1} µs | {:.1} µs |",
                fresh - reused
            );
        }
    }
}

fn micros(d: Duration) -> f64 {
    d.as_secs_f64() * 1e6
}

fn main() {
    // `cargo bench` passes `--bench`; `cargo test --benches` does not, and
    // then there is nothing to check beyond building.
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    let rounds: usize = std::env::var("PROCBOX_BENCH_ROUNDS").map_or(40, |r| {
        r.parse().ok().filter(|&n| n > 0).unwrap_or_else(|| {
            panic!("PROCBOX_BENCH_ROUNDS={r:?}: give a number of rounds, at least 1")
        })
    });
    let path = wasm("json_derive");
    let pooled = host(Host::builder());
    let component = load(&pooled, &path);
    // As the cargo shim runs it inside rustc: explicit bounds checks.
    let in_rustc = load(&host(Host::builder().signal_handlers(false)), &path);
    let on_demand = load(&host(Host::builder().instances_on_demand()), &path);
    // As `procbox serve` runs it: no epoch checks (its watchdog bounds time).
    let no_epochs = load(&host(Host::builder().epoch_interruption(false)), &path);
    // On the same host as the current build, so only the builds differ.
    let baseline =
        std::env::var_os("PROCBOX_BENCH_BASELINE").map(|p| load(&pooled, std::path::Path::new(&p)));

    // With the expansion cache: after the first, every expansion a replay.
    let expansions = tempfile::tempdir().expect("a temporary directory");
    let replaying = load(
        &host(Host::builder().expansion_cache(ExpansionCache::new(expansions.path()))),
        &path,
    );

    let phases = load(&pooled, &wasm("phases"));

    let inputs = [(1, input(1)), (10, input(10))];
    let mut suite = Suite {
        derive: Vec::new(),
        phases: Vec::new(),
        native_parse: Case::new("native syn::parse2", || {
            black_box(syn::parse2::<syn::DeriveInput>(inputs[1].1.clone()).expect("parses"));
        }),
    };
    for (fields, input) in &inputs {
        let expected = native(input).to_string();
        let mut cases = vec![Case::new("native", || {
            black_box(native(input));
        })];
        assert_eq!(
            floor::expand(input).to_string(),
            expected,
            "the floor disagrees"
        );
        cases.extend([
            Case::new("native, through the boundary's conversions", || {
                black_box(floor::expand(input));
            }),
            reused("sandbox, reused", &component, input),
            fresh("sandbox, fresh", &component, input, &expected),
            reused("sandbox, reused, no epoch checks", &no_epochs, input),
            fresh(
                "sandbox, fresh, no epoch checks",
                &no_epochs,
                input,
                &expected,
            ),
            fresh(
                "sandbox, fresh, no signal handlers",
                &in_rustc,
                input,
                &expected,
            ),
            fresh(
                "sandbox, fresh, memory on demand",
                &on_demand,
                input,
                &expected,
            ),
            replayed("expansion cache hit", &replaying, input, &expected),
        ]);
        if let Some(baseline) = &baseline {
            cases.extend([
                reused("baseline, reused", baseline, input),
                fresh("baseline, fresh", baseline, input, &expected),
            ]);
        }
        suite.derive.push((*fields, cases));
    }
    // The derive a step at a time (each macro does one step more than the
    // one before it; `tests/guests/phases`), and what a fresh instance adds
    // to each.
    let ten = &inputs[1].1;
    let phases = &phases;
    for phase in PHASES {
        let mut instance = phases.instantiate().expect("instantiates");
        suite.phases.push([
            Case::new(phase, move || {
                black_box(
                    instance
                        .expand(&Invocation::function(phase, ten))
                        .expect("expands"),
                );
            }),
            Case::new(phase, move || {
                black_box(
                    phases
                        .expand(&Invocation::function(phase, ten))
                        .expect("expands"),
                );
            }),
        ]);
    }

    for case in suite.cases() {
        case.calibrate();
    }
    // Each round starts one case later, so no case always follows the same one.
    let count = suite.cases().count();
    for round in 0..rounds {
        let mut cases: Vec<&mut Case> = suite.cases().collect();
        cases.rotate_left(round % count);
        for case in cases {
            case.sample();
        }
    }

    println!("{rounds} rounds, each case interleaved, about {BATCH:?} per batch\n");
    suite.print();
}
