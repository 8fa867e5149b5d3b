//! Dose-escalation designs.
//!
//! A design is an immutable value; its next step is a pure function of what the
//! trial has observed so far ([`Observed`]). The Monte Carlo engine and the
//! exact engine both drive a trial through [`Design::start`] and
//! [`Design::decide`], so one set of rules serves both.

mod three_plus_three;

pub use three_plus_three::MAX_COHORT;

pub use three_plus_three::{AbDesign, AbParams, DesignError, Preset};

/// What happens next in a trial.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Treat a cohort of `patients` at `dose` (0-based).
    Treat { dose: usize, patients: u32 },
    /// End the trial; `mtd` is the selected dose (0-based), `None` for "no MTD".
    Stop { mtd: Option<usize> },
}

/// Everything a trial has observed: patients and DLTs per dose, and the dose of
/// the most recent cohort.
#[derive(Debug, Clone, Copy)]
pub struct Observed<'a> {
    /// Patients treated per dose.
    pub n: &'a [u32],
    /// DLTs seen per dose.
    pub x: &'a [u32],
    /// Dose (0-based) of the cohort just completed.
    pub current: usize,
}

/// A dose-escalation rule.
pub trait Design: Send + Sync {
    /// Number of dose levels the design was built for.
    fn num_doses(&self) -> usize;

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
}
