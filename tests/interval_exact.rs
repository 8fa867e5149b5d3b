//! The generic exact engine on BOIN, mTPI-2 and i3+3 against the 24 reference
//! cases of `tests/data/validation-designs/`: selection, sample size, DLTs and
//! over-dosing, per dose and in all, to 1e-9 (relative or absolute, whichever
//! is looser). Prints each case's merged-state count and time.

mod design_cases;

use design_cases::{Misses, cases, check_exact};
use dosesim::design::{Decision, Design, IntervalDesign, Observed};
use dosesim::exact::exact;
use dosesim::truth::MtdRule;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

/// Counts `decide` calls: the exact engine asks once per merged state.
struct Counting<'a> {
    inner: &'a IntervalDesign,
    calls: AtomicUsize,
}

impl Design for Counting<'_> {
    fn num_doses(&self) -> usize {
        self.inner.num_doses()
    }
    fn max_cohort(&self) -> u32 {
        self.inner.max_cohort()
    }
    fn max_patients_per_dose(&self) -> u32 {
        self.inner.max_patients_per_dose()
    }
    fn max_sample_size(&self) -> u32 {
        self.inner.max_sample_size()
    }
    fn start(&self) -> Decision {
        self.inner.start()
    }
    fn decide(&self, seen: &Observed<'_>) -> Decision {
        self.calls.fetch_add(1, Ordering::Relaxed);
        self.inner.decide(seen)
    }
}

#[test]
fn exact_engine_matches_every_reference_case() {
    let mut misses = Misses::default();
    for case in cases() {
        let counting = Counting {
            inner: &case.design,
            calls: AtomicUsize::new(0),
        };
        exact(&counting, &case.truth, case.target).unwrap();
        let start = Instant::now();
        let tally = exact(&case.design, &case.truth, case.target)
            .unwrap_or_else(|e| panic!("{}: {e}", case.id));
        let elapsed = start.elapsed();
        println!(
            "{:40} {:>7} states {:>8.2} ms",
            case.id,
            counting.calls.load(Ordering::Relaxed),
            elapsed.as_secs_f64() * 1e3
        );
        misses.exact(format!("{} total mass", case.id), tally.total(), 1.0);
        let oc = case.summarise(&tally, MtdRule::Highest, None);
        check_exact(&case, &oc, &mut misses);
        assert_eq!(case.kind, case.design.kind().name());
    }
    misses.assert_clean();
}
