//! Exact operating characteristics of the A+B family in polynomial time.
//!
//! [`super::exact`] asks `Design::decide` about every reachable trial state,
//! and for the A+B family their number grows geometrically with K. Here the
//! family's trial structure is used instead, and it factorises: every visit
//! to a dose draws binomials at that dose only, so once it is known which
//! *role* each dose played in a trial, the doses' contributions (patients,
//! DLTs) are independent.
//!
//! A trial climbs from the start dose s through acceptable doses to the first
//! dose f that fails, or stands at the top. Without de-escalation it ends
//! there (MTD f − 1, none when f = s). With de-escalation it descends from
//! f − 1: a dose climbed with `a + b` patients stands; one climbed with `a`
//! gets `b` more and stands or falls; an untreated dose (below s) is visited
//! as on the way up, and one acceptable with `a` is expanded. The first dose
//! that stands is the MTD e; falling below dose 0 leaves none. The roles of
//! dose j, as probability-weighted pieces (patients, DLTs) of its visits:
//!
//! | role    | what happened at j                                              |
//! |---------|-----------------------------------------------------------------|
//! | `PASS`  | first visit acceptable (`a` with < c DLTs, or `a + b` with ≤ e) |
//! | `STAND` | acceptable with `a + b`: at once, or `a` then `b` more          |
//! | `FALL`  | acceptable with `a`, then too toxic after `b` more              |
//! | `FAIL`  | first visit too toxic (at the top, also `FALL` if the top needs `a + b`) |
//! | `BELOW` | `FAIL` or `FALL`: the descent finds an untreated dose too toxic |
//! | `TOP`   | the top dose stands after the climb (`STAND` if it needs `a + b`, else `PASS`) |
//!
//! The key point: the climb only needs to know that a dose was acceptable;
//! *how* (with `a` or `a + b`) matters only if the descent comes back to it,
//! so a dose the descent never reveals contributes its `PASS` pieces. Every
//! trial is then one of these products of per-dose contributions:
//!
//! ```text
//! PASS_s ⋯ PASS_{e−1} · STAND_e · FALL_{e+1} ⋯ FALL_{f−1} · FAIL_f        MTD e, s ≤ e < f
//! STAND_e · BELOW_{e+1} ⋯ BELOW_{s−1} · FALL_s ⋯ FALL_{f−1} · FAIL_f      MTD e < s
//! BELOW_0 ⋯ BELOW_{s−1} · FALL_s ⋯ FALL_{f−1} · FAIL_f                   no MTD
//! PASS_s ⋯ PASS_{K−2} · TOP_{K−1}                                         MTD K − 1
//! ```
//!
//! and without de-escalation `PASS_s ⋯ PASS_{f−1} · FAIL_f` or the last line.
//! Swept from the top dose down, the sum over all of them is linear algebra
//! on a state (1, G, Q): G holds the trials whose descent is about to reveal
//! the next dose, Q those whose MTD is settled at or above it. Dose j maps
//!
//! ```text
//! G' = FAIL_j + FALL_j ⊛ G                        (below s: BELOW_j ⊛ G)
//! Q' = TOP_j + STAND_j ⊛ G + PASS_j ⊛ Q            (below s: Q is kept as is)
//! ```
//!
//! (without de-escalation G stays 0 and Q' = TOP_j + FAIL_j + PASS_j ⊛ Q), and
//! all trials are G + Q after dose 0. A statistic of the tally is a sum over
//! doses of a per-dose coordinate of the pieces, so ⊛ is a convolution of
//! tables with a few shifted entries:
//!
//! * (N, DLTs) and (N, patients at over-dosing doses): one sweep each on 2-D
//!   tables, O(K × table × entries), O(K³) in all for the 3+3;
//! * (N, n_d) and x_d for every dose d: forward–backward. With the state
//!   after the doses above d (S_{d+1}, polynomials in N) and the linear form
//!   that the doses below d apply to it (L_d), dose d's pieces are weighted by
//!   L_d · (its entry) · S_{d+1}: three polynomial products per dose;
//! * selection: the same sums on masses.
//!
//! The result equals [`super::exact`]'s cell by cell up to rounding (the tests
//! hold it to 1e-12 on random designs, beyond the generic engine's own
//! rounding), and is bit-reproducible.

use super::ExactError;
use crate::design::{AbDesign, Design};
use crate::engine::{binomial_pmf, shape_of};
use crate::tally::Tally;
use crate::truth::{MAX_DOSES, Truth};

/// The roles a dose plays in a trial; see the module docs.
const PASS: usize = 0;
const STAND: usize = 1;
const FALL: usize = 2;
const FAIL: usize = 3;
const BELOW: usize = 4;
const TOP: usize = 5;
const ROLES: usize = 6;

/// Entries of a dose's map on the state (1, G, Q): `G1` adds to G from 1,
/// `GG` to G from G, and so on; 1 stays 1, and Q feeds only Q.
const G1: usize = 0;
const GG: usize = 1;
const Q1: usize = 2;
const QG: usize = 3;
const QQ: usize = 4;
const ENTRIES: usize = 5;

/// How the visits to one dose can end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// `a` patients, fewer than `c` DLTs.
    AcceptableWithA,
    /// ... and the `b` more the descent gives it leave it acceptable.
    ExpandedStands,
    /// ... or too toxic.
    ExpandedFalls,
    /// Between `c` and `d` DLTs in `a`, then acceptable with `a + b`.
    UndecidedStands,
    /// ... or too toxic.
    UndecidedFalls,
    /// More than `d` DLTs in `a`.
    TooToxic,
}

/// A probability-weighted ending of a dose's visits: `a + b` patients when
/// `full`, else `a`.
#[derive(Debug, Clone, Copy)]
struct Piece {
    full: bool,
    dlts: u32,
    w: f64,
}

/// The exact [`Tally<f64>`] of the A+B `design` on `truth`, as
/// [`exact`](super::exact) computes it, in time polynomial in the number of
/// doses (tens of µs for the 3+3 at K = 10; all 32 doses supported). Doses
/// with true p > `target` count as over-dosing. Summarise it with
/// [`OperatingCharacteristics::from_tally`](crate::summary::OperatingCharacteristics::from_tally)
/// and `trials = None`.
///
/// How: given which role each dose played — passed on the climb without
/// being revisited, stood as the MTD, fell on the descent, failed — the
/// doses' (patients, DLTs) are independent, and every trial is a product of
/// per-dose contributions over a few patterns of roles. Each statistic of the
/// tally is a sum over doses, so the sum over trials is a sweep of small
/// convolutions from the top dose down (forward–backward for the per-dose
/// statistics): O(K³) for the 3+3, about 5 µs at K = 5, 50 µs at K = 20.
/// The source's module documentation has the details.
pub fn exact_ab(design: &AbDesign, truth: &Truth, target: f64) -> Result<Tally<f64>, ExactError> {
    let k = design.num_doses();
    if k != truth.num_doses() {
        return Err(ExactError::DoseCountMismatch {
            design: k,
            truth: truth.num_doses(),
        });
    }
    let model = Model::new(design, truth, target);
    let mut tally = Tally::new(shape_of(design));
    model.selection(&mut tally);
    let mut work = Workspace::default();
    for projection in [Projection::DltsAndN, Projection::OverdosedAndN] {
        let table = work.sweep(&model, projection);
        model.record(projection, table, &mut tally);
    }
    model.per_dose(&mut tally);
    Ok(tally)
}

/// A 2-D statistic of the tally, as a per-dose coordinate of the pieces.
#[derive(Debug, Clone, Copy)]
enum Projection {
    /// Rows N (in units), columns total DLTs.
    DltsAndN,
    /// Rows N, columns patients at over-dosing doses (in units).
    OverdosedAndN,
}

/// A design on a truth: the pieces of every (dose, role).
struct Model {
    num_doses: usize,
    start: usize,
    deescalation: bool,
    a: u32,
    full: u32,
    /// Sample sizes are multiples of gcd(a, b): tables count N in this unit.
    unit: u32,
    overdose: u32,
    /// Pieces of (dose j, role r) are `pieces[at[j·ROLES + r]..at[j·ROLES + r + 1]]`.
    pieces: Vec<Piece>,
    at: Vec<usize>,
    /// Their total probability.
    mass: Vec<f64>,
}

impl Model {
    fn new(design: &AbDesign, truth: &Truth, target: f64) -> Self {
        let p = *design.params();
        let k = design.num_doses();
        let full = p.a + p.b;
        let mut pieces = Vec::new();
        let mut at = vec![0];
        let mut mass = Vec::with_capacity(k * ROLES);
        let mut endings: Vec<(Kind, Piece)> = Vec::new();
        for (j, &prob) in truth.p_dlt.iter().enumerate() {
            endings.clear();
            let piece = |full, dlts, w| Piece { full, dlts, w };
            // Impossible outcomes (p = 0 or 1) are left out, as the generic
            // engine leaves them out.
            for x1 in 0..=p.a {
                let w1 = binomial_pmf(p.a, x1, prob);
                if w1 == 0.0 {
                    continue;
                }
                if x1 > p.d {
                    endings.push((Kind::TooToxic, piece(false, x1, w1)));
                    continue;
                }
                let immediate = x1 >= p.c;
                if !immediate {
                    endings.push((Kind::AcceptableWithA, piece(false, x1, w1)));
                }
                for x2 in 0..=p.b {
                    let w2 = binomial_pmf(p.b, x2, prob);
                    if w2 == 0.0 {
                        continue;
                    }
                    let stands = x1 + x2 <= p.e;
                    let kind = match (immediate, stands) {
                        (false, true) => Kind::ExpandedStands,
                        (false, false) => Kind::ExpandedFalls,
                        (true, true) => Kind::UndecidedStands,
                        (true, false) => Kind::UndecidedFalls,
                    };
                    endings.push((kind, piece(true, x1 + x2, w1 * w2)));
                }
            }
            let top = j + 1 == k;
            let needs_full = top && p.top_dose_needs_six;
            for role in 0..ROLES {
                let plays = |kind: Kind| {
                    use Kind::*;
                    let pass = matches!(kind, AcceptableWithA | UndecidedStands);
                    let stand = matches!(kind, ExpandedStands | UndecidedStands);
                    match role {
                        PASS => pass,
                        STAND => stand,
                        FALL => kind == ExpandedFalls,
                        FAIL => {
                            matches!(kind, TooToxic | UndecidedFalls)
                                || (needs_full && kind == ExpandedFalls)
                        }
                        BELOW => matches!(kind, TooToxic | UndecidedFalls | ExpandedFalls),
                        _ => top && if needs_full { stand } else { pass },
                    }
                };
                let before = pieces.len();
                pieces.extend(endings.iter().filter(|(k, _)| plays(*k)).map(|&(_, p)| p));
                mass.push(pieces[before..].iter().map(|p| p.w).sum());
                at.push(pieces.len());
            }
        }
        Model {
            num_doses: k,
            start: p.start_dose as usize - 1,
            deescalation: p.deescalation,
            a: p.a,
            full,
            unit: gcd(p.a, p.b),
            overdose: truth.overdose_mask(target),
            pieces,
            at,
            mass,
        }
    }

    fn role(&self, dose: usize, role: usize) -> &[Piece] {
        let i = dose * ROLES + role;
        &self.pieces[self.at[i]..self.at[i + 1]]
    }

    fn mass(&self, dose: usize, role: usize) -> f64 {
        self.mass[dose * ROLES + role]
    }

    /// The roles whose pieces make up `entry` of dose `j`'s map, and whether
    /// the entry is the identity instead (Q below s: the dose is untreated).
    fn entry(&self, j: usize, entry: usize) -> (&'static [usize], bool) {
        let climbed = j >= self.start;
        let roles: &'static [usize] = match (self.deescalation, entry) {
            (true, G1) if climbed => &[FAIL],
            (true, GG) if climbed => &[FALL],
            (true, GG) => &[BELOW],
            (true, QG) => &[STAND],
            (false, Q1) if climbed => &[TOP, FAIL],
            (_, Q1) => &[TOP],
            (_, QQ) if climbed => &[PASS],
            _ => &[],
        };
        (roles, entry == QQ && !climbed)
    }

    /// Pieces of `entry` of dose `j`'s map (none for the identity).
    fn entry_pieces(&self, j: usize, entry: usize) -> impl Iterator<Item = Piece> + '_ {
        let (roles, _) = self.entry(j, entry);
        roles
            .iter()
            .flat_map(move |&r| self.role(j, r).iter().copied())
    }

    /// Patients of a piece, in units.
    fn units(&self, piece: Piece) -> usize {
        (if piece.full { self.full } else { self.a } / self.unit) as usize
    }

    /// Most patients one trial can have, in units.
    fn max_units(&self) -> usize {
        (self.full / self.unit) as usize * self.num_doses
    }

    /// Rows and columns of the tables of `projection`.
    fn extent(&self, projection: Projection) -> (usize, usize) {
        let units = self.max_units() + 1;
        match projection {
            Projection::DltsAndN => (units, (self.full as usize) * self.num_doses + 1),
            Projection::OverdosedAndN => (units, units),
        }
    }

    /// Where `piece`, at `dose`, puts a trial in the tables of `projection`.
    fn project(&self, projection: Projection, dose: usize, piece: Piece) -> (u32, u32) {
        let n = self.units(piece) as u32;
        match projection {
            Projection::DltsAndN => (n, piece.dlts),
            Projection::OverdosedAndN => (n, if self.overdose >> dose & 1 == 1 { n } else { 0 }),
        }
    }

    /// P(MTD = e) and P(no MTD): the sums of the module docs on masses.
    fn selection(&self, tally: &mut Tally<f64>) {
        let (k, s) = (self.num_doses, self.start);
        let m = |j, role| self.mass(j, role);
        // climb[e]: P(doses s..e all acceptable on first visit).
        let mut climb = [1.0; MAX_DOSES + 1];
        for j in s..k {
            climb[j + 1] = climb[j] * m(j, PASS);
        }
        if !self.deescalation {
            for (f, &reached) in climb.iter().enumerate().take(k).skip(s) {
                let mtd = (f > s).then(|| f - 1);
                tally.add_selected(mtd, AbDesign::stop_reason(mtd), reached * m(f, FAIL));
            }
            tally.add_selected(
                Some(k - 1),
                AbDesign::stop_reason(Some(k - 1)),
                climb[k - 1] * m(k - 1, TOP),
            );
            return;
        }
        let mut g = 0.0;
        for j in (0..k).rev() {
            g = if j >= s {
                m(j, FAIL) + m(j, FALL) * g
            } else {
                m(j, BELOW) * g
            };
            if j == 0 {
                tally.add_selected(None, AbDesign::stop_reason(None), g);
            } else {
                let e = j - 1;
                let reached = if e >= s { climb[e] } else { 1.0 };
                tally.add_selected(
                    Some(e),
                    AbDesign::stop_reason(Some(e)),
                    reached * m(e, STAND) * g,
                );
            }
        }
        tally.add_selected(
            Some(k - 1),
            AbDesign::stop_reason(Some(k - 1)),
            climb[k - 1] * m(k - 1, TOP),
        );
    }

    /// Adds the answer of `projection`'s sweep to the tally.
    fn record(&self, projection: Projection, table: &Table, tally: &mut Tally<f64>) {
        let unit = self.unit as usize;
        let mut total = 0.0;
        for (row, col, w) in table.cells() {
            match projection {
                Projection::DltsAndN => {
                    tally.add_dlts_and_n(col, row * unit, w);
                    total += w;
                }
                Projection::OverdosedAndN => tally.add_overdosed_and_n(col * unit, row * unit, w),
            }
        }
        if let Projection::DltsAndN = projection {
            // Every trial is in this table once.
            tally.add_total(total);
        }
    }

    /// (n_d, N) and x_d for every dose d, by forward–backward on polynomials
    /// in N (in units).
    fn per_dose(&self, tally: &mut Tally<f64>) {
        let k = self.num_doses;
        let width = self.max_units() + 1;
        let shift = [
            0,
            (self.a / self.unit) as usize,
            (self.full / self.unit) as usize,
        ];
        // Weight of each entry of each dose's map by patients: `[j][entry][c]`
        // for c = identity, `a`, `a + b`.
        let mut split = vec![[[0.0; 3]; ENTRIES]; k];
        for (j, entries) in split.iter_mut().enumerate() {
            for (entry, by_class) in entries.iter_mut().enumerate() {
                if self.entry(j, entry).1 {
                    by_class[0] = 1.0;
                }
                for piece in self.entry_pieces(j, entry) {
                    by_class[1 + usize::from(piece.full)] += piece.w;
                }
            }
        }
        // Backward: `back[j]` = (G, Q) after the doses j.. have been swept,
        // each with its length in use; `back[k]` = (0, 0).
        let mut back = vec![Poly::new(width); 2 * (k + 1)];
        for j in (0..k).rev() {
            let (now, above) = back.split_at_mut(2 * (j + 1));
            let (g, q) = (&above[0], &above[1]);
            let [new_g, new_q] = &mut now[2 * j..] else {
                unreachable!()
            };
            for c in 0..3 {
                let w = &split[j][..];
                new_g.add_at(shift[c], w[G1][c]);
                new_g.add_shifted(g, shift[c], w[GG][c]);
                new_q.add_at(shift[c], w[Q1][c]);
                new_q.add_shifted(g, shift[c], w[QG][c]);
                new_q.add_shifted(q, shift[c], w[QQ][c]);
            }
        }
        // Forward: (LG, LQ) = the linear form the doses below j apply to
        // (G, Q); at dose 0 it is G + Q.
        let (mut lg, mut lq) = (Poly::new(width), Poly::new(width));
        lg.add_at(0, 1.0);
        lq.add_at(0, 1.0);
        let (mut next_g, mut next_q) = (Poly::new(width), Poly::new(width));
        // Each entry's weight in the trials of the rest: `coef[entry]` as a
        // polynomial, for the entries G1, GG, Q1, QG, QQ.
        let mut coef = vec![Poly::new(width); ENTRIES];
        let mut by_n = [Poly::new(width), Poly::new(width)];
        for j in 0..k {
            let (g, q) = (&back[2 * (j + 1)], &back[2 * (j + 1) + 1]);
            for c in &mut coef {
                c.clear();
            }
            coef[G1].add_shifted(&lg, 0, 1.0);
            coef[GG].add_product(&lg, g);
            coef[Q1].add_shifted(&lq, 0, 1.0);
            coef[QG].add_product(&lq, g);
            coef[QQ].add_product(&lq, q);
            let w = &split[j];
            for (c, poly) in by_n.iter_mut().enumerate() {
                poly.clear();
                for (entry, coef) in coef.iter().enumerate() {
                    poly.add_shifted(coef, shift[c + 1], w[entry][c + 1]);
                }
                for (n, &m) in poly.used().iter().enumerate() {
                    if m != 0.0 {
                        let unit = self.unit as usize;
                        tally.add_dose_n_and_n(j, shift[c + 1] * unit, n * unit, m);
                    }
                }
            }
            let mut by_dlts = [0.0; 2 * crate::design::MAX_COHORT as usize + 1];
            for (entry, coef) in coef.iter().enumerate() {
                let total: f64 = coef.used().iter().sum();
                for piece in self.entry_pieces(j, entry) {
                    by_dlts[piece.dlts as usize] += piece.w * total;
                }
            }
            for (x, &m) in by_dlts.iter().enumerate() {
                if m != 0.0 {
                    tally.add_dose_dlts(j, x, m);
                }
            }
            // (LG, LQ) ← (LG, LQ) · map of dose j:
            // LG' = LG ⊛ GG + LQ ⊛ QG, LQ' = LQ ⊛ QQ.
            next_g.clear();
            next_q.clear();
            for c in 0..3 {
                next_g.add_shifted(&lg, shift[c], w[GG][c]);
                next_g.add_shifted(&lq, shift[c], w[QG][c]);
                next_q.add_shifted(&lq, shift[c], w[QQ][c]);
            }
            std::mem::swap(&mut lg, &mut next_g);
            std::mem::swap(&mut lq, &mut next_q);
        }
    }
}

fn gcd(a: u32, b: u32) -> u32 {
    if b == 0 { a } else { gcd(b, a % b) }
}

/// A polynomial in N with `len` leading coefficients in use (the rest 0).
#[derive(Debug, Clone)]
struct Poly {
    c: Vec<f64>,
    len: usize,
}

impl Poly {
    fn new(width: usize) -> Self {
        Poly {
            c: vec![0.0; width],
            len: 0,
        }
    }

    fn used(&self) -> &[f64] {
        &self.c[..self.len]
    }

    fn clear(&mut self) {
        self.c[..self.len].fill(0.0);
        self.len = 0;
    }

    /// self += w · N^at.
    fn add_at(&mut self, at: usize, w: f64) {
        if w != 0.0 {
            self.c[at] += w;
            self.len = self.len.max(at + 1);
        }
    }

    /// self += w · N^by · src.
    fn add_shifted(&mut self, src: &Poly, by: usize, w: f64) {
        if w == 0.0 || src.len == 0 {
            return;
        }
        let to = &mut self.c[by..by + src.len];
        for (t, s) in to.iter_mut().zip(src.used()) {
            *t += w * s;
        }
        self.len = self.len.max(by + src.len);
    }

    /// self += a · b.
    fn add_product(&mut self, a: &Poly, b: &Poly) {
        for (by, &w) in b.used().iter().enumerate() {
            self.add_shifted(a, by, w);
        }
    }
}

/// Weight `w` at offset (`row`, `col`): one term of a per-dose table.
#[derive(Debug, Clone, Copy)]
struct Entry {
    w: f64,
    row: u32,
    col: u32,
}

/// A table of `width` columns whose row `r` is 0 outside the columns
/// `span[r]` (empty when `lo ≥ hi`): the tables of a sweep are bands, far
/// narrower than their bounding boxes (DLTs grow with N).
#[derive(Debug, Default)]
struct Table {
    cells: Vec<f64>,
    width: usize,
    /// `[lo, hi)` of each row in use; rows past `span.len()` are empty.
    span: Vec<(usize, usize)>,
}

impl Table {
    /// Empties the table and lays it out with `rows` rows of `width` columns.
    fn reset(&mut self, rows: usize, width: usize) {
        self.clear();
        if self.cells.len() < rows * width {
            self.cells.resize(rows * width, 0.0);
        }
        self.width = width;
    }

    fn clear(&mut self) {
        for (r, &(lo, hi)) in self.span.iter().enumerate() {
            if lo < hi {
                self.cells[r * self.width + lo..r * self.width + hi].fill(0.0);
            }
        }
        self.span.clear();
    }

    /// Widens the span of row `r` to cover `[lo, hi)`.
    #[inline(always)]
    fn cover(&mut self, r: usize, lo: usize, hi: usize) {
        assert!(hi <= self.width && (r + 1) * self.width <= self.cells.len());
        if self.span.len() <= r {
            self.span.resize(r + 1, (usize::MAX, 0));
        }
        let span = &mut self.span[r];
        *span = (span.0.min(lo), span.1.max(hi));
    }

    /// self += the per-dose table `entries`.
    fn add_entries(&mut self, entries: &[Entry]) {
        for e in entries {
            let (row, col) = (e.row as usize, e.col as usize);
            self.cover(row, col, col + 1);
            self.cells[row * self.width + col] += e.w;
        }
    }

    /// self += src ⊛ entries.
    fn add_product(&mut self, src: &Table, entries: &[Entry]) {
        let width = self.width;
        debug_assert_eq!(width, src.width);
        for e in entries {
            let (dr, dc) = (e.row as usize, e.col as usize);
            for (r, &(lo, hi)) in src.span.iter().enumerate() {
                if lo >= hi {
                    continue;
                }
                self.cover(r + dr, lo + dc, hi + dc);
                let from = &src.cells[r * width + lo..r * width + hi];
                let at = (r + dr) * width + dc;
                let to = &mut self.cells[at + lo..at + hi];
                for (t, f) in to.iter_mut().zip(from) {
                    *t += e.w * f;
                }
            }
        }
    }

    /// Non-zero cells as (row, column, weight).
    fn cells(&self) -> impl Iterator<Item = (usize, usize, f64)> + '_ {
        self.span
            .iter()
            .enumerate()
            .flat_map(move |(r, &(lo, hi))| {
                let row = if lo < hi {
                    &self.cells[r * self.width + lo..r * self.width + hi]
                } else {
                    &[]
                };
                row.iter()
                    .enumerate()
                    .filter(|(_, w)| **w != 0.0)
                    .map(move |(c, &w)| (r, lo + c, w))
            })
    }
}

/// Tables and per-dose entries of a 2-D sweep.
#[derive(Debug, Default)]
struct Workspace {
    /// Entries of (dose j, map entry E): `entries[at[j·ENTRIES + E]..at[j·ENTRIES + E + 1]]`.
    entries: Vec<Entry>,
    at: Vec<usize>,
    g: Table,
    g_next: Table,
    q: Table,
    q_next: Table,
}

impl Workspace {
    /// Projects the pieces of every (dose, map entry), merging those that
    /// land on the same offset.
    fn project(&mut self, model: &Model, projection: Projection) {
        self.entries.clear();
        self.at.clear();
        self.at.push(0);
        for j in 0..model.num_doses {
            for entry in 0..ENTRIES {
                let first = self.entries.len();
                if model.entry(j, entry).1 {
                    self.entries.push(Entry {
                        w: 1.0,
                        row: 0,
                        col: 0,
                    });
                }
                for piece in model.entry_pieces(j, entry) {
                    let (row, col) = model.project(projection, j, piece);
                    match self.entries[first..]
                        .iter_mut()
                        .find(|e| e.row == row && e.col == col)
                    {
                        Some(e) => e.w += piece.w,
                        None => self.entries.push(Entry {
                            w: piece.w,
                            row,
                            col,
                        }),
                    }
                }
                self.at.push(self.entries.len());
            }
        }
    }

    /// The table of `projection` over all trials: the state (1, G, Q) swept
    /// from the top dose down, then G + Q.
    fn sweep(&mut self, model: &Model, projection: Projection) -> &Table {
        self.project(model, projection);
        let (rows, width) = model.extent(projection);
        for t in [&mut self.g, &mut self.g_next, &mut self.q, &mut self.q_next] {
            t.reset(rows, width);
        }
        let Workspace {
            entries,
            at,
            g,
            g_next,
            q,
            q_next,
        } = self;
        let of = |j: usize, e: usize| &entries[at[j * ENTRIES + e]..at[j * ENTRIES + e + 1]];
        for j in (0..model.num_doses).rev() {
            q_next.clear();
            q_next.add_entries(of(j, Q1));
            q_next.add_product(g, of(j, QG));
            q_next.add_product(q, of(j, QQ));
            std::mem::swap(q, q_next);
            g_next.clear();
            g_next.add_entries(of(j, G1));
            g_next.add_product(g, of(j, GG));
            std::mem::swap(g, g_next);
        }
        q.add_product(
            g,
            &[Entry {
                w: 1.0,
                row: 0,
                col: 0,
            }],
        );
        &self.q
    }
}
