//! One trial's clock: who comes when, who is enrolled, who is turned away,
//! and when each patient's result is known.

use super::{Draws, WhenSuspended};
use crate::engine::Thresholds;
use crate::rng::Stream;

/// What time did to one trial.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct TrialTime {
    /// Days from the first patient's arrival (day 0) to the last evaluation,
    /// when the MTD is declared.
    pub duration: f64,
    /// People who came before the trial ended and were never enrolled: with
    /// `lose`, those who came while accrual was suspended; with `wait`,
    /// those still queued at the end.
    pub lost: u32,
    /// Days during which a person coming would not have been enrolled at
    /// once: a cohort's wait for its results, the rolling six's suspensions,
    /// and the wait for pending results after the last enrolment.
    pub suspended: f64,
    /// Days the enrolled patients spent queued, in all (`wait` only).
    pub waited: f64,
}

/// The clock of one trial at a time, reused from trial to trial.
#[derive(Debug, Clone)]
pub struct Clock {
    draws: Draws,
    wait: bool,
    trial: u64,
    /// People who came so far (enrolled or lost): the next one's number.
    arrivals: u32,
    /// The day the next person comes.
    next_arrival: f64,
    /// Patients enrolled so far: the next one's number.
    enrolled: u32,
    /// Cohort designs: the day accrual reopens, when the last cohort's
    /// results are all in.
    open: f64,
    time: TrialTime,
}

impl Clock {
    pub fn new(draws: Draws, when_suspended: WhenSuspended) -> Self {
        Clock {
            draws,
            wait: when_suspended == WhenSuspended::Wait,
            trial: 0,
            arrivals: 0,
            next_arrival: 0.0,
            enrolled: 0,
            open: 0.0,
            time: TrialTime::default(),
        }
    }

    /// Starts trial `trial`: its first person comes on day 0.
    #[inline]
    pub fn start(&mut self, trial: u64) {
        self.trial = trial;
        self.arrivals = 0;
        self.next_arrival = 0.0;
        self.enrolled = 0;
        self.open = 0.0;
        self.time = TrialTime::default();
    }

    /// The next person has come (or been turned away).
    #[inline]
    fn advance(&mut self) {
        self.arrivals += 1;
        self.next_arrival += self.draws.gap(self.trial, self.arrivals);
    }

    /// The day the next patient could start, accrual being open from day
    /// `open`: the next person to come from then on (`lose`: those who came
    /// before are lost) or the first in the queue (`wait`: at `open` if they
    /// came before it).
    #[inline]
    pub fn next_start(&mut self, open: f64) -> f64 {
        if self.wait {
            self.next_arrival.max(open)
        } else {
            while self.next_arrival < open {
                self.time.lost += 1;
                self.advance();
            }
            self.next_arrival
        }
    }

    /// Enrols the next patient, accrual being open from day `open`: returns
    /// the patient's number and the day treatment starts.
    #[inline]
    pub fn enrol(&mut self, open: f64) -> (u32, f64) {
        let start = self.next_start(open);
        self.time.waited += start - self.next_arrival;
        let patient = self.enrolled;
        self.enrolled += 1;
        self.advance();
        (patient, start)
    }

    /// The day patient `patient`, started on day `start`, is evaluated: at
    /// its DLT if it has one (`dlt`), else at the end of the window.
    #[inline]
    pub fn evaluated(&self, patient: u32, start: f64, dlt: bool) -> f64 {
        start
            + if dlt {
                self.draws.dlt_day(self.trial, patient)
            } else {
                self.draws.window()
            }
    }

    /// Adds `days` with accrual suspended.
    #[inline]
    pub fn suspend(&mut self, days: f64) {
        self.time.suspended += days;
    }

    /// A cohort design's cohort: `patients` enrolled at `dose` as they come,
    /// then accrual suspended until every one of them is evaluated.
    #[inline]
    pub fn cohort(&mut self, dose: usize, patients: u32, thresholds: &Thresholds, stream: &Stream) {
        let (mut last_start, mut done) = (self.open, self.open);
        for _ in 0..patients {
            let (patient, start) = self.enrol(self.open);
            let dlt = thresholds.dlt(dose, stream.tolerance(self.trial, patient));
            done = done.max(self.evaluated(patient, start, dlt));
            last_start = start;
        }
        self.suspend(done - last_start);
        self.open = done;
    }

    /// Ends a cohort design's trial after its last cohort.
    #[inline]
    pub fn finish_cohorts(&mut self) -> TrialTime {
        self.finish(self.open)
    }

    /// Ends the trial on day `end`: everyone who came before and was not
    /// enrolled is lost to it.
    #[inline]
    pub fn finish(&mut self, end: f64) -> TrialTime {
        while self.next_arrival < end {
            self.time.lost += 1;
            self.advance();
        }
        self.time.duration = end;
        self.time
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Arrivals, DltTime, Timing};
    use super::*;

    fn clock(mean_days: f64, when_suspended: WhenSuspended) -> Clock {
        let timing = Timing {
            arrivals: Arrivals::Fixed { mean_days },
            dlt_window_days: 28.0,
            dlt_time: DltTime::Uniform,
            when_suspended,
        };
        Clock::new(Draws::new(&timing, Stream::new(1)), when_suspended)
    }

    /// Fixed gaps of 10 days, a 28-day window, no DLT (p = 0): a cohort of
    /// three enrols on days 0, 10, 20 and is evaluated on day 48; the next
    /// person comes on day 50 (those of days 30 and 40 are lost), so the
    /// second cohort enrols on days 50, 60, 70 and ends on day 98.
    #[test]
    fn two_cohorts_of_three_by_hand() {
        let thresholds = Thresholds::new(&[0.0]);
        let stream = Stream::new(1);
        let mut lose = clock(10.0, WhenSuspended::Lose);
        lose.start(0);
        lose.cohort(0, 3, &thresholds, &stream);
        lose.cohort(0, 3, &thresholds, &stream);
        let time = lose.finish_cohorts();
        assert_eq!(
            time,
            TrialTime {
                duration: 98.0,
                // Days 30, 40, then 80 and 90 after the last enrolment.
                lost: 4,
                suspended: 28.0 + 28.0,
                waited: 0.0,
            }
        );
        // Waiting, the people of days 30 and 40 start on day 48 (waiting 18
        // and 8 days) and the one of day 50 on arrival: the second cohort
        // ends on day 78, with those of 60 and 70 queued.
        let mut wait = clock(10.0, WhenSuspended::Wait);
        wait.start(0);
        wait.cohort(0, 3, &thresholds, &stream);
        wait.cohort(0, 3, &thresholds, &stream);
        let time = wait.finish_cohorts();
        assert_eq!(
            time,
            TrialTime {
                duration: 78.0,
                lost: 2,
                suspended: 28.0 + 28.0,
                waited: 18.0 + 8.0,
            }
        );
    }

    /// With p = 1 every patient's DLT comes at its own DLT time, and the
    /// cohort ends at the latest of them.
    #[test]
    fn a_cohort_ends_at_its_last_result() {
        let thresholds = Thresholds::new(&[1.0]);
        let stream = Stream::new(1);
        let mut c = clock(10.0, WhenSuspended::Lose);
        c.start(4);
        c.cohort(0, 3, &thresholds, &stream);
        let time = c.finish_cohorts();
        let draws = c.draws;
        let want = (0..3)
            .map(|j| 10.0 * f64::from(j) + draws.dlt_day(4, j))
            .fold(0.0, f64::max);
        assert_eq!(time.duration, want);
        assert_eq!(time.suspended, want - 20.0);
    }
}
