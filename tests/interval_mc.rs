//! The Monte Carlo engine on BOIN, mTPI-2 and i3+3 against the 24 exact
//! reference cases of `tests/data/validation-designs/`, at 10^6 trials each:
//! every figure within 4 standard errors, computed from the case's exact
//! per-trial variance (so a wrong estimate cannot hide behind a wrong standard
//! error), plus one trial's worth (1.5/R) where p·R ≪ 1 breaks the normal
//! approximation.

mod design_cases;

use design_cases::{Misses, cases, check_mc};
use dosesim::design::StopReason;
use dosesim::truth::MtdRule;

const TRIALS: u64 = 1_000_000;

#[test]
fn monte_carlo_lands_within_four_standard_errors_of_every_case() {
    let mut misses = Misses::default();
    for (i, case) in cases().iter().enumerate() {
        let (tally, oc) = case.simulated(TRIALS, 20261207 + i as u64, MtdRule::Highest);
        check_mc(case, &oc, TRIALS, &mut misses);
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
    misses.assert_clean();
}
