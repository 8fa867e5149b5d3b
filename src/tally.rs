//! What a set of trials did, as counts: the sufficient statistics for every
//! operating characteristic.
//!
//! The Monte Carlo engine counts trials in `Tally<u64>`; integer counts merge by
//! addition in any order, so the split of trials over threads cannot change a
//! single bit. The exact engine fills `Tally<f64>` with path probabilities
//! instead. Rates, moments and standard errors are derived once, in
//! [`crate::summary`].
//!
//! The joint tables against the sample size N are what per-trial ratios need
//! (E[n_d/N], E[DLT/N], E[N_over/N], P(N_over > N/2)) and what their standard
//! errors need (covariances with N). Their size depends on the design, never on
//! the number of trials.

use crate::design::StopReason;
use crate::design::graph::StateGraph;
use crate::truth::MAX_DOSES;
use std::ops::AddAssign;

/// A count of trials (`u64`) or a probability mass (`f64`).
pub trait Weight: Copy + Default + AddAssign + Send + Sync + PartialEq + std::fmt::Debug {
    fn to_f64(self) -> f64;
}

impl Weight for u64 {
    fn to_f64(self) -> f64 {
        self as f64
    }
}

impl Weight for f64 {
    fn to_f64(self) -> f64 {
        self
    }
}

/// Dimensions of a tally: fixed by the design and the number of doses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shape {
    pub num_doses: usize,
    /// Most patients at one dose.
    pub max_per_dose: usize,
    /// Most patients in one trial.
    pub max_n: usize,
}

impl Shape {
    fn width(&self) -> usize {
        self.max_n + 1
    }
}

/// The end state of one trial, as [`Tally::record`] reads it.
#[derive(Debug, Clone, Copy)]
pub struct TrialEnd<'a> {
    /// Patients per dose.
    pub n: &'a [u32],
    /// DLTs per dose.
    pub x: &'a [u32],
    /// Bit `d` set when dose `d` was treated; entries of `n` and `x` for other
    /// doses are ignored (the engine does not clear them between trials).
    pub treated: u32,
    /// Sample size, total DLTs, and patients at over-dosing doses: kept by
    /// the engine as the trial runs, so recording needs one pass.
    pub n_total: u32,
    pub x_total: u32,
    pub n_over: u32,
    pub mtd: Option<usize>,
    pub reason: StopReason,
}

impl<'a> TrialEnd<'a> {
    /// The end of a trial that treated `n` and saw `x` at the first `k`
    /// doses (later entries 0), over-dosing doses being the bits of
    /// `overdose`: the totals the engine keeps as it goes, counted instead.
    pub fn counted(
        (n, x): (&'a [u32], &'a [u32]),
        k: usize,
        overdose: u32,
        mtd: Option<usize>,
        reason: StopReason,
    ) -> Self {
        let treated = (0..k)
            .filter(|&d| n[d] > 0)
            .fold(0u32, |mask, d| mask | 1 << d);
        TrialEnd {
            n,
            x,
            treated,
            n_total: n[..k].iter().sum(),
            x_total: x[..k].iter().sum(),
            n_over: doses(overdose & treated).map(|d| n[d]).sum(),
            mtd,
            reason,
        }
    }
}

/// Records `weights[e]` trials ending in end state `e` of `graph` (see
/// [`StateGraph::end`]) into `tally`; over-dosing doses are the bits of
/// `overdose`. End states of weight zero are left out, as if never reached.
pub fn record_ends<W: Weight>(
    graph: &StateGraph,
    weights: &[W],
    overdose: u32,
    tally: &mut Tally<W>,
) {
    let (mut n, mut x) = ([0; MAX_DOSES], [0; MAX_DOSES]);
    let k = tally.shape().num_doses;
    let reached = (0u32..).zip(weights).filter(|&(_, &w)| w != W::default());
    for (end, &w) in reached {
        let (mtd, reason) = graph.end(end, &mut n, &mut x);
        tally.record(&TrialEnd::counted((&n, &x), k, overdose, mtd, reason), w);
    }
}

/// Weighted counts of trial outcomes.
#[derive(Debug, Clone, PartialEq)]
pub struct Tally<W> {
    shape: Shape,
    total: W,
    /// `[0]`: no MTD; `[d + 1]`: dose `d` selected.
    select: Vec<W>,
    /// `[reason][no MTD]`: why trials ended, with or without an MTD.
    stop: Vec<W>,
    /// `[dlts][N]`: total DLTs jointly with the sample size.
    dlt_by_n: Vec<W>,
    /// `[n_over][N]`: patients at over-dosing doses jointly with N.
    over_by_n: Vec<W>,
    /// `[d][n_d][N]` for `n_d ≥ 1` (untreated doses are implied).
    dose_n_by_n: Vec<W>,
    /// `[d][x_d]` over trials that treated dose `d`.
    dose_x: Vec<W>,
}

impl<W: Weight> Tally<W> {
    pub fn new(shape: Shape) -> Self {
        let w = shape.width();
        let k = shape.num_doses;
        let per_dose = shape.max_per_dose + 1;
        Tally {
            shape,
            total: W::default(),
            select: vec![W::default(); k + 1],
            stop: vec![W::default(); 2 * StopReason::ALL.len()],
            dlt_by_n: vec![W::default(); w * w],
            over_by_n: vec![W::default(); w * w],
            dose_n_by_n: vec![W::default(); k * per_dose * w],
            dose_x: vec![W::default(); k * per_dose],
        }
    }

    pub fn shape(&self) -> Shape {
        self.shape
    }

    fn tables(&self) -> [&Vec<W>; 6] {
        [
            &self.select,
            &self.stop,
            &self.dlt_by_n,
            &self.over_by_n,
            &self.dose_n_by_n,
            &self.dose_x,
        ]
    }

    fn tables_mut(&mut self) -> [&mut Vec<W>; 6] {
        [
            &mut self.select,
            &mut self.stop,
            &mut self.dlt_by_n,
            &mut self.over_by_n,
            &mut self.dose_n_by_n,
            &mut self.dose_x,
        ]
    }

    /// Total weight: trials counted, or probability mass (1 when complete).
    pub fn total(&self) -> W {
        self.total
    }

    /// Counts one finished trial with weight `w`.
    #[inline(always)]
    pub fn record(&mut self, end: &TrialEnd<'_>, w: W) {
        let width = self.shape.width();
        let per_dose = self.shape.max_per_dose + 1;
        let (n, x) = (&end.n[..MAX_DOSES], &end.x[..MAX_DOSES]);
        let (n_total, x_total, n_over) = (
            end.n_total as usize,
            end.x_total as usize,
            end.n_over as usize,
        );
        let mut mask = end.treated;
        while mask != 0 {
            let d = mask.trailing_zeros() as usize;
            mask &= mask - 1;
            self.dose_n_by_n[(d * per_dose + n[d] as usize) * width + n_total] += w;
            self.dose_x[d * per_dose + x[d] as usize] += w;
        }
        self.total += w;
        self.select[end.mtd.map_or(0, |d| d + 1)] += w;
        self.stop[stop_cell(end.reason, end.mtd)] += w;
        self.dlt_by_n[x_total * width + n_total] += w;
        self.over_by_n[n_over * width + n_total] += w;
    }

    /// Adds another tally of the same shape.
    pub fn merge(&mut self, other: &Tally<W>) {
        assert_eq!(
            self.shape, other.shape,
            "merging tallies of different shapes"
        );
        self.total += other.total;
        for (mine, theirs) in self.tables_mut().into_iter().zip(other.tables()) {
            mine.iter_mut().zip(theirs).for_each(|(a, b)| *a += *b);
        }
    }

    /// Weight of "no MTD" (`dose = None`) or of selecting `dose`.
    pub fn selected(&self, dose: Option<usize>) -> W {
        self.select[dose.map_or(0, |d| d + 1)]
    }

    /// Weight of trials that ended for `reason`, without an MTD
    /// (`without_mtd`) or with one.
    pub fn stopped(&self, reason: StopReason, without_mtd: bool) -> W {
        self.stop[reason.index() * 2 + usize::from(without_mtd)]
    }

    /// `(dlts, n, weight)` for every cell of the joint table of total DLTs and N.
    pub fn dlts_and_n(&self) -> impl Iterator<Item = (usize, usize, W)> + '_ {
        cells(&self.dlt_by_n, self.shape.width())
    }

    /// `(n_over, n, weight)` for patients at over-dosing doses and N.
    pub fn overdosed_and_n(&self) -> impl Iterator<Item = (usize, usize, W)> + '_ {
        cells(&self.over_by_n, self.shape.width())
    }

    /// `(n_d, n, weight)` over trials that treated `dose`.
    pub fn dose_n_and_n(&self, dose: usize) -> impl Iterator<Item = (usize, usize, W)> + '_ {
        let width = self.shape.width();
        let per_dose = self.shape.max_per_dose + 1;
        let block = &self.dose_n_by_n[dose * per_dose * width..(dose + 1) * per_dose * width];
        cells(block, width)
    }

    /// `(x_d, weight)` over trials that treated `dose`.
    pub fn dose_dlts(&self, dose: usize) -> impl Iterator<Item = (usize, W)> + '_ {
        let per_dose = self.shape.max_per_dose + 1;
        self.dose_x[dose * per_dose..(dose + 1) * per_dose]
            .iter()
            .copied()
            .enumerate()
            .filter(|(_, w)| *w != W::default())
    }

    // Cell by cell, for engines that compute the tables' marginals directly
    // (`crate::exact::exact_ab`) rather than record trials one at a time. Each
    // adds `w` to one cell; the caller keeps the tables consistent with each
    // other and with `total`. An index outside the shape panics.

    /// Adds `w` to the total weight.
    pub fn add_total(&mut self, w: W) {
        self.total += w;
    }

    /// Adds `w` to "no MTD" (`dose = None`) or to selecting `dose`, in a
    /// trial that ended for `reason`.
    pub fn add_selected(&mut self, dose: Option<usize>, reason: StopReason, w: W) {
        self.select[dose.map_or(0, |d| d + 1)] += w;
        self.stop[stop_cell(reason, dose)] += w;
    }

    /// Adds `w` to the cell (total DLTs `dlts`, sample size `n`).
    #[inline]
    pub fn add_dlts_and_n(&mut self, dlts: usize, n: usize, w: W) {
        let width = self.shape.width();
        assert!(dlts < width && n < width, "({dlts}, {n}) outside the tally");
        self.dlt_by_n[dlts * width + n] += w;
    }

    /// Adds `w` to the cell (patients at over-dosing doses `n_over`, sample
    /// size `n`).
    #[inline]
    pub fn add_overdosed_and_n(&mut self, n_over: usize, n: usize, w: W) {
        let width = self.shape.width();
        assert!(
            n_over < width && n < width,
            "({n_over}, {n}) outside the tally"
        );
        self.over_by_n[n_over * width + n] += w;
    }

    /// Adds `w` to the cell (`n_dose` patients at `dose`, sample size `n`);
    /// `n_dose ≥ 1`, as only trials that treated the dose are listed.
    #[inline]
    pub fn add_dose_n_and_n(&mut self, dose: usize, n_dose: usize, n: usize, w: W) {
        let width = self.shape.width();
        let per_dose = self.shape.max_per_dose + 1;
        assert!(
            dose < self.shape.num_doses && (1..per_dose).contains(&n_dose) && n < width,
            "dose {dose}: ({n_dose}, {n}) outside the tally"
        );
        self.dose_n_by_n[(dose * per_dose + n_dose) * width + n] += w;
    }

    /// Adds `w` to `dlts` DLTs at `dose`, among trials that treated it.
    #[inline]
    pub fn add_dose_dlts(&mut self, dose: usize, dlts: usize, w: W) {
        let per_dose = self.shape.max_per_dose + 1;
        assert!(
            dose < self.shape.num_doses && dlts < per_dose,
            "dose {dose}: {dlts} DLTs outside the tally"
        );
        self.dose_x[dose * per_dose + dlts] += w;
    }
}

impl Tally<u64> {
    /// Every count, table after table: what a partial result stores.
    pub fn counts(&self) -> Vec<u64> {
        let mut out = vec![self.total];
        for table in self.tables() {
            out.extend_from_slice(table);
        }
        out
    }

    /// The tally whose [`Self::counts`] are `counts`; `None` when their number
    /// does not fit `shape`, the tables do not each count `total` trials, or
    /// they disagree with one another (see `tables_agree`).
    pub fn from_counts(shape: Shape, counts: &[u64]) -> Option<Self> {
        let mut tally = Tally::new(shape);
        let (&total, mut rest) = counts.split_first()?;
        tally.total = total;
        for table in tally.tables_mut() {
            if rest.len() < table.len() {
                return None;
            }
            let (mine, after) = rest.split_at(table.len());
            table.copy_from_slice(mine);
            rest = after;
        }
        let sums_to_total =
            |t: &[u64]| t.iter().try_fold(0u64, |a, &b| a.checked_add(b)) == Some(total);
        let whole = rest.is_empty()
            && sums_to_total(&tally.select)
            && sums_to_total(&tally.stop)
            && sums_to_total(&tally.dlt_by_n)
            && sums_to_total(&tally.over_by_n);
        (whole && tally.tables_agree()).then_some(tally)
    }

    /// Whether the patients at over-dosing doses (the bits of `overdose`),
    /// per N, are those the per-dose table holds there.
    pub fn overdose_agrees(&self, overdose: u32) -> bool {
        let width = self.shape.width();
        let (mut counted, mut from_doses) = (vec![0u128; width], vec![0u128; width]);
        for (o, n, w) in self.overdosed_and_n() {
            counted[n] += o as u128 * u128::from(w);
        }
        for d in doses(overdose).take_while(|&d| d < self.shape.num_doses) {
            for (nd, n, w) in self.dose_n_and_n(d) {
                from_doses[n] += nd as u128 * u128::from(w);
            }
        }
        counted == from_doses
    }

    /// Whether the tables count the same trials: each trial is in every
    /// table once, so their margins must agree. Per N, the trials of
    /// (DLTs, N) and of (N_over, N) are as many, and their patients per dose
    /// add up to N each; per dose, (n_d, N) and x_d count the same trials;
    /// and the DLTs per dose add up to the total DLTs. Sums are taken in
    /// u128, so no cell, however large, can wrap one into agreement.
    fn tables_agree(&self) -> bool {
        let width = self.shape.width();
        let k = self.shape.num_doses;
        let wide = u128::from;
        let mut by_n = vec![0u128; width];
        let mut over_by_n = vec![0u128; width];
        let mut patients_by_n = vec![0u128; width];
        let mut dlts = 0u128;
        for (x, n, w) in self.dlts_and_n() {
            by_n[n] += wide(w);
            dlts += x as u128 * wide(w);
        }
        for (_, n, w) in self.overdosed_and_n() {
            over_by_n[n] += wide(w);
        }
        let mut dose_dlts = 0u128;
        for d in 0..k {
            let mut treated = 0u128;
            for (nd, n, w) in self.dose_n_and_n(d) {
                // A trial that treated the dose gave it at least one patient
                // and no more than the trial's.
                if nd == 0 || nd > n {
                    return false;
                }
                treated += wide(w);
                patients_by_n[n] += nd as u128 * wide(w);
            }
            let mut treated_x = 0u128;
            for (x, w) in self.dose_dlts(d) {
                treated_x += wide(w);
                dose_dlts += x as u128 * wide(w);
            }
            if treated != treated_x || treated > wide(self.total) {
                return false;
            }
        }
        let patients_agree = (0..width).all(|n| patients_by_n[n] == n as u128 * by_n[n]);
        by_n == over_by_n && patients_agree && dose_dlts == dlts
    }
}

#[inline(always)]
fn stop_cell(reason: StopReason, mtd: Option<usize>) -> usize {
    reason.index() * 2 + usize::from(mtd.is_none())
}

/// The figures that paired comparisons difference, per trial: whether the
/// selected dose is the true MTD, whether it over-doses, N, total DLTs and
/// patients at over-dosing doses. Their means are `pcs`, `p_select_overdose`,
/// `mean_n`, `mean_dlt` and `mean_n_overdose`.
pub const HEADLINES: [&str; 5] = [
    "pcs",
    "p_select_overdose",
    "mean_n",
    "mean_dlt",
    "mean_n_overdose",
];

/// One trial's [`HEADLINES`] values.
pub type Headline = [u32; HEADLINES.len()];

/// Per-trial sums over designs run on the same simulated patients: what the
/// paired standard error of a difference between two designs needs, which
/// the per-design tallies cannot give (they lose which trial was which).
/// Integer sums, so it merges by addition like [`Tally`].
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PairTally {
    designs: usize,
    trials: u64,
    /// `[design][figure]`: Σ v.
    sum: Vec<u64>,
    /// `[design][figure]`: Σ v².
    sum_sq: Vec<u64>,
    /// `[pair][figure]` for pairs (i, j), i < j, in lexicographic order: Σ v_i·v_j.
    cross: Vec<u64>,
}

impl PairTally {
    pub fn new(designs: usize) -> Self {
        let f = HEADLINES.len();
        PairTally {
            designs,
            trials: 0,
            sum: vec![0; designs * f],
            sum_sq: vec![0; designs * f],
            cross: vec![0; designs * designs.saturating_sub(1) / 2 * f],
        }
    }

    pub fn designs(&self) -> usize {
        self.designs
    }

    pub fn trials(&self) -> u64 {
        self.trials
    }

    /// Counts one trial: `values[d]` is design `d`'s outcome.
    #[inline]
    pub fn record(&mut self, values: &[Headline]) {
        debug_assert_eq!(values.len(), self.designs);
        let f = HEADLINES.len();
        self.trials += 1;
        let mut pair = 0;
        for (i, vi) in values.iter().enumerate() {
            for (k, &v) in vi.iter().enumerate() {
                let v = u64::from(v);
                self.sum[i * f + k] += v;
                self.sum_sq[i * f + k] += v * v;
            }
            for vj in &values[i + 1..] {
                for k in 0..f {
                    self.cross[pair * f + k] += u64::from(vi[k]) * u64::from(vj[k]);
                }
                pair += 1;
            }
        }
    }

    /// Whether the tables have the sizes `designs` designs need (a stored
    /// pair tally is checked before it is trusted).
    pub fn fits(&self, designs: usize) -> bool {
        let expected = PairTally::new(designs);
        self.designs == designs
            && self.sum.len() == expected.sum.len()
            && self.sum_sq.len() == expected.sum_sq.len()
            && self.cross.len() == expected.cross.len()
    }

    /// Whether these sums could have been counted with `tallies` (one per
    /// design, same trials) on a truth whose true MTD is `true_mtd` and whose
    /// over-dosing doses are the bits of `overdose`: each design's sums and
    /// sums of squares equal those the tally implies, and every pair's cross
    /// sums obey Cauchy–Schwarz and give a non-negative variance. A stored
    /// pair tally is checked this way before it is trusted.
    pub fn agrees_with(
        &self,
        tallies: &[Tally<u64>],
        true_mtd: Option<usize>,
        overdose: u32,
    ) -> bool {
        let f = HEADLINES.len();
        if !self.fits(tallies.len()) {
            return false;
        }
        if self.designs < 2 {
            return self.trials == 0 && self.sum.iter().chain(&self.sum_sq).all(|&v| v == 0);
        }
        let moments = |cells: &mut dyn Iterator<Item = (u64, u64)>| {
            cells.fold((0u128, 0u128), |(s, q), (v, w)| {
                let (v, w) = (u128::from(v), u128::from(w));
                (s + v * w, q + v * v * w)
            })
        };
        for (d, tally) in tallies.iter().enumerate() {
            if tally.total() != self.trials {
                return false;
            }
            let correct = u128::from(tally.selected(true_mtd));
            let over: u128 = doses(overdose)
                .filter(|&k| k < tally.shape().num_doses)
                .map(|k| u128::from(tally.selected(Some(k))))
                .sum();
            let expected = [
                (correct, correct),
                (over, over),
                moments(&mut tally.dlts_and_n().map(|(_, n, w)| (n as u64, w))),
                moments(&mut tally.dlts_and_n().map(|(x, _, w)| (x as u64, w))),
                moments(&mut tally.overdosed_and_n().map(|(o, _, w)| (o as u64, w))),
            ];
            for (k, (sum, sum_sq)) in expected.into_iter().enumerate() {
                if u128::from(self.sum[d * f + k]) != sum
                    || u128::from(self.sum_sq[d * f + k]) != sum_sq
                {
                    return false;
                }
            }
        }
        for a in 0..self.designs {
            for b in a + 1..self.designs {
                for k in 0..f {
                    let (qa, qb) = (self.sum_sq[a * f + k], self.sum_sq[b * f + k]);
                    let cross = u128::from(self.cross[self.pair_index(a, b) * f + k]);
                    let (sum, sum_sq) = self.difference_sums(a, b, k);
                    if cross * cross > u128::from(qa) * u128::from(qb)
                        || sum_sq * i128::from(self.trials) < sum * sum
                    {
                        return false;
                    }
                }
            }
        }
        true
    }

    /// Adds another pair tally over the same designs.
    pub fn merge(&mut self, other: &PairTally) {
        assert_eq!(
            self.designs, other.designs,
            "merging pair tallies of different designs"
        );
        self.trials += other.trials;
        for (mine, theirs) in [
            (&mut self.sum, &other.sum),
            (&mut self.sum_sq, &other.sum_sq),
            (&mut self.cross, &other.cross),
        ] {
            mine.iter_mut().zip(theirs).for_each(|(a, b)| *a += *b);
        }
    }

    /// Where pair (a, b), a < b, is: the pairs (a', ·) for a' < a come first,
    /// then b's place among a's partners.
    fn pair_index(&self, a: usize, b: usize) -> usize {
        a * (2 * self.designs - a - 1) / 2 + (b - a - 1)
    }

    /// Over the trials counted, Σ (v_a − v_b) and Σ (v_a − v_b)² for
    /// headline `figure` of designs `a` < `b`, exactly.
    pub fn difference_sums(&self, a: usize, b: usize, figure: usize) -> (i128, i128) {
        assert!(
            a < b && b < self.designs,
            "designs ({a}, {b}) of {}",
            self.designs
        );
        let f = HEADLINES.len();
        let pair = self.pair_index(a, b);
        let (sa, sb) = (self.sum[a * f + figure], self.sum[b * f + figure]);
        let (qa, qb) = (self.sum_sq[a * f + figure], self.sum_sq[b * f + figure]);
        let cross = self.cross[pair * f + figure];
        (
            i128::from(sa) - i128::from(sb),
            i128::from(qa) + i128::from(qb) - 2 * i128::from(cross),
        )
    }
}

/// The doses whose bits are set in `mask`, lowest first.
#[inline(always)]
pub fn doses(mut mask: u32) -> impl Iterator<Item = usize> {
    std::iter::from_fn(move || {
        (mask != 0).then(|| {
            let d = mask.trailing_zeros() as usize;
            mask &= mask - 1;
            d
        })
    })
}

/// Non-empty cells of a row-major table `[row][col]` with `width` columns.
fn cells<W: Weight>(table: &[W], width: usize) -> impl Iterator<Item = (usize, usize, W)> + '_ {
    table
        .iter()
        .enumerate()
        .filter(|(_, w)| **w != W::default())
        .map(move |(i, &w)| (i / width, i % width, w))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_and_merges() {
        let shape = Shape {
            num_doses: 3,
            max_per_dose: 6,
            max_n: 18,
        };
        let mut a = Tally::<u64>::new(shape);
        // "1NNN 2NTN 2NNN 3TTN": MTD dose 2 (storer), 12 patients, 3 DLTs.
        let end = TrialEnd {
            n: &[[3, 6, 3, 99].as_slice(), &[0; 28]].concat(),
            x: &[[0, 1, 2, 99].as_slice(), &[0; 28]].concat(),
            treated: 0b111,
            n_total: 12,
            x_total: 3,
            n_over: 3,
            mtd: Some(1),
            reason: StopReason::RuleEnd,
        };
        a.record(&end, 1);
        assert_eq!(Tally::from_counts(shape, &a.counts()), Some(a.clone()));
        let mut broken = a.counts();
        broken[1] += 1;
        assert_eq!(Tally::from_counts(shape, &broken), None);
        assert_eq!(Tally::from_counts(shape, &a.counts()[1..]), None);
        let mut b = a.clone();
        b.merge(&a);
        assert_eq!(b.total(), 2);
        assert_eq!(b.selected(Some(1)), 2);
        assert_eq!(b.stopped(StopReason::RuleEnd, false), 2);
        assert_eq!(b.stopped(StopReason::Safety, true), 0);
        assert_eq!(b.dlts_and_n().collect::<Vec<_>>(), vec![(3, 12, 2)]);
        assert_eq!(b.overdosed_and_n().collect::<Vec<_>>(), vec![(3, 12, 2)]);
        assert_eq!(b.dose_n_and_n(1).collect::<Vec<_>>(), vec![(6, 12, 2)]);
        assert_eq!(b.dose_dlts(2).collect::<Vec<_>>(), vec![(2, 2)]);
    }

    #[test]
    fn tables_that_disagree_are_refused() {
        use crate::design::{AbDesign, AbParams, Preset};
        use crate::engine::{McSettings, simulate};
        use crate::truth::Truth;
        let design = AbDesign::new(AbParams::three_plus_three(Preset::Korn), 3).unwrap();
        let truth = Truth::new("t", vec![0.1, 0.3, 0.5]).unwrap();
        let overdose = truth.overdose_mask(0.3);
        let settings = McSettings {
            trials: 2000,
            seed: 1,
            timing: None,
        };
        let tally = simulate(&design, &truth, 0.3, settings, &|_| {}).unwrap();
        let (shape, counts) = (tally.shape(), tally.counts());
        let accepted = |counts: &[u64]| {
            Tally::from_counts(shape, counts).is_some_and(|t| t.overdose_agrees(overdose))
        };
        assert!(accepted(&counts));
        // Where each table starts in `counts`.
        let (k, w, per_dose) = (shape.num_doses, shape.width(), shape.max_per_dose + 1);
        let over_by_n = 1 + (k + 1) + 2 * StopReason::ALL.len() + w * w;
        let dose_n_by_n = over_by_n + w * w;
        let dose_x = dose_n_by_n + k * per_dose * w;
        let first_used = |from: usize| from + counts[from..].iter().position(|&c| c > 0).unwrap();
        // One per-dose DLT cell raised by 1000 (what a fuzzer did: the
        // per-dose DLTs then add up to more than the total).
        let mut edited = counts.clone();
        edited[first_used(dose_x)] += 1000;
        assert!(!accepted(&edited));
        // A per-dose allocation cell set to 2^64 − 1.
        let mut edited = counts.clone();
        edited[first_used(dose_n_by_n)] = u64::MAX;
        assert!(!accepted(&edited));
        // One trial moved to one more patient at over-dosing doses: every
        // table still sums to the total, but the doses say otherwise.
        let mut edited = counts.clone();
        let cell = first_used(over_by_n);
        edited[cell] -= 1;
        edited[cell + w] += 1;
        assert!(Tally::from_counts(shape, &edited).is_some());
        assert!(!accepted(&edited));
    }

    #[test]
    fn pair_sums_are_those_of_the_differences() {
        // Three designs, two trials; headline 2 (N) by hand.
        let trials: [[Headline; 3]; 2] = [
            [[1, 0, 9, 1, 0], [0, 1, 12, 3, 6], [0, 1, 15, 4, 6]],
            [[0, 0, 6, 2, 3], [0, 0, 6, 2, 3], [1, 0, 18, 3, 0]],
        ];
        let mut t = PairTally::new(3);
        for values in &trials {
            t.record(values);
        }
        let mut merged = PairTally::new(3);
        merged.merge(&t);
        assert_eq!(merged, t);
        // (0, 1): differences -3 and 0; (0, 2): -6 and -12; (1, 2): -3 and -12.
        assert_eq!(t.difference_sums(0, 1, 2), (-3, 9));
        assert_eq!(t.difference_sums(0, 2, 2), (-18, 180));
        assert_eq!(t.difference_sums(1, 2, 2), (-15, 153));
        // pcs of (0, 2): differences 1 and -1.
        assert_eq!(t.difference_sums(0, 2, 0), (0, 2));
        assert_eq!(t.trials(), 2);
    }
}
