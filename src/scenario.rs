//! Scenario files: what a user asks dosesim to evaluate.
//!
//! A scenario is a TOML file holding one or more true dose–toxicity curves
//! (`[[truth]]`, and `[[grid]]` tables that generate them, see
//! [`crate::grid`]), zero or more designs (`[[design]]`; none means the 3+3
//! `strict` preset) and simulation settings. Every truth × design pair is
//! evaluated. Everything is validated here, at load time, with errors that
//! name the file, the field and what was expected; later stages trust it.
//! Grids are expanded here too: [`Scenario::truths`] holds the file's
//! `[[truth]]` curves in file order, then each grid's curves in grid order.
//! The format is documented in README.md, and for grids in docs/grids.md.

use crate::design::crm::{Model, Skeleton};
use crate::design::{AbParams, CrmParams, DesignSpec, IntervalKind, IntervalParams, Preset, Rule};
use crate::engine::MAX_TRIALS;
use crate::grid::{Grid, RawGrid, TruthOrigin};
use crate::time::{Arrivals, DltTime, Timing, WhenSuspended};
use crate::truth::{Event, MAX_DOSES, MtdRule, Truth, TruthError};
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

/// Trials when a scenario does not say.
pub const DEFAULT_TRIALS: u64 = 1_000_000;
/// Seed when a scenario does not say: fixed, so runs are reproducible by default.
pub const DEFAULT_SEED: u64 = 2026;
/// Target DLT rate when a scenario does not say.
pub const DEFAULT_TARGET: f64 = 0.30;
/// Most truths in one file (a sweep is one file), counting those grids
/// generate.
pub const MAX_TRUTHS: usize = 100_000;
/// Most designs in one file.
pub const MAX_DESIGNS: usize = 64;
/// Largest scenario file read, in bytes.
pub const MAX_FILE_BYTES: u64 = 64 << 20;

/// Why a scenario could not be loaded. Each variant names the file.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ScenarioError {
    #[error("{path}: cannot read")]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}:{line}:{column}: {message}")]
    Syntax {
        path: PathBuf,
        line: usize,
        column: usize,
        message: String,
    },
    #[error("{path}: {field}: {problem}")]
    Invalid {
        path: PathBuf,
        field: String,
        problem: String,
    },
}

/// Monte Carlo settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Simulation {
    pub trials: u64,
    pub seed: u64,
}

/// A validated scenario.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Scenario {
    pub name: String,
    pub description: Option<String>,
    /// The file it came from.
    pub source: PathBuf,
    pub target: f64,
    pub true_mtd: MtdRule,
    /// One label per dose level.
    pub doses: Vec<String>,
    /// The file's `[[truth]]` curves in file order, then the curves of each
    /// `[[grid]]` in grid order.
    pub truths: Vec<Truth>,
    /// Where each truth came from: one per truth, in the same order. Left out
    /// of the JSON when every truth is a `[[truth]]`.
    #[serde(skip_serializing_if = "crate::grid::all_explicit")]
    pub truth_origins: Vec<TruthOrigin>,
    pub designs: Vec<DesignSpec>,
    /// The `[timing]` table: when present, every trial runs on a clock and
    /// the run reports how long trials take (Monte Carlo).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timing: Option<Timing>,
    pub simulation: Simulation,
    /// The file's text as read, kept for provenance.
    #[serde(skip)]
    pub text: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawScenario {
    name: Option<String>,
    description: Option<String>,
    target: Option<f64>,
    true_mtd: Option<String>,
    doses: Option<Vec<String>>,
    #[serde(default)]
    truth: Vec<RawTruth>,
    #[serde(default)]
    grid: Vec<RawGrid>,
    #[serde(default)]
    design: Vec<RawDesign>,
    timing: Option<RawTiming>,
    simulation: Option<RawSimulation>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTiming {
    arrivals: Option<RawArrivals>,
    dlt_window_days: Option<toml::Value>,
    /// `"uniform"`, or `{ weibull = { shape = 2 } }`.
    dlt_time: Option<toml::Value>,
    when_suspended: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawArrivals {
    process: Option<String>,
    mean_days: Option<toml::Value>,
    min_days: Option<toml::Value>,
    max_days: Option<toml::Value>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTruth {
    name: Option<String>,
    p_dlt: Option<Vec<f64>>,
    /// A toxicity profile instead of `p_dlt`: event name → P(event) per dose.
    events: Option<std::collections::BTreeMap<String, Vec<f64>>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDesign {
    name: Option<String>,
    kind: Option<String>,
    preset: Option<String>,
    deescalation: Option<bool>,
    top_dose_needs_six: Option<bool>,
    start_dose: Option<i64>,
    a: Option<i64>,
    b: Option<i64>,
    c: Option<i64>,
    d: Option<i64>,
    e: Option<i64>,
    cohort_size: Option<i64>,
    max_n: Option<i64>,
    stop_n_at_dose: Option<i64>,
    /// A posterior cutoff in (0, 1), or `false` for no elimination.
    elimination: Option<toml::Value>,
    phi1: Option<f64>,
    phi2: Option<f64>,
    epsilon1: Option<f64>,
    epsilon2: Option<f64>,
    /// Prior guesses per dose, or `{ halfwidth, nu }` for getprior.
    skeleton: Option<toml::Value>,
    model: Option<String>,
    prior_sd: Option<f64>,
    restrict: Option<bool>,
    /// `{ cutoff = 0.9 }`, or `false`.
    stop_if_p1_above: Option<toml::Value>,
}

/// The design families, by the keys they take (besides `name` and `kind`),
/// each with the words that name it in messages.
const FAMILY_KEYS: [(&str, &[&str]); 5] = [
    (
        "the 3+3 and A+B designs",
        &[
            "preset",
            "deescalation",
            "top_dose_needs_six",
            "start_dose",
            "a",
            "b",
            "c",
            "d",
            "e",
        ],
    ),
    (
        "the interval designs (kind = \"boin\", \"mtpi2\" or \"i3+3\")",
        &[
            "cohort_size",
            "max_n",
            "start_dose",
            "stop_n_at_dose",
            "elimination",
            "phi1",
            "phi2",
            "epsilon1",
            "epsilon2",
        ],
    ),
    (
        "the CRM (kind = \"crm\")",
        &[
            "skeleton",
            "model",
            "prior_sd",
            "cohort_size",
            "max_n",
            "start_dose",
            "restrict",
            "stop_if_p1_above",
        ],
    ),
    ("the optimal benchmark (kind = \"benchmark\")", &["max_n"]),
    ("the rolling six (kind = \"rolling6\")", &["start_dose"]),
];

/// Index into [`FAMILY_KEYS`] of each family.
const AB_FAMILY: usize = 0;
const INTERVAL_FAMILY: usize = 1;
const CRM_FAMILY: usize = 2;
const BENCHMARK_FAMILY: usize = 3;
const ROLLING_SIX_FAMILY: usize = 4;

impl RawDesign {
    /// The parameter keys the file gives, in the order of the struct.
    fn given(&self) -> Vec<&'static str> {
        let present = [
            ("preset", self.preset.is_some()),
            ("deescalation", self.deescalation.is_some()),
            ("top_dose_needs_six", self.top_dose_needs_six.is_some()),
            ("start_dose", self.start_dose.is_some()),
            ("a", self.a.is_some()),
            ("b", self.b.is_some()),
            ("c", self.c.is_some()),
            ("d", self.d.is_some()),
            ("e", self.e.is_some()),
            ("cohort_size", self.cohort_size.is_some()),
            ("max_n", self.max_n.is_some()),
            ("stop_n_at_dose", self.stop_n_at_dose.is_some()),
            ("elimination", self.elimination.is_some()),
            ("phi1", self.phi1.is_some()),
            ("phi2", self.phi2.is_some()),
            ("epsilon1", self.epsilon1.is_some()),
            ("epsilon2", self.epsilon2.is_some()),
            ("skeleton", self.skeleton.is_some()),
            ("model", self.model.is_some()),
            ("prior_sd", self.prior_sd.is_some()),
            ("restrict", self.restrict.is_some()),
            ("stop_if_p1_above", self.stop_if_p1_above.is_some()),
        ];
        present
            .into_iter()
            .filter(|&(_, given)| given)
            .map(|(key, _)| key)
            .collect()
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSimulation {
    trials: Option<i64>,
    seed: Option<i64>,
}

impl Scenario {
    /// Reads and validates a scenario file.
    pub fn load(path: &Path) -> Result<Scenario, ScenarioError> {
        let read = |source| ScenarioError::Read {
            path: path.to_path_buf(),
            source,
        };
        let bytes = crate::input::read_limited(path, MAX_FILE_BYTES).map_err(read)?;
        let text = String::from_utf8(bytes)
            .map_err(|e| read(std::io::Error::new(std::io::ErrorKind::InvalidData, e)))?;
        Scenario::parse(&text, path)
    }

    /// Parses and validates scenario text; `path` names it in errors and gives
    /// the default name (its stem).
    pub fn parse(text: &str, path: &Path) -> Result<Scenario, ScenarioError> {
        let raw: RawScenario = toml::from_str(text).map_err(|e| syntax_error(text, path, &e))?;
        Validator { path }.scenario(raw, text)
    }
}

impl Scenario {
    /// A scenario from the command line: one curve, 3+3 presets, defaults for
    /// the rest. Errors name the flag (`--p`) as the field.
    pub fn from_curve(
        p_dlt: Vec<f64>,
        target: f64,
        presets: &[Preset],
    ) -> Result<Scenario, ScenarioError> {
        let path = Path::new("(command line)");
        let v = Validator { path };
        if !(target > 0.0 && target < 1.0) {
            return Err(v.invalid(
                "--target",
                format!("= {target}: expected a DLT rate strictly between 0 and 1"),
            ));
        }
        let truth = Truth::new("curve", p_dlt).map_err(|e| v.invalid("--p", e.to_string()))?;
        let presets = if presets.is_empty() {
            &[Preset::Strict][..]
        } else {
            presets
        };
        Ok(Scenario {
            name: "command line".into(),
            description: None,
            source: path.to_path_buf(),
            target,
            true_mtd: MtdRule::Highest,
            doses: (1..=truth.num_doses())
                .map(|d| format!("dose {d}"))
                .collect(),
            truths: vec![truth],
            truth_origins: vec![TruthOrigin::explicit()],
            designs: presets.iter().map(|&p| DesignSpec::preset(p)).collect(),
            timing: None,
            simulation: Simulation {
                trials: DEFAULT_TRIALS,
                seed: DEFAULT_SEED,
            },
            text: String::new(),
        })
    }
}

fn syntax_error(text: &str, path: &Path, e: &toml::de::Error) -> ScenarioError {
    let offset = e.span().map_or(0, |s| s.start).min(text.len());
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let column = before.chars().rev().take_while(|&c| c != '\n').count() + 1;
    ScenarioError::Syntax {
        path: path.to_path_buf(),
        line,
        column,
        message: e.message().trim().to_string(),
    }
}

/// Turns raw file contents into a [`Scenario`], naming the file in errors.
struct Validator<'a> {
    path: &'a Path,
}

impl Validator<'_> {
    fn invalid(&self, field: impl Into<String>, problem: impl Into<String>) -> ScenarioError {
        ScenarioError::Invalid {
            path: self.path.to_path_buf(),
            field: field.into(),
            problem: problem.into(),
        }
    }

    fn scenario(&self, raw: RawScenario, text: &str) -> Result<Scenario, ScenarioError> {
        let name = match raw.name {
            Some(n) if n.trim().is_empty() => {
                return Err(self.invalid("name", "is empty: expected a name, or no key"));
            }
            Some(n) => n,
            None => self
                .path
                .file_stem()
                .map_or("scenario".into(), |s| s.to_string_lossy().into_owned()),
        };
        let target = raw.target.unwrap_or(DEFAULT_TARGET);
        if !(target > 0.0 && target < 1.0) {
            return Err(self.invalid(
                "target",
                format!("= {target}: expected a DLT rate strictly between 0 and 1"),
            ));
        }
        let true_mtd = match raw.true_mtd.as_deref() {
            None | Some("highest") => MtdRule::Highest,
            Some("closest") => MtdRule::Closest,
            Some(other) => {
                return Err(self.invalid(
                    "true_mtd",
                    format!("= {other:?}: expected \"highest\" or \"closest\""),
                ));
            }
        };
        let mut truths = self.truths(raw.truth, !raw.grid.is_empty())?;
        if let (Some(first), Some(labels)) = (truths.first(), &raw.doses) {
            let k = first.num_doses();
            if labels.len() != k {
                return Err(self.invalid(
                    "doses",
                    format!("has {} labels but truth[0].p_dlt has {k} doses: expected one label per dose", labels.len()),
                ));
            }
        }
        // The number of doses, and what fixed it (for messages).
        let known = match (truths.first(), &raw.doses) {
            (Some(t), _) => Some((
                t.num_doses(),
                format!("truth[0].p_dlt has {}", t.num_doses()),
            )),
            (None, Some(labels)) if (1..=MAX_DOSES).contains(&labels.len()) => {
                Some((labels.len(), format!("doses has {} labels", labels.len())))
            }
            (None, Some(labels)) => {
                return Err(self.invalid(
                    "doses",
                    format!(
                        "has {} labels: expected one label per dose, 1 to {MAX_DOSES}",
                        labels.len()
                    ),
                ));
            }
            (None, None) => None,
        };
        let grids = self.grids(raw.grid, target, known, truths.len())?;
        let mut truth_origins = vec![TruthOrigin::explicit(); truths.len()];
        self.expand(&grids, &mut truths, &mut truth_origins)?;
        let Some(k) = truths.first().map(Truth::num_doses) else {
            return Err(self.invalid("truth", "missing: expected at least one truth"));
        };
        let doses = match raw.doses {
            None => (1..=k).map(|d| format!("dose {d}")).collect(),
            Some(labels) => labels,
        };
        let designs = self.designs(raw.design, k, target)?;
        let timing = raw.timing.map(|t| self.timing(t)).transpose()?;
        if let (None, Some(i)) = (timing, designs.iter().position(|d| d.kind() == "rolling6")) {
            return Err(self.invalid(
                format!("design[{i}].kind"),
                "= \"rolling6\": the rolling six differs from the 3+3 only in time, so it needs \
                 a [timing] table (e.g. arrivals = { process = \"poisson\", mean_days = 10 } and \
                 dlt_window_days = 28)",
            ));
        }
        let simulation = self.simulation(raw.simulation)?;
        Ok(Scenario {
            name,
            description: raw.description,
            source: self.path.to_path_buf(),
            target,
            true_mtd,
            doses,
            truths,
            truth_origins,
            designs,
            timing,
            simulation,
            text: text.to_string(),
        })
    }

    /// `truth[i].p_dlt[j]` or `truth[i].events.rash[j]` and what is wrong there.
    fn truth_error(&self, i: usize, e: TruthError) -> ScenarioError {
        let (field, e) = match e {
            TruthError::Event { event, problem } => {
                (format!("truth[{i}].events.{event}"), *problem)
            }
            TruthError::EventLengths { ref event, .. } => (format!("truth[{i}].events.{event}"), e),
            TruthError::NoEvents => (format!("truth[{i}].events"), e),
            other => (format!("truth[{i}].p_dlt"), other),
        };
        match e {
            TruthError::NotAProbability { index, value } => self.invalid(
                format!("{field}[{index}]"),
                format!("= {value}: expected a probability in [0, 1]"),
            ),
            other => self.invalid(field, other.to_string()),
        }
    }

    /// The file's `[[truth]]` curves; none is an error unless grids follow.
    fn truths(&self, raw: Vec<RawTruth>, has_grids: bool) -> Result<Vec<Truth>, ScenarioError> {
        if raw.is_empty() && !has_grids {
            return Err(self.invalid(
                "truth",
                "missing: expected at least one [[truth]] with p_dlt = [...], or a [[grid]] that generates truths",
            ));
        }
        if raw.len() > MAX_TRUTHS {
            return Err(self.invalid(
                "truth",
                format!("has {} curves: at most {MAX_TRUTHS} per file", raw.len()),
            ));
        }
        let mut truths: Vec<Truth> = Vec::with_capacity(raw.len());
        let mut names: HashSet<String> = HashSet::with_capacity(raw.len());
        for (i, t) in raw.into_iter().enumerate() {
            let name = t.name.unwrap_or_else(|| format!("truth {}", i + 1));
            let truth = match (t.p_dlt, t.events) {
                (Some(p), None) => Truth::new(name, p),
                (None, Some(events)) => {
                    let events = events
                        .into_iter()
                        .map(|(name, p)| Event { name, p })
                        .collect();
                    Truth::from_events(name, events)
                }
                (Some(_), Some(_)) => {
                    return Err(self.invalid(
                        format!("truth[{i}]"),
                        "has both p_dlt and events: give one of them",
                    ));
                }
                (None, None) => {
                    return Err(self.invalid(
                        format!("truth[{i}]"),
                        "has neither p_dlt nor events: expected p_dlt = [...] or [truth.events]",
                    ));
                }
            }
            .map_err(|e| self.truth_error(i, e))?;
            if let Some(first) = truths.first() {
                if truth.num_doses() != first.num_doses() {
                    return Err(self.invalid(
                        format!("truth[{i}].p_dlt"),
                        format!(
                            "has {} doses but truth[0] has {}: every truth must cover the same dose levels",
                            truth.num_doses(),
                            first.num_doses()
                        ),
                    ));
                }
            }
            if !names.insert(truth.name.clone()) {
                return Err(self.invalid(
                    format!("truth[{i}].name"),
                    format!("{:?} is used twice: expected unique names", truth.name),
                ));
            }
            truths.push(truth);
        }
        Ok(truths)
    }

    /// The `[[grid]]` tables, validated, with their number of doses settled:
    /// every grid must agree with `known` (the explicit truths' or the
    /// labels'), else with the first grid that fixes it. Nothing is generated.
    fn grids(
        &self,
        raw: Vec<RawGrid>,
        target: f64,
        mut known: Option<(usize, String)>,
        explicit: usize,
    ) -> Result<Vec<Grid>, ScenarioError> {
        // Each grid makes at least one truth.
        if explicit + raw.len() > MAX_TRUTHS {
            return Err(self.invalid(
                "grid",
                format!(
                    "has {} grids, each making at least one truth: at most {MAX_TRUTHS} truths per file",
                    raw.len()
                ),
            ));
        }
        let field = |i: usize, f: &str| {
            if f.is_empty() {
                format!("grid[{i}]")
            } else {
                format!("grid[{i}].{f}")
            }
        };
        let mut grids: Vec<Grid> = Vec::with_capacity(raw.len());
        let mut names: HashMap<String, usize> = HashMap::with_capacity(raw.len());
        let mut open = Vec::new();
        for (i, r) in raw.into_iter().enumerate() {
            let (grid, fixed) = r
                .validate(target)
                .map_err(|e| self.invalid(field(i, &e.field), e.problem))?;
            if let Some(other) = names.insert(grid.name.clone(), i) {
                return Err(self.invalid(
                    field(i, "name"),
                    format!(
                        "{:?} is used twice (grid[{other}] has it): expected unique grid names (set name = \"...\")",
                        grid.name
                    ),
                ));
            }
            if fixed {
                let k = grid.num_doses();
                let at = field(i, grid.doses_field());
                match &known {
                    Some((expected, source)) if *expected != k => {
                        return Err(self.invalid(
                            at,
                            format!(
                                "gives {k} doses but {source}: every truth must cover the same dose levels"
                            ),
                        ));
                    }
                    Some(_) => {}
                    None => known = Some((k, format!("{at} gives {k}"))),
                }
            } else {
                open.push(i);
            }
            grids.push(grid);
        }
        for i in open {
            let Some((k, _)) = known else {
                return Err(self.invalid(
                    field(i, "doses"),
                    "missing: nothing else fixes the number of dose levels; expected doses = K in the grid, doses = [...] labels, or a [[truth]]",
                ));
            };
            grids[i].set_doses(k);
        }
        Ok(grids)
    }

    /// Appends the grids' truths, after checking that the file's total stays
    /// within [`MAX_TRUTHS`] (before generating anything) and that every name
    /// is unique.
    fn expand(
        &self,
        grids: &[Grid],
        truths: &mut Vec<Truth>,
        origins: &mut Vec<TruthOrigin>,
    ) -> Result<(), ScenarioError> {
        if grids.is_empty() {
            return Ok(());
        }
        let mut total = truths.len() as u128;
        for (i, g) in grids.iter().enumerate() {
            let n = g.count();
            total += n;
            if total > MAX_TRUTHS as u128 {
                let before = total - n;
                let with = if before == 0 {
                    String::new()
                } else {
                    format!(", {total} with the {before} before it")
                };
                return Err(self.invalid(
                    format!("grid[{i}]"),
                    format!(
                        "makes {n} truths ({}){with}: at most {MAX_TRUTHS} truths per file, counting those grids make",
                        g.count_terms()
                    ),
                ));
            }
        }
        let mut taken: HashMap<String, String> = truths
            .iter()
            .enumerate()
            .map(|(t, truth)| (truth.name.clone(), format!("truth[{t}]")))
            .collect();
        truths.reserve(total as usize - truths.len());
        origins.reserve(total as usize - origins.len());
        for (i, g) in grids.iter().enumerate() {
            let (new, from) = g
                .generate()
                .map_err(|e| self.invalid(format!("grid[{i}]"), e.to_string()))?;
            for t in &new {
                if let Some(other) = taken.insert(t.name.clone(), format!("grid[{i}]")) {
                    return Err(self.invalid(
                        format!("grid[{i}]"),
                        format!(
                            "makes a truth named {:?}, a name {other} already gives: expected unique names (set name = \"...\" on the grid)",
                            t.name
                        ),
                    ));
                }
            }
            truths.extend(new);
            origins.extend(from);
        }
        Ok(())
    }

    fn designs(
        &self,
        raw: Vec<RawDesign>,
        k: usize,
        target: f64,
    ) -> Result<Vec<DesignSpec>, ScenarioError> {
        if raw.len() > MAX_DESIGNS {
            return Err(self.invalid(
                "design",
                format!("has {} designs: at most {MAX_DESIGNS} per file", raw.len()),
            ));
        }
        let mut designs: Vec<DesignSpec> = Vec::new();
        if raw.is_empty() {
            designs.push(DesignSpec::preset(Preset::Strict));
        }
        for (i, d) in raw.into_iter().enumerate() {
            let spec = self.design(d, i, k, target)?;
            if designs.iter().any(|o| o.name == spec.name) {
                return Err(self.invalid(
                    format!("design[{i}].name"),
                    format!(
                        "{:?} is used twice: expected unique names (set name = \"...\")",
                        spec.name
                    ),
                ));
            }
            designs.push(spec);
        }
        Ok(designs)
    }

    fn design(
        &self,
        raw: RawDesign,
        i: usize,
        k: usize,
        target: f64,
    ) -> Result<DesignSpec, ScenarioError> {
        let field = |f: &str| format!("design[{i}].{f}");
        let kinds = "\"3+3\", \"A+B\", \"boin\", \"mtpi2\", \"i3+3\", \"crm\", \"rolling6\" or \"benchmark\"";
        let kind = match raw.kind.as_deref().map(str::to_ascii_lowercase).as_deref() {
            None | Some("3+3") => "3+3",
            Some("a+b") => "A+B",
            Some("crm") => {
                self.family_keys(&raw, i, "crm", CRM_FAMILY)?;
                return self.crm_design(raw, i, k, target);
            }
            Some("rolling6") => {
                self.family_keys(&raw, i, "rolling6", ROLLING_SIX_FAMILY)?;
                let start_dose = match raw.start_dose {
                    Some(v) => self.count(i, "start_dose", v)?,
                    None => 1,
                };
                let spec = DesignSpec {
                    name: raw.name.unwrap_or_else(|| "rolling six".to_string()),
                    rule: Rule::RollingSix { start_dose },
                };
                spec.build(k)
                    .map_err(|e| self.invalid(field(e.field), e.problem))?;
                return Ok(spec);
            }
            Some("benchmark") => {
                self.family_keys(&raw, i, "benchmark", BENCHMARK_FAMILY)?;
                let meaning = "the number of patients it observes (e.g. max_n = 24)";
                let max_n = self.max_n(raw.max_n, i, "benchmark", meaning)?;
                let spec = DesignSpec {
                    name: raw.name.unwrap_or_else(|| "optimal benchmark".to_string()),
                    rule: Rule::Benchmark { target, max_n },
                };
                spec.build(k)
                    .map_err(|e| self.invalid(field(e.field), e.problem))?;
                return Ok(spec);
            }
            Some(other) => match IntervalKind::ALL.into_iter().find(|k| k.name() == other) {
                Some(interval) => {
                    self.family_keys(&raw, i, interval.name(), INTERVAL_FAMILY)?;
                    return self.interval_design(raw, interval, i, k, target);
                }
                None => {
                    let got = raw.kind.unwrap_or_default();
                    return Err(self.invalid(field("kind"), format!("= {got:?}: expected {kinds}")));
                }
            },
        };
        self.family_keys(&raw, i, kind, AB_FAMILY)?;
        let preset = match raw.preset.as_deref() {
            None => None,
            Some(p) => Some(
                p.parse::<Preset>()
                    .map_err(|e| self.invalid(field("preset"), e.to_string()))?,
            ),
        };
        let (deesc_default, top_default) = preset.unwrap_or(Preset::Strict).switches();
        for (key, given, from_preset) in [
            ("deescalation", raw.deescalation, deesc_default),
            ("top_dose_needs_six", raw.top_dose_needs_six, top_default),
        ] {
            if let (Some(p), Some(v)) = (preset, given) {
                if v != from_preset {
                    return Err(self.invalid(
                        field(key),
                        format!("= {v} conflicts with preset = \"{p}\", which means {key} = {from_preset}: drop one of them"),
                    ));
                }
            }
        }
        let mut params = AbParams::three_plus_three(preset.unwrap_or(Preset::Strict));
        params.deescalation = raw.deescalation.unwrap_or(deesc_default);
        params.top_dose_needs_six = raw.top_dose_needs_six.unwrap_or(top_default);
        let small = |key: &str, v: i64| self.count(i, key, v);
        if let Some(s) = raw.start_dose {
            params.start_dose = small("start_dose", s)?;
        }
        let ab = [
            ("a", raw.a),
            ("b", raw.b),
            ("c", raw.c),
            ("d", raw.d),
            ("e", raw.e),
        ];
        if kind == "3+3" {
            if let Some((key, _)) = ab.iter().find(|(_, v)| v.is_some()) {
                return Err(self.invalid(
                    field(key),
                    "is only for kind = \"A+B\": the 3+3 fixes a = b = 3, c = d = e = 1",
                ));
            }
        } else {
            let missing: Vec<&str> = ab
                .iter()
                .filter(|(_, v)| v.is_none())
                .map(|(k, _)| *k)
                .collect();
            if !missing.is_empty() {
                return Err(self.invalid(
                    field(missing[0]),
                    format!(
                        "missing: kind = \"A+B\" needs a, b, c, d and e (missing: {})",
                        missing.join(", ")
                    ),
                ));
            }
            let v = |j: usize| small(ab[j].0, ab[j].1.unwrap_or_default());
            (params.a, params.b, params.c, params.d, params.e) =
                (v(0)?, v(1)?, v(2)?, v(3)?, v(4)?);
        }
        let spec = DesignSpec {
            name: raw.name.unwrap_or_else(|| default_name(kind, &params)),
            rule: Rule::AB(params),
        };
        spec.build(k)
            .map_err(|e| self.invalid(field(e.field), e.problem))?;
        Ok(spec)
    }

    /// An error naming the first key design `i`, of `kind`, gives that its
    /// family (an index into [`FAMILY_KEYS`]) does not take.
    fn family_keys(
        &self,
        raw: &RawDesign,
        i: usize,
        kind: &str,
        family: usize,
    ) -> Result<(), ScenarioError> {
        let takes = FAMILY_KEYS[family].1;
        let Some(key) = raw.given().into_iter().find(|key| !takes.contains(key)) else {
            return Ok(());
        };
        let owners: Vec<&str> = FAMILY_KEYS
            .iter()
            .filter(|(_, keys)| keys.contains(&key))
            .map(|&(owner, _)| owner)
            .collect();
        let owners = match owners.split_last() {
            Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
            _ => owners.concat(),
        };
        Err(self.invalid(
            format!("design[{i}].{key}"),
            format!("is not a parameter of kind = \"{kind}\": it belongs to {owners}"),
        ))
    }

    /// `design[i].key = v`, a count.
    fn count(&self, i: usize, key: &str, v: i64) -> Result<u32, ScenarioError> {
        u32::try_from(v).map_err(|_| {
            self.invalid(
                format!("design[{i}].{key}"),
                format!("= {v}: expected a non-negative integer"),
            )
        })
    }

    /// `design[i].max_n`, which a design of `kind` requires: it is `meaning`.
    fn max_n(
        &self,
        raw: Option<i64>,
        i: usize,
        kind: &str,
        meaning: &str,
    ) -> Result<u32, ScenarioError> {
        match raw {
            Some(v) => self.count(i, "max_n", v),
            None => Err(self.invalid(
                format!("design[{i}].max_n"),
                format!("missing: kind = \"{kind}\" needs {meaning}"),
            )),
        }
    }

    /// A BOIN, mTPI-2 or i3+3 design: the file's target, `max_n` required.
    fn interval_design(
        &self,
        raw: RawDesign,
        kind: IntervalKind,
        i: usize,
        k: usize,
        target: f64,
    ) -> Result<DesignSpec, ScenarioError> {
        let field = |f: &str| format!("design[{i}].{f}");
        let count = |key: &str, v: i64| self.count(i, key, v);
        let max_n = self.max_n(
            raw.max_n,
            i,
            kind.name(),
            "the maximum sample size (e.g. max_n = 30)",
        )?;
        let mut p = IntervalParams::new(kind, target, max_n);
        if let Some(v) = raw.cohort_size {
            p.cohort_size = count("cohort_size", v)?;
        }
        if let Some(v) = raw.start_dose {
            p.start_dose = count("start_dose", v)? as usize;
        }
        if let Some(v) = raw.stop_n_at_dose {
            p.stop_n_at_dose = Some(count("stop_n_at_dose", v)?);
        }
        p.elimination = match raw.elimination {
            None | Some(toml::Value::Boolean(true)) => p.elimination,
            Some(toml::Value::Boolean(false)) => None,
            Some(toml::Value::Float(c)) => Some(c),
            Some(other) => {
                return Err(self.invalid(
                    field("elimination"),
                    format!(
                        "= {other}: expected a posterior cutoff in (0, 1) such as 0.95, or false"
                    ),
                ));
            }
        };
        (p.phi1, p.phi2, p.epsilon1, p.epsilon2) = (raw.phi1, raw.phi2, raw.epsilon1, raw.epsilon2);
        let spec = DesignSpec {
            name: raw.name.unwrap_or_else(|| kind.label().to_string()),
            rule: Rule::Interval(p),
        };
        spec.build(k)
            .map_err(|e| self.invalid(field(e.field), e.problem))?;
        Ok(spec)
    }

    /// A CRM: the file's target, `max_n` and `skeleton` required.
    fn crm_design(
        &self,
        raw: RawDesign,
        i: usize,
        k: usize,
        target: f64,
    ) -> Result<DesignSpec, ScenarioError> {
        let field = |f: &str| format!("design[{i}].{f}");
        let count = |key: &str, v: i64| self.count(i, key, v);
        let meaning = "the sample size every trial treats (e.g. max_n = 24)";
        let max_n = self.max_n(raw.max_n, i, "crm", meaning)?;
        let skeleton = self.skeleton(raw.skeleton, i, k)?;
        let mut p = CrmParams::new(target, skeleton, max_n);
        if let Some(model) = raw.model {
            p.model = Model::ALL
                .into_iter()
                .find(|m| m.name() == model.to_ascii_lowercase())
                .ok_or_else(|| {
                    self.invalid(
                        field("model"),
                        format!("= {model:?}: expected \"empiric\" or \"logistic\""),
                    )
                })?;
        }
        if let Some(sd) = raw.prior_sd {
            p.prior_sd = sd;
        }
        if let Some(v) = raw.cohort_size {
            p.cohort_size = count("cohort_size", v)?;
        }
        if let Some(v) = raw.start_dose {
            p.start_dose = count("start_dose", v)? as usize;
        }
        if let Some(r) = raw.restrict {
            p.restrict = r;
        }
        let expected = "expected { cutoff = 0.9 } (a posterior probability in (0, 1)), or false";
        p.stop_if_p1_above = match raw.stop_if_p1_above {
            None | Some(toml::Value::Boolean(false)) => None,
            Some(toml::Value::Table(t)) => match (t.get("cutoff"), t.len()) {
                (Some(toml::Value::Float(c)), 1) => Some(*c),
                _ => {
                    let problem = format!("= {t}: {expected}");
                    return Err(self.invalid(field("stop_if_p1_above"), problem));
                }
            },
            Some(other) => {
                return Err(
                    self.invalid(field("stop_if_p1_above"), format!("= {other}: {expected}"))
                );
            }
        };
        let spec = DesignSpec {
            name: raw.name.unwrap_or_else(|| "CRM".to_string()),
            rule: Rule::Crm(p),
        };
        spec.build(k)
            .map_err(|e| self.invalid(field(e.field), e.problem))?;
        Ok(spec)
    }

    /// A CRM's skeleton: prior guesses per dose, or `{ halfwidth, nu }` for
    /// dfcrm's getprior over the file's `k` doses.
    fn skeleton(
        &self,
        raw: Option<toml::Value>,
        i: usize,
        k: usize,
    ) -> Result<Skeleton, ScenarioError> {
        let field = format!("design[{i}].skeleton");
        let expected = "expected prior guesses of P(DLT) per dose, such as \
                        [0.05, 0.12, 0.25, 0.40, 0.55], or { halfwidth = 0.05, nu = 3 } \
                        to calibrate them (dfcrm's getprior)";
        let number = |v: &toml::Value| match v {
            toml::Value::Float(f) => Some(*f),
            toml::Value::Integer(n) => Some(*n as f64),
            _ => None,
        };
        match raw {
            None => Err(self.invalid(
                field,
                format!("missing: kind = \"crm\" needs one: {expected}"),
            )),
            Some(toml::Value::Array(values)) => values
                .iter()
                .map(number)
                .collect::<Option<Vec<f64>>>()
                .map(Skeleton::Given)
                .ok_or_else(|| {
                    self.invalid(
                        &field,
                        format!("has a value that is not a number: {expected}"),
                    )
                }),
            Some(toml::Value::Table(t)) => {
                let halfwidth = t.get("halfwidth").and_then(number);
                let nu = t.get("nu").and_then(toml::Value::as_integer);
                match (halfwidth, nu, t.len()) {
                    (Some(halfwidth), Some(nu), 2) => Ok(Skeleton::Calibrated {
                        halfwidth,
                        nu: usize::try_from(nu).unwrap_or(0),
                        doses: k,
                    }),
                    _ => Err(self.invalid(field, format!("= {t}: {expected}"))),
                }
            }
            Some(other) => Err(self.invalid(field, format!("= {other}: {expected}"))),
        }
    }

    /// The `[timing]` table.
    fn timing(&self, raw: RawTiming) -> Result<Timing, ScenarioError> {
        let field = |f: &str| format!("timing.{f}");
        let days = |f: &str, v: Option<toml::Value>| -> Result<Option<f64>, ScenarioError> {
            match v {
                None => Ok(None),
                Some(toml::Value::Integer(i)) => Ok(Some(i as f64)),
                Some(toml::Value::Float(x)) => Ok(Some(x)),
                Some(other) => {
                    Err(self.invalid(field(f), format!("= {other}: expected a number of days")))
                }
            }
        };
        let missing = |f: &str, example: &str| {
            self.invalid(
                field(f),
                format!("missing: [timing] needs {f} (e.g. {example})"),
            )
        };
        let example = "arrivals = { process = \"poisson\", mean_days = 10 }";
        let arrivals = raw.arrivals.ok_or_else(|| missing("arrivals", example))?;
        let mean = days("arrivals.mean_days", arrivals.mean_days)?;
        let (min, max) = (
            days("arrivals.min_days", arrivals.min_days)?,
            days("arrivals.max_days", arrivals.max_days)?,
        );
        let process = arrivals.process.as_deref().map(str::to_ascii_lowercase);
        let only = |keys: &[(&str, bool)], process: &str| -> Result<(), ScenarioError> {
            match keys.iter().find(|(_, given)| *given) {
                Some((key, _)) => Err(self.invalid(
                    field(&format!("arrivals.{key}")),
                    format!("is not a parameter of process = \"{process}\""),
                )),
                None => Ok(()),
            }
        };
        let arrivals = match process.as_deref() {
            Some(p @ ("poisson" | "fixed")) => {
                only(
                    &[("min_days", min.is_some()), ("max_days", max.is_some())],
                    p,
                )?;
                let mean_days =
                    mean.ok_or_else(|| missing("arrivals.mean_days", "mean_days = 10"))?;
                if p == "poisson" {
                    Arrivals::Poisson { mean_days }
                } else {
                    Arrivals::Fixed { mean_days }
                }
            }
            Some("uniform") => {
                only(&[("mean_days", mean.is_some())], "uniform")?;
                Arrivals::Uniform {
                    min_days: min.ok_or_else(|| missing("arrivals.min_days", "min_days = 5"))?,
                    max_days: max.ok_or_else(|| missing("arrivals.max_days", "max_days = 15"))?,
                }
            }
            other => {
                return Err(self.invalid(
                    field("arrivals.process"),
                    format!(
                        "= {:?}: expected \"poisson\", \"fixed\" or \"uniform\"",
                        other.unwrap_or_default()
                    ),
                ));
            }
        };
        let dlt_window_days = days("dlt_window_days", raw.dlt_window_days)?
            .ok_or_else(|| missing("dlt_window_days", "dlt_window_days = 28"))?;
        let dlt_time_expected = "expected \"uniform\" or { weibull = { shape = 2 } }";
        let dlt_time = match raw.dlt_time {
            None => DltTime::Uniform,
            Some(toml::Value::String(s)) if s.eq_ignore_ascii_case("uniform") => DltTime::Uniform,
            Some(toml::Value::Table(t)) if t.len() == 1 && t.contains_key("weibull") => {
                let shape = t["weibull"].as_table().and_then(|w| {
                    (w.len() == 1)
                        .then(|| w.get("shape"))
                        .flatten()
                        .and_then(|v| v.as_float().or(v.as_integer().map(|i| i as f64)))
                });
                let shape = shape
                    .ok_or_else(|| self.invalid(field("dlt_time.weibull"), dlt_time_expected))?;
                DltTime::Weibull { shape }
            }
            Some(other) => {
                return Err(
                    self.invalid(field("dlt_time"), format!("= {other}: {dlt_time_expected}"))
                );
            }
        };
        let when_suspended = match raw
            .when_suspended
            .as_deref()
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            None | Some("lose") => WhenSuspended::Lose,
            Some("wait") => WhenSuspended::Wait,
            Some(other) => {
                return Err(self.invalid(
                    field("when_suspended"),
                    format!("= {other:?}: expected \"lose\" (the patient goes elsewhere) or \"wait\" (queues)"),
                ));
            }
        };
        let timing = Timing {
            arrivals,
            dlt_window_days,
            dlt_time,
            when_suspended,
        };
        match timing.problem() {
            Some((f, problem)) => Err(self.invalid(field(f), problem)),
            None => Ok(timing),
        }
    }

    fn simulation(&self, raw: Option<RawSimulation>) -> Result<Simulation, ScenarioError> {
        let raw = raw.unwrap_or(RawSimulation {
            trials: None,
            seed: None,
        });
        let trials = match raw.trials {
            None => DEFAULT_TRIALS,
            Some(t) => {
                check_trials(t).map_err(|problem| self.invalid("simulation.trials", problem))?
            }
        };
        let seed = match raw.seed {
            None => DEFAULT_SEED,
            Some(s) => u64::try_from(s).map_err(|_| {
                self.invalid(
                    "simulation.seed",
                    format!("= {s}: expected a non-negative integer"),
                )
            })?,
        };
        Ok(Simulation { trials, seed })
    }
}

/// Checks a requested number of trials; the message says what was expected.
pub fn check_trials(trials: i64) -> Result<u64, String> {
    match u64::try_from(trials) {
        Ok(t) if (1..=MAX_TRIALS).contains(&t) => Ok(t),
        _ => Err(format!(
            "= {trials}: expected a number of trials from 1 to {MAX_TRIALS}"
        )),
    }
}

fn default_name(kind: &str, p: &AbParams) -> String {
    let start = if p.start_dose == 1 {
        String::new()
    } else {
        format!(", start {}", p.start_dose)
    };
    match p.preset() {
        Some(preset) if kind == "3+3" => format!("3+3 {preset}{start}"),
        _ => format!(
            "{}+{} (C={}, D={}, E={}; deescalation {}, top dose needs {}{start})",
            p.a,
            p.b,
            p.c,
            p.d,
            p.e,
            if p.deescalation { "on" } else { "off" },
            if p.top_dose_needs_six { p.a + p.b } else { p.a },
        ),
    }
}

/// The scenario files a command-line path stands for: the file itself, or the
/// `.toml` files of a directory in name order.
pub fn scenario_files(path: &Path) -> Result<Vec<PathBuf>, ScenarioError> {
    let read = |source| ScenarioError::Read {
        path: path.to_path_buf(),
        source,
    };
    if !path.is_dir() {
        std::fs::metadata(path).map_err(read)?;
        return Ok(vec![path.to_path_buf()]);
    }
    let mut files: Vec<PathBuf> = std::fs::read_dir(path)
        .map_err(read)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file() && p.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    if files.is_empty() {
        return Err(ScenarioError::Invalid {
            path: path.to_path_buf(),
            field: "(directory)".into(),
            problem: "holds no .toml scenario files".into(),
        });
    }
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Scenario, ScenarioError> {
        Scenario::parse(text, Path::new("dir/example.toml"))
    }

    fn problem(text: &str) -> String {
        parse(text).unwrap_err().to_string()
    }

    /// Each text is rejected with a message containing its expected words.
    fn assert_problems(cases: &[(&str, &str)]) {
        for (text, want) in cases {
            let got = problem(text);
            assert!(
                got.contains(want),
                "{text:?}\n  got:  {got}\n  want: {want}"
            );
        }
    }

    #[test]
    fn minimal_file_gets_defaults() {
        let s = parse("[[truth]]\np_dlt = [0.1, 0.2]\n").unwrap();
        assert_eq!(s.name, "example");
        assert_eq!(s.target, 0.30);
        assert_eq!(s.doses, ["dose 1", "dose 2"]);
        assert_eq!(s.truths[0].name, "truth 1");
        assert_eq!(s.designs, vec![DesignSpec::preset(Preset::Strict)]);
        assert_eq!(
            s.simulation,
            Simulation {
                trials: DEFAULT_TRIALS,
                seed: DEFAULT_SEED
            }
        );
    }

    #[test]
    fn the_issue_example_parses() {
        let s = parse(
            r#"
name = "defactinib-avutometinib"
target = 0.30
doses = ["200 mg QD", "200 mg BID", "400 mg BID"]
[[truth]]
name = "expected"
p_dlt = [0.05, 0.12, 0.26]
[[design]]
name = "3+3 Korn"
kind = "3+3"
preset = "korn"
[[design]]
deescalation = false
top_dose_needs_six = false
start_dose = 2
[[design]]
kind = "A+B"
a = 4
b = 4
c = 1
d = 2
e = 2
[simulation]
trials = 1_000_000
seed = 2026
"#,
        )
        .unwrap();
        assert_eq!(s.designs[0].preset_name(), Some(Preset::Korn));
        assert_eq!(s.designs[1].preset_name(), Some(Preset::Storer));
        assert_eq!(s.designs[1].name, "3+3 storer, start 2");
        assert!(matches!(s.designs[2].rule, Rule::AB(p) if p.a == 4));
        assert_eq!(s.designs[2].preset_name(), None);
    }

    #[test]
    fn interval_designs_parse_with_defaults() {
        let s = parse(
            "target = 0.25\n[[truth]]\np_dlt = [0.1, 0.2, 0.3]\n\
             [[design]]\nkind = \"boin\"\nmax_n = 30\nstop_n_at_dose = 12\n\
             [[design]]\nkind = \"mTPI2\"\nmax_n = 24\nelimination = false\n\
             [[design]]\nkind = \"i3+3\"\nmax_n = 12\ncohort_size = 1\nepsilon1 = 0.04\n",
        )
        .unwrap();
        let names: Vec<&str> = s.designs.iter().map(|d| d.name.as_str()).collect();
        assert_eq!(names, ["BOIN", "mTPI-2", "i3+3"]);
        let kinds: Vec<&str> = s.designs.iter().map(|d| d.kind()).collect();
        assert_eq!(kinds, ["boin", "mtpi2", "i3+3"]);
        let Rule::Interval(boin) = s.designs[0].rule else {
            panic!("not an interval design")
        };
        assert_eq!((boin.target, boin.max_n, boin.cohort_size), (0.25, 30, 3));
        assert_eq!(
            (boin.stop_n_at_dose, boin.elimination),
            (Some(12), Some(0.95))
        );
        let Rule::Interval(mtpi2) = s.designs[1].rule else {
            panic!("not an interval design")
        };
        assert_eq!(mtpi2.elimination, None);
        let Rule::Interval(i3) = s.designs[2].rule else {
            panic!("not an interval design")
        };
        assert_eq!((i3.cohort_size, i3.epsilon1), (1, Some(0.04)));
        let params = s.designs[0].parameters();
        assert!(params.contains(&("phi1", "0.15".to_string())), "{params:?}");
        // A start dose above 1 is a parameter like any other, not an error.
        let s = parse(
            "[[truth]]\np_dlt = [0.1, 0.2, 0.3]\n[[design]]\nkind = \"boin\"\nmax_n = 30\nstart_dose = 3\n",
        )
        .unwrap();
        let params = s.designs[0].parameters();
        assert!(
            params.contains(&("start_dose", "3".to_string())),
            "{params:?}"
        );
        assert!(!params.iter().any(|(k, _)| *k == "error"), "{params:?}");
    }

    #[test]
    fn interval_design_errors_name_design_and_field() {
        let base = "[[truth]]\np_dlt = [0.1, 0.2]\n[[design]]\n";
        assert_problems(&[
            (
                &format!("{base}kind = \"boin\"\n"),
                "design[0].max_n: missing: kind = \"boin\" needs the maximum sample size",
            ),
            (
                &format!("{base}kind = \"boin\"\nmax_n = 31\n"),
                "design[0].max_n:",
            ),
            (
                &format!("{base}kind = \"boin\"\nmax_n = 30\nphi1 = 0.35\n"),
                "design[0].phi1:",
            ),
            (
                &format!("{base}kind = \"mtpi2\"\nmax_n = 30\nphi1 = 0.2\n"),
                "design[0].phi1:",
            ),
            (
                &format!("{base}kind = \"i3+3\"\nmax_n = 30\nepsilon1 = 0.5\n"),
                "design[0].epsilon1:",
            ),
            (
                &format!("{base}kind = \"boin\"\nmax_n = 30\npreset = \"korn\"\n"),
                "design[0].preset: is not a parameter of kind = \"boin\"",
            ),
            (
                &format!("{base}preset = \"korn\"\nmax_n = 30\n"),
                "design[0].max_n: is not a parameter of kind = \"3+3\"",
            ),
            (
                &format!("{base}kind = \"boin\"\nmax_n = 30\nelimination = \"yes\"\n"),
                "design[0].elimination: = \"yes\": expected a posterior cutoff",
            ),
            (
                &format!("{base}kind = \"boin\"\nmax_n = 30\nelimination = 1.5\n"),
                "design[0].elimination:",
            ),
            (
                &format!(
                    "[[truth]]\np_dlt = [{}]\n[[design]]\nkind = \"A+B\"\na = 4\nb = 4\nc = 1\nd = 1\ne = 1\n",
                    vec!["0.1"; 32].join(", ")
                ),
                "design[0].b: = 4: expected a + b ≤ 6, so that a trial of 32 doses treats at most 200 patients",
            ),
            (
                &format!("{base}kind = \"tite-crm\"\n"),
                "design[0].kind: = \"tite-crm\": expected \"3+3\", \"A+B\", \"boin\", \"mtpi2\", \"i3+3\", \"crm\", \"rolling6\" or \"benchmark\"",
            ),
        ]);
    }

    #[test]
    fn crm_designs_parse_with_dfcrm_defaults() {
        let s = parse(
            "target = 0.25\n[[truth]]\np_dlt = [0.05, 0.1, 0.2, 0.3, 0.45]\n\
             [[design]]\nkind = \"crm\"\nmax_n = 24\nskeleton = [0.05, 0.12, 0.25, 0.40, 0.55]\n\
             [[design]]\nname = \"CRM logistic\"\nkind = \"CRM\"\nmax_n = 20\ncohort_size = 2\n\
             skeleton = { halfwidth = 0.05, nu = 3 }\nmodel = \"logistic\"\nrestrict = false\n\
             prior_sd = 1.0\nstart_dose = 2\nstop_if_p1_above = { cutoff = 0.9 }\n",
        )
        .unwrap();
        let Rule::Crm(p) = &s.designs[0].rule else {
            panic!("not a CRM: {:?}", s.designs[0]);
        };
        assert_eq!(s.designs[0].name, "CRM");
        let mut want = CrmParams::new(
            0.25,
            Skeleton::Given(vec![0.05, 0.12, 0.25, 0.40, 0.55]),
            24,
        );
        assert_eq!(*p, want);
        let Rule::Crm(p) = &s.designs[1].rule else {
            panic!("not a CRM: {:?}", s.designs[1]);
        };
        want.skeleton = Skeleton::Calibrated {
            halfwidth: 0.05,
            nu: 3,
            doses: 5,
        };
        (want.max_n, want.cohort_size, want.model, want.restrict) = (20, 2, Model::Logistic, false);
        (want.prior_sd, want.start_dose, want.stop_if_p1_above) = (1.0, 2, Some(0.9));
        assert_eq!(*p, want);
        // The calibrated skeleton is getprior's, over the file's doses and target.
        let values = p.skeleton_values().unwrap();
        assert_eq!(
            values,
            crate::design::crm::getprior(0.05, 0.25, 3, 5, Model::Logistic)
        );
        assert_eq!(s.designs[1].kind(), "crm");
    }

    #[test]
    fn crm_errors_name_design_and_field() {
        let base = "[[truth]]\np_dlt = [0.1, 0.2, 0.3]\n[[design]]\nkind = \"crm\"\n";
        let skeleton = "skeleton = [0.1, 0.2, 0.3]\n";
        assert_problems(&[
            (
                &format!("{base}{skeleton}"),
                "design[0].max_n: missing: kind = \"crm\" needs the sample size every trial treats",
            ),
            (
                &format!("{base}max_n = 12\n"),
                "design[0].skeleton: missing: kind = \"crm\" needs one: expected prior guesses",
            ),
            (
                &format!("{base}max_n = 12\nskeleton = [0.1, 0.2]\n"),
                "design[0].skeleton: has 2 prior guesses but the scenario has 3 doses",
            ),
            (
                &format!("{base}max_n = 12\nskeleton = [0.1, \"x\", 0.3]\n"),
                "design[0].skeleton: has a value that is not a number",
            ),
            (
                &format!("{base}max_n = 12\nskeleton = [0.3, 0.2, 0.1]\n"),
                "design[0].skeleton: = [0.3, 0.2, 0.1]: expected prior guesses of P(DLT), strictly increasing",
            ),
            (
                &format!("{base}max_n = 12\nskeleton = {{ halfwidth = 0.05 }}\n"),
                "design[0].skeleton:",
            ),
            (
                &format!("{base}max_n = 12\nskeleton = {{ halfwidth = 0.05, nu = 5 }}\n"),
                "design[0].skeleton: nu = 5: expected the dose (1 to 3)",
            ),
            (
                &format!("{base}{skeleton}max_n = 13\n"),
                "design[0].max_n: = 13: expected a multiple of cohort_size = 3",
            ),
            (
                &format!("{base}{skeleton}max_n = 12\nmodel = \"probit\"\n"),
                "design[0].model: = \"probit\": expected \"empiric\" or \"logistic\"",
            ),
            (
                &format!("{base}{skeleton}max_n = 12\nstop_if_p1_above = 0.9\n"),
                "design[0].stop_if_p1_above: = 0.9: expected { cutoff = 0.9 }",
            ),
            (
                &format!("{base}{skeleton}max_n = 12\nstop_if_p1_above = {{ cutoff = 1.5 }}\n"),
                "design[0].stop_if_p1_above: cutoff = 1.5",
            ),
            (
                &format!("{base}{skeleton}max_n = 12\nphi1 = 0.2\n"),
                "design[0].phi1: is not a parameter of kind = \"crm\": it belongs to the interval designs",
            ),
            (
                "[[truth]]\np_dlt = [0.1, 0.2, 0.3]\n[[design]]\nkind = \"boin\"\nmax_n = 12\nrestrict = true\n",
                "design[0].restrict: is not a parameter of kind = \"boin\": it belongs to the CRM",
            ),
            (
                "[[truth]]\np_dlt = [0.1, 0.2, 0.3]\n[[design]]\nkind = \"benchmark\"\n",
                "design[0].max_n: missing: kind = \"benchmark\" needs the number of patients it observes",
            ),
            (
                "[[truth]]\np_dlt = [0.1, 0.2, 0.3]\n[[design]]\nkind = \"benchmark\"\nmax_n = 24\ncohort_size = 3\n",
                "design[0].cohort_size: is not a parameter of kind = \"benchmark\": it belongs to the interval designs",
            ),
            (
                "[[truth]]\np_dlt = [0.1, 0.2, 0.3]\n[[design]]\nkind = \"benchmark\"\nmax_n = 0\n",
                "design[0].max_n: = 0: expected the number of patients",
            ),
            (
                "[[truth]]\np_dlt = [0.1, 0.2, 0.3]\n[[design]]\nmax_n = 12\n",
                "design[0].max_n: is not a parameter of kind = \"3+3\": it belongs to the interval designs (kind = \"boin\", \"mtpi2\" or \"i3+3\"), the CRM (kind = \"crm\") and the optimal benchmark",
            ),
        ]);
    }

    #[test]
    fn errors_name_the_file_and_field() {
        let base = "[[truth]]\np_dlt = [0.1, 0.2]\n";
        let cases = [
            (
                "[[truth]]\np_dlt = [0.1, 1.2]\n",
                "dir/example.toml: truth[0].p_dlt[1]: = 1.2: expected a probability in [0, 1]",
            ),
            (
                "[[truth]]\np_dlt = [0.1, nan]\n",
                "truth[0].p_dlt[1]: = NaN",
            ),
            ("[[truth]]\np_dlt = []\n", "truth[0].p_dlt: is empty"),
            (
                "name = \"x\"\n",
                "truth: missing: expected at least one [[truth]] with p_dlt = [...], or a [[grid]]",
            ),
            (
                &format!("doses = [\"a\"]\n{base}"),
                "doses: has 1 labels but truth[0].p_dlt has 2 doses",
            ),
            (
                &format!("{base}[[design]]\nstart_dose = 3\n"),
                "design[0].start_dose: = 3: expected a dose level from 1 to 2",
            ),
            (
                &format!("{base}[[design]]\npreset = \"kron\"\n"),
                "design[0].preset: unknown preset \"kron\"",
            ),
            (
                &format!("{base}[[design]]\npreset = \"korn\"\ntop_dose_needs_six = true\n"),
                "conflicts with preset = \"korn\"",
            ),
            (
                &format!("{base}[simulation]\ntrials = 0\n"),
                "simulation.trials: = 0: expected a number of trials from 1 to",
            ),
            (
                &format!("{base}[simulation]\ntrials = 10_000_000_000_000\n"),
                "simulation.trials",
            ),
            (
                &format!("{base}[[truth]]\np_dlt = [0.1]\n"),
                "truth[1].p_dlt: has 1 doses but truth[0] has 2",
            ),
            (
                &format!("{base}[[design]]\na = 4\n"),
                "design[0].a: is only for kind = \"A+B\"",
            ),
            (
                &format!("{base}[[design]]\nkind = \"A+B\"\na = 4\n"),
                "design[0].b: missing",
            ),
            (
                &format!("{base}[[design]]\nkind = \"A+B\"\na = 4\nb = 4\nc = 3\nd = 1\ne = 1\n"),
                "design[0].d: = 1: expected c = 3 ≤ d",
            ),
            (&format!("target = 1.5\n{base}"), "target: = 1.5"),
            (&format!("true_mtd = \"lowest\"\n{base}"), "true_mtd"),
            (
                &format!("[[truth]]\np_dlt = [{}]\n", vec!["0.1"; 33].join(",")),
                "at most 32 are supported",
            ),
        ];
        assert_problems(&cases);
    }

    #[test]
    fn truths_from_toxicity_profiles() {
        let s = parse("[[truth]]\n[truth.events]\nrash = [0.1, 0.5]\ncpk = [0.2, 0.0]\n").unwrap();
        assert!((s.truths[0].p_dlt[0] - 0.28).abs() < 1e-12);
        assert_eq!(s.truths[0].events.len(), 2);
        let cases = [
            (
                "[[truth]]\n[truth.events]\nrash = [0.1, 1.5]\n",
                "truth[0].events.rash[1]: = 1.5: expected a probability",
            ),
            (
                "[[truth]]\n[truth.events]\nrash = [0.1]\ncpk = [0.1, 0.2]\n",
                "truth[0].events.rash: event \"rash\" has 1 doses but \"cpk\" has 2",
            ),
            (
                "[[truth]]\np_dlt = [0.1]\n[truth.events]\nrash = [0.1]\n",
                "truth[0]: has both p_dlt and events",
            ),
            (
                "[[truth]]\nname = \"x\"\n",
                "truth[0]: has neither p_dlt nor events",
            ),
            (
                "[[truth]]\n[truth.events]\n",
                "truth[0].events: has no events",
            ),
        ];
        assert_problems(&cases);
    }

    #[test]
    fn syntax_and_unknown_keys_say_where() {
        let got = problem("[[truth]]\np_dlt = [0.1, 0.2\n");
        assert!(got.starts_with("dir/example.toml:"), "{got}");
        let got = problem("[[truth]]\np_dlt = [0.1]\npdlt = 3\n");
        assert!(
            got.starts_with("dir/example.toml:3:1: unknown field `pdlt`"),
            "{got}"
        );
        let got = problem("[[truth]]\np_dlt = [0.1]\n[[design]]\npreset = \"korn\"\nstart = 1\n");
        assert!(got.contains("unknown field `start`"), "{got}");
    }
}
