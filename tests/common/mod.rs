//! Shared by the integration tests: the reference cases of
//! `tests/data/validation/` (see `ORIGIN-README.md` there) and a checker that
//! compares a figure with tolerance and reports every miss at once.
#![allow(dead_code)]

use dosesim::design::{AbDesign, AbParams, Preset};
use dosesim::truth::Truth;
use serde_json::Value;
use std::path::{Path, PathBuf};

pub fn validation_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/validation")
}

/// One exact reference case.
pub struct Case {
    pub id: String,
    pub preset: Preset,
    pub truth: Truth,
    pub target: f64,
    pub outputs: Value,
}

impl Case {
    pub fn design(&self) -> AbDesign {
        AbDesign::new(
            AbParams::three_plus_three(self.preset),
            self.truth.num_doses(),
        )
        .unwrap()
    }

    /// A scalar output, parsed from its decimal string.
    pub fn num(&self, key: &str) -> f64 {
        parse(&self.outputs[key])
    }

    /// A per-dose output.
    pub fn list(&self, key: &str) -> Vec<f64> {
        self.outputs[key]
            .as_array()
            .unwrap_or_else(|| panic!("{}: no {key}", self.id))
            .iter()
            .map(parse)
            .collect()
    }

    /// A pmf as `(value, probability)`.
    pub fn pmf(&self, key: &str) -> Vec<(u32, f64)> {
        let mut pmf: Vec<(u32, f64)> = self.outputs[key]
            .as_object()
            .unwrap()
            .iter()
            .map(|(k, v)| (k.parse().unwrap(), parse(v)))
            .collect();
        pmf.sort_by_key(|&(k, _)| k);
        pmf
    }
}

fn parse(v: &Value) -> f64 {
    match v {
        Value::String(s) => s.parse().unwrap(),
        Value::Number(n) => n.as_f64().unwrap(),
        other => panic!("not a number: {other}"),
    }
}

pub fn cases() -> Vec<Case> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(validation_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    paths.sort();
    let cases: Vec<Case> = paths
        .iter()
        .map(|path| {
            let json: Value =
                serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
            let id = json["case_id"].as_str().unwrap().to_string();
            let p_dlt = json["p_dlt"]
                .as_array()
                .unwrap()
                .iter()
                .map(parse)
                .collect();
            Case {
                preset: json["design"]["preset"].as_str().unwrap().parse().unwrap(),
                truth: Truth::new(id.clone(), p_dlt).unwrap(),
                target: parse(&json["target"]),
                outputs: json["outputs"].clone(),
                id,
            }
        })
        .collect();
    assert_eq!(
        cases.len(),
        69,
        "expected the 69 shared validation cases (23 truths × 3 presets)"
    );
    cases
}

/// Collects every figure that misses its reference, so one run shows them all.
#[derive(Default)]
pub struct Checker {
    pub checked: usize,
    pub misses: Vec<String>,
}

impl Checker {
    /// |got − want| ≤ tol.
    pub fn close(&mut self, what: impl std::fmt::Display, got: f64, want: f64, tol: f64) {
        self.checked += 1;
        // Written so that a NaN figure fails.
        #[allow(clippy::neg_cmp_op_on_partial_ord)]
        if !((got - want).abs() <= tol) {
            self.misses.push(format!(
                "{what}: got {got}, want {want} (tolerance {tol:e})"
            ));
        }
    }

    pub fn assert_clean(&self) {
        assert!(
            self.misses.is_empty(),
            "{} of {} figures missed:\n{}",
            self.misses.len(),
            self.checked,
            self.misses.join("\n")
        );
    }
}

/// The summary of `tally` with the default true-MTD rule. For an exact tally,
/// `trials = None` gives standard errors 0, while `Some(1)` summarises it as
/// one trial (its total mass is 1), so that every standard error is
/// sqrt(Var/1): the per-trial standard deviation, which is how the exact
/// per-trial variances are read back.
pub fn summarise<W: dosesim::tally::Weight>(
    tally: &dosesim::tally::Tally<W>,
    truth: &Truth,
    target: f64,
    trials: Option<u64>,
) -> dosesim::summary::OperatingCharacteristics {
    dosesim::summary::OperatingCharacteristics::from_tally(
        tally,
        truth,
        target,
        dosesim::truth::MtdRule::Highest,
        trials,
    )
}
