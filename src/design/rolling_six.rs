//! The rolling six (Skolnik et al. 2008, J Clin Oncol 26:190–195): the 3+3's
//! rules, but two to six patients may be on a dose at once while earlier
//! results are pending, so accrual is suspended only when six are enrolled
//! and the data do not yet allow a decision.
//!
//! The design differs from the 3+3 only in time, so it runs only under a
//! scenario's `[timing]` (see [`crate::time`]), patient by patient, on the
//! engine's event loop. What it decides for the next patient is a function of
//! the counts at the current dose — Skolnik et al.'s Table 1
//! ([`table`]) — and of their footnotes, which say what happens at the edges
//! ([`RollingSix::next`]).

use super::{Decision, Design, MAX_SAMPLE_SIZE, Observed, StopReason};

/// Patients one dose may hold.
pub const SIX: u32 = 6;

/// A row decision of Table 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TableDecision {
    /// Enrol the next patient at the same dose.
    Stay,
    Escalate,
    DeEscalate,
    /// Six enrolled and the data do not allow a decision: accrual waits.
    Suspend,
}

/// Skolnik et al. 2008, Table 1: the decision for the next patient from the
/// patients `enrolled` at the current dose, those with a DLT (`dlts`), and
/// those whose DLT window is still running (`pending`); the rest were
/// evaluated without DLT. Its rows, in the paper's notation, are the test
/// `skolnik_table_1_row_by_row`:
/// * two or more DLTs: de-escalate;
/// * no DLT in three or more evaluated patients, or one DLT in six patients
///   all evaluated: escalate;
/// * otherwise the same dose while fewer than six are enrolled, and suspend
///   at six.
pub fn table(enrolled: u32, dlts: u32, pending: u32) -> TableDecision {
    debug_assert!(dlts + pending <= enrolled && enrolled <= SIX);
    let clear = enrolled - dlts - pending;
    if dlts >= 2 {
        TableDecision::DeEscalate
    } else if (dlts == 0 && clear >= 3) || (dlts == 1 && clear >= 5) {
        TableDecision::Escalate
    } else if enrolled < SIX {
        TableDecision::Stay
    } else {
        TableDecision::Suspend
    }
}

/// What the trial does when the next patient comes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// Enrol the patient at this dose (0-based).
    Enrol(usize),
    /// Accrual is suspended until the next result.
    Suspend,
    /// Accrual closes for good; the MTD is chosen once every pending patient
    /// is evaluated ([`RollingSix::mtd`]).
    Stop,
}

/// What the design knows at a dose: patients enrolled, DLTs seen, and
/// patients evaluated without DLT.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Known {
    pub enrolled: u32,
    pub dlts: u32,
    pub clear: u32,
}

impl Known {
    pub fn pending(&self) -> u32 {
        self.enrolled - self.dlts - self.clear
    }
}

/// The rolling six on `num_doses` doses, starting at `start_dose` (0-based).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RollingSix {
    num_doses: usize,
    start_dose: usize,
}

impl RollingSix {
    pub fn new(num_doses: usize, start_dose: usize) -> Self {
        debug_assert!(start_dose < num_doses);
        RollingSix {
            num_doses,
            start_dose,
        }
    }

    pub fn start_dose(&self) -> usize {
        self.start_dose
    }

    /// The step for the next patient, the trial being at dose `*current`
    /// with `known` per dose; moves `*current` when the dose changes. Table
    /// 1 decides at the current dose, and its footnotes at the edges:
    /// * a dose with two or more DLTs is too toxic, and so is every dose
    ///   above it (a pending patient at a lower dose may reveal this after
    ///   the trial has moved up); the trial moves to the highest dose below,
    ///   where, if six are already enrolled, "the MTD has been defined"
    ///   (stop), and below the lowest dose the trial stops with no MTD;
    /// * escalating from the highest dose: "the recommended dose has been
    ///   reached" (stop);
    /// * escalating into a dose known too toxic: the current dose is filled
    ///   to six, as the 3+3 confirms an MTD on six, then the trial stops.
    pub fn next(&self, known: &[Known], current: &mut usize) -> Step {
        let allowed = lowest_too_toxic(known).unwrap_or(self.num_doses);
        if *current >= allowed {
            let Some(below) = allowed.checked_sub(1) else {
                return Step::Stop;
            };
            *current = below;
            return if known[below].enrolled >= SIX {
                Step::Stop
            } else {
                Step::Enrol(below)
            };
        }
        let at = known[*current];
        match table(at.enrolled, at.dlts, at.pending()) {
            // Two DLTs make the dose too toxic: handled above.
            TableDecision::DeEscalate => unreachable!("a too toxic dose is left above"),
            TableDecision::Stay => Step::Enrol(*current),
            TableDecision::Suspend => Step::Suspend,
            TableDecision::Escalate if *current + 1 == self.num_doses => Step::Stop,
            TableDecision::Escalate if *current + 1 == allowed => {
                if at.enrolled >= SIX {
                    Step::Stop
                } else {
                    Step::Enrol(*current)
                }
            }
            TableDecision::Escalate => {
                *current += 1;
                Step::Enrol(*current)
            }
        }
    }

    /// The MTD once every patient is evaluated, from `n` patients and `x`
    /// DLTs per dose: the highest dose below every dose with two or more
    /// DLTs where no DLT was seen in three or more patients, or one in six —
    /// the 3+3's acceptable doses; none, and why the trial ended.
    pub fn mtd(&self, n: &[u32], x: &[u32]) -> (Option<usize>, StopReason) {
        let k = self.num_doses;
        let allowed = (0..k).find(|&d| x[d] >= 2).unwrap_or(k);
        if allowed == 0 {
            return (None, StopReason::Safety);
        }
        let acceptable = |d: usize| (x[d] == 0 && n[d] >= 3) || (x[d] == 1 && n[d] == SIX);
        (
            (0..allowed).rev().find(|&d| acceptable(d)),
            StopReason::RuleEnd,
        )
    }
}

/// The lowest dose with two or more DLTs seen.
fn lowest_too_toxic(known: &[Known]) -> Option<usize> {
    known.iter().position(|k| k.dlts >= 2)
}

/// A design only in name outside time: engines that run designs cohort by
/// cohort stop with an error (it treats nobody), and the timed engine runs
/// it through [`Design::as_rolling_six`].
impl Design for RollingSix {
    fn num_doses(&self) -> usize {
        self.num_doses
    }

    fn max_cohort(&self) -> u32 {
        1
    }

    fn max_patients_per_dose(&self) -> u32 {
        SIX
    }

    fn max_sample_size(&self) -> u32 {
        (SIX * self.num_doses as u32).min(MAX_SAMPLE_SIZE)
    }

    fn start(&self) -> Decision {
        Decision::Treat {
            dose: self.start_dose,
            patients: 0,
        }
    }

    fn decide(&self, _seen: &Observed<'_>) -> Decision {
        self.start()
    }

    fn as_rolling_six(&self) -> Option<&RollingSix> {
        Some(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Skolnik et al. 2008, Table 1, row by row: patients enrolled, with
    /// DLT, without DLT (evaluated), with data pending, and the decision. A
    /// row lists the values its cells allow; every combination of them is
    /// checked, and every combination a dose can hold is in some row.
    #[test]
    fn skolnik_table_1_row_by_row() {
        use TableDecision::*;
        type Row = (
            u32,
            &'static [u32],
            &'static [u32],
            &'static [u32],
            TableDecision,
        );
        // Without DLT counts only evaluated patients; enrolled = with DLT +
        // without DLT + pending, which filters the combinations listed.
        // Rows for 0 and 1 enrolled (the first two patients of a dose are
        // enrolled at once) precede the paper's rows from 2.
        const ROWS: [Row; 21] = [
            (0, &[0], &[0], &[0], Stay),
            (1, &[0, 1], &[0, 1], &[0, 1], Stay),
            (2, &[0, 1], &[0, 1, 2], &[0, 1, 2], Stay),
            (2, &[2], &[0], &[0], DeEscalate),
            (3, &[0], &[0, 1, 2], &[1, 2, 3], Stay),
            (3, &[1], &[0, 1, 2], &[0, 1, 2], Stay),
            (3, &[0], &[3], &[0], Escalate),
            (3, &[2, 3], &[0, 1], &[0, 1], DeEscalate),
            (4, &[0], &[0, 1, 2], &[2, 3, 4], Stay),
            (4, &[1], &[0, 1, 2, 3], &[0, 1, 2, 3], Stay),
            (4, &[0], &[3, 4], &[0, 1], Escalate),
            (4, &[2, 3, 4], &[0, 1, 2], &[0, 1, 2], DeEscalate),
            (5, &[0], &[0, 1, 2], &[3, 4, 5], Stay),
            (5, &[1], &[0, 1, 2, 3, 4], &[0, 1, 2, 3, 4], Stay),
            (5, &[0], &[3, 4, 5], &[0, 1, 2], Escalate),
            (5, &[2, 3, 4, 5], &[0, 1, 2, 3], &[0, 1, 2, 3], DeEscalate),
            (6, &[0], &[0, 1, 2], &[4, 5, 6], Suspend),
            (6, &[1], &[0, 1, 2, 3, 4], &[1, 2, 3, 4, 5], Suspend),
            (6, &[0], &[3, 4, 5, 6], &[0, 1, 2, 3], Escalate),
            (6, &[1], &[5], &[0], Escalate),
            (
                6,
                &[2, 3, 4, 5, 6],
                &[0, 1, 2, 3, 4],
                &[0, 1, 2, 3, 4],
                DeEscalate,
            ),
        ];
        let mut covered = std::collections::BTreeSet::new();
        for &(enrolled, with, without, pending, want) in &ROWS {
            for &y in with {
                for &w in without {
                    for &p in pending.iter().filter(|&&p| y + w + p == enrolled) {
                        assert_eq!(
                            table(enrolled, y, p),
                            want,
                            "{enrolled} enrolled, {y} with DLT, {w} without, {p} pending"
                        );
                        covered.insert((enrolled, y, p));
                    }
                }
            }
        }
        for n in 0..=SIX {
            for y in 0..=n {
                for p in 0..=n - y {
                    assert!(covered.contains(&(n, y, p)), "no row for ({n}, {y}, {p})");
                }
            }
        }
    }

    fn known(rows: &[(u32, u32, u32)]) -> Vec<Known> {
        rows.iter()
            .map(|&(enrolled, dlts, clear)| Known {
                enrolled,
                dlts,
                clear,
            })
            .collect()
    }

    #[test]
    fn footnotes_at_the_edges() {
        let r6 = RollingSix::new(3, 0);
        // Escalate from 0/3 at dose 1 to dose 2.
        let mut at = 0;
        assert_eq!(
            r6.next(&known(&[(3, 0, 3), (0, 0, 0), (0, 0, 0)]), &mut at),
            Step::Enrol(1)
        );
        assert_eq!(at, 1);
        // 2 DLTs at dose 2: back to dose 1, which holds 3: enrol there.
        let k = known(&[(3, 0, 3), (4, 2, 1), (0, 0, 0)]);
        assert_eq!(r6.next(&k, &mut at), Step::Enrol(0));
        assert_eq!(at, 0);
        // Dose 1 at 0/3 again: escalation blocked by dose 2, fill to six.
        assert_eq!(r6.next(&k, &mut at), Step::Enrol(0));
        let k = known(&[(6, 1, 5), (4, 2, 1), (0, 0, 0)]);
        assert_eq!(r6.next(&k, &mut at), Step::Stop);
        // Six at the dose below the toxic one: the MTD is defined.
        let mut at = 1;
        assert_eq!(
            r6.next(&known(&[(6, 0, 6), (3, 2, 0), (0, 0, 0)]), &mut at),
            Step::Stop
        );
        // Too toxic at the lowest dose: stop.
        let mut at = 0;
        assert_eq!(
            r6.next(&known(&[(2, 2, 0), (0, 0, 0), (0, 0, 0)]), &mut at),
            Step::Stop
        );
        // Escalating from the top dose: stop.
        let mut at = 2;
        assert_eq!(
            r6.next(&known(&[(3, 0, 3), (3, 0, 3), (5, 0, 3)]), &mut at),
            Step::Stop
        );
        // A late DLT at a lower dose: its second makes it, and the current
        // dose above it, too toxic.
        let mut at = 2;
        let k = known(&[(3, 0, 3), (6, 2, 3), (2, 0, 0)]);
        assert_eq!(r6.next(&k, &mut at), Step::Enrol(0));
        assert_eq!(at, 0);
    }

    #[test]
    fn mtd_is_the_highest_acceptable_dose_below_the_toxic_ones() {
        let r6 = RollingSix::new(4, 0);
        assert_eq!(
            r6.mtd(&[3, 6, 4, 0], &[0, 1, 2, 0]),
            (Some(1), StopReason::RuleEnd)
        );
        assert_eq!(
            r6.mtd(&[3, 5, 4, 0], &[0, 1, 2, 0]),
            (Some(0), StopReason::RuleEnd)
        );
        assert_eq!(
            r6.mtd(&[3, 3, 3, 4], &[0, 0, 0, 0]),
            (Some(3), StopReason::RuleEnd)
        );
        assert_eq!(
            r6.mtd(&[2, 0, 0, 0], &[2, 0, 0, 0]),
            (None, StopReason::Safety)
        );
        assert_eq!(
            r6.mtd(&[6, 3, 0, 0], &[2, 0, 0, 0]),
            (None, StopReason::Safety)
        );
        assert_eq!(
            r6.mtd(&[5, 2, 0, 0], &[1, 2, 0, 0]),
            (None, StopReason::RuleEnd)
        );
    }
}
