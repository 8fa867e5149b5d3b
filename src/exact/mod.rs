//! Exact operating characteristics of designs whose trials always end, by
//! dynamic programming over trial states.
//!
//! A state is everything [`Design::decide`] can see: patients and DLTs per dose
//! and the dose of the last cohort. Whatever path led there, the future of a
//! state is the same, so paths that meet are merged and carried on as one
//! probability mass. Every cohort adds patients, so the total N only grows:
//! the state graph is acyclic and is swept level by level in N. From each state
//! the design's decision either ends the trial, and the state's mass is recorded
//! in a [`Tally<f64>`], or treats a cohort of m patients at dose d, which splits
//! the mass over the Binomial(m, p_d) outcomes (the model of Lin & Shih 2001:
//! the DLT counts of successive cohorts are independent binomials).
//!
//! Cost: the number of distinct reachable states times O(K) per state. For the
//! A+B family every dose the trial escalated through keeps one of a few
//! acceptable (n, x) outcomes, all visible to `decide`, so the number of states
//! grows geometrically in K (for the 3+3 korn about 2.2-fold per dose: 9·10^4
//! states at K = 10) — merging removes duplicate paths, not the history a
//! design may read, and an engine that only sees `decide` must ask it about
//! every reachable state. [`MAX_STATES`] bounds the work; past it the answer is
//! an error that points to the Monte Carlo engine.
//!
//! For [`AbDesign`](crate::design::AbDesign)s, [`exact_ab`] gives the same
//! tally in time polynomial in K (tens of µs at K = 10, any K up to 32) from
//! the family's trial structure instead of `decide`.
//!
//! Results are bit-reproducible: states of a level are sorted by a total order
//! (stable, so duplicates are summed in generation order) and processed in that
//! order; no hash-map iteration order reaches a floating-point sum.

mod ab;
mod benchmark;
mod graph;

pub use ab::exact_ab;
pub use benchmark::exact_benchmark;
pub use graph::exact_on_graph;

use crate::design::state::{Key, Layout, MAX_WORDS};
use crate::design::{Decision, Design, InvalidDecision, StopReason, check_decision};
use crate::engine::{binomial_pmf, shape_of};
use crate::tally::{Tally, TrialEnd};
use crate::truth::{MAX_DOSES, Truth};

/// Most trial states (counted before merging) one computation may generate.
/// Each costs about 100 ns and 24 to 80 bytes while it waits, so this bounds
/// a computation to a few seconds and at most about half a GiB. The 3+3 stays
/// under it up to 16 doses (korn, strict) or 20 (storer).
pub const MAX_STATES: usize = 1 << 24;

/// Why the exact engine could not give an answer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ExactError {
    #[error("the design has {design} doses but the truth has {truth}")]
    DoseCountMismatch { design: usize, truth: usize },
    #[error(
        "more than {limit} trial states: too many doses for the exact engine, \
         use the Monte Carlo engine"
    )]
    TooManyStates { limit: usize },
    #[error(
        "a trial state of {doses} doses with up to {per_dose} patients each does \
         not fit the exact engine's {max_bits}-bit state"
    )]
    StateTooWide {
        doses: usize,
        per_dose: u32,
        max_bits: usize,
    },
    #[error(
        "the rolling six decides from results still pending, so its trials have \
         no exact tree: use the Monte Carlo engine (--method mc or auto)"
    )]
    NeedsTime,
    /// The design asked for something outside the bounds it declares.
    #[error(transparent)]
    InvalidDecision(#[from] InvalidDecision),
}

/// The exact [`Tally<f64>`] of `design` on `truth`: the probability of every
/// trial end, total mass 1 up to rounding. Doses with true p > `target` count
/// as over-dosing. Summarise it with
/// [`OperatingCharacteristics::from_tally`](crate::summary::OperatingCharacteristics::from_tally)
/// and `trials = None`.
pub fn exact<D: Design>(design: &D, truth: &Truth, target: f64) -> Result<Tally<f64>, ExactError> {
    let k = design.num_doses();
    if k != truth.num_doses() {
        return Err(ExactError::DoseCountMismatch {
            design: k,
            truth: truth.num_doses(),
        });
    }
    let per_dose = design.max_patients_per_dose();
    let layout = Layout::new(k, per_dose).ok_or(ExactError::StateTooWide {
        doses: k,
        per_dose,
        max_bits: MAX_WORDS * u64::BITS as usize,
    })?;
    // Narrow keys sort and compare faster; the 3+3 fits one word up to 10 doses.
    match layout.words {
        1 => Sweep::<D, 1>::new(design, truth, target, layout).run(),
        2 => Sweep::<D, 2>::new(design, truth, target, layout).run(),
        3 | 4 => Sweep::<D, 4>::new(design, truth, target, layout).run(),
        _ => Sweep::<D, MAX_WORDS>::new(design, truth, target, layout).run(),
    }
}

/// Binomial(m, p_d) probabilities, computed the first time a cohort size is
/// used at a dose.
struct Binomials {
    p: Vec<f64>,
    sizes: usize,
    /// `[d * sizes + m]`: P(j DLTs) for j = 0..=m; empty until needed.
    rows: Vec<Vec<f64>>,
}

impl Binomials {
    fn new(p: &[f64], max_cohort: u32) -> Self {
        let sizes = max_cohort as usize + 1;
        Binomials {
            p: p.to_vec(),
            sizes,
            rows: vec![Vec::new(); p.len() * sizes],
        }
    }

    fn row(&mut self, dose: usize, m: u32) -> &[f64] {
        let p = self.p[dose];
        let row = &mut self.rows[dose * self.sizes + m as usize];
        if row.is_empty() {
            row.extend((0..=m).map(|j| binomial_pmf(m, j, p)));
        }
        row
    }
}

/// One exact computation: the states waiting at each level N, and the tally of
/// the trials that ended.
struct Sweep<'a, D, const W: usize> {
    design: &'a D,
    layout: Layout,
    overdose: u32,
    binomials: Binomials,
    /// `[N]`: states with N patients and their mass, not yet merged.
    levels: Vec<Vec<(Key<W>, f64)>>,
    generated: usize,
    /// The state being expanded, unpacked; `Tally::record` reads all
    /// [`MAX_DOSES`] entries, so doses past K stay 0.
    n: [u32; MAX_DOSES],
    x: [u32; MAX_DOSES],
    tally: Tally<f64>,
}

impl<'a, D: Design, const W: usize> Sweep<'a, D, W> {
    fn new(design: &'a D, truth: &Truth, target: f64, layout: Layout) -> Self {
        let shape = shape_of(design);
        let max_per_dose = design.max_patients_per_dose();
        Sweep {
            design,
            layout,
            overdose: truth.overdose_mask(target),
            binomials: Binomials::new(&truth.p_dlt, max_per_dose),
            levels: vec![Vec::new(); shape.max_n + 1],
            generated: 0,
            n: [0; MAX_DOSES],
            x: [0; MAX_DOSES],
            tally: Tally::new(shape),
        }
    }

    fn run(mut self) -> Result<Tally<f64>, ExactError> {
        // Before the first cohort nothing is seen and `decide` has no current
        // dose to read, so the root follows `start` instead.
        self.follow(self.design.start(), Key::EMPTY, 0, 1.0)?;
        for level in 0..self.levels.len() {
            let states = merged(std::mem::take(&mut self.levels[level]));
            for (key, mass) in states {
                key.unpack(&self.layout, &mut self.n, &mut self.x);
                let k = self.layout.doses;
                let decision = self
                    .design
                    .decide(&key.observed(&self.n[..k], &self.x[..k]));
                self.follow(decision, key, level, mass)?;
            }
        }
        Ok(self.tally)
    }

    /// Carries the state `key` (unpacked in `self.n`, `self.x`), with `level`
    /// patients and probability `mass`, through `decision`.
    fn follow(
        &mut self,
        decision: Decision,
        key: Key<W>,
        level: usize,
        mass: f64,
    ) -> Result<(), ExactError> {
        check_decision(self.design, decision, |d| self.n[d], level as u32)?;
        match decision {
            Decision::Stop { mtd, reason } => self.record(mtd, reason, mass),
            Decision::Treat { dose, patients } => {
                let next = level + patients as usize;
                let outcomes = self.binomials.row(dose, patients);
                // Impossible outcomes (p = 0 or 1 at the dose) must not appear
                // as states, nor as values with zero mass.
                let possible = (0u32..).zip(outcomes).filter(|&(_, &p)| p > 0.0);
                for (dlts, &p) in possible {
                    self.generated += 1;
                    if self.generated > MAX_STATES {
                        return Err(ExactError::TooManyStates { limit: MAX_STATES });
                    }
                    let toxic = self.design.toxic_cohort(patients, dlts);
                    let child = key.treated(&self.layout, dose, patients, dlts, toxic);
                    self.levels[next].push((child, mass * p));
                }
            }
        }
        Ok(())
    }

    /// Adds the ended trial in `self.n`, `self.x` to the tally.
    fn record(&mut self, mtd: Option<usize>, reason: StopReason, mass: f64) {
        let (k, overdose) = (self.layout.doses, self.overdose);
        let end = TrialEnd::counted((&self.n, &self.x), k, overdose, mtd, reason);
        self.tally.record(&end, mass);
    }
}

/// Sorts states and sums the mass of equal ones. The sort is stable, so equal
/// states are summed in the order they were generated: deterministic.
fn merged<K: Ord>(mut states: Vec<(K, f64)>) -> Vec<(K, f64)> {
    states.sort_by(|a, b| a.0.cmp(&b.0));
    states.dedup_by(|later, kept| {
        let same = later.0 == kept.0;
        if same {
            kept.1 += later.1;
        }
        same
    });
    states
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::design::{AbDesign, AbParams, Preset};

    #[test]
    fn merging_sums_equal_states() {
        let merged = merged(vec![(2, 0.25), (1, 0.5), (2, 0.125)]);
        assert_eq!(merged, vec![(1, 0.5), (2, 0.375)]);
    }

    #[test]
    fn mismatched_truth_is_an_error() {
        let design = AbDesign::new(AbParams::three_plus_three(Preset::Korn), 3).unwrap();
        let truth = Truth::new("t", vec![0.1, 0.2]).unwrap();
        assert_eq!(
            exact(&design, &truth, 0.3),
            Err(ExactError::DoseCountMismatch {
                design: 3,
                truth: 2
            })
        );
    }
}
