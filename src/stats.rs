//! Statistics helpers: Beta tail probabilities with integer shapes and
//! weighted isotonic regression for the designs, and the spread of integer
//! sums for Monte Carlo standard errors.
//!
//! Pure functions, no allocation: the interval designs call them once per
//! simulated trial (isotonic regression) or while building their decision
//! tables (Beta tails).

/// Most values [`pava`] accepts: the number of doses a design may have.
pub const PAVA_MAX: usize = 32;

/// Natural logarithm of the binomial coefficient C(m, j), summed term by term.
/// Only used while building tables, so O(j) is fine; `ln` of small integers is
/// exact to an ulp, so the sum is accurate to about j ulps.
fn ln_choose(m: u32, j: u32) -> f64 {
    let j = j.min(m - j);
    (0..j)
        .map(|i| (f64::from(m - i) / f64::from(i + 1)).ln())
        .sum()
}

/// Sum of the Binomial(m, p) probabilities of j in `lo..=hi`.
///
/// Each term is formed in logs (exp(ln C + j ln p + (m − j) ln(1 − p))), so
/// nothing underflows to 0 before it is summed and a small tail keeps its
/// relative accuracy; summing the requested tail directly (rather than 1 minus
/// the other tail) keeps it accurate when it is tiny.
fn binomial_range(m: u32, p: f64, lo: u32, hi: u32) -> f64 {
    if lo > hi || lo > m {
        return 0.0;
    }
    let hi = hi.min(m);
    if p <= 0.0 {
        return if lo == 0 { 1.0 } else { 0.0 };
    }
    if p >= 1.0 {
        return if hi == m { 1.0 } else { 0.0 };
    }
    let (lp, lq) = (p.ln(), (-p).ln_1p());
    let mut ln_c = ln_choose(m, lo);
    let mut sum = 0.0;
    for j in lo..=hi {
        sum += (ln_c + f64::from(j) * lp + f64::from(m - j) * lq).exp();
        if j < m {
            ln_c += (f64::from(m - j) / f64::from(j + 1)).ln();
        }
    }
    sum.min(1.0)
}

/// R·Σv² − (Σv)² (≥ 0) of `r` values whose sum is `sum` and sum of squares
/// `sum_sq`: R² times their variance with divisor R. Exact in integers where
/// it fits in 128 bits, in floating point beyond (a duration's squared ticks
/// over 10^12 trials can exceed it).
pub fn spread(r: u64, sum: i128, sum_sq: i128) -> f64 {
    match (sum_sq.checked_mul(i128::from(r)), sum.checked_mul(sum)) {
        (Some(a), Some(b)) => (a - b).max(0) as f64,
        _ => ((sum_sq as f64) * (r as f64) - (sum as f64).powi(2)).max(0.0),
    }
}

/// The regularized incomplete Beta function I_x(a, b) — R's
/// `pbeta(x, a, b)` — for integer shapes a, b ≥ 1, by the identity
/// I_x(a, b) = P(Binomial(a + b − 1, x) ≥ a): a finite sum, accurate in
/// double to a few ulps per term. x outside [0, 1] is clamped.
pub fn beta_cdf_int(x: f64, a: u32, b: u32) -> f64 {
    debug_assert!(a >= 1 && b >= 1, "integer shapes must be at least 1");
    let m = a + b - 1;
    binomial_range(m, x.clamp(0.0, 1.0), a, m)
}

/// P(p > `target`) under the posterior Beta(1 + y, 1 + n − y) of a Beta(1, 1)
/// prior after `y` DLTs in `n` patients — R's
/// `1 - pbeta(target, y + 1, n - y + 1)` — computed directly as the lower
/// binomial tail P(Binomial(n + 1, target) ≤ y), which does not lose the
/// digits that 1 − I would near 1. Requires y ≤ n.
pub fn posterior_above(target: f64, y: u32, n: u32) -> f64 {
    debug_assert!(y <= n);
    binomial_range(n + 1, target.clamp(0.0, 1.0), 0, y)
}

/// Weighted isotonic (non-decreasing) regression of `values` in place, as R's
/// `Iso::pava` and the `pava` inside BOIN's `select.mtd` compute it: while
/// some adjacent pair of (pooled) values decreases, pool the *first* such pair
/// of level sets into one whose value is the weighted mean of its original
/// values with their original weights. In exact arithmetic this is the unique
/// isotonic regression; pooling in R's order keeps the floating-point result
/// close to R's too.
///
/// Works on fixed-size buffers (no allocation: it runs once per simulated
/// trial). Weights must be positive and finite.
///
/// # Panics
/// If `values` and `weights` differ in length or hold more than [`PAVA_MAX`]
/// entries: a caller's bug, not a data condition.
pub fn pava(values: &mut [f64], weights: &[f64]) {
    let len = values.len();
    assert!(
        len == weights.len() && len <= PAVA_MAX,
        "pava: {len} values, {} weights (at most {PAVA_MAX})",
        weights.len()
    );
    // Most calls (one per simulated trial) get estimates already in order.
    if values.windows(2).all(|w| w[1] >= w[0]) {
        return;
    }
    // Level sets, left to right: value, total weight, number of entries.
    let mut value = [0.0f64; PAVA_MAX];
    let mut weight = [0.0f64; PAVA_MAX];
    let mut size = [0usize; PAVA_MAX];
    value[..len].copy_from_slice(values);
    weight[..len].copy_from_slice(weights);
    size[..len].fill(1);
    let mut blocks = len;
    while let Some(i) = (0..blocks.saturating_sub(1)).find(|&i| value[i + 1] < value[i]) {
        let w = weight[i] + weight[i + 1];
        value[i] = (value[i] * weight[i] + value[i + 1] * weight[i + 1]) / w;
        weight[i] = w;
        size[i] += size[i + 1];
        value.copy_within(i + 2..blocks, i + 1);
        weight.copy_within(i + 2..blocks, i + 1);
        size.copy_within(i + 2..blocks, i + 1);
        blocks -= 1;
    }
    let mut at = 0;
    for b in 0..blocks {
        values[at..at + size[b]].fill(value[b]);
        at += size[b];
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(got: f64, want: f64, rel: f64) {
        assert!(
            (got - want).abs() <= rel * want.abs().max(1e-300),
            "got {got:e}, want {want:e}"
        );
    }

    #[test]
    fn beta_cdf_matches_closed_forms() {
        // I_x(1, 1) = x; I_x(2, 2) = 3x² − 2x³; I_x(a, 1) = x^a; I_x(1, b) = 1 − (1 − x)^b.
        close(beta_cdf_int(0.3, 1, 1), 0.3, 1e-15);
        close(beta_cdf_int(0.3, 2, 2), 3.0 * 0.09 - 2.0 * 0.027, 1e-14);
        close(beta_cdf_int(0.3, 4, 1), 0.3f64.powi(4), 1e-14);
        close(beta_cdf_int(0.25, 1, 7), 1.0 - 0.75f64.powi(7), 1e-14);
        assert_eq!(beta_cdf_int(0.0, 3, 4), 0.0);
        assert_eq!(beta_cdf_int(1.0, 3, 4), 1.0);
    }

    #[test]
    fn beta_cdf_matches_r() {
        // R: pbeta(0.3, 3, 5) = 0.3529305 = P(Bin(7, 0.3) ≥ 3)
        // = 1 − (0.7^7 + 7·0.3·0.7^6 + 21·0.09·0.7^5).
        let want =
            1.0 - (0.7f64.powi(7) + 7.0 * 0.3 * 0.7f64.powi(6) + 21.0 * 0.09 * 0.7f64.powi(5));
        close(beta_cdf_int(0.3, 3, 5), want, 1e-14);
        close(want, 0.3529305, 1e-7);
        // A tiny tail keeps its relative accuracy: I_0.01(40, 2) = 41·0.01^40·0.99 + 0.01^41.
        let tiny = 41.0 * 0.01f64.powi(40) * 0.99 + 0.01f64.powi(41);
        close(beta_cdf_int(0.01, 40, 2), tiny, 1e-12);
    }

    #[test]
    fn posterior_above_is_one_minus_pbeta() {
        // 3 DLTs of 3 at target 0.3: 1 − pbeta(0.3, 4, 1) = 1 − 0.3^4 = 0.9919.
        close(posterior_above(0.3, 3, 3), 1.0 - 0.0081, 1e-15);
        // 0 of 3: 1 − pbeta(0.3, 1, 4) = 0.7^4.
        close(posterior_above(0.3, 0, 3), 0.7f64.powi(4), 1e-14);
        for n in 1..40 {
            for y in 0..=n {
                let sum = posterior_above(0.27, y, n) + beta_cdf_int(0.27, y + 1, n - y + 1);
                close(sum, 1.0, 1e-13);
            }
        }
        // BOIN's elimination boundaries at target 0.3 (get.boundary): 3 of 3,
        // 4 of 6, 5 of 9, 7 of 12.
        for (n, y) in [(3, 3), (6, 4), (9, 5), (12, 7)] {
            assert!(posterior_above(0.3, y, n) > 0.95);
            assert!(posterior_above(0.3, y - 1, n) <= 0.95);
        }
    }

    #[test]
    fn pava_pools_the_first_violation() {
        let mut v = [1.0, 3.0, 2.0, 4.0];
        pava(&mut v, &[1.0; 4]);
        assert_eq!(v, [1.0, 2.5, 2.5, 4.0]);
        // Weighted: 3 > 0.5 pools to (3·1 + 0.5·2)/3 = 4/3, above 1: done.
        let mut v = [1.0, 3.0, 0.5];
        pava(&mut v, &[3.0, 1.0, 2.0]);
        for (x, w) in v.iter().zip([1.0, 4.0 / 3.0, 4.0 / 3.0]) {
            close(*x, w, 1e-15);
        }
        // Already monotone, equal neighbours are not pooled.
        let mut v = [0.1, 0.1, 0.2];
        pava(&mut v, &[1.0, 5.0, 1.0]);
        assert_eq!(v, [0.1, 0.1, 0.2]);
        // Decreasing: one block, the weighted mean.
        let mut v = [0.4, 0.3, 0.2, 0.1];
        pava(&mut v, &[1.0, 2.0, 3.0, 4.0]);
        for x in v {
            close(x, 2.0 / 10.0, 1e-15);
        }
        // Pool, then the pooled block violates against its left neighbour.
        // 0.5 > 0.1 pools to 0.3, below 0.4: pool again, (0.4 + 0.5 + 0.1)/3.
        let mut v = [0.4, 0.5, 0.1, 0.6, 0.55];
        pava(&mut v, &[1.0, 1.0, 1.0, 1.0, 1.0]);
        let want = [1.0 / 3.0, 1.0 / 3.0, 1.0 / 3.0, 0.575, 0.575];
        for (x, w) in v.iter().zip(want) {
            close(*x, w, 1e-15);
        }
        let mut empty: [f64; 0] = [];
        pava(&mut empty, &[]);
    }
}
