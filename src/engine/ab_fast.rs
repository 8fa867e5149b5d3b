//! The A+B family (3+3 included) one dose *visit* at a time.
//!
//! [`super::generic`] asks `Design::decide` after every cohort. Here the few
//! ways a visit to a dose can end — acceptable with `a` patients, acceptable
//! with `a + b`, too toxic with `a` or with `a + b`, each with its DLT count —
//! are laid out once per truth as pieces of [0, 1), using the same interval
//! arithmetic as [`CohortOutcomes::cohort`]. A visit is then one uniform and a
//! short scan of the piece boundaries, which usually stops at the first. The
//! decision logic mirrors `AbDesign::decide` and is held to it by tests that
//! compare the two paths' tallies bit for bit.

use super::generic::TrialState;
use super::outcomes::{CohortOutcomes, Interval};
use crate::design::{AbDesign, Design};
use crate::rng::Stream;

/// Most endings a visit may have for the fast path: 7 for the 3+3.
pub const MAX_PIECES: usize = 8;

/// How a visit, or an expansion, left a dose.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Ending {
    patients: u32,
    dlts: u32,
    acceptable: bool,
}

/// One table of visit endings: the pieces of [0, 1) and how each ends.
#[derive(Debug, Clone, Copy)]
struct Table {
    /// Upper ends of the pieces, padded with `u64::MAX`.
    upper: [u64; MAX_PIECES],
    ending: [Ending; MAX_PIECES],
    /// Uniforms below this end acceptably: the upper end of the longest run
    /// of acceptable pieces from 0 (for the 3+3: no DLT in 3, or 1 in 6).
    acceptable_below: u64,
}

impl Table {
    fn new(pieces: &[(Interval, Ending)]) -> Self {
        debug_assert!(pieces.len() <= MAX_PIECES);
        let last = pieces[pieces.len() - 1].1;
        let mut table = Table {
            upper: [u64::MAX; MAX_PIECES],
            ending: [last; MAX_PIECES],
            acceptable_below: pieces
                .iter()
                .take_while(|(_, ending)| ending.acceptable)
                .last()
                .map_or(0, |(i, _)| i.lo + i.width),
        };
        // The last piece ends at 1, which no uniform reaches: it stays MAX.
        for (i, &(interval, ending)) in pieces.iter().enumerate() {
            if i + 1 < pieces.len() {
                table.upper[i] = interval.lo + interval.width;
            }
            table.ending[i] = ending;
        }
        table
    }

    /// The ending whose piece holds `u`: the first whose upper end is above
    /// `u` (empty pieces are skipped, as in `cohort`). A scan, because most
    /// visits end in the first piece; a branch-free count of all eight ends,
    /// tried too, cost a third more (x86-64's baseline has no 64-bit SIMD
    /// compare and no popcount).
    #[inline(always)]
    fn index(&self, u: u64) -> usize {
        self.upper
            .iter()
            .position(|&t| u < t)
            .unwrap_or(MAX_PIECES - 1)
    }

    #[inline(always)]
    fn locate(&self, u: u64) -> Ending {
        self.ending[self.index(u)]
    }
}

/// An A+B design prepared for one truth.
#[derive(Debug, Clone)]
pub struct AbFast {
    num_doses: usize,
    start: usize,
    a: u32,
    c: u32,
    e: u32,
    full: u32,
    deescalation: bool,
    top_dose_needs_full: bool,
    /// Table `d`: first visit to dose `d`. Table `K + d·c + x1`: the `b`
    /// expansion of dose `d` after it was acceptable with `x1` DLTs in `a`.
    tables: Vec<Table>,
}

impl AbFast {
    /// `None` when a visit can end in more than [`MAX_PIECES`] ways (large
    /// cohorts); such designs take the generic path.
    pub fn new(design: &AbDesign, outcomes: &CohortOutcomes) -> Option<Self> {
        let p = *design.params();
        let k = design.num_doses();
        let full = p.a + p.b;
        if (p.c + (p.d - p.c + 1) * (p.b + 1) + (p.a - p.d)) as usize > MAX_PIECES {
            return None;
        }
        let ending = |patients, dlts| Ending {
            patients,
            dlts,
            acceptable: if patients == p.a {
                dlts < p.c
            } else {
                dlts <= p.e
            },
        };
        let expansion = |dose, x1, i1| -> Vec<(Interval, Ending)> {
            (0..=p.b)
                .map(|x2| {
                    (
                        outcomes.outcome_interval(p.b, dose, i1, x2),
                        ending(full, x1 + x2),
                    )
                })
                .collect()
        };
        let mut first = Vec::new();
        let mut expansions = Vec::new();
        for dose in 0..k {
            let mut table = Vec::new();
            for x1 in 0..=p.a {
                let i1 = outcomes.outcome_interval(p.a, dose, Interval::UNIT, x1);
                if (p.c..=p.d).contains(&x1) {
                    table.extend(expansion(dose, x1, i1));
                } else {
                    table.push((i1, ending(p.a, x1)));
                }
                if x1 < p.c {
                    expansions.push(Table::new(&expansion(dose, x1, i1)));
                }
            }
            first.push(Table::new(&table));
        }
        first.extend(expansions);
        Some(AbFast {
            num_doses: k,
            start: p.start_dose as usize - 1,
            a: p.a,
            c: p.c,
            e: p.e,
            full,
            deescalation: p.deescalation,
            top_dose_needs_full: p.top_dose_needs_six,
            tables: first,
        })
    }

    /// The ending of the `b` expansion of `dose`, acceptable with `a` patients
    /// so far.
    #[inline(always)]
    fn expansion(&self, state: &TrialState, dose: usize) -> Ending {
        let table = self.num_doses + dose * self.c as usize + state.x[dose] as usize;
        self.tables[table].locate(state.u[dose])
    }

    /// Runs trial `trial` to its end in `state`; returns the selected MTD.
    ///
    /// The climb from the start dose is where trials spend most visits, and
    /// most of those end acceptably. For the 3+3 the acceptable endings, "no
    /// DLT in 3" and "one DLT in 6", are the first two pieces of [0, 1), so a
    /// climbing visit is one hash, one comparison to go on, and one to tell
    /// the two apart. The visit that ends the climb hands over to
    /// [`Self::settle`].
    #[inline(always)]
    pub fn run(&self, state: &mut TrialState, stream: &Stream, trial: u64) -> Option<usize> {
        let k = self.num_doses;
        let mut dose = self.start;
        state.reset();
        loop {
            let u = stream.dose_uniform(trial, dose);
            state.u[dose] = u;
            let table = &self.tables[dose];
            let ending = table.locate(u);
            state.first_visit(dose, ending.patients, ending.dlts);
            // Testing the uniform against one bound first lets the branch
            // resolve before the table lookup does.
            let stops = u >= table.acceptable_below && !ending.acceptable;
            if stops || dose + 1 == k {
                return self.settle(state, stream, trial, dose, ending);
            }
            dose += 1;
        }
    }

    /// Finishes a trial whose last visit, to `dose`, ended as `ending`
    /// (already in `state`): the rules of `AbDesign::decide`, a visit at a time.
    #[inline(always)]
    fn settle(
        &self,
        state: &mut TrialState,
        stream: &Stream,
        trial: u64,
        mut dose: usize,
        mut ending: Ending,
    ) -> Option<usize> {
        loop {
            let mut expanding = false;
            if ending.acceptable {
                let full = ending.patients == self.full;
                if dose + 1 == self.num_doses {
                    if self.top_dose_needs_full && !full {
                        expanding = true;
                    } else {
                        return Some(dose);
                    }
                } else if !state.is_treated(dose + 1) {
                    dose += 1;
                } else if self.deescalation && !full {
                    expanding = true;
                } else {
                    return Some(dose);
                }
            } else {
                // Too toxic.
                if !self.deescalation {
                    return self.best_below(state, dose, false);
                }
                if dose == 0 {
                    return None;
                }
                dose -= 1;
                if state.is_treated(dose) {
                    if state.n[dose] != self.a {
                        return self.best_below(state, dose + 1, true);
                    }
                    expanding = true;
                }
            }
            // An expansion's ending counts all `a + b` patients; add the `b`.
            let (before_n, before_x);
            (ending, before_n, before_x) = if expanding {
                (self.expansion(state, dose), state.n[dose], state.x[dose])
            } else {
                let u = stream.dose_uniform(trial, dose);
                state.u[dose] = u;
                (self.tables[dose].locate(u), 0, 0)
            };
            state.add(dose, ending.patients - before_n, ending.dlts - before_x);
        }
    }

    /// Highest acceptable dose below `dose` (with `a + b` patients when
    /// `needs_full`); as `AbDesign::best_below`.
    fn best_below(&self, state: &TrialState, dose: usize, needs_full: bool) -> Option<usize> {
        (0..dose).rev().find(|&k| {
            let (n, x) = (state.n[k], state.x[k]);
            let acceptable = if n == self.a { x < self.c } else { x <= self.e };
            state.is_treated(k) && acceptable && (!needs_full || n == self.full)
        })
    }
}
