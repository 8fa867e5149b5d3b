//! The one place that knows the design families: what a scenario says about a
//! design ([`DesignSpec`]), and the design it builds ([`AnyDesign`]), with the
//! exact engine that suits it. Everything above this module — run, shards,
//! merge, check, the reports — sees designs only through these two types.

use super::benchmark::Benchmark;
use super::crm::{CrmDesign, CrmParams, Skeleton};
use super::graph::StateGraph;
use super::rolling_six::RollingSix;
use super::{
    AbDesign, AbParams, Decision, Design, DesignError, IntervalDesign, IntervalError, IntervalKind,
    IntervalParams, Observed, Preset, TableRow,
};
use crate::engine::shape_of;
use crate::exact::{ExactError, exact, exact_ab, exact_benchmark, exact_on_graph};
use crate::tally::Tally;
use crate::truth::Truth;
use std::sync::Mutex;

/// A design's rules and parameters, by family.
#[derive(Debug, Clone, PartialEq)]
pub enum Rule {
    /// The 3+3 and the A+B family.
    AB(AbParams),
    /// BOIN, mTPI-2 and i3+3.
    Interval(IntervalParams),
    /// The continual reassessment method.
    Crm(CrmParams),
    /// The optimal benchmark with `max_n` patients.
    Benchmark { target: f64, max_n: u32 },
    /// The rolling six, starting at `start_dose` (1-based); timed runs only.
    RollingSix { start_dose: u32 },
}

/// A design as a scenario names it: validated parameters and a name.
#[derive(Debug, Clone, PartialEq)]
pub struct DesignSpec {
    pub name: String,
    pub rule: Rule,
}

/// A design parameter that is out of range, named as in a scenario file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {problem}")]
pub struct SpecError {
    pub field: &'static str,
    pub problem: String,
}

impl From<DesignError> for SpecError {
    fn from(e: DesignError) -> Self {
        match e {
            DesignError::UnknownPreset(_) => SpecError {
                field: "preset",
                problem: e.to_string(),
            },
            DesignError::OutOfRange {
                field,
                value,
                expected,
            } => SpecError {
                field,
                problem: format!("= {value}: expected {expected}"),
            },
        }
    }
}

impl From<IntervalError> for SpecError {
    fn from(e: IntervalError) -> Self {
        SpecError {
            field: e.field,
            problem: e.problem,
        }
    }
}

impl DesignSpec {
    /// The 3+3 with a preset's switches, named after it.
    pub fn preset(preset: Preset) -> Self {
        DesignSpec {
            name: format!("3+3 {preset}"),
            rule: Rule::AB(AbParams::three_plus_three(preset)),
        }
    }

    /// One design of each interval kind with default parameters, named
    /// after its kind: for benchmarks and the fingerprint.
    pub fn interval_examples(target: f64, max_n: u32) -> Vec<DesignSpec> {
        IntervalKind::ALL
            .map(|kind| DesignSpec {
                name: kind.name().to_string(),
                rule: Rule::Interval(IntervalParams::new(kind, target, max_n)),
            })
            .to_vec()
    }

    /// A CRM with dfcrm's defaults and a fixed skeleton, named "CRM": for
    /// benchmarks and the fingerprint.
    pub fn crm_example(target: f64, skeleton: &[f64], max_n: u32) -> DesignSpec {
        DesignSpec {
            name: "CRM".to_string(),
            rule: Rule::Crm(CrmParams::new(
                target,
                Skeleton::Given(skeleton.to_vec()),
                max_n,
            )),
        }
    }

    /// The design's kind as files name it: `3+3`, `A+B`, `boin`, `mtpi2`,
    /// `i3+3`, `crm`.
    pub fn kind(&self) -> &'static str {
        match &self.rule {
            Rule::AB(p) if p.is_three_plus_three() => "3+3",
            Rule::AB(_) => "A+B",
            Rule::Interval(p) => p.kind.name(),
            Rule::Crm(_) => "crm",
            Rule::Benchmark { .. } => "benchmark",
            Rule::RollingSix { .. } => "rolling6",
        }
    }

    /// The 3+3 preset the design amounts to, if any.
    pub fn preset_name(&self) -> Option<Preset> {
        match &self.rule {
            Rule::AB(p) => p.preset(),
            Rule::Interval(_) | Rule::Crm(_) | Rule::Benchmark { .. } | Rule::RollingSix { .. } => {
                None
            }
        }
    }

    /// The design for `num_doses` doses.
    pub fn build(&self, num_doses: usize) -> Result<AnyDesign, SpecError> {
        Ok(match &self.rule {
            Rule::AB(p) => AnyDesign::AB(AbDesign::new(*p, num_doses)?),
            Rule::Interval(p) => AnyDesign::Interval(IntervalDesign::new(*p, num_doses)?),
            Rule::Crm(p) => AnyDesign::Crm(CrmDesign::new(p.clone(), num_doses)?),
            Rule::Benchmark { target, max_n } => {
                AnyDesign::Benchmark(Benchmark::new(*target, *max_n, num_doses)?)
            }
            Rule::RollingSix { start_dose } => {
                if !(1..=num_doses as u32).contains(start_dose) {
                    return Err(SpecError {
                        field: "start_dose",
                        problem: format!(
                            "= {start_dose}: expected a dose level from 1 to {num_doses}"
                        ),
                    });
                }
                AnyDesign::RollingSix(RollingSix::new(num_doses, *start_dose as usize - 1))
            }
        })
    }

    /// Every parameter with its effective value, defaults included: the rows
    /// of `designs.csv`.
    pub fn parameters(&self) -> Vec<(&'static str, String)> {
        let mut out = vec![("kind", self.kind().to_string())];
        match &self.rule {
            Rule::Crm(p) => out = p.parameters(),
            Rule::Benchmark { target, max_n } => {
                out.extend([("target", target.to_string()), ("max_n", max_n.to_string())])
            }
            Rule::RollingSix { start_dose } => out.push(("start_dose", start_dose.to_string())),
            // The design knows its derived values (BOIN's λ, the EI), which
            // do not depend on K: as many doses as its start dose needs.
            Rule::Interval(p) => match IntervalDesign::new(*p, p.start_dose.max(1)) {
                Ok(d) => out = d.parameters(),
                Err(e) => out.push(("error", e.to_string())),
            },
            Rule::AB(p) => {
                let preset = p.preset().map_or(String::new(), |p| p.to_string());
                out.extend([
                    ("preset", preset),
                    ("a", p.a.to_string()),
                    ("b", p.b.to_string()),
                    ("c", p.c.to_string()),
                    ("d", p.d.to_string()),
                    ("e", p.e.to_string()),
                    ("deescalation", p.deescalation.to_string()),
                    ("top_dose_needs_six", p.top_dose_needs_six.to_string()),
                    ("start_dose", p.start_dose.to_string()),
                ]);
            }
        }
        out
    }
}

/// The JSON form: name, kind and every parameter, the same for every family.
impl serde::Serialize for DesignSpec {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let parameters = self.parameters();
        let mut map = serializer.serialize_map(Some(parameters.len() + 1))?;
        map.serialize_entry("name", &self.name)?;
        for (key, value) in &parameters {
            map.serialize_entry(key, value)?;
        }
        map.end()
    }
}

/// A design of any family, ready to run.
#[derive(Debug, Clone)]
pub enum AnyDesign {
    AB(AbDesign),
    Interval(IntervalDesign),
    Crm(CrmDesign),
    Benchmark(Benchmark),
    RollingSix(RollingSix),
}

impl AnyDesign {
    /// The exact operating characteristics on `truth`, by the engine that
    /// suits the family: the polynomial sweep for the A+B family.
    pub fn exact(&self, truth: &Truth, target: f64) -> Result<Tally<f64>, ExactError> {
        match self {
            AnyDesign::AB(d) => exact_ab(d, truth, target),
            AnyDesign::Interval(d) => exact(d, truth, target),
            // Through the graph the design keeps: its decisions, each a
            // posterior quadrature, are made once for every truth.
            AnyDesign::Crm(d) => match d.state_graph() {
                Some(Some(graph)) => exact_on_graph(graph, shape_of(d), truth, target),
                _ => Err(ExactError::TooManyStates {
                    limit: StateGraph::MAX_NODES,
                }),
            },
            AnyDesign::Benchmark(b) => exact_benchmark(b, truth, target),
            AnyDesign::RollingSix(_) => Err(ExactError::NeedsTime),
        }
    }

    /// Whether the exact engine can take this design's trial tree on any
    /// truth: tried on the truth with the most branches (every p = 1/2),
    /// which costs at most a few seconds when the answer is no.
    pub fn exact_feasible(&self) -> bool {
        match self {
            // The polynomial sweep has no state limit.
            AnyDesign::AB(_) => true,
            AnyDesign::Crm(d) => matches!(d.state_graph(), Some(Some(_))),
            AnyDesign::Benchmark(b) => b.exact_is_quick(),
            AnyDesign::RollingSix(_) => false,
            AnyDesign::Interval(d) => {
                // Remembered per design: a run asks several times (planning,
                // shards, merge), and a "no" costs seconds.
                static KNOWN: Mutex<Vec<(IntervalParams, usize, bool)>> = Mutex::new(Vec::new());
                let key = (*d.params(), d.num_doses());
                let known = |list: &Vec<(IntervalParams, usize, bool)>| {
                    list.iter().find(|(p, k, _)| (*p, *k) == key).map(|e| e.2)
                };
                if let Some(answer) = KNOWN.lock().ok().and_then(|list| known(&list)) {
                    return answer;
                }
                let half = vec![0.5; d.num_doses()];
                let answer = Truth::new("feasibility", half).is_ok_and(|truth| {
                    !matches!(exact(d, &truth, 0.3), Err(ExactError::TooManyStates { .. }))
                });
                if let Ok(mut list) = KNOWN.lock() {
                    list.push((key.0, key.1, answer));
                }
                answer
            }
        }
    }

    /// The decision table of rows n = 1..=`max_n` (the design's own maximum
    /// when `None`): what the design does after y DLTs in n patients at a
    /// dose. `None` for a design no table describes completely.
    pub fn table(&self, max_n: Option<u32>) -> Option<Vec<TableRow>> {
        match self {
            AnyDesign::AB(d) => Some(d.table()),
            AnyDesign::Interval(d) => Some(d.table(max_n.unwrap_or(d.params().max_n))),
            // Its decisions depend on every dose's data; the benchmark
            // treats nobody.
            // Its decisions depend on pending results: see its Table 1.
            AnyDesign::Crm(_) | AnyDesign::Benchmark(_) | AnyDesign::RollingSix(_) => None,
        }
    }

    /// One design of every kind, for the engine's fingerprint: a build whose
    /// rules differ in any family fingerprints differently.
    pub fn fingerprint_designs(num_doses: usize) -> Vec<AnyDesign> {
        let mut specs = Preset::ALL.map(DesignSpec::preset).to_vec();
        specs.extend(DesignSpec::interval_examples(0.3, 30));
        let skeleton = [0.05, 0.12, 0.25, 0.40, 0.55, 0.7, 0.8, 0.9];
        specs.push(DesignSpec::crm_example(
            0.3,
            &skeleton[..num_doses.min(8)],
            12,
        ));
        specs
            .iter()
            .filter_map(|spec| spec.build(num_doses).ok())
            .collect()
    }
}

/// Dispatch by family: one `match` per call, which the branch predictor
/// resolves for free inside a run of one design.
macro_rules! each {
    ($self:expr, $d:ident => $body:expr) => {
        match $self {
            AnyDesign::AB($d) => $body,
            AnyDesign::Interval($d) => $body,
            AnyDesign::Crm($d) => $body,
            AnyDesign::Benchmark($d) => $body,
            AnyDesign::RollingSix($d) => $body,
        }
    };
}

impl Design for AnyDesign {
    #[inline]
    fn num_doses(&self) -> usize {
        each!(self, d => d.num_doses())
    }

    #[inline]
    fn max_cohort(&self) -> u32 {
        each!(self, d => d.max_cohort())
    }

    #[inline]
    fn max_patients_per_dose(&self) -> u32 {
        each!(self, d => d.max_patients_per_dose())
    }

    #[inline]
    fn max_sample_size(&self) -> u32 {
        each!(self, d => d.max_sample_size())
    }

    #[inline]
    fn start(&self) -> Decision {
        each!(self, d => d.start())
    }

    #[inline]
    fn decide(&self, seen: &Observed<'_>) -> Decision {
        each!(self, d => d.decide(seen))
    }

    #[inline]
    fn toxic_cohort(&self, patients: u32, dlts: u32) -> bool {
        each!(self, d => d.toxic_cohort(patients, dlts))
    }

    fn as_benchmark(&self) -> Option<&Benchmark> {
        each!(self, d => d.as_benchmark())
    }

    fn as_rolling_six(&self) -> Option<&RollingSix> {
        each!(self, d => d.as_rolling_six())
    }

    fn state_graph(&self) -> Option<Option<&StateGraph>> {
        each!(self, d => d.state_graph())
    }
}
