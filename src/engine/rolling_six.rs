//! One rolling-six trial, event by event on its clock: each person who comes
//! is enrolled, turned away or queued by the design's rule for the data known
//! at that moment, and each result arrives at its own time.

use super::generic::{Ending, TrialState};
use super::outcomes::Thresholds;
use crate::design::rolling_six::{Known, SIX, Step};
use crate::design::{Design, RollingSix};
use crate::rng::Stream;
use crate::time::{Clock, TrialTime};
use crate::truth::MAX_DOSES;

/// A patient whose result is not yet known.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Pending {
    day: f64,
    dose: usize,
    dlt: bool,
}

/// Result `i` of the pending ones is known: counted at its dose and taken
/// off the list.
fn learn(known: &mut [Known], pending: &mut Vec<Pending>, i: usize) {
    let result = pending.swap_remove(i);
    let at = &mut known[result.dose];
    if result.dlt {
        at.dlts += 1;
    } else {
        at.clear += 1;
    }
}

impl TrialState {
    /// Runs trial `trial` of the rolling six on `clock`.
    pub fn rolling_six(
        &mut self,
        design: &RollingSix,
        clock: &mut Clock,
        thresholds: &Thresholds,
        stream: &Stream,
        trial: u64,
    ) -> (Ending, TrialTime) {
        self.clear();
        clock.start(trial);
        let k = design.num_doses();
        let mut known = [Known::default(); MAX_DOSES];
        // Kept from trial to trial: no allocation once it has grown.
        let mut pending = std::mem::take(&mut self.pending);
        pending.clear();
        let mut current = design.start_dose();
        // The day of the last event: an enrolment or a result.
        let mut now = 0.0f64;
        // The next result: its index in `pending` and its day.
        let next_result = |pending: &[Pending]| {
            pending
                .iter()
                .enumerate()
                .min_by(|a, b| a.1.day.total_cmp(&b.1.day))
                .map(|(i, p)| (i, p.day))
        };
        loop {
            match design.next(&known[..k], &mut current) {
                Step::Stop => {
                    // Accrual closes; the trial ends with the last result.
                    let end = pending.iter().fold(now, |e, p| e.max(p.day));
                    clock.suspend(end - now);
                    let time = clock.finish(end);
                    self.ending = design.mtd(&self.n[..k], &self.x[..k]);
                    self.pending = pending;
                    return (self.ending, time);
                }
                Step::Suspend => {
                    let Some((i, day)) = next_result(&pending) else {
                        unreachable!("Table 1 suspends only with results pending")
                    };
                    clock.suspend(day - now);
                    now = day;
                    learn(&mut known, &mut pending, i);
                }
                Step::Enrol(dose) => {
                    let start = clock.next_start(now);
                    debug_assert!(known[dose].enrolled < SIX, "a seventh patient at a dose");
                    match next_result(&pending) {
                        // A result known by the time the patient could
                        // start (on the same day included) comes first: it
                        // may change the decision.
                        Some((i, day)) if day <= start => {
                            now = day;
                            learn(&mut known, &mut pending, i);
                        }
                        _ => {
                            let (patient, start) = clock.enrol(now);
                            let dlt = thresholds.dlt(dose, stream.tolerance(trial, patient));
                            pending.push(Pending {
                                day: clock.evaluated(patient, start, dlt),
                                dose,
                                dlt,
                            });
                            known[dose].enrolled += 1;
                            self.add(dose, 1, u32::from(dlt));
                            now = start;
                        }
                    }
                }
            }
        }
    }
}
