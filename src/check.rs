//! Regression checks: `dosesim check RESULTS.json` runs again exactly what a
//! `results.json` records (its job: scenario texts, overrides, method, seed,
//! trials) and compares every figure with the recorded one.
//!
//! * Exact figures must agree to [`EXACT_TOLERANCE`].
//! * Monte Carlo figures of an unchanged engine agree bit for bit (same seed,
//!   same counts). When they differ — a change meant to keep the statistics
//!   but not the random stream — each must lie within `z` combined standard
//!   errors, |new − old| ≤ z·sqrt(se_old² + se_new²), and its standard
//!   error may not have halved or doubled; with both errors 0 the figures
//!   must agree to [`EXACT_TOLERANCE`].
//!
//! Every estimate of every truth × design × method is compared, per-dose ones
//! included, and so are the distributions of N and of the DLT count and the
//! paired differences between designs (each difference with its paired
//! standard error).

use crate::job::Job;
use crate::report::{JsonReadError, RESULTS_SCHEMA, read_json};
use crate::run::{RunError, ScenarioRun};
use crate::scenario::ScenarioError;
use crate::summary::{Estimate, Method, OperatingCharacteristics};
use crate::time::TimeCharacteristics;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::fmt::Write;
use std::path::{Path, PathBuf};

/// Exact figures, and Monte Carlo ones without a standard error, may differ
/// by rounding only.
pub const EXACT_TOLERANCE: f64 = 1e-9;

/// Default number of combined standard errors a Monte Carlo figure may move.
pub const DEFAULT_Z: f64 = 4.0;

/// Why a check could not be made (as opposed to a check that failed).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CheckError {
    #[error("{path}: cannot read")]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}: not a dosesim results.json: {problem}")]
    Format { path: PathBuf, problem: String },
    #[error("{path}: recorded scenario")]
    Scenario {
        path: PathBuf,
        #[source]
        source: ScenarioError,
    },
    #[error("{path}")]
    Run {
        path: PathBuf,
        #[source]
        source: RunError,
    },
}

/// What a `results.json` holds that a check needs.
#[derive(Debug, Clone, Deserialize)]
pub struct Recorded {
    pub schema: String,
    pub dosesim_version: String,
    pub job: Job,
    pub scenarios: Vec<RecordedScenario>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct RecordedScenario {
    pub scenario: RecordedName,
    pub results: Vec<RecordedResult>,
    /// Absent when the scenario had one design.
    #[serde(default)]
    pub comparisons: Vec<RecordedComparison>,
}

/// A paired difference as results.json records it (indices into the
/// scenario's truths and designs, which the recorded job rebuilds).
#[derive(Debug, Clone, Deserialize)]
pub struct RecordedComparison {
    pub truth: usize,
    pub method: Method,
    pub a: usize,
    pub b: usize,
    pub figure: String,
    #[serde(deserialize_with = "crate::summary::nan_as_null")]
    pub diff: f64,
    #[serde(deserialize_with = "crate::summary::nan_as_null")]
    pub se_paired: f64,
}

#[derive(Debug, Clone, Deserialize)]
pub struct RecordedName {
    pub name: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct RecordedResult {
    pub truth: String,
    pub design: String,
    pub oc: OperatingCharacteristics,
}

impl Recorded {
    pub fn read(path: &Path) -> Result<Recorded, CheckError> {
        read_json(path, RESULTS_SCHEMA, "dosesim run").map_err(|e| match e {
            JsonReadError::Io(source) => CheckError::Read {
                path: path.to_path_buf(),
                source,
            },
            JsonReadError::Format(problem) => CheckError::Format {
                path: path.to_path_buf(),
                problem,
            },
        })
    }
}

/// How a figure compares.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Verdict {
    /// The same bits.
    Identical,
    /// Different, within tolerance.
    Within,
    /// Beyond tolerance.
    Moved,
}

/// One figure, recorded and recomputed.
#[derive(Debug, Clone, PartialEq)]
pub struct Difference {
    /// "scenario / truth / design (method)".
    pub result: String,
    pub figure: String,
    pub old: Estimate,
    pub new: Estimate,
    /// (new − old) / sqrt(se_old² + se_new²), when that is defined.
    pub z: Option<f64>,
    pub verdict: Verdict,
}

/// The outcome of a check.
#[derive(Debug, Clone, Default)]
pub struct CheckReport {
    pub recorded_version: String,
    pub figures: usize,
    pub identical: usize,
    /// Every figure that is not identical, within tolerance or not.
    pub differences: Vec<Difference>,
    /// Results recorded but not recomputed, or the other way round.
    pub unmatched: Vec<String>,
}

impl CheckReport {
    pub fn passed(&self) -> bool {
        self.unmatched.is_empty() && self.moved() == 0
    }

    pub fn moved(&self) -> usize {
        self.differences
            .iter()
            .filter(|d| d.verdict == Verdict::Moved)
            .count()
    }

    /// A table of what moved (beyond tolerance first), then one line of totals.
    pub fn render(&self, z: f64, max_rows: usize) -> String {
        let mut out = String::new();
        for u in &self.unmatched {
            let _ = writeln!(out, "MISSING  {u}");
        }
        let mut rows = self.differences.clone();
        rows.sort_by(|a, b| {
            b.verdict.cmp(&a.verdict).then_with(|| {
                let za = a.z.map_or(f64::INFINITY, f64::abs);
                let zb = b.z.map_or(f64::INFINITY, f64::abs);
                zb.total_cmp(&za)
            })
        });
        let mut table = vec![
            ["verdict", "result", "figure", "recorded", "now", "z"]
                .map(String::from)
                .to_vec(),
        ];
        for d in rows.iter().take(max_rows) {
            let verdict = match d.verdict {
                Verdict::Moved => "MOVED",
                Verdict::Within => "within",
                Verdict::Identical => "same",
            };
            table.push(vec![
                verdict.to_string(),
                d.result.clone(),
                d.figure.clone(),
                show(d.old),
                show(d.new),
                d.z.map_or("-".to_string(), |z| format!("{z:.2}")),
            ]);
        }
        if table.len() > 1 {
            crate::report::render(&table, &mut out);
        }
        if rows.len() > max_rows {
            let _ = writeln!(out, "… and {} more", rows.len() - max_rows);
        }
        let within = self.differences.len() - self.moved();
        let _ = writeln!(
            out,
            "{}: {} figures compared: {} identical, {within} within tolerance (exact {EXACT_TOLERANCE:e}, Monte Carlo {z} SE), {} moved{}",
            if self.passed() { "PASS" } else { "FAIL" },
            self.figures,
            self.identical,
            self.moved(),
            if self.unmatched.is_empty() {
                String::new()
            } else {
                format!(", {} results unmatched", self.unmatched.len())
            }
        );
        out
    }
}

fn show(e: Estimate) -> String {
    if e.se > 0.0 {
        format!("{:.6} ± {:.2e}", e.value, e.se)
    } else {
        format!("{}", e.value)
    }
}

/// Runs `recorded`'s job again and compares; Monte Carlo figures may move by
/// `z` combined standard errors. `on_trials` hears of simulated trials.
pub fn check(
    path: &Path,
    recorded: &Recorded,
    z: f64,
    on_trials: &(dyn Fn(u64) + Sync),
) -> Result<CheckReport, CheckError> {
    let scenarios = recorded
        .job
        .scenarios()
        .map_err(|source| CheckError::Scenario {
            path: path.to_path_buf(),
            source,
        })?;
    let mut report = CheckReport {
        recorded_version: recorded.dosesim_version.clone(),
        ..CheckReport::default()
    };
    if scenarios.len() != recorded.scenarios.len() {
        return Err(CheckError::Format {
            path: path.to_path_buf(),
            problem: format!(
                "the job has {} scenarios but {} are recorded",
                scenarios.len(),
                recorded.scenarios.len()
            ),
        });
    }
    for (scenario, old) in scenarios.into_iter().zip(&recorded.scenarios) {
        let run =
            ScenarioRun::evaluate(scenario, recorded.job.method, on_trials).map_err(|source| {
                CheckError::Run {
                    path: path.to_path_buf(),
                    source,
                }
            })?;
        compare_scenario(&run, old, z, &mut report);
    }
    Ok(report)
}

fn compare_scenario(run: &ScenarioRun, old: &RecordedScenario, z: f64, report: &mut CheckReport) {
    let s = &run.scenario;
    // Results are matched by (truth, design, method), never by a string that
    // joins them: names may hold any separator.
    let name = |truth: &str, design: &str, method: &str| {
        format!("{} / {truth} / {design} ({method})", s.name)
    };
    let mut recorded: BTreeMap<(&str, &str, &str), &OperatingCharacteristics> = old
        .results
        .iter()
        .map(|r| {
            (
                (r.truth.as_str(), r.design.as_str(), r.oc.method.name()),
                &r.oc,
            )
        })
        .collect();
    for r in &run.results {
        let key = (
            s.truths[r.truth].name.as_str(),
            s.designs[r.design].name.as_str(),
            r.oc.method.name(),
        );
        let name = name(key.0, key.1, key.2);
        match recorded.remove(&key) {
            Some(old) => compare_result(&name, old, &r.oc, z, report),
            None => report
                .unmatched
                .push(format!("{name}: not in the recorded results")),
        }
    }
    report
        .unmatched
        .extend(recorded.into_keys().map(|(truth, design, method)| {
            format!(
                "{}: recorded but not computed now",
                name(truth, design, method)
            )
        }));

    // Paired differences: the difference with its paired standard error, the
    // figure a comparison of designs rests on.
    let pair = |truth: usize, a: usize, b: usize, method: Method| {
        let name = |d: usize| s.designs.get(d).map_or("?", |d| d.name.as_str());
        let truth = s.truths.get(truth).map_or("?", |t| t.name.as_str());
        format!(
            "{} / {truth} / {} − {} ({})",
            s.name,
            name(a),
            name(b),
            method.name()
        )
    };
    // Matched by indices: the recorded job rebuilds the same truths and designs.
    let mut recorded: BTreeMap<(usize, usize, usize, &str, &str), &RecordedComparison> = old
        .comparisons
        .iter()
        .map(|c| ((c.truth, c.a, c.b, c.method.name(), c.figure.as_str()), c))
        .collect();
    for c in &run.comparisons {
        let name = pair(c.truth, c.a, c.b, c.method);
        let figure = format!("diff[{}]", c.figure);
        match recorded.remove(&(c.truth, c.a, c.b, c.method.name(), c.figure)) {
            Some(old) => {
                let o = Estimate {
                    value: old.diff,
                    se: old.se_paired,
                };
                let n = Estimate {
                    value: c.diff,
                    se: c.se_paired,
                };
                compare_figure(&name, figure, o, n, c.method, z, report);
            }
            None => report
                .unmatched
                .push(format!("{name} {figure}: not in the recorded comparisons")),
        }
    }
    report.unmatched.extend(recorded.into_values().map(|c| {
        let name = pair(c.truth, c.a, c.b, c.method);
        format!("{name} diff[{}]: recorded but not computed now", c.figure)
    }));
}

fn compare_result(
    result: &str,
    old: &OperatingCharacteristics,
    new: &OperatingCharacteristics,
    z: f64,
    report: &mut CheckReport,
) {
    let mut figures: Vec<(String, Estimate, Estimate)> = old
        .figures()
        .into_iter()
        .zip(new.figures())
        .map(|((name, o), (_, n))| (name, o, n))
        .collect();
    if old.doses.len() != new.doses.len() {
        report.unmatched.push(format!(
            "{result}: {} doses recorded, {} now",
            old.doses.len(),
            new.doses.len()
        ));
        return;
    }
    // Distributions: a probability's Monte Carlo error is sqrt(p(1 − p)/R).
    for (label, o, n) in [
        ("P(N = {})", &old.sample_size, &new.sample_size),
        ("P(DLTs = {})", &old.dlt_count, &new.dlt_count),
    ] {
        let lookup = |pmf: &[(u32, f64)], v| pmf.iter().find(|(k, _)| *k == v).map_or(0.0, |p| p.1);
        let mut values: Vec<u32> = o.iter().chain(n.iter()).map(|p| p.0).collect();
        values.sort_unstable();
        values.dedup();
        for v in values {
            let est = |oc: &OperatingCharacteristics, p: f64| Estimate {
                value: p,
                se: oc.trials.map_or(0.0, |r| (p * (1.0 - p) / r as f64).sqrt()),
            };
            figures.push((
                label.replace("{}", &v.to_string()),
                est(old, lookup(o, v)),
                est(new, lookup(n, v)),
            ));
        }
    }
    // Standard deviations: an estimate from R trials has an error of about
    // sd / sqrt(2R).
    for (label, o, n) in [
        ("sd_n", old.sd_n, new.sd_n),
        ("sd_dlt", old.sd_dlt, new.sd_dlt),
    ] {
        let est = |oc: &OperatingCharacteristics, sd: f64| Estimate {
            value: sd,
            se: oc.trials.map_or(0.0, |r| sd / (2.0 * r as f64).sqrt()),
        };
        figures.push((label.to_string(), est(old, o), est(new, n)));
    }
    match (&old.time, &new.time) {
        (Some(o), Some(n)) => figures.extend(time_figures(old, o, new, n)),
        (None, None) => {}
        (o, _) => report.unmatched.push(format!(
            "{result}: time figures {}",
            if o.is_some() {
                "recorded but not computed now"
            } else {
                "computed now but not recorded"
            }
        )),
    }
    for (figure, o, n) in figures {
        compare_figure(result, figure, o, n, new.method, z, report);
    }
}

/// The time figures of two results, those without a standard error of
/// their own given the large-sample one: sd / sqrt(2R) for the standard
/// deviation, sd·sqrt(q(1 − q)) / (φ(z_q)·sqrt(R)) for a quantile (its
/// normal approximation).
fn time_figures(
    old: &OperatingCharacteristics,
    o: &TimeCharacteristics,
    new: &OperatingCharacteristics,
    n: &TimeCharacteristics,
) -> Vec<(String, Estimate, Estimate)> {
    // φ(Φ⁻¹(q)) for q = 0.1, 0.5, 0.9.
    let spread = |name: &str| match name {
        "sd_duration_days" => 1.0 / 2f64.sqrt(),
        "duration_days_q50" => 0.5 / 0.398_942_280_4,
        "duration_days_q10" | "duration_days_q90" => 0.3 / 0.175_498_331_9,
        _ => 0.0,
    };
    let with_se = |oc: &OperatingCharacteristics, t: &TimeCharacteristics, name, e: Estimate| {
        let factor = spread(name);
        if factor == 0.0 {
            return e;
        }
        let se = oc
            .trials
            .map_or(0.0, |r| factor * t.sd_duration_days / (r as f64).sqrt());
        Estimate { value: e.value, se }
    };
    o.figures()
        .into_iter()
        .zip(n.figures())
        .map(|((name, a), (_, b))| {
            (
                name.to_string(),
                with_se(old, o, name, a),
                with_se(new, n, name, b),
            )
        })
        .collect()
}

/// One figure, recorded (`o`) and now (`n`), by `method`'s rule.
fn compare_figure(
    result: &str,
    figure: String,
    o: Estimate,
    n: Estimate,
    method: Method,
    z: f64,
    report: &mut CheckReport,
) {
    report.figures += 1;
    if o.value.to_bits() == n.value.to_bits() && o.se.to_bits() == n.se.to_bits() {
        report.identical += 1;
        return;
    }
    let diff = n.value - o.value;
    let combined = o.se.hypot(n.se);
    let (zscore, ok) = if method == Method::Exact || combined == 0.0 {
        (None, diff.abs() <= EXACT_TOLERANCE)
    } else {
        let zscore = diff / combined;
        // A standard error that halved or doubled is a changed statistic,
        // not sampling noise (an SE estimate from R trials moves by about
        // 1/sqrt(2R) of itself).
        let ratio = n.se / o.se;
        let se_kept = !(o.se > 0.0 && n.se > 0.0) || (0.5..=2.0).contains(&ratio);
        (Some(zscore), zscore.abs() <= z && se_kept)
    };
    report.differences.push(Difference {
        result: result.to_string(),
        figure,
        old: o,
        new: n,
        z: zscore,
        verdict: if ok { Verdict::Within } else { Verdict::Moved },
    });
}
