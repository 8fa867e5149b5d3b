//! The Monte Carlo engine: many independent trials of one design on one truth,
//! in parallel, folded into a [`Tally`].
//!
//! Trials are cut into fixed-size batches that rayon spreads over its threads.
//! Every random number is addressed by (seed, trial, dose) — see
//! [`crate::rng`] — and tallies are integer counts merged by addition, so the
//! result does not depend on the number of threads or on how rayon splits the
//! work. Nothing is allocated, locked or written per trial: each rayon job
//! reuses one [`TrialState`] of fixed arrays and one tally.
//!
//! Two paths run trials: [`simulate`] for any [`Design`], asking
//! `Design::decide` after every cohort, and [`simulate_ab`], a visit-at-a-time
//! path for the A+B family that gives the same tallies to the bit, faster.

mod ab_fast;
mod generic;
pub mod outcomes;

pub use ab_fast::AbFast;
pub use generic::TrialState;
pub use outcomes::{CohortOutcomes, Interval, binomial_pmf};

use crate::design::{AbDesign, Design};
use crate::rng::Stream;
use crate::tally::{Shape, Tally};
use crate::truth::Truth;
use rayon::prelude::*;

/// Trials per batch: large enough to amortise rayon's scheduling, small enough
/// to balance two threads on a few hundred thousand trials.
pub const BATCH: u64 = 1 << 14;

/// Most trials one run may ask for: 10^12 is hours of a workstation per
/// truth × design, and keeps trial indices far inside the stream's 2^56.
pub const MAX_TRIALS: u64 = 1_000_000_000_000;

/// What one Monte Carlo run is asked to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct McSettings {
    pub trials: u64,
    pub seed: u64,
}

/// The size of tally a design needs.
pub fn shape_of<D: Design + ?Sized>(design: &D) -> Shape {
    Shape {
        num_doses: design.num_doses(),
        max_per_dose: design.max_patients_per_dose() as usize,
        max_n: design.max_sample_size() as usize,
    }
}

/// Simulates any design cohort by cohort. `on_batch` is told each finished
/// batch's number of trials, from whichever thread ran it (for progress
/// reporting; it must be cheap).
pub fn simulate<D: Design>(
    design: &D,
    truth: &Truth,
    target: f64,
    settings: McSettings,
    on_batch: &(dyn Fn(u64) + Sync),
) -> Tally<u64> {
    let outcomes = CohortOutcomes::new(&truth.p_dlt);
    run_batches(
        design,
        truth,
        target,
        settings,
        on_batch,
        |state, stream, trial| state.run(design, &outcomes, stream, trial),
    )
}

/// Simulates an A+B design a dose visit at a time; same tallies as
/// [`simulate`] on the same design. Designs whose visits have too many
/// endings for the fast path (cohorts of 5 or more) run on [`simulate`].
pub fn simulate_ab(
    design: &AbDesign,
    truth: &Truth,
    target: f64,
    settings: McSettings,
    on_batch: &(dyn Fn(u64) + Sync),
) -> Tally<u64> {
    match AbFast::new(design, &CohortOutcomes::new(&truth.p_dlt)) {
        Some(fast) => run_batches(
            design,
            truth,
            target,
            settings,
            on_batch,
            |state, stream, trial| fast.run(state, stream, trial),
        ),
        None => simulate(design, truth, target, settings, on_batch),
    }
}

fn run_batches<D: Design>(
    design: &D,
    truth: &Truth,
    target: f64,
    settings: McSettings,
    on_batch: &(dyn Fn(u64) + Sync),
    run_trial: impl Fn(&mut TrialState, &Stream, u64) -> Option<usize> + Sync,
) -> Tally<u64> {
    assert_eq!(
        design.num_doses(),
        truth.num_doses(),
        "design and truth disagree on the number of doses"
    );
    assert!(settings.trials <= MAX_TRIALS, "more than MAX_TRIALS trials");
    let shape = shape_of(design);
    let overdose = truth.overdose_mask(target);
    let stream = Stream::new(settings.seed);
    let trials = settings.trials;
    (0..trials.div_ceil(BATCH))
        .into_par_iter()
        .fold(
            || (Tally::new(shape), TrialState::new(overdose)),
            |(mut tally, mut state), batch| {
                let first = batch * BATCH;
                let last = (first + BATCH).min(trials);
                for trial in first..last {
                    let mtd = run_trial(&mut state, &stream, trial);
                    tally.record(&state.end(mtd), 1);
                }
                on_batch(last - first);
                (tally, state)
            },
        )
        .map(|(tally, _)| tally)
        .reduce(
            || Tally::new(shape),
            |mut a, b| {
                a.merge(&b);
                a
            },
        )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::design::{AbParams, Preset};

    fn both(params: AbParams, p: &[f64], trials: u64, seed: u64) -> (Tally<u64>, Tally<u64>) {
        let truth = Truth::new("t", p.to_vec()).unwrap();
        let design = AbDesign::new(params, p.len()).unwrap();
        let s = McSettings { trials, seed };
        (
            simulate(&design, &truth, 0.3, s, &|_| {}),
            simulate_ab(&design, &truth, 0.3, s, &|_| {}),
        )
    }

    #[test]
    fn fast_path_matches_generic_path_for_presets() {
        let p = [0.05, 0.1, 0.2, 0.3, 0.45];
        for preset in Preset::ALL {
            for start in [1, 3] {
                let mut params = AbParams::three_plus_three(preset);
                params.start_dose = start;
                let (generic, fast) = both(params, &p, 50_000, 9);
                assert_eq!(generic, fast, "{preset} start {start}");
            }
        }
    }

    #[test]
    fn fast_path_matches_generic_path_for_a_plus_b() {
        let curves: [&[f64]; 4] = [
            &[0.3],
            &[0.0, 1.0, 0.5],
            &[0.1, 0.25, 0.4, 0.6],
            &[0.5, 0.05, 0.3, 0.02, 0.9, 0.2],
        ];
        let shapes = [
            (3, 3, 1, 1, 1),
            (4, 4, 1, 2, 2),
            (3, 3, 1, 2, 2),
            (2, 4, 1, 1, 2),
            (5, 1, 2, 3, 3),
        ];
        for (i, p) in curves.iter().enumerate() {
            for (a, b, c, d, e) in shapes {
                for (deescalation, top) in
                    [(false, false), (true, false), (true, true), (false, true)]
                {
                    let params = AbParams {
                        a,
                        b,
                        c,
                        d,
                        e,
                        deescalation,
                        top_dose_needs_six: top,
                        start_dose: 1 + (i as u32 % p.len() as u32),
                    };
                    let (generic, fast) = both(params, p, 20_000, i as u64);
                    assert_eq!(generic, fast, "{params:?} on {p:?}");
                }
            }
        }
    }

    #[test]
    fn thread_count_changes_nothing() {
        let truth = Truth::new("t", vec![0.1, 0.2, 0.35]).unwrap();
        let design = AbDesign::new(AbParams::three_plus_three(Preset::Korn), 3).unwrap();
        let s = McSettings {
            trials: 5 * BATCH + 17,
            seed: 4,
        };
        let on = |threads| {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap();
            pool.install(|| simulate_ab(&design, &truth, 0.3, s, &|_| {}))
        };
        let one = on(1);
        assert_eq!(one.total(), s.trials);
        assert_eq!(one, on(3));
    }
}
