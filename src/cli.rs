//! Command-line arguments: as close to the flags as possible; `main` turns
//! them into library calls.

use clap::{Args, Parser, Subcommand};
use dosesim::design::Preset;
use std::path::PathBuf;

/// Operating characteristics of Phase I dose-escalation designs (3+3 and the
/// A+B family), by Monte Carlo simulation.
///
/// A scenario file states the true probability of a dose-limiting toxicity
/// (DLT) at each dose and the designs to compare; dosesim reports, for every
/// truth × design, how often each dose is selected as the MTD, the expected
/// sample size, DLTs and over-dosing — each with its Monte Carlo standard
/// error.
#[derive(Debug, Parser)]
#[command(
    name = "dosesim",
    version,
    propagate_version = true,
    max_term_width = 100
)]
#[command(
    after_help = "Exit status: 0 success, 2 bad input (scenario, flag or output directory), 1 internal error.\n\
                        Start with:  dosesim run scenarios/"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Evaluate every truth × design of one or more scenario files.
    ///
    /// Prints a table per scenario and writes to the output directory:
    /// summary.csv (one row per scenario × truth × design), doses.csv (one row
    /// per dose), sample_size.csv (the distribution of N), results.json
    /// (everything, with provenance), report.html (tables and charts on one
    /// page) and, per truth, three charts as PNG and SVG. Flags override the
    /// scenario files.
    Run(RunArgs),

    /// Combine the part files of a run split with `run --shard` into the
    /// outputs of the whole run.
    ///
    /// The outputs are byte for byte those of the same run in one process.
    /// Parts of different runs, the same shard twice, or a missing shard are
    /// refused. Example: dosesim merge parts/part-*.json --out output
    Merge(MergeArgs),

    /// Run again what a results.json records and compare every figure.
    ///
    /// Re-runs the recorded job (scenario texts, overrides, method, seed,
    /// trials). Exact figures must agree to 1e-9; Monte Carlo figures agree
    /// bit for bit when nothing changed, and otherwise must lie within
    /// --tolerance combined standard errors. Prints what moved; exit status 1
    /// when anything moved beyond tolerance. Example:
    /// dosesim check tests/golden/textbook_cases.json
    Check(CheckArgs),

    /// Exact operating characteristics of one curve, without a scenario file.
    ///
    /// Prints the table only; nothing is written. Example:
    /// dosesim exact --p 0.05,0.1,0.2,0.3 --preset korn
    Exact(ExactArgs),
}

/// Which engine evaluates the scenarios.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Method {
    /// Exact where the design allows it, Monte Carlo otherwise.
    Auto,
    /// Monte Carlo simulation.
    Mc,
    /// Exact enumeration of trial paths (3+3 and A+B designs).
    Exact,
    /// Both, and a self-check of every Monte Carlo figure against the exact
    /// one (|z| > 4 is flagged; written to selfcheck.csv).
    Both,
}

#[derive(Debug, Args)]
pub struct ExactArgs {
    /// True DLT probability per dose, comma-separated.
    #[arg(
        long = "p",
        value_name = "P1,P2,...",
        value_delimiter = ',',
        required = true,
        allow_negative_numbers = true
    )]
    pub p_dlt: Vec<f64>,

    /// Target DLT rate.
    #[arg(long, value_name = "RATE", default_value_t = 0.30)]
    pub target: f64,

    /// 3+3 presets to evaluate [default: strict].
    #[arg(long, value_name = "P", value_delimiter = ',', value_parser = parse_preset)]
    pub preset: Vec<Preset>,
}

#[derive(Debug, Args)]
pub struct RunArgs {
    /// Scenario files (.toml), or directories whose .toml files are run in
    /// name order.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// Simulated trials per truth × design (e.g. 100000, 1_000_000 or 1e6);
    /// overrides [simulation] trials.
    #[arg(long, value_name = "N", value_parser = parse_trials)]
    pub trials: Option<u64>,

    /// Seed of the random numbers; overrides [simulation] seed. Same seed,
    /// same results, whatever the number of threads.
    #[arg(long, value_name = "S")]
    pub seed: Option<u64>,

    /// Worker threads [default: one per core]. Results do not depend on it.
    #[arg(long, value_name = "T", value_parser = clap::value_parser!(u16).range(1..=1024))]
    pub threads: Option<u16>,

    /// Run only shard I of N (0-based: 0/4 … 3/4) of the Monte Carlo
    /// batches and write part-I-of-N.json to --out, for `dosesim merge`.
    /// Every shard must get the same files and flags.
    #[arg(long, value_name = "I/N", value_parser = dosesim::engine::Shard::parse)]
    pub shard: Option<dosesim::engine::Shard>,

    /// Replace the files' designs by these 3+3 presets: storer (no
    /// de-escalation), korn (de-escalate so the MTD has 6 patients), strict
    /// (korn, and the top dose also needs 6). Comma-separated or repeated.
    #[arg(long, value_name = "P", value_delimiter = ',', value_parser = parse_preset)]
    pub preset: Vec<Preset>,

    /// exact, mc, both or auto: exact where the design allows it, else Monte
    /// Carlo. The `method` column of every output says which was used.
    #[arg(long, value_enum, default_value_t = Method::Auto)]
    pub method: Method,

    #[command(flatten)]
    pub output: OutputArgs,
}

/// Where and what to write.
#[derive(Debug, Args)]
pub struct OutputArgs {
    /// Directory for the outputs; created if missing.
    #[arg(long, value_name = "DIR", default_value = "output")]
    pub out: PathBuf,

    /// Write no charts and no report.html (for large sweeps: every truth gets
    /// three charts, each as PNG and SVG).
    #[arg(long)]
    pub no_charts: bool,

    /// Do not print the tables.
    #[arg(long, short)]
    pub quiet: bool,
}

#[derive(Debug, Args)]
pub struct MergeArgs {
    /// Part files written by `dosesim run --shard`, one per shard.
    #[arg(required = true, value_name = "PART")]
    pub parts: Vec<PathBuf>,

    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// A results.json written by `dosesim run` or `dosesim merge`.
    #[arg(value_name = "RESULTS.json")]
    pub results: PathBuf,

    /// How many combined standard errors a Monte Carlo figure may move when
    /// it is not bit-identical.
    #[arg(long, value_name = "Z", default_value_t = dosesim::check::DEFAULT_Z)]
    pub tolerance: f64,

    /// Rows of the table of differences to print.
    #[arg(long, value_name = "N", default_value_t = 40)]
    pub rows: usize,

    /// Worker threads [default: one per core]. Results do not depend on it.
    #[arg(long, value_name = "T", value_parser = clap::value_parser!(u16).range(1..=1024))]
    pub threads: Option<u16>,
}

fn parse_trials(s: &str) -> Result<u64, String> {
    let cleaned = s.replace('_', "");
    let value = match cleaned.parse::<i64>() {
        Ok(v) => v,
        // Scientific notation such as 1e6, if it is a whole number.
        Err(_) => match cleaned.parse::<f64>() {
            Ok(f) if f.fract() == 0.0 && f.abs() < 9e18 => f as i64,
            _ => return Err(format!("{s:?} is not a whole number of trials")),
        },
    };
    dosesim::scenario::check_trials(value)
}

fn parse_preset(s: &str) -> Result<Preset, String> {
    s.parse()
        .map_err(|e: dosesim::design::DesignError| e.to_string())
}
