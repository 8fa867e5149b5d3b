//! Tidy CSV: `summary.csv` has one row per scenario × truth × design (×
//! method), `doses.csv` one row per scenario × truth × design × dose, so R's
//! `read.csv` and pandas' `read_csv` take them as they are.

use crate::run::{CHECK_Z, PairResult, ScenarioRun};
use crate::summary::Estimate;
use crate::time::TimeCharacteristics;

/// Columns of `summary.csv`.
pub const SUMMARY_COLUMNS: &[&str] = &[
    "scenario",
    "truth",
    "design",
    "kind",
    "method",
    "trials",
    "seed",
    "target",
    "true_mtd_rule",
    "true_mtd",
    "p_none",
    "p_none_se",
    "p_none_safety",
    "p_none_safety_se",
    "pcs",
    "pcs_se",
    "true_mtd_highest",
    "pcs_highest",
    "pcs_highest_se",
    "true_mtd_closest",
    "pcs_closest",
    "pcs_closest_se",
    "p_select_overdose",
    "p_select_overdose_se",
    "p_select_underdose",
    "p_select_underdose_se",
    "mean_n",
    "mean_n_se",
    "sd_n",
    "mean_dlt",
    "mean_dlt_se",
    "sd_dlt",
    "dlt_rate",
    "dlt_rate_se",
    "dlt_rate_per_trial",
    "dlt_rate_per_trial_se",
    "mean_n_overdose",
    "mean_n_overdose_se",
    "share_n_overdose",
    "share_n_overdose_se",
    "mean_share_n_overdose",
    "mean_share_n_overdose_se",
    "p_overdose_majority",
    "p_overdose_majority_se",
    "p_stop_max_n",
    "p_stop_max_n_se",
    "p_stop_safety",
    "p_stop_safety_se",
    "p_stop_n_at_dose",
    "p_stop_n_at_dose_se",
    "p_stop_rule",
    "p_stop_rule_se",
    "mean_duration_days",
    "mean_duration_days_se",
    "sd_duration_days",
    "duration_days_q10",
    "duration_days_q50",
    "duration_days_q90",
    "mean_patients_lost",
    "mean_patients_lost_se",
    "mean_days_suspended",
    "mean_days_suspended_se",
    "mean_days_waiting",
    "mean_days_waiting_se",
];

/// How many of [`SUMMARY_COLUMNS`] hold time figures (the last ones).
const TIME_COLUMNS: usize = 12;

/// Columns of `doses.csv`.
pub const DOSE_COLUMNS: &[&str] = &[
    "scenario",
    "truth",
    "design",
    "method",
    "dose",
    "label",
    "p_true",
    "overdose",
    "p_select",
    "p_select_se",
    "mean_n",
    "mean_n_se",
    "alloc_ratio",
    "alloc_ratio_se",
    "alloc_mean",
    "alloc_mean_se",
    "mean_dlt",
    "mean_dlt_se",
    "p_treated",
    "p_treated_se",
];

fn est(e: &Estimate) -> [String; 2] {
    [number(e.value), number(e.se)]
}

/// A figure, empty where the design does not have it (NaN: the benchmark's
/// treatment figures), which R and pandas read as missing.
fn number(x: f64) -> String {
    if x.is_nan() {
        String::new()
    } else {
        x.to_string()
    }
}

fn opt<T: ToString>(v: Option<T>) -> String {
    v.map_or(String::new(), |v| v.to_string())
}

/// The identifying columns of a result.
fn keys(run: &ScenarioRun, r: &PairResult) -> [String; 3] {
    let s = &run.scenario;
    [
        s.name.clone(),
        s.truths[r.truth].name.clone(),
        s.designs[r.design].name.clone(),
    ]
}

fn write(header: &[&str], rows: impl Iterator<Item = Vec<String>>) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    // Writing to memory cannot fail.
    let _ = w.write_record(header);
    for row in rows {
        debug_assert_eq!(row.len(), header.len());
        let _ = w.write_record(&row);
    }
    w.into_inner().unwrap_or_default()
}

pub fn summary_csv(runs: &[ScenarioRun]) -> Vec<u8> {
    let rows = runs.iter().flat_map(|run| {
        run.results.iter().map(move |r| {
            let spec = &run.scenario.designs[r.design];
            let oc = &r.oc;
            let mut row = keys(run, r).to_vec();
            row.extend([
                spec.kind().to_string(),
                oc.method.name().to_string(),
                opt(oc.trials),
                opt(r.seed),
                oc.target.to_string(),
                oc.mtd_rule.name().to_string(),
                opt(oc.true_mtd),
            ]);
            row.extend(est(&oc.p_none));
            row.extend(est(&oc.p_none_safety));
            row.extend(est(&oc.pcs));
            row.push(opt(oc.true_mtd_highest));
            row.extend(est(&oc.pcs_highest));
            row.push(opt(oc.true_mtd_closest));
            row.extend(est(&oc.pcs_closest));
            for e in [&oc.p_select_overdose, &oc.p_select_underdose, &oc.mean_n] {
                row.extend(est(e));
            }
            row.push(number(oc.sd_n));
            row.extend(est(&oc.mean_dlt));
            row.push(number(oc.sd_dlt));
            for e in [
                &oc.dlt_rate,
                &oc.dlt_rate_per_trial,
                &oc.mean_n_overdose,
                &oc.share_n_overdose,
                &oc.mean_share_n_overdose,
                &oc.p_overdose_majority,
            ] {
                row.extend(est(e));
            }
            for e in &oc.p_stop {
                row.extend(est(e));
            }
            row.extend(time_cells(oc.time.as_ref()));
            row
        })
    });
    write(SUMMARY_COLUMNS, rows)
}

/// The time columns of `summary.csv`: empty without `[timing]`, and for the
/// optimal benchmark, which takes no time (NaN figures).
fn time_cells(time: Option<&TimeCharacteristics>) -> Vec<String> {
    let Some(t) = time else {
        return vec![String::new(); TIME_COLUMNS];
    };
    let mut cells = est(&t.mean_duration_days).to_vec();
    cells.extend(
        [
            t.sd_duration_days,
            t.duration_days_q10,
            t.duration_days_q50,
            t.duration_days_q90,
        ]
        .map(number),
    );
    for e in [
        &t.mean_patients_lost,
        &t.mean_days_suspended,
        &t.mean_days_waiting,
    ] {
        cells.extend(est(e));
    }
    cells
}

/// Columns of `designs.csv`.
pub const DESIGN_COLUMNS: &[&str] = &["scenario", "design", "parameter", "value"];

/// Every design's parameters, defaults included: one row per scenario ×
/// design × parameter (long format, as `truths.csv`), whatever the family.
pub fn designs_csv(runs: &[ScenarioRun]) -> Vec<u8> {
    let rows = runs.iter().flat_map(|run| {
        let s = &run.scenario;
        s.designs.iter().flat_map(move |spec| {
            spec.parameters()
                .into_iter()
                .map(move |(parameter, value)| {
                    vec![
                        s.name.clone(),
                        spec.name.clone(),
                        parameter.to_string(),
                        value,
                    ]
                })
        })
    });
    write(DESIGN_COLUMNS, rows)
}

pub fn doses_csv(runs: &[ScenarioRun]) -> Vec<u8> {
    let rows = runs.iter().flat_map(|run| {
        run.results.iter().flat_map(move |r| {
            r.oc.doses.iter().map(move |d| {
                let mut row = keys(run, r).to_vec();
                row.extend([
                    r.oc.method.name().to_string(),
                    d.dose.to_string(),
                    run.scenario.doses[d.dose - 1].clone(),
                    d.p_true.to_string(),
                    d.overdose.to_string(),
                ]);
                for e in [
                    &d.p_select,
                    &d.mean_n,
                    &d.alloc_ratio,
                    &d.alloc_mean,
                    &d.mean_dlt,
                    &d.p_treated,
                ] {
                    row.extend(est(e));
                }
                row
            })
        })
    });
    write(DOSE_COLUMNS, rows)
}

/// Columns of `sample_size.csv`.
pub const SAMPLE_SIZE_COLUMNS: &[&str] =
    &["scenario", "truth", "design", "method", "n", "probability"];

/// The distribution of the sample size N: exact probabilities, or Monte Carlo
/// relative frequencies, one row per value of N that occurs.
pub fn sample_size_csv(runs: &[ScenarioRun]) -> Vec<u8> {
    let rows = runs.iter().flat_map(|run| {
        run.results.iter().flat_map(move |r| {
            r.oc.sample_size.iter().map(move |&(n, p)| {
                let mut row = keys(run, r).to_vec();
                row.extend([r.oc.method.name().to_string(), n.to_string(), p.to_string()]);
                row
            })
        })
    });
    write(SAMPLE_SIZE_COLUMNS, rows)
}

/// Columns of `duration.csv`.
pub const DURATION_COLUMNS: &[&str] = &[
    "scenario",
    "truth",
    "design",
    "method",
    "day",
    "probability",
    "cumulative",
];

/// Whether any of `runs` has time figures (a timed Monte Carlo run): then
/// `duration.csv` is written.
pub fn has_time(runs: &[ScenarioRun]) -> bool {
    runs.iter()
        .any(|run| run.results.iter().any(|r| r.oc.time.is_some()))
}

/// The distribution of a timed trial's duration: one row per day that
/// occurs, `probability` = P(day ≤ duration < day + 1) and `cumulative` =
/// P(duration < day + 1). Designs that take no time (the optimal benchmark)
/// have no rows.
pub fn duration_csv(runs: &[ScenarioRun]) -> Vec<u8> {
    let rows = runs.iter().flat_map(|run| {
        run.results.iter().flat_map(move |r| {
            let days = r.oc.time.as_ref().map_or(&[][..], |t| &t.duration[..]);
            let mut cumulative = 0.0;
            days.iter().map(move |&(day, p)| {
                // Sums of n/R can pass 1 by an ulp.
                cumulative = f64::min(cumulative + p, 1.0);
                let mut row = keys(run, r).to_vec();
                row.extend([
                    r.oc.method.name().to_string(),
                    day.to_string(),
                    p.to_string(),
                    cumulative.to_string(),
                ]);
                row
            })
        })
    });
    write(DURATION_COLUMNS, rows)
}

/// Columns of `selfcheck.csv`.
pub const CHECK_COLUMNS: &[&str] = &[
    "scenario", "truth", "design", "figure", "exact", "estimate", "se", "z", "flagged",
];

/// `--method both`: every Monte Carlo figure against its exact value.
pub fn selfcheck_csv(runs: &[ScenarioRun]) -> Vec<u8> {
    let rows = runs.iter().flat_map(|run| {
        run.checks.iter().map(move |c| {
            let s = &run.scenario;
            vec![
                s.name.clone(),
                s.truths[c.truth].name.clone(),
                s.designs[c.design].name.clone(),
                c.figure.clone(),
                c.exact.to_string(),
                c.estimate.to_string(),
                c.se.to_string(),
                c.z.to_string(),
                (c.z.abs() > CHECK_Z).to_string(),
            ]
        })
    });
    write(CHECK_COLUMNS, rows)
}

/// Columns of `events.csv`.
pub const EVENT_COLUMNS: &[&str] = &[
    "scenario", "truth", "dose", "label", "event", "p_event", "p_dlt", "share",
];

/// Truths built from toxicity profiles: each event's probability per dose,
/// the p_dlt they combine into, and the event's share of DLTs,
/// P(event | DLT) = p_event / p_dlt (an event always makes a DLT).
pub fn events_csv(runs: &[ScenarioRun]) -> Vec<u8> {
    let rows = runs.iter().flat_map(|run| {
        let s = &run.scenario;
        s.truths.iter().flat_map(move |t| {
            t.events.iter().flat_map(move |e| {
                e.p.iter().enumerate().map(move |(d, &p)| {
                    let share = if t.p_dlt[d] > 0.0 {
                        p / t.p_dlt[d]
                    } else {
                        0.0
                    };
                    vec![
                        s.name.clone(),
                        t.name.clone(),
                        (d + 1).to_string(),
                        s.doses[d].clone(),
                        e.name.clone(),
                        p.to_string(),
                        t.p_dlt[d].to_string(),
                        share.to_string(),
                    ]
                })
            })
        })
    });
    write(EVENT_COLUMNS, rows)
}

/// Columns of `comparison.csv`.
pub const COMPARISON_COLUMNS: &[&str] = &[
    "scenario",
    "truth",
    "method",
    "design_a",
    "design_b",
    "figure",
    "value_a",
    "value_b",
    "diff",
    "se_paired",
    "se_unpaired",
    "z",
    "beyond_2se",
];

/// Every pair of designs on every truth: `diff = value_a − value_b` for each
/// headline figure, with the paired and the unpaired standard error. `z` and
/// `beyond_2se` are empty for exact differences.
pub fn comparison_csv(runs: &[ScenarioRun]) -> Vec<u8> {
    let rows = runs.iter().flat_map(|run| {
        // A figure one of the designs lacks (the benchmark's E[N]) has no
        // difference to report.
        let applicable = run.comparisons.iter().filter(|c| !c.diff.is_nan());
        applicable.map(move |c| {
            let s = &run.scenario;
            vec![
                s.name.clone(),
                s.truths[c.truth].name.clone(),
                c.method.name().to_string(),
                s.designs[c.a].name.clone(),
                s.designs[c.b].name.clone(),
                c.figure.to_string(),
                c.value_a.to_string(),
                c.value_b.to_string(),
                c.diff.to_string(),
                c.se_paired.to_string(),
                c.se_unpaired.to_string(),
                opt(c.z()),
                opt(c.beyond_2se()),
            ]
        })
    });
    write(COMPARISON_COLUMNS, rows)
}

/// Columns of `truths.csv`.
pub const TRUTH_COLUMNS: &[&str] = &["scenario", "truth", "grid", "model", "parameter", "value"];

/// Truths generated by `[[grid]]`: one row per truth × parameter (long
/// format, to join with the other files on `scenario` and `truth`).
pub fn truths_csv(runs: &[ScenarioRun]) -> Vec<u8> {
    let rows = runs.iter().flat_map(|run| {
        let s = &run.scenario;
        s.truths
            .iter()
            .zip(&s.truth_origins)
            .flat_map(move |(t, o)| {
                o.params.iter().map(move |(name, value)| {
                    vec![
                        s.name.clone(),
                        t.name.clone(),
                        opt(o.grid.as_ref()),
                        opt(o.model),
                        name.clone(),
                        value.to_string(),
                    ]
                })
            })
    });
    write(TRUTH_COLUMNS, rows)
}
