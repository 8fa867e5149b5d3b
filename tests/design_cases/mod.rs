//! Shared by the interval, CRM and benchmark tests: the reference cases of
//! `tests/data/validation-designs/` (see `ORIGIN-README.md` there) for BOIN,
//! mTPI-2, i3+3, the CRM and the optimal benchmark, read into designs and
//! truths, and the checks of exact and Monte Carlo figures against them.
#![allow(dead_code)]

use dosesim::design::Design;
use dosesim::design::crm::{Model, Skeleton};
use dosesim::design::{
    Benchmark, CrmDesign, CrmParams, IntervalDesign, IntervalKind, IntervalParams,
};
use dosesim::engine::{McSettings, simulate};
use dosesim::summary::OperatingCharacteristics;
use dosesim::tally::{Tally, Weight};
use dosesim::truth::{MtdRule, Truth};
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
pub struct Case<D = IntervalDesign> {
    pub id: String,
    pub kind: String,
    pub json: Value,
    pub truth: Truth,
    pub target: f64,
    pub design: D,
}

impl<D> Case<D> {
    /// `tally`, this case's trials, summarised with its truth and target;
    /// `trials` is `None` for an exact tally.
    pub fn summarise<W: Weight>(
        &self,
        tally: &Tally<W>,
        rule: MtdRule,
        trials: Option<u64>,
    ) -> OperatingCharacteristics {
        OperatingCharacteristics::from_tally(tally, &self.truth, self.target, rule, trials)
    }

    /// The case's design simulated for `trials` trials with `seed`, and its
    /// summary under `rule`.
    pub fn simulated(
        &self,
        trials: u64,
        seed: u64,
        rule: MtdRule,
    ) -> (Tally<u64>, OperatingCharacteristics)
    where
        D: Design,
    {
        let settings = McSettings {
            trials,
            seed,
            timing: None,
        };
        let tally = simulate(&self.design, &self.truth, self.target, settings, &|_| {})
            .unwrap_or_else(|e| panic!("{}: {e}", self.id));
        let oc = self.summarise(&tally, rule, Some(trials));
        (tally, oc)
    }

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

/// The case in `{id}.json`, its design built by `design` from the file's
/// `design.kind`, `design.params` and number of doses.
fn case<D>(id: &str, design: impl Fn(&str, &Value, usize) -> D) -> Case<D> {
    let json = read_json(&format!("{id}.json"));
    assert_eq!(json["schema"], "dosesim-validation/v2", "{id}");
    let p_dlt: Vec<f64> = json["p_dlt"].as_array().unwrap().iter().map(num).collect();
    let kind = json["design"]["kind"].as_str().unwrap().to_string();
    Case {
        design: design(&kind, &json["design"]["params"], p_dlt.len()),
        truth: Truth::new(id, p_dlt).unwrap(),
        target: num(&json["target"]),
        kind,
        json,
        id: id.to_string(),
    }
}

/// The ids of the cases whose file names start with `prefix`, sorted.
fn ids_with_prefix(prefix: &str) -> Vec<String> {
    let mut ids: Vec<String> = std::fs::read_dir(data_dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|f| f.starts_with(prefix) && f.ends_with(".json"))
        .map(|f| f.trim_end_matches(".json").to_string())
        .collect();
    ids.sort();
    ids
}

/// The 24 cases of `index_model_assisted.json`.
pub fn cases() -> Vec<Case> {
    let index = read_json("index_model_assisted.json");
    let cases: Vec<Case> = index["cases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|name| case(name.as_str().unwrap(), design_from))
        .collect();
    assert_eq!(cases.len(), 24, "expected the 24 model-assisted cases");
    cases
}

/// The CRM a reference file's `design.params` describe.
pub fn crm_from(params: &Value, num_doses: usize) -> CrmDesign {
    let skeleton: Vec<f64> = params["skeleton"]
        .as_array()
        .unwrap()
        .iter()
        .map(num)
        .collect();
    let model = Model::ALL
        .into_iter()
        .find(|m| params["model"] == m.name())
        .unwrap_or_else(|| panic!("unknown model {}", params["model"]));
    let max_n = params["sample_size"].as_u64().unwrap() as u32;
    let mut p = CrmParams::new(num(&params["target"]), Skeleton::Given(skeleton), max_n);
    p.model = model;
    p.prior_sd = num(&params["prior_sd"]);
    p.cohort_size = params["cohort_size"].as_u64().unwrap() as u32;
    p.start_dose = params["start_dose"].as_u64().unwrap() as usize;
    p.restrict = params["restrict"].as_bool().unwrap();
    CrmDesign::new(p, num_doses).unwrap()
}

/// The 11 CRM cases, `crm__*.json` but `crm__getprior.json`.
pub fn crm_cases() -> Vec<Case<CrmDesign>> {
    let cases: Vec<Case<CrmDesign>> = ids_with_prefix("crm__")
        .iter()
        .filter(|id| *id != "crm__getprior")
        .map(|id| case(id, |_, params, k| crm_from(params, k)))
        .collect();
    assert_eq!(cases.len(), 11, "expected the 11 CRM cases");
    cases
}

/// The 15 optimal-benchmark cases, `benchmark__*.json`.
pub fn benchmark_cases() -> Vec<Case<Benchmark>> {
    let cases: Vec<Case<Benchmark>> = ids_with_prefix("benchmark__")
        .iter()
        .map(|id| {
            case(id, |_, params, k| {
                let n = params["sample_size"].as_u64().unwrap() as u32;
                Benchmark::new(num(&params["target"]), n, k).unwrap()
            })
        })
        .collect();
    assert_eq!(cases.len(), 15, "expected the 15 benchmark cases");
    cases
}

/// Exact figures checked to 1e-9, relative or absolute, whichever is looser.
pub const EXACT_TOL: f64 = 1e-9;

/// Figures held against their references: what missed, of how many.
#[derive(Default)]
pub struct Misses {
    pub missed: Vec<String>,
    pub checked: usize,
}

impl Misses {
    pub fn close(&mut self, what: String, got: f64, want: f64, tol: f64) {
        self.checked += 1;
        #[allow(clippy::neg_cmp_op_on_partial_ord)]
        if !((got - want).abs() <= tol) {
            self.missed.push(format!(
                "{what}: got {got}, want {want} (tolerance {tol:.2e})"
            ));
        }
    }

    /// An exact figure, to [`EXACT_TOL`].
    pub fn exact(&mut self, what: String, got: f64, want: f64) {
        self.close(what, got, want, EXACT_TOL * want.abs().max(1.0));
    }

    pub fn assert_clean(&self) {
        assert!(
            self.missed.is_empty(),
            "{} of {} figures missed:\n{}",
            self.missed.len(),
            self.checked,
            self.missed.join("\n")
        );
        println!("{} figures checked", self.checked);
    }
}

/// Every figure of an exact reference case: selection, sample size, DLTs
/// and over-dosing, per dose and in all, and the N and DLT distributions.
pub fn check_exact<D>(case: &Case<D>, oc: &OperatingCharacteristics, m: &mut Misses) {
    let id = &case.id;
    for (d, want) in case.list("p_select").into_iter().enumerate() {
        let what = format!("{id} p_select[{}]", d + 1);
        m.exact(what, oc.doses[d].p_select.value, want);
    }
    let scalars = [
        ("p_none", oc.p_none.value),
        ("expected_n_total", oc.mean_n.value),
        ("expected_dlt_total", oc.mean_dlt.value),
        ("expected_n_overdosed", oc.mean_n_overdose.value),
        ("overdose_selection_risk", oc.p_select_overdose.value),
        ("expected_dlt_rate", oc.dlt_rate_per_trial.value),
        (
            "expected_fraction_overdosed",
            oc.mean_share_n_overdose.value,
        ),
        ("ratio_expected_overdosed", oc.share_n_overdose.value),
    ];
    for (key, got) in scalars {
        m.exact(format!("{id} {key}"), got, case.scalar(key));
    }
    for (d, dose) in oc.doses.iter().enumerate() {
        let per_dose = [
            ("expected_n_per_dose", dose.mean_n.value),
            ("expected_dlt_per_dose", dose.mean_dlt.value),
            ("expected_fraction_per_dose", dose.alloc_mean.value),
            ("p_dose_treated", dose.p_treated.value),
        ];
        for (key, got) in per_dose {
            m.exact(format!("{id} {key}[{}]", d + 1), got, case.list(key)[d]);
        }
    }
    for (key, got) in [
        ("sample_size_pmf", &oc.sample_size),
        ("dlt_count_pmf", &oc.dlt_count),
    ] {
        let want = case.pmf(key);
        for &(v, p) in &want {
            let ours = got.iter().find(|g| g.0 == v).map_or(0.0, |g| g.1);
            m.exact(format!("{id} {key}[{v}]"), ours, p);
        }
        for &(v, q) in got {
            if !want.iter().any(|w| w.0 == v) {
                m.exact(format!("{id} {key}[{v}] (impossible)"), q, 0.0);
            }
        }
    }
}

/// The Monte Carlo figures of a run of `trials` trials against an exact
/// reference case: each within 4 standard errors computed from the case's
/// exact per-trial variance (so a wrong estimate cannot hide behind a wrong
/// standard error), plus one trial's worth (1.5/R) where p·R ≪ 1 breaks the
/// normal approximation.
pub fn check_mc<D>(case: &Case<D>, oc: &OperatingCharacteristics, trials: u64, m: &mut Misses) {
    const Z: f64 = 4.0;
    let r = trials as f64;
    let tol = |var: f64| Z * (var / r).sqrt() + 1.5 / r;
    let tol_p = |p: f64| tol(p * (1.0 - p));
    let id = &case.id;
    for (d, want) in case.list("p_select").into_iter().enumerate() {
        let got = oc.doses[d].p_select.value;
        m.close(format!("{id} p_select[{}]", d + 1), got, want, tol_p(want));
    }
    let p_none = case.scalar("p_none");
    m.close(
        format!("{id} p_none"),
        oc.p_none.value,
        p_none,
        tol_p(p_none),
    );
    let risk = case.scalar("overdose_selection_risk");
    let what = format!("{id} overdose_selection_risk");
    m.close(what, oc.p_select_overdose.value, risk, tol_p(risk));
    for (key, var, got) in [
        ("expected_n_total", "var_n_total", oc.mean_n.value),
        ("expected_dlt_total", "var_dlt_total", oc.mean_dlt.value),
        (
            "expected_n_overdosed",
            "var_n_overdosed",
            oc.mean_n_overdose.value,
        ),
    ] {
        let want = case.scalar(key);
        m.close(format!("{id} {key}"), got, want, tol(case.scalar(var)));
    }
    for (key, var) in [
        ("expected_n_per_dose", "var_n_per_dose"),
        ("expected_dlt_per_dose", "var_dlt_per_dose"),
    ] {
        let (want, var) = (case.list(key), case.list(var));
        for (d, dose) in oc.doses.iter().enumerate() {
            let got = if key == "expected_n_per_dose" {
                dose.mean_n.value
            } else {
                dose.mean_dlt.value
            };
            m.close(format!("{id} {key}[{}]", d + 1), got, want[d], tol(var[d]));
        }
    }
}
