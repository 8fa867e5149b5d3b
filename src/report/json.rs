//! `results.json`: everything a run computed, with its provenance — the
//! dosesim version, the scenario as read and as resolved (designs with all
//! their switches, seed, trials) — so a result can be traced and re-run.

use crate::job::Job;
use crate::run::ScenarioRun;

/// Above this many truth × design × method results, `results.json` is written
/// on one line: indentation would more than double a sweep's file (10 000
/// truths × 3 designs: 128 MB compact, 307 MB indented).
pub const COMPACT_ABOVE: usize = 1000;

/// The format of `results.json`.
/// v2: stop reasons, PCS under both true-MTD definitions, and designs of
/// every family as name, kind and parameters.
pub const RESULTS_SCHEMA: &str = "dosesim-results/v2";
use serde::Serialize;

#[derive(Serialize)]
struct Document<'a> {
    schema: &'static str,
    dosesim_version: &'static str,
    /// What was run, in full: `dosesim check` runs it again.
    job: &'a Job,
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
    /// Paired differences between designs, as in comparison.csv.
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    comparisons: &'a [crate::compare::Comparison],
}

/// One truth × design × method; names, not indices, identify it.
#[derive(Serialize)]
struct ResultRecord<'a> {
    truth: &'a str,
    design: &'a str,
    /// Seed of the random numbers (Monte Carlo only).
    seed: Option<u64>,
    oc: &'a crate::summary::OperatingCharacteristics,
}

pub fn results_json(job: &Job, runs: &[ScenarioRun]) -> Vec<u8> {
    let doc = Document {
        schema: RESULTS_SCHEMA,
        dosesim_version: env!("CARGO_PKG_VERSION"),
        job,
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
                        seed: r.seed,
                        oc: &r.oc,
                    })
                    .collect(),
                selfcheck: &run.checks,
                comparisons: &run.comparisons,
            })
            .collect(),
    };
    let results: usize = runs.iter().map(|r| r.results.len()).sum();
    let mut bytes = if results > COMPACT_ABOVE {
        serde_json::to_vec(&doc)
    } else {
        serde_json::to_vec_pretty(&doc)
    }
    .unwrap_or_default();
    bytes.push(b'\n');
    bytes
}

/// Why a dosesim JSON file could not be read back.
#[derive(Debug)]
pub enum JsonReadError {
    Io(std::io::Error),
    /// Not JSON, another schema, or fields that do not fit.
    Format(String),
}

/// Largest results.json or part file read: a sweep's can run to hundreds of
/// MB.
pub const MAX_JSON_BYTES: u64 = 8 << 30;

/// Reads a JSON file that dosesim wrote, with `"schema": schema`. The schema
/// is checked first, so another JSON file gets a plain answer (naming
/// `written_by`) rather than a complaint about a missing field.
pub fn read_json<T: serde::de::DeserializeOwned>(
    path: &std::path::Path,
    schema: &str,
    written_by: &str,
) -> Result<T, JsonReadError> {
    let bytes = crate::input::read_limited(path, MAX_JSON_BYTES).map_err(JsonReadError::Io)?;
    let format = |e: serde_json::Error| JsonReadError::Format(e.to_string());
    #[derive(serde::Deserialize)]
    struct Header {
        schema: Option<String>,
    }
    let header: Header = serde_json::from_slice(&bytes).map_err(format)?;
    let family = |s: &str| s.split('/').next().unwrap_or_default().to_string();
    match header.schema {
        Some(got) if got == schema => {}
        Some(got) if family(&got) == family(schema) => {
            return Err(JsonReadError::Format(format!(
                "schema is {got:?}: another version of dosesim wrote it; this one \
                 ({}) reads {schema:?}: run `{written_by}` again with this version",
                env!("CARGO_PKG_VERSION")
            )));
        }
        got => {
            return Err(JsonReadError::Format(format!(
                "schema is {:?}, expected {schema:?} (written by {written_by})",
                got.unwrap_or_default()
            )));
        }
    }
    serde_json::from_slice(&bytes).map_err(format)
}
