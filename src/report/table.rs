//! The terminal table: per truth, how often each design selects each dose,
//! and its headline figures, with the Monte Carlo uncertainty stated once.

use crate::compare::{Comparison, DURATION, EXACT_RESOLUTION, SIGNIFICANT_SE};
use crate::run::{CHECK_Z, PairResult, ScenarioRun};
use crate::summary::{Estimate, Method};
use crate::tally::HEADLINES;
use crate::time::WhenSuspended;
use std::fmt::Write;

/// Left-aligned first column, right-aligned others, two spaces apart.
pub(crate) fn render(rows: &[Vec<String>], out: &mut String) {
    let columns = rows.iter().map(Vec::len).max().unwrap_or(0);
    let width: Vec<usize> = (0..columns)
        .map(|c| {
            rows.iter()
                .filter_map(|r| r.get(c))
                .map(|s| s.chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    for row in rows {
        let mut line = String::new();
        for (c, cell) in row.iter().enumerate() {
            let pad = width[c] - cell.chars().count();
            if c == 0 {
                line += &format!("  {cell}{}", " ".repeat(pad));
            } else {
                line += &format!("  {}{cell}", " ".repeat(pad));
            }
        }
        let _ = writeln!(out, "{}", line.trim_end());
    }
}

/// A probability as people read it: at most 4 decimals, no trailing zeros.
fn short(p: f64) -> String {
    let s = format!("{p:.4}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

fn percent(p: f64) -> String {
    format!("{:.1}", 100.0 * p)
}

/// How a figure the design does not have is shown (the benchmark's E[N]).
const NOT_APPLICABLE: &str = "—";

/// `v` to two decimals, or [`NOT_APPLICABLE`].
fn two_decimals(v: f64) -> String {
    if v.is_nan() {
        NOT_APPLICABLE.to_string()
    } else {
        format!("{v:.2}")
    }
}

/// Above this many truths a scenario is a sweep: its table, report and charts
/// summarise over truths instead of showing each (the CSV files still have
/// every truth).
pub const MAX_TRUTH_TABLES: usize = 12;

/// Whether `run` gets per-truth tables and charts (it is not a sweep).
pub fn shows_each_truth(run: &ScenarioRun) -> bool {
    run.scenario.truths.len() <= MAX_TRUTH_TABLES
}

/// The headline figures' column titles.
const HEADLINE_TITLES: [&str; 5] = ["PCS %", "sel>target %", "E[N]", "E[DLT]", "E[N>target]"];

/// The figures compared between designs, as (name, column title): the
/// headline figures, and the duration when `timed`.
fn compared_figures(timed: bool) -> Vec<(&'static str, &'static str)> {
    let mut figures: Vec<_> = HEADLINES.into_iter().zip(HEADLINE_TITLES).collect();
    if timed {
        figures.push((DURATION, "E[days]"));
    }
    figures
}

/// A header row: `first`, then the figures' titles.
fn figure_header(first: &str, figures: &[(&str, &str)]) -> Vec<String> {
    let mut header = vec![first.to_string()];
    header.extend(figures.iter().map(|(_, title)| title.to_string()));
    header
}

/// How a value of `figure` is shown: probabilities in percent.
fn figure_value(figure: &str, v: f64) -> String {
    if v.is_nan() {
        NOT_APPLICABLE.to_string()
    } else if figure == "pcs" || figure == "p_select_overdose" {
        format!("{:.2}", 100.0 * v)
    } else if figure == DURATION {
        format!("{v:.2}")
    } else {
        format!("{v:.3}")
    }
}

/// The pairs of designs compared, as (method, a, b), in the order they
/// first appear.
fn compared_pairs<'a>(
    comparisons: impl IntoIterator<Item = &'a Comparison>,
) -> Vec<(Method, usize, usize)> {
    let mut pairs = Vec::new();
    for c in comparisons {
        let key = (c.method, c.a, c.b);
        if !pairs.contains(&key) {
            pairs.push(key);
        }
    }
    pairs
}

/// Paired differences between designs on truth `t`, one row per pair and
/// method, one column per figure compared.
fn comparisons(run: &ScenarioRun, t: usize, out: &mut String) {
    let s = &run.scenario;
    let of_truth: Vec<&Comparison> = run.comparisons.iter().filter(|c| c.truth == t).collect();
    if of_truth.is_empty() {
        return;
    }
    let figures = compared_figures(of_truth.iter().any(|c| c.figure == DURATION));
    let mut rows = vec![figure_header("a − b", &figures)];
    for (method, a, b) in compared_pairs(of_truth.iter().copied()) {
        let mut row = vec![format!(
            "{} − {}{}",
            s.designs[a].name,
            s.designs[b].name,
            if run.results.iter().any(|r| r.oc.method != method) {
                format!(" ({})", method.name())
            } else {
                String::new()
            }
        )];
        for &(figure, _) in &figures {
            let found = of_truth
                .iter()
                .find(|c| (c.method, c.a, c.b, c.figure) == (method, a, b, figure));
            // Exact results have no duration to compare.
            let Some(c) = found else {
                row.push(NOT_APPLICABLE.to_string());
                continue;
            };
            let diff = figure_value(figure, c.diff);
            row.push(match c.beyond_2se() {
                _ if c.diff.is_nan() => diff,
                None => diff,
                Some(beyond) => format!(
                    "{diff} ± {}{}",
                    figure_value(figure, c.se_paired),
                    if beyond { "*" } else { " " }
                ),
            });
        }
        rows.push(row);
    }
    let _ = writeln!(
        out,
        "\n  paired differences between designs (same simulated patients; ± paired SE, * beyond {SIGNIFICANT_SE} SE):"
    );
    render(&rows, out);
}

/// `value ± se` to two decimals, or `value` where the SE is 0, or
/// [`NOT_APPLICABLE`].
fn with_se(e: &Estimate) -> String {
    if !e.is_applicable() {
        NOT_APPLICABLE.to_string()
    } else if e.se > 0.0 {
        format!("{:.2} ± {:.2}", e.value, e.se)
    } else {
        format!("{:.2}", e.value)
    }
}

/// How long each design's trials take on one truth, on a timed run: the
/// duration's mean, sd and quantiles, the patients lost (or, with
/// `when_suspended = "wait"`, the days they waited) and the days accrual
/// was suspended; "—" for the benchmark, which takes no time.
fn time_block(
    run: &ScenarioRun,
    results: &[&PairResult],
    row_name: &dyn Fn(&PairResult) -> String,
    out: &mut String,
) {
    let Some(timing) = &run.scenario.timing else {
        return;
    };
    let wait = timing.when_suspended == WhenSuspended::Wait;
    let mut rows = vec![
        [
            "time (days)",
            "E[duration]",
            "sd",
            "q10",
            "q50",
            "q90",
            if wait { "E[days waiting]" } else { "E[lost]" },
            "E[days suspended]",
        ]
        .map(String::from)
        .to_vec(),
    ];
    for r in results {
        let Some(t) = &r.oc.time else {
            continue;
        };
        rows.push(vec![
            row_name(r),
            with_se(&t.mean_duration_days),
            two_decimals(t.sd_duration_days),
            two_decimals(t.duration_days_q10),
            two_decimals(t.duration_days_q50),
            two_decimals(t.duration_days_q90),
            with_se(if wait {
                &t.mean_days_waiting
            } else {
                &t.mean_patients_lost
            }),
            with_se(&t.mean_days_suspended),
        ]);
    }
    if rows.len() == 1 {
        return;
    }
    out.push('\n');
    render(&rows, out);
    let lost = if wait {
        "days waiting: all the queued patients' waits in a trial, summed"
    } else {
        "lost: patients who came while accrual was suspended"
    };
    let _ = writeln!(
        out,
        "  duration: days from the first patient in to the last evaluation (quantiles q10, q50, q90); {lost}."
    );
}

/// A sweep over many truths: per design, the headline figures averaged over
/// truths (each truth weighing the same), and per pair of designs, on how
/// many truths a beats b.
fn sweep(run: &ScenarioRun, out: &mut String) {
    let s = &run.scenario;
    let n = s.truths.len() as f64;
    let _ = writeln!(
        out,
        "\nsweep over {} truths: per-truth rows are in summary.csv; averages over truths:",
        s.truths.len()
    );
    let figures = compared_figures(run.results.iter().any(|r| r.oc.time.is_some()));
    let mut rows = vec![figure_header("design", &figures)];
    for method in [Method::Exact, Method::Mc] {
        for (d, spec) in s.designs.iter().enumerate() {
            let results: Vec<_> = run
                .results
                .iter()
                .filter(|r| r.design == d && r.oc.method == method)
                .collect();
            if results.is_empty() {
                continue;
            }
            let mean = |f: fn(&crate::summary::OperatingCharacteristics) -> f64| {
                results.iter().map(|r| f(&r.oc)).sum::<f64>() / n
            };
            let means = [
                mean(|oc| oc.pcs.value),
                mean(|oc| oc.p_select_overdose.value),
                mean(|oc| oc.mean_n.value),
                mean(|oc| oc.mean_dlt.value),
                mean(|oc| oc.mean_n_overdose.value),
                // Untimed results (exact ones) have no duration: "—".
                mean(|oc| {
                    oc.time
                        .as_ref()
                        .map_or(f64::NAN, |t| t.mean_duration_days.value)
                }),
            ];
            let mut row = vec![format!("{} ({})", spec.name, method.name())];
            row.extend(
                figures
                    .iter()
                    .zip(means)
                    .map(|(&(figure, _), v)| figure_value(figure, v)),
            );
            rows.push(row);
        }
    }
    render(&rows, out);
    if run.comparisons.is_empty() {
        return;
    }
    let _ = writeln!(
        out,
        "\n  truths on which a − b is above / below 0 (Monte Carlo: beyond {SIGNIFICANT_SE} paired SE; exact: beyond {EXACT_RESOLUTION:e}):"
    );
    let figures = compared_figures(run.comparisons.iter().any(|c| c.figure == DURATION));
    let mut rows = vec![figure_header("a − b", &figures)];
    let mut keys = compared_pairs(&run.comparisons);
    keys.sort_by_key(|&(m, a, b)| (m.name(), a, b));
    for (method, a, b) in keys {
        let mut row = vec![format!(
            "{} − {} ({})",
            s.designs[a].name,
            s.designs[b].name,
            method.name()
        )];
        for &(figure, _) in &figures {
            let (mut above, mut below) = (0, 0);
            for c in run
                .comparisons
                .iter()
                .filter(|c| (c.method, c.a, c.b, c.figure) == (method, a, b, figure))
            {
                match c.direction() {
                    1 => above += 1,
                    -1 => below += 1,
                    _ => {}
                }
            }
            // A figure the benchmark lacks has no direction either way.
            let applicable = run.comparisons.iter().any(|c| {
                (c.method, c.a, c.b, c.figure) == (method, a, b, figure) && !c.diff.is_nan()
            });
            row.push(if applicable {
                format!("{above} / {below}")
            } else {
                NOT_APPLICABLE.to_string()
            });
        }
        rows.push(row);
    }
    render(&rows, out);
    if run.comparisons.iter().any(|c| c.method == Method::Mc) {
        // Each truth is its own test at 2 SE: with no real difference,
        // chance alone puts about 2.3% of truths on each side.
        let _ = writeln!(
            out,
            "  Monte Carlo counts are tests at 2 SE per truth: where the designs do not differ, about {} of the {} truths land on each side by chance.",
            (0.0228 * s.truths.len() as f64).round(),
            s.truths.len()
        );
    }
}

/// A human-readable summary of one scenario's results.
pub fn table(run: &ScenarioRun) -> String {
    let s = &run.scenario;
    let mut out = String::new();
    let has = |m: Method| run.results.iter().any(|r| r.oc.method == m);
    let mc = format!(
        "Monte Carlo, {} trials, seed {}",
        s.simulation.trials, s.simulation.seed
    );
    let how = match (has(Method::Exact), has(Method::Mc)) {
        (true, false) => "exact".to_string(),
        (true, true) => format!("exact and {mc}"),
        _ => mc,
    };
    // With both methods, rows say which one they show.
    let row_name = |r: &PairResult| {
        let name = s.designs[r.design].name.clone();
        if has(Method::Exact) && has(Method::Mc) {
            format!("{name} ({})", r.oc.method.name())
        } else {
            name
        }
    };
    let _ = writeln!(
        out,
        "{} — {} doses, target DLT rate {}, {} truth(s) × {} design(s); {how}",
        s.name,
        s.doses.len(),
        s.target,
        s.truths.len(),
        s.designs.len()
    );
    if let Some(d) = &s.description {
        let _ = writeln!(out, "  {}", d.trim());
    }
    if let Some(timing) = &s.timing {
        let _ = writeln!(out, "  [timing] {}", super::timing_text(timing));
    }
    if !shows_each_truth(run) {
        sweep(run, &mut out);
    }
    for (t, truth) in s.truths.iter().enumerate() {
        if !shows_each_truth(run) {
            break;
        }
        let results: Vec<_> = run.results.iter().filter(|r| r.truth == t).collect();
        let Some(first) = results.first() else {
            continue;
        };
        let p: Vec<String> = truth.p_dlt.iter().map(|&p| short(p)).collect();
        let label = |mtd: Option<usize>| {
            mtd.map_or("none (every dose above target)".to_string(), |d| {
                s.doses[d - 1].clone()
            })
        };
        let oc = &first.oc;
        let true_mtd = label(oc.true_mtd);
        // The 3+3 aims at the highest dose with p ≤ target, the interval
        // designs at the closest: where the two differ, say which PCS uses.
        let (highest, closest) = (oc.true_mtd_highest, oc.true_mtd_closest);
        let rule = if highest == closest {
            String::new()
        } else {
            let other = if oc.true_mtd == highest {
                format!("closest to target: {}", label(closest))
            } else {
                format!("highest with p ≤ target: {}", label(highest))
            };
            format!(
                " ({} — PCS uses this; {other}, as pcs_{} in summary.csv)",
                oc.mtd_rule.description(),
                if oc.true_mtd == highest {
                    "closest"
                } else {
                    "highest"
                }
            )
        };
        let _ = writeln!(
            out,
            "\ntruth \"{}\": p(DLT) = {}; true MTD: {true_mtd}{rule}",
            truth.name,
            p.join(", ")
        );
        if !truth.events.is_empty() {
            let names: Vec<&str> = truth.events.iter().map(|e| e.name.as_str()).collect();
            let _ = writeln!(
                out,
                "  p(DLT) = 1 − Π(1 − p_event) over independent events: {}",
                names.join(", ")
            );
        }

        let mut rows = vec![];
        let mut header = vec!["% selected as MTD".to_string(), "none".to_string()];
        header.extend(s.doses.iter().cloned());
        rows.push(header);
        let mut p_true = vec!["  true p(DLT)".to_string(), String::new()];
        p_true.extend(truth.p_dlt.iter().map(|&p| short(p)));
        rows.push(p_true);
        for r in &results {
            let mut row = vec![row_name(r), percent(r.oc.p_none.value)];
            row.extend(r.oc.doses.iter().map(|d| percent(d.p_select.value)));
            rows.push(row);
        }
        render(&rows, &mut out);

        let mut rows = vec![
            [
                "design",
                "PCS %",
                "sel>target %",
                "E[N]",
                "sd N",
                "E[DLT]",
                "E[N>target]",
            ]
            .map(String::from)
            .to_vec(),
        ];
        for r in &results {
            let oc = &r.oc;
            rows.push(vec![
                row_name(r),
                percent(oc.pcs.value),
                percent(oc.p_select_overdose.value),
                two_decimals(oc.mean_n.value),
                two_decimals(oc.sd_n),
                two_decimals(oc.mean_dlt.value),
                two_decimals(oc.mean_n_overdose.value),
            ]);
        }
        out.push('\n');
        render(&rows, &mut out);
        let worst_p = results
            .iter()
            .map(|r| r.oc.pcs.se.max(r.oc.p_none.se))
            .fold(0.0, f64::max);
        let worst_p = results
            .iter()
            .flat_map(|r| r.oc.doses.iter().map(|d| d.p_select.se))
            .fold(worst_p, f64::max);
        let worst_n = results.iter().map(|r| r.oc.mean_n.se).fold(0.0, f64::max);
        if worst_p > 0.0 {
            let _ = writeln!(
                out,
                "  Monte Carlo standard errors: at most {:.2} percentage points for the percentages, {:.3} patients for E[N].",
                100.0 * worst_p,
                worst_n
            );
        }
        time_block(run, &results, &row_name, &mut out);
        if let Some(note) = super::benchmark_note(run) {
            let _ = writeln!(out, "  {note}");
        }
        comparisons(run, t, &mut out);
    }
    if !run.checks.is_empty() {
        self_check(run, &mut out);
    }
    out
}

/// One line for `--method both`, plus one per flagged figure.
fn self_check(run: &ScenarioRun, out: &mut String) {
    let s = &run.scenario;
    let name = |c: &crate::run::Check| {
        format!(
            "{} on {:?}, {}",
            s.designs[c.design].name, s.truths[c.truth].name, c.figure
        )
    };
    let worst = run
        .checks
        .iter()
        .max_by(|a, b| a.z.abs().total_cmp(&b.z.abs()));
    let flagged: Vec<_> = run.checks.iter().filter(|c| c.z.abs() > CHECK_Z).collect();
    if let Some(w) = worst {
        let _ = writeln!(
            out,
            "\nself-check, Monte Carlo against exact: {} figures, largest |z| = {:.2} ({}); {} beyond {CHECK_Z}",
            run.checks.len(),
            w.z.abs(),
            name(w),
            flagged.len()
        );
    }
    for c in flagged {
        let _ = writeln!(
            out,
            "  FLAG {}: exact {}, estimate {} ± {}, z = {:.2}",
            name(c),
            c.exact,
            c.estimate,
            c.se,
            c.z
        );
    }
}
