//! dfcrm's `getprior`: a skeleton calibrated by the indifference-interval
//! method of Lee & Cheung (2009). Dose `nu` gets the target; each
//! neighbour's guess is placed so that the two doses swap as the model's
//! choice exactly when the estimate at one of them crosses target ±
//! halfwidth. The arithmetic follows dfcrm 0.2-2.1 step for step, so the
//! values agree with R's to the last bit or two (`crm__getprior.json`).

use super::{LOGISTIC_INTERCEPT, Model};

/// `getprior(halfwidth, target, nu, nlevel = doses, model)`; `nu` is
/// 1-based. The caller checks that target ± halfwidth lie in (0, 1) and that
/// `nu` is a dose.
pub fn getprior(halfwidth: f64, target: f64, nu: usize, doses: usize, model: Model) -> Vec<f64> {
    let (lo, hi) = (target - halfwidth, target + halfwidth);
    // As R groups them: (t − h) / (1 − t + h) and (t + h) / (1 − t − h).
    let logit_lo = (lo / (1.0 - target + halfwidth)).ln() - LOGISTIC_INTERCEPT;
    let logit_hi = (hi / (1.0 - target - halfwidth)).ln() - LOGISTIC_INTERCEPT;
    // dfcrm's `dosescaled`, 0-based: dose nu − 1 holds the target's value;
    // the doses below it are found downwards, those above upwards.
    let mut scaled = vec![0.0; doses];
    let v = nu - 1;
    match model {
        Model::Empiric => {
            scaled[v] = target;
            for k in (1..=v).rev() {
                let b = (hi.ln() / scaled[k].ln()).ln();
                scaled[k - 1] = (lo.ln() / b.exp()).exp();
            }
            for k in v..doses - 1 {
                let b = (lo.ln() / scaled[k].ln()).ln();
                scaled[k + 1] = (hi.ln() / b.exp()).exp();
            }
            scaled
        }
        Model::Logistic => {
            scaled[v] = (target / (1.0 - target)).ln() - LOGISTIC_INTERCEPT;
            for k in (1..=v).rev() {
                let b = (logit_hi / scaled[k]).ln();
                scaled[k - 1] = logit_lo / b.exp();
            }
            for k in v..doses - 1 {
                let b = (logit_lo / scaled[k]).ln();
                scaled[k + 1] = logit_hi / b.exp();
            }
            scaled
                .iter()
                .map(|&x| 1.0 / (1.0 + (-LOGISTIC_INTERCEPT - x).exp()))
                .collect()
        }
    }
}
