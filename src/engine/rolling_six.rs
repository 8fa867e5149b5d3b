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

/// The next results are known — every one due on the next result's day,
/// so no decision sees half of a day's results: counted at their doses and
/// taken off the list, which is kept latest first.
fn learn(known: &mut [Known], pending: &mut Vec<Pending>) {
    let Some(day) = pending.last().map(|p| p.day) else {
        return;
    };
    while let Some(&result) = pending.last().filter(|p| p.day == day) {
        pending.pop();
        let at = &mut known[result.dose];
        if result.dlt {
            at.dlts += 1;
        } else {
            at.clear += 1;
        }
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
        // The day of the next result: the list is kept latest first.
        let next_result = |pending: &[Pending]| pending.last().map(|p| p.day);
        loop {
            match design.next(&known[..k], &mut current) {
                Step::Stop => {
                    // Accrual closes; the trial ends with the last result.
                    let end = pending.first().map_or(now, |p| p.day.max(now));
                    clock.suspend(end - now);
                    let time = clock.finish(end);
                    self.ending = design.mtd(&self.n[..k], &self.x[..k]);
                    self.pending = pending;
                    return (self.ending, time);
                }
                Step::Suspend => {
                    let Some(day) = next_result(&pending) else {
                        unreachable!("Table 1 suspends only with results pending")
                    };
                    clock.suspend(day - now);
                    now = day;
                    learn(&mut known, &mut pending);
                }
                Step::Enrol(dose) => {
                    let start = clock.next_start(now);
                    debug_assert!(known[dose].enrolled < SIX, "a seventh patient at a dose");
                    match next_result(&pending) {
                        // A result known by the time the patient could
                        // start (on the same day included) comes first: it
                        // may change the decision.
                        Some(day) if day <= start => {
                            now = day;
                            learn(&mut known, &mut pending);
                        }
                        _ => {
                            let (patient, start) = clock.enrol(now);
                            let dlt = thresholds.dlt(dose, stream.tolerance(trial, patient));
                            let result = Pending {
                                day: clock.evaluated(patient, start, dlt),
                                dose,
                                dlt,
                            };
                            // Latest first (a result due on the same day as
                            // an earlier one after it): a few swaps, cheaper
                            // than `insert`'s memmove call.
                            pending.push(result);
                            let mut at = pending.len() - 1;
                            while at > 0 && pending[at - 1].day <= result.day {
                                pending.swap(at - 1, at);
                                at -= 1;
                            }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::design::StopReason;
    use crate::time::{Arrivals, DltTime, Draws, Timing, WhenSuspended};

    /// No DLT anywhere, a person every 10 days, a 28-day window: by hand,
    /// dose 1 enrols on days 0–40 (a result every 10 days from day 28 lets
    /// the 4th and 5th in), its third clearance on day 48 lets day 50's
    /// person go to dose 2; likewise dose 2 on days 50–90 and dose 3 from
    /// day 100. Dose 3's third clearance, day 148, is an escalation from
    /// the top dose: accrual ends, the last two pending results come on
    /// days 158 and 168, and the persons of days 150 and 160 are lost.
    #[test]
    fn a_trial_without_dlts_by_hand() {
        let timing = Timing {
            arrivals: Arrivals::Fixed { mean_days: 10.0 },
            dlt_window_days: 28.0,
            dlt_time: DltTime::Uniform,
            when_suspended: WhenSuspended::Lose,
        };
        let stream = Stream::new(1);
        let mut clock = Clock::new(Draws::new(&timing, stream), timing.when_suspended);
        let mut state = TrialState::new(0);
        let thresholds = Thresholds::new(&[0.0; 3]);
        let (ending, time) =
            state.rolling_six(&RollingSix::new(3, 0), &mut clock, &thresholds, &stream, 0);
        assert_eq!(ending, (Some(2), StopReason::RuleEnd));
        assert_eq!(state.end().n[..3], [5, 5, 5]);
        assert_eq!(
            time,
            TrialTime {
                duration: 168.0,
                lost: 2,
                suspended: 20.0,
                waited: 0.0,
            }
        );
    }
}
