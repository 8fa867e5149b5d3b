//! From counts to operating characteristics: every figure of DESIGN.md's
//! metric list, each with its standard error.
//!
//! One function serves both engines. A Monte Carlo [`Tally<u64>`] holds trial
//! counts and the number of trials R gives standard errors; an exact
//! `Tally<f64>` holds path probabilities and every standard error is 0.
//!
//! Standard errors are those of a mean of R independent trials, sqrt(Var/R),
//! with the variance taken with divisor R — for a proportion that is the
//! familiar sqrt(p(1 − p)/R). A ratio of means E[A]/E[B] gets the delta-method
//! error sqrt(Var(A − r·B)/R)/E[B], which needs the covariance that the joint
//! tables in the tally provide.

use crate::design::StopReason;
use crate::tally::{Tally, Weight};
use crate::time::figures::TimeCharacteristics;
use crate::truth::{MtdRule, Truth};
use serde::{Deserialize, Serialize};

/// A figure and its Monte Carlo standard error (0 when exact). Both are NaN
/// for a figure the design does not have ([`Estimate::NOT_APPLICABLE`]).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Estimate {
    #[serde(deserialize_with = "nan_as_null")]
    pub value: f64,
    #[serde(deserialize_with = "nan_as_null")]
    pub se: f64,
}

impl Estimate {
    /// A figure the design does not have: the benchmark treats nobody, so
    /// it has no sample size, DLTs or allocation.
    pub const NOT_APPLICABLE: Estimate = Estimate {
        value: f64::NAN,
        se: f64::NAN,
    };

    pub fn is_applicable(&self) -> bool {
        !self.value.is_nan()
    }
}

/// Reads a number that may be "not applicable": JSON has no NaN, so
/// serde_json writes NaN as `null`, and this reads `null` back as NaN.
pub fn nan_as_null<'de, D: serde::Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
    Ok(Option::<f64>::deserialize(d)?.unwrap_or(f64::NAN))
}

/// How the figures were obtained.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Method {
    /// Monte Carlo simulation.
    Mc,
    /// Exact enumeration of trial paths.
    Exact,
}

impl Method {
    pub fn name(self) -> &'static str {
        match self {
            Method::Mc => "mc",
            Method::Exact => "exact",
        }
    }
}

/// Operating characteristics of one design on one truth.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OperatingCharacteristics {
    pub method: Method,
    /// Simulated trials (Monte Carlo only).
    pub trials: Option<u64>,
    pub target: f64,
    pub mtd_rule: MtdRule,
    /// The dose (1-based) a perfect design would select; `None`: no dose
    /// qualifies, so "no MTD" is the correct answer.
    pub true_mtd: Option<usize>,
    /// P(no MTD selected).
    pub p_none: Estimate,
    /// P(no MTD, the trial stopped for safety: the lowest dose too toxic or
    /// eliminated). The rest of `p_none` is "no dose qualified".
    pub p_none_safety: Estimate,
    /// P(the trial ended for each reason), in [`StopReason::ALL`] order.
    pub p_stop: [Estimate; StopReason::ALL.len()],
    /// P(selected dose = true MTD), "no MTD" counting as correct when no dose
    /// qualifies.
    pub pcs: Estimate,
    /// The true MTD and PCS under each definition, whichever `mtd_rule` is:
    /// the 3+3 aims at the highest dose with p ≤ target, the interval
    /// designs and the CRM at the dose closest to it.
    pub true_mtd_highest: Option<usize>,
    pub pcs_highest: Estimate,
    pub true_mtd_closest: Option<usize>,
    pub pcs_closest: Estimate,
    /// P(the selected dose's true p > target).
    pub p_select_overdose: Estimate,
    /// P(the selected dose is below the true MTD, or none is selected while a
    /// true MTD exists).
    pub p_select_underdose: Estimate,
    /// E[N], its standard error, and the standard deviation of N.
    pub mean_n: Estimate,
    #[serde(deserialize_with = "nan_as_null")]
    pub sd_n: f64,
    /// E[total DLTs] and the standard deviation of the total.
    pub mean_dlt: Estimate,
    #[serde(deserialize_with = "nan_as_null")]
    pub sd_dlt: f64,
    /// E[DLTs] / E[N]: DLTs per patient treated, pooled over trials.
    pub dlt_rate: Estimate,
    /// E[DLTs / N]: the average trial's observed DLT rate.
    pub dlt_rate_per_trial: Estimate,
    /// E[patients treated at doses with true p > target].
    pub mean_n_overdose: Estimate,
    /// E[N_over] / E[N].
    pub share_n_overdose: Estimate,
    /// E[N_over / N].
    pub mean_share_n_overdose: Estimate,
    /// P(N_over > N / 2).
    pub p_overdose_majority: Estimate,
    /// Distribution of N: `(n, probability)` for every n that occurs.
    pub sample_size: Vec<(u32, f64)>,
    /// Distribution of the total number of DLTs.
    pub dlt_count: Vec<(u32, f64)>,
    pub doses: Vec<DoseCharacteristics>,
    /// How long trials take, on a timed Monte Carlo run (see
    /// [`crate::time`]); `None` otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time: Option<TimeCharacteristics>,
}

/// Operating characteristics at one dose.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DoseCharacteristics {
    /// Dose level, 1-based.
    pub dose: usize,
    pub p_true: f64,
    /// True p > target.
    pub overdose: bool,
    /// P(this dose is selected as MTD).
    pub p_select: Estimate,
    /// E[n_d]: patients treated here.
    pub mean_n: Estimate,
    /// E[n_d] / E[N]: this dose's share of all patients, pooled.
    pub alloc_ratio: Estimate,
    /// E[n_d / N]: this dose's share in the average trial.
    pub alloc_mean: Estimate,
    /// E[x_d]: DLTs seen here.
    pub mean_dlt: Estimate,
    /// P(n_d > 0).
    pub p_treated: Estimate,
}

/// Adds weights in their own type, so Monte Carlo counts add exactly and a
/// probability of 1 is not reported as 1.0000000000000002.
fn total_weight<W: Weight>(weights: impl Iterator<Item = W>) -> W {
    weights.fold(W::default(), |mut acc, w| {
        acc += w;
        acc
    })
}

/// Weighted first and second moments of a pair (A, B).
#[derive(Debug, Default, Clone, Copy)]
struct Moments {
    a: f64,
    b: f64,
    aa: f64,
    bb: f64,
    ab: f64,
}

impl Moments {
    /// Moments over `cells` of `(a, b, weight)`, divided by `total`; cells not
    /// listed have a = b = 0.
    fn of(cells: impl Iterator<Item = (f64, f64, f64)>, total: f64) -> Self {
        let mut m = Moments::default();
        for (a, b, w) in cells {
            m.a += w * a;
            m.b += w * b;
            m.aa += w * a * a;
            m.bb += w * b * b;
            m.ab += w * a * b;
        }
        Moments {
            a: m.a / total,
            b: m.b / total,
            aa: m.aa / total,
            bb: m.bb / total,
            ab: m.ab / total,
        }
    }

    fn var_a(&self) -> f64 {
        (self.aa - self.a * self.a).max(0.0)
    }
}

/// Turns variances of one trial into standard errors of a mean of R trials.
#[derive(Debug, Clone, Copy)]
struct Precision {
    trials: Option<f64>,
}

impl Precision {
    fn mean(&self, mean: f64, var: f64) -> Estimate {
        Estimate {
            value: mean,
            se: self.trials.map_or(0.0, |r| (var.max(0.0) / r).sqrt()),
        }
    }

    fn proportion(&self, p: f64) -> Estimate {
        self.mean(p, p * (1.0 - p))
    }

    /// E[A] / E[B] with its delta-method error.
    fn ratio(&self, m: &Moments) -> Estimate {
        let r = m.a / m.b;
        let var = m.var_a() + r * r * (m.bb - m.b * m.b) - 2.0 * r * (m.ab - m.a * m.b);
        let se = self.mean(0.0, var).se / m.b;
        Estimate { value: r, se }
    }
}

impl OperatingCharacteristics {
    /// Every estimate by its CSV name, per-dose ones as `name[dose]`: what a
    /// comparison of two results walks.
    pub fn figures(&self) -> Vec<(String, Estimate)> {
        let mut all: Vec<(String, Estimate)> = [
            ("p_none", self.p_none),
            ("p_none_safety", self.p_none_safety),
            ("pcs", self.pcs),
            ("pcs_highest", self.pcs_highest),
            ("pcs_closest", self.pcs_closest),
            ("p_select_overdose", self.p_select_overdose),
            ("p_select_underdose", self.p_select_underdose),
            ("mean_n", self.mean_n),
            ("mean_dlt", self.mean_dlt),
            ("dlt_rate", self.dlt_rate),
            ("dlt_rate_per_trial", self.dlt_rate_per_trial),
            ("mean_n_overdose", self.mean_n_overdose),
            ("share_n_overdose", self.share_n_overdose),
            ("mean_share_n_overdose", self.mean_share_n_overdose),
            ("p_overdose_majority", self.p_overdose_majority),
        ]
        .into_iter()
        .map(|(name, e)| (name.to_string(), e))
        .collect();
        for (reason, &e) in StopReason::ALL.iter().zip(&self.p_stop) {
            all.push((format!("p_stop_{}", reason.name()), e));
        }
        for d in &self.doses {
            for (name, e) in [
                ("p_select", d.p_select),
                ("mean_n", d.mean_n),
                ("alloc_ratio", d.alloc_ratio),
                ("alloc_mean", d.alloc_mean),
                ("mean_dlt", d.mean_dlt),
                ("p_treated", d.p_treated),
            ] {
                all.push((format!("{name}[{}]", d.dose), e));
            }
        }
        all
    }

    /// Summarises `tally`, the trials of one design on `truth`. `trials` is
    /// `Some(R)` for a Monte Carlo tally of R trials, `None` for an exact one.
    pub fn from_tally<W: Weight>(
        tally: &Tally<W>,
        truth: &Truth,
        target: f64,
        mtd_rule: MtdRule,
        trials: Option<u64>,
    ) -> Self {
        let k = truth.num_doses();
        let total = tally.total().to_f64();
        let at = Precision {
            trials: trials.map(|r| r as f64),
        };
        let prob = |w: W| w.to_f64() / total;
        let f = |v: usize| v as f64;

        let true_mtd = truth.true_mtd(target, mtd_rule);
        let overdose = |d: usize| truth.p_dlt[d] > target;
        let p_select: Vec<f64> = (0..k).map(|d| prob(tally.selected(Some(d)))).collect();
        let p_none = prob(tally.selected(None));
        let pcs_under = |rule| {
            let mtd = truth.true_mtd(target, rule);
            (
                mtd.map(|m| m + 1),
                at.proportion(mtd.map_or(p_none, |m| p_select[m])),
            )
        };
        let (true_mtd_highest, pcs_highest) = pcs_under(MtdRule::Highest);
        let (true_mtd_closest, pcs_closest) = pcs_under(MtdRule::Closest);
        let pcs = true_mtd.map_or(p_none, |m| p_select[m]);
        let p_stop = StopReason::ALL.map(|reason| {
            let w = total_weight(
                [true, false]
                    .map(|none| tally.stopped(reason, none))
                    .into_iter(),
            );
            at.proportion(prob(w))
        });
        let p_over = prob(total_weight(
            (0..k)
                .filter(|&d| overdose(d))
                .map(|d| tally.selected(Some(d))),
        ));
        let p_under = true_mtd.map_or(0.0, |m| {
            prob(total_weight(
                (0..m).map(Some).chain([None]).map(|d| tally.selected(d)),
            ))
        });

        // Totals against N.
        let dlt = Moments::of(
            tally.dlts_and_n().map(|(x, n, w)| (f(x), f(n), w.to_f64())),
            total,
        );
        let n_only = Moments {
            a: dlt.b,
            aa: dlt.bb,
            ..Moments::default()
        };
        let dlt_per_n = Moments::of(
            tally
                .dlts_and_n()
                .map(|(x, n, w)| (f(x) / f(n), 0.0, w.to_f64())),
            total,
        );
        let over = Moments::of(
            tally
                .overdosed_and_n()
                .map(|(o, n, w)| (f(o), f(n), w.to_f64())),
            total,
        );
        let over_per_n = Moments::of(
            tally
                .overdosed_and_n()
                .map(|(o, n, w)| (f(o) / f(n), 0.0, w.to_f64())),
            total,
        );
        let p_majority = prob(total_weight(
            tally
                .overdosed_and_n()
                .filter(|&(o, n, _)| 2 * o > n)
                .map(|(.., w)| w),
        ));

        let doses = (0..k)
            .map(|d| {
                let cells = || {
                    tally
                        .dose_n_and_n(d)
                        .map(|(nd, n, w)| (f(nd), f(n), w.to_f64()))
                };
                let n_at = Moments::of(cells(), total);
                // Cells list only trials that treated the dose; the others add
                // 0 to every sum but still count in E[N] and E[N²].
                let joint = Moments {
                    b: dlt.b,
                    bb: dlt.bb,
                    ..n_at
                };
                let share = Moments::of(cells().map(|(nd, n, w)| (nd / n, 0.0, w)), total);
                let x_at = Moments::of(
                    tally.dose_dlts(d).map(|(x, w)| (f(x), 0.0, w.to_f64())),
                    total,
                );
                let treated = prob(total_weight(tally.dose_n_and_n(d).map(|(.., w)| w)));
                DoseCharacteristics {
                    dose: d + 1,
                    p_true: truth.p_dlt[d],
                    overdose: overdose(d),
                    p_select: at.proportion(p_select[d]),
                    mean_n: at.mean(n_at.a, n_at.var_a()),
                    alloc_ratio: at.ratio(&joint),
                    alloc_mean: at.mean(share.a, share.var_a()),
                    mean_dlt: at.mean(x_at.a, x_at.var_a()),
                    p_treated: at.proportion(treated),
                }
            })
            .collect();

        let distribution = |cells: Vec<(usize, W)>| -> Vec<(u32, f64)> {
            let mut by_value = std::collections::BTreeMap::new();
            for (v, w) in cells {
                *by_value.entry(v as u32).or_insert(0.0) += prob(w);
            }
            by_value.into_iter().collect()
        };

        let oc = OperatingCharacteristics {
            method: if trials.is_some() {
                Method::Mc
            } else {
                Method::Exact
            },
            trials,
            target,
            mtd_rule,
            true_mtd: true_mtd.map(|m| m + 1),
            p_none: at.proportion(p_none),
            p_none_safety: at.proportion(prob(tally.stopped(StopReason::Safety, true))),
            p_stop,
            pcs: at.proportion(pcs),
            true_mtd_highest,
            pcs_highest,
            true_mtd_closest,
            pcs_closest,
            p_select_overdose: at.proportion(p_over),
            p_select_underdose: at.proportion(p_under),
            mean_n: at.mean(n_only.a, n_only.var_a()),
            sd_n: n_only.var_a().sqrt(),
            mean_dlt: at.mean(dlt.a, dlt.var_a()),
            sd_dlt: dlt.var_a().sqrt(),
            dlt_rate: at.ratio(&dlt),
            dlt_rate_per_trial: at.mean(dlt_per_n.a, dlt_per_n.var_a()),
            mean_n_overdose: at.mean(over.a, over.var_a()),
            share_n_overdose: at.ratio(&over),
            mean_share_n_overdose: at.mean(over_per_n.a, over_per_n.var_a()),
            p_overdose_majority: at.proportion(p_majority),
            sample_size: distribution(tally.dlts_and_n().map(|(_, n, w)| (n, w)).collect()),
            dlt_count: distribution(tally.dlts_and_n().map(|(x, _, w)| (x, w)).collect()),
            doses,
            time: None,
        };
        if tally.shape().max_n == 0 {
            oc.treating_nobody()
        } else {
            oc
        }
    }

    /// These characteristics with every figure about treatment — sample
    /// size, DLTs, allocation, stop reasons — not applicable: those of the
    /// optimal benchmark, which selects a dose and treats nobody.
    fn treating_nobody(mut self) -> Self {
        let none = Estimate::NOT_APPLICABLE;
        self.p_stop = [none; StopReason::ALL.len()];
        self.p_none_safety = none;
        for e in [
            &mut self.mean_n,
            &mut self.mean_dlt,
            &mut self.dlt_rate,
            &mut self.dlt_rate_per_trial,
            &mut self.mean_n_overdose,
            &mut self.share_n_overdose,
            &mut self.mean_share_n_overdose,
            &mut self.p_overdose_majority,
        ] {
            *e = none;
        }
        (self.sd_n, self.sd_dlt) = (f64::NAN, f64::NAN);
        self.sample_size.clear();
        self.dlt_count.clear();
        for d in &mut self.doses {
            (
                d.mean_n,
                d.alloc_ratio,
                d.alloc_mean,
                d.mean_dlt,
                d.p_treated,
            ) = (none, none, none, none, none);
        }
        self
    }
}
