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
use crate::tally::{HEADLINES, Headline, PairTally, Shape, Tally, TrialEnd};
use crate::truth::Truth;
use rayon::prelude::*;
use std::ops::Range;

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

/// A share of a run's batches, so one run can be spread over processes or
/// machines. The batches of a scenario's truths, laid end to end (truth 0's
/// batches, then truth 1's, …), are cut into `count` contiguous blocks of
/// nearly equal size, and shard `index` (0-based) runs block `index`: a few
/// truths of many batches and a sweep of many one-batch truths both split
/// evenly. The blocks tile the batches and tallies add, so the shards' sum is
/// the whole run's tally.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Shard {
    pub index: u32,
    pub count: u32,
}

impl Shard {
    /// The whole run.
    pub const WHOLE: Shard = Shard { index: 0, count: 1 };

    /// The batches of truth `truth`, out of `truths` truths of `trials`
    /// trials each, that this shard runs.
    pub fn batches(self, truth: usize, truths: usize, trials: u64) -> Range<u64> {
        let per_truth = u128::from(trials.div_ceil(BATCH));
        let total = per_truth * truths as u128;
        let at = |i: u32| total * u128::from(i) / u128::from(self.count);
        let first = per_truth * truth as u128;
        let local = |g: u128| (g.clamp(first, first + per_truth) - first) as u64;
        local(at(self.index))..local(at(self.index + 1))
    }

    /// Trials in [`Self::batches`].
    pub fn trials(self, truth: usize, truths: usize, trials: u64) -> u64 {
        let batches = self.batches(truth, truths, trials);
        (batches.end * BATCH).min(trials) - (batches.start * BATCH).min(trials)
    }
}

/// A fingerprint of the engine as built: the counts of a small fixed run of
/// every preset on a fixed curve, folded into one number. Two builds whose
/// random stream, DLT mapping, design rules or tallies differ give different
/// fingerprints (with overwhelming probability), whatever their version
/// says, so merge can refuse to add up parts of different engines.
pub fn fingerprint() -> u64 {
    let truth = match Truth::new("fingerprint", vec![0.05, 0.15, 0.3, 0.45, 0.6]) {
        Ok(truth) => truth,
        Err(_) => return 0,
    };
    let settings = McSettings {
        trials: 2048,
        seed: 0x5eed,
    };
    let mut hash = Stream::new(0);
    for preset in crate::design::Preset::ALL {
        let params = crate::design::AbParams::three_plus_three(preset);
        if let Ok(design) = AbDesign::new(params, truth.num_doses()) {
            for count in simulate_ab(&design, &truth, 0.3, settings, &|_| {}).counts() {
                hash = Stream::new(hash.at(count));
            }
        }
    }
    hash.at(0)
}

/// One trial of one design, from its random numbers to its selected MTD.
trait Runner: Sync {
    fn run(&self, state: &mut TrialState, stream: &Stream, trial: u64) -> Option<usize>;
}

/// Any design, cohort by cohort.
struct Generic<'a, D> {
    design: &'a D,
    outcomes: CohortOutcomes,
}

impl<D: Design> Runner for Generic<'_, D> {
    #[inline]
    fn run(&self, state: &mut TrialState, stream: &Stream, trial: u64) -> Option<usize> {
        state.run(self.design, &self.outcomes, stream, trial)
    }
}

/// An A+B design: visit by visit where it can be.
enum AbRunner<'a> {
    Fast(AbFast),
    Generic(Generic<'a, AbDesign>),
}

impl<'a> AbRunner<'a> {
    fn new(design: &'a AbDesign, truth: &Truth) -> Self {
        let outcomes = CohortOutcomes::new(&truth.p_dlt);
        match AbFast::new(design, &outcomes) {
            Some(fast) => AbRunner::Fast(fast),
            None => AbRunner::Generic(Generic { design, outcomes }),
        }
    }
}

impl Runner for AbFast {
    #[inline(always)]
    fn run(&self, state: &mut TrialState, stream: &Stream, trial: u64) -> Option<usize> {
        AbFast::run(self, state, stream, trial)
    }
}

impl Runner for AbRunner<'_> {
    #[inline(always)]
    fn run(&self, state: &mut TrialState, stream: &Stream, trial: u64) -> Option<usize> {
        match self {
            AbRunner::Fast(fast) => AbFast::run(fast, state, stream, trial),
            AbRunner::Generic(generic) => generic.run(state, stream, trial),
        }
    }
}

/// What a Monte Carlo run of several designs on one truth counted: a tally
/// per design and, with two or more designs, their paired sums.
#[derive(Debug, Clone, PartialEq)]
pub struct Joint {
    pub tallies: Vec<Tally<u64>>,
    pub pairs: PairTally,
}

impl Joint {
    /// Empty tallies for designs of these shapes.
    pub fn empty(shapes: &[Shape]) -> Self {
        Joint {
            tallies: shapes.iter().map(|&s| Tally::new(s)).collect(),
            pairs: PairTally::new(shapes.len()),
        }
    }

    /// Adds the counts of another run of the same designs.
    pub fn merge(&mut self, other: &Joint) {
        for (mine, theirs) in self.tallies.iter_mut().zip(&other.tallies) {
            mine.merge(theirs);
        }
        self.pairs.merge(&other.pairs);
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
    let runner = Generic {
        design,
        outcomes: CohortOutcomes::new(&truth.p_dlt),
    };
    let work = Batches {
        shapes: vec![shape_of(design)],
        truth,
        target,
        true_mtd: None,
        settings,
        batches: Shard::WHOLE.batches(0, 1, settings.trials),
        on_batch,
    };
    let mut joint = work.run(&[runner]);
    joint.tallies.swap_remove(0)
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
    let designs = std::slice::from_ref(design);
    let mut joint = simulate_designs(
        designs,
        truth,
        target,
        None,
        settings,
        Shard::WHOLE.batches(0, 1, settings.trials),
        on_batch,
    );
    joint.tallies.swap_remove(0)
}

/// Simulates every design on the same patients, trial by trial: trial `i` of
/// each design reads the same random numbers, and each design's tally is the
/// one [`simulate_ab`] would give. With two or more designs the paired sums
/// are counted too, for which `true_mtd` (0-based) says which selection is
/// correct. Only `batches` run (see [`Shard`]); `on_batch` hears of each
/// finished batch's trials times the number of designs.
pub fn simulate_designs(
    designs: &[AbDesign],
    truth: &Truth,
    target: f64,
    true_mtd: Option<usize>,
    settings: McSettings,
    batches: Range<u64>,
    on_batch: &(dyn Fn(u64) + Sync),
) -> Joint {
    let work = Batches {
        shapes: designs.iter().map(shape_of).collect(),
        truth,
        target,
        true_mtd,
        settings,
        batches,
        on_batch,
    };
    // One design, the common case, runs without dispatch per trial.
    if let [design] = designs {
        if let Some(fast) = AbFast::new(design, &CohortOutcomes::new(&truth.p_dlt)) {
            return work.run(&[fast]);
        }
    }
    let runners: Vec<AbRunner> = designs.iter().map(|d| AbRunner::new(d, truth)).collect();
    work.run(&runners)
}

/// The trials to run: a block of batches of designs of these `shapes` on
/// `truth`, whose true MTD (0-based) `true_mtd` tells correct selections.
struct Batches<'a> {
    shapes: Vec<Shape>,
    truth: &'a Truth,
    target: f64,
    true_mtd: Option<usize>,
    settings: McSettings,
    batches: Range<u64>,
    on_batch: &'a (dyn Fn(u64) + Sync),
}

impl Batches<'_> {
    /// Runs the batches with one runner per design, in parallel.
    fn run<R: Runner>(&self, runners: &[R]) -> Joint {
        let Batches {
            ref shapes,
            truth,
            target,
            true_mtd,
            settings,
            ref batches,
            on_batch,
        } = *self;
        assert!(
            shapes.iter().all(|s| s.num_doses == truth.num_doses()),
            "design and truth disagree on the number of doses"
        );
        assert!(settings.trials <= MAX_TRIALS, "more than MAX_TRIALS trials");
        let overdose = truth.overdose_mask(target);
        let stream = Stream::new(settings.seed);
        let trials = settings.trials;
        let paired = runners.len() > 1;
        let empty = || Joint::empty(shapes);
        let headline = |end: &TrialEnd<'_>| -> Headline {
            let selected_over = end.mtd.map_or(0, |d| overdose >> d & 1);
            [
                u32::from(end.mtd == true_mtd),
                selected_over,
                end.n_total,
                end.x_total,
                end.n_over,
            ]
        };
        batches
            .clone()
            .into_par_iter()
            .fold(
                || {
                    (
                        empty(),
                        vec![TrialState::new(overdose); runners.len()],
                        vec![[0; HEADLINES.len()]; runners.len()],
                    )
                },
                |(mut joint, mut states, mut values), batch| {
                    let first = batch * BATCH;
                    let last = (first + BATCH).min(trials);
                    if let [runner] = runners {
                        // One design: no pairing, and the tally and state moved
                        // into locals, which the compiler keeps in registers
                        // (through the vectors: 9% more instructions per trial).
                        if let (Some(mut tally), Some(mut state)) =
                            (joint.tallies.pop(), states.pop())
                        {
                            for trial in first..last {
                                let mtd = runner.run(&mut state, &stream, trial);
                                tally.record(&state.end(mtd), 1);
                            }
                            joint.tallies.push(tally);
                            states.push(state);
                        }
                        on_batch(last - first);
                        return (joint, states, values);
                    }
                    for trial in first..last {
                        for (d, runner) in runners.iter().enumerate() {
                            let state = &mut states[d];
                            let mtd = runner.run(state, &stream, trial);
                            let end = state.end(mtd);
                            joint.tallies[d].record(&end, 1);
                            if paired {
                                values[d] = headline(&end);
                            }
                        }
                        if paired {
                            joint.pairs.record(&values);
                        }
                    }
                    on_batch((last - first) * runners.len() as u64);
                    (joint, states, values)
                },
            )
            .map(|(joint, _, _)| joint)
            .reduce(empty, |mut a, b| {
                a.merge(&b);
                a
            })
    }
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

    #[test]
    fn fingerprint_is_the_same_on_any_number_of_threads() {
        let on = |threads| {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap();
            pool.install(fingerprint)
        };
        let one = on(1);
        assert_ne!(one, 0);
        assert_eq!(one, on(3));
    }
}
