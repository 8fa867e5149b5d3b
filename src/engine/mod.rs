//! The Monte Carlo engine: many independent trials of one design on one truth,
//! in parallel, folded into a [`Tally`].
//!
//! Trials are cut into fixed-size batches that rayon spreads over its threads.
//! Every random number is addressed by (seed, trial, patient) — see
//! [`crate::rng`] — and tallies are integer counts merged by addition, so the
//! result does not depend on the number of threads or on how rayon splits the
//! work. Nothing is allocated, locked or written per trial: each rayon job
//! reuses one [`TrialState`] of fixed arrays and one tally.
//!
//! One trial loop serves every design ([`TrialState::run`]): it asks
//! `Design::decide` after every cohort and checks each decision against the
//! design's bounds, so a design bug ends the run with a [`TrialError`] rather
//! than a wrong tally.

mod generic;
pub mod outcomes;
mod rolling_six;

pub use generic::{Ending, TrialState, walk_to_end, walk_to_end_following};
pub use outcomes::{Thresholds, binomial_pmf};

use crate::design::graph::StateGraph;
use crate::design::{AnyDesign, Benchmark, Design, InvalidDecision, RollingSix};
use crate::rng::Stream;
use crate::tally::{HEADLINES, Headline, PairTally, Shape, Tally, TrialEnd, record_ends};
use crate::time::tally::{Times, ticks};
use crate::time::{Clock, Draws, Timing, TrialTime};
use crate::truth::Truth;
use rayon::prelude::*;
use std::borrow::Cow;
use std::ops::Range;

/// Trials per batch: large enough to amortise rayon's scheduling, small enough
/// to balance two threads on a few hundred thousand trials.
pub const BATCH: u64 = 1 << 14;

/// Most trials one run may ask for: 10^12 is hours of a workstation per
/// truth × design, and keeps trial indices far inside the stream's 2^56.
pub const MAX_TRIALS: u64 = 1_000_000_000_000;

/// What one Monte Carlo run is asked to do.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct McSettings {
    pub trials: u64,
    pub seed: u64,
    /// The time model: with one, every trial also runs on a clock and the
    /// run counts its time figures (see [`crate::time`]).
    pub timing: Option<Timing>,
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
/// one design of every kind the library offers (see
/// [`AnyDesign::fingerprint_designs`]) on a fixed curve, folded into one
/// number. Two builds whose random stream, DLT mapping, design rules or
/// tallies differ give different fingerprints (with overwhelming
/// probability), whatever their version says, so merge can refuse to add up
/// parts of different engines.
pub fn fingerprint() -> u64 {
    let truth = match Truth::new("fingerprint", vec![0.05, 0.15, 0.3, 0.45, 0.6]) {
        Ok(truth) => truth,
        Err(_) => return 0,
    };
    let settings = McSettings {
        trials: 2048,
        seed: 0x5eed,
        timing: None,
    };
    let mut hash = Stream::new(0);
    let mut fold = |words: Vec<u64>| {
        for word in words {
            hash = Stream::new(hash.at(word));
        }
    };
    let designs = AnyDesign::fingerprint_designs(truth.num_doses());
    for design in &designs {
        fold(
            simulate(design, &truth, 0.3, settings, &|_| {})
                .map_or_else(|_| vec![u64::MAX], |tally| tally.counts()),
        );
    }
    // The clock: the first design (a 3+3) and the rolling six, timed.
    let timed = McSettings {
        timing: Some(Timing::FINGERPRINT),
        ..settings
    };
    let rolling_six = AnyDesign::RollingSix(RollingSix::new(truth.num_doses(), 0));
    let pair = [designs[0].clone(), rolling_six];
    let batches = Shard::WHOLE.batches(0, 1, timed.trials);
    let joint = simulate_designs(&pair, &truth, 0.3, None, timed, batches, &|_| {});
    match joint.ok().and_then(|joint| joint.times) {
        Some(times) => times.tallies.iter().for_each(|t| fold(t.words())),
        None => fold(vec![u64::MAX]),
    }
    hash.at(0)
}

/// What a Monte Carlo run of several designs on one truth counted: a tally
/// per design and, with two or more designs, their paired sums; and, on a
/// clock, their time figures.
#[derive(Debug, Clone, PartialEq)]
pub struct Joint {
    pub tallies: Vec<Tally<u64>>,
    pub pairs: PairTally,
    pub times: Option<Times>,
}

impl Joint {
    /// Empty tallies for designs of these shapes.
    pub fn empty(shapes: &[Shape]) -> Self {
        Joint {
            tallies: shapes.iter().map(|&s| Tally::new(s)).collect(),
            pairs: PairTally::new(shapes.len()),
            times: None,
        }
    }

    /// Empty tallies for designs of these shapes, with time figures when
    /// `timed`.
    pub fn empty_for(shapes: &[Shape], timed: bool) -> Self {
        Joint {
            times: timed.then(|| Times::new(shapes.len())),
            ..Joint::empty(shapes)
        }
    }

    /// Adds the counts of another run of the same designs.
    pub fn merge(&mut self, other: &Joint) {
        for (mine, theirs) in self.tallies.iter_mut().zip(&other.tallies) {
            mine.merge(theirs);
        }
        self.pairs.merge(&other.pairs);
        match (&mut self.times, &other.times) {
            (Some(mine), Some(theirs)) => mine.merge(theirs),
            (mine @ None, Some(theirs)) => *mine = Some(theirs.clone()),
            (_, None) => {}
        }
    }
}

/// A design decided something outside its declared bounds in a simulated
/// trial: a bug in the design, reported instead of a wrong tally.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("trial {trial} (seed {seed})")]
pub struct TrialError {
    /// Which of the designs run together (0-based).
    pub design: usize,
    pub trial: u64,
    pub seed: u64,
    pub source: InvalidDecision,
}

/// Simulates one design. `on_batch` is told each finished batch's number of
/// trials, from whichever thread ran it (for progress reporting; it must be
/// cheap).
pub fn simulate<D: Design>(
    design: &D,
    truth: &Truth,
    target: f64,
    settings: McSettings,
    on_batch: &(dyn Fn(u64) + Sync),
) -> Result<Tally<u64>, TrialError> {
    let designs = std::slice::from_ref(design);
    let batches = Shard::WHOLE.batches(0, 1, settings.trials);
    let mut joint = simulate_designs(designs, truth, target, None, settings, batches, on_batch)?;
    Ok(joint.tallies.swap_remove(0))
}

/// Simulates every design on the same patients, trial by trial: trial `i` of
/// each design reads the same tolerances, and each design's tally is the one
/// [`simulate`] would give. With two or more designs the paired sums are
/// counted too, for which `true_mtd` (0-based) says which selection is
/// correct. Only `batches` run (see [`Shard`]); `on_batch` hears of each
/// finished batch's trials times the number of designs.
pub fn simulate_designs<D: Design>(
    designs: &[D],
    truth: &Truth,
    target: f64,
    true_mtd: Option<usize>,
    settings: McSettings,
    batches: Range<u64>,
    on_batch: &(dyn Fn(u64) + Sync),
) -> Result<Joint, TrialError> {
    Batches {
        shapes: designs.iter().map(shape_of).collect(),
        truth,
        target,
        true_mtd,
        settings,
        batches,
        on_batch,
    }
    .run(designs)
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

/// How one design's trials are run: along its state graph when it has one
/// small enough to pay for itself, else through `decide`. Both give the
/// same trials, bit for bit.
enum Runner<'a, D> {
    Graph(Cow<'a, StateGraph>),
    Decide(&'a D),
    /// The optimal benchmark, which reads every patient at every dose.
    Benchmark(&'a Benchmark),
    /// The rolling six, which runs only on a clock.
    RollingSix(&'a RollingSix),
}

impl<'a, D: Design> Runner<'a, D> {
    /// The design's own graph, where it keeps one; else one built for
    /// this call. A graph costs about as much per state as a trial through
    /// `decide` does, so one with more states than `trials` would not pay
    /// for itself.
    fn new(design: &'a D, trials: u64) -> Self {
        if let Some(benchmark) = design.as_benchmark() {
            return Runner::Benchmark(benchmark);
        }
        if let Some(rolling_six) = design.as_rolling_six() {
            return Runner::RollingSix(rolling_six);
        }
        let graph = match design.state_graph() {
            Some(kept) => kept.map(Cow::Borrowed),
            None => {
                let max_nodes = usize::try_from(trials).unwrap_or(usize::MAX);
                StateGraph::build(design, max_nodes).map(Cow::Owned)
            }
        };
        match graph {
            Some(graph) => Runner::Graph(graph),
            None => Runner::Decide(design),
        }
    }

    /// Runs trial `trial`, on `clock` when there is one: the trial is the
    /// same either way, and the clock says what time did to it.
    #[inline(always)]
    fn run(
        &self,
        state: &mut TrialState,
        clock: Option<&mut Clock>,
        thresholds: &Thresholds,
        stream: &Stream,
        trial: u64,
    ) -> Result<Option<TrialTime>, InvalidDecision> {
        fn on_clock<'c>(
            clock: &'c mut Clock,
            thresholds: &'c Thresholds,
            stream: &'c Stream,
            trial: u64,
        ) -> impl FnMut(usize, u32) + 'c {
            clock.start(trial);
            move |dose, patients| clock.cohort(dose, patients, thresholds, stream)
        }
        match (self, clock) {
            (Runner::Graph(graph), None) => {
                state.walk(graph, thresholds, stream, trial);
                Ok(None)
            }
            (Runner::Graph(graph), Some(clock)) => {
                state.walk_following(
                    graph,
                    thresholds,
                    stream,
                    trial,
                    on_clock(clock, thresholds, stream, trial),
                );
                Ok(Some(clock.finish_cohorts()))
            }
            (Runner::Decide(design), None) => {
                state.run(*design, thresholds, stream, trial)?;
                Ok(None)
            }
            (Runner::Decide(design), Some(clock)) => {
                let follow = on_clock(clock, thresholds, stream, trial);
                state.run_following(*design, thresholds, stream, trial, follow)?;
                Ok(Some(clock.finish_cohorts()))
            }
            // It treats nobody, so takes no time; its time figures are
            // reported as not applicable.
            (Runner::Benchmark(benchmark), clock) => {
                state.benchmark(benchmark, thresholds, stream, trial);
                Ok(clock.map(|_| TrialTime::default()))
            }
            (Runner::RollingSix(design), Some(clock)) => Ok(Some(
                state
                    .rolling_six(design, clock, thresholds, stream, trial)
                    .1,
            )),
            (Runner::RollingSix(design), None) => Err(InvalidDecision {
                decision: design.start(),
                reason: "the rolling six runs only on a clock: give the scenario a [timing] table",
            }),
        }
    }
}

impl Batches<'_> {
    /// Runs the batches of every design, in parallel.
    fn run<D: Design>(&self, designs: &[D]) -> Result<Joint, TrialError> {
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
        let thresholds = Thresholds::new(&truth.p_dlt);
        let stream = Stream::new(settings.seed);
        let trials = settings.trials;
        let paired = designs.len() > 1;
        let count = batches
            .end
            .saturating_sub(batches.start)
            .saturating_mul(BATCH);
        let runners: Vec<Runner<'_, D>> = designs
            .par_iter()
            .map(|design| Runner::new(design, count.min(trials)))
            .collect();
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
        let failed = |design, trial, source| {
            Some(TrialError {
                design,
                trial,
                seed: settings.seed,
                source,
            })
        };
        let timing = settings.timing;
        let lone_graph = match &runners[..] {
            [Runner::Graph(graph)] => Some(graph),
            _ => None,
        };
        let clock = |timing: &Timing| Clock::new(Draws::new(timing, stream), timing.when_suspended);
        let empty = || Piece {
            joint: Joint::empty_for(shapes, timing.is_some()),
            error: None,
            states: vec![TrialState::new(overdose); designs.len()],
            values: vec![[0; HEADLINES.len()]; designs.len()],
            ends: vec![0; lone_graph.map_or(0, |graph| graph.ends())],
            clocks: timing
                .iter()
                .flat_map(|t| vec![clock(t); designs.len()])
                .collect(),
            ticks: vec![0; designs.len()],
        };
        let piece = batches
            .clone()
            .into_par_iter()
            .fold(empty, |mut piece, batch| {
                let first = batch * BATCH;
                let last = (first + BATCH).min(trials);
                if piece.error.is_some() {
                    return piece;
                }
                match &runners[..] {
                    [Runner::Graph(graph)] => match (&mut piece.joint.times, &mut piece.clocks[..])
                    {
                        (Some(times), [clock]) => {
                            for trial in first..last {
                                clock.start(trial);
                                let follow = |dose, patients| {
                                    clock.cohort(dose, patients, &thresholds, &stream)
                                };
                                let end = walk_to_end_following(
                                    graph,
                                    &thresholds,
                                    &stream,
                                    trial,
                                    follow,
                                );
                                piece.ends[end as usize] += 1;
                                times.tallies[0].record(&clock.finish_cohorts());
                            }
                        }
                        _ => {
                            for trial in first..last {
                                let end = walk_to_end(graph, &thresholds, &stream, trial);
                                piece.ends[end as usize] += 1;
                            }
                        }
                    },
                    [Runner::Decide(design)] if timing.is_none() => {
                        // The tally and state moved into locals, which the
                        // compiler keeps in registers.
                        if let (Some(mut tally), Some(mut state)) =
                            (piece.joint.tallies.pop(), piece.states.pop())
                        {
                            for trial in first..last {
                                let ran = state.run(*design, &thresholds, &stream, trial);
                                if let Err(e) = ran {
                                    piece.error = failed(0, trial, e);
                                    break;
                                }
                                tally.record(&state.end(), 1);
                            }
                            piece.joint.tallies.push(tally);
                            piece.states.push(state);
                        }
                    }
                    _ => {
                        let Piece {
                            joint,
                            error,
                            states,
                            values,
                            clocks,
                            ticks: durations,
                            ..
                        } = &mut piece;
                        'trials: for trial in first..last {
                            for (d, runner) in runners.iter().enumerate() {
                                let state = &mut states[d];
                                let ran = runner.run(
                                    state,
                                    clocks.get_mut(d),
                                    &thresholds,
                                    &stream,
                                    trial,
                                );
                                let time = match ran {
                                    Ok(time) => time,
                                    Err(e) => {
                                        *error = failed(d, trial, e);
                                        break 'trials;
                                    }
                                };
                                let end = state.end();
                                joint.tallies[d].record(&end, 1);
                                if let (Some(times), Some(time)) = (&mut joint.times, time) {
                                    times.tallies[d].record(&time);
                                    durations[d] = ticks(time.duration);
                                }
                                if paired {
                                    values[d] = headline(&end);
                                }
                            }
                            if paired {
                                joint.pairs.record(values);
                                if let Some(times) = &mut joint.times {
                                    times.pairs.record(durations);
                                }
                            }
                        }
                    }
                }
                on_batch((last - first) * designs.len() as u64);
                piece
            })
            .map(|mut piece| {
                if let Some(graph) = lone_graph {
                    piece.record_ends(graph, overdose);
                }
                piece
            })
            .reduce(empty, |mut piece, other| {
                piece.joint.merge(&other.joint);
                piece.error = match (piece.error, other.error) {
                    (Some(a), Some(b)) => Some(if a.trial <= b.trial { a } else { b }),
                    (a, b) => a.or(b),
                };
                piece
            });
        match piece.error {
            Some(error) => Err(error),
            None => Ok(piece.joint),
        }
    }
}

/// What one of rayon's pieces of the batches has counted.
struct Piece {
    joint: Joint,
    /// The failure of the piece's first failing trial, if any.
    error: Option<TrialError>,
    /// Each design's trial, reused.
    states: Vec<TrialState>,
    /// Each design's headline values of the current trial, for the pairs.
    values: Vec<Headline>,
    /// A lone design's trials per end state of its graph, recorded into
    /// `joint` when the piece is done: one count per trial instead of a
    /// dozen, into a smaller table.
    ends: Vec<u64>,
    /// Each design's clock, on a timed run.
    clocks: Vec<Clock>,
    /// Each design's duration of the current trial, in ticks, for the pairs.
    ticks: Vec<u64>,
}

impl Piece {
    /// Records the trials counted in `ends` into the lone design's tally.
    fn record_ends(&mut self, graph: &StateGraph, overdose: u32) {
        record_ends(graph, &self.ends, overdose, &mut self.joint.tallies[0]);
        self.ends = Vec::new();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::design::{AbDesign, AbParams, Decision, Observed, Preset, StopReason};

    fn korn(k: usize) -> AbDesign {
        AbDesign::new(AbParams::three_plus_three(Preset::Korn), k).unwrap()
    }

    #[test]
    fn a_walk_through_the_graph_is_the_trial_decide_runs() {
        let truth = Truth::new("t", vec![0.05, 0.15, 0.3, 0.45, 0.6]).unwrap();
        let (thresholds, stream) = (Thresholds::new(&truth.p_dlt), Stream::new(7));
        for design in AnyDesign::fingerprint_designs(5) {
            let graph = StateGraph::build(&design, usize::MAX).unwrap();
            let (mut walked, mut ran) = (TrialState::new(0b11000), TrialState::new(0b11000));
            for trial in 0..20_000 {
                let ending = walked.walk(&graph, &thresholds, &stream, trial);
                assert_eq!(Ok(ending), ran.run(&design, &thresholds, &stream, trial));
                let (w, r) = (walked.end(), ran.end());
                assert_eq!((w.n, w.x, w.treated), (r.n, r.x, r.treated));
                assert_eq!(
                    (w.n_total, w.x_total, w.n_over),
                    (r.n_total, r.x_total, r.n_over)
                );
            }
        }
    }

    #[test]
    fn counting_end_states_is_recording_every_trial() {
        let truth = Truth::new("t", vec![0.05, 0.15, 0.3, 0.45, 0.6]).unwrap();
        let s = McSettings {
            trials: 4 * BATCH + 5,
            seed: 9,
            timing: None,
        };
        let (thresholds, stream) = (Thresholds::new(&truth.p_dlt), Stream::new(s.seed));
        for design in AnyDesign::fingerprint_designs(5) {
            // The engine walks the graph for a lone design this size.
            assert!(StateGraph::build(&design, s.trials as usize).is_some());
            let mut expected = Tally::new(shape_of(&design));
            let mut state = TrialState::new(truth.overdose_mask(0.3));
            for trial in 0..s.trials {
                state.run(&design, &thresholds, &stream, trial).unwrap();
                expected.record(&state.end(), 1);
            }
            assert_eq!(
                simulate(&design, &truth, 0.3, s, &|_| {}).unwrap(),
                expected
            );
        }
    }

    #[test]
    fn thread_count_changes_nothing() {
        let truth = Truth::new("t", vec![0.1, 0.2, 0.35]).unwrap();
        let design = korn(3);
        let s = McSettings {
            trials: 5 * BATCH + 17,
            seed: 4,
            timing: None,
        };
        let on = |threads| {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap();
            pool.install(|| simulate(&design, &truth, 0.3, s, &|_| {}).unwrap())
        };
        let one = on(1);
        assert_eq!(one.total(), s.trials);
        assert_eq!(one, on(3));
    }

    #[test]
    fn designs_run_together_count_as_run_alone() {
        let truth = Truth::new("t", vec![0.05, 0.2, 0.4, 0.6]).unwrap();
        let designs = [
            korn(4),
            AbDesign::new(AbParams::three_plus_three(Preset::Storer), 4).unwrap(),
        ];
        let s = McSettings {
            trials: 3 * BATCH,
            seed: 11,
            timing: None,
        };
        let batches = Shard::WHOLE.batches(0, 1, s.trials);
        let joint = simulate_designs(&designs, &truth, 0.3, Some(1), s, batches, &|_| {}).unwrap();
        for (design, tally) in designs.iter().zip(&joint.tallies) {
            assert_eq!(&simulate(design, &truth, 0.3, s, &|_| {}).unwrap(), tally);
        }
        assert_eq!(joint.pairs.trials(), s.trials);
    }

    /// A test design of `doses` doses that declares `per_dose` patients per
    /// dose at most, starts with `first` at dose 1 and then decides by `then`.
    struct Scripted {
        doses: usize,
        per_dose: u32,
        first: u32,
        then: fn(&Observed<'_>) -> Decision,
    }

    impl Design for Scripted {
        fn num_doses(&self) -> usize {
            self.doses
        }
        fn max_cohort(&self) -> u32 {
            self.first
        }
        fn max_patients_per_dose(&self) -> u32 {
            self.per_dose
        }
        fn start(&self) -> Decision {
            Decision::Treat {
                dose: 0,
                patients: self.first,
            }
        }
        fn decide(&self, seen: &Observed<'_>) -> Decision {
            (self.then)(seen)
        }
    }

    fn stop(mtd: Option<usize>) -> Decision {
        Decision::Stop {
            mtd,
            reason: StopReason::RuleEnd,
        }
    }

    /// Patients are the same people under every design: on the same trial,
    /// a design that treats its first six patients at dose 1 sees exactly
    /// the DLTs a 3+3 sees in its first two cohorts there.
    #[test]
    fn the_jth_patient_is_the_same_under_every_design() {
        let six_at_one = Scripted {
            doses: 1,
            per_dose: 6,
            first: 6,
            then: |_| stop(None),
        };
        let thresholds = Thresholds::new(&[0.4]);
        let stream = Stream::new(5);
        let mut six = TrialState::new(0);
        let mut three = TrialState::new(0);
        let three_plus_three =
            AbDesign::new(AbParams::three_plus_three(Preset::Storer), 1).unwrap();
        let mut compared = 0;
        for trial in 0..2000 {
            six.run(&six_at_one, &thresholds, &stream, trial).unwrap();
            three
                .run(&three_plus_three, &thresholds, &stream, trial)
                .unwrap();
            let (a, b) = (six.end(), three.end());
            if b.n_total == 6 {
                assert_eq!(a.x_total, b.x_total, "trial {trial}");
                compared += 1;
            } else {
                // Three patients: the first three of the six.
                let first_three = (0..3)
                    .filter(|&j| thresholds.dlt(0, stream.tolerance(trial, j)))
                    .count();
                assert_eq!(b.x_total as usize, first_three);
            }
        }
        assert!(compared > 500);
    }

    #[test]
    fn a_decision_out_of_bounds_is_an_error_naming_the_trial() {
        // Declares at most 3 patients per dose, then treats a fourth.
        let greedy = Scripted {
            doses: 2,
            per_dose: 3,
            first: 3,
            then: |seen| {
                if seen.x[0] > 0 {
                    Decision::Treat {
                        dose: 0,
                        patients: 1,
                    }
                } else {
                    stop(Some(0))
                }
            },
        };
        let truth = Truth::new("t", vec![0.3, 0.5]).unwrap();
        let s = McSettings {
            trials: 4 * BATCH,
            seed: 1,
            timing: None,
        };
        let error = simulate(&greedy, &truth, 0.3, s, &|_| {}).unwrap_err();
        // The first trial with a DLT among its first three patients.
        let stream = Stream::new(1);
        let thresholds = Thresholds::new(&truth.p_dlt);
        let first = (0..)
            .find(|&t| (0..3).any(|j| thresholds.dlt(0, stream.tolerance(t, j))))
            .unwrap();
        assert_eq!(error.trial, first);
        assert!(error.to_string().starts_with("trial "), "{error}");
        // The cause is the error's source, which `{:#}` chains print once.
        let cause = error.source.to_string();
        assert!(cause.contains("patients per dose"), "{cause}");
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
