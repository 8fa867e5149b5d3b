//! The Monte Carlo engine on BOIN, mTPI-2 and i3+3 against the 24 exact
//! reference cases of `tests/data/validation-designs/`, at 10^6 trials each:
//! every figure within 4 standard errors, computed from the case's exact
//! per-trial variance (so a wrong estimate cannot hide behind a wrong standard
//! error), plus one trial's worth (1.5/R) where p·R ≪ 1 breaks the normal
//! approximation.

mod interval_cases;

use dosesim::design::StopReason;
use dosesim::engine::{McSettings, simulate};
use dosesim::summary::OperatingCharacteristics;
use dosesim::truth::MtdRule;
use interval_cases::cases;

const TRIALS: u64 = 1_000_000;
const Z: f64 = 4.0;

#[test]
fn monte_carlo_lands_within_four_standard_errors_of_every_case() {
    let r = TRIALS as f64;
    let tol = |var: f64| Z * (var / r).sqrt() + 1.5 / r;
    let tol_p = |p: f64| tol(p * (1.0 - p));
    let mut misses = Vec::new();
    let mut checked = 0;
    for (i, case) in cases().iter().enumerate() {
        let settings = McSettings {
            trials: TRIALS,
            seed: 20261207 + i as u64,
        };
        let tally = simulate(&case.design, &case.truth, case.target, settings, &|_| {})
            .unwrap_or_else(|e| panic!("{}: {e}", case.id));
        let oc = OperatingCharacteristics::from_tally(
            &tally,
            &case.truth,
            case.target,
            MtdRule::Highest,
            Some(TRIALS),
        );
        let mut close = |what: String, got: f64, want: f64, tol: f64| {
            checked += 1;
            if (got - want).abs() > tol {
                misses.push(format!(
                    "{} {what}: {got} vs exact {want} (z = {:.1})",
                    case.id,
                    (got - want) / (tol - 1.5 / r) * Z
                ));
            }
        };
        for (d, want) in case.list("p_select").into_iter().enumerate() {
            let got = oc.doses[d].p_select.value;
            close(format!("p_select[{}]", d + 1), got, want, tol_p(want));
        }
        let p_none = case.scalar("p_none");
        close("p_none".into(), oc.p_none.value, p_none, tol_p(p_none));
        let risk = case.scalar("overdose_selection_risk");
        close(
            "overdose_selection_risk".into(),
            oc.p_select_overdose.value,
            risk,
            tol_p(risk),
        );
        for (key, var, got) in [
            ("expected_n_total", "var_n_total", oc.mean_n.value),
            ("expected_dlt_total", "var_dlt_total", oc.mean_dlt.value),
            (
                "expected_n_overdosed",
                "var_n_overdosed",
                oc.mean_n_overdose.value,
            ),
        ] {
            close(key.into(), got, case.scalar(key), tol(case.scalar(var)));
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
                close(format!("{key}[{}]", d + 1), got, want[d], tol(var[d]));
            }
        }
        // Stop reasons partition the trials, and a safety stop selects nothing.
        let stops: f64 = oc.p_stop.iter().map(|e| e.value).sum();
        assert!(
            (stops - 1.0).abs() < 1e-12,
            "{}: stop reasons sum to {stops}",
            case.id
        );
        assert!(oc.p_none_safety.value <= oc.p_none.value + 1e-12);
        assert_eq!(
            tally.stopped(StopReason::Safety, false),
            0,
            "{}: a safety stop with an MTD",
            case.id
        );
    }
    assert!(
        misses.is_empty(),
        "{} of {checked} figures beyond {Z} SE:\n{}",
        misses.len(),
        misses.join("\n")
    );
    println!("{checked} figures within {Z} SE");
}
