//! One trial of any [`Design`], cohort by cohort, through `Design::decide`.

use super::outcomes::{CohortOutcomes, Interval};
use crate::design::{Decision, Design, Observed};
use crate::rng::Stream;
use crate::tally::{TrialEnd, doses};
use crate::truth::MAX_DOSES;

/// One trial's observations, reused from trial to trial. Only doses whose bit
/// is set in `treated` hold this trial's values; the rest are stale, which
/// spares clearing arrays between trials.
#[derive(Debug, Clone)]
pub struct TrialState {
    pub(super) n: [u32; MAX_DOSES],
    pub(super) x: [u32; MAX_DOSES],
    /// The dose's uniform, drawn when its first cohort is treated.
    pub(super) u: [u64; MAX_DOSES],
    /// What earlier cohorts at the dose left of [0, 1).
    within: [Interval; MAX_DOSES],
    pub(super) treated: u32,
    /// Bit `d` set when dose `d` over-doses.
    overdose: u32,
    n_total: u32,
    x_total: u32,
    n_over: u32,
}

impl TrialState {
    /// A state for trials on a truth whose over-dosing doses are the bits of
    /// `overdose`.
    pub fn new(overdose: u32) -> Self {
        TrialState {
            n: [0; MAX_DOSES],
            x: [0; MAX_DOSES],
            u: [0; MAX_DOSES],
            within: [Interval::UNIT; MAX_DOSES],
            treated: 0,
            overdose,
            n_total: 0,
            x_total: 0,
            n_over: 0,
        }
    }

    /// Forgets the last trial.
    #[inline(always)]
    pub(super) fn reset(&mut self) {
        (self.treated, self.n_total, self.x_total, self.n_over) = (0, 0, 0, 0);
    }

    /// Adds `patients` with `dlts` at `dose`, whose earlier totals were `n[dose]`
    /// and `x[dose]` if it was treated before; `u` is the dose's uniform.
    #[inline(always)]
    pub(super) fn add(&mut self, dose: usize, patients: u32, dlts: u32) {
        if self.treated >> dose & 1 == 0 {
            self.treated |= 1 << dose;
            (self.n[dose], self.x[dose]) = (0, 0);
        }
        self.n[dose] += patients;
        self.x[dose] += dlts;
        self.count(dose, patients, dlts);
    }

    /// [`Self::add`] for a dose not yet treated in this trial.
    #[inline(always)]
    pub(super) fn first_visit(&mut self, dose: usize, patients: u32, dlts: u32) {
        self.treated |= 1 << dose;
        (self.n[dose], self.x[dose]) = (patients, dlts);
        self.count(dose, patients, dlts);
    }

    #[inline(always)]
    fn count(&mut self, dose: usize, patients: u32, dlts: u32) {
        self.n_total += patients;
        self.x_total += dlts;
        // All ones for an over-dosing dose, else zero: no branch, no multiply.
        self.n_over += patients & 0u32.wrapping_sub(self.overdose >> dose & 1);
    }

    /// Whether `dose` has had patients in this trial.
    #[inline(always)]
    pub(super) fn is_treated(&self, dose: usize) -> bool {
        self.treated >> dose & 1 == 1
    }

    fn treat(
        &mut self,
        dose: usize,
        patients: u32,
        outcomes: &CohortOutcomes,
        stream: &Stream,
        trial: u64,
    ) {
        if !self.is_treated(dose) {
            self.u[dose] = stream.dose_uniform(trial, dose);
            self.within[dose] = Interval::UNIT;
        }
        let (dlts, rest) = outcomes.cohort(patients, dose, self.within[dose], self.u[dose]);
        self.within[dose] = rest;
        self.add(dose, patients, dlts);
    }

    /// Runs trial `trial` of `design` to its end; returns the selected MTD.
    #[inline]
    pub fn run<D: Design>(
        &mut self,
        design: &D,
        outcomes: &CohortOutcomes,
        stream: &Stream,
        trial: u64,
    ) -> Option<usize> {
        // `decide` reads every dose, so stale entries are zeroed first.
        for d in doses(self.treated) {
            (self.n[d], self.x[d]) = (0, 0);
        }
        self.reset();
        let k = design.num_doses();
        let mut next = design.start();
        loop {
            match next {
                Decision::Treat { dose, patients } => {
                    self.treat(dose, patients, outcomes, stream, trial);
                    next = design.decide(&Observed {
                        n: &self.n[..k],
                        x: &self.x[..k],
                        current: dose,
                    });
                }
                Decision::Stop { mtd, .. } => return mtd,
            }
        }
    }

    /// The finished trial, as a tally records it.
    pub fn end(&self, mtd: Option<usize>) -> TrialEnd<'_> {
        TrialEnd {
            n: &self.n,
            x: &self.x,
            treated: self.treated,
            n_total: self.n_total,
            x_total: self.x_total,
            n_over: self.n_over,
            mtd,
        }
    }
}
