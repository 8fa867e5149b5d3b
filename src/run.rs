//! Evaluating a scenario: every truth × design pair, one after another, each
//! spread over all cores by the engine.

use crate::design::{DesignError, Preset};
use crate::engine::{McSettings, simulate_ab};
use crate::scenario::{DesignSpec, Scenario};
use crate::summary::OperatingCharacteristics;
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

/// A scenario and what it gave.
#[derive(Debug, Clone, PartialEq)]
pub struct ScenarioRun {
    pub scenario: Scenario,
    pub results: Vec<PairResult>,
}

impl ScenarioRun {
    /// Total number of trials a Monte Carlo run of `scenario` simulates.
    pub fn planned_trials(scenario: &Scenario) -> u64 {
        scenario.simulation.trials * (scenario.truths.len() * scenario.designs.len()) as u64
    }

    /// Simulates every truth × design pair of `scenario`. Every pair uses the
    /// scenario's seed, so designs and truths see the same patients.
    /// `on_trials` hears of finished trials, for progress reporting.
    pub fn monte_carlo(
        scenario: Scenario,
        on_trials: &(dyn Fn(u64) + Sync),
    ) -> Result<ScenarioRun, DesignError> {
        let k = scenario.doses.len();
        let sim = scenario.simulation;
        let settings = McSettings {
            trials: sim.trials,
            seed: sim.seed,
        };
        let mut results = Vec::new();
        for (t, truth) in scenario.truths.iter().enumerate() {
            for (d, spec) in scenario.designs.iter().enumerate() {
                let design = spec.build(k)?;
                let tally = simulate_ab(&design, truth, scenario.target, settings, on_trials);
                let oc = OperatingCharacteristics::from_tally(
                    &tally,
                    truth,
                    scenario.target,
                    scenario.true_mtd,
                    Some(sim.trials),
                );
                results.push(PairResult {
                    truth: t,
                    design: d,
                    seed: Some(sim.seed),
                    oc,
                });
            }
        }
        Ok(ScenarioRun { scenario, results })
    }
}
