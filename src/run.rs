//! Evaluating a scenario: every truth × design pair, one after another, each
//! spread over all cores by the engine.

use crate::compare::{Comparison, compare};
use crate::design::graph::Compiled;
use crate::design::{AnyDesign, DesignSpec, Preset, SpecError};
use crate::engine::{Joint, McSettings, Shard, TrialError, simulate_designs};
use crate::exact::ExactError;
use crate::scenario::Scenario;
use crate::summary::OperatingCharacteristics;
use crate::tally::{Tally, Weight};
use crate::time::TimeCharacteristics;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

/// Command-line overrides of what a scenario file says.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Overrides {
    pub trials: Option<u64>,
    pub seed: Option<u64>,
    /// Replace the file's designs with these 3+3 presets.
    pub presets: Vec<Preset>,
}

impl Overrides {
    /// The scenario as it will run.
    pub fn apply(&self, mut scenario: Scenario) -> Scenario {
        if let Some(trials) = self.trials {
            scenario.simulation.trials = trials;
        }
        if let Some(seed) = self.seed {
            scenario.simulation.seed = seed;
        }
        if !self.presets.is_empty() {
            scenario.designs = self
                .presets
                .iter()
                .map(|&p| DesignSpec::preset(p))
                .collect();
        }
        scenario
    }
}

/// Which engine evaluates a scenario.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MethodChoice {
    /// Exact where the design allows it, which every design of the A+B
    /// family does (see [`crate::exact::exact_ab`]).
    #[default]
    Auto,
    /// Monte Carlo only.
    Mc,
    /// Exact only; a design it cannot handle is an error.
    Exact,
    /// Both, and a self-check of every Monte Carlo figure against the exact one.
    Both,
}

/// Why a scenario could not be evaluated.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RunError {
    #[error("design {design:?}")]
    Design {
        design: String,
        #[source]
        source: SpecError,
    },
    #[error("truth {truth:?}, design {design:?}: Monte Carlo")]
    Simulation {
        truth: String,
        design: String,
        #[source]
        source: Box<TrialError>,
    },
    #[error("truth {truth:?}, design {design:?}: exact method")]
    Exact {
        truth: String,
        design: String,
        #[source]
        source: ExactError,
    },
}

/// One design evaluated on one truth.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PairResult {
    /// Index into the scenario's truths.
    pub truth: usize,
    /// Index into the scenario's designs.
    pub design: usize,
    /// Seed of the random numbers (Monte Carlo only).
    pub seed: Option<u64>,
    pub oc: OperatingCharacteristics,
}

/// A Monte Carlo figure held against its exact value (`--method both`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Check {
    pub truth: usize,
    pub design: usize,
    /// The figure's name, as in the CSV files (`p_select[2]` for dose 2).
    pub figure: String,
    pub exact: f64,
    pub estimate: f64,
    pub se: f64,
    /// (estimate − exact) / se; 0 when both agree exactly, infinite when they
    /// differ with a standard error of 0.
    pub z: f64,
}

/// |z| above which a self-check flags a figure.
pub const CHECK_Z: f64 = 4.0;

/// A scenario and what it gave.
#[derive(Debug, Clone, PartialEq)]
pub struct ScenarioRun {
    pub scenario: Scenario,
    /// Per truth × design, the exact result before the Monte Carlo one when
    /// both were computed.
    pub results: Vec<PairResult>,
    /// Filled by [`MethodChoice::Both`].
    pub checks: Vec<Check>,
    /// Every pair of designs on every truth, per method (none with one design).
    pub comparisons: Vec<Comparison>,
}

/// The Monte Carlo counts of a scenario, or of one shard of it: per truth,
/// the joint tally of all its designs (none for a truth a shard does not
/// run). Counts of the shards of a run add up to the counts of the whole run.
pub type Counts = Vec<Joint>;

impl MethodChoice {
    /// The method `scenario` runs under: `Auto` is exact when the exact
    /// engine can take every design's trial tree, and Monte Carlo when one is
    /// too large (see [`too_large_for_exact`]) or the scenario is timed (time
    /// figures come only from simulation). Other choices stand as given.
    pub fn resolve(self, scenario: &Scenario) -> MethodChoice {
        match self {
            // Time has no exact engine.
            MethodChoice::Auto if scenario.timing.is_some() => MethodChoice::Mc,
            MethodChoice::Auto if !too_large_for_exact(scenario).is_empty() => MethodChoice::Mc,
            other => other,
        }
    }

    /// Whether this method simulates.
    pub fn simulates(self) -> bool {
        matches!(self, MethodChoice::Mc | MethodChoice::Both)
    }
}

impl ScenarioRun {
    /// Total number of trials a Monte Carlo run of `scenario` simulates.
    pub fn planned_trials(scenario: &Scenario) -> u64 {
        scenario.simulation.trials * (scenario.truths.len() * scenario.designs.len()) as u64
    }

    /// [`Self::evaluate`] with Monte Carlo only.
    pub fn monte_carlo(
        scenario: Scenario,
        on_trials: &(dyn Fn(u64) + Sync),
    ) -> Result<ScenarioRun, RunError> {
        Self::evaluate(scenario, MethodChoice::Mc, on_trials)
    }

    /// Evaluates every truth × design pair of `scenario` by `method`. Monte
    /// Carlo pairs all use the scenario's seed, so designs and truths see the
    /// same patients. `on_trials` hears of finished trials, for progress.
    pub fn evaluate(
        scenario: Scenario,
        method: MethodChoice,
        on_trials: &(dyn Fn(u64) + Sync),
    ) -> Result<ScenarioRun, RunError> {
        let method = method.resolve(&scenario);
        let designs = build_designs(&scenario)?;
        let compiled = compiled_designs(&scenario)?;
        // Each truth's tallies are summarised as soon as they are counted, so
        // a sweep holds the tallies of the truths in flight only.
        let per_truth = (0..scenario.truths.len())
            .into_par_iter()
            .map(|t| {
                let joint = method
                    .simulates()
                    .then(|| simulate_truth(&scenario, &compiled, t, Shard::WHOLE, on_trials))
                    .transpose()?;
                evaluate_truth(&scenario, &designs, t, method, joint.as_ref())
            })
            .collect::<Result<_, _>>()?;
        Ok(Self::collect(scenario, per_truth))
    }

    /// The Monte Carlo part of [`Self::evaluate`], for the batches of `shard`
    /// only: `None` when `method` does not simulate.
    pub fn simulate(
        scenario: &Scenario,
        method: MethodChoice,
        shard: Shard,
        on_trials: &(dyn Fn(u64) + Sync),
    ) -> Result<Option<Counts>, RunError> {
        if !method.resolve(scenario).simulates() {
            return Ok(None);
        }
        let designs = compiled_designs(scenario)?;
        let (truths, trials) = (scenario.truths.len(), scenario.simulation.trials);
        let counts = (0..truths)
            .into_par_iter()
            .map(|t| {
                // A truth outside the shard's block holds no tallies at all,
                // so a shard of a sweep holds only its own truths' counts.
                if shard.trials(t, truths, trials) == 0 {
                    Ok(Joint::empty(&[]))
                } else {
                    simulate_truth(scenario, &designs, t, shard, on_trials)
                }
            })
            .collect::<Result<_, _>>()?;
        Ok(Some(counts))
    }

    /// Everything [`Self::evaluate`] reports, from the Monte Carlo `counts`
    /// of the whole run (when `method` simulates): exact results, summaries,
    /// self-checks and comparisons.
    pub fn assemble(
        scenario: Scenario,
        method: MethodChoice,
        counts: Option<Counts>,
    ) -> Result<ScenarioRun, RunError> {
        let method = method.resolve(&scenario);
        let designs = build_designs(&scenario)?;
        let per_truth = (0..scenario.truths.len())
            .into_par_iter()
            .map(|t| {
                let joint = counts.as_ref().map(|c| &c[t]);
                evaluate_truth(&scenario, &designs, t, method, joint)
            })
            .collect::<Result<_, _>>()?;
        Ok(Self::collect(scenario, per_truth))
    }

    fn collect(scenario: Scenario, per_truth: Vec<TruthResults>) -> ScenarioRun {
        let mut run = ScenarioRun {
            scenario,
            results: Vec::new(),
            checks: Vec::new(),
            comparisons: Vec::new(),
        };
        for truth in per_truth {
            run.results.extend(truth.results);
            run.checks.extend(truth.checks);
            run.comparisons.extend(truth.comparisons);
        }
        run
    }
}

/// Every design on truth `t`, on the same simulated patients. Truths run in
/// parallel as well as batches, so a sweep of many truths at few trials each
/// still keeps every core busy.
fn simulate_truth(
    scenario: &Scenario,
    designs: &[Compiled<AnyDesign>],
    t: usize,
    shard: Shard,
    on_trials: &(dyn Fn(u64) + Sync),
) -> Result<Joint, RunError> {
    let truth = &scenario.truths[t];
    let sim = scenario.simulation;
    let settings = McSettings {
        trials: sim.trials,
        seed: sim.seed,
        timing: scenario.timing,
    };
    let true_mtd = truth.true_mtd(scenario.target, scenario.true_mtd);
    let batches = shard.batches(t, scenario.truths.len(), sim.trials);
    simulate_designs(
        designs,
        truth,
        scenario.target,
        true_mtd,
        settings,
        batches,
        on_trials,
    )
    .map_err(|source| RunError::Simulation {
        truth: truth.name.clone(),
        design: scenario.designs[source.design].name.clone(),
        source: Box::new(source),
    })
}

/// One truth's share of a [`ScenarioRun`].
struct TruthResults {
    results: Vec<PairResult>,
    checks: Vec<Check>,
    comparisons: Vec<Comparison>,
}

/// The scenario's designs, ready for the Monte Carlo engine: each one's
/// state graph is built once for all the truths, when the run has at least
/// as many trials as the design has states.
fn compiled_designs(scenario: &Scenario) -> Result<Vec<Compiled<AnyDesign>>, RunError> {
    let (truths, trials) = (scenario.truths.len() as u64, scenario.simulation.trials);
    let max_nodes = usize::try_from(trials.saturating_mul(truths)).unwrap_or(usize::MAX);
    Ok(build_designs(scenario)?
        .into_iter()
        .map(|design| Compiled::new(design, max_nodes))
        .collect())
}

/// The scenario's designs, built for its number of doses.
/// The names of the designs of `scenario` whose trial trees are too large
/// for the exact engine (an interval design or a CRM with many doses and
/// patients; see [`AnyDesign::exact_feasible`]); all of them when the
/// designs do not build.
pub fn too_large_for_exact(scenario: &Scenario) -> Vec<&str> {
    let names = scenario.designs.iter().map(|spec| spec.name.as_str());
    match build_designs(scenario) {
        Ok(designs) => names
            .zip(&designs)
            .filter(|(_, design)| !design.exact_feasible())
            .map(|(name, _)| name)
            .collect(),
        Err(_) => names.collect(),
    }
}

pub fn build_designs(scenario: &Scenario) -> Result<Vec<AnyDesign>, RunError> {
    let k = scenario.doses.len();
    scenario
        .designs
        .iter()
        .map(|spec| {
            spec.build(k).map_err(|source| RunError::Design {
                design: spec.name.clone(),
                source,
            })
        })
        .collect()
}

fn evaluate_truth(
    scenario: &Scenario,
    designs: &[AnyDesign],
    t: usize,
    method: MethodChoice,
    joint: Option<&Joint>,
) -> Result<TruthResults, RunError> {
    let truth = &scenario.truths[t];
    let exact = if method == MethodChoice::Mc {
        None
    } else {
        let ocs = designs
            .iter()
            .zip(&scenario.designs)
            .map(|(design, spec)| {
                design
                    .exact(truth, scenario.target)
                    .map(|tally| summarise(scenario, t, &tally, None))
                    .map_err(|source| RunError::Exact {
                        truth: truth.name.clone(),
                        design: spec.name.clone(),
                        source,
                    })
            })
            .collect::<Result<Vec<_>, _>>()?;
        Some(ocs)
    };
    let trials = scenario.simulation.trials;
    let mc = joint.map(|joint| {
        joint
            .tallies
            .iter()
            .enumerate()
            .map(|(d, tally)| {
                debug_assert_eq!(tally.total(), trials, "incomplete Monte Carlo counts");
                let mut oc = summarise(scenario, t, tally, Some(trials));
                // The benchmark treats nobody: no time either.
                let treats = tally.shape().max_n > 0;
                oc.time = joint
                    .times
                    .as_ref()
                    .map(|times| TimeCharacteristics::from_tally(&times.tallies[d], treats));
                oc
            })
            .collect::<Vec<_>>()
    });
    let mut out = TruthResults {
        results: Vec::new(),
        checks: Vec::new(),
        comparisons: Vec::new(),
    };
    if let (Some(exact), Some(mc)) = (&exact, &mc) {
        for (d, (exact, mc)) in exact.iter().zip(mc).enumerate() {
            out.checks.extend(self_check(exact, mc, t, d));
        }
    }
    let seed = scenario.simulation.seed;
    for d in 0..designs.len() {
        let pair = |seed, oc: &OperatingCharacteristics| PairResult {
            truth: t,
            design: d,
            seed,
            oc: oc.clone(),
        };
        out.results
            .extend(exact.as_ref().map(|e| pair(None, &e[d])));
        out.results
            .extend(mc.as_ref().map(|m| pair(Some(seed), &m[d])));
    }
    if let Some(exact) = &exact {
        let ocs: Vec<_> = exact.iter().collect();
        out.comparisons.extend(compare(t, &ocs, None, None));
    }
    if let (Some(mc), Some(joint)) = (&mc, joint) {
        let ocs: Vec<_> = mc.iter().collect();
        out.comparisons
            .extend(compare(t, &ocs, Some(&joint.pairs), joint.times.as_ref()));
    }
    Ok(out)
}

fn summarise<W: Weight>(
    scenario: &Scenario,
    truth: usize,
    tally: &Tally<W>,
    trials: Option<u64>,
) -> OperatingCharacteristics {
    let truth = &scenario.truths[truth];
    OperatingCharacteristics::from_tally(tally, truth, scenario.target, scenario.true_mtd, trials)
}

/// Every figure of `mc` against `exact`.
fn self_check(
    exact: &OperatingCharacteristics,
    mc: &OperatingCharacteristics,
    truth: usize,
    design: usize,
) -> Vec<Check> {
    exact
        .figures()
        .into_iter()
        .zip(mc.figures())
        // The benchmark has no treatment figures to check.
        .filter(|((_, want), _)| want.is_applicable())
        .map(|((figure, want), (_, got))| {
            let diff = got.value - want.value;
            // Exact figures carry rounding of a few ulps: a degenerate Monte
            // Carlo figure (se 0, e.g. P(dose 1 treated) = 1) matching to
            // 1e-9 agrees. An event too rare to have been seen even once
            // (p·R ≪ 1) also has se 0; its estimate cannot resolve less than
            // one trial in R, so that is the smallest standard error used.
            let resolution = mc.trials.map_or(0.0, |r| 1.0 / r as f64);
            let z = if diff.abs() <= 1e-9 * want.value.abs().max(1.0) {
                0.0
            } else {
                diff / got.se.max(resolution)
            };
            Check {
                truth,
                design,
                figure,
                exact: want.value,
                estimate: got.value,
                se: got.se,
                z,
            }
        })
        .collect()
}
