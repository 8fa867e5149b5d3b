//! The optimal benchmark's exact tally: its selection probabilities (see
//! [`Benchmark::selection`]), each recorded as a trial that treated nobody.

use super::ExactError;
use crate::design::{Benchmark, Design, StopReason};
use crate::engine::shape_of;
use crate::tally::{Tally, TrialEnd};
use crate::truth::{MAX_DOSES, Truth};

/// The exact [`Tally<f64>`] of `benchmark` on `truth`; doses with true p >
/// `target` over-dose.
pub fn exact_benchmark(
    benchmark: &Benchmark,
    truth: &Truth,
    target: f64,
) -> Result<Tally<f64>, ExactError> {
    let k = benchmark.num_doses();
    if k != truth.num_doses() {
        return Err(ExactError::DoseCountMismatch {
            design: k,
            truth: truth.num_doses(),
        });
    }
    let mut tally = Tally::new(shape_of(benchmark));
    let nobody = [0; MAX_DOSES];
    let overdose = truth.overdose_mask(target);
    for (dose, mass) in benchmark.selection(truth).into_iter().enumerate() {
        if mass > 0.0 {
            let end = TrialEnd::counted(
                (&nobody, &nobody),
                k,
                overdose,
                Some(dose),
                StopReason::RuleEnd,
            );
            tally.record(&end, mass);
        }
    }
    Ok(tally)
}
