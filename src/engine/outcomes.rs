//! From patients' tolerances to DLTs.
//!
//! Every simulated patient has a tolerance: a 53-bit uniform `u` read off the
//! random stream at the patient's position in the trial (see
//! [`crate::rng::Stream::tolerance`]). The patient has a DLT at dose `d` iff
//! `u < t_d`, with the threshold `t_d = ⌊p_d · 2^53⌋`. So:
//!
//! * precision does not run out: the hundredth patient at a dose is as
//!   exactly Bernoulli(p_d) as the first (one uniform per dose, cut finer by
//!   every cohort, would lose a bit or two per cohort);
//! * the j-th patient of a trial is the same person under every design and
//!   every truth compared on one seed — a patient who tolerates a dose under
//!   the 3+3 tolerates it under BOIN — so paired differences between designs
//!   are as precise as they can be, and for a fixed tolerance a more toxic
//!   dose never shows fewer DLTs;
//! * the optimal benchmark (every patient observed at every dose) reads the
//!   same tolerances.
//!
//! The one `f64` product per threshold is exact (a power-of-two scaling), so
//! thresholds, like draws, are the same on every machine.

use crate::truth::MAX_DOSES;

/// Width of the unit interval in draw units.
pub const ONE: u64 = 1 << 53;

/// The DLT thresholds of one truth's doses.
#[derive(Debug, Clone, Copy)]
pub struct Thresholds {
    t: [u64; MAX_DOSES],
}

impl Thresholds {
    /// Thresholds for these probabilities, each in [0, 1].
    pub fn new(p_dlt: &[f64]) -> Self {
        let mut t = [0; MAX_DOSES];
        for (t, &p) in t.iter_mut().zip(p_dlt) {
            debug_assert!((0.0..=1.0).contains(&p));
            *t = (p * ONE as f64) as u64;
        }
        Thresholds { t }
    }

    /// Whether a patient of tolerance `u` has a DLT at `dose`.
    #[inline(always)]
    pub fn dlt(&self, dose: usize, u: u64) -> bool {
        u < self.t[dose]
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
    fn thresholds_cut_the_unit_interval_at_p() {
        let t = Thresholds::new(&[0.0, 1.0, 0.5]);
        let top = ONE - 1;
        assert!(!t.dlt(0, 0) && !t.dlt(0, top));
        assert!(t.dlt(1, 0) && t.dlt(1, top));
        assert!(t.dlt(2, ONE / 2 - 1) && !t.dlt(2, ONE / 2));
    }

    #[test]
    fn binomial_pmf_sums_to_one() {
        for m in 1..=8 {
            let s: f64 = (0..=m).map(|j| binomial_pmf(m, j, 0.37)).sum();
            assert!((s - 1.0).abs() < 1e-12);
        }
    }
}
