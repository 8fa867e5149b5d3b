//! The `dosesim` command: parses arguments, calls the library, prints, and
//! maps failures to exit codes. All the work is in the library.

mod cli;

use anyhow::Context;
use clap::Parser;
use cli::{Cli, Command, ExactArgs, RunArgs};
use dosesim::plot::{self, PlotError};
use dosesim::report::{self, ReportError};
use dosesim::run::{MethodChoice, Overrides, RunError, ScenarioRun};
use dosesim::scenario::{Scenario, ScenarioError, scenario_files};
use indicatif::{ProgressBar, ProgressStyle};
use std::io::{IsTerminal, Write};
use std::process::ExitCode;

/// Exit status for input the user can fix: scenario, flag or output directory.
const BAD_INPUT: u8 = 2;
/// Exit status for anything else: a bug or a failing machine.
const INTERNAL: u8 = 1;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match dispatch(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            // Includes a design the exact engine cannot handle when the user
            // asked for exact results: theirs to change too.
            let bad_input = e.chain().any(|c| {
                c.is::<ScenarioError>()
                    || c.is::<ReportError>()
                    || matches!(c.downcast_ref::<RunError>(), Some(RunError::Exact { .. }))
                    || matches!(c.downcast_ref::<PlotError>(), Some(PlotError::Write { .. }))
            });
            ExitCode::from(if bad_input { BAD_INPUT } else { INTERNAL })
        }
    }
}

fn dispatch(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Run(args) => run(args),
        Command::Exact(args) => exact(args),
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

fn exact(args: ExactArgs) -> anyhow::Result<()> {
    let scenario = Scenario::from_curve(args.p_dlt, args.target, &args.preset)?;
    let run = ScenarioRun::evaluate(scenario, MethodChoice::Exact, &|_| {})?;
    Printer::default().print(&report::table(&run));
    Ok(())
}

fn run(args: RunArgs) -> anyhow::Result<()> {
    if let Some(threads) = args.threads {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads.into())
            .build_global()
            .context("starting the worker threads")?;
    }
    let overrides = Overrides {
        trials: args.trials,
        seed: args.seed,
        presets: args.preset.clone(),
    };
    // Every file is read and checked before anything runs.
    let mut scenarios = Vec::new();
    for path in &args.paths {
        for file in scenario_files(path)? {
            scenarios.push(overrides.apply(Scenario::load(&file)?));
        }
    }
    report::prepare_dir(&args.out)?;

    let method = method(args.method);
    let progress = progress_bar(&scenarios, method, args.quiet);
    let mut stdout = Printer::default();
    let mut runs = Vec::new();
    for scenario in scenarios {
        let run = ScenarioRun::evaluate(scenario, method, &|trials| progress.inc(trials))?;
        if !args.quiet {
            stdout.print(&report::table(&run));
        }
        runs.push(run);
    }
    progress.finish_and_clear();
    let html = if args.no_charts {
        None
    } else {
        Some(dosesim::html::report_html(&runs)?)
    };
    let mut written = report::write_outputs(&args.out, &runs, html.as_deref())?;
    if !args.no_charts {
        for run in &runs {
            written.extend(plot::write_charts(run, &args.out)?);
        }
    }
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

/// A progress bar on stderr for Monte Carlo work expected to take more than
/// about a second; hidden with `--quiet` and when stderr is not a terminal.
fn progress_bar(scenarios: &[Scenario], method: MethodChoice, quiet: bool) -> ProgressBar {
    // Exact results take milliseconds; count only what will be simulated.
    let simulated = matches!(method, MethodChoice::Mc | MethodChoice::Both);
    let trials: u64 = if simulated {
        scenarios.iter().map(ScenarioRun::planned_trials).sum()
    } else {
        0
    };
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
