//! Paired design comparisons: for two designs on the same truth, the
//! difference of each headline figure and its standard error.
//!
//! The Monte Carlo engine runs every design of a scenario on the same
//! simulated patients (trial `i` reads the same random numbers whatever the
//! design), so two designs' estimates are positively correlated and the
//! standard error of their difference is that of the per-trial differences,
//! sqrt(Var(v_a − v_b) / R), computed from the [`PairTally`]'s exact integer
//! sums. It is usually far smaller than the unpaired sqrt(se_a² + se_b²),
//! which is reported beside it. Exact results differ exactly: standard error 0.

use crate::stats::spread;
use crate::summary::{Method, OperatingCharacteristics};
use crate::tally::{HEADLINES, PairTally};
use crate::time::tally::{TICKS_PER_DAY, Times};
use serde::Serialize;

/// A difference is called out when it exceeds this many paired standard errors.
pub const SIGNIFICANT_SE: f64 = 2.0;

/// Exact differences smaller than this are rounding, not a difference
/// between the designs (exact figures carry errors of a few ulps).
pub const EXACT_RESOLUTION: f64 = 1e-9;

/// One headline figure of design `a` against design `b` on one truth.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Comparison {
    pub truth: usize,
    pub method: Method,
    /// Design indices, `a` < `b` (file order).
    pub a: usize,
    pub b: usize,
    /// One of [`HEADLINES`], or [`DURATION`] on a timed run.
    pub figure: &'static str,
    pub value_a: f64,
    pub value_b: f64,
    /// `value_a − value_b`.
    pub diff: f64,
    /// Standard error of the difference from paired trials (0 when exact).
    pub se_paired: f64,
    /// sqrt(se_a² + se_b²): what the difference's error would be had the
    /// designs been simulated independently.
    pub se_unpaired: f64,
}

impl Comparison {
    /// diff / se_paired; `None` when exact or when both are 0.
    pub fn z(&self) -> Option<f64> {
        match self.method {
            Method::Exact => None,
            Method::Mc if self.diff == 0.0 => Some(0.0),
            Method::Mc => Some(self.diff / self.se_paired),
        }
    }

    /// Whether the Monte Carlo difference exceeds [`SIGNIFICANT_SE`] paired
    /// standard errors; `None` for exact differences, which need no test.
    pub fn beyond_2se(&self) -> Option<bool> {
        self.z().map(|z| z.abs() > SIGNIFICANT_SE)
    }

    /// The sign of a difference that is real: beyond 2 paired SE (Monte
    /// Carlo) or beyond [`EXACT_RESOLUTION`] (exact); 0 otherwise.
    pub fn direction(&self) -> i8 {
        let real = self
            .beyond_2se()
            .unwrap_or(self.diff.abs() > EXACT_RESOLUTION);
        if !real {
            0
        } else if self.diff > 0.0 {
            1
        } else {
            -1
        }
    }
}

/// The figure compared on timed Monte Carlo runs besides [`HEADLINES`].
pub const DURATION: &str = "mean_duration_days";

/// The headline figure `name` of `oc` with its standard error.
fn headline(oc: &OperatingCharacteristics, figure: usize) -> (f64, f64) {
    let e = match figure {
        0 => oc.pcs,
        1 => oc.p_select_overdose,
        2 => oc.mean_n,
        3 => oc.mean_dlt,
        _ => oc.mean_n_overdose,
    };
    (e.value, e.se)
}

/// Every pair of `ocs` (one per design, same truth, same method) on every
/// headline figure, and on the duration when the run was timed. Monte Carlo
/// results need the `pairs` (and `times`) counted with them.
pub fn compare(
    truth: usize,
    ocs: &[&OperatingCharacteristics],
    pairs: Option<&PairTally>,
    times: Option<&Times>,
) -> Vec<Comparison> {
    let mut out = Vec::new();
    for a in 0..ocs.len() {
        for b in a + 1..ocs.len() {
            for (f, &figure) in HEADLINES.iter().enumerate() {
                let (value_a, se_a) = headline(ocs[a], f);
                let (value_b, se_b) = headline(ocs[b], f);
                let method = ocs[a].method;
                let se_paired = match (method, pairs) {
                    // A figure one design lacks (the benchmark's E[N]) has
                    // no difference: NaN, like the values.
                    _ if value_a.is_nan() || value_b.is_nan() => f64::NAN,
                    (Method::Mc, Some(pairs)) => paired_se(pairs, a, b, f),
                    _ => 0.0,
                };
                out.push(Comparison {
                    truth,
                    method,
                    a,
                    b,
                    figure,
                    value_a,
                    value_b,
                    diff: value_a - value_b,
                    se_paired,
                    se_unpaired: se_a.hypot(se_b),
                });
            }
            let durations = (ocs[a].time.as_ref().zip(ocs[b].time.as_ref())).zip(times);
            if let Some(((ta, tb), times)) = durations {
                let (value_a, se_a) = (ta.mean_duration_days.value, ta.mean_duration_days.se);
                let (value_b, se_b) = (tb.mean_duration_days.value, tb.mean_duration_days.se);
                let (sum, sum_sq) = times.pairs.difference_sums(&times.tallies, a, b);
                let se_paired = if value_a.is_nan() || value_b.is_nan() {
                    f64::NAN
                } else {
                    spread_se(times.tallies[a].trials(), sum, sum_sq) / TICKS_PER_DAY
                };
                out.push(Comparison {
                    truth,
                    method: ocs[a].method,
                    a,
                    b,
                    figure: DURATION,
                    value_a,
                    value_b,
                    diff: value_a - value_b,
                    se_paired,
                    se_unpaired: se_a.hypot(se_b),
                });
            }
        }
    }
    out
}

/// sqrt(Var(v_a − v_b) / R), the variance with divisor R as for every other
/// standard error. R·Σd² − (Σd)² is computed in integers, so the variance
/// carries no cancellation error however many trials there are.
fn paired_se(pairs: &PairTally, a: usize, b: usize, figure: usize) -> f64 {
    let (sum, sum_sq) = pairs.difference_sums(a, b, figure);
    spread_se(pairs.trials(), sum, sum_sq)
}

/// The standard error of the mean of `r` values whose sum is `sum` and sum
/// of squares `sum_sq`, from their exact [`spread`].
fn spread_se(r: u64, sum: i128, sum_sq: i128) -> f64 {
    if r == 0 {
        return 0.0;
    }
    let numerator = spread(r, sum, sum_sq);
    let r = r as f64;
    numerator.sqrt() / (r * r.sqrt())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn comparison(method: Method, diff: f64, se_paired: f64) -> Comparison {
        Comparison {
            truth: 0,
            method,
            a: 0,
            b: 1,
            figure: "pcs",
            value_a: 0.5 + diff,
            value_b: 0.5,
            diff,
            se_paired,
            se_unpaired: 2.0 * se_paired,
        }
    }

    #[test]
    fn real_differences_have_a_direction() {
        // Exact: rounding is no difference.
        assert_eq!(comparison(Method::Exact, 3e-16, 0.0).direction(), 0);
        assert_eq!(comparison(Method::Exact, -2e-6, 0.0).direction(), -1);
        assert_eq!(comparison(Method::Exact, -2e-6, 0.0).beyond_2se(), None);
        // Monte Carlo: beyond 2 paired SE.
        assert_eq!(comparison(Method::Mc, 0.019, 0.01).direction(), 0);
        assert_eq!(comparison(Method::Mc, 0.021, 0.01).direction(), 1);
        assert_eq!(comparison(Method::Mc, 0.021, 0.01).z(), Some(2.1));
        assert_eq!(comparison(Method::Mc, 0.0, 0.0).z(), Some(0.0));
        assert_eq!(comparison(Method::Mc, 0.0, 0.0).direction(), 0);
    }
}
