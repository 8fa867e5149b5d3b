//! The CRM's posterior for β, by quadrature on a grid fixed per design.
//!
//! The model's dose–toxicity curve and the prior fix everything but the
//! data, so the log-likelihood of one patient at dose d, ln p_d(β) or
//! ln(1 − p_d(β)), is tabulated once at every node; a posterior is then a sum
//! of counts times table entries per node and one `exp` per node that
//! matters — no transcendental function of the data.
//!
//! The rule is composite Gauss–Legendre, 8 nodes per panel, on [−R, R]. The
//! integrand is an entire function of β (p_d(β)^x (1 − p_d(β))^(n−x) with
//! integer exponents, times the normal prior), so each panel's error falls
//! like (H/σ)^16 for a posterior of width σ: panels of 1.5 times the
//! narrowest width `max_n` patients allow give E[β] to about 1e-13, which
//! the tests check against a brute-force integral. A panel boundary sits on
//! the cut β* of the safety rule, so P(β < β*) is a sum over whole panels
//! and as accurate as the mean. (dfcrm's `integrate` is good to about 1e-4:
//! its errors are deliberately not copied.)

use super::Model;

/// Gauss–Legendre nodes and weights of order 8 on [−1, 1], positive half.
const GAUSS_LEGENDRE: [(f64, f64); 4] = [
    (0.183_434_642_495_649_8, 0.362_683_783_378_362),
    (0.525_532_409_916_329, 0.313_706_645_877_887_3),
    (0.796_666_477_413_626_7, 0.222_381_034_453_374_5),
    (0.960_289_856_497_536_3, 0.101_228_536_290_376_3),
];

/// Panels whose centre's log-density is this far below the largest centre's
/// are skipped: their nodes lie at least ~42 below the top (so far from the
/// mode, a node is at most 0.75·sqrt(2 × 50) above its panel's centre), so
/// each adds less than e^−42 ≈ 6e-19 of the total.
const NEGLIGIBLE: f64 = 50.0;

/// Nodes per panel.
const ORDER: usize = 2 * GAUSS_LEGENDRE.len();

/// Most Fisher information about β one patient can carry, per model: the
/// maximum over p of p (ln p)² / (1 − p) (empiric, 0.648) and of
/// p (1 − p) (logit p − 3)² (logistic, 3.15), rounded up for the observed
/// information of data that disagree with the fit.
fn information_per_patient(model: Model) -> f64 {
    match model {
        Model::Empiric => 1.0,
        Model::Logistic => 3.5,
    }
}

/// The log-density of the posterior, up to a constant, tabulated at points
/// β_i: ln(weight × prior density), and ln p_d, ln(1 − p_d) per dose.
#[derive(Debug, Clone, Default)]
struct Table {
    doses: usize,
    log_prior: Vec<f64>,
    /// `[i * doses + d]`.
    log_p: Vec<f64>,
    log_q: Vec<f64>,
}

impl Table {
    fn push(&mut self, model: Model, scaled: &[f64], beta: f64, log_weight: f64, prior_sd: f64) {
        self.doses = scaled.len();
        self.log_prior
            .push(log_weight - 0.5 * (beta / prior_sd).powi(2));
        for &s in scaled {
            let (lp, lq) = model.log_probabilities(s, beta);
            self.log_p.push(lp);
            self.log_q.push(lq);
        }
    }

    /// The log-density at point `i` after `dlts[d]` DLTs and `others[d]`
    /// patients without at each dose.
    #[inline(always)]
    fn at(&self, i: usize, dlts: &[f64], others: &[f64]) -> f64 {
        let k = self.doses;
        let (lp, lq) = (&self.log_p[i * k..][..k], &self.log_q[i * k..][..k]);
        let mut l = self.log_prior[i];
        for d in 0..k {
            l += dlts[d] * lp[d] + others[d] * lq[d];
        }
        l
    }
}

/// The posterior of β given counts, for one design.
#[derive(Debug, Clone)]
pub struct Posterior {
    /// Quadrature nodes, ascending, [`ORDER`] to a panel.
    beta: Vec<f64>,
    nodes: Table,
    /// The panels' centres, where the search for the posterior's bulk looks.
    centres: Table,
    /// Nodes below the cut β*.
    below: usize,
}

/// What the data say about β.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Fit {
    /// E[β | data].
    pub mean: f64,
    /// P(β < β* | data), β* the cut the posterior was built with.
    pub below_cut: f64,
}

impl Posterior {
    /// The posterior under `model` with dose values `scaled` (the skeleton
    /// for the empiric model, logit(skeleton) − 3 for the logistic), prior
    /// β ~ Normal(0, `prior_sd`²), for data of at most `max_n` patients;
    /// [`Fit::below_cut`] is P(β < `cut`).
    pub fn new(model: Model, scaled: &[f64], prior_sd: f64, max_n: u32, cut: f64) -> Self {
        let range = 10.0 + 10.0 * prior_sd;
        let narrowest = 1.0 / (f64::from(max_n.max(1)) * information_per_patient(model)).sqrt();
        let panel = (1.5 * narrowest).min(prior_sd);
        // Panels tile [first, first + panels × panel] ⊇ [−range, range]
        // with one boundary on the cut when it lies inside the range.
        let anchor = if cut.is_finite() {
            cut.clamp(-range, range)
        } else {
            0.0
        };
        let first = anchor - ((anchor + range) / panel).ceil() * panel;
        let panels = ((range - first) / panel).ceil() as usize;
        let half = 0.5 * panel;
        let mut beta = Vec::with_capacity(ORDER * panels);
        let (mut nodes, mut centres) = (Table::default(), Table::default());
        for j in 0..panels {
            let centre = first + (j as f64 + 0.5) * panel;
            centres.push(model, scaled, centre, 0.0, prior_sd);
            let rule = GAUSS_LEGENDRE
                .iter()
                .rev()
                .map(|&(t, w)| (-t, w))
                .chain(GAUSS_LEGENDRE);
            for (t, w) in rule {
                let b = centre + half * t;
                beta.push(b);
                nodes.push(model, scaled, b, (w * half).ln(), prior_sd);
            }
        }
        let below = if cut == f64::INFINITY {
            beta.len()
        } else {
            beta.partition_point(|&b| b < cut)
        };
        Posterior {
            beta,
            nodes,
            centres,
            below,
        }
    }

    /// Number of quadrature nodes.
    pub fn nodes(&self) -> usize {
        self.beta.len()
    }

    /// The posterior after `x[d]` DLTs among `n[d]` patients at each dose.
    pub fn fit(&self, n: &[u32], x: &[u32]) -> Fit {
        let k = self.nodes.doses;
        let mut dlts = [0.0; crate::truth::MAX_DOSES];
        let mut others = [0.0; crate::truth::MAX_DOSES];
        for d in 0..k {
            dlts[d] = f64::from(x[d]);
            others[d] = f64::from(n[d] - x[d]);
        }
        let (dlts, others) = (&dlts[..k], &others[..k]);
        // The panels that matter: from the first to the last whose centre
        // is within NEGLIGIBLE of the highest centre.
        let panels = self.beta.len() / ORDER;
        let centre = |j| self.centres.at(j, dlts, others);
        let top = (0..panels).map(centre).fold(f64::MIN, f64::max);
        let bulk = |j: &usize| centre(*j) > top - NEGLIGIBLE;
        let first = (0..panels).find(bulk).unwrap_or(0);
        let last = (0..panels).rev().find(bulk).unwrap_or(panels - 1);
        let (mut mass, mut first_moment, mut below) = (0.0, 0.0, 0.0);
        for i in first * ORDER..(last + 1) * ORDER {
            let w = (self.nodes.at(i, dlts, others) - top).exp();
            mass += w;
            first_moment += w * self.beta[i];
            if i < self.below {
                below += w;
            }
        }
        Fit {
            mean: first_moment / mass,
            below_cut: below / mass,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// E[β] and P(β < cut) by Simpson's rule on a fine grid over [−40, 40]
    /// with a node on the cut: slow, simple, and accurate to far below 1e-12
    /// for these smooth posteriors.
    fn brute_force(
        model: Model,
        scaled: &[f64],
        prior_sd: f64,
        n: &[u32],
        x: &[u32],
        cut: f64,
    ) -> (f64, f64) {
        let log_density = |b: f64| {
            let mut l = -0.5 * (b / prior_sd).powi(2);
            for d in 0..scaled.len() {
                let (lp, lq) = model.log_probabilities(scaled[d], b);
                l += f64::from(x[d]) * lp + f64::from(n[d] - x[d]) * lq;
            }
            l
        };
        let top = (-4000..=4000)
            .map(|i| log_density(f64::from(i) * 0.01))
            .fold(f64::MIN, f64::max);
        // ∫ over [a, b] of density and β × density.
        let simpson = |a: f64, b: f64| {
            let m = 200_000;
            let h = (b - a) / f64::from(2 * m);
            let (mut m0, mut m1) = (0.0, 0.0);
            for i in 0..=2 * m {
                let w = match i {
                    0 => 1.0,
                    i if i == 2 * m => 1.0,
                    i if i % 2 == 1 => 4.0,
                    _ => 2.0,
                };
                let beta = a + f64::from(i) * h;
                let f = (log_density(beta) - top).exp();
                m0 += w * f;
                m1 += w * f * beta;
            }
            (m0 * h / 3.0, m1 * h / 3.0)
        };
        let (lower, lower_beta) = simpson(-40.0, cut);
        let (upper, upper_beta) = simpson(cut, 40.0);
        let total = lower + upper;
        ((lower_beta + upper_beta) / total, lower / total)
    }

    #[test]
    fn no_data_gives_the_prior() {
        let p = Posterior::new(Model::Empiric, &[0.1, 0.2, 0.3], 1.16, 24, 0.5);
        let fit = p.fit(&[0; 3], &[0; 3]);
        assert!(fit.mean.abs() < 1e-14, "{fit:?}");
        // P(Z < 0.5 / 1.16) from the normal distribution function.
        let expected = 0.666_778_351_114_124_1;
        assert!((fit.below_cut - expected).abs() < 1e-12, "{fit:?}");
    }

    #[test]
    fn agrees_with_brute_force_integration() {
        let sd = 1.34f64.sqrt();
        let skeleton: [f64; 5] = [0.05, 0.12, 0.25, 0.40, 0.55];
        let logit: Vec<f64> = skeleton
            .iter()
            .map(|s| (s / (1.0 - s)).ln() - 3.0)
            .collect();
        // Data from agreeable to absurd, at the sample sizes of the
        // validation cases and beyond.
        let data: [(&[u32], &[u32]); 6] = [
            (&[3, 0, 0, 0, 0], &[0, 0, 0, 0, 0]),
            (&[3, 3, 3, 3, 0], &[0, 0, 1, 2, 0]),
            (&[24, 0, 0, 0, 0], &[24, 0, 0, 0, 0]),
            (&[0, 0, 0, 0, 24], &[0, 0, 0, 0, 0]),
            (&[6, 6, 6, 3, 3], &[6, 0, 0, 0, 3]),
            (&[40, 60, 60, 20, 20], &[1, 10, 20, 9, 13]),
        ];
        for (model, scaled) in [(Model::Empiric, &skeleton[..]), (Model::Logistic, &logit)] {
            for (n, x) in data {
                let max_n = n.iter().sum::<u32>();
                let cut = -0.3;
                let fit = Posterior::new(model, scaled, sd, max_n, cut).fit(n, x);
                let (mean, below) = brute_force(model, scaled, sd, n, x, cut);
                assert!(
                    (fit.mean - mean).abs() < 1e-11 && (fit.below_cut - below).abs() < 1e-11,
                    "{model:?} n {n:?} x {x:?}: {fit:?} against {mean}, {below}"
                );
            }
        }
    }
}
