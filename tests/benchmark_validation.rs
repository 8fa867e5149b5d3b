//! The optimal benchmark against the 15 reference cases of
//! `tests/data/validation-designs/` (README part 3: exact multinomial
//! sums, lowest dose on exact ties): selection and over-dose selection to
//! 1e-9 exactly, and within 4 standard errors by Monte Carlo at 10^6 trials
//! on the engine's tolerances; and the figures it does not have are empty.

mod design_cases;

use design_cases::{Misses, benchmark_cases};
use dosesim::design::AnyDesign;
use dosesim::summary::OperatingCharacteristics;
use dosesim::truth::MtdRule;

const TRIALS: u64 = 1_000_000;

/// Selection figures of `oc` against the case, to `tol(p)`.
fn check(
    case: &design_cases::Case<dosesim::design::Benchmark>,
    oc: &OperatingCharacteristics,
    tol: impl Fn(f64) -> f64,
    m: &mut Misses,
) {
    let id = &case.id;
    for (d, want) in case.list("p_select").into_iter().enumerate() {
        let what = format!("{id} p_select[{}]", d + 1);
        m.close(what, oc.doses[d].p_select.value, want, tol(want));
    }
    for (key, got) in [
        ("p_none", oc.p_none.value),
        ("overdose_selection_risk", oc.p_select_overdose.value),
    ] {
        let want = case.scalar(key);
        m.close(format!("{id} {key}"), got, want, tol(want));
    }
    let at_or_below = case.scalar("p_select_at_or_below_target");
    let what = format!("{id} p_select_at_or_below_target");
    m.close(
        what,
        1.0 - oc.p_select_overdose.value,
        at_or_below,
        tol(at_or_below),
    );
    // It treats nobody: no sample size, no DLTs.
    assert!(!oc.mean_n.is_applicable() && !oc.mean_dlt.is_applicable());
    assert!(oc.sample_size.is_empty() && oc.doses.iter().all(|d| !d.mean_n.is_applicable()));
}

#[test]
fn exact_benchmark_matches_every_reference_case() {
    let mut misses = Misses::default();
    for case in benchmark_cases() {
        let design = AnyDesign::Benchmark(case.design.clone());
        let tally = design.exact(&case.truth, case.target).unwrap();
        let oc = case.summarise(&tally, MtdRule::Closest, None);
        check(&case, &oc, |p| 1e-9 * p.max(1.0), &mut misses);
    }
    misses.assert_clean();
}

#[test]
fn monte_carlo_benchmark_lands_within_four_standard_errors() {
    let r = TRIALS as f64;
    let mut misses = Misses::default();
    for (i, case) in benchmark_cases().iter().enumerate() {
        let (_, oc) = case.simulated(TRIALS, 20261209 + i as u64, MtdRule::Closest);
        check(
            case,
            &oc,
            |p| 4.0 * (p * (1.0 - p) / r).sqrt() + 1.5 / r,
            &mut misses,
        );
    }
    misses.assert_clean();
}
