//! The `dosesim` command: parses arguments, calls the library, prints, and
//! maps failures to exit codes. All the work is in the library.

mod cli;

use anyhow::Context;
use clap::Parser;
use cli::{CheckArgs, Cli, Command, ExactArgs, MergeArgs, OutputArgs, RunArgs, TableArgs};
use dosesim::check::{CheckError, Recorded};
use dosesim::design::Preset;
use dosesim::job::Job;
use dosesim::plot::{self, PlotError};
use dosesim::report::decision_table::{self, DecisionTable, TableFlagError};
use dosesim::report::{self, ReportError};
use dosesim::run::{MethodChoice, Overrides, RunError, ScenarioRun};
use dosesim::scenario::{Scenario, ScenarioError, scenario_files};
use dosesim::shard::{self, MergeError, Part};
use indicatif::{ProgressBar, ProgressStyle};
use std::io::{IsTerminal, Write};
use std::process::ExitCode;

/// Exit status for input the user can fix: scenario, flag or output directory.
const BAD_INPUT: u8 = 2;
/// Exit status for anything else: a bug or a failing machine.
const INTERNAL: u8 = 1;
/// Exit status of `dosesim check` when a figure moved beyond tolerance.
const MOVED: u8 = 1;

/// A flag whose value clap accepts but the command cannot use.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
struct BadFlag(String);

fn main() -> ExitCode {
    let cli = Cli::parse();
    match dispatch(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            // Includes a design the exact engine cannot handle when the user
            // asked for exact results: theirs to change too.
            let bad_input = e.chain().any(|c| {
                c.is::<ScenarioError>()
                    || c.is::<ReportError>()
                    || c.is::<MergeError>()
                    || c.is::<CheckError>()
                    || c.is::<BadFlag>()
                    || c.is::<TableFlagError>()
                    || matches!(c.downcast_ref::<RunError>(), Some(RunError::Exact { .. }))
                    || matches!(c.downcast_ref::<PlotError>(), Some(PlotError::Write { .. }))
            });
            ExitCode::from(if bad_input { BAD_INPUT } else { INTERNAL })
        }
    }
}

fn dispatch(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Run(args) => run(args),
        Command::Merge(args) => merge(args),
        Command::Check(args) => check(args),
        Command::Exact(args) => exact(args),
        Command::Table(args) => table(args),
    }
}

fn method(m: cli::Method) -> MethodChoice {
    match m {
        cli::Method::Auto => MethodChoice::Auto,
        cli::Method::Mc => MethodChoice::Mc,
        cli::Method::Exact => MethodChoice::Exact,
        cli::Method::Both => MethodChoice::Both,
    }
}

fn threads(threads: Option<u16>) -> anyhow::Result<()> {
    if let Some(threads) = threads {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads.into())
            .build_global()
            .context("starting the worker threads")?;
    }
    Ok(())
}

/// Refuses a preset named twice in `--preset`: two designs of one name, which
/// a scenario file may not have either (and `check` could not tell apart).
fn distinct_presets(presets: &[Preset]) -> Result<(), BadFlag> {
    match presets
        .iter()
        .enumerate()
        .find(|&(i, p)| presets[..i].contains(p))
    {
        Some((_, p)) => Err(BadFlag(format!(
            "--preset {p} given twice: expected each preset at most once"
        ))),
        None => Ok(()),
    }
}

fn exact(args: ExactArgs) -> anyhow::Result<ExitCode> {
    distinct_presets(&args.preset)?;
    let scenario = Scenario::from_curve(args.p_dlt, args.target, &args.preset)?;
    let run = ScenarioRun::evaluate(scenario, MethodChoice::Exact, &|_| {})?;
    Printer::default().print(&report::table(&run));
    Ok(ExitCode::SUCCESS)
}

fn table(args: TableArgs) -> anyhow::Result<ExitCode> {
    let tables: Vec<DecisionTable> = match args.design {
        Some(design) => {
            use decision_table::TableDesign as D;
            let design = match design {
                cli::TableDesign::Boin => D::Interval(dosesim::design::IntervalKind::Boin),
                cli::TableDesign::Mtpi2 => D::Interval(dosesim::design::IntervalKind::Mtpi2),
                cli::TableDesign::I3plus3 => D::Interval(dosesim::design::IntervalKind::I3plus3),
                cli::TableDesign::ThreePlusThree => D::ThreePlusThree,
            };
            if design == D::ThreePlusThree
                && (args.target.is_some() || args.cohort_size.is_some() || args.max_n.is_some())
            {
                eprintln!(
                    "note: the 3+3's table does not depend on --target, --cohort-size or --max-n"
                );
            }
            vec![decision_table::from_flags(
                design,
                args.target.unwrap_or(decision_table::DEFAULT_TARGET),
                args.cohort_size
                    .unwrap_or(decision_table::DEFAULT_COHORT_SIZE),
                args.max_n.unwrap_or(decision_table::DEFAULT_MAX_N),
            )?]
        }
        None => {
            let mut tables = Vec::new();
            for path in &args.paths {
                for file in scenario_files(path)? {
                    let scenario = Scenario::load(&file)?;
                    for note in decision_table::untabled(&scenario) {
                        eprintln!("note: {note}");
                    }
                    tables.extend(decision_table::of_scenario(&scenario));
                }
            }
            tables
        }
    };
    let text = match args.format {
        cli::TableFormat::Text => decision_table::text(&tables),
        cli::TableFormat::Markdown => decision_table::markdown(&tables),
        // CSV is UTF-8 text: the writer only quotes what the names hold.
        cli::TableFormat::Csv => {
            String::from_utf8_lossy(&decision_table::csv(&tables)).into_owned()
        }
    };
    Printer::default().print(text.trim_end());
    Ok(ExitCode::SUCCESS)
}

fn run(args: RunArgs) -> anyhow::Result<ExitCode> {
    threads(args.threads)?;
    distinct_presets(&args.preset)?;
    let overrides = Overrides {
        trials: args.trials,
        seed: args.seed,
        presets: args.preset.clone(),
    };
    let method = method(args.method);
    // Every file is read and checked before anything runs.
    let (job, scenarios) = Job::load(&args.paths, method, overrides)?;
    let simulates = scenarios.iter().any(|s| method.resolve(s).simulates());
    if !simulates && (args.trials.is_some() || args.seed.is_some() || args.shard.is_some()) {
        eprintln!(
            "note: --method {} computes exact results: --trials, --seed and --shard change nothing (use --method mc or both to simulate)",
            format!("{:?}", args.method).to_lowercase()
        );
    }
    let out = &args.output;
    report::prepare_dir(&out.out)?;
    for s in scenarios.iter().filter(|s| s.timing.is_some()) {
        if method == MethodChoice::Exact {
            eprintln!(
                "note: scenario {:?} has a [timing] table, but --method exact gives no time \
                 figures: they come only from simulation (--method mc, auto or both)",
                s.name
            );
        }
    }
    for s in scenarios.iter().filter(|_| method == MethodChoice::Auto) {
        if s.timing.is_some() {
            eprintln!(
                "note: scenario {:?} has a [timing] table: time figures come only from \
                 simulation, so Monte Carlo, {} trials (--method both adds exact \
                 non-time figures when every design has an exact engine)",
                s.name, s.simulation.trials
            );
            continue;
        }
        let large = dosesim::run::too_large_for_exact(s);
        if !large.is_empty() {
            eprintln!(
                "note: scenario {:?}: the trial tree of {} is too large for the exact engine: \
                 Monte Carlo instead, {} trials",
                s.name,
                large
                    .iter()
                    .map(|name| format!("{name:?}"))
                    .collect::<Vec<_>>()
                    .join(", "),
                s.simulation.trials
            );
        }
    }

    if let Some(shard) = args.shard {
        let trials = planned_trials(&scenarios, method) / u64::from(shard.count);
        let progress = progress_bar(trials, out.quiet);
        let counts = scenarios
            .iter()
            .map(|s| ScenarioRun::simulate(s, method, shard, &|t| progress.inc(t)))
            .collect::<Result<Vec<_>, _>>()?;
        progress.finish_and_clear();
        let part = Part::new(job, shard, &counts);
        let name = shard.file_name();
        let written = report::write_files(&out.out, &[(&name, part.to_json())])?;
        let note = if method.simulates() {
            ""
        } else {
            " (nothing simulated: merge computes the exact results)"
        };
        eprintln!(
            "wrote {} — shard {shard}{note}; when all {} are done: dosesim merge PARTS… --out DIR",
            written
                .first()
                .map_or(String::new(), |p| p.display().to_string()),
            shard.count
        );
        return Ok(ExitCode::SUCCESS);
    }

    let progress = progress_bar(planned_trials(&scenarios, method), out.quiet);
    let mut stdout = Printer::default();
    let mut runs = Vec::new();
    for scenario in scenarios {
        let run = ScenarioRun::evaluate(scenario, method, &|trials| progress.inc(trials))?;
        if !out.quiet {
            stdout.print(&report::table(&run));
        }
        runs.push(run);
    }
    progress.finish_and_clear();
    write_outputs(out, &job, &runs)?;
    Ok(ExitCode::SUCCESS)
}

fn merge(args: MergeArgs) -> anyhow::Result<ExitCode> {
    let parts = args
        .parts
        .iter()
        .map(|path| Ok((path.clone(), Part::read(path)?)))
        .collect::<Result<Vec<_>, MergeError>>()?;
    let (job, scenarios, counts) = shard::merge(parts)?;
    let out = &args.output;
    report::prepare_dir(&out.out)?;
    let mut stdout = Printer::default();
    let mut runs = Vec::new();
    for (scenario, counts) in scenarios.into_iter().zip(counts) {
        let run = ScenarioRun::assemble(scenario, job.method, counts)?;
        if !out.quiet {
            stdout.print(&report::table(&run));
        }
        runs.push(run);
    }
    write_outputs(out, &job, &runs)?;
    Ok(ExitCode::SUCCESS)
}

fn check(args: CheckArgs) -> anyhow::Result<ExitCode> {
    threads(args.threads)?;
    // An infinite tolerance would let every Monte Carlo figure move.
    if !(args.tolerance.is_finite() && args.tolerance > 0.0) {
        anyhow::bail!(BadFlag(format!(
            "--tolerance {}: expected a finite positive number of standard errors",
            args.tolerance
        )));
    }
    let recorded = Recorded::read(&args.results)?;
    let scenarios = recorded.job.scenarios().unwrap_or_default();
    let progress = progress_bar(planned_trials(&scenarios, recorded.job.method), false);
    let report = dosesim::check::check(&args.results, &recorded, args.tolerance, &|t| {
        progress.inc(t)
    })?;
    progress.finish_and_clear();
    if report.recorded_version != env!("CARGO_PKG_VERSION") {
        eprintln!(
            "note: recorded by dosesim {}, checked with {}",
            report.recorded_version,
            env!("CARGO_PKG_VERSION")
        );
    }
    Printer::default().print(report.render(args.tolerance, args.rows).trim_end());
    Ok(if report.passed() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(MOVED)
    })
}

/// Writes the files, the report and the charts of `runs`, and says so.
fn write_outputs(out: &OutputArgs, job: &Job, runs: &[ScenarioRun]) -> anyhow::Result<()> {
    let html = if out.no_charts {
        None
    } else {
        Some(dosesim::html::report_html(runs)?)
    };
    let written = report::staged(&out.out, |dir| -> anyhow::Result<Vec<std::path::PathBuf>> {
        let mut written = report::write_outputs(dir, job, runs, html.as_deref())?;
        if !out.no_charts {
            for run in runs {
                written.extend(plot::write_charts(run, dir)?);
            }
        }
        Ok(written)
    })?;
    let charts = written
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "png" || e == "svg"))
        .count();
    let files: Vec<String> = written
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e != "png" && e != "svg"))
        .map(|p| p.display().to_string())
        .collect();
    eprintln!(
        "wrote {} and {charts} charts (PNG and SVG)",
        files.join(", ")
    );
    Ok(())
}

/// Trials that `method` will simulate for `scenarios`; exact results take
/// milliseconds and are not counted.
fn planned_trials(scenarios: &[Scenario], method: MethodChoice) -> u64 {
    scenarios
        .iter()
        .filter(|s| method.resolve(s).simulates())
        .map(ScenarioRun::planned_trials)
        .sum()
}

/// A progress bar on stderr for Monte Carlo work expected to take more than
/// about a second; hidden with `--quiet` and when stderr is not a terminal.
fn progress_bar(trials: u64, quiet: bool) -> ProgressBar {
    // A conservative guess at the engine's speed on two cores.
    const TRIALS_PER_SECOND: u64 = 20_000_000;
    if quiet || trials < TRIALS_PER_SECOND || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(trials);
    let style = ProgressStyle::with_template(
        "{spinner} {wide_bar} {percent:>3}% of {human_len} trials, {eta} left",
    )
    .unwrap_or_else(|_| ProgressStyle::default_bar());
    bar.set_style(style);
    bar
}

/// Prints to stdout until the reader goes away: `dosesim run … | head` must
/// not fail, and the output files are still written.
#[derive(Default)]
struct Printer {
    closed: bool,
}

impl Printer {
    fn print(&mut self, text: &str) {
        if self.closed {
            return;
        }
        let mut out = std::io::stdout().lock();
        if writeln!(out, "{text}").and_then(|_| out.flush()).is_err() {
            self.closed = true;
        }
    }
}
