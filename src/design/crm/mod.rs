//! The continual reassessment method (O'Quigley, Pepe & Fisher 1990) as R's
//! dfcrm 0.2-2.1 runs it in `crmsim` (Bayesian, one-parameter).
//!
//! The dose–toxicity curve is a one-parameter model through a skeleton of
//! prior guesses s_d: empiric p_d(β) = s_d^exp(β), or logistic p_d(β) =
//! 1 / (1 + exp(−3 − exp(β)·x_d)) with x_d = logit(s_d) − 3; β ~ Normal(0,
//! σ²). After each cohort the posterior mean E[β | data] gives the plug-in
//! curve p_d(E[β]), and the next cohort goes to the dose whose estimate is
//! closest to the target (the lower on a tie; the top dose when every
//! estimate is at or below the target, dose 1 when every one is at or above
//! it). With `restrict` (dfcrm's default) the next dose is at most one above
//! the last, and no higher than the last after a cohort whose DLT rate
//! reached the target. Every trial treats `max_n` patients; the MTD is the
//! unrestricted recommendation after the last cohort. Each rule, with the R
//! line it mirrors, is in `tests/data/validation-designs/README.md`, part 2.
//!
//! One rule dfcrm does not have, off by default: `stop_if_p1_above`, the
//! safety stop many protocols add (escalation's `stop_when_too_toxic`): the
//! trial stops with no MTD when P(p_1 > target | data) exceeds the cutoff.
//!
//! Deciding costs a posterior quadrature, about a thousand times a table
//! lookup, so the design keeps its state graph (every reachable data set,
//! each decided once): the Monte Carlo engine walks it and the exact engine
//! sweeps probability through it, for every truth.

mod posterior;
mod skeleton;

pub use posterior::{Fit, Posterior};
pub use skeleton::getprior;

use super::graph::StateGraph;
use super::{Decision, Design, MAX_COHORT, MAX_SAMPLE_SIZE, Observed, SpecError, StopReason};
use crate::truth::MAX_DOSES;
use std::cell::Cell;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

/// The logistic model's fixed intercept (dfcrm's `intcpt`).
pub const LOGISTIC_INTERCEPT: f64 = 3.0;

/// The prior standard deviation of β dfcrm uses: sqrt(1.34).
pub const DEFAULT_PRIOR_SD: f64 = 1.157_583_690_279_022_6;

/// The one-parameter dose–toxicity model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Model {
    /// p_d(β) = s_d^exp(β) (the "power" model).
    Empiric,
    /// p_d(β) = 1 / (1 + exp(−3 − exp(β)·x_d)), x_d = logit(s_d) − 3.
    Logistic,
}

impl Model {
    pub const ALL: [Model; 2] = [Model::Empiric, Model::Logistic];

    /// Its name in files, as dfcrm's `model` argument.
    pub fn name(self) -> &'static str {
        match self {
            Model::Empiric => "empiric",
            Model::Logistic => "logistic",
        }
    }

    /// The model's value of a skeleton entry: s itself (empiric) or
    /// logit(s) − 3 (logistic), as dfcrm's `dosescaled`.
    fn scaled(self, s: f64) -> f64 {
        match self {
            Model::Empiric => s,
            Model::Logistic => (s / (1.0 - s)).ln() - LOGISTIC_INTERCEPT,
        }
    }

    /// P(DLT) at a dose of scaled value `v` when β = `beta`, as dfcrm
    /// computes its plug-in estimate.
    fn p(self, v: f64, beta: f64) -> f64 {
        match self {
            Model::Empiric => v.powf(beta.exp()),
            Model::Logistic => 1.0 / (1.0 + (-LOGISTIC_INTERCEPT - beta.exp() * v).exp()),
        }
    }

    /// ln p and ln(1 − p) at a dose of scaled value `v` when β = `beta`,
    /// accurate where p is near 0 or 1.
    fn log_probabilities(self, v: f64, beta: f64) -> (f64, f64) {
        match self {
            Model::Empiric => {
                let lp = beta.exp() * v.ln();
                (lp, (-lp.exp_m1()).ln())
            }
            Model::Logistic => {
                let eta = LOGISTIC_INTERCEPT + beta.exp() * v;
                // ln σ(η) = −softplus(−η), ln(1 − σ(η)) = −softplus(η).
                let softplus = |z: f64| z.max(0.0) + (-z.abs()).exp().ln_1p();
                (-softplus(-eta), -softplus(eta))
            }
        }
    }

    /// The β below which p_1(β) > `target` when dose 1's scaled value is
    /// `v`: −∞ when no β makes it so, +∞ when every β does.
    fn cut(self, v: f64, target: f64) -> f64 {
        // p_1 falls as β grows, so {p_1 > target} is {β < cut}.
        let bound = match self {
            // v^exp(β) > t ⟺ exp(β) < ln t / ln v.
            Model::Empiric => target.ln() / v.ln(),
            // 3 + exp(β)·v > logit t ⟺ exp(β) < (logit t − 3) / v, v < 0.
            Model::Logistic => ((target / (1.0 - target)).ln() - LOGISTIC_INTERCEPT) / v,
        };
        if bound <= 0.0 {
            f64::NEG_INFINITY
        } else {
            bound.ln()
        }
    }
}

/// The skeleton: given, or calibrated by dfcrm's `getprior`.
#[derive(Debug, Clone, PartialEq)]
pub enum Skeleton {
    Given(Vec<f64>),
    /// `getprior(halfwidth, target, nu, nlevel = doses, model)` (Lee &
    /// Cheung 2009): dose `nu` (1-based) gets the target, and neighbouring
    /// doses are spaced so that each is the best dose over an interval of
    /// ± `halfwidth` around the target.
    Calibrated {
        halfwidth: f64,
        nu: usize,
        doses: usize,
    },
}

/// A CRM's parameters, as a user states them.
#[derive(Debug, Clone, PartialEq)]
pub struct CrmParams {
    pub target: f64,
    pub skeleton: Skeleton,
    pub model: Model,
    pub prior_sd: f64,
    pub cohort_size: u32,
    /// Every trial treats this many patients: a multiple of `cohort_size`.
    pub max_n: u32,
    /// First dose, 1-based.
    pub start_dose: usize,
    pub restrict: bool,
    /// Stop with no MTD when P(p_1 > target | data) exceeds this.
    pub stop_if_p1_above: Option<f64>,
}

impl CrmParams {
    /// dfcrm's defaults: empiric model, prior sd sqrt(1.34), cohorts of 3
    /// from dose 1, restricted, no safety stop.
    pub fn new(target: f64, skeleton: Skeleton, max_n: u32) -> Self {
        CrmParams {
            target,
            skeleton,
            model: Model::Empiric,
            prior_sd: DEFAULT_PRIOR_SD,
            cohort_size: 3,
            max_n,
            start_dose: 1,
            restrict: true,
            stop_if_p1_above: None,
        }
    }

    /// The skeleton's values.
    pub fn skeleton_values(&self) -> Result<Vec<f64>, SpecError> {
        let invalid = |problem: String| SpecError {
            field: "skeleton",
            problem,
        };
        let values = match self.skeleton {
            Skeleton::Given(ref s) => s.clone(),
            Skeleton::Calibrated {
                halfwidth,
                nu,
                doses,
            } => {
                let t = self.target;
                if !(halfwidth > 0.0 && t - halfwidth > 0.0 && t + halfwidth < 1.0) {
                    return Err(invalid(format!(
                        "halfwidth = {halfwidth}: expected a number > 0 that keeps \
                         target ± halfwidth inside (0, 1)"
                    )));
                }
                if !(1..=doses).contains(&nu) {
                    return Err(invalid(format!(
                        "nu = {nu}: expected the dose (1 to {doses}) whose prior guess is the target"
                    )));
                }
                getprior(halfwidth, t, nu, doses, self.model)
            }
        };
        let increasing = values.windows(2).all(|w| w[0] < w[1]);
        if !(values.iter().all(|&s| s > 0.0 && s < 1.0) && increasing) {
            return Err(invalid(format!(
                "= {values:?}: expected prior guesses of P(DLT), strictly increasing, in (0, 1)"
            )));
        }
        if self.model == Model::Logistic && values.iter().any(|&s| Model::Logistic.scaled(s) >= 0.0)
        {
            return Err(invalid(format!(
                "= {values:?}: the logistic model (intercept 3) needs every guess below 1/(1 + e^-3) = 0.9526"
            )));
        }
        Ok(values)
    }

    /// Every parameter with its effective value: the rows of `designs.csv`.
    pub fn parameters(&self) -> Vec<(&'static str, String)> {
        let skeleton = self.skeleton_values().map_or_else(
            |e| e.to_string(),
            |s| {
                let s: Vec<String> = s.iter().map(f64::to_string).collect();
                s.join(" ")
            },
        );
        let source = match self.skeleton {
            Skeleton::Given(_) => "given".to_string(),
            Skeleton::Calibrated {
                halfwidth,
                nu,
                doses,
            } => format!(
                "getprior(halfwidth = {halfwidth}, target = {}, nu = {nu}, nlevel = {doses}, model = \"{}\")",
                self.target,
                self.model.name()
            ),
        };
        vec![
            ("kind", "crm".to_string()),
            ("target", self.target.to_string()),
            ("skeleton", skeleton),
            ("skeleton_source", source),
            ("model", self.model.name().to_string()),
            ("prior_sd", self.prior_sd.to_string()),
            ("cohort_size", self.cohort_size.to_string()),
            ("max_n", self.max_n.to_string()),
            ("start_dose", self.start_dose.to_string()),
            ("restrict", self.restrict.to_string()),
            (
                "stop_if_p1_above",
                self.stop_if_p1_above
                    .map_or("false".to_string(), |c| c.to_string()),
            ),
        ]
    }
}

/// Counts of up to [`MAX_DOSES`] doses, n then x, as the key of a fit.
type Counts = [u8; 2 * MAX_DOSES];

thread_local! {
    /// The last posterior fitted on this thread, by design and counts: the
    /// state graph and the exact sweep meet the states of one data set
    /// (differing in the last dose or cohort only) one after another, so this
    /// saves a quadrature for each but the first.
    static LAST_FIT: Cell<Option<(u64, Counts, Fit)>> = const { Cell::new(None) };
}

/// Numbers designs for [`LAST_FIT`]; clones share a number, and a posterior.
static NEXT_ID: AtomicU64 = AtomicU64::new(0);

/// A CRM's state graph, once built.
type SharedGraph = Arc<OnceLock<Option<StateGraph>>>;

/// The graphs of the last few CRMs built in this process, by parameters and
/// number of doses. A run builds its designs more than once (to choose the
/// method, to evaluate, per shard), and a CRM's graph costs a quadrature per
/// state — seconds when it turns out too large — so equal designs share one.
static GRAPHS: Mutex<Vec<((CrmParams, usize), SharedGraph)>> = Mutex::new(Vec::new());

/// How many graphs [`GRAPHS`] keeps: as many as a scenario has designs, so
/// a run never rebuilds one (each can take tens of MB).
const KEPT_GRAPHS: usize = crate::scenario::MAX_DESIGNS;

/// The graph slot of the CRM with `params` for `doses` doses, shared with
/// every other instance of it while kept.
fn shared_graph(params: &CrmParams, doses: usize) -> SharedGraph {
    let mut kept = GRAPHS
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    if let Some((_, graph)) = kept.iter().find(|((p, k), _)| p == params && *k == doses) {
        return Arc::clone(graph);
    }
    let graph = SharedGraph::default();
    if kept.len() == KEPT_GRAPHS {
        kept.remove(0);
    }
    kept.push(((params.clone(), doses), Arc::clone(&graph)));
    graph
}

/// A CRM ready to run.
#[derive(Debug, Clone)]
pub struct CrmDesign {
    id: u64,
    params: CrmParams,
    skeleton: Vec<f64>,
    /// The skeleton as the model uses it (see [`Model::scaled`]).
    scaled: Vec<f64>,
    posterior: Arc<Posterior>,
    /// Built the first time an engine asks, shared by equal designs (see
    /// [`GRAPHS`]).
    graph: SharedGraph,
}

impl CrmDesign {
    /// Validates `params` for `num_doses` doses.
    pub fn new(params: CrmParams, num_doses: usize) -> Result<Self, SpecError> {
        let invalid = |field, problem: String| SpecError { field, problem };
        let p = &params;
        if !(p.target > 0.0 && p.target < 1.0) {
            return Err(invalid(
                "target",
                format!("= {}: expected a probability in (0, 1)", p.target),
            ));
        }
        let skeleton = p.skeleton_values()?;
        if skeleton.len() != num_doses {
            return Err(invalid(
                "skeleton",
                format!(
                    "has {} prior guesses but the scenario has {num_doses} doses: expected one per dose",
                    skeleton.len()
                ),
            ));
        }
        // Below 0.01 the prior fixes β whatever the data; the quadrature's
        // grid is sized for the prior's width.
        if !(0.01..=10.0).contains(&p.prior_sd) {
            return Err(invalid(
                "prior_sd",
                format!(
                    "= {}: expected a standard deviation from 0.01 to 10",
                    p.prior_sd
                ),
            ));
        }
        if !(1..=MAX_COHORT).contains(&p.cohort_size) {
            return Err(invalid(
                "cohort_size",
                format!("= {}: expected 1 to {MAX_COHORT}", p.cohort_size),
            ));
        }
        if p.max_n == 0 || p.max_n > MAX_SAMPLE_SIZE || p.max_n % p.cohort_size != 0 {
            return Err(invalid(
                "max_n",
                format!(
                    "= {}: expected a multiple of cohort_size = {} from {} to {MAX_SAMPLE_SIZE} \
                     (dfcrm treats whole cohorts)",
                    p.max_n, p.cohort_size, p.cohort_size
                ),
            ));
        }
        if !(1..=num_doses).contains(&p.start_dose) {
            return Err(invalid(
                "start_dose",
                format!("= {}: expected a dose from 1 to {num_doses}", p.start_dose),
            ));
        }
        if let Some(c) = p.stop_if_p1_above {
            if !(c > 0.0 && c < 1.0) {
                return Err(invalid(
                    "stop_if_p1_above",
                    format!("cutoff = {c}: expected a posterior probability in (0, 1) such as 0.9"),
                ));
            }
        }
        if num_doses > MAX_DOSES {
            return Err(invalid(
                "skeleton",
                format!("has {num_doses} doses: at most {MAX_DOSES}"),
            ));
        }
        let scaled: Vec<f64> = skeleton.iter().map(|&s| p.model.scaled(s)).collect();
        let cut = p.model.cut(scaled[0], p.target);
        let posterior = Posterior::new(p.model, &scaled, p.prior_sd, p.max_n, cut);
        let graph = shared_graph(&params, num_doses);
        Ok(CrmDesign {
            id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
            params,
            skeleton,
            scaled,
            posterior: Arc::new(posterior),
            graph,
        })
    }

    pub fn params(&self) -> &CrmParams {
        &self.params
    }

    /// The prior guesses of P(DLT) per dose.
    pub fn skeleton(&self) -> &[f64] {
        &self.skeleton
    }

    /// The posterior after the counts `n`, `x`.
    pub fn fit(&self, n: &[u32], x: &[u32]) -> Fit {
        let mut counts: Counts = [0; 2 * MAX_DOSES];
        let k = self.skeleton.len();
        // n ≤ max_n ≤ MAX_SAMPLE_SIZE < 256.
        for d in 0..k {
            (counts[d], counts[MAX_DOSES + d]) = (n[d] as u8, x[d] as u8);
        }
        match LAST_FIT.get() {
            Some((id, last, fit)) if id == self.id && last == counts => fit,
            _ => {
                let fit = self.posterior.fit(n, x);
                LAST_FIT.set(Some((self.id, counts, fit)));
                fit
            }
        }
    }

    /// The plug-in estimate of P(DLT) at `dose` (0-based) when β = `beta`.
    pub fn p_dlt(&self, dose: usize, beta: f64) -> f64 {
        self.params.model.p(self.scaled[dose], beta)
    }

    /// dfcrm's recommendation (0-based) for β = `beta`: the dose whose
    /// estimate is closest to the target, the lowest on an exact tie; the
    /// top dose when every estimate ≤ target, dose 1 when every one ≥ it.
    pub fn recommend(&self, beta: f64) -> usize {
        let t = self.params.target;
        let k = self.skeleton.len();
        let p = |d| self.p_dlt(d, beta);
        if (0..k).all(|d| p(d) <= t) {
            return k - 1;
        }
        if (0..k).all(|d| p(d) >= t) {
            return 0;
        }
        let mut best = 0;
        for d in 1..k {
            if (p(d) - t).abs() < (p(best) - t).abs() {
                best = d;
            }
        }
        best
    }
}

impl Design for CrmDesign {
    fn num_doses(&self) -> usize {
        self.skeleton.len()
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

    fn decide(&self, seen: &Observed<'_>) -> Decision {
        let fit = self.fit(seen.n, seen.x);
        if self
            .params
            .stop_if_p1_above
            .is_some_and(|c| fit.below_cut > c)
        {
            return Decision::Stop {
                mtd: None,
                reason: StopReason::Safety,
            };
        }
        let best = self.recommend(fit.mean);
        let treated: u32 = seen.n.iter().sum();
        if treated >= self.params.max_n {
            return Decision::Stop {
                mtd: Some(best),
                reason: StopReason::MaxSampleSize,
            };
        }
        let dose = match (self.params.restrict, seen.last_toxic) {
            (false, _) => best,
            (true, true) => best.min(seen.current),
            (true, false) => best.min(seen.current + 1),
        };
        Decision::Treat {
            dose,
            patients: self.params.cohort_size,
        }
    }

    /// dfcrm compares the cohort's DLT rate with the target in floating
    /// point, as here: `sum(ynew)/mcohort >= target`.
    fn toxic_cohort(&self, patients: u32, dlts: u32) -> bool {
        self.params.restrict && f64::from(dlts) / f64::from(patients) >= self.params.target
    }

    fn state_graph(&self) -> Option<Option<&StateGraph>> {
        let build = || StateGraph::build(self, StateGraph::MAX_NODES);
        Some(self.graph.get_or_init(build).as_ref())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn crm(skeleton: &[f64], f: impl FnOnce(&mut CrmParams)) -> CrmDesign {
        let mut p = CrmParams::new(0.3, Skeleton::Given(skeleton.to_vec()), 12);
        f(&mut p);
        CrmDesign::new(p, skeleton.len()).unwrap()
    }

    fn seen<'a>(n: &'a [u32], x: &'a [u32], current: usize, last_toxic: bool) -> Observed<'a> {
        Observed {
            n,
            x,
            current,
            last_toxic,
        }
    }

    #[test]
    fn recommendation_follows_dfcrm() {
        let d = crm(&[0.1, 0.2, 0.3, 0.4], |_| {});
        // β = 0 gives the skeleton: dose 3 hits the target.
        assert_eq!(d.recommend(0.0), 2);
        // Every estimate below the target: the top dose; above: dose 1.
        assert_eq!(d.recommend(3.0), 3);
        assert_eq!(d.recommend(-3.0), 0);
        // A tie in floating point goes to the lower dose: 0.2 and 0.4 are
        // not equally far from 0.3 in binary, so build one that is.
        let d = crm(&[0.25, 0.35, 0.5], |_| {});
        let tie = (d.p_dlt(0, 0.0) - 0.3).abs() == (d.p_dlt(1, 0.0) - 0.3).abs();
        assert_eq!(d.recommend(0.0), if tie { 0 } else { 1 });
    }

    #[test]
    fn restriction_blocks_skipping_and_escalation_after_a_toxic_cohort() {
        let d = crm(&[0.05, 0.1, 0.15, 0.2], |_| {});
        // No DLT in 3 at dose 1: the model wants the top dose, the
        // restriction allows one step.
        let next = d.decide(&seen(&[3, 0, 0, 0], &[0; 4], 0, false));
        assert_eq!(
            next,
            Decision::Treat {
                dose: 1,
                patients: 3
            }
        );
        assert!(d.toxic_cohort(3, 1) && !d.toxic_cohort(3, 0));
        // 1/3 ≥ 0.3 at dose 2 after 0/3 at dose 1: no escalation.
        let next = d.decide(&seen(&[3, 3, 0, 0], &[0, 1, 0, 0], 1, true));
        assert!(matches!(next, Decision::Treat { dose, .. } if dose <= 1));
        let free = crm(&[0.05, 0.1, 0.15, 0.2], |p| p.restrict = false);
        assert!(!free.toxic_cohort(3, 3));
        let next = free.decide(&seen(&[3, 0, 0, 0], &[0; 4], 0, false));
        assert_eq!(
            next,
            Decision::Treat {
                dose: 3,
                patients: 3
            }
        );
    }

    #[test]
    fn the_trial_ends_at_max_n_with_the_unrestricted_choice() {
        let d = crm(&[0.05, 0.1, 0.15, 0.2], |_| {});
        let next = d.decide(&seen(&[12, 0, 0, 0], &[0; 4], 0, false));
        assert_eq!(
            next,
            Decision::Stop {
                mtd: Some(3),
                reason: StopReason::MaxSampleSize
            }
        );
    }

    #[test]
    fn the_safety_stop_reads_the_posterior_of_p1() {
        let d = crm(&[0.1, 0.2, 0.3, 0.4], |p| p.stop_if_p1_above = Some(0.9));
        // 3/3 at dose 1: P(p1 > 0.3) is high but not above 0.9 … with 3/3
        // and 2/3 after it, it is.
        let three = d.fit(&[3, 0, 0, 0], &[3, 0, 0, 0]).below_cut;
        let six = d.fit(&[6, 0, 0, 0], &[5, 0, 0, 0]).below_cut;
        assert!(three > 0.5 && six > three, "{three} {six}");
        let next = d.decide(&seen(&[6, 0, 0, 0], &[5, 0, 0, 0], 0, true));
        let stop = Decision::Stop {
            mtd: None,
            reason: StopReason::Safety,
        };
        assert_eq!(next == stop, six > 0.9);
        // With no data, P(p1 > t) is the prior's P(β < β*).
        let cut = Model::Empiric.cut(0.1, 0.3);
        assert!((cut - (0.3f64.ln() / 0.1f64.ln()).ln()).abs() < 1e-15);
        assert!(Model::Logistic.cut(Model::Logistic.scaled(0.1), 0.97) == f64::NEG_INFINITY);
    }

    #[test]
    fn bad_parameters_name_their_field() {
        let build = |f: &dyn Fn(&mut CrmParams)| {
            let mut p = CrmParams::new(0.3, Skeleton::Given(vec![0.1, 0.2, 0.3]), 12);
            f(&mut p);
            CrmDesign::new(p, 3).err().map(|e| e.field)
        };
        assert_eq!(build(&|_| {}), None);
        assert_eq!(
            build(&|p| p.skeleton = Skeleton::Given(vec![0.2, 0.1, 0.3])),
            Some("skeleton")
        );
        assert_eq!(
            build(&|p| p.skeleton = Skeleton::Given(vec![0.1, 0.2])),
            Some("skeleton")
        );
        assert_eq!(build(&|p| p.max_n = 13), Some("max_n"));
        assert_eq!(build(&|p| p.prior_sd = 0.0), Some("prior_sd"));
        // A prior this narrow would need a grid of billions of nodes.
        assert_eq!(build(&|p| p.prior_sd = 1e-300), Some("prior_sd"));
        assert_eq!(build(&|p| p.start_dose = 4), Some("start_dose"));
        assert_eq!(
            build(&|p| p.stop_if_p1_above = Some(1.0)),
            Some("stop_if_p1_above")
        );
        assert_eq!(
            build(&|p| {
                p.model = Model::Logistic;
                p.skeleton = Skeleton::Given(vec![0.5, 0.9, 0.96]);
            }),
            Some("skeleton")
        );
        let calibrated = |halfwidth, nu| Skeleton::Calibrated {
            halfwidth,
            nu,
            doses: 3,
        };
        assert_eq!(build(&|p| p.skeleton = calibrated(0.05, 2)), None);
        assert_eq!(
            build(&|p| p.skeleton = calibrated(0.35, 2)),
            Some("skeleton")
        );
        assert_eq!(
            build(&|p| p.skeleton = calibrated(0.05, 4)),
            Some("skeleton")
        );
    }
}
