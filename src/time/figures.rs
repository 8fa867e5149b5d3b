//! From time tallies to time figures: how long trials take, and what the
//! waiting costs, each mean with its Monte Carlo standard error.

use super::tally::{Sums, TICKS_PER_DAY, TimeTally};
use crate::stats::spread;
use crate::summary::{Estimate, nan_as_null};
use serde::{Deserialize, Serialize};

/// The time figures of one design on one truth (Monte Carlo only).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TimeCharacteristics {
    /// E[duration]: days from the first patient in to the last evaluation.
    pub mean_duration_days: Estimate,
    #[serde(deserialize_with = "nan_as_null")]
    pub sd_duration_days: f64,
    /// Quantiles of the duration (10 %, 50 %, 90 %), interpolated within
    /// whole days.
    #[serde(deserialize_with = "nan_as_null")]
    pub duration_days_q10: f64,
    #[serde(deserialize_with = "nan_as_null")]
    pub duration_days_q50: f64,
    #[serde(deserialize_with = "nan_as_null")]
    pub duration_days_q90: f64,
    /// E[people who came while accrual was suspended and were lost] (with
    /// `wait`: those still queued when the trial ended).
    pub mean_patients_lost: Estimate,
    /// E[days during which accrual was suspended or closed].
    pub mean_days_suspended: Estimate,
    /// E[days the patients of a trial spent queued, in all] (`wait`).
    pub mean_days_waiting: Estimate,
    /// The distribution of the duration: `(day, P(day ≤ duration < day + 1))`
    /// for every day that occurs.
    pub duration: Vec<(u32, f64)>,
}

impl TimeCharacteristics {
    /// The figures of `tally`, over its trials. `applicable`: the design
    /// treats patients (the optimal benchmark does not, and takes no time).
    pub fn from_tally(tally: &TimeTally, applicable: bool) -> Self {
        let r = tally.trials();
        if !applicable || r == 0 {
            return Self::not_applicable();
        }
        let days = |s: &Sums| scaled(s, r, 1.0 / TICKS_PER_DAY);
        let duration = days(&tally.duration);
        let quantile = |q: f64| quantile(tally, q);
        TimeCharacteristics {
            mean_duration_days: duration.0,
            sd_duration_days: duration.1,
            duration_days_q10: quantile(0.1),
            duration_days_q50: quantile(0.5),
            duration_days_q90: quantile(0.9),
            mean_patients_lost: scaled(&tally.lost, r, 1.0).0,
            mean_days_suspended: days(&tally.suspended).0,
            mean_days_waiting: days(&tally.waited).0,
            duration: tally
                .histogram()
                .map(|(day, n)| (day as u32, n as f64 / r as f64))
                .collect(),
        }
    }

    fn not_applicable() -> Self {
        TimeCharacteristics {
            mean_duration_days: Estimate::NOT_APPLICABLE,
            sd_duration_days: f64::NAN,
            duration_days_q10: f64::NAN,
            duration_days_q50: f64::NAN,
            duration_days_q90: f64::NAN,
            mean_patients_lost: Estimate::NOT_APPLICABLE,
            mean_days_suspended: Estimate::NOT_APPLICABLE,
            mean_days_waiting: Estimate::NOT_APPLICABLE,
            duration: Vec::new(),
        }
    }

    /// Every figure with its name as in the CSV files, for self-checks and
    /// `check`.
    pub fn figures(&self) -> Vec<(&'static str, Estimate)> {
        let plain = |value: f64| Estimate { value, se: 0.0 };
        vec![
            ("mean_duration_days", self.mean_duration_days),
            ("sd_duration_days", plain(self.sd_duration_days)),
            ("duration_days_q10", plain(self.duration_days_q10)),
            ("duration_days_q50", plain(self.duration_days_q50)),
            ("duration_days_q90", plain(self.duration_days_q90)),
            ("mean_patients_lost", self.mean_patients_lost),
            ("mean_days_suspended", self.mean_days_suspended),
            ("mean_days_waiting", self.mean_days_waiting),
        ]
    }
}

/// The mean of a per-trial figure with its standard error, and its
/// standard deviation, from integer sums over `r` trials, in units of
/// `unit` per count (see [`spread`]).
pub fn scaled(s: &Sums, r: u64, unit: f64) -> (Estimate, f64) {
    let wide = |v: u128| i128::try_from(v).unwrap_or(i128::MAX);
    let spread = spread(r, wide(s.sum), wide(s.sum_sq));
    let r = r as f64;
    let sd = spread.sqrt() / r * unit;
    (
        Estimate {
            value: s.sum as f64 / r * unit,
            se: sd / r.sqrt(),
        },
        sd,
    )
}

/// The `q`-quantile of the duration, interpolated linearly within the day
/// where the cumulative count passes q·R.
fn quantile(tally: &TimeTally, q: f64) -> f64 {
    let want = q * tally.trials() as f64;
    let mut below = 0.0;
    for (day, n) in tally.histogram() {
        let n = n as f64;
        if below + n >= want {
            return day as f64 + (want - below) / n;
        }
        below += n;
    }
    f64::NAN
}

#[cfg(test)]
mod tests {
    use super::super::TrialTime;
    use super::*;

    #[test]
    fn means_sds_and_quantiles_by_hand() {
        let mut tally = TimeTally::default();
        for (i, days) in [100.5, 101.5, 102.5, 103.5].into_iter().enumerate() {
            tally.record(&TrialTime {
                duration: days,
                lost: i as u32,
                suspended: 10.0,
                waited: 0.0,
            });
        }
        let t = TimeCharacteristics::from_tally(&tally, true);
        assert_eq!(t.mean_duration_days.value, 102.0);
        // sd with divisor R of 100.5..103.5: sqrt(1.25).
        assert!((t.sd_duration_days - 1.25f64.sqrt()).abs() < 1e-12);
        assert!((t.mean_duration_days.se - 1.25f64.sqrt() / 2.0).abs() < 1e-12);
        // One trial per day from 100: q50 is two trials in, the end of day 101.
        assert_eq!(t.duration_days_q50, 102.0);
        assert!((t.duration_days_q10 - 100.4).abs() < 1e-12);
        assert_eq!(t.mean_patients_lost.value, 1.5);
        assert_eq!(
            t.mean_days_suspended,
            Estimate {
                value: 10.0,
                se: 0.0
            }
        );
        assert_eq!(
            t.duration,
            [(100, 0.25), (101, 0.25), (102, 0.25), (103, 0.25)]
        );
        assert!(
            !TimeCharacteristics::from_tally(&tally, false)
                .mean_duration_days
                .is_applicable()
        );
    }
}
