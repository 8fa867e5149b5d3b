//! The exact engines — the generic `exact` and the A+B engine `exact_ab` —
//! against every reference case of `tests/data/validation/`: every figure,
//! including the per-trial variances, to 1e-9 (relative or absolute, whichever
//! is looser), with every standard error 0. Then edge cases worked out by hand
//! (each checked on both engines), and the Lin & Shih (2001) closed forms for
//! A+B designs without de-escalation.

mod common;

use common::{Case, Checker, cases, summarise};
use dosesim::design::{AbDesign, AbParams, Design, Preset};
use dosesim::engine::binomial_pmf;
use dosesim::exact::{ExactError, MAX_STATES, exact, exact_ab};
use dosesim::summary::OperatingCharacteristics;
use dosesim::tally::Tally;
use dosesim::truth::Truth;
use serde_json::Value;

const TOL: f64 = 1e-9;

type Engine = fn(&AbDesign, &Truth, f64) -> Result<Tally<f64>, ExactError>;

/// Both exact engines, by name.
const ENGINES: [(&str, Engine); 2] = [("exact", exact::<AbDesign>), ("exact_ab", exact_ab)];

fn close(c: &mut Checker, what: String, got: f64, want: f64) {
    c.close(what, got, want, TOL * want.abs().max(1.0));
}

fn check_case(case: &Case, engine: Engine, c: &mut Checker) {
    let id = &case.id;
    let design = case.design();
    let tally = engine(&design, &case.truth, case.target).unwrap();
    close(c, format!("{id} total mass"), tally.total(), 1.0);
    let oc = summarise(&tally, &case.truth, case.target, None);
    let var = summarise(&tally, &case.truth, case.target, Some(1));
    check_selection(case, &oc, c);
    check_scalars(case, &oc, &var, c);
    check_per_dose(case, &oc, &var, c);
    check_pmfs(case, &oc, c);
    check_standard_errors_are_zero(id, &oc, c);
    // The reference's max_sample_size is the largest N that occurs; the
    // design's bound may be larger (6K for the 3+3, whatever the truth).
    let largest = oc.sample_size.last().map_or(0, |&(n, _)| n);
    close(
        c,
        format!("{id} max_sample_size"),
        largest.into(),
        case.num("max_sample_size"),
    );
    assert!(
        largest <= design.max_sample_size(),
        "{id}: N beyond the bound"
    );
}

fn check_selection(case: &Case, oc: &OperatingCharacteristics, c: &mut Checker) {
    let id = &case.id;
    for (d, want) in case.list("p_select").into_iter().enumerate() {
        close(
            c,
            format!("{id} p_select[{}]", d + 1),
            oc.doses[d].p_select.value,
            want,
        );
    }
    close(
        c,
        format!("{id} p_none"),
        oc.p_none.value,
        case.num("p_none"),
    );
    close(
        c,
        format!("{id} p_select_overdose"),
        oc.p_select_overdose.value,
        case.num("overdose_selection_risk"),
    );
    let at_or_below: f64 = oc
        .doses
        .iter()
        .filter(|d| !d.overdose)
        .map(|d| d.p_select.value)
        .sum();
    close(
        c,
        format!("{id} p_select_at_or_below_target"),
        at_or_below,
        case.num("p_select_at_or_below_target"),
    );
    // PCS and the over-dosing flags follow from the truth; check they agree.
    let pcs = oc
        .true_mtd
        .map_or(oc.p_none.value, |m| oc.doses[m - 1].p_select.value);
    close(c, format!("{id} pcs"), oc.pcs.value, pcs);
    let overdosed: Vec<usize> = oc
        .doses
        .iter()
        .filter(|d| d.overdose)
        .map(|d| d.dose)
        .collect();
    let want: Vec<usize> = case
        .list("overdosed_doses")
        .iter()
        .map(|&d| d as usize)
        .collect();
    if overdosed != want {
        c.misses
            .push(format!("{id} overdosed doses {overdosed:?}, want {want:?}"));
    }
}

fn check_scalars(
    case: &Case,
    oc: &OperatingCharacteristics,
    var: &OperatingCharacteristics,
    c: &mut Checker,
) {
    let id = &case.id;
    // `var` was summarised as one trial, so each of its standard errors is the
    // per-trial standard deviation.
    let sq = |x: f64| x * x;
    let figures = [
        ("expected_n_total", oc.mean_n.value),
        ("var_n_total", sq(oc.sd_n)),
        ("var_n_total", sq(var.mean_n.se)),
        ("expected_dlt_total", oc.mean_dlt.value),
        ("var_dlt_total", sq(oc.sd_dlt)),
        ("var_dlt_total", sq(var.mean_dlt.se)),
        ("expected_dlt_rate", oc.dlt_rate_per_trial.value),
        ("var_dlt_rate", sq(var.dlt_rate_per_trial.se)),
        ("expected_n_overdosed", oc.mean_n_overdose.value),
        ("var_n_overdosed", sq(var.mean_n_overdose.se)),
        (
            "expected_fraction_overdosed",
            oc.mean_share_n_overdose.value,
        ),
        ("var_fraction_overdosed", sq(var.mean_share_n_overdose.se)),
        ("ratio_expected_overdosed", oc.share_n_overdose.value),
    ];
    for (key, got) in figures {
        close(c, format!("{id} {key}"), got, case.num(key));
    }
    let rate = case.num("expected_dlt_total") / case.num("expected_n_total");
    close(c, format!("{id} dlt_rate"), oc.dlt_rate.value, rate);
}

fn check_per_dose(
    case: &Case,
    oc: &OperatingCharacteristics,
    var: &OperatingCharacteristics,
    c: &mut Checker,
) {
    let id = &case.id;
    let mean_n = case.num("expected_n_total");
    for (d, (dose, dose_var)) in oc.doses.iter().zip(&var.doses).enumerate() {
        let sq = |x: f64| x * x;
        let figures = [
            ("expected_n_per_dose", dose.mean_n.value),
            ("var_n_per_dose", sq(dose_var.mean_n.se)),
            ("expected_fraction_per_dose", dose.alloc_mean.value),
            ("var_fraction_per_dose", sq(dose_var.alloc_mean.se)),
            ("p_dose_treated", dose.p_treated.value),
            ("expected_dlt_per_dose", dose.mean_dlt.value),
            ("var_dlt_per_dose", sq(dose_var.mean_dlt.se)),
        ];
        for (key, got) in figures {
            close(c, format!("{id} {key}[{}]", d + 1), got, case.list(key)[d]);
        }
        let ratio = case.list("expected_n_per_dose")[d] / mean_n;
        close(
            c,
            format!("{id} alloc_ratio[{}]", d + 1),
            dose.alloc_ratio.value,
            ratio,
        );
    }
}

fn check_pmfs(case: &Case, oc: &OperatingCharacteristics, c: &mut Checker) {
    let id = &case.id;
    for (key, got) in [
        ("sample_size_pmf", &oc.sample_size),
        ("dlt_count_pmf", &oc.dlt_count),
    ] {
        let want = case.pmf(key);
        for &(v, p) in &want {
            let exact = got.iter().find(|&&(g, _)| g == v).map_or(0.0, |&(_, q)| q);
            close(c, format!("{id} {key}[{v}]"), exact, p);
        }
        for &(v, q) in got {
            if !want.iter().any(|&(w, _)| w == v) {
                c.close(format!("{id} {key}[{v}] (impossible)"), q, 0.0, 0.0);
            }
        }
    }
}

/// Every `{value, se}` pair anywhere in the summary, found through its JSON
/// form so that figures added later are covered too.
fn check_standard_errors_are_zero(id: &str, oc: &OperatingCharacteristics, c: &mut Checker) {
    fn walk(path: &str, v: &Value, out: &mut Vec<(String, f64)>) {
        match v {
            Value::Object(map) => {
                if let Some(se) = map.get("se") {
                    out.push((path.to_string(), se.as_f64().unwrap_or(f64::NAN)));
                }
                for (k, child) in map {
                    walk(&format!("{path}.{k}"), child, out);
                }
            }
            Value::Array(items) => {
                for (i, child) in items.iter().enumerate() {
                    walk(&format!("{path}[{i}]"), child, out);
                }
            }
            _ => {}
        }
    }
    let mut ses = Vec::new();
    walk(id, &serde_json::to_value(oc).unwrap(), &mut ses);
    assert!(ses.len() > 10, "{id}: the summary lost its estimates");
    for (path, se) in ses {
        c.close(format!("{path}.se"), se, 0.0, 0.0);
    }
}

#[test]
fn exact_engines_match_every_validation_case() {
    let mut c = Checker::default();
    let cases = cases();
    for (name, engine) in ENGINES {
        let before = c.misses.len();
        for case in &cases {
            check_case(case, engine, &mut c);
        }
        for miss in &mut c.misses[before..] {
            *miss = format!("{name}: {miss}");
        }
    }
    eprintln!("{} figures checked", c.checked);
    c.assert_clean();
}

#[test]
fn exact_results_are_bit_reproducible() {
    for (name, engine) in ENGINES {
        for case in cases().iter().step_by(7) {
            let design = case.design();
            let once = engine(&design, &case.truth, case.target).unwrap();
            let again = engine(&design, &case.truth, case.target).unwrap();
            assert_eq!(once, again, "{name} {}", case.id);
        }
    }
}

/// The exact summary of `params` on the curve `p`, target 0.3, from the
/// generic engine; the A+B engine's must agree with it figure by figure.
fn exact_summary(params: AbParams, p: &[f64]) -> OperatingCharacteristics {
    let truth = Truth::new("edge", p.to_vec()).unwrap();
    let design = AbDesign::new(params, p.len()).unwrap();
    let generic = summarise(&exact(&design, &truth, 0.3).unwrap(), &truth, 0.3, None);
    let fast = summarise(&exact_ab(&design, &truth, 0.3).unwrap(), &truth, 0.3, None);
    for ((name, g), (_, f)) in generic.figures().into_iter().zip(fast.figures()) {
        assert!(
            (g.value - f.value).abs() <= 1e-12,
            "{params:?} on {p:?}: {name} {} (generic) vs {} (exact_ab)",
            g.value,
            f.value
        );
    }
    generic
}

fn preset(preset: Preset, start_dose: u32) -> AbParams {
    AbParams {
        start_dose,
        ..AbParams::three_plus_three(preset)
    }
}

/// What every trial does when all outcomes are certain (p = 0 or 1): select
/// `mtd` (1-based) after `n` patients with `dlts` DLTs, treating `treated`.
struct Certain {
    mtd: Option<usize>,
    n: u32,
    dlts: u32,
    treated: &'static [usize],
}

fn assert_certain(params: AbParams, p: &[f64], want: Certain) {
    let oc = exact_summary(params, p);
    let what = format!("{params:?} on {p:?}");
    // Masses are products of exact 0s and 1s, so equality is exact.
    let selected: Vec<f64> = oc.doses.iter().map(|d| d.p_select.value).collect();
    let mut want_selected = vec![0.0; p.len()];
    if let Some(m) = want.mtd {
        want_selected[m - 1] = 1.0;
    }
    assert_eq!(selected, want_selected, "{what}: p_select");
    assert_eq!(oc.p_none.value, f64::from(want.mtd.is_none()), "{what}");
    assert_eq!(oc.sample_size, vec![(want.n, 1.0)], "{what}: N");
    assert_eq!(oc.dlt_count, vec![(want.dlts, 1.0)], "{what}: DLTs");
    let treated: Vec<usize> = oc
        .doses
        .iter()
        .filter(|d| d.p_treated.value == 1.0)
        .map(|d| d.dose)
        .collect();
    assert_eq!(treated, want.treated, "{what}: treated doses");
}

#[test]
fn harmless_doses_are_climbed_to_the_top() {
    let p = [0.0; 3];
    let top = |n| Certain {
        mtd: Some(3),
        n,
        dlts: 0,
        treated: &[1, 2, 3],
    };
    assert_certain(preset(Preset::Storer, 1), &p, top(9));
    assert_certain(preset(Preset::Korn, 1), &p, top(9));
    // The top dose needs six patients.
    assert_certain(preset(Preset::Strict, 1), &p, top(12));
}

#[test]
fn certain_toxicity_stops_at_the_first_cohort() {
    for pr in Preset::ALL {
        let first_cohort = Certain {
            mtd: None,
            n: 3,
            dlts: 3,
            treated: &[1],
        };
        assert_certain(preset(pr, 1), &[1.0; 3], first_cohort);
    }
}

#[test]
fn a_single_dose() {
    let safe = |n| Certain {
        mtd: Some(1),
        n,
        dlts: 0,
        treated: &[1],
    };
    assert_certain(preset(Preset::Storer, 1), &[0.0], safe(3));
    assert_certain(preset(Preset::Korn, 1), &[0.0], safe(3));
    assert_certain(preset(Preset::Strict, 1), &[0.0], safe(6));
    for pr in Preset::ALL {
        let toxic = Certain {
            mtd: None,
            n: 3,
            dlts: 3,
            treated: &[1],
        };
        assert_certain(preset(pr, 1), &[1.0], toxic);
    }
}

#[test]
fn a_single_dose_with_p_one_half() {
    // First cohort: 0, 1, ≥2 DLTs with probabilities 1/8, 3/8, 1/2.
    // storer, korn: 0 → MTD (N = 3); 1 → three more, MTD iff they show 0.
    // strict: 0 → three more, MTD iff ≤ 1 of them (1/2); 1 → as korn.
    let cases = [
        (Preset::Storer, 11.0 / 64.0, 5.0 / 8.0),
        (Preset::Korn, 11.0 / 64.0, 5.0 / 8.0),
        (Preset::Strict, 7.0 / 64.0, 1.0 / 2.0),
    ];
    for (pr, p_mtd, p_three) in cases {
        let oc = exact_summary(preset(pr, 1), &[0.5]);
        assert!((oc.doses[0].p_select.value - p_mtd).abs() < 1e-15, "{pr}");
        assert!((oc.p_none.value - (1.0 - p_mtd)).abs() < 1e-15, "{pr}");
        let n: Vec<(u32, f64)> = vec![(3, p_three), (6, 1.0 - p_three)];
        assert_eq!(oc.sample_size, n, "{pr}");
    }
}

#[test]
fn a_later_start_dose() {
    let climb = Certain {
        mtd: Some(3),
        n: 6,
        dlts: 0,
        treated: &[2, 3],
    };
    assert_certain(preset(Preset::Korn, 2), &[0.0; 3], climb);
    // Storer stops at the toxic start dose; korn and strict step down to the
    // untreated dose 1, which is toxic too.
    let stop = Certain {
        mtd: None,
        n: 3,
        dlts: 3,
        treated: &[2],
    };
    assert_certain(preset(Preset::Storer, 2), &[1.0; 3], stop);
    for pr in [Preset::Korn, Preset::Strict] {
        let step_down = Certain {
            mtd: None,
            n: 6,
            dlts: 6,
            treated: &[1, 2],
        };
        assert_certain(preset(pr, 2), &[1.0; 3], step_down);
    }
}

#[test]
fn de_escalation_completes_the_dose_below() {
    let p = [0.0, 1.0, 1.0];
    let three = Certain {
        mtd: Some(1),
        n: 6,
        dlts: 3,
        treated: &[1, 2],
    };
    assert_certain(preset(Preset::Storer, 1), &p, three);
    for pr in [Preset::Korn, Preset::Strict] {
        let six = Certain {
            mtd: Some(1),
            n: 9,
            dlts: 3,
            treated: &[1, 2],
        };
        assert_certain(preset(pr, 1), &p, six);
    }
}

/// Lin & Shih (2001), A+B designs without de-escalation: a dose is passed with
/// probability P0 = sum_{k<C} b(k; A, p) + sum_{k=C..D} b(k; A, p)
/// sum_{m<=E-k} b(m; B, p), and expanded with probability
/// Q = sum_{k=C..D} b(k; A, p). Stopping at dose i selects dose i - 1, so
/// P(MTD = i) = P0_1..P0_i (1 - P0_{i+1}), P(MTD = K) = P0_1..P0_K, and
/// E[n_i] = P0_1..P0_{i-1} (A + B Q_i). Returns (P(none), P(MTD = i), E[n_i]).
fn lin_shih(params: &AbParams, p: &[f64]) -> (f64, Vec<f64>, Vec<f64>) {
    let AbParams { a, b, c, d, e, .. } = *params;
    let first = |k, p| binomial_pmf(a, k, p);
    let pass = |p| {
        let expanded: f64 = (c..=d)
            .map(|k| first(k, p) * (0..=e - k).map(|m| binomial_pmf(b, m, p)).sum::<f64>())
            .sum();
        (0..c).map(|k| first(k, p)).sum::<f64>() + expanded
    };
    let expand = |p| (c..=d).map(|k| first(k, p)).sum::<f64>();
    // `reach`: P(dose i is treated); `stop[i]`: P(the trial stops there).
    let mut reach = 1.0;
    let (mut stop, mut mean_n) = (Vec::new(), Vec::new());
    for &pi in p {
        mean_n.push(reach * (f64::from(a) + f64::from(b) * expand(pi)));
        let passed = reach * pass(pi);
        stop.push(reach - passed);
        reach = passed;
    }
    let mut select = stop.split_off(1);
    select.push(reach);
    (stop[0], select, mean_n)
}

#[test]
fn a_plus_b_without_de_escalation_matches_lin_shih_closed_forms() {
    let escalation_doc = [0.12, 0.27, 0.44, 0.53, 0.57];
    let four_plus_four = AbParams {
        a: 4,
        b: 4,
        c: 1,
        d: 2,
        e: 2,
        ..preset(Preset::Storer, 1)
    };
    for (params, p) in [
        (preset(Preset::Storer, 1), &escalation_doc[..]),
        (four_plus_four, &[0.05, 0.15, 0.25, 0.35, 0.5, 0.7][..]),
    ] {
        let oc = exact_summary(params, p);
        let (none, select, mean_n) = lin_shih(&params, p);
        for (d, dose) in oc.doses.iter().enumerate() {
            let what = format!("{params:?} dose {}", d + 1);
            assert!((dose.p_select.value - select[d]).abs() < 1e-12, "{what}");
            assert!((dose.mean_n.value - mean_n[d]).abs() < 1e-12, "{what}");
        }
        assert!((oc.p_none.value - none).abs() < 1e-12, "{params:?}");
    }
}

#[test]
fn thirty_two_doses_work_when_their_states_are_few() {
    let climb = Certain {
        mtd: Some(32),
        n: 96,
        dlts: 0,
        treated: &[
            1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24,
            25, 26, 27, 28, 29, 30, 31, 32,
        ],
    };
    assert_certain(preset(Preset::Korn, 1), &[0.0; 32], climb);
}

#[test]
fn thirty_two_uncertain_doses_are_refused_with_a_clear_error() {
    // Every dose passed keeps one of two histories that `decide` may read, so
    // the 3+3 has about 2^K states: far past the limit at K = 32.
    let p: Vec<f64> = (0..32).map(|d| 0.01 + 0.6 * f64::from(d) / 31.0).collect();
    let truth = Truth::new("long", p).unwrap();
    let design = AbDesign::new(preset(Preset::Korn, 1), 32).unwrap();
    let err = exact(&design, &truth, 0.3).unwrap_err();
    assert_eq!(err, ExactError::TooManyStates { limit: MAX_STATES });
    assert!(err.to_string().contains("Monte Carlo"), "{err}");
}

#[test]
fn the_a_plus_b_engine_takes_thirty_two_uncertain_doses() {
    let p: Vec<f64> = (0..32).map(|d| 0.01 + 0.6 * f64::from(d) / 31.0).collect();
    let truth = Truth::new("long", p).unwrap();
    for pr in Preset::ALL {
        let design = AbDesign::new(preset(pr, 1), 32).unwrap();
        let tally = exact_ab(&design, &truth, 0.3).unwrap();
        assert!((tally.total() - 1.0).abs() < 1e-12, "{pr}");
        let oc = summarise(&tally, &truth, 0.3, None);
        let selected = oc.p_none.value + oc.doses.iter().map(|d| d.p_select.value).sum::<f64>();
        assert!(
            (selected - 1.0).abs() < 1e-12,
            "{pr}: selection sums to {selected}"
        );
        // p reaches the 0.3 target around dose 16: trials stop near there.
        assert!(
            (10.0..60.0).contains(&oc.mean_n.value),
            "{pr}: {}",
            oc.mean_n.value
        );
    }
}

#[test]
fn the_a_plus_b_engine_checks_the_truth_has_the_design_doses() {
    let design = AbDesign::new(preset(Preset::Korn, 1), 3).unwrap();
    let truth = Truth::new("t", vec![0.1, 0.2]).unwrap();
    assert_eq!(
        exact_ab(&design, &truth, 0.3),
        Err(ExactError::DoseCountMismatch {
            design: 3,
            truth: 2
        })
    );
}
