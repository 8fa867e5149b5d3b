//! The Monte Carlo engine: many independent trials of one design on one truth,
//! in parallel, folded into a [`Tally`].
//!
//! Trials are cut into fixed-size batches that rayon spreads over its threads.
//! Every random number is addressed by (seed, trial, dose, cohort at that dose)
//! — see [`crate::rng`] — and the tallies are integer counts merged by addition,
//! so the result does not depend on the number of threads or on how rayon
//! splits the work. Nothing is allocated, locked or written per trial: a batch
//! reuses one [`TrialState`] of fixed arrays.

use crate::design::{Decision, Design, Observed};
use crate::rng::Stream;
use crate::tally::{Shape, Tally, TrialEnd};
use crate::truth::{MAX_DOSES, Truth};
use rayon::prelude::*;

/// Trials per batch: large enough to amortise rayon's scheduling, small enough
/// to balance two threads on a few million trials.
pub const BATCH: u64 = 1 << 14;

/// Most trials one run may ask for: 10^12 is hours on a workstation; beyond it
/// the trial index would also approach the 2^52 positions of the stream.
pub const MAX_TRIALS: u64 = 1_000_000_000_000;

/// Cohort sizes covered by the precomputed outcome tables.
const MAX_COHORT: usize = crate::design::MAX_COHORT as usize;

/// Number of DLTs in a cohort as a function of one uniform, by inversion of the
/// Binomial(size, p) distribution function.
///
/// Inversion (rather than one draw per patient) costs one draw per cohort, and
/// it is monotone in p: for a fixed uniform a more toxic dose never yields fewer
/// DLTs, so truths compared on the same seed are coupled as closely as possible.
#[derive(Debug, Clone)]
pub struct CohortOutcomes {
    num_doses: usize,
    /// `[size - 1][dose][j]` = P(X ≤ j) · 2^53, rounded.
    thresholds: Vec<[u64; MAX_COHORT]>,
}

impl CohortOutcomes {
    pub fn new(p_dlt: &[f64]) -> Self {
        let scale = (1u64 << 53) as f64;
        let mut thresholds = Vec::with_capacity(MAX_COHORT * p_dlt.len());
        for size in 1..=MAX_COHORT {
            for &p in p_dlt {
                let mut row = [1u64 << 53; MAX_COHORT];
                let mut cdf = 0.0;
                for (j, t) in row.iter_mut().enumerate().take(size) {
                    cdf += binomial_pmf(size as u32, j as u32, p);
                    *t = ((cdf * scale).round() as u64).min(1 << 53);
                }
                thresholds.push(row);
            }
        }
        CohortOutcomes {
            num_doses: p_dlt.len(),
            thresholds,
        }
    }

    /// DLTs among `size` patients at `dose` for the 53-bit uniform `u`.
    #[inline(always)]
    pub fn dlts(&self, size: u32, dose: usize, u: u64) -> u32 {
        let row = &self.thresholds[(size as usize - 1) * self.num_doses + dose];
        let mut x = 0;
        while x < size && u >= row[x as usize] {
            x += 1;
        }
        x
    }
}

/// P(X = j) for X ~ Binomial(m, p); exact at p = 0 and p = 1.
pub fn binomial_pmf(m: u32, j: u32, p: f64) -> f64 {
    let choose = (0..j).fold(1.0, |c, i| c * (m - i) as f64 / (i + 1) as f64);
    choose * p.powi(j as i32) * (1.0 - p).powi((m - j) as i32)
}

/// One trial's observations, reused from trial to trial.
#[derive(Debug, Clone)]
pub struct TrialState {
    n: [u32; MAX_DOSES],
    x: [u32; MAX_DOSES],
    cohorts: [u32; MAX_DOSES],
    lo: usize,
    hi: usize,
}

impl Default for TrialState {
    fn default() -> Self {
        TrialState {
            n: [0; MAX_DOSES],
            x: [0; MAX_DOSES],
            cohorts: [0; MAX_DOSES],
            lo: usize::MAX,
            hi: 0,
        }
    }
}

impl TrialState {
    fn clear(&mut self) {
        if self.lo <= self.hi {
            for d in self.lo..=self.hi {
                self.n[d] = 0;
                self.x[d] = 0;
                self.cohorts[d] = 0;
            }
        }
        self.lo = usize::MAX;
        self.hi = 0;
    }

    fn treat(&mut self, dose: usize, patients: u32, dlts: u32) {
        self.n[dose] += patients;
        self.x[dose] += dlts;
        self.cohorts[dose] += 1;
        self.lo = self.lo.min(dose);
        self.hi = self.hi.max(dose);
    }

    /// Runs trial `trial` to its end; returns the selected MTD.
    #[inline]
    pub fn run<D: Design>(&mut self, design: &D, outcomes: &CohortOutcomes, stream: &Stream, trial: u64) -> Option<usize> {
        self.clear();
        let k = design.num_doses();
        let mut next = design.start();
        loop {
            match next {
                Decision::Treat { dose, patients } => {
                    let u = stream.cohort_draw(trial, dose, self.cohorts[dose]);
                    self.treat(dose, patients, outcomes.dlts(patients, dose, u));
                    next = design.decide(&Observed {
                        n: &self.n[..k],
                        x: &self.x[..k],
                        current: dose,
                    });
                }
                Decision::Stop { mtd } => return mtd,
            }
        }
    }

    /// The finished trial, as a tally records it.
    pub fn end(&self, mtd: Option<usize>) -> TrialEnd<'_> {
        TrialEnd {
            n: &self.n,
            x: &self.x,
            lo: self.lo,
            hi: self.hi,
            mtd,
        }
    }
}

/// The size of tally a design needs.
pub fn shape_of<D: Design>(design: &D) -> Shape {
    Shape {
        num_doses: design.num_doses(),
        max_per_dose: design.max_patients_per_dose() as usize,
        max_n: design.max_sample_size() as usize,
    }
}

/// Simulates `trials` trials of `design` on `truth` with the random numbers of
/// `seed`; over-dosing means true p > `target`.
///
/// `on_batch` is called after each batch with its number of trials, from
/// whichever thread ran it (for progress reporting; it must be cheap).
pub fn simulate<D: Design>(
    design: &D,
    truth: &Truth,
    target: f64,
    trials: u64,
    seed: u64,
    on_batch: &(dyn Fn(u64) + Sync),
) -> Tally<u64> {
    assert_eq!(design.num_doses(), truth.num_doses(), "design and truth disagree on the number of doses");
    assert!(trials <= MAX_TRIALS, "more than MAX_TRIALS trials");
    let shape = shape_of(design);
    let outcomes = CohortOutcomes::new(&truth.p_dlt);
    let overdose = truth.overdose_mask(target);
    let stream = Stream::new(seed);
    let batches = trials.div_ceil(BATCH);
    (0..batches)
        .into_par_iter()
        .fold(
            || (Tally::new(shape), TrialState::default()),
            |(mut tally, mut state), b| {
                let first = b * BATCH;
                let last = (first + BATCH).min(trials);
                for trial in first..last {
                    let mtd = state.run(design, &outcomes, &stream, trial);
                    tally.record(&state.end(mtd), overdose, 1);
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

    #[test]
    fn cohort_outcomes_invert_the_binomial() {
        let o = CohortOutcomes::new(&[0.0, 1.0, 0.5]);
        let top = (1u64 << 53) - 1;
        assert_eq!((o.dlts(3, 0, 0), o.dlts(3, 0, top)), (0, 0));
        assert_eq!((o.dlts(3, 1, 0), o.dlts(3, 1, top)), (3, 3));
        // Binomial(3, 1/2): P(0) = 1/8, P(≤1) = 1/2, P(≤2) = 7/8.
        let at = |f: f64| (f * (1u64 << 53) as f64) as u64;
        assert_eq!(o.dlts(3, 2, at(0.125) - 1), 0);
        assert_eq!(o.dlts(3, 2, at(0.125)), 1);
        assert_eq!(o.dlts(3, 2, at(0.5)), 2);
        assert_eq!(o.dlts(3, 2, at(0.875)), 3);
        assert_eq!(o.dlts(1, 2, at(0.5) - 1), 0);
        assert_eq!(o.dlts(1, 2, at(0.5)), 1);
    }

    #[test]
    fn binomial_pmf_sums_to_one() {
        for m in 1..=8 {
            let s: f64 = (0..=m).map(|j| binomial_pmf(m, j, 0.37)).sum();
            assert!((s - 1.0).abs() < 1e-12);
        }
    }
}
