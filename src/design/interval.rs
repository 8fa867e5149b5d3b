//! The model-assisted interval designs: BOIN (Liu & Yuan 2015), mTPI-2 (Guo
//! et al. 2017) and i3+3 (Liu, Wang & Ji 2020).
//!
//! All three decide from the patients `n` and DLTs `y` at the current dose
//! only, so each is a table n × y → E (escalate) / S (stay) / D (de-escalate) /
//! U (eliminate this and every higher dose, then de-escalate; stop at the
//! lowest dose), built once at construction; [`Design::decide`] is a lookup.
//!
//! The rules mirror R: BOIN 2.7.2 (`get.boundary`, `get.oc` with
//! titration = FALSE and extrasafe = FALSE, `select.mtd`) and FIND
//! (`run_sim_mtpi2`, `run_sim_i3plus3`, `select_mtd`). Every rule, with the R
//! line it mirrors, is in `tests/data/validation-designs/README.md`.
//!
//! Where this code departs from R (documented at the place):
//! - U always de-escalates. FIND applies its E/S/D rule after an elimination,
//!   so with unusual parameters (a wide EI, a low cutoff) it could keep
//!   treating an eliminated dose; with the validated settings every reachable
//!   U cell is D there too. Likewise BOIN: were y ≤ λe·n and y eliminating at
//!   once (a phi1 near the target with a low cutoff), R would try to escalate,
//!   find the next dose eliminated and stay; here it de-escalates. Its
//!   defaults never meet this (λd·n ≤ the elimination bound).
//! - With one dose, E at dose 1 stays (FIND's code fails there).
//! - i3+3 compares y/n with the EI bounds with a 1e-9 tolerance, so a ratio
//!   that equals a bound in decimal (3/12 = 0.25) is on it, whatever the
//!   bound's binary rounding.

use super::{Decision, Design, MAX_COHORT, MAX_SAMPLE_SIZE, Observed, StopReason, TableRow};
use crate::stats::{PAVA_MAX, beta_cdf_int, pava, posterior_above};
use crate::truth::MAX_DOSES;

/// Which interval design.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IntervalKind {
    Boin,
    Mtpi2,
    I3plus3,
}

impl IntervalKind {
    pub const ALL: [IntervalKind; 3] = [
        IntervalKind::Boin,
        IntervalKind::Mtpi2,
        IntervalKind::I3plus3,
    ];

    /// Its name as the literature writes it: BOIN, mTPI-2, i3+3.
    pub fn label(self) -> &'static str {
        match self {
            IntervalKind::Boin => "BOIN",
            IntervalKind::Mtpi2 => "mTPI-2",
            IntervalKind::I3plus3 => "i3+3",
        }
    }

    /// Its name in files.
    pub fn name(self) -> &'static str {
        match self {
            IntervalKind::Boin => "boin",
            IntervalKind::Mtpi2 => "mtpi2",
            IntervalKind::I3plus3 => "i3+3",
        }
    }
}

/// Parameters of an interval design, as a user states them; `None` means the
/// default (see [`IntervalParams::new`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct IntervalParams {
    pub kind: IntervalKind,
    /// Target DLT probability φ.
    pub target: f64,
    pub cohort_size: u32,
    /// Maximum sample size: a multiple of `cohort_size`.
    pub max_n: u32,
    /// First dose, 1-based.
    pub start_dose: usize,
    /// Stop early when the dose about to be given already holds this many
    /// patients (BOIN's `n.earlystop`, FIND's rule: they differ); `None`: off.
    pub stop_n_at_dose: Option<u32>,
    /// Safety elimination: a dose with n ≥ 3 and P(p > φ | data) above this
    /// cutoff is removed with every higher dose; `None`: no elimination.
    pub elimination: Option<f64>,
    /// BOIN: the highest toxicity deemed sub-therapeutic (default 0.6·φ).
    pub phi1: Option<f64>,
    /// BOIN: the lowest toxicity deemed overly toxic (default 1.4·φ).
    pub phi2: Option<f64>,
    /// mTPI-2 / i3+3: the equivalence interval is [φ − ε1, φ + ε2] (default
    /// 0.05 each).
    pub epsilon1: Option<f64>,
    pub epsilon2: Option<f64>,
}

impl IntervalParams {
    /// The defaults of BOIN's `get.oc` and FIND: cohorts of 3 from dose 1,
    /// elimination at 0.95, no early stop.
    pub fn new(kind: IntervalKind, target: f64, max_n: u32) -> Self {
        IntervalParams {
            kind,
            target,
            cohort_size: 3,
            max_n,
            start_dose: 1,
            stop_n_at_dose: None,
            elimination: Some(0.95),
            phi1: None,
            phi2: None,
            epsilon1: None,
            epsilon2: None,
        }
    }
}

/// A parameter out of range, or one that belongs to another kind of design.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {problem}")]
pub struct IntervalError {
    pub field: &'static str,
    pub problem: String,
}

fn err<T>(field: &'static str, problem: impl Into<String>) -> Result<T, IntervalError> {
    Err(IntervalError {
        field,
        problem: problem.into(),
    })
}

use super::letters::{DEESCALATE, ELIMINATE, ESCALATE, STAY};

/// Within this of an EI bound, i3+3's y/n counts as on it.
const ON_BOUND: f64 = 1e-9;

/// The rule of one kind, with its derived constants.
#[derive(Debug, Clone, PartialEq)]
enum Rule {
    Boin {
        lambda_e: f64,
        lambda_d: f64,
    },
    /// `breaks`: the ends of the UPM intervals from 0 to 1; `ei`: the index
    /// of the equivalence interval [breaks[ei], breaks[ei + 1]].
    Mtpi2 {
        breaks: Vec<f64>,
        ei: usize,
    },
    I3plus3 {
        lower: f64,
        upper: f64,
    },
}

/// An interval design validated for a number of doses, with its decision
/// table.
#[derive(Debug, Clone, PartialEq)]
pub struct IntervalDesign {
    params: IntervalParams,
    num_doses: usize,
    /// Effective phi1/phi2 (BOIN) or epsilon1/epsilon2 (the others).
    spread: (f64, f64),
    rule: Rule,
    /// `[n]`: smallest y that eliminates (n ≥ 3), `None` where none does.
    elim: Vec<Option<u32>>,
    /// `[n * (max_n + 1) + y]`: the letter for y DLTs in n patients.
    letters: Vec<u8>,
    /// Same index: select.mtd's estimate (y + 0.05)/(n + 0.1) and its PAVA
    /// weight 1/var, computed once rather than once per trial.
    estimates: Vec<(f64, f64)>,
}

/// Smallest y with P(p > target | y of n) > cutoff, for n ≥ 3 (BOIN
/// get.boundary.R 160–177; FIND b.DU).
fn elimination_boundary(target: f64, cutoff: Option<f64>, n: u32) -> Option<u32> {
    let cutoff = cutoff?;
    if n < 3 {
        return None;
    }
    (0..=n).find(|&y| posterior_above(target, y, n) > cutoff)
}

/// The UPM intervals of mTPI-2 (FIND run_sim_mtpi2.R, step 1): the EI, then
/// intervals of its width outwards to 0 and to 1, the end pieces truncated.
/// R treats a distance that is a whole number of widths up to 1.5e-8 as
/// exactly tiled (no sliver); so do we, with 1e-9 on the ratio.
fn upm_breaks(lower: f64, upper: f64) -> (Vec<f64>, usize) {
    let width = upper - lower;
    let pieces = |dist: f64| -> usize {
        let ratio = dist / width;
        let whole = ratio.round();
        if (ratio - whole).abs() < 1e-9 {
            whole as usize
        } else {
            ratio.ceil() as usize
        }
    };
    let below = pieces(lower);
    let above = pieces(1.0 - upper);
    let mut breaks = Vec::with_capacity(below + above + 2);
    breaks.push(0.0);
    for i in (1..below).rev() {
        breaks.push(lower - i as f64 * width);
    }
    breaks.push(lower);
    breaks.push(upper);
    for i in 1..above {
        breaks.push(upper + i as f64 * width);
    }
    breaks.push(1.0);
    (breaks, below)
}

impl Rule {
    /// E, S or D for y DLTs in n ≥ 1 patients, before elimination.
    fn letter(&self, n: u32, y: u32) -> u8 {
        match *self {
            Rule::Boin { lambda_e, lambda_d } => {
                let nf = f64::from(n);
                // get.boundary.R 152–154, in double as R.
                let b_e = (lambda_e * nf).floor();
                let ld = lambda_d * nf;
                let b_d = if (ld.round() - ld).abs() < 1e-12 {
                    ld.round() + 1.0
                } else {
                    ld.ceil()
                };
                let y = f64::from(y);
                if y <= b_e {
                    ESCALATE
                } else if y >= b_d {
                    DEESCALATE
                } else {
                    STAY
                }
            }
            Rule::Mtpi2 { ref breaks, ei } => {
                let winner = upm_winner(breaks, n, y);
                match winner.cmp(&ei) {
                    std::cmp::Ordering::Less => ESCALATE,
                    std::cmp::Ordering::Equal => STAY,
                    std::cmp::Ordering::Greater => DEESCALATE,
                }
            }
            Rule::I3plus3 { lower, upper } => {
                let nf = f64::from(n);
                let below = |r: f64| r < lower && (r - lower).abs() > ON_BOUND;
                let above = |r: f64| r > upper && (r - upper).abs() > ON_BOUND;
                let r = f64::from(y) / nf;
                if below(r) {
                    ESCALATE
                } else if !above(r) {
                    STAY
                } else if below((f64::from(y) - 1.0) / nf) {
                    // One DLT fewer would be below the EI: too little evidence
                    // to de-escalate.
                    STAY
                } else {
                    DEESCALATE
                }
            }
        }
    }
}

/// Index of the interval with the largest unit probability mass under
/// Beta(1 + y, 1 + n − y), the first on a tie (`which.max`).
///
/// Only the interval holding the posterior mode y/n and its two neighbours can
/// win: the density rises strictly up to the mode and falls after it, so an
/// interval wholly left of the mode's neighbour is beaten by the one to its
/// right (shifted by a width, the density is pointwise higher; a truncated end
/// piece averages below its inner end), and symmetrically on the right.
/// Checking three keeps the table cheap for narrow intervals.
fn upm_winner(breaks: &[f64], n: u32, y: u32) -> usize {
    let count = breaks.len() - 1;
    let mode = f64::from(y) / f64::from(n);
    let holding = (1..count).take_while(|&i| breaks[i] <= mode).count();
    let (a, b) = (1 + y, 1 + n - y);
    let mut best = (usize::MAX, f64::NEG_INFINITY);
    for i in holding.saturating_sub(1)..=(holding + 1).min(count - 1) {
        let (lo, hi) = (breaks[i], breaks[i + 1]);
        let upm = (beta_cdf_int(hi, a, b) - beta_cdf_int(lo, a, b)) / (hi - lo);
        if upm > best.1 {
            best = (i, upm);
        }
    }
    best.0
}

impl IntervalDesign {
    /// Checks the parameters and builds the decision table.
    pub fn new(params: IntervalParams, num_doses: usize) -> Result<Self, IntervalError> {
        let p = params;
        let target = p.target;
        if !(target > 0.0 && target < 1.0) {
            return err("target", format!("{target} is not in (0, 1)"));
        }
        if num_doses == 0 || num_doses > MAX_DOSES {
            return err(
                "num_doses",
                format!("{num_doses} doses: expected 1 to {MAX_DOSES}"),
            );
        }
        if p.cohort_size == 0 || p.cohort_size > MAX_COHORT {
            return err(
                "cohort_size",
                format!("{}: expected 1 to {MAX_COHORT}", p.cohort_size),
            );
        }
        if p.max_n < p.cohort_size || p.max_n % p.cohort_size != 0 || p.max_n > MAX_SAMPLE_SIZE {
            return err(
                "max_n",
                format!(
                    "{}: expected a multiple of the cohort size {} from {} to {MAX_SAMPLE_SIZE}",
                    p.max_n, p.cohort_size, p.cohort_size
                ),
            );
        }
        if p.start_dose == 0 || p.start_dose > num_doses {
            return err(
                "start_dose",
                format!("{}: expected a dose from 1 to {num_doses}", p.start_dose),
            );
        }
        if p.stop_n_at_dose == Some(0) {
            return err("stop_n_at_dose", "0: expected at least 1 (or off)");
        }
        if let Some(c) = p.elimination
            && !(c > 0.0 && c < 1.0)
        {
            return err("elimination", format!("cutoff {c} is not in (0, 1)"));
        }
        let (spread, rule) = match p.kind {
            IntervalKind::Boin => {
                if p.epsilon1.is_some() {
                    return err("epsilon1", "belongs to mtpi2 and i3+3, not boin");
                }
                if p.epsilon2.is_some() {
                    return err("epsilon2", "belongs to mtpi2 and i3+3, not boin");
                }
                // get.oc's defaults, p.saf = 0.6 * target, in double as R.
                let phi1 = p.phi1.unwrap_or(0.6 * target);
                let phi2 = p.phi2.unwrap_or(1.4 * target);
                if !(phi1 > 0.0 && phi1 < target) {
                    return err(
                        "phi1",
                        format!("{phi1}: expected 0 < phi1 < target {target}"),
                    );
                }
                if !(phi2 > target && phi2 < 1.0) {
                    return err(
                        "phi2",
                        format!("{phi2}: expected target {target} < phi2 < 1"),
                    );
                }
                // get.oc.R 146–149.
                let lambda_e = ((1.0 - phi1) / (1.0 - target)).ln()
                    / (target * (1.0 - phi1) / (phi1 * (1.0 - target))).ln();
                let lambda_d = ((1.0 - target) / (1.0 - phi2)).ln()
                    / (phi2 * (1.0 - target) / (target * (1.0 - phi2))).ln();
                ((phi1, phi2), Rule::Boin { lambda_e, lambda_d })
            }
            IntervalKind::Mtpi2 | IntervalKind::I3plus3 => {
                let other = p.kind.name();
                if p.phi1.is_some() {
                    return err("phi1", format!("belongs to boin, not {other}"));
                }
                if p.phi2.is_some() {
                    return err("phi2", format!("belongs to boin, not {other}"));
                }
                let e1 = p.epsilon1.unwrap_or(0.05);
                let e2 = p.epsilon2.unwrap_or(0.05);
                if !(e1 > 0.0 && e1 < target) {
                    return err(
                        "epsilon1",
                        format!("{e1}: expected 0 < epsilon1 < target {target}"),
                    );
                }
                if !(e2 > 0.0 && e2 < 1.0 - target) {
                    return err(
                        "epsilon2",
                        format!("{e2}: expected 0 < epsilon2 < 1 − target {}", 1.0 - target),
                    );
                }
                let (lower, upper) = (target - e1, target + e2);
                let rule = if p.kind == IntervalKind::Mtpi2 {
                    let (breaks, ei) = upm_breaks(lower, upper);
                    Rule::Mtpi2 { breaks, ei }
                } else {
                    Rule::I3plus3 { lower, upper }
                };
                ((e1, e2), rule)
            }
        };
        let elim: Vec<Option<u32>> = (0..=p.max_n)
            .map(|n| elimination_boundary(target, p.elimination, n))
            .collect();
        let stride = p.max_n as usize + 1;
        let mut letters = vec![STAY; stride * stride];
        for n in 1..=p.max_n {
            for y in 0..=n {
                letters[n as usize * stride + y as usize] =
                    letter_of(&rule, elim[n as usize], n, y);
            }
        }
        let mut estimates = vec![(0.0, 0.0); stride * stride];
        for n in 1..=p.max_n {
            for y in 0..=n {
                estimates[n as usize * stride + y as usize] = estimate(n, y);
            }
        }
        Ok(IntervalDesign {
            params: p,
            num_doses,
            spread,
            rule,
            elim,
            letters,
            estimates,
        })
    }

    pub fn params(&self) -> &IntervalParams {
        &self.params
    }

    pub fn kind(&self) -> IntervalKind {
        self.params.kind
    }

    /// BOIN's (λe, λd); `None` for the other kinds.
    pub fn lambdas(&self) -> Option<(f64, f64)> {
        match self.rule {
            Rule::Boin { lambda_e, lambda_d } => Some((lambda_e, lambda_d)),
            _ => None,
        }
    }

    /// The equivalence interval [φ − ε1, φ + ε2]; `None` for BOIN.
    pub fn equivalence_interval(&self) -> Option<(f64, f64)> {
        match self.params.kind {
            IntervalKind::Boin => None,
            _ => Some((
                self.params.target - self.spread.0,
                self.params.target + self.spread.1,
            )),
        }
    }

    /// Smallest y that eliminates a dose with n patients (any n), if any.
    pub fn elimination_dlt_ge(&self, n: u32) -> Option<u32> {
        match self.elim.get(n as usize) {
            Some(&e) => e,
            None => elimination_boundary(self.params.target, self.params.elimination, n),
        }
    }

    /// The decision letter (E, S, D or U) for y DLTs in n ≥ 1 patients, any
    /// n; S for n = 0 or y > n.
    pub fn letter(&self, n: u32, y: u32) -> u8 {
        if n == 0 || y > n {
            return STAY;
        }
        if n <= self.params.max_n {
            self.stored(n, y)
        } else {
            letter_of(&self.rule, self.elimination_dlt_ge(n), n, y)
        }
    }

    #[inline(always)]
    fn stored(&self, n: u32, y: u32) -> u8 {
        self.letters[n as usize * (self.params.max_n as usize + 1) + y as usize]
    }

    /// The decision table for n = 1..=`max_n` (which may exceed the design's).
    pub fn table(&self, max_n: u32) -> Vec<TableRow> {
        (1..=max_n)
            .map(|n| TableRow::new(n, (0..=n).map(|y| char::from(self.letter(n, y))).collect()))
            .collect()
    }

    /// Whether the data y of n eliminate the dose.
    #[inline(always)]
    fn eliminates(&self, n: u32, y: u32) -> bool {
        n >= 3 && self.letter(n, y) == ELIMINATE
    }

    /// The MTD (0-based) from the final data, as BOIN's `select.mtd`
    /// (extrasafe = FALSE, boundMTD = FALSE) and FIND's `select_mtd`: isotonic
    /// estimates of (y + 0.05)/(n + 0.1) over the tried doses below the lowest
    /// dose the final data eliminate, closest to the target. `None` if dose 1
    /// is eliminated. No allocation.
    ///
    /// With elimination off, no dose is eliminated here either.
    pub fn select_mtd(&self, n: &[u32], y: &[u32]) -> Option<usize> {
        let k = n.len().min(y.len()).min(PAVA_MAX);
        // Recomputed from the final data, not the in-trial flags
        // (select.mtd.R 76–85): BOIN's last cohort was never checked.
        let allowed = (0..k).find(|&d| self.eliminates(n[d], y[d])).unwrap_or(k);
        let mut phat = [0.0f64; PAVA_MAX];
        let mut weight = [0.0f64; PAVA_MAX];
        let mut index = [0usize; PAVA_MAX];
        let mut m = 0;
        let max_n = self.params.max_n;
        for d in (0..allowed).filter(|&d| n[d] > 0) {
            (phat[m], weight[m]) = if n[d] <= max_n && y[d] <= n[d] {
                self.estimates[n[d] as usize * (max_n as usize + 1) + y[d] as usize]
            } else {
                estimate(n[d], y[d])
            };
            index[m] = d;
            m += 1;
        }
        if m == 0 {
            return None;
        }
        pava(&mut phat[..m], &weight[..m]);
        let target = self.params.target;
        // `+ (1:k) * 1e-10`, then the first minimum (`sort(...)$ix[1]`): ties
        // in a pooled block go up below the target, down above it.
        let mut best = (0, f64::INFINITY);
        for (j, &p) in phat[..m].iter().enumerate() {
            let dist = (p + (j + 1) as f64 * 1e-10 - target).abs();
            if dist < best.1 {
                best = (j, dist);
            }
        }
        Some(index[best.0])
    }

    /// Every effective parameter, for a long-format designs.csv.
    pub fn parameters(&self) -> Vec<(&'static str, String)> {
        let p = &self.params;
        let mut out = vec![
            ("kind", p.kind.name().to_string()),
            ("target", p.target.to_string()),
            ("cohort_size", p.cohort_size.to_string()),
            ("max_n", p.max_n.to_string()),
            ("start_dose", p.start_dose.to_string()),
            (
                "stop_n_at_dose",
                p.stop_n_at_dose.map_or(String::new(), |s| s.to_string()),
            ),
            (
                "elimination",
                p.elimination.map_or("false".to_string(), |c| c.to_string()),
            ),
        ];
        match self.rule {
            Rule::Boin { lambda_e, lambda_d } => out.extend([
                ("phi1", self.spread.0.to_string()),
                ("phi2", self.spread.1.to_string()),
                ("lambda_e", lambda_e.to_string()),
                ("lambda_d", lambda_d.to_string()),
            ]),
            _ => {
                let (lo, hi) = self.equivalence_interval().unwrap_or_default();
                out.extend([
                    ("epsilon1", self.spread.0.to_string()),
                    ("epsilon2", self.spread.1.to_string()),
                    ("ei_lower", lo.to_string()),
                    ("ei_upper", hi.to_string()),
                ]);
            }
        }
        out
    }

    /// The end of a trial with the MTD chosen from its data.
    fn stop(&self, seen: &Observed<'_>, reason: StopReason) -> Decision {
        let mtd = self.select_mtd(seen.n, seen.x);
        // At max_n, dose 1 too toxic by the final data is a safety stop too.
        let reason = if mtd.is_none() && reason == StopReason::MaxSampleSize {
            StopReason::Safety
        } else {
            reason
        };
        Decision::Stop { mtd, reason }
    }

    /// Whether the trial, now at `dose − 1`, may not escalate to `dose`
    /// because it is eliminated. The flags are not stored: a dose is checked
    /// after every cohort at it and never treated after its elimination, so
    /// its data still show it, which keeps `decide` a function of (n, x,
    /// current). Only `dose` itself needs looking at: an eliminated lower dose
    /// would have eliminated the current one, where the trial cannot be.
    #[inline(always)]
    fn eliminated(&self, seen: &Observed<'_>, dose: usize) -> bool {
        self.eliminates(seen.n[dose], seen.x[dose])
    }
}

/// select.mtd's estimate of a dose's DLT probability and its PAVA weight
/// 1/var, in R's order of operations.
fn estimate(n: u32, y: u32) -> (f64, f64) {
    let (nf, yf) = (f64::from(n), f64::from(y));
    let phat = (yf + 0.05) / (nf + 0.1);
    let var = (yf + 0.05) * (nf - yf + 0.05) / ((nf + 0.1) * (nf + 0.1) * (nf + 0.1 + 1.0));
    (phat, 1.0 / var)
}

/// The letter of a cell: U where the data eliminate, else the rule's.
fn letter_of(rule: &Rule, elim: Option<u32>, n: u32, y: u32) -> u8 {
    if elim.is_some_and(|e| y >= e) {
        ELIMINATE
    } else {
        rule.letter(n, y)
    }
}

impl Design for IntervalDesign {
    fn num_doses(&self) -> usize {
        self.num_doses
    }

    fn max_cohort(&self) -> u32 {
        self.params.cohort_size
    }

    fn max_patients_per_dose(&self) -> u32 {
        self.params.max_n
    }

    fn max_sample_size(&self) -> u32 {
        self.params.max_n
    }

    fn start(&self) -> Decision {
        Decision::Treat {
            dose: self.params.start_dose - 1,
            patients: self.params.cohort_size,
        }
    }

    #[inline]
    fn decide(&self, seen: &Observed<'_>) -> Decision {
        let p = &self.params;
        let d = seen.current;
        let total: u32 = seen.n.iter().sum();
        let boin = p.kind == IntervalKind::Boin;
        // BOIN: after the last cohort, `break` before any check (get.oc.R 193–199).
        if boin && total >= p.max_n {
            return self.stop(seen, StopReason::MaxSampleSize);
        }
        let letter = self.letter(seen.n[d], seen.x[d]);
        if letter == ELIMINATE && d == 0 {
            return Decision::Stop {
                mtd: None,
                reason: StopReason::Safety,
            };
        }
        let next = match letter {
            ESCALATE if d + 1 < self.num_doses && !self.eliminated(seen, d + 1) => d + 1,
            DEESCALATE | ELIMINATE if d > 0 => d - 1,
            _ => d,
        };
        if boin {
            // n.earlystop (get.oc.R 227–233): enough patients at d and the
            // design would stay at d.
            if p.stop_n_at_dose.is_some_and(|s| seen.n[d] >= s) && next == d {
                return self.stop(seen, StopReason::EnoughAtDose);
            }
        } else {
            // FIND checks elimination and moves after the last cohort too; a
            // trial that used every patient ends for that reason, even when
            // the n-at-dose rule holds as well (the MTD is the same).
            if total >= p.max_n {
                return self.stop(seen, StopReason::MaxSampleSize);
            }
            // FIND: enough patients at the dose about to be given.
            if p.stop_n_at_dose.is_some_and(|s| seen.n[next] >= s) {
                return self.stop(seen, StopReason::EnoughAtDose);
            }
        }
        Decision::Treat {
            dose: next,
            patients: p.cohort_size,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn upm_intervals_tile_outwards() {
        // φ = 0.3: EI [0.25, 0.35]; below 0.15–0.25, 0.05–0.15, 0–0.05.
        let (b, ei) = upm_breaks(0.3 - 0.05, 0.3 + 0.05);
        assert_eq!(ei, 3);
        assert_eq!(b.len(), 3 + 1 + 7 + 1);
        assert_eq!((b[0], b[b.len() - 1]), (0.0, 1.0));
        assert!((b[1] - 0.05).abs() < 1e-15 && (b[10] - 0.95).abs() < 1e-15);
        // φ = 0.25: EI [0.2, 0.3] tiles exactly, no slivers.
        let (b, ei) = upm_breaks(0.25 - 0.05, 0.25 + 0.05);
        assert_eq!((ei, b.len()), (2, 11));
        assert!(b.windows(2).all(|w| w[1] - w[0] > 0.099));
    }

    #[test]
    fn upm_winner_agrees_with_a_full_search() {
        for (lo, hi) in [
            (0.25, 0.35),
            (0.2, 0.3),
            (0.17, 0.23),
            (0.1, 0.45),
            (0.28, 0.31),
        ] {
            let (breaks, _) = upm_breaks(lo, hi);
            for n in 1..=40u32 {
                for y in 0..=n {
                    let (a, b) = (1 + y, 1 + n - y);
                    let mut best = (0, f64::NEG_INFINITY);
                    for i in 0..breaks.len() - 1 {
                        let (l, h) = (breaks[i], breaks[i + 1]);
                        let upm = (beta_cdf_int(h, a, b) - beta_cdf_int(l, a, b)) / (h - l);
                        if upm > best.1 {
                            best = (i, upm);
                        }
                    }
                    assert_eq!(upm_winner(&breaks, n, y), best.0, "EI {lo}–{hi}, {y}/{n}");
                }
            }
        }
    }
}
