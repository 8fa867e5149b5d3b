//! Evaluating a scenario: every truth × design pair, one after another, each
//! spread over all cores by the engine.

use crate::design::{DesignError, Preset};
use crate::engine::{McSettings, simulate_ab};
use crate::exact::ExactError;
use crate::scenario::{DesignSpec, Scenario};
use crate::summary::OperatingCharacteristics;
use crate::tally::{Tally, Weight};
use serde::Serialize;

/// Command-line overrides of what a scenario file says.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MethodChoice {
    /// Exact where the design allows it (every A+B design whose state space
    /// fits, see [`crate::exact`]), Monte Carlo otherwise.
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
    #[error("design {design:?}: {source}")]
    Design {
        design: String,
        #[source]
        source: DesignError,
    },
    #[error("truth {truth:?}, design {design:?}: exact method: {source}")]
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
        let k = scenario.doses.len();
        let sim = scenario.simulation;
        let settings = McSettings {
            trials: sim.trials,
            seed: sim.seed,
        };
        let mut results = Vec::new();
        let mut checks = Vec::new();
        for (t, truth) in scenario.truths.iter().enumerate() {
            for (d, spec) in scenario.designs.iter().enumerate() {
                let design = spec.build(k).map_err(|source| RunError::Design {
                    design: spec.name.clone(),
                    source,
                })?;
                let pair = |seed, oc| PairResult {
                    truth: t,
                    design: d,
                    seed,
                    oc,
                };
                let exact = match method {
                    MethodChoice::Mc => None,
                    _ => match crate::exact::exact_ab(&design, truth, scenario.target) {
                        Ok(tally) => Some(summarise(&scenario, t, &tally, None)),
                        Err(_) if method == MethodChoice::Auto => None,
                        Err(source) => {
                            return Err(RunError::Exact {
                                truth: truth.name.clone(),
                                design: spec.name.clone(),
                                source,
                            });
                        }
                    },
                };
                let mc = (method == MethodChoice::Mc
                    || method == MethodChoice::Both
                    || exact.is_none())
                .then(|| {
                    let tally = simulate_ab(&design, truth, scenario.target, settings, on_trials);
                    summarise(&scenario, t, &tally, Some(sim.trials))
                });
                if let (Some(exact), Some(mc)) = (&exact, &mc) {
                    checks.extend(self_check(exact, mc, t, d));
                }
                results.extend(exact.map(|oc| pair(None, oc)));
                results.extend(mc.map(|oc| pair(Some(sim.seed), oc)));
            }
        }
        Ok(ScenarioRun {
            scenario,
            results,
            checks,
        })
    }
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
