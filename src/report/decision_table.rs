//! Decision tables as a protocol prints them: for n patients at a dose, the
//! DLT counts that escalate, de-escalate and eliminate, and one letter per
//! y = 0..=n. `dosesim table` prints them (text, Markdown or CSV); every run
//! writes `decision_tables.csv` and shows them in report.html.
//!
//! The interval designs' tables are the ones R's BOIN
//! (`get.boundary(...)$full_boundary_tab`) and FIND print; the 3+3's has
//! the two rows its rule looks at: after the first cohort and after the
//! expansion.

use crate::design::{
    AbDesign, AbParams, DesignSpec, IntervalDesign, IntervalError, IntervalKind, IntervalParams,
    Preset, Rule, TableRow,
};
use crate::scenario::Scenario;
use std::fmt::Write;

/// Columns of `decision_tables.csv` and of `dosesim table --format csv`.
pub const DECISION_TABLE_COLUMNS: &[&str] = &[
    "scenario",
    "design",
    "kind",
    "target",
    "n",
    "escalate_if_dlt_le",
    "deescalate_if_dlt_ge",
    "eliminate_if_dlt_ge",
    "decisions",
];

/// What the letters mean, printed under every text and Markdown table.
pub const LEGEND: &str = "E escalate, S stay, D de-escalate, U eliminate: de-escalate and never \
     treat this dose or a higher one again\n(at the lowest dose: stop, no MTD). The letters \
     are for y = 0, 1, …, n DLTs among the n patients at the dose.";

/// One design's decision table, with what identifies it in a file.
#[derive(Debug, Clone, PartialEq)]
pub struct DecisionTable {
    /// Empty on the command line.
    pub scenario: String,
    pub design: String,
    /// As files name it: `boin`, `mtpi2`, `i3+3`, `3+3`, `A+B`.
    pub kind: String,
    /// `None` for the 3+3 / A+B family, whose table does not depend on it.
    pub target: Option<f64>,
    /// Patients per cohort (the first cohort, `a`, for the A+B family).
    pub cohort_size: u32,
    pub rows: Vec<TableRow>,
}

/// The design named by `dosesim table --design`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TableDesign {
    Interval(IntervalKind),
    ThreePlusThree,
}

/// A `dosesim table` flag out of range, named as the command line spells it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{flag}: {problem}")]
pub struct TableFlagError {
    pub flag: &'static str,
    pub problem: String,
}

/// `dosesim table`'s defaults: BOIN's get.boundary example and the shared
/// reference tables (12 cohorts of 3).
pub const DEFAULT_TARGET: f64 = 0.3;
pub const DEFAULT_COHORT_SIZE: u32 = 3;
pub const DEFAULT_MAX_N: u32 = 36;

/// Targets a Phase I table is asked for: at 0.5 or above the design would
/// escalate past doses that harm half the patients, and BOIN's default φ2 =
/// 1.4·φ leaves (0, 1) soon after.
const MAX_TARGET: f64 = 0.5;

/// The table `dosesim table --design … --target … --cohort-size … --max-n …`
/// prints: rows n = 1..=`max_n` for an interval design with the defaults of
/// R's BOIN and FIND (elimination at 0.95), the 3+3's two rows otherwise
/// (the 3+3 ignores the other flags).
pub fn from_flags(
    design: TableDesign,
    target: f64,
    cohort_size: u32,
    max_n: u32,
) -> Result<DecisionTable, TableFlagError> {
    let kind = match design {
        TableDesign::ThreePlusThree => {
            // Every preset has the same two rows: the presets differ in where
            // the trial goes after a dose fails, not in what fails it.
            let params = AbParams::three_plus_three(Preset::Strict);
            let design = AbDesign::new(params, 1).map_err(|e| TableFlagError {
                flag: "--design",
                problem: e.to_string(),
            })?;
            return Ok(DecisionTable {
                scenario: String::new(),
                design: "3+3".to_string(),
                kind: "3+3".to_string(),
                target: None,
                cohort_size: params.a,
                rows: design.table(),
            });
        }
        TableDesign::Interval(kind) => kind,
    };
    if !(target > 0.0 && target < MAX_TARGET) {
        return Err(TableFlagError {
            flag: "--target",
            problem: format!("{target}: expected a DLT rate in (0, {MAX_TARGET})"),
        });
    }
    let mut params = IntervalParams::new(kind, target, max_n);
    params.cohort_size = cohort_size;
    let design = IntervalDesign::new(params, 1).map_err(flag_error)?;
    Ok(DecisionTable {
        scenario: String::new(),
        design: kind.label().to_string(),
        kind: kind.name().to_string(),
        target: Some(target),
        cohort_size,
        rows: design.table(max_n),
    })
}

/// `IntervalDesign::new`'s field names as `dosesim table`'s flags.
fn flag_error(e: IntervalError) -> TableFlagError {
    let flag = match e.field {
        "target" => "--target",
        "cohort_size" => "--cohort-size",
        "max_n" => "--max-n",
        // No other parameter is set from the command line; name the field.
        other => other,
    };
    TableFlagError {
        flag,
        problem: e.problem,
    }
}

/// The table of `spec` as a scenario of `num_doses` doses runs it, with the
/// file's target (the interval designs up to their own max_n); `None` for a design no
/// table describes, or one that does not build (the scenario checks that).
pub fn of_design(scenario: &str, spec: &DesignSpec, num_doses: usize) -> Option<DecisionTable> {
    let (target, cohort_size) = match &spec.rule {
        Rule::Interval(p) => (Some(p.target), p.cohort_size),
        Rule::AB(p) => (None, p.a),
        Rule::Crm(_) | Rule::Benchmark { .. } | Rule::RollingSix { .. } => return None,
    };
    let design = spec.build(num_doses).ok()?;
    Some(DecisionTable {
        scenario: scenario.to_string(),
        design: spec.name.clone(),
        kind: spec.kind().to_string(),
        target,
        cohort_size,
        rows: design.table(None)?,
    })
}

/// Why a design has no decision table; `None` when it has one.
fn no_table_because(spec: &DesignSpec) -> Option<&'static str> {
    match spec.rule {
        Rule::Crm(_) => Some("the CRM's decision reads every dose's data"),
        Rule::Benchmark { .. } => Some("the optimal benchmark treats nobody"),
        Rule::RollingSix { .. } => Some(
            "the rolling six decides from pending results too: see Skolnik et al. 2008, Table 1",
        ),
        Rule::AB(_) | Rule::Interval(_) => None,
    }
}

/// A line for each design of `scenario` that has no decision table, saying
/// why.
pub fn untabled(scenario: &Scenario) -> Vec<String> {
    let explain = |spec: &DesignSpec| {
        let why = no_table_because(spec)?;
        Some(format!(
            "{}: {:?} has no decision table: {why}",
            scenario.name, spec.name
        ))
    };
    scenario.designs.iter().filter_map(explain).collect()
}

/// Every design's table in `scenario`, in the file's order.
pub fn of_scenario(scenario: &Scenario) -> Vec<DecisionTable> {
    scenario
        .designs
        .iter()
        .filter_map(|spec| of_design(&scenario.name, spec, scenario.doses.len()))
        .collect()
}

fn bound(b: Option<u32>) -> String {
    b.map_or(String::new(), |b| b.to_string())
}

fn target_text(t: Option<f64>) -> String {
    t.map_or(String::new(), |t| t.to_string())
}

/// One CSV row per table × n, with [`DECISION_TABLE_COLUMNS`].
pub fn csv(tables: &[DecisionTable]) -> Vec<u8> {
    let mut w = ::csv::Writer::from_writer(Vec::new());
    // Writing to memory cannot fail.
    let _ = w.write_record(DECISION_TABLE_COLUMNS);
    for t in tables {
        for r in &t.rows {
            let _ = w.write_record([
                t.scenario.clone(),
                t.design.clone(),
                t.kind.clone(),
                target_text(t.target),
                r.n.to_string(),
                bound(r.escalate_if_dlt_le),
                bound(r.deescalate_if_dlt_ge),
                bound(r.eliminate_if_dlt_ge),
                r.decisions.clone(),
            ]);
        }
    }
    w.into_inner().unwrap_or_default()
}

/// The heading of a table: scenario, design, kind, target, cohorts.
pub fn title(t: &DecisionTable) -> String {
    let mut s = String::new();
    if !t.scenario.is_empty() {
        let _ = write!(s, "{} — ", t.scenario);
    }
    s.push_str(&t.design);
    if t.design != t.kind {
        let _ = write!(s, " ({})", t.kind);
    }
    match t.target {
        Some(target) => {
            let _ = write!(s, ", target {target}, cohorts of {}", t.cohort_size);
        }
        None => s.push_str(", after the first cohort and after the expansion"),
    }
    s
}

const HEADERS: [&str; 5] = [
    "n",
    "escalate if DLTs ≤",
    "de-escalate if DLTs ≥",
    "eliminate if DLTs ≥",
    "decisions for y = 0, 1, …",
];

/// Aligned plain text, a legend under the last table.
pub fn text(tables: &[DecisionTable]) -> String {
    let mut out = String::new();
    for t in tables {
        let _ = writeln!(out, "{}", title(t));
        let widths: Vec<usize> = HEADERS.iter().map(|h| h.chars().count()).collect();
        let _ = writeln!(
            out,
            "{:>w0$}  {}  {}  {}  {}",
            HEADERS[0],
            HEADERS[1],
            HEADERS[2],
            HEADERS[3],
            HEADERS[4],
            w0 = widths[0].max(3),
        );
        for r in &t.rows {
            let _ = writeln!(
                out,
                "{:>w0$}  {:>w1$}  {:>w2$}  {:>w3$}  {}",
                r.n,
                bound(r.escalate_if_dlt_le),
                bound(r.deescalate_if_dlt_ge),
                bound(r.eliminate_if_dlt_ge),
                r.decisions,
                w0 = widths[0].max(3),
                w1 = widths[1],
                w2 = widths[2],
                w3 = widths[3],
            );
        }
        out.push('\n');
    }
    out.push_str(LEGEND);
    out.push('\n');
    out
}

/// GitHub-flavoured Markdown, for a protocol or a README; the legend last.
pub fn markdown(tables: &[DecisionTable]) -> String {
    let mut out = String::new();
    for t in tables {
        let _ = writeln!(out, "**{}**\n", markdown_escape(&title(t)));
        let _ = writeln!(out, "| {} |", HEADERS.join(" | "));
        out.push_str("|---:|---:|---:|---:|:---|\n");
        for r in &t.rows {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | `{}` |",
                r.n,
                bound(r.escalate_if_dlt_le),
                bound(r.deescalate_if_dlt_ge),
                bound(r.eliminate_if_dlt_ge),
                r.decisions
            );
        }
        out.push('\n');
    }
    let _ = writeln!(out, "{}", markdown_escape(LEGEND));
    out
}

/// Names from a scenario file could carry Markdown syntax: `|` would break
/// the table's line, `*` and `_` the bold title.
fn markdown_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(c, '\\' | '|' | '*' | '_' | '`' | '[' | ']' | '<' | '>') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn three_plus_three_has_its_two_rows() {
        let t = from_flags(TableDesign::ThreePlusThree, 0.9, 1, 1).unwrap();
        let rows: Vec<(u32, &str)> = t.rows.iter().map(|r| (r.n, r.decisions.as_str())).collect();
        assert_eq!(rows, [(3, "ESUU"), (6, "EEUUUUU")]);
        assert_eq!(t.target, None);
    }

    #[test]
    fn flags_are_named() {
        let boin = TableDesign::Interval(IntervalKind::Boin);
        assert_eq!(from_flags(boin, 0.5, 3, 36).unwrap_err().flag, "--target");
        assert_eq!(from_flags(boin, 0.3, 3, 35).unwrap_err().flag, "--max-n");
        assert_eq!(
            from_flags(boin, 0.3, 0, 36).unwrap_err().flag,
            "--cohort-size"
        );
    }

    #[test]
    fn markdown_escapes_table_syntax() {
        assert_eq!(markdown_escape("a|b*c"), "a\\|b\\*c");
    }
}
