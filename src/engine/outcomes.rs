//! From uniforms to DLT counts.
//!
//! Each (trial, dose) has **one** 53-bit uniform `u` (see [`crate::rng`]). The
//! first cohort at the dose reads its number of DLTs off `u` by inverting the
//! Binomial(size, p) distribution function; every later cohort at the same dose
//! reads the position of `u` *within* the interval the previous outcome
//! occupied, which is again uniform and independent of that outcome. So:
//!
//! * one hash per dose, however many cohorts the dose receives and however far
//!   apart in the trial they come (an expansion after de-escalation reads the
//!   same `u` as an immediate one);
//! * two designs that treat the same cohort at the same dose see the same DLTs,
//!   and for a fixed `u` a more toxic dose never shows fewer DLTs — designs and
//!   truths compared on one seed are coupled as tightly as possible;
//! * the fast A+B path can precompute, per dose, which `u` lead to which visit
//!   outcome, using exactly this arithmetic, and so agree with the generic path
//!   to the bit.
//!
//! All interval arithmetic is integer except one `f64` product per threshold,
//! which is deterministic under IEEE 754.

use crate::design::MAX_COHORT;

/// Width of the unit interval in draw units.
pub const ONE: u64 = 1 << 53;

/// The part of [0, 1) still consistent with what has been seen at one dose:
/// `[lo, lo + width)` in units of 2^-53.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Interval {
    pub lo: u64,
    pub width: u64,
}

impl Interval {
    pub const UNIT: Interval = Interval { lo: 0, width: ONE };

    /// Where the fraction `f` of this interval ends.
    #[inline(always)]
    fn cut(&self, f: f64) -> u64 {
        self.lo + (self.width as f64 * f) as u64
    }
}

/// Binomial distribution functions for every dose and cohort size.
#[derive(Debug, Clone)]
pub struct CohortOutcomes {
    num_doses: usize,
    /// `[size - 1][dose][j]` = P(X ≤ j), X ~ Binomial(size, p_dose); 1 for j ≥ size.
    cdf: Vec<[f64; MAX_COHORT as usize + 1]>,
}

impl CohortOutcomes {
    pub fn new(p_dlt: &[f64]) -> Self {
        let mut cdf = Vec::with_capacity(MAX_COHORT as usize * p_dlt.len());
        for size in 1..=MAX_COHORT {
            for &p in p_dlt {
                let mut row = [1.0; MAX_COHORT as usize + 1];
                let mut acc = 0.0;
                for (j, f) in row.iter_mut().enumerate().take(size as usize) {
                    acc += binomial_pmf(size, j as u32, p);
                    *f = acc.min(1.0);
                }
                cdf.push(row);
            }
        }
        CohortOutcomes {
            num_doses: p_dlt.len(),
            cdf,
        }
    }

    #[inline(always)]
    fn row(&self, size: u32, dose: usize) -> &[f64; MAX_COHORT as usize + 1] {
        &self.cdf[(size as usize - 1) * self.num_doses + dose]
    }

    /// DLTs among `size` patients at `dose` when the dose's uniform is `u`
    /// and `within` is what earlier cohorts there left of [0, 1); returns them
    /// with the sub-interval this outcome leaves for the next cohort.
    #[inline]
    pub fn cohort(&self, size: u32, dose: usize, within: Interval, u: u64) -> (u32, Interval) {
        debug_assert!(u >= within.lo && u - within.lo < within.width);
        let row = self.row(size, dose);
        let mut x = 0;
        let mut lo = within.lo;
        while x < size {
            let hi = within.cut(row[x as usize]);
            if u < hi {
                break;
            }
            lo = hi;
            x += 1;
        }
        let hi = if x == size {
            within.lo + within.width
        } else {
            within.cut(row[x as usize])
        };
        (x, Interval { lo, width: hi - lo })
    }

    /// The sub-interval of `within` where a cohort of `size` at `dose` shows
    /// exactly `x` DLTs — the same arithmetic as [`Self::cohort`].
    pub fn outcome_interval(&self, size: u32, dose: usize, within: Interval, x: u32) -> Interval {
        let row = self.row(size, dose);
        let lo = if x == 0 {
            within.lo
        } else {
            within.cut(row[x as usize - 1])
        };
        let hi = if x == size {
            within.lo + within.width
        } else {
            within.cut(row[x as usize])
        };
        Interval { lo, width: hi - lo }
    }
}

/// P(X = j) for X ~ Binomial(m, p); exact at p = 0 and p = 1.
pub fn binomial_pmf(m: u32, j: u32, p: f64) -> f64 {
    let choose = (0..j).fold(1.0, |c, i| c * (m - i) as f64 / (i + 1) as f64);
    choose * p.powi(j as i32) * (1.0 - p).powi((m - j) as i32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inverts_the_binomial() {
        let o = CohortOutcomes::new(&[0.0, 1.0, 0.5]);
        let top = ONE - 1;
        let first = |dose, u| o.cohort(3, dose, Interval::UNIT, u).0;
        assert_eq!((first(0, 0), first(0, top)), (0, 0));
        assert_eq!((first(1, 0), first(1, top)), (3, 3));
        // Binomial(3, 1/2): P(0) = 1/8, P(≤1) = 1/2, P(≤2) = 7/8.
        let at = |f: f64| (f * ONE as f64) as u64;
        assert_eq!(first(2, at(0.125) - 1), 0);
        assert_eq!(first(2, at(0.125)), 1);
        assert_eq!(first(2, at(0.5)), 2);
        assert_eq!(first(2, at(0.875)), 3);
    }

    #[test]
    fn later_cohorts_read_the_residual_uniform() {
        let o = CohortOutcomes::new(&[0.5]);
        // First cohort of 3 shows 1 DLT on [1/8, 1/2); a second cohort of 1
        // shows 0 on the lower half of that, [1/8, 5/16).
        let at = |f: f64| (f * ONE as f64) as u64;
        let (x1, rest) = o.cohort(3, 0, Interval::UNIT, at(0.2));
        assert_eq!(x1, 1);
        assert_eq!(
            rest,
            Interval {
                lo: at(0.125),
                width: at(0.375)
            }
        );
        assert_eq!(o.cohort(1, 0, rest, at(0.3125) - 1).0, 0);
        assert_eq!(o.cohort(1, 0, rest, at(0.3125)).0, 1);
    }

    #[test]
    fn outcome_intervals_tile_the_parent() {
        let o = CohortOutcomes::new(&[0.3]);
        let parent = Interval {
            lo: 1000,
            width: 1 << 40,
        };
        let mut next = parent.lo;
        for x in 0..=4 {
            let i = o.outcome_interval(4, 0, parent, x);
            assert_eq!(i.lo, next);
            assert_eq!(o.cohort(4, 0, parent, i.lo), (x, i));
            next = i.lo + i.width;
        }
        assert_eq!(next, parent.lo + parent.width);
    }

    #[test]
    fn binomial_pmf_sums_to_one() {
        for m in 1..=8 {
            let s: f64 = (0..=m).map(|j| binomial_pmf(m, j, 0.37)).sum();
            assert!((s - 1.0).abs() < 1e-12);
        }
    }
}
