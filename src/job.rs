//! What a `dosesim run` was asked to do, in full — the scenario files' text,
//! the command-line overrides and the method — so that it can be done again
//! (`dosesim check`) or in shares on many machines (`--shard`, `dosesim
//! merge`). Scenarios are rebuilt from their text, never from a file that
//! may have changed since.

use crate::run::{MethodChoice, Overrides};
use crate::scenario::{Scenario, ScenarioError, check_trials, scenario_files};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// A run's complete input.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Job {
    pub method: MethodChoice,
    pub overrides: Overrides,
    pub scenarios: Vec<ScenarioSource>,
}

/// A scenario file as it was read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScenarioSource {
    /// Where it was read from: names it in errors and gives its default name.
    pub path: PathBuf,
    pub text: String,
}

impl Job {
    /// Reads and checks the scenario files under `paths` (directories give
    /// their `.toml` files in name order); returns the job and its scenarios
    /// as they will run.
    pub fn load(
        paths: &[PathBuf],
        method: MethodChoice,
        overrides: Overrides,
    ) -> Result<(Job, Vec<Scenario>), ScenarioError> {
        let mut sources = Vec::new();
        let mut scenarios = Vec::new();
        for path in paths {
            for file in scenario_files(path)? {
                let scenario = Scenario::load(&file)?;
                sources.push(ScenarioSource {
                    path: scenario.source.clone(),
                    text: scenario.text.clone(),
                });
                scenarios.push(overrides.apply(scenario));
            }
        }
        let job = Job {
            method,
            overrides,
            scenarios: sources,
        };
        Ok((job, scenarios))
    }

    /// The scenarios as they run, rebuilt from the recorded text. The
    /// overrides are checked as the command line checks them: a job read from
    /// a file may have been edited.
    pub fn scenarios(&self) -> Result<Vec<Scenario>, ScenarioError> {
        if let Some(trials) = self.overrides.trials {
            let as_i64 = i64::try_from(trials).unwrap_or(i64::MAX);
            check_trials(as_i64).map_err(|problem| ScenarioError::Invalid {
                path: PathBuf::from("(recorded job)"),
                field: "job.overrides.trials".into(),
                problem,
            })?;
        }
        self.scenarios
            .iter()
            .map(|s| Ok(self.overrides.apply(Scenario::parse(&s.text, &s.path)?)))
            .collect()
    }

    /// The first difference between two jobs, as "field: this vs that", for
    /// refusing to combine results of different runs.
    pub fn difference(&self, other: &Job) -> Option<String> {
        let o = &self.overrides;
        let p = &other.overrides;
        if self.method != other.method {
            return Some(format!("method: {:?} vs {:?}", self.method, other.method));
        }
        let given = |v: Option<u64>| v.map_or("not given".to_string(), |v| v.to_string());
        if o.trials != p.trials {
            return Some(format!(
                "--trials {} vs {}",
                given(o.trials),
                given(p.trials)
            ));
        }
        if o.seed != p.seed {
            return Some(format!("--seed {} vs {}", given(o.seed), given(p.seed)));
        }
        if o.presets != p.presets {
            return Some(format!("--preset: {:?} vs {:?}", o.presets, p.presets));
        }
        let names =
            |j: &Job| -> Vec<PathBuf> { j.scenarios.iter().map(|s| s.path.clone()).collect() };
        if names(self) != names(other) {
            return Some(format!(
                "scenario files: {} vs {}",
                list(&names(self)),
                list(&names(other))
            ));
        }
        self.scenarios
            .iter()
            .zip(&other.scenarios)
            .find(|(a, b)| a.text != b.text)
            .map(|(a, _)| format!("{}: the file's text differs", a.path.display()))
    }
}

fn list(paths: &[PathBuf]) -> String {
    let names: Vec<_> = paths.iter().map(|p| Path::display(p).to_string()).collect();
    format!("[{}]", names.join(", "))
}
