//! The `dosesim` command: parses arguments, calls the library, prints, and
//! maps failures to exit codes. All the work is in the library.

mod cli;

use anyhow::Context;
use clap::Parser;
use cli::{Cli, Command, ExactArgs, RunArgs};
use dosesim::report::{self, ReportError};
use dosesim::run::{MethodChoice, Overrides, RunError, ScenarioRun};
use dosesim::scenario::{Scenario, ScenarioError, scenario_files};
use std::io::Write;
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

    let mut stdout = Printer::default();
    let mut runs = Vec::new();
    for scenario in scenarios {
        let run = ScenarioRun::evaluate(scenario, method(args.method), &|_| {})?;
        if !args.quiet {
            stdout.print(&report::table(&run));
        }
        runs.push(run);
    }
    let written = report::write_outputs(&args.out, &runs)?;
    let names: Vec<String> = written.iter().map(|p| p.display().to_string()).collect();
    eprintln!("wrote {}", names.join(", "));
    Ok(())
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
