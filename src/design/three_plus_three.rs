//! The 3+3 design and the A+B family it belongs to (Lin & Shih 2001).
//!
//! At a dose with `a` patients and `x` DLTs: escalate if `x < c`, call the dose
//! too toxic if `x > d`, otherwise treat `b` more. With `a + b` patients:
//! escalate if `x ≤ e`, otherwise too toxic. The 3+3 is `a = b = 3`,
//! `c = d = e = 1`.
//!
//! Two switches distinguish the 3+3 variants in use (see DESIGN.md and
//! [`Preset`]): what happens when a dose turns out too toxic
//! (`deescalation`, Korn et al. 1994) and whether the top dose needs `a + b`
//! patients before it can be declared the MTD (`top_dose_needs_six`, crmPack).

use super::{Decision, Design, MAX_SAMPLE_SIZE, Observed, StopReason, TableRow};
use std::fmt;
use std::str::FromStr;

/// Largest cohort (`a` or `b`) accepted; it bounds the tallies' size.
pub const MAX_COHORT: u32 = 8;

/// The named 3+3 variants.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Preset {
    /// Storer (1989) design "A": no de-escalation; the top dose may be the MTD
    /// on 3 patients. Default of the R package escalation, bcrm `esc.only`,
    /// clintrials, UBCRM.
    Storer,
    /// Korn et al. (1994): de-escalate so that the MTD has 6 patients; the top
    /// dose may be the MTD on 3. escalation `allow_deescalate = TRUE`, bcrm's
    /// default, FIND.
    Korn,
    /// Korn plus "the MTD is the highest dose at which ≤ 1 of 6 patients had a
    /// DLT", also at the top dose. crmPack `NextBestThreePlusThree`.
    Strict,
}

impl Preset {
    pub const ALL: [Preset; 3] = [Preset::Storer, Preset::Korn, Preset::Strict];

    /// `(deescalation, top_dose_needs_six)`.
    pub fn switches(self) -> (bool, bool) {
        match self {
            Preset::Storer => (false, false),
            Preset::Korn => (true, false),
            Preset::Strict => (true, true),
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Preset::Storer => "storer",
            Preset::Korn => "korn",
            Preset::Strict => "strict",
        }
    }
}

impl fmt::Display for Preset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Preset {
    type Err = DesignError;
    fn from_str(s: &str) -> Result<Self, DesignError> {
        Preset::ALL
            .into_iter()
            .find(|p| p.name().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| DesignError::UnknownPreset(s.to_string()))
    }
}

/// A design parameter that was out of range.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DesignError {
    #[error("unknown preset {0:?}: expected one of storer, korn, strict")]
    UnknownPreset(String),
    #[error("{field} = {value}: expected {expected}")]
    OutOfRange {
        field: &'static str,
        value: i64,
        expected: String,
    },
}

/// Parameters of an A+B design, as a user states them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct AbParams {
    /// First cohort at a dose.
    pub a: u32,
    /// Expansion cohort at a dose.
    pub b: u32,
    /// Escalate after `a` patients if fewer than `c` DLTs.
    pub c: u32,
    /// Too toxic after `a` patients if more than `d` DLTs.
    pub d: u32,
    /// Escalate after `a + b` patients if at most `e` DLTs.
    pub e: u32,
    /// On a too-toxic dose, step down so the MTD has `a + b` patients (Korn).
    pub deescalation: bool,
    /// The top dose needs `a + b` patients to be the MTD.
    pub top_dose_needs_six: bool,
    /// First dose level, 1-based as users count.
    pub start_dose: u32,
}

impl AbParams {
    /// The 3+3 with a preset's switches, starting at dose 1.
    pub fn three_plus_three(preset: Preset) -> Self {
        let (deescalation, top_dose_needs_six) = preset.switches();
        AbParams {
            a: 3,
            b: 3,
            c: 1,
            d: 1,
            e: 1,
            deescalation,
            top_dose_needs_six,
            start_dose: 1,
        }
    }

    /// Whether these are the 3+3's cohorts and bounds (a = b = 3,
    /// c = d = e = 1), whatever the switches.
    pub fn is_three_plus_three(&self) -> bool {
        (self.a, self.b, self.c, self.d, self.e) == (3, 3, 1, 1, 1)
    }

    /// The preset these parameters are, if any.
    pub fn preset(&self) -> Option<Preset> {
        Preset::ALL.into_iter().find(|&p| {
            let mut std = AbParams::three_plus_three(p);
            std.start_dose = self.start_dose;
            std == *self
        })
    }
}

/// An A+B design validated for a number of doses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AbDesign {
    params: AbParams,
    num_doses: usize,
    start: usize,
}

/// What the observations at one dose say about it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Verdict {
    Untreated,
    /// `a` patients, between `c` and `d` DLTs: needs `b` more.
    Undecided,
    Acceptable,
    TooToxic,
}

impl AbDesign {
    /// Checks the parameters against each other and the number of doses.
    pub fn new(params: AbParams, num_doses: usize) -> Result<Self, DesignError> {
        let AbParams { a, b, c, d, e, .. } = params;
        let check = |field, value: u32, lo: u32, hi: u32, expected: String| {
            if value < lo || value > hi {
                Err(DesignError::OutOfRange {
                    field,
                    value: value as i64,
                    expected,
                })
            } else {
                Ok(())
            }
        };
        check(
            "a",
            a,
            1,
            MAX_COHORT,
            format!("a cohort size from 1 to {MAX_COHORT}"),
        )?;
        check(
            "b",
            b,
            1,
            MAX_COHORT,
            format!("a cohort size from 1 to {MAX_COHORT}"),
        )?;
        check("c", c, 1, a, format!("1 ≤ c ≤ a = {a}"))?;
        check("d", d, c, a, format!("c = {c} ≤ d ≤ a = {a}"))?;
        check("e", e, d, a + b, format!("d = {d} ≤ e ≤ a + b = {}", a + b))?;
        // Every patient has his own random numbers, so a trial's size is
        // bounded: (a + b) patients at each of K doses at most.
        let most = MAX_SAMPLE_SIZE / num_doses.max(1) as u32;
        check(
            "b",
            b,
            1,
            most.saturating_sub(a),
            format!(
                "a + b ≤ {most}, so that a trial of {num_doses} doses treats at most {MAX_SAMPLE_SIZE} patients"
            ),
        )?;
        check(
            "start_dose",
            params.start_dose,
            1,
            num_doses as u32,
            format!("a dose level from 1 to {num_doses}"),
        )?;
        Ok(AbDesign {
            params,
            num_doses,
            start: params.start_dose as usize - 1,
        })
    }

    pub fn params(&self) -> &AbParams {
        &self.params
    }

    #[inline(always)]
    fn full(&self) -> u32 {
        self.params.a + self.params.b
    }

    #[inline(always)]
    fn verdict(&self, n: u32, x: u32) -> Verdict {
        let p = &self.params;
        if n == 0 {
            Verdict::Untreated
        } else if n == p.a {
            if x < p.c {
                Verdict::Acceptable
            } else if x > p.d {
                Verdict::TooToxic
            } else {
                Verdict::Undecided
            }
        } else if x <= p.e {
            Verdict::Acceptable
        } else {
            Verdict::TooToxic
        }
    }

    /// The next cohort at `dose`: `a` if it is untreated, else the `b` expansion.
    #[inline(always)]
    fn cohort_at(&self, dose: usize, seen: &Observed<'_>) -> Decision {
        let patients = if seen.n[dose] == 0 {
            self.params.a
        } else {
            self.params.b
        };
        Decision::Treat { dose, patients }
    }

    /// Highest dose below `dose` that is acceptable, with `a + b` patients when
    /// `needs_full`.
    fn best_below(&self, dose: usize, needs_full: bool, seen: &Observed<'_>) -> Option<usize> {
        (0..dose).rev().find(|&k| {
            self.verdict(seen.n[k], seen.x[k]) == Verdict::Acceptable
                && (!needs_full || seen.n[k] == self.full())
        })
    }
}

/// The end of an A+B trial: an MTD when the rules found one; none only when
/// the lowest dose the trial reached was too toxic.
fn stop(mtd: Option<usize>) -> Decision {
    Decision::Stop {
        mtd,
        reason: AbDesign::stop_reason(mtd),
    }
}

impl AbDesign {
    /// Why an A+B trial that selected `mtd` ended: with no MTD, every dose
    /// tried was too toxic (a safety stop); otherwise its rules concluded.
    pub fn stop_reason(mtd: Option<usize>) -> StopReason {
        if mtd.is_some() {
            StopReason::RuleEnd
        } else {
            StopReason::Safety
        }
    }
}

impl AbDesign {
    /// The decision table: rows n = a and n = a + b. A dose found too toxic
    /// is never treated again, nor any higher dose: U. With a + b patients,
    /// an acceptable dose escalates (or is the MTD, at the top or below a
    /// dose too toxic).
    pub fn table(&self) -> Vec<TableRow> {
        use super::letters::*;
        let p = &self.params;
        let full = p.a + p.b;
        let first = (0..=p.a).map(|y| match y {
            y if y < p.c => ESCALATE,
            y if y <= p.d => STAY,
            _ => ELIMINATE,
        });
        let second = (0..=full).map(|y| if y <= p.e { ESCALATE } else { ELIMINATE });
        let row = |n, letters: &mut dyn Iterator<Item = u8>| {
            TableRow::new(n, letters.map(char::from).collect())
        };
        vec![
            row(p.a, &mut first.into_iter()),
            row(full, &mut second.into_iter()),
        ]
    }
}

impl Design for AbDesign {
    fn num_doses(&self) -> usize {
        self.num_doses
    }

    fn max_cohort(&self) -> u32 {
        self.params.a.max(self.params.b)
    }

    fn max_patients_per_dose(&self) -> u32 {
        self.full()
    }

    fn start(&self) -> Decision {
        Decision::Treat {
            dose: self.start,
            patients: self.params.a,
        }
    }

    #[inline]
    fn decide(&self, seen: &Observed<'_>) -> Decision {
        let d = seen.current;
        let full = seen.n[d] == self.full();
        match self.verdict(seen.n[d], seen.x[d]) {
            Verdict::Untreated | Verdict::Undecided => self.cohort_at(d, seen),
            Verdict::Acceptable if d + 1 == self.num_doses => {
                if self.params.top_dose_needs_six && !full {
                    self.cohort_at(d, seen)
                } else {
                    stop(Some(d))
                }
            }
            // The dose above was never tried: escalate.
            Verdict::Acceptable if seen.n[d + 1] == 0 => self.cohort_at(d + 1, seen),
            // The dose above was tried and we came down from it, so it was too
            // toxic. Under de-escalation the MTD must have a + b patients.
            Verdict::Acceptable => {
                if self.params.deescalation && !full {
                    self.cohort_at(d, seen)
                } else {
                    stop(Some(d))
                }
            }
            // Storer: the dose below, which the trial escalated through (none
            // if the trial started here).
            Verdict::TooToxic if !self.params.deescalation => stop(self.best_below(d, false, seen)),
            Verdict::TooToxic if d == 0 => stop(None),
            Verdict::TooToxic if seen.n[d - 1] < self.full() => self.cohort_at(d - 1, seen),
            Verdict::TooToxic => stop(self.best_below(d, true, seen)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn preset_names_round_trip() {
        for p in Preset::ALL {
            assert_eq!(p.name().parse::<Preset>().unwrap(), p);
            assert_eq!(AbParams::three_plus_three(p).preset(), Some(p));
        }
        assert!("Korn ".parse::<Preset>().is_ok());
        assert!(matches!(
            "kron".parse::<Preset>(),
            Err(DesignError::UnknownPreset(_))
        ));
    }

    #[test]
    fn parameters_are_checked() {
        let ok = AbParams::three_plus_three(Preset::Korn);
        assert!(AbDesign::new(ok, 1).is_ok());
        let bad = |f: fn(&mut AbParams)| {
            let mut p = ok;
            f(&mut p);
            AbDesign::new(p, 5).unwrap_err()
        };
        assert!(matches!(
            bad(|p| p.a = 0),
            DesignError::OutOfRange { field: "a", .. }
        ));
        assert!(matches!(
            bad(|p| p.b = 9),
            DesignError::OutOfRange { field: "b", .. }
        ));
        assert!(matches!(
            bad(|p| p.c = 0),
            DesignError::OutOfRange { field: "c", .. }
        ));
        assert!(matches!(
            bad(|p| p.d = 4),
            DesignError::OutOfRange { field: "d", .. }
        ));
        assert!(matches!(
            bad(|p| p.e = 0),
            DesignError::OutOfRange { field: "e", .. }
        ));
        assert!(matches!(
            bad(|p| p.start_dose = 6),
            DesignError::OutOfRange {
                field: "start_dose",
                ..
            }
        ));
    }
}
