//! What to draw: each chart as plain data built from a run's operating
//! characteristics, independent of the backend. No drawing here.

use super::ChartKind;
use crate::design::DesignSpec;
use crate::run::{PairResult, ScenarioRun};
use crate::summary::{Estimate, Method};

/// One design's bars: a value (and its standard error) per group.
pub(super) struct Series {
    pub(super) label: String,
    pub(super) values: Vec<f64>,
    pub(super) se: Vec<f64>,
    /// The optimal benchmark: drawn as the reference, not as a design.
    pub(super) reference: bool,
}

/// The true dose–toxicity curve over the bars, on a 0–1 secondary axis.
pub(super) struct Overlay {
    /// True P(DLT) per group; `None` where the group is not a dose.
    pub(super) p_true: Vec<Option<f64>>,
    pub(super) target: f64,
}

/// A grouped bar chart: one group per x category, one bar per series in each.
pub(super) struct BarChart {
    pub(super) title: String,
    pub(super) subtitle: String,
    pub(super) x_desc: &'static str,
    pub(super) y_desc: &'static str,
    pub(super) groups: Vec<String>,
    /// Groups to highlight: doses whose true P(DLT) exceeds the target.
    pub(super) overdose: Vec<bool>,
    pub(super) series: Vec<Series>,
    pub(super) overlay: Option<Overlay>,
    /// The y axis is a probability: never above 1.
    pub(super) probability: bool,
}

/// One design's curve: points (x, y) joined by straight lines.
pub(super) struct Curve {
    pub(super) label: String,
    pub(super) points: Vec<(f64, f64)>,
}

/// Curves over a numeric x axis from 0, on a probability y axis.
pub(super) struct LineChart {
    pub(super) title: String,
    pub(super) subtitle: String,
    pub(super) x_desc: &'static str,
    pub(super) y_desc: &'static str,
    pub(super) curves: Vec<Curve>,
}

/// A chart of either shape.
pub(super) enum Chart {
    Bars(BarChart),
    Lines(LineChart),
}

impl Chart {
    pub(super) fn title(&self) -> &str {
        match self {
            Chart::Bars(c) => &c.title,
            Chart::Lines(c) => &c.title,
        }
    }

    pub(super) fn subtitle(&self) -> &str {
        match self {
            Chart::Bars(c) => &c.subtitle,
            Chart::Lines(c) => &c.subtitle,
        }
    }
}

/// A design's name, with its preset or kind when the name does not say it.
fn design_label(spec: &DesignSpec) -> String {
    // "mTPI-2" names kind "mtpi2": compare letters and digits only.
    let lower: String = spec
        .name
        .to_lowercase()
        .chars()
        .filter(|c| c.is_alphanumeric() || *c == '+')
        .collect();
    match spec.preset_name() {
        Some(p) if !lower.contains(p.name()) => format!("{} ({p})", spec.name),
        None if !lower.contains(&spec.kind().to_lowercase()) => {
            format!("{} ({})", spec.name, spec.kind())
        }
        _ => spec.name.clone(),
    }
}

/// `1234567` as `1 234 567`.
pub(crate) fn group_digits(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(' ');
        }
        out.push(c);
    }
    out
}

/// How the figures were obtained, in words.
fn method_text(result: &PairResult) -> String {
    match (result.oc.method, result.oc.trials) {
        (Method::Mc, Some(trials)) => {
            let seed = result.seed.map_or(String::new(), |s| format!(", seed {s}"));
            format!("Monte Carlo, {} trials{seed}", group_digits(trials))
        }
        (Method::Mc, None) => "Monte Carlo".into(),
        (Method::Exact, _) => "exact".into(),
    }
}

/// How a set of results was obtained, in words: "exact", "Monte Carlo, …",
/// or both when designs differ.
fn methods_text(results: &[&PairResult]) -> String {
    let exact = results.iter().any(|r| r.oc.method == Method::Exact);
    match (exact, results.iter().find(|r| r.oc.method == Method::Mc)) {
        (true, Some(mc)) => format!("exact, or {} where marked MC", method_text(mc)),
        (false, Some(mc)) => method_text(mc),
        _ => "exact".into(),
    }
}

/// A series' legend label: the design, marked MC when the chart mixes methods.
fn series_label(run: &ScenarioRun, results: &[&PairResult], r: &PairResult) -> String {
    let name = design_label(&run.scenario.designs[r.design]);
    let mixed = results.iter().any(|o| o.oc.method != r.oc.method);
    if mixed && r.oc.method == Method::Mc {
        format!("{name} [MC]")
    } else {
        name
    }
}

fn titles(
    run: &ScenarioRun,
    t: usize,
    results: &[&PairResult],
    kind: ChartKind,
) -> (String, String) {
    let s = &run.scenario;
    let title = format!(
        "{} — truth “{}”: {}",
        s.name,
        s.truths[t].name,
        kind.heading()
    );
    let designs = if results.len() <= 4 {
        let names: Vec<String> = results
            .iter()
            .map(|r| design_label(&s.designs[r.design]))
            .collect();
        names.join(", ")
    } else {
        format!("{} designs (see legend)", results.len())
    };
    let whiskers =
        if kind != ChartKind::Duration && results.iter().any(|r| r.oc.method == Method::Mc) {
            "; whiskers ±1.96 SE"
        } else {
            ""
        };
    let setting = match (&s.timing, kind) {
        (Some(timing), ChartKind::Duration) => format!(
            "mean gap between arrivals {} days, DLT window {} days",
            timing.arrivals.mean_days(),
            timing.dlt_window_days
        ),
        _ => format!("target P(DLT) {}", s.target),
    };
    let subtitle = format!(
        "{designs} · {}{whiskers} · {setting}",
        methods_text(results)
    );
    (title, subtitle)
}

fn values(estimates: impl Iterator<Item = Estimate>) -> (Vec<f64>, Vec<f64>) {
    estimates.map(|e| (e.value, e.se)).unzip()
}

pub(super) fn selection_chart(run: &ScenarioRun, t: usize, results: &[&PairResult]) -> BarChart {
    let s = &run.scenario;
    let p = &s.truths[t].p_dlt;
    let (title, subtitle) = titles(run, t, results, ChartKind::Selection);
    let series = results
        .iter()
        .map(|r| {
            let (values, se) =
                values(std::iter::once(r.oc.p_none).chain(r.oc.doses.iter().map(|d| d.p_select)));
            let reference = s.designs[r.design].kind() == "benchmark";
            let label = format!(
                "{}: PCS {:.3}{}",
                series_label(run, results, r),
                r.oc.pcs.value,
                if reference {
                    " (reference: every patient seen at every dose)"
                } else {
                    ""
                }
            );
            Series {
                label,
                values,
                se,
                reference,
            }
        })
        .collect();
    BarChart {
        title,
        subtitle,
        x_desc: "dose level selected",
        y_desc: "P(selected as MTD)",
        groups: std::iter::once("no MTD".to_string())
            .chain(s.doses.iter().cloned())
            .collect(),
        overdose: std::iter::once(false)
            .chain(p.iter().map(|&p| p > s.target))
            .collect(),
        series,
        overlay: Some(Overlay {
            p_true: std::iter::once(None)
                .chain(p.iter().map(|&p| Some(p)))
                .collect(),
            target: s.target,
        }),
        probability: true,
    }
}

pub(super) fn patients_chart(run: &ScenarioRun, t: usize, results: &[&PairResult]) -> BarChart {
    let s = &run.scenario;
    let (title, subtitle) = titles(run, t, results, ChartKind::Patients);
    let series = results
        .iter()
        .map(|r| {
            let (values, se) = values(r.oc.doses.iter().map(|d| d.mean_n));
            let label = format!(
                "{}: E[N] {:.2}, over target {:.2}",
                series_label(run, results, r),
                r.oc.mean_n.value,
                r.oc.mean_n_overdose.value
            );
            Series {
                label,
                values,
                se,
                reference: false,
            }
        })
        .collect();
    BarChart {
        title,
        subtitle,
        x_desc: "dose level",
        y_desc: "mean patients treated E[n]",
        groups: s.doses.clone(),
        overdose: s.truths[t].p_dlt.iter().map(|&p| p > s.target).collect(),
        series,
        overlay: None,
        probability: false,
    }
}

pub(super) fn sample_size_chart(run: &ScenarioRun, t: usize, results: &[&PairResult]) -> BarChart {
    let (title, subtitle) = titles(run, t, results, ChartKind::SampleSize);
    let mut sizes: Vec<u32> = results
        .iter()
        .flat_map(|r| r.oc.sample_size.iter().map(|&(n, _)| n))
        .collect();
    sizes.sort_unstable();
    sizes.dedup();
    let series = results
        .iter()
        .map(|r| {
            let trials = r.oc.trials.filter(|_| r.oc.method == Method::Mc);
            let (values, se) = sizes
                .iter()
                .map(|n| {
                    let p =
                        r.oc.sample_size
                            .iter()
                            .find(|&&(m, _)| m == *n)
                            .map_or(0.0, |&(_, p)| p);
                    let se = trials.map_or(0.0, |r| (p * (1.0 - p) / r as f64).max(0.0).sqrt());
                    (p, se)
                })
                .unzip();
            let label = format!(
                "{}: E[N] {:.2}, sd {:.2}",
                series_label(run, results, r),
                r.oc.mean_n.value,
                r.oc.sd_n
            );
            Series {
                label,
                values,
                se,
                reference: false,
            }
        })
        .collect();
    BarChart {
        title,
        subtitle,
        x_desc: "sample size N (patients in the trial)",
        y_desc: "P(N = n)",
        groups: sizes.iter().map(u32::to_string).collect(),
        overdose: vec![false; sizes.len()],
        series,
        overlay: None,
        probability: true,
    }
}

/// The distribution of the trial's duration on truth `t`, as P(trial
/// finished by day x), one curve per design with time figures (the optimal
/// benchmark takes no time); `None` on an untimed run.
pub(super) fn duration_chart(run: &ScenarioRun, t: usize) -> Option<LineChart> {
    let timed: Vec<&PairResult> = run
        .results
        .iter()
        .filter(|r| r.truth == t)
        .filter(|r| {
            r.oc.time
                .as_ref()
                .is_some_and(|time| !time.duration.is_empty())
        })
        .collect();
    let (title, subtitle) = titles(run, t, &timed, ChartKind::Duration);
    let curves = timed
        .iter()
        .filter_map(|r| {
            let time = r.oc.time.as_ref()?;
            // P(day ≤ duration < day + 1) spread evenly over the day (as the
            // quantiles are interpolated): flat between days that occur.
            let mut points = Vec::with_capacity(2 * time.duration.len());
            let mut cumulative = 0.0;
            for &(day, p) in &time.duration {
                let day = f64::from(day);
                if points.last() != Some(&(day, cumulative)) {
                    points.push((day, cumulative));
                }
                cumulative = f64::min(cumulative + p, 1.0);
                points.push((day + 1.0, cumulative));
            }
            let label = format!(
                "{}: mean {:.0} days, median {:.0}, 90% by {:.0}",
                series_label(run, &timed, r),
                time.mean_duration_days.value,
                time.duration_days_q50,
                time.duration_days_q90
            );
            Some(Curve { label, points })
        })
        .collect::<Vec<_>>();
    (!curves.is_empty()).then_some(LineChart {
        title,
        subtitle,
        x_desc: "t: days since the first patient was enrolled",
        y_desc: "P(trial finished by day t)",
        curves,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digits_are_grouped_by_three() {
        assert_eq!(group_digits(1_000_000), "1 000 000");
        assert_eq!(group_digits(20_000), "20 000");
        assert_eq!(group_digits(999), "999");
    }
}
