//! What time did to a set of trials, as integer sums that merge by addition
//! in any order (see [`crate::tally`]): a run's time figures are the same
//! bits on 1 thread or 64, in one process or in shards.
//!
//! Times are counted in ticks of 2^-10 day (about 84 seconds), each trial's
//! rounded once; the sums of ticks and of their squares are exact integers,
//! and durations are also counted per whole day, for their distribution and
//! quantiles.

use super::TrialTime;
use serde::{Deserialize, Serialize};

/// Ticks per day.
pub const TICKS_PER_DAY: f64 = 1024.0;

/// Days the duration histogram resolves (one bin per day); longer trials
/// (over 44 years) share the last bin.
pub const HISTOGRAM_DAYS: usize = 1 << 14;

/// A time (≥ 0) in whole ticks, rounded half up: `f64::round` is a libm
/// call on baseline x86-64, four per trial in the hot loop.
#[inline(always)]
pub fn ticks(days: f64) -> u64 {
    (days * TICKS_PER_DAY + 0.5) as u64
}

/// Σ v and Σ v² of one per-trial figure, in integers.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sums {
    pub sum: u128,
    pub sum_sq: u128,
}

impl Sums {
    #[inline(always)]
    fn add(&mut self, v: u64) {
        let v = u128::from(v);
        self.sum += v;
        self.sum_sq += v * v;
    }

    fn merge(&mut self, other: &Sums) {
        self.sum += other.sum;
        self.sum_sq += other.sum_sq;
    }

    /// Whether some `trials` values could give these sums: Σv² ≥ (Σv)²/R
    /// (a non-negative variance).
    fn possible(&self, trials: u64) -> bool {
        let r = u128::from(trials);
        match (self.sum.checked_mul(self.sum), self.sum_sq.checked_mul(r)) {
            (Some(square), Some(scaled)) => square <= scaled,
            // Too large for u128: compare in floating point, with slack.
            _ => (self.sum as f64).powi(2) <= (self.sum_sq as f64) * (r as f64) * (1.0 + 1e-12),
        }
    }
}

/// One design's time figures over many trials.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimeTally {
    trials: u64,
    /// In ticks.
    pub duration: Sums,
    /// In ticks.
    pub suspended: Sums,
    /// In ticks.
    pub waited: Sums,
    /// In people.
    pub lost: Sums,
    /// Trials per whole day of duration (`[d]`: d ≤ duration < d + 1).
    #[serde(with = "sparse")]
    histogram: Vec<u64>,
}

impl Default for TimeTally {
    fn default() -> Self {
        TimeTally {
            trials: 0,
            duration: Sums::default(),
            suspended: Sums::default(),
            waited: Sums::default(),
            lost: Sums::default(),
            histogram: vec![0; HISTOGRAM_DAYS],
        }
    }
}

impl TimeTally {
    pub fn trials(&self) -> u64 {
        self.trials
    }

    /// Counts one trial.
    #[inline]
    pub fn record(&mut self, time: &TrialTime) {
        self.trials += 1;
        self.duration.add(ticks(time.duration));
        self.suspended.add(ticks(time.suspended));
        self.waited.add(ticks(time.waited));
        self.lost.add(u64::from(time.lost));
        let day = (time.duration as usize).min(HISTOGRAM_DAYS - 1);
        self.histogram[day] += 1;
    }

    pub fn merge(&mut self, other: &TimeTally) {
        self.trials += other.trials;
        for (mine, theirs) in [
            (&mut self.duration, &other.duration),
            (&mut self.suspended, &other.suspended),
            (&mut self.waited, &other.waited),
            (&mut self.lost, &other.lost),
        ] {
            mine.merge(theirs);
        }
        for (a, b) in self.histogram.iter_mut().zip(&other.histogram) {
            *a += b;
        }
    }

    /// Every count as 64-bit words: the trials, each figure's sums (high
    /// and low words) and the histogram's non-empty days, for fingerprints.
    pub fn words(&self) -> Vec<u64> {
        let mut out = vec![self.trials];
        for s in [self.duration, self.suspended, self.waited, self.lost] {
            for v in [s.sum, s.sum_sq] {
                out.extend([(v >> 64) as u64, v as u64]);
            }
        }
        out.extend(self.histogram().flat_map(|(day, n)| [day as u64, n]));
        out
    }

    /// `(day, trials)` for every day of duration some trial had.
    pub fn histogram(&self) -> impl Iterator<Item = (usize, u64)> + '_ {
        (0..)
            .zip(self.histogram.iter().copied())
            .filter(|&(_, n)| n > 0)
    }

    /// Whether a stored tally is one that `trials` trials could give: the
    /// histogram counts them all, and every figure's sums are possible.
    pub fn consistent(&self, trials: u64) -> bool {
        let counted = self
            .histogram
            .iter()
            .try_fold(0u64, |a, &b| a.checked_add(b));
        self.trials == trials
            && self.histogram.len() == HISTOGRAM_DAYS
            && counted == Some(trials)
            && [self.duration, self.suspended, self.waited, self.lost]
                .iter()
                .all(|s| s.possible(trials))
    }
}

/// The histogram stored as `[day, trials]` pairs of its non-empty days.
mod sparse {
    use super::HISTOGRAM_DAYS;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(bins: &[u64], s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(
            bins.iter()
                .enumerate()
                .filter(|(_, n)| **n > 0)
                .map(|(d, n)| (d, *n)),
        )
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u64>, D::Error> {
        let pairs = Vec::<(usize, u64)>::deserialize(d)?;
        let mut bins = vec![0; HISTOGRAM_DAYS];
        for (day, n) in pairs {
            let bin = bins.get_mut(day).ok_or_else(|| {
                serde::de::Error::custom(format!(
                    "day {day} outside the histogram's {HISTOGRAM_DAYS}"
                ))
            })?;
            *bin = n;
        }
        Ok(bins)
    }
}

/// Per-trial duration sums over designs run on the same simulated
/// patients and clock: the paired standard error of a difference in
/// duration between two designs (see [`crate::tally::PairTally`], which
/// does the same for the other headline figures).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DurationPairs {
    designs: usize,
    trials: u64,
    /// `[pair]` for pairs (i, j), i < j, in lexicographic order: Σ d_i·d_j
    /// in ticks².
    cross: Vec<u128>,
}

impl DurationPairs {
    pub fn new(designs: usize) -> Self {
        DurationPairs {
            designs,
            trials: 0,
            cross: vec![0; designs * designs.saturating_sub(1) / 2],
        }
    }

    /// Counts one trial: `ticks[d]` is design `d`'s duration.
    #[inline]
    pub fn record(&mut self, ticks: &[u64]) {
        self.trials += 1;
        let mut pair = 0;
        for (i, &a) in ticks.iter().enumerate() {
            for &b in &ticks[i + 1..] {
                self.cross[pair] += u128::from(a) * u128::from(b);
                pair += 1;
            }
        }
    }

    pub fn merge(&mut self, other: &DurationPairs) {
        self.trials += other.trials;
        for (a, b) in self.cross.iter_mut().zip(&other.cross) {
            *a += b;
        }
    }

    /// Σ (d_a − d_b) and Σ (d_a − d_b)², in ticks, of designs `a` < `b`
    /// whose tallies are `times`.
    pub fn difference_sums(&self, times: &[TimeTally], a: usize, b: usize) -> (i128, i128) {
        let pair = a * (2 * self.designs - a - 1) / 2 + (b - a - 1);
        let (da, db) = (times[a].duration, times[b].duration);
        let wide = |v: u128| i128::try_from(v).unwrap_or(i128::MAX);
        (
            wide(da.sum) - wide(db.sum),
            wide(da.sum_sq) + wide(db.sum_sq) - 2 * wide(self.cross[pair]),
        )
    }

    /// Whether these sums could have been counted with `times` (one tally
    /// per design, the same trials): sizes fit, and every pair obeys
    /// Cauchy–Schwarz.
    pub fn agrees_with(&self, times: &[TimeTally]) -> bool {
        if self.designs != times.len()
            || self.cross.len() != DurationPairs::new(self.designs).cross.len()
        {
            return false;
        }
        if self.designs < 2 {
            return self.trials == 0;
        }
        let mut pair = 0;
        for a in 0..self.designs {
            for b in a + 1..self.designs {
                let (qa, qb) = (
                    times[a].duration.sum_sq as f64,
                    times[b].duration.sum_sq as f64,
                );
                let cross = self.cross[pair] as f64;
                if times[a].trials != self.trials || cross * cross > qa * qb * (1.0 + 1e-12) {
                    return false;
                }
                pair += 1;
            }
        }
        true
    }
}

/// The time figures of several designs run on the same trials: one tally
/// per design and their paired duration sums.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Times {
    pub tallies: Vec<TimeTally>,
    pub pairs: DurationPairs,
}

impl Times {
    pub fn new(designs: usize) -> Self {
        Times {
            tallies: vec![TimeTally::default(); designs],
            pairs: DurationPairs::new(designs),
        }
    }

    pub fn merge(&mut self, other: &Times) {
        for (mine, theirs) in self.tallies.iter_mut().zip(&other.tallies) {
            mine.merge(theirs);
        }
        self.pairs.merge(&other.pairs);
    }

    /// Whether stored time figures are possible for `designs` designs of
    /// `trials` trials each.
    pub fn consistent(&self, designs: usize, trials: u64) -> bool {
        self.tallies.len() == designs
            && self.tallies.iter().all(|t| t.consistent(trials))
            && self.pairs.agrees_with(&self.tallies)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn time(duration: f64, lost: u32) -> TrialTime {
        TrialTime {
            duration,
            lost,
            suspended: duration / 2.0,
            waited: 0.0,
        }
    }

    #[test]
    fn sums_and_histogram_merge_and_round_trip() {
        let (mut a, mut b) = (TimeTally::default(), TimeTally::default());
        a.record(&time(100.25, 2));
        a.record(&time(100.75, 0));
        b.record(&time(250.0, 1));
        a.merge(&b);
        assert_eq!(a.trials(), 3);
        assert_eq!(
            a.duration.sum,
            u128::from(ticks(100.25) + ticks(100.75) + ticks(250.0))
        );
        assert_eq!(a.lost.sum_sq, 5);
        assert_eq!(a.histogram().collect::<Vec<_>>(), [(100, 2), (250, 1)]);
        assert!(a.consistent(3) && !a.consistent(4));
        let json = serde_json::to_string(&a).unwrap();
        assert!(json.len() < 500, "{json}");
        let back: TimeTally = serde_json::from_str(&json).unwrap();
        assert_eq!(back, a);
    }

    #[test]
    fn paired_sums_give_the_differences() {
        let durations = [[10.0, 12.0, 7.0], [20.0, 15.0, 7.5]];
        let mut times = vec![TimeTally::default(); 3];
        let mut pairs = DurationPairs::new(3);
        for trial in durations {
            for (d, &days) in trial.iter().enumerate() {
                times[d].record(&time(days, 0));
            }
            pairs.record(&trial.map(ticks));
        }
        assert!(pairs.agrees_with(&times));
        let (sum, sum_sq) = pairs.difference_sums(&times, 0, 1);
        let t = |d: f64| i128::from(ticks(d));
        assert_eq!(sum, t(10.0) - t(12.0) + t(20.0) - t(15.0));
        assert_eq!(
            sum_sq,
            (t(10.0) - t(12.0)).pow(2) + (t(20.0) - t(15.0)).pow(2)
        );
        let (sum, _) = pairs.difference_sums(&times, 1, 2);
        assert_eq!(sum, t(12.0) - t(7.0) + t(15.0) - t(7.5));
    }
}
