//! Dose-escalation designs.
//!
//! A design is an immutable value; its next step is a pure function of what the
//! trial has observed so far ([`Observed`]). The Monte Carlo engine and the
//! exact engine both drive a trial through [`Design::start`] and
//! [`Design::decide`], so one set of rules serves both, and both check every
//! decision against the bounds the design declares.
//!
//! What a scenario file says about a design is a [`DesignSpec`]; the one place
//! that knows the design families is [`AnyDesign`], which a spec builds.

mod any;
pub mod benchmark;
pub mod crm;
pub mod graph;
mod interval;
pub mod rolling_six;
pub(crate) mod state;
mod three_plus_three;

pub use any::{AnyDesign, DesignSpec, Rule, SpecError};
pub use benchmark::Benchmark;
pub use crm::{CrmDesign, CrmParams};
pub use interval::{IntervalDesign, IntervalError, IntervalKind, IntervalParams};
pub use rolling_six::RollingSix;
pub use three_plus_three::MAX_COHORT;
pub use three_plus_three::{AbDesign, AbParams, DesignError, Preset};

/// Most patients one trial may treat: it bounds the tallies (whose size
/// grows with the square of the sample size) and the random stream's
/// positions per trial.
pub const MAX_SAMPLE_SIZE: u32 = 200;

/// The letters of a decision table.
pub mod letters {
    pub const ESCALATE: u8 = b'E';
    pub const STAY: u8 = b'S';
    pub const DEESCALATE: u8 = b'D';
    /// De-escalate and remove this dose and every higher one for the rest of
    /// the trial; stop with no MTD at the lowest dose.
    pub const ELIMINATE: u8 = b'U';
}

/// One row of a decision table — the table a protocol prints: what the
/// design does after y DLTs among the n patients at a dose, for every y.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableRow {
    pub n: u32,
    /// Escalate if y ≤ this.
    pub escalate_if_dlt_le: Option<u32>,
    /// De-escalate (or eliminate) if y ≥ this.
    pub deescalate_if_dlt_ge: Option<u32>,
    /// Eliminate if y ≥ this.
    pub eliminate_if_dlt_ge: Option<u32>,
    /// One letter per y = 0..=n (see [`letters`]).
    pub decisions: String,
}

impl TableRow {
    /// The row whose letters, for y = 0..=n, are `decisions`; the bounds
    /// follow from them (`None` where no y qualifies).
    pub fn new(n: u32, decisions: String) -> Self {
        use letters::*;
        let at = |found: Option<usize>| found.map(|y| y as u32);
        let l = decisions.as_bytes();
        TableRow {
            n,
            escalate_if_dlt_le: at(l.iter().rposition(|&c| c == ESCALATE)),
            deescalate_if_dlt_ge: at(l.iter().position(|&c| c == DEESCALATE || c == ELIMINATE)),
            eliminate_if_dlt_ge: at(l.iter().position(|&c| c == ELIMINATE)),
            decisions,
        }
    }
}

/// Why a trial ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum StopReason {
    /// The maximum sample size was reached.
    MaxSampleSize,
    /// The lowest dose was found too toxic (3+3), or eliminated by the
    /// safety rule (interval designs).
    Safety,
    /// The early-stopping rule met: enough patients at the dose to be given.
    EnoughAtDose,
    /// The design's own rules concluded (the 3+3's end).
    RuleEnd,
}

impl StopReason {
    pub const ALL: [StopReason; 4] = [
        StopReason::MaxSampleSize,
        StopReason::Safety,
        StopReason::EnoughAtDose,
        StopReason::RuleEnd,
    ];

    /// Its name in files: `p_stop_<name>`.
    pub fn name(self) -> &'static str {
        match self {
            StopReason::MaxSampleSize => "max_n",
            StopReason::Safety => "safety",
            StopReason::EnoughAtDose => "n_at_dose",
            StopReason::RuleEnd => "rule",
        }
    }

    /// Its index in [`Self::ALL`].
    pub fn index(self) -> usize {
        self as usize
    }
}

/// What happens next in a trial.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Treat a cohort of `patients` at `dose` (0-based).
    Treat { dose: usize, patients: u32 },
    /// End the trial; `mtd` is the selected dose (0-based), `None` for "no
    /// MTD"; `reason` says why the trial ended.
    Stop {
        mtd: Option<usize>,
        reason: StopReason,
    },
}

/// Everything a trial has observed: patients and DLTs per dose, the dose of
/// the most recent cohort, and whether that cohort was toxic by the design's
/// own measure.
#[derive(Debug, Clone, Copy)]
pub struct Observed<'a> {
    /// Patients treated per dose.
    pub n: &'a [u32],
    /// DLTs seen per dose.
    pub x: &'a [u32],
    /// Dose (0-based) of the cohort just completed.
    pub current: usize,
    /// [`Design::toxic_cohort`] of the cohort just completed.
    pub last_toxic: bool,
}

/// A dose-escalation rule.
pub trait Design: Send + Sync {
    /// Number of dose levels the design was built for.
    fn num_doses(&self) -> usize;

    /// Largest cohort the design ever treats at once.
    fn max_cohort(&self) -> u32;

    /// Most patients the design ever treats at one dose.
    fn max_patients_per_dose(&self) -> u32;

    /// Largest possible sample size of one trial.
    fn max_sample_size(&self) -> u32 {
        self.max_patients_per_dose() * self.num_doses() as u32
    }

    /// The first cohort.
    fn start(&self) -> Decision;

    /// The next step after a cohort has been observed.
    fn decide(&self, seen: &Observed<'_>) -> Decision;

    /// Whether a cohort of `patients` with `dlts` DLTs counts as toxic for
    /// the decision that follows it: the one thing beyond the counts a
    /// design may remember of its last cohort (the CRM's coherence rule: no
    /// escalation right after a cohort whose DLT rate reached the target).
    /// States that differ only here are distinct states, so a design that
    /// decides from the counts alone keeps the default, `false`.
    fn toxic_cohort(&self, _patients: u32, _dlts: u32) -> bool {
        false
    }

    /// The optimal benchmark, for the one "design" that is it: it treats
    /// nobody, and the engines run it from the patients' tolerances.
    fn as_benchmark(&self) -> Option<&Benchmark> {
        None
    }

    /// The rolling six, which decides patient by patient as results come
    /// in, so runs only on the timed engine.
    fn as_rolling_six(&self) -> Option<&RollingSix> {
        None
    }

    /// The state graph the design keeps built (see [`graph::Compiled`]):
    /// `None` when it keeps none, so the engine builds one for the run;
    /// `Some(None)` when it found it has too many states for one.
    fn state_graph(&self) -> Option<Option<&graph::StateGraph>> {
        None
    }
}

/// A decision outside the bounds its design declares: a bug in the design,
/// reported instead of a wrong tally.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("internal error: the design decided {decision:?}, which {reason}")]
pub struct InvalidDecision {
    pub decision: Decision,
    pub reason: &'static str,
}

/// Checks `decision`, taken with `n_dose` patients at each dose so far and
/// `n_total` in all, against `design`'s declared bounds.
#[inline(always)]
pub fn check_decision<D: Design + ?Sized>(
    design: &D,
    decision: Decision,
    n_at: impl Fn(usize) -> u32,
    n_total: u32,
) -> Result<(), InvalidDecision> {
    let invalid = |reason| Err(InvalidDecision { decision, reason });
    match decision {
        Decision::Stop { mtd, .. } => {
            if mtd.is_some_and(|d| d >= design.num_doses()) {
                return invalid("selects a dose the design does not have");
            }
        }
        Decision::Treat { dose, patients } => {
            if dose >= design.num_doses() {
                return invalid("treats a dose the design does not have");
            }
            if patients == 0 {
                return invalid("treats nobody, so the trial would never end");
            }
            if patients > design.max_cohort() {
                return invalid("exceeds the design's largest cohort");
            }
            if n_at(dose) + patients > design.max_patients_per_dose() {
                return invalid("exceeds the design's patients per dose");
            }
            if n_total + patients > design.max_sample_size() {
                return invalid("exceeds the design's maximum sample size");
            }
            // Patients' random numbers are addressed up to this many.
            if n_total + patients > MAX_SAMPLE_SIZE {
                return invalid("exceeds the engine's largest trial");
            }
        }
    }
    Ok(())
}
