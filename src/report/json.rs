//! `results.json`: everything a run computed, with its provenance — the
//! dosesim version, the scenario as read and as resolved (designs with all
//! their switches, seed, trials) — so a result can be traced and re-run.

use crate::run::ScenarioRun;
use serde::Serialize;

#[derive(Serialize)]
struct Document<'a> {
    schema: &'static str,
    dosesim_version: &'static str,
    scenarios: Vec<ScenarioRecord<'a>>,
}

#[derive(Serialize)]
struct ScenarioRecord<'a> {
    /// The scenario as resolved, after command-line overrides.
    scenario: &'a crate::scenario::Scenario,
    /// The file's text as read.
    scenario_text: &'a str,
    results: Vec<ResultRecord<'a>>,
    /// `--method both`: every Monte Carlo figure against the exact one.
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    selfcheck: &'a [crate::run::Check],
}

#[derive(Serialize)]
struct ResultRecord<'a> {
    truth: &'a str,
    design: &'a str,
    #[serde(flatten)]
    result: &'a crate::run::PairResult,
}

pub fn results_json(runs: &[ScenarioRun]) -> Vec<u8> {
    let doc = Document {
        schema: "dosesim-results/v1",
        dosesim_version: env!("CARGO_PKG_VERSION"),
        scenarios: runs
            .iter()
            .map(|run| ScenarioRecord {
                scenario: &run.scenario,
                scenario_text: &run.scenario.text,
                results: run
                    .results
                    .iter()
                    .map(|r| ResultRecord {
                        truth: &run.scenario.truths[r.truth].name,
                        design: &run.scenario.designs[r.design].name,
                        result: r,
                    })
                    .collect(),
                selfcheck: &run.checks,
            })
            .collect(),
    };
    let mut bytes = serde_json::to_vec_pretty(&doc).unwrap_or_default();
    bytes.push(b'\n');
    bytes
}
