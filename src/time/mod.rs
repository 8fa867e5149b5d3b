//! Time: when patients arrive, when their DLT results are known, and how long
//! a trial therefore takes.
//!
//! A scenario's `[timing]` table gives the model ([`Timing`]). Patients come
//! to the trial by a renewal process; a design acts on *evaluated* patients
//! only: a patient with a DLT is evaluated at the DLT's time, one without at
//! the end of the DLT window. The cohort designs (3+3, A+B, BOIN, mTPI-2,
//! i3+3, CRM) enrol a cohort and suspend accrual until every patient in it is
//! evaluated ([`clock::Clock::cohort`]); the rolling six enrols while results
//! are pending (see [`crate::engine`]'s rolling-six trial). A patient who
//! comes while accrual is suspended goes elsewhere (`lose`) or queues
//! (`wait`).
//!
//! Time changes when, not what: the j-th patient enrolled has the same
//! tolerance with or without `[timing]`, so a cohort design's selections,
//! sample sizes and DLTs are bit for bit those of the untimed run on the same
//! seed. The same people come to every design's trial at the same times
//! ([`draws`]).

pub mod clock;
pub mod draws;
pub mod figures;
pub mod tally;

pub use clock::{Clock, TrialTime};
pub use draws::Draws;
pub use figures::TimeCharacteristics;
pub use tally::{DurationPairs, TimeTally};

use serde::Serialize;

/// How patients come to the trial: the gaps between consecutive arrivals.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(tag = "process", rename_all = "lowercase")]
pub enum Arrivals {
    /// A Poisson process: exponential gaps of mean `mean_days`.
    Poisson { mean_days: f64 },
    /// One patient every `mean_days` exactly.
    Fixed { mean_days: f64 },
    /// Gaps uniform on [`min_days`, `max_days`].
    Uniform { min_days: f64, max_days: f64 },
}

impl Arrivals {
    /// The mean gap, in days.
    pub fn mean_days(&self) -> f64 {
        match *self {
            Arrivals::Poisson { mean_days } | Arrivals::Fixed { mean_days } => mean_days,
            Arrivals::Uniform { min_days, max_days } => (min_days + max_days) / 2.0,
        }
    }

    /// The shortest possible gap, in days.
    pub fn min_days(&self) -> f64 {
        match *self {
            Arrivals::Poisson { .. } => 0.0,
            Arrivals::Fixed { mean_days } => mean_days,
            Arrivals::Uniform { min_days, .. } => min_days,
        }
    }
}

/// When, within the DLT window, a patient's DLT occurs.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DltTime {
    /// Uniformly over the window.
    Uniform,
    /// A Weibull of the given shape and of scale the window, conditioned on
    /// falling within the window: shape 1 is an exponential (early DLTs
    /// most likely), shape > 1 a hazard that grows (late-onset DLTs).
    Weibull { shape: f64 },
}

/// What happens to a patient who comes while accrual is suspended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum WhenSuspended {
    /// The patient goes elsewhere and is lost to the trial.
    Lose,
    /// The patient queues and is enrolled, in order of arrival, as soon as
    /// accrual reopens.
    Wait,
}

/// The time model of a scenario: its `[timing]` table.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Timing {
    pub arrivals: Arrivals,
    /// A patient is evaluable this long after starting treatment.
    pub dlt_window_days: f64,
    pub dlt_time: DltTime,
    pub when_suspended: WhenSuspended,
}

/// Most arrivals per DLT window: beyond it a trial would draw millions of
/// patients it turns away, and the model is not what the user meant.
pub const MAX_ARRIVALS_PER_WINDOW: f64 = 1000.0;

/// Longest DLT window or mean gap, in days (a century).
pub const MAX_DAYS: f64 = 36_525.0;

impl Timing {
    /// Skolnik et al.'s accrual (a person every 10 days on average) and a
    /// 28-day window, with Weibull DLT times: what the engine's fingerprint
    /// runs its clock on.
    pub const FINGERPRINT: Timing = Timing {
        arrivals: Arrivals::Poisson { mean_days: 10.0 },
        dlt_window_days: 28.0,
        dlt_time: DltTime::Weibull { shape: 2.0 },
        when_suspended: WhenSuspended::Lose,
    };

    /// The problem with this model, as `(field, problem)` with the field
    /// named as under `[timing]`; `None` when it is valid.
    pub fn problem(&self) -> Option<(&'static str, String)> {
        let days = |field, v: f64, zero_ok: bool| {
            let ok = v.is_finite() && v <= MAX_DAYS && if zero_ok { v >= 0.0 } else { v > 0.0 };
            let low = if zero_ok { "≥ 0" } else { "> 0" };
            (!ok).then(|| {
                (
                    field,
                    format!("= {v}: expected a number of days {low} and at most {MAX_DAYS}"),
                )
            })
        };
        let arrivals = match self.arrivals {
            Arrivals::Poisson { mean_days } | Arrivals::Fixed { mean_days } => {
                days("arrivals.mean_days", mean_days, false)
            }
            Arrivals::Uniform { min_days, max_days } => days("arrivals.min_days", min_days, true)
                .or_else(|| days("arrivals.max_days", max_days, false))
                .or_else(|| {
                    (max_days < min_days).then(|| {
                        (
                            "arrivals.max_days",
                            format!("= {max_days}: expected at least min_days = {min_days}"),
                        )
                    })
                }),
        };
        let shape = match self.dlt_time {
            DltTime::Weibull { shape } if !(shape.is_finite() && shape > 0.0 && shape <= 100.0) => {
                Some((
                    "dlt_time.weibull.shape",
                    format!("= {shape}: expected a shape > 0 and at most 100"),
                ))
            }
            _ => None,
        };
        let rate = self.dlt_window_days / self.arrivals.mean_days();
        arrivals
            .or_else(|| days("dlt_window_days", self.dlt_window_days, false))
            .or(shape)
            .or_else(|| {
                (rate > MAX_ARRIVALS_PER_WINDOW).then(|| {
                    (
                        "arrivals.mean_days",
                        format!(
                            "= {}: {rate:.0} arrivals per DLT window of {} days; expected at most {MAX_ARRIVALS_PER_WINDOW}",
                            self.arrivals.mean_days(),
                            self.dlt_window_days
                        ),
                    )
                })
            })
    }

    /// Every parameter with its effective value, for `designs.csv`-like
    /// listings and the report.
    pub fn parameters(&self) -> Vec<(&'static str, String)> {
        let mut out = Vec::new();
        match self.arrivals {
            Arrivals::Poisson { mean_days } => out.extend([
                ("arrivals", "poisson".into()),
                ("mean_days", mean_days.to_string()),
            ]),
            Arrivals::Fixed { mean_days } => out.extend([
                ("arrivals", "fixed".into()),
                ("mean_days", mean_days.to_string()),
            ]),
            Arrivals::Uniform { min_days, max_days } => out.extend([
                ("arrivals", "uniform".into()),
                ("min_days", min_days.to_string()),
                ("max_days", max_days.to_string()),
            ]),
        }
        out.push(("dlt_window_days", self.dlt_window_days.to_string()));
        match self.dlt_time {
            DltTime::Uniform => out.push(("dlt_time", "uniform".into())),
            DltTime::Weibull { shape } => out.extend([
                ("dlt_time", "weibull".into()),
                ("weibull_shape", shape.to_string()),
            ]),
        }
        let when = match self.when_suspended {
            WhenSuspended::Lose => "lose",
            WhenSuspended::Wait => "wait",
        };
        out.push(("when_suspended", when.into()));
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) fn skolnik() -> Timing {
        Timing {
            arrivals: Arrivals::Poisson { mean_days: 10.0 },
            dlt_window_days: 28.0,
            dlt_time: DltTime::Uniform,
            when_suspended: WhenSuspended::Lose,
        }
    }

    #[test]
    fn problems_name_the_field() {
        assert_eq!(skolnik().problem(), None);
        let mut t = skolnik();
        t.arrivals = Arrivals::Uniform {
            min_days: 5.0,
            max_days: 2.0,
        };
        assert_eq!(t.problem().unwrap().0, "arrivals.max_days");
        let mut t = skolnik();
        t.dlt_window_days = f64::NAN;
        assert_eq!(t.problem().unwrap().0, "dlt_window_days");
        let mut t = skolnik();
        t.arrivals = Arrivals::Fixed { mean_days: 0.01 };
        let (field, problem) = t.problem().unwrap();
        assert_eq!(field, "arrivals.mean_days");
        assert!(
            problem.contains("2800 arrivals per DLT window"),
            "{problem}"
        );
        let mut t = skolnik();
        t.dlt_time = DltTime::Weibull { shape: 0.0 };
        assert_eq!(t.problem().unwrap().0, "dlt_time.weibull.shape");
    }
}
