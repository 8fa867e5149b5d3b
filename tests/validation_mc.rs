//! The Monte Carlo engine against every exact reference case: each figure must
//! land within 4 standard errors, computed from the case's exact per-trial
//! variance (so a wrong estimate cannot hide behind a wrong standard error).

mod common;

use common::{Case, Checker, cases};
use dosesim::engine::{McSettings, simulate};
use dosesim::summary::OperatingCharacteristics;
use dosesim::truth::MtdRule;

const TRIALS: u64 = 400_000;
const Z: f64 = 4.0;

fn check_case(case: &Case, c: &mut Checker) {
    let tally = simulate(
        &case.design(),
        &case.truth,
        case.target,
        McSettings {
            trials: TRIALS,
            seed: 20261123,
            timing: None,
        },
        &|_| {},
    )
    .unwrap();
    let oc = OperatingCharacteristics::from_tally(
        &tally,
        &case.truth,
        case.target,
        MtdRule::Highest,
        Some(TRIALS),
    );
    let r = TRIALS as f64;
    // Tolerance for a mean whose per-trial variance is `var`. The normal
    // approximation behind "4 SE" fails for events so rare that p·R ≪ 1 (the
    // k5_brief DLT pmf has cells of 2e-8: one hit in 4e5 trials happens 1% of
    // the time), so a single trial's worth, 1.5/R, is always allowed.
    let tol = |var: f64| Z * (var / r).sqrt() + 1.5 / r;
    let tol_p = |p: f64| tol(p * (1.0 - p));
    let id = &case.id;

    let p_select = case.list("p_select");
    for (d, want) in p_select.iter().enumerate() {
        c.close(
            format!("{id} p_select[{}]", d + 1),
            oc.doses[d].p_select.value,
            *want,
            tol_p(*want),
        );
    }
    let p_none = case.num("p_none");
    c.close(
        format!("{id} p_none"),
        oc.p_none.value,
        p_none,
        tol_p(p_none),
    );
    let over = case.num("overdose_selection_risk");
    c.close(
        format!("{id} p_select_overdose"),
        oc.p_select_overdose.value,
        over,
        tol_p(over),
    );

    let scalar = [
        ("expected_n_total", oc.mean_n.value, "var_n_total"),
        ("expected_dlt_total", oc.mean_dlt.value, "var_dlt_total"),
        (
            "expected_dlt_rate",
            oc.dlt_rate_per_trial.value,
            "var_dlt_rate",
        ),
        (
            "expected_n_overdosed",
            oc.mean_n_overdose.value,
            "var_n_overdosed",
        ),
        (
            "expected_fraction_overdosed",
            oc.mean_share_n_overdose.value,
            "var_fraction_overdosed",
        ),
    ];
    for (key, got, var) in scalar {
        c.close(
            format!("{id} {key}"),
            got,
            case.num(key),
            tol(case.num(var)),
        );
    }
    c.close(
        format!("{id} sd_n"),
        oc.sd_n,
        case.num("var_n_total").sqrt(),
        0.02 * case.num("var_n_total").sqrt() + 1e-9,
    );

    let per_dose = [
        ("expected_n_per_dose", "var_n_per_dose"),
        ("expected_fraction_per_dose", "var_fraction_per_dose"),
        ("expected_dlt_per_dose", "var_dlt_per_dose"),
    ];
    for (key, var) in per_dose {
        let (want, var) = (case.list(key), case.list(var));
        for d in 0..want.len() {
            let got = match key {
                "expected_n_per_dose" => oc.doses[d].mean_n.value,
                "expected_fraction_per_dose" => oc.doses[d].alloc_mean.value,
                _ => oc.doses[d].mean_dlt.value,
            };
            c.close(format!("{id} {key}[{}]", d + 1), got, want[d], tol(var[d]));
        }
    }
    for (d, want) in case.list("p_dose_treated").iter().enumerate() {
        c.close(
            format!("{id} p_treated[{}]", d + 1),
            oc.doses[d].p_treated.value,
            *want,
            tol_p(*want),
        );
    }
    for (key, got) in [
        ("sample_size_pmf", &oc.sample_size),
        ("dlt_count_pmf", &oc.dlt_count),
    ] {
        let want = case.pmf(key);
        for &(v, p) in &want {
            let estimate = got.iter().find(|&&(g, _)| g == v).map_or(0.0, |&(_, q)| q);
            c.close(format!("{id} {key}[{v}]"), estimate, p, tol_p(p));
        }
        // Values the reference says never occur must never be simulated.
        for &(v, q) in got.iter() {
            if !want.iter().any(|&(w, _)| w == v) {
                c.close(format!("{id} {key}[{v}] (impossible)"), q, 0.0, 0.0);
            }
        }
    }
    // The reported standard errors agree with the exact variances.
    let se_want = (case.num("var_n_total") / r).sqrt();
    c.close(
        format!("{id} mean_n se"),
        oc.mean_n.se,
        se_want,
        0.05 * se_want + 1e-12,
    );
}

#[test]
fn monte_carlo_matches_every_validation_case_within_4_se() {
    let mut c = Checker::default();
    for case in cases() {
        check_case(&case, &mut c);
    }
    eprintln!("{} figures checked", c.checked);
    c.assert_clean();
}
