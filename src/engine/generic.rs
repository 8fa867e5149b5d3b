//! One trial of any [`Design`], cohort by cohort: through `Design::decide`,
//! every decision checked against the design's declared bounds, or along the
//! design's [`StateGraph`], whose decisions were asked and checked once.

use super::outcomes::Thresholds;
use crate::design::graph::{Node, StateGraph};
use crate::design::{
    Benchmark, Decision, Design, InvalidDecision, Observed, StopReason, check_decision,
};
use crate::rng::Stream;
use crate::tally::{TrialEnd, doses};
use crate::truth::MAX_DOSES;
use std::ops::Range;

/// How a trial ended: its selected MTD (0-based) and why it stopped.
pub type Ending = (Option<usize>, StopReason);

/// One trial's observations, reused from trial to trial. Only doses whose bit
/// is set in `treated` hold this trial's values; the rest are stale, which
/// spares clearing arrays between trials.
#[derive(Debug, Clone)]
pub struct TrialState {
    pub(super) n: [u32; MAX_DOSES],
    pub(super) x: [u32; MAX_DOSES],
    treated: u32,
    /// Bit `d` set when dose `d` over-doses.
    overdose: u32,
    n_total: u32,
    x_total: u32,
    n_over: u32,
    pub(super) ending: Ending,
    /// The rolling six's patients with results pending, reused.
    pub(super) pending: Vec<super::rolling_six::Pending>,
}

impl TrialState {
    /// A state for trials on a truth whose over-dosing doses are the bits of
    /// `overdose`.
    pub fn new(overdose: u32) -> Self {
        TrialState {
            n: [0; MAX_DOSES],
            x: [0; MAX_DOSES],
            treated: 0,
            overdose,
            n_total: 0,
            x_total: 0,
            n_over: 0,
            ending: (None, StopReason::RuleEnd),
            pending: Vec::new(),
        }
    }

    /// Treats `patients` at `dose`, the next patients of the trial in order,
    /// and returns their DLTs.
    #[inline(always)]
    fn treat(
        &mut self,
        dose: usize,
        patients: u32,
        thresholds: &Thresholds,
        stream: &Stream,
        trial: u64,
    ) -> u32 {
        let cohort = self.n_total..self.n_total + patients;
        let dlts = cohort_dlts(dose, cohort, thresholds, stream, trial);
        self.add(dose, patients, dlts);
        dlts
    }

    /// Adds a cohort of `patients` with `dlts` DLTs at `dose`.
    #[inline(always)]
    pub(super) fn add(&mut self, dose: usize, patients: u32, dlts: u32) {
        self.n[dose] += patients;
        self.x[dose] += dlts;
        self.treated |= 1 << dose;
        self.n_total += patients;
        self.x_total += dlts;
        // All ones for an over-dosing dose, else zero: no branch, no multiply.
        self.n_over += patients & 0u32.wrapping_sub(self.overdose >> dose & 1);
    }

    /// Forgets the last trial. `decide` reads every dose, so its entries
    /// are zeroed.
    #[inline(always)]
    pub(super) fn clear(&mut self) {
        for d in doses(self.treated) {
            (self.n[d], self.x[d]) = (0, 0);
        }
        (self.treated, self.n_total, self.x_total, self.n_over) = (0, 0, 0, 0);
    }

    /// Runs trial `trial` of `design` to its end; a decision outside the
    /// design's bounds ends it with an error instead.
    #[inline]
    pub fn run<D: Design + ?Sized>(
        &mut self,
        design: &D,
        thresholds: &Thresholds,
        stream: &Stream,
        trial: u64,
    ) -> Result<Ending, InvalidDecision> {
        self.run_following(design, thresholds, stream, trial, |_, _| {})
    }

    /// [`Self::run`], telling `cohort` each cohort's dose and patients as
    /// they are enrolled (for the trial's clock).
    #[inline]
    pub fn run_following<D: Design + ?Sized>(
        &mut self,
        design: &D,
        thresholds: &Thresholds,
        stream: &Stream,
        trial: u64,
        mut cohort: impl FnMut(usize, u32),
    ) -> Result<Ending, InvalidDecision> {
        self.clear();
        let k = design.num_doses();
        let mut next = design.start();
        loop {
            check_decision(design, next, |d| self.n[d], self.n_total)?;
            match next {
                Decision::Treat { dose, patients } => {
                    cohort(dose, patients);
                    let dlts = self.treat(dose, patients, thresholds, stream, trial);
                    next = design.decide(&Observed {
                        n: &self.n[..k],
                        x: &self.x[..k],
                        current: dose,
                        last_toxic: design.toxic_cohort(patients, dlts),
                    });
                }
                Decision::Stop { mtd, reason } => {
                    self.ending = (mtd, reason);
                    return Ok(self.ending);
                }
            }
        }
    }

    /// Runs trial `trial` along `graph`: the same trial as [`TrialState::run`]
    /// gives on the design the graph was built from.
    pub fn walk(
        &mut self,
        graph: &StateGraph,
        thresholds: &Thresholds,
        stream: &Stream,
        trial: u64,
    ) -> Ending {
        self.walk_following(graph, thresholds, stream, trial, |_, _| {})
    }

    /// [`Self::walk`], telling `cohort` each cohort's dose and patients.
    #[inline]
    pub fn walk_following(
        &mut self,
        graph: &StateGraph,
        thresholds: &Thresholds,
        stream: &Stream,
        trial: u64,
        mut cohort: impl FnMut(usize, u32),
    ) -> Ending {
        self.clear();
        let add = |dose, patients, dlts| {
            cohort(dose, patients);
            self.add(dose, patients, dlts)
        };
        let (mtd, reason, _) = walk_graph(graph, thresholds, stream, trial, add);
        self.ending = (mtd.map(usize::from), reason);
        self.ending
    }

    /// Runs trial `trial` of the optimal benchmark: its patients, each
    /// observed at every dose, treated by nobody.
    pub fn benchmark(
        &mut self,
        benchmark: &Benchmark,
        thresholds: &Thresholds,
        stream: &Stream,
        trial: u64,
    ) -> Ending {
        self.clear();
        let k = benchmark.num_doses();
        let mut counts = [0; MAX_DOSES];
        for j in 0..benchmark.max_n() {
            let u = stream.tolerance(trial, j);
            for (d, count) in counts[..k].iter_mut().enumerate() {
                *count += u32::from(thresholds.dlt(d, u));
            }
        }
        self.ending = (Some(benchmark.select(&counts[..k])), StopReason::RuleEnd);
        self.ending
    }

    /// The finished trial, as a tally records it.
    pub fn end(&self) -> TrialEnd<'_> {
        TrialEnd {
            n: &self.n,
            x: &self.x,
            treated: self.treated,
            n_total: self.n_total,
            x_total: self.x_total,
            n_over: self.n_over,
            mtd: self.ending.0,
            reason: self.ending.1,
        }
    }
}

/// DLTs among `patients` (their numbers in trial `trial`) at `dose`.
#[inline(always)]
fn cohort_dlts(
    dose: usize,
    patients: Range<u32>,
    thresholds: &Thresholds,
    stream: &Stream,
    trial: u64,
) -> u32 {
    // `black_box` keeps the draws scalar: without a vector 64-bit multiply
    // (x86-64 before AVX-512) LLVM's vectorised loop emulates it and is
    // twice as slow per draw (measured 3.5 ns against 1.9 ns).
    patients
        .map(|j| std::hint::black_box(stream.tolerance(trial, j)))
        .map(|u| u32::from(thresholds.dlt(dose, u)))
        .sum()
}

/// Runs trial `trial` along `graph` and returns only its end state (see
/// [`StateGraph::end`]), which fixes everything a tally records: the
/// fastest way to count trials.
#[inline]
pub fn walk_to_end(
    graph: &StateGraph,
    thresholds: &Thresholds,
    stream: &Stream,
    trial: u64,
) -> u32 {
    walk_graph(graph, thresholds, stream, trial, |_, _, _| {}).2
}

/// [`walk_to_end`], telling `cohort` each cohort's dose and patients (for
/// the trial's clock).
#[inline]
pub fn walk_to_end_following(
    graph: &StateGraph,
    thresholds: &Thresholds,
    stream: &Stream,
    trial: u64,
    mut cohort: impl FnMut(usize, u32),
) -> u32 {
    walk_graph(graph, thresholds, stream, trial, |dose, patients, _| {
        cohort(dose, patients)
    })
    .2
}

/// Walks trial `trial` along `graph`, handing each cohort's dose, patients
/// and DLTs to `cohort`; returns the MTD, stop reason and end state number
/// of the node where it ends.
#[inline(always)]
fn walk_graph(
    graph: &StateGraph,
    thresholds: &Thresholds,
    stream: &Stream,
    trial: u64,
    mut cohort: impl FnMut(usize, u32, u32),
) -> (Option<u8>, StopReason, u32) {
    let (mut node, mut treated) = (graph.root(), 0);
    loop {
        match node {
            Node::Treat {
                dose,
                patients,
                children,
            } => {
                // The load overlaps the draws: a graph larger than the
                // core's cache would otherwise make every step wait on it.
                graph.touch(children);
                let (dose, patients) = (usize::from(dose), u32::from(patients));
                let dlts =
                    cohort_dlts(dose, treated..treated + patients, thresholds, stream, trial);
                treated += patients;
                cohort(dose, patients, dlts);
                node = graph.child(children, dlts);
            }
            Node::Stop { mtd, reason, end } => return (mtd, reason, end),
        }
    }
}
