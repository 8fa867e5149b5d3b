//! The generic exact engine on BOIN, mTPI-2 and i3+3 against the 24 reference
//! cases of `tests/data/validation-designs/`: selection, sample size, DLTs and
//! over-dosing, per dose and in all, to 1e-9 (relative or absolute, whichever
//! is looser). Prints each case's merged-state count and time.

mod interval_cases;

use dosesim::design::{Decision, Design, IntervalDesign, Observed};
use dosesim::exact::exact;
use dosesim::summary::OperatingCharacteristics;
use dosesim::truth::MtdRule;
use interval_cases::{Case, cases};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

const TOL: f64 = 1e-9;

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

struct Misses(Vec<String>, usize);

impl Misses {
    fn close(&mut self, what: String, got: f64, want: f64) {
        self.1 += 1;
        #[allow(clippy::neg_cmp_op_on_partial_ord)]
        if !((got - want).abs() <= TOL * want.abs().max(1.0)) {
            self.0.push(format!("{what}: got {got}, want {want}"));
        }
    }
}

fn check(case: &Case, oc: &OperatingCharacteristics, m: &mut Misses) {
    let id = &case.id;
    for (d, want) in case.list("p_select").into_iter().enumerate() {
        m.close(
            format!("{id} p_select[{}]", d + 1),
            oc.doses[d].p_select.value,
            want,
        );
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
        m.close(format!("{id} {key}"), got, case.scalar(key));
    }
    for (d, dose) in oc.doses.iter().enumerate() {
        let per_dose = [
            ("expected_n_per_dose", dose.mean_n.value),
            ("expected_dlt_per_dose", dose.mean_dlt.value),
            ("expected_fraction_per_dose", dose.alloc_mean.value),
            ("p_dose_treated", dose.p_treated.value),
        ];
        for (key, got) in per_dose {
            m.close(format!("{id} {key}[{}]", d + 1), got, case.list(key)[d]);
        }
    }
    for (key, got) in [
        ("sample_size_pmf", &oc.sample_size),
        ("dlt_count_pmf", &oc.dlt_count),
    ] {
        let want = case.pmf(key);
        for &(v, p) in &want {
            let ours = got.iter().find(|g| g.0 == v).map_or(0.0, |g| g.1);
            m.close(format!("{id} {key}[{v}]"), ours, p);
        }
        for &(v, q) in got {
            if !want.iter().any(|w| w.0 == v) {
                m.close(format!("{id} {key}[{v}] (impossible)"), q, 0.0);
            }
        }
    }
}

#[test]
fn exact_engine_matches_every_reference_case() {
    let mut misses = Misses(Vec::new(), 0);
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
        misses.close(format!("{} total mass", case.id), tally.total(), 1.0);
        let oc = OperatingCharacteristics::from_tally(
            &tally,
            &case.truth,
            case.target,
            MtdRule::Highest,
            None,
        );
        check(&case, &oc, &mut misses);
        assert_eq!(case.kind, case.design.kind().name());
    }
    assert!(
        misses.0.is_empty(),
        "{} of {} figures missed:\n{}",
        misses.0.len(),
        misses.1,
        misses.0.join("\n")
    );
    println!("{} figures checked", misses.1);
}
