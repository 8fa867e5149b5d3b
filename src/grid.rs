//! Truth grids: `[[grid]]` tables of a scenario file that generate true
//! dose–toxicity curves instead of listing them one by one.
//!
//! Three models (the file format, with worked examples, is in docs/grids.md):
//!
//! * `logistic`: p_d = 1 / (1 + exp(−(a + b·x_d))) for a dose covariate `x`,
//!   over every (a, b) pair of the grid, `a` outer and `b` inner.
//! * `power` (the CRM's "skeleton" model): p_d = skeleton_d ^ exp(β), over
//!   every β of the grid.
//! * `random`: `curves` random monotone curves around the scenario's target,
//!   drawn by the pseudo-uniform algorithm of Clertant & O'Quigley (2017).
//!
//! A parameter is a single number, an explicit list, or a range
//! `{ from, to, steps }` whose points are from + i·(to − from)/(steps − 1),
//! i = 0 … steps − 1, computed as ((steps − 1 − i)·from + i·to)/(steps − 1)
//! so that round grids stay round; the first is exactly `from` and the last
//! exactly `to`.
//!
//! # The random curves
//!
//! The pseudo-uniform algorithm as Zhou, Murray, Pan & Yuan (2018,
//! Statistics in Medicine 37(14):2208–2222) state it, crediting Clertant &
//! O'Quigley (2017, JRSS-B 79(5):1487–1508), for K doses and target φ:
//!
//! 1. draw the MTD position j uniformly from 1 … K;
//! 2. draw M ~ Beta(max(K − j, 0.5), 1) and set B = φ + (1 − φ)·M;
//! 3. draw K probabilities uniformly on [0, B] and sort them, again and again,
//!    until dose j is the one closest to φ.
//!
//! Steps 1 and 2 are done as written (M by inversion, M = U^(1/α)). Step 3 is a
//! rejection loop whose acceptance rate can be tiny (about 2·10^-5 for K = 32,
//! φ = 0.3, j = 1 and B near 1; less still for targets near 0 or 1), so it is
//! replaced by a direct draw from the very distribution the loop produces:
//! the sorted sample conditioned on dose j being closest. Write v = p_j and d = |v − φ|. Dose j is closest exactly
//! when the j − 1 doses below lie in [0, φ − d) and the K − j above in
//! (φ + d, B]. So d (with the side of φ that v falls on) has density
//! proportional to (φ − d)^(j−1) · (B − φ − d)^(K−j) on its admissible range,
//! and given d the doses below and above are sorted uniforms on those two
//! intervals. [`random_curve`] draws d by inversion when one exponent is 0 and
//! by rejection from a (min − d)^n envelope otherwise (acceptance at least
//! 2/K), then the other doses. The unit tests check the result against the
//! literal rejection loop.
//!
//! Every curve is strictly increasing and its dose j is the dose closest to φ
//! (the first if tied, as [`crate::truth::MtdRule::Closest`]): a draw that
//! misses either because of floating-point ties is drawn again, up to 16
//! times. Only a target a few units in the last place below 1, where the
//! doses above it have no room to differ, exhausts that in practice; the
//! curve is then non-decreasing and the recorded position is its closest
//! dose.
//!
//! Random numbers come from the crate's counter-based [`Stream`]: the draws of
//! curve i sit at positions 2^63 + i·2^32 + n (n = 0, 1, …) of the stream of
//! the grid's `seed`. So curve i is the same whether 10 or 10 000 curves are
//! drawn, nothing depends on threads or on the simulation seed, and the
//! positions never meet those of simulated trials (below 2^48).

use crate::rng::Stream;
use crate::scenario::MAX_TRUTHS;
use crate::truth::{MAX_DOSES, Truth, TruthError};
use serde::{Deserialize, Serialize};

/// Seed of a random grid that does not give one. Fixed, and independent of
/// `[simulation] seed` and `--seed`, so a sweep's truths never change.
pub const DEFAULT_RANDOM_SEED: u64 = 1;

/// Where a truth of a scenario came from; `Scenario::truth_origins` holds one
/// per truth, in the same order.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TruthOrigin {
    /// The grid's name (its `name`, or its model when it has none); `None`
    /// for a `[[truth]]` of the file.
    pub grid: Option<String>,
    /// `"logistic"`, `"power"` or `"random"`; `None` for a `[[truth]]`.
    pub model: Option<&'static str>,
    /// The parameters that produced the curve: `a` and `b` (logistic), `beta`
    /// (power), `mtd_position` (random: the drawn MTD, 1-based).
    pub params: Vec<(String, f64)>,
}

impl TruthOrigin {
    /// The origin of a truth written out in the file.
    pub fn explicit() -> Self {
        TruthOrigin {
            grid: None,
            model: None,
            params: Vec::new(),
        }
    }

    pub fn is_explicit(&self) -> bool {
        self.grid.is_none()
    }

    /// The value of parameter `name`, if the curve has one.
    pub fn param(&self, name: &str) -> Option<f64> {
        self.params.iter().find(|(n, _)| n == name).map(|&(_, v)| v)
    }
}

/// True when no truth came from a grid (used to keep such scenarios' JSON as
/// it was).
pub fn all_explicit(origins: &[TruthOrigin]) -> bool {
    origins.iter().all(TruthOrigin::is_explicit)
}

/// The values one parameter of a grid takes.
#[derive(Debug, Clone, PartialEq)]
pub enum Axis {
    /// A single number or an explicit list, in file order.
    List(Vec<f64>),
    /// `steps` evenly spaced points from `from` to `to`, both included.
    Range { from: f64, to: f64, steps: u64 },
}

impl Axis {
    /// Number of values.
    pub fn len(&self) -> u64 {
        match self {
            Axis::List(v) => v.len() as u64,
            Axis::Range { steps, .. } => *steps,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Value `i` (0-based): from + i·(to − from)/(steps − 1) (see the
    /// module documentation for how it is rounded): exactly `from` for the
    /// first and `to` for the last.
    ///
    /// # Panics
    ///
    /// For a list, if `i` is not below [`Axis::len`].
    pub fn value(&self, i: u64) -> f64 {
        match self {
            Axis::List(v) => v[i as usize],
            Axis::Range { from, to, steps } => {
                if i + 1 >= *steps {
                    return *to;
                }
                if i == 0 {
                    return *from;
                }
                // The same point written ((n − i)·from + i·to)/n: one rounding
                // for round grids, so -3 … 0 in 31 steps gives -0.9, not
                // -0.8999999999999999. Where that overflows, from + i·(span/n).
                let (n, i) = ((steps - 1) as f64, i as f64);
                let point = ((n - i) * from + i * to) / n;
                if point.is_finite() {
                    point
                } else {
                    from + i * ((to - from) / n)
                }
            }
        }
    }

    fn values(&self) -> impl Iterator<Item = f64> + '_ {
        (0..self.len()).map(|i| self.value(i))
    }
}

/// A grid's model and its parameters, validated.
#[derive(Debug, Clone, PartialEq)]
pub enum Model {
    /// p_d = 1 / (1 + exp(−(a + b·x_d))).
    Logistic { x: Vec<f64>, a: Axis, b: Axis },
    /// p_d = skeleton_d ^ exp(beta).
    Power { skeleton: Vec<f64>, beta: Axis },
    /// `curves` random curves over `doses` doses around `target`.
    Random {
        doses: usize,
        curves: usize,
        seed: u64,
        target: f64,
    },
}

impl Model {
    /// The name of the model as a file writes it.
    pub fn kind(&self) -> &'static str {
        match self {
            Model::Logistic { .. } => "logistic",
            Model::Power { .. } => "power",
            Model::Random { .. } => "random",
        }
    }
}

/// A validated `[[grid]]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Grid {
    /// Prefix of the generated truths' names: the grid's `name`, or its model.
    pub name: String,
    pub model: Model,
}

impl Grid {
    /// Dose levels of each generated curve.
    pub fn num_doses(&self) -> usize {
        match &self.model {
            Model::Logistic { x, .. } => x.len(),
            Model::Power { skeleton, .. } => skeleton.len(),
            Model::Random { doses, .. } => *doses,
        }
    }

    /// Number of curves the grid generates (exact, without generating them).
    pub fn count(&self) -> u128 {
        match &self.model {
            Model::Logistic { a, b, .. } => u128::from(a.len()) * u128::from(b.len()),
            Model::Power { beta, .. } => u128::from(beta.len()),
            Model::Random { curves, .. } => *curves as u128,
        }
    }

    /// How [`Grid::count`] comes about, for messages: `"400 a × 400 b"`.
    pub fn count_terms(&self) -> String {
        match &self.model {
            Model::Logistic { a, b, .. } => format!("{} a × {} b", a.len(), b.len()),
            Model::Power { beta, .. } => format!("{} beta", beta.len()),
            Model::Random { curves, .. } => format!("curves = {curves}"),
        }
    }

    /// The grid's truths and their origins, in the documented order:
    /// logistic `a` outer and `b` inner; power `beta` in order; random curve
    /// 1, 2, …. It makes all [`Grid::count`] of them: a scenario checks that
    /// count against [`MAX_TRUTHS`] first.
    pub fn generate(&self) -> Result<(Vec<Truth>, Vec<TruthOrigin>), TruthError> {
        let n = usize::try_from(self.count()).unwrap_or(usize::MAX);
        let mut truths = Vec::with_capacity(n.min(MAX_TRUTHS));
        let mut origins = Vec::with_capacity(n.min(MAX_TRUTHS));
        let kind = self.model.kind();
        let mut push = |name: String, p: Vec<f64>, params: Vec<(String, f64)>| {
            truths.push(Truth::new(name, p)?);
            origins.push(TruthOrigin {
                grid: Some(self.name.clone()),
                model: Some(kind),
                params,
            });
            Ok::<(), TruthError>(())
        };
        match &self.model {
            Model::Logistic { x, a, b } => {
                for a in a.values() {
                    for b in b.values() {
                        let p = x.iter().map(|&x| logistic(a + b * x)).collect();
                        let name = format!("{} a={a} b={b}", self.name);
                        push(name, p, vec![("a".into(), a), ("b".into(), b)])?;
                    }
                }
            }
            Model::Power { skeleton, beta } => {
                for beta in beta.values() {
                    let p = skeleton.iter().map(|&s| power(s, beta)).collect();
                    let name = format!("{} beta={beta}", self.name);
                    push(name, p, vec![("beta".into(), beta)])?;
                }
            }
            Model::Random {
                doses,
                curves,
                seed,
                target,
            } => {
                let width = curves.to_string().len();
                for i in 0..*curves {
                    let curve = random_curve(*doses, *target, *seed, i as u64);
                    let name = format!("{} {:0width$}", self.name, i + 1);
                    let position = (curve.mtd + 1) as f64;
                    push(name, curve.p, vec![("mtd_position".into(), position)])?;
                }
            }
        }
        Ok((truths, origins))
    }
}

/// 1 / (1 + exp(−z)), computed so that it never leaves [0, 1] (±∞ give 1 and
/// 0).
pub fn logistic(z: f64) -> f64 {
    if z >= 0.0 {
        1.0 / (1.0 + (-z).exp())
    } else {
        let e = z.exp();
        e / (1.0 + e)
    }
}

/// skeleton ^ exp(beta): in [0, 1] for a skeleton value in (0, 1), 0 or 1
/// when exp(beta) overflows or underflows.
pub fn power(skeleton: f64, beta: f64) -> f64 {
    skeleton.powf(beta.exp())
}

/// One random curve and its drawn MTD.
#[derive(Debug, Clone, PartialEq)]
pub struct RandomCurve {
    /// P(DLT) per dose.
    pub p: Vec<f64>,
    /// The drawn MTD position, 0-based: the dose closest to the target.
    pub mtd: usize,
}

/// Redraws of step 3 when floating-point ties spoil a curve.
const MAX_ATTEMPTS: usize = 16;
/// Proposals of the gap d before the last one is kept; each is accepted with
/// probability at least 2/K ≥ 1/16, so running out has probability below
/// (15/16)^4096 < 10^-100.
const MAX_PROPOSALS: usize = 4096;
/// Positions of the grid draws: above every position a simulated trial reads.
const GRID_POSITIONS: u64 = 1 << 63;

/// Random curve `index` (0-based, below 2^31) of a random grid with this
/// `seed`, over `doses` doses (1 to [`MAX_DOSES`]) around `target` (strictly
/// between 0 and 1): see the module documentation. Other arguments give an
/// empty curve.
pub fn random_curve(doses: usize, target: f64, seed: u64, index: u64) -> RandomCurve {
    let valid = (1..=MAX_DOSES).contains(&doses) && target > 0.0 && target < 1.0;
    if !valid {
        return RandomCurve {
            p: Vec::new(),
            mtd: 0,
        };
    }
    let mut draws = Draws::new(seed, index);
    let k = doses;
    // Step 1: the MTD position, 0-based.
    let j = draws.below(k);
    // Step 2: M ~ Beta(max(K − j, 0.5), 1) with j 1-based, by inversion.
    let alpha = ((k - 1 - j) as f64).max(0.5);
    let m = draws.open01().powf(1.0 / alpha);
    let room = (1.0 - target) * m;
    let top = (target + room).min(1.0);
    // Step 3, drawn directly.
    let (below, above) = (j, k - 1 - j);
    let mut p = Vec::with_capacity(k);
    for _ in 0..MAX_ATTEMPTS {
        let (d, right) = draw_gap(&mut draws, target, room, below, above);
        let (lo, hi) = (target - d, target + d);
        p.clear();
        p.extend((0..below).map(|_| lo * draws.open01()));
        p[..below].sort_by(f64::total_cmp);
        p.push(if right { hi } else { lo });
        p.extend((0..above).map(|_| hi + (top - hi) * draws.open01()));
        p[below + 1..].sort_by(f64::total_cmp);
        for v in &mut p {
            *v = v.clamp(0.0, 1.0);
        }
        if p.windows(2).all(|w| w[0] < w[1]) && closest(&p, target) == j {
            return RandomCurve { p, mtd: j };
        }
    }
    p.sort_by(f64::total_cmp);
    let mtd = closest(&p, target);
    RandomCurve { p, mtd }
}

/// The gap d = |p_j − φ| and whether p_j lies above φ, drawn from the
/// density ∝ (φ − d)^below · (room − d)^above on each side's admissible range
/// (room = B − φ): see the module documentation.
fn draw_gap(draws: &mut Draws, target: f64, room: f64, below: usize, above: usize) -> (f64, bool) {
    let narrow = target.min(room);
    if below > 0 && above > 0 {
        // Both sides reach d ≤ min(φ, room) and weigh the same: a fair side,
        // and d by rejection from the density ∝ (narrow − d)^n1.
        let right = draws.open01() < 0.5;
        let (n1, wide, n2) = if target <= room {
            (below, room, above)
        } else {
            (above, target, below)
        };
        let mut d = 0.0;
        for _ in 0..MAX_PROPOSALS {
            // t = 1 − U^(1/(n1+1)).
            d = narrow * -(draws.open01().ln() / (n1 + 1) as f64).exp_m1();
            let accept = (n2 as f64 * (-d / wide).ln_1p()).exp();
            if draws.open01() < accept {
                break;
            }
        }
        return (d, right);
    }
    // One factor (X − d)^n, or none when K = 1; the sides may reach
    // different distances, and weigh ∫ (X − d)^n over their range.
    let (x, n) = match (below, above) {
        (0, 0) => (target.max(room), 0),
        (0, n) => (room, n),
        (n, _) => (target, n),
    };
    let reach_left = if above > 0 { narrow } else { target };
    let reach_right = if below > 0 { narrow } else { room };
    let power = (n + 1) as f64;
    // ∫_0^D (X − d)^n dd, over X^(n+1)/(n+1): 1 − (1 − D/X)^(n+1).
    let mass = |reach: f64| -(power * (-reach / x).ln_1p()).exp_m1();
    let (left, right) = (mass(reach_left), mass(reach_right));
    let right_side = draws.open01() * (left + right) >= left;
    let c = if right_side { right } else { left };
    // Inverse of the distribution function on the chosen side.
    let t = -((-draws.open01() * c).ln_1p() / power).exp_m1();
    (
        (x * t).min(if right_side { reach_right } else { reach_left }),
        right_side,
    )
}

/// The dose closest to `target`, the first if tied (as `MtdRule::Closest`).
fn closest(p: &[f64], target: f64) -> usize {
    (0..p.len())
        .min_by(|&i, &j| (p[i] - target).abs().total_cmp(&(p[j] - target).abs()))
        .unwrap_or(0)
}

/// The random numbers of one curve, read in order from its own positions.
struct Draws {
    stream: Stream,
    base: u64,
    next: u64,
}

impl Draws {
    fn new(seed: u64, curve: u64) -> Self {
        Draws {
            stream: Stream::new(seed),
            base: GRID_POSITIONS | (curve & 0x7FFF_FFFF) << 32,
            next: 0,
        }
    }

    fn bits(&mut self) -> u64 {
        let u = self.stream.at(self.base | (self.next & 0xFFFF_FFFF));
        self.next += 1;
        u
    }

    /// Uniform on (0, 1): the midpoint of one of 2^53 equal cells.
    fn open01(&mut self) -> f64 {
        ((self.bits() >> 11) as f64 + 0.5) * (1.0 / (1u64 << 53) as f64)
    }

    /// Uniform on 0 … n − 1 (bias below 2^-59 for n ≤ 32).
    fn below(&mut self, n: usize) -> usize {
        ((u128::from(self.bits()) * n as u128) >> 64) as usize
    }
}

// ---------------------------------------------------------------------------
// Reading `[[grid]]` tables.

/// A `[[grid]]` table as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawGrid {
    name: Option<String>,
    model: Option<String>,
    x: Option<Vec<f64>>,
    a: Option<toml::Value>,
    b: Option<toml::Value>,
    skeleton: Option<Vec<f64>>,
    beta: Option<toml::Value>,
    doses: Option<i64>,
    curves: Option<i64>,
    seed: Option<i64>,
}

/// What is wrong with a grid: `field` is relative to `grid[i]` (empty for
/// the grid itself).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct GridProblem {
    pub field: String,
    pub problem: String,
}

fn problem(field: impl Into<String>, problem: impl Into<String>) -> GridProblem {
    GridProblem {
        field: field.into(),
        problem: problem.into(),
    }
}

const MODELS: &str = "\"logistic\", \"power\" or \"random\"";

impl RawGrid {
    /// The grid, validated. `doses` of a random grid may be left to the
    /// scenario: the second value says whether the grid fixed it (false: the
    /// caller must call [`Grid::set_doses`]).
    pub(crate) fn validate(self, target: f64) -> Result<(Grid, bool), GridProblem> {
        let kind = match self.model.as_deref() {
            Some(m @ ("logistic" | "power" | "random")) => m,
            Some(other) => {
                return Err(problem("model", format!("= {other:?}: expected {MODELS}")));
            }
            None => {
                return Err(problem(
                    "model",
                    format!("missing: expected model = {MODELS}"),
                ));
            }
        };
        let owner = |key: &str| match key {
            "x" | "a" | "b" => "logistic",
            "skeleton" | "beta" => "power",
            _ => "random",
        };
        for (key, given) in [
            ("x", self.x.is_some()),
            ("a", self.a.is_some()),
            ("b", self.b.is_some()),
            ("skeleton", self.skeleton.is_some()),
            ("beta", self.beta.is_some()),
            ("doses", self.doses.is_some()),
            ("curves", self.curves.is_some()),
            ("seed", self.seed.is_some()),
        ] {
            if given && owner(key) != kind {
                return Err(problem(
                    key,
                    format!(
                        "is only for model = \"{}\" (this grid has model = \"{kind}\")",
                        owner(key)
                    ),
                ));
            }
        }
        let name = match self.name {
            Some(n) if n.trim().is_empty() => {
                return Err(problem("name", "is empty: expected a name, or no key"));
            }
            Some(n) => n,
            None => kind.to_string(),
        };
        let needs = |key: &str, what: &str| {
            problem(key, format!("missing: model = \"{kind}\" needs {what}"))
        };
        let (model, fixed) = match kind {
            "logistic" => {
                let x = self.x.ok_or_else(|| {
                    needs("x", "x = [...], the dose covariate of each dose level")
                })?;
                check_doses("x", &x)?;
                for (i, v) in x.iter().enumerate() {
                    if !v.is_finite() {
                        return Err(problem(
                            format!("x[{i}]"),
                            format!("= {v}: expected a finite number"),
                        ));
                    }
                }
                let a = self.a.ok_or_else(|| {
                    needs("a", "a and b (a number, a list or { from, to, steps })")
                })?;
                let b = self.b.ok_or_else(|| {
                    needs("b", "a and b (a number, a list or { from, to, steps })")
                })?;
                let (a, b) = (axis("a", &a)?, axis("b", &b)?);
                (Model::Logistic { x, a, b }, true)
            }
            "power" => {
                let skeleton = self.skeleton.ok_or_else(|| {
                    needs(
                        "skeleton",
                        "skeleton = [...], increasing probabilities strictly between 0 and 1",
                    )
                })?;
                check_doses("skeleton", &skeleton)?;
                for (i, &v) in skeleton.iter().enumerate() {
                    if !(v > 0.0 && v < 1.0) {
                        return Err(problem(
                            format!("skeleton[{i}]"),
                            format!("= {v}: expected a probability strictly between 0 and 1"),
                        ));
                    }
                    if i > 0 && v <= skeleton[i - 1] {
                        return Err(problem(
                            format!("skeleton[{i}]"),
                            format!(
                                "= {v} is not above skeleton[{}] = {}: expected strictly increasing values",
                                i - 1,
                                skeleton[i - 1]
                            ),
                        ));
                    }
                }
                let beta = self.beta.ok_or_else(|| {
                    needs("beta", "beta (a number, a list or { from, to, steps })")
                })?;
                let beta = axis("beta", &beta)?;
                (Model::Power { skeleton, beta }, true)
            }
            _ => {
                let curves = self
                    .curves
                    .ok_or_else(|| needs("curves", "curves = N, the number of curves to draw"))?;
                let curves = usize::try_from(curves)
                    .ok()
                    .filter(|c| (1..=MAX_TRUTHS).contains(c))
                    .ok_or_else(|| {
                        problem(
                            "curves",
                            format!(
                                "= {curves}: expected a number of curves from 1 to {MAX_TRUTHS}"
                            ),
                        )
                    })?;
                let doses = match self.doses {
                    None => None,
                    Some(k) => Some(
                        usize::try_from(k)
                            .ok()
                            .filter(|k| (1..=MAX_DOSES).contains(k))
                            .ok_or_else(|| {
                                problem(
                                    "doses",
                                    format!("= {k}: expected a number of dose levels from 1 to {MAX_DOSES}"),
                                )
                            })?,
                    ),
                };
                let seed = match self.seed {
                    None => DEFAULT_RANDOM_SEED,
                    Some(s) => u64::try_from(s).map_err(|_| {
                        problem("seed", format!("= {s}: expected a non-negative integer"))
                    })?,
                };
                let model = Model::Random {
                    doses: doses.unwrap_or(0),
                    curves,
                    seed,
                    target,
                };
                (model, doses.is_some())
            }
        };
        Ok((Grid { name, model }, fixed))
    }
}

impl Grid {
    /// The file field that fixes the grid's number of doses: `x`, `skeleton`
    /// or `doses`.
    pub fn doses_field(&self) -> &'static str {
        match self.model {
            Model::Logistic { .. } => "x",
            Model::Power { .. } => "skeleton",
            Model::Random { .. } => "doses",
        }
    }

    /// Sets the number of doses of a random grid whose file left it to the
    /// scenario; no effect on other models.
    pub(crate) fn set_doses(&mut self, k: usize) {
        if let Model::Random { doses, .. } = &mut self.model {
            *doses = k;
        }
    }
}

fn check_doses(key: &str, values: &[f64]) -> Result<(), GridProblem> {
    if values.is_empty() {
        return Err(problem(
            key,
            format!("is empty: expected 1 to {MAX_DOSES} values, one per dose"),
        ));
    }
    if values.len() > MAX_DOSES {
        return Err(problem(
            key,
            format!(
                "has {} values: at most {MAX_DOSES} doses are supported",
                values.len()
            ),
        ));
    }
    Ok(())
}

const AXIS_FORMS: &str = "a number, a list of numbers, or { from = …, to = …, steps = … }";

fn number(field: &str, v: &toml::Value) -> Result<f64, GridProblem> {
    let x = match v {
        toml::Value::Integer(i) => *i as f64,
        toml::Value::Float(f) => *f,
        other => {
            return Err(problem(
                field,
                format!("is a {}: expected a number", other.type_str()),
            ));
        }
    };
    if x.is_finite() {
        Ok(x)
    } else {
        Err(problem(field, format!("= {x}: expected a finite number")))
    }
}

/// A parameter: a number, a list or a range.
fn axis(key: &str, v: &toml::Value) -> Result<Axis, GridProblem> {
    match v {
        toml::Value::Integer(_) | toml::Value::Float(_) => Ok(Axis::List(vec![number(key, v)?])),
        toml::Value::Array(items) => {
            if items.is_empty() {
                return Err(problem(key, format!("is empty: expected {AXIS_FORMS}")));
            }
            let mut values: Vec<f64> = Vec::with_capacity(items.len());
            for (i, item) in items.iter().enumerate() {
                let x = number(&format!("{key}[{i}]"), item)?;
                if let Some(first) = values.iter().position(|&y| y == x) {
                    return Err(problem(
                        format!("{key}[{i}]"),
                        format!("= {x} repeats {key}[{first}]: expected distinct values"),
                    ));
                }
                values.push(x);
            }
            Ok(Axis::List(values))
        }
        toml::Value::Table(t) => {
            if let Some(unknown) = t
                .keys()
                .find(|k| !matches!(k.as_str(), "from" | "to" | "steps"))
            {
                return Err(problem(
                    format!("{key}.{unknown}"),
                    "unknown key: a range has from, to and steps",
                ));
            }
            let get = |k: &str| {
                t.get(k).ok_or_else(|| {
                    problem(
                        format!("{key}.{k}"),
                        "missing: a range needs from, to and steps",
                    )
                })
            };
            let from = number(&format!("{key}.from"), get("from")?)?;
            let to = number(&format!("{key}.to"), get("to")?)?;
            let steps_field = format!("{key}.steps");
            let steps = match get("steps")? {
                toml::Value::Integer(s) => *s,
                toml::Value::Float(f) => {
                    return Err(problem(
                        steps_field,
                        format!("= {f}: expected a whole number of points, at least 1"),
                    ));
                }
                other => {
                    return Err(problem(
                        steps_field,
                        format!(
                            "is a {}: expected a whole number of points, at least 1",
                            other.type_str()
                        ),
                    ));
                }
            };
            let steps = u64::try_from(steps)
                .ok()
                .filter(|&s| s >= 1)
                .ok_or_else(|| {
                    problem(
                        &steps_field,
                        format!("= {steps}: expected a number of points of at least 1"),
                    )
                })?;
            if steps == 1 && from != to {
                return Err(problem(
                    steps_field,
                    format!(
                        "= 1 but from = {from} and to = {to} differ: expected from = to for a single point, or more steps"
                    ),
                ));
            }
            if steps > 1 && from == to {
                return Err(problem(
                    steps_field,
                    format!(
                        "= {steps} but from = to = {from}: the points would all be equal; expected steps = 1"
                    ),
                ));
            }
            if !(to - from).is_finite() {
                return Err(problem(
                    key,
                    format!(
                        "from = {from} to {to} is too wide: expected to − from to be a finite number"
                    ),
                ));
            }
            Ok(Axis::Range { from, to, steps })
        }
        other => Err(problem(
            key,
            format!("is a {}: expected {AXIS_FORMS}", other.type_str()),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn logistic_and_power_formulas() {
        assert_eq!(logistic(0.0), 0.5);
        assert_eq!(logistic(f64::INFINITY), 1.0);
        assert_eq!(logistic(f64::NEG_INFINITY), 0.0);
        assert_eq!(logistic(-800.0), 0.0);
        assert!((logistic(1.0) - 1.0 / (1.0 + (-1.0f64).exp())).abs() < 1e-16);
        assert!((logistic(-2.0) + logistic(2.0) - 1.0).abs() < 1e-15);
        assert_eq!(power(0.2, 0.0), 0.2);
        assert!((power(0.25, 2f64.ln()) - 0.0625).abs() < 1e-15);
        assert_eq!(power(0.3, 1000.0), 0.0);
        assert_eq!(power(0.3, -1000.0), 1.0);
    }

    #[test]
    fn ranges_hit_both_ends_exactly() {
        let r = Axis::Range {
            from: 0.1,
            to: 0.7,
            steps: 7,
        };
        let v: Vec<f64> = r.values().collect();
        assert_eq!(v.len(), 7);
        assert_eq!(v[0], 0.1);
        assert_eq!(v[6], 0.7);
        assert!(v.windows(2).all(|w| w[0] < w[1]));
        assert!((v[3] - 0.4).abs() < 1e-15);
        let one = Axis::Range {
            from: 2.5,
            to: 2.5,
            steps: 1,
        };
        assert_eq!(one.values().collect::<Vec<_>>(), [2.5]);
        let down = Axis::Range {
            from: 1.0,
            to: -1.0,
            steps: 3,
        };
        assert_eq!(down.values().collect::<Vec<_>>(), [1.0, 0.0, -1.0]);
    }

    /// Step 3 of the algorithm as published: sorted uniforms on [0, B],
    /// redrawn until dose j is closest to the target.
    fn literal(k: usize, target: f64, draws: &mut Draws) -> RandomCurve {
        let j = draws.below(k);
        let alpha = ((k - 1 - j) as f64).max(0.5);
        let top = target + (1.0 - target) * draws.open01().powf(1.0 / alpha);
        loop {
            let mut p: Vec<f64> = (0..k).map(|_| top * draws.open01()).collect();
            p.sort_by(f64::total_cmp);
            if closest(&p, target) == j {
                return RandomCurve { p, mtd: j };
            }
        }
    }

    /// Mean and standard error of each (MTD position, dose) cell.
    fn cell_means(curves: &[RandomCurve], k: usize) -> Vec<(f64, f64)> {
        let mut out = Vec::new();
        for j in 0..k {
            let group: Vec<&RandomCurve> = curves.iter().filter(|c| c.mtd == j).collect();
            let n = group.len() as f64;
            for d in 0..k {
                let mean = group.iter().map(|c| c.p[d]).sum::<f64>() / n;
                let var = group.iter().map(|c| (c.p[d] - mean).powi(2)).sum::<f64>() / n;
                out.push((mean, (var / n).sqrt()));
            }
        }
        out
    }

    /// The direct draw of step 3 has the distribution of the rejection loop.
    #[test]
    fn direct_draw_matches_the_published_rejection_loop() {
        for (k, target) in [(4, 0.3), (3, 0.2), (6, 0.5)] {
            let n = 100_000u64;
            let direct: Vec<RandomCurve> = (0..n).map(|i| random_curve(k, target, 11, i)).collect();
            let literal: Vec<RandomCurve> = (0..n)
                .map(|i| literal(k, target, &mut Draws::new(99, i)))
                .collect();
            let (a, b) = (cell_means(&direct, k), cell_means(&literal, k));
            for (cell, ((ma, sa), (mb, sb))) in a.iter().zip(&b).enumerate() {
                let z = (ma - mb) / (sa * sa + sb * sb).sqrt();
                assert!(
                    z.abs() < 5.0,
                    "K = {k}, target {target}: MTD {} dose {}: direct {ma:.4} vs literal {mb:.4} (z = {z:.1})",
                    cell / k + 1,
                    cell % k + 1
                );
            }
        }
    }

    #[test]
    fn random_curves_are_valid_even_at_extremes() {
        for (k, target) in [
            (1, 0.3),
            (2, 0.001),
            (32, 0.3),
            (32, 0.999),
            (32, 1e-9),
            (7, 0.5),
        ] {
            for i in 0..300 {
                let c = random_curve(k, target, 5, i);
                assert_eq!(c.p.len(), k);
                assert!(c.p.iter().all(|p| (0.0..=1.0).contains(p)), "{:?}", c.p);
                assert!(c.p.windows(2).all(|w| w[0] < w[1]), "{:?}", c.p);
                assert_eq!(closest(&c.p, target), c.mtd);
            }
        }
        // Targets a few units in the last place from 0 or 1: no room for
        // distinct values on one side, yet valid, sorted probabilities with the
        // recorded position closest.
        for (target, always_strict) in [
            (f64::MIN_POSITIVE / 4.0, true),
            (1e-300, true),
            (1.0 - f64::EPSILON, false),
        ] {
            for i in 0..300 {
                let c = random_curve(32, target, 5, i);
                assert!(c.p.iter().all(|p| (0.0..=1.0).contains(p)), "{:?}", c.p);
                assert!(c.p.windows(2).all(|w| w[0] <= w[1]), "{:?}", c.p);
                let strict = c.p.windows(2).all(|w| w[0] < w[1]);
                assert!(strict || !always_strict, "{target:e}: {:?}", c.p);
                assert_eq!(closest(&c.p, target), c.mtd);
            }
        }
        assert!(random_curve(0, 0.3, 1, 0).p.is_empty());
        assert!(random_curve(33, 0.3, 1, 0).p.is_empty());
        assert!(random_curve(3, 1.0, 1, 0).p.is_empty());
        assert!(random_curve(3, f64::NAN, 1, 0).p.is_empty());
    }

    /// Value stability: a change here changes every random grid.
    #[test]
    fn pinned_curve() {
        let c = random_curve(5, 0.3, 1, 0);
        let got: Vec<String> = c.p.iter().map(|p| format!("{p:.6}")).collect();
        assert_eq!(
            (got, c.mtd),
            (PINNED.map(String::from).to_vec(), PINNED_MTD)
        );
    }
    const PINNED: [&str; 5] = ["0.283418", "0.397357", "0.472132", "0.557127", "0.714905"];
    const PINNED_MTD: usize = 0;
}
