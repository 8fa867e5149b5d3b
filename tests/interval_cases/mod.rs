//! Shared by `interval_tables.rs` and `interval_exact.rs`: the reference cases
//! of `tests/data/validation-designs/` (see `ORIGIN-README.md` there) for
//! BOIN, mTPI-2 and i3+3, read into designs and truths.
#![allow(dead_code)]

use dosesim::design::{IntervalDesign, IntervalKind, IntervalParams};
use dosesim::truth::Truth;
use serde_json::Value;
use std::path::{Path, PathBuf};

pub fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/validation-designs")
}

pub fn read_json(name: &str) -> Value {
    let path = data_dir().join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path:?}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path:?}: {e}"))
}

/// A number written as a decimal string (the outputs) or a JSON number.
pub fn num(v: &Value) -> f64 {
    match v {
        Value::String(s) => s
            .parse()
            .unwrap_or_else(|e| panic!("not a number: {s:?}: {e}")),
        Value::Number(n) => n.as_f64().unwrap(),
        other => panic!("not a number: {other}"),
    }
}

pub fn kind_of(name: &str) -> IntervalKind {
    IntervalKind::ALL
        .into_iter()
        .find(|k| k.name() == name)
        .unwrap_or_else(|| panic!("unknown design kind {name:?}"))
}

/// The design a reference file's `design.kind` and `design.params` describe
/// (the table files use the same params, without a dose count).
pub fn design_from(kind: &str, params: &Value, num_doses: usize) -> IntervalDesign {
    let cohort = params["cohortsize"].as_u64().unwrap() as u32;
    let ncohort = params["ncohort"].as_u64().unwrap() as u32;
    let mut p = IntervalParams::new(kind_of(kind), num(&params["target"]), cohort * ncohort);
    p.cohort_size = cohort;
    p.start_dose = params["startdose"].as_u64().unwrap() as usize;
    // R's default n.earlystop = 100 exceeds every sample size here: off.
    let early = params["n_earlystop"].as_u64().unwrap() as u32;
    p.stop_n_at_dose = (early < 100).then_some(early);
    p.elimination = Some(num(&params["cutoff_eli"]));
    // p_saf/p_tox are "0.6*target"/"1.4*target", the defaults; epsilons are
    // decimals.
    if let Some(e) = params.get("epsilon1") {
        p.epsilon1 = Some(num(e));
    }
    if let Some(e) = params.get("epsilon2") {
        p.epsilon2 = Some(num(e));
    }
    assert!(
        params
            .get("p_saf")
            .is_none_or(|v| v.as_str() == Some("0.6*target"))
            && params
                .get("p_tox")
                .is_none_or(|v| v.as_str() == Some("1.4*target")),
        "non-default BOIN p_saf/p_tox"
    );
    IntervalDesign::new(p, num_doses).unwrap()
}

/// One exact reference case.
pub struct Case {
    pub id: String,
    pub kind: String,
    pub json: Value,
    pub truth: Truth,
    pub target: f64,
    pub design: IntervalDesign,
}

impl Case {
    pub fn outputs(&self) -> &Value {
        &self.json["outputs"]
    }

    pub fn scalar(&self, key: &str) -> f64 {
        num(&self.outputs()[key])
    }

    pub fn list(&self, key: &str) -> Vec<f64> {
        self.outputs()[key]
            .as_array()
            .unwrap_or_else(|| panic!("{}: no {key}", self.id))
            .iter()
            .map(num)
            .collect()
    }

    /// A pmf as (value, probability), by value.
    pub fn pmf(&self, key: &str) -> Vec<(u32, f64)> {
        let mut pmf: Vec<(u32, f64)> = self.outputs()[key]
            .as_object()
            .unwrap()
            .iter()
            .map(|(k, v)| (k.parse().unwrap(), num(v)))
            .collect();
        pmf.sort_by_key(|&(k, _)| k);
        pmf
    }
}

/// The 24 cases of `index_model_assisted.json`.
pub fn cases() -> Vec<Case> {
    let index = read_json("index_model_assisted.json");
    let cases: Vec<Case> = index["cases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|name| {
            let id = name.as_str().unwrap().to_string();
            let json = read_json(&format!("{id}.json"));
            assert_eq!(json["schema"], "dosesim-validation/v2", "{id}");
            let p_dlt: Vec<f64> = json["p_dlt"].as_array().unwrap().iter().map(num).collect();
            let kind = json["design"]["kind"].as_str().unwrap().to_string();
            let design = design_from(&kind, &json["design"]["params"], p_dlt.len());
            Case {
                truth: Truth::new(id.clone(), p_dlt).unwrap(),
                target: num(&json["target"]),
                kind,
                design,
                json,
                id,
            }
        })
        .collect();
    assert_eq!(cases.len(), 24, "expected the 24 model-assisted cases");
    cases
}
