//! `report.html`: one self-contained page per run — a summary table per
//! scenario, per-dose tables per truth, the charts inlined as SVG, and where
//! every figure came from (dosesim version, method, trials, seed, designs).
//!
//! No JavaScript and no external files, so the page can be mailed, archived
//! or printed as it is. Every text taken from a scenario file is escaped.

use crate::plot::{self, PlotError, SvgChart};
use crate::run::{PairResult, ScenarioRun};
use crate::summary::{Estimate, Method};
use crate::time::WhenSuspended;
use crate::truth::MtdRule;
use std::fmt::Write;

/// The report for `runs`, as one HTML document.
pub fn report_html(runs: &[ScenarioRun]) -> Result<String, PlotError> {
    let mut out = String::new();
    out.push_str(HEAD);
    let version = env!("CARGO_PKG_VERSION");
    let _ = writeln!(out, "<header>\n<h1>dosesim report</h1>");
    let _ = writeln!(
        out,
        "<p class=\"meta\">dosesim {version} · {} scenario(s). Figures marked ± carry their Monte Carlo standard error; exact figures have none.</p>",
        runs.len()
    );
    if runs.len() > 1 {
        out.push_str("<nav><ol>\n");
        for (i, run) in runs.iter().enumerate() {
            let _ = writeln!(
                out,
                "<li><a href=\"#s{i}\">{}</a></li>",
                escape(&run.scenario.name)
            );
        }
        out.push_str("</ol></nav>\n");
    }
    out.push_str("</header>\n<main>\n");
    for (i, run) in runs.iter().enumerate() {
        let charts = plot::chart_svgs(run)?;
        scenario_section(&mut out, i, run, &charts);
    }
    out.push_str("</main>\n</body>\n</html>\n");
    Ok(out)
}

/// Escapes text for HTML content and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const HEAD: &str = r#"<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>dosesim report</title>
<style>
body { font-family: "DejaVu Sans", "Helvetica Neue", Arial, sans-serif; color: #1e1e1e; background: #fff; margin: 2em auto; max-width: 1100px; padding: 0 1em; line-height: 1.4; }
h1 { font-size: 1.6em; margin-bottom: 0.2em; }
h2 { font-size: 1.35em; border-bottom: 2px solid #1e1e1e; padding-bottom: 0.2em; margin-top: 2em; }
h3 { font-size: 1.1em; margin-top: 1.6em; }
.meta, .note { color: #464646; font-size: 0.9em; }
table { border-collapse: collapse; margin: 0.6em 0 1em; font-size: 0.85em; }
th, td { border: 1px solid #b4b4b4; padding: 0.25em 0.55em; vertical-align: top; }
th { background: #eef2f7; text-align: left; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr.over td { background: #f6e2de; }
.decision-tables { display: flex; flex-wrap: wrap; gap: 0 1.2em; align-items: flex-start; }
table.decision caption { font-weight: bold; text-align: left; padding-bottom: 0.2em; }
dl.provenance { display: grid; grid-template-columns: max-content auto; gap: 0.15em 1em; font-size: 0.9em; }
dl.provenance dt { font-weight: bold; }
dl.provenance dd { margin: 0; }
figure { margin: 1em 0 1.5em; }
figure svg { width: 100%; height: auto; max-width: 1000px; display: block; }
pre { font-size: 0.8em; background: #f6f6f6; padding: 0.5em; overflow-x: auto; white-space: pre-wrap; }
@media print {
  body { margin: 0; max-width: none; font-size: 10pt; }
  nav { display: none; }
  section.scenario { break-before: page; }
  section.scenario:first-of-type { break-before: auto; }
  figure, table, tr { break-inside: avoid; }
  h2, h3 { break-after: avoid; }
  thead { display: table-header-group; }
  th, tr.over td { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
</style>
</head>
<body>
"#;

/// Decimals that show a standard error to two significant digits.
fn decimals_for(se: f64) -> usize {
    ((-se.log10()).ceil() + 1.0).clamp(1.0, 8.0) as usize
}

/// `value ± se` (Monte Carlo) or `value` (exact, or se = 0), with at least
/// `decimals` decimals.
fn est(e: &Estimate, decimals: usize) -> String {
    if !e.is_applicable() {
        // The benchmark treats nobody.
        "—".to_string()
    } else if e.se > 0.0 && e.se.is_finite() {
        let d = decimals_for(e.se).max(decimals);
        format!("{:.d$} ± {:.d$}", e.value, e.se)
    } else {
        format!("{:.decimals$}", e.value)
    }
}

fn cell(s: &str) -> String {
    format!("<td class=\"num\">{s}</td>")
}

fn method_name(r: &PairResult) -> &'static str {
    match r.oc.method {
        Method::Mc => "Monte Carlo",
        Method::Exact => "exact",
    }
}

fn scenario_section(out: &mut String, i: usize, run: &ScenarioRun, charts: &[SvgChart]) {
    let s = &run.scenario;
    let _ = writeln!(
        out,
        "<section class=\"scenario\" id=\"s{i}\">\n<h2>{}</h2>",
        escape(&s.name)
    );
    if let Some(d) = &s.description {
        let _ = writeln!(out, "<p>{}</p>", escape(d.trim()));
    }
    provenance(out, run);
    decision_tables(out, run);
    if !crate::report::shows_each_truth(run) {
        let _ = writeln!(
            out,
            "<p class=\"note\">A sweep over {} truths: one row per truth × design is in summary.csv, per dose in doses.csv, and the paired differences in comparison.csv; per-truth tables and charts are not drawn.</p>\n</section>",
            s.truths.len()
        );
        return;
    }
    summary_table(out, run);
    time_table(out, run);
    for (t, truth) in s.truths.iter().enumerate() {
        let p: Vec<String> = truth.p_dlt.iter().map(|p| p.to_string()).collect();
        let _ = writeln!(
            out,
            "<h3 id=\"s{i}-t{t}\">Truth “{}”: P(DLT) = {}</h3>",
            escape(&truth.name),
            escape(&p.join(", "))
        );
        dose_table(out, run, t);
        comparison_table(out, run, t);
        for chart in charts.iter().filter(|c| c.truth == t) {
            // The chart draws its own title; its <title> element names it
            // for screen readers.
            let _ = writeln!(
                out,
                "<figure>\n{}\n<figcaption>{}.png, {}.svg</figcaption>\n</figure>",
                chart.svg.trim(),
                escape(&chart.stem),
                escape(&chart.stem)
            );
        }
    }
    out.push_str("</section>\n");
}

fn provenance(out: &mut String, run: &ScenarioRun) {
    let s = &run.scenario;
    let exact = run.results.iter().any(|r| r.oc.method == Method::Exact);
    let mc = run.results.iter().any(|r| r.oc.method == Method::Mc);
    let (method, mc_only) = match (exact, mc) {
        (true, true) => (
            "exact and Monte Carlo (see the method columns)",
            " (Monte Carlo only)",
        ),
        (true, false) => ("exact: every trial path enumerated", " (not used: exact)"),
        _ => ("Monte Carlo", ""),
    };
    let rule = match s.true_mtd {
        MtdRule::Highest => "highest dose with true P(DLT) ≤ target",
        MtdRule::Closest => "dose with true P(DLT) closest to target",
    };
    let doses: Vec<String> = s
        .doses
        .iter()
        .enumerate()
        .map(|(d, l)| format!("{} = {}", d + 1, escape(l)))
        .collect();
    let mut rows = vec![
        ("dosesim", env!("CARGO_PKG_VERSION").to_string()),
        ("scenario file", escape(&s.source.display().to_string())),
        ("method", method.to_string()),
        ("trials", plot::group_digits(s.simulation.trials) + mc_only),
        ("seed", s.simulation.seed.to_string() + mc_only),
        ("target P(DLT)", s.target.to_string()),
        ("true MTD", rule.to_string()),
        ("doses", doses.join("; ")),
    ];
    if let Some(timing) = &s.timing {
        rows.push(("timing", escape(&crate::report::timing_text(timing))));
    }
    out.push_str("<dl class=\"provenance\">\n");
    for (k, v) in rows {
        let _ = writeln!(out, "<dt>{k}</dt><dd>{v}</dd>");
    }
    out.push_str("</dl>\n");

    // Every family lists its own parameters: one row per design, with the
    // parameters as `name = value` pairs (designs.csv has them in long form).
    out.push_str("<table class=\"designs\">\n<thead><tr><th>design</th><th>kind</th><th>parameters</th></tr></thead>\n<tbody>\n");
    for spec in &s.designs {
        let params: Vec<String> = spec
            .parameters()
            .into_iter()
            .filter(|(k, v)| *k != "kind" && !v.is_empty())
            .map(|(k, v)| format!("{k} = {}", escape(&v)))
            .collect();
        let _ = writeln!(
            out,
            "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
            escape(&spec.name),
            escape(spec.kind()),
            params.join("; "),
        );
    }
    out.push_str("</tbody>\n</table>\n");
}

/// Tables longer than this show only the rows n that end a cohort: those a
/// trial decides on; decision_tables.csv has every row.
const FULL_TABLE_ROWS: usize = 12;

/// Each design's decision table, side by side: rows n, the three bounds and
/// the letters.
fn decision_tables(out: &mut String, run: &ScenarioRun) {
    use crate::report::decision_table::{LEGEND, of_scenario};
    let tables = of_scenario(&run.scenario);
    if tables.is_empty() {
        return;
    }
    out.push_str("<h3>Decision tables</h3>\n<div class=\"decision-tables\">\n");
    let mut shortened = false;
    for t in &tables {
        let long = t.rows.len() > FULL_TABLE_ROWS;
        shortened |= long;
        let _ = writeln!(
            out,
            "<table class=\"decision\">\n<caption>{}</caption>\n<thead><tr><th>n</th><th>escalate if DLTs ≤</th><th>de-escalate if DLTs ≥</th><th>eliminate if DLTs ≥</th><th>y = 0, 1, …</th></tr></thead>\n<tbody>",
            escape(&t.design)
        );
        let bound = |b: Option<u32>| b.map_or(String::new(), |b| b.to_string());
        for r in t
            .rows
            .iter()
            .filter(|r| !long || r.n % t.cohort_size.max(1) == 0)
        {
            let _ = writeln!(
                out,
                "<tr>{}{}{}{}<td><code>{}</code></td></tr>",
                cell(&r.n.to_string()),
                cell(&bound(r.escalate_if_dlt_le)),
                cell(&bound(r.deescalate_if_dlt_ge)),
                cell(&bound(r.eliminate_if_dlt_ge)),
                escape(&r.decisions),
            );
        }
        out.push_str("</tbody>\n</table>\n");
    }
    out.push_str("</div>\n");
    let rows = if shortened {
        " Long tables show the rows n that end a cohort; decision_tables.csv has every n."
    } else {
        ""
    };
    let _ = writeln!(out, "<p class=\"note\">{}{rows}</p>", escape(LEGEND));
}

/// One row per truth × design (× method, when both were run).
fn summary_table(out: &mut String, run: &ScenarioRun) {
    let s = &run.scenario;
    out.push_str("<h3>Summary</h3>\n<table class=\"summary\">\n<thead><tr><th>truth</th><th>design</th><th>method</th><th>true MTD</th><th>PCS</th><th>P(no MTD)</th><th>P(select dose &gt; target)</th><th>E[N]</th><th>E[DLT]</th><th>E[N at doses &gt; target]</th></tr></thead>\n<tbody>\n");
    for r in &run.results {
        let oc = &r.oc;
        let true_mtd = oc
            .true_mtd
            .and_then(|d| s.doses.get(d - 1))
            .map_or("none".to_string(), |l| escape(l));
        let _ = writeln!(
            out,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{true_mtd}</td>{}{}{}{}{}{}</tr>",
            escape(&s.truths[r.truth].name),
            escape(&s.designs[r.design].name),
            method_name(r),
            cell(&est(&oc.pcs, 3)),
            cell(&est(&oc.p_none, 3)),
            cell(&est(&oc.p_select_overdose, 3)),
            cell(&est(&oc.mean_n, 2)),
            cell(&est(&oc.mean_dlt, 2)),
            cell(&est(&oc.mean_n_overdose, 2)),
        );
    }
    out.push_str("</tbody>\n</table>\n<p class=\"note\">PCS: probability of selecting the true MTD (“no MTD” is correct when no dose qualifies). N: patients in the trial.</p>\n");
    if let Some(note) = crate::report::benchmark_note(run) {
        let _ = writeln!(out, "<p class=\"note\">{}</p>", escape(&note));
    }
}

/// How long the trials take, one row per truth × design with time figures
/// (a timed run); "—" for the benchmark, which takes no time.
fn time_table(out: &mut String, run: &ScenarioRun) {
    let s = &run.scenario;
    let Some(timing) = &s.timing else {
        return;
    };
    let wait = timing.when_suspended == WhenSuspended::Wait;
    let timed: Vec<_> = run
        .results
        .iter()
        .filter_map(|r| Some((r, r.oc.time.as_ref()?)))
        .collect();
    if timed.is_empty() {
        return;
    }
    let _ = writeln!(
        out,
        "<h3>Time</h3>\n<table class=\"time\">\n<thead><tr><th>truth</th><th>design</th><th>E[duration] (days)</th><th>sd</th><th>q10</th><th>median</th><th>q90</th><th>{}</th><th>E[days accrual suspended]</th></tr></thead>\n<tbody>",
        if wait {
            "E[days waiting]"
        } else {
            "E[patients lost]"
        }
    );
    let days = |v: f64| est(&Estimate { value: v, se: 0.0 }, 1);
    for (r, t) in timed {
        let _ = writeln!(
            out,
            "<tr><td>{}</td><td>{}</td>{}{}{}{}{}{}{}</tr>",
            escape(&s.truths[r.truth].name),
            escape(&s.designs[r.design].name),
            cell(&est(&t.mean_duration_days, 1)),
            cell(&days(t.sd_duration_days)),
            cell(&days(t.duration_days_q10)),
            cell(&days(t.duration_days_q50)),
            cell(&days(t.duration_days_q90)),
            cell(&est(
                if wait {
                    &t.mean_days_waiting
                } else {
                    &t.mean_patients_lost
                },
                2
            )),
            cell(&est(&t.mean_days_suspended, 1)),
        );
    }
    let lost = if wait {
        "Days waiting: the queued patients' waits in a trial, summed."
    } else {
        "Patients lost: those who came while accrual was suspended and went elsewhere."
    };
    let _ = writeln!(
        out,
        "</tbody>\n</table>\n<p class=\"note\">Duration: days from the first patient in to the last evaluation, by Monte Carlo; q10, median and q90 are its quantiles. {lost} Timing: {}.</p>",
        escape(&crate::report::timing_text(timing))
    );
}

/// One row per design (× method) × dose; doses above target shaded.
fn dose_table(out: &mut String, run: &ScenarioRun, t: usize) {
    let s = &run.scenario;
    out.push_str("<table class=\"doses\">\n<thead><tr><th>design</th><th>method</th><th>dose</th><th>label</th><th>true P(DLT)</th><th>above target</th><th>P(selected as MTD)</th><th>E[n]</th><th>E[DLT]</th><th>P(treated)</th></tr></thead>\n<tbody>\n");
    for r in run.results.iter().filter(|r| r.truth == t) {
        for d in &r.oc.doses {
            let label = s.doses.get(d.dose - 1).map_or("", String::as_str);
            let _ = writeln!(
                out,
                "<tr{}><td>{}</td><td>{}</td>{}<td>{}</td>{}<td>{}</td>{}{}{}{}</tr>",
                if d.overdose { " class=\"over\"" } else { "" },
                escape(&s.designs[r.design].name),
                method_name(r),
                cell(&d.dose.to_string()),
                escape(label),
                cell(&d.p_true.to_string()),
                if d.overdose { "yes" } else { "" },
                cell(&est(&d.p_select, 3)),
                cell(&est(&d.mean_n, 2)),
                cell(&est(&d.mean_dlt, 2)),
                cell(&est(&d.p_treated, 3)),
            );
        }
    }
    out.push_str("</tbody>\n</table>\n");
}

/// Paired differences between the designs on truth `t`, if there are two or
/// more designs.
fn comparison_table(out: &mut String, run: &ScenarioRun, t: usize) {
    let s = &run.scenario;
    let rows: Vec<_> = run
        .comparisons
        .iter()
        .filter(|c| c.truth == t && !c.diff.is_nan())
        .collect();
    if rows.is_empty() {
        return;
    }
    out.push_str("<table class=\"comparisons\">\n<thead><tr><th>design a</th><th>design b</th><th>method</th><th>figure</th><th>a</th><th>b</th><th>a − b ± paired SE</th><th>unpaired SE</th><th>beyond 2 SE</th></tr></thead>\n<tbody>\n");
    for c in rows {
        let diff = Estimate {
            value: c.diff,
            se: c.se_paired,
        };
        let beyond = match c.beyond_2se() {
            Some(true) => "yes",
            Some(false) => "no",
            None => "",
        };
        let _ = writeln!(
            out,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td>{}{}{}{}<td>{beyond}</td></tr>",
            escape(&s.designs[c.a].name),
            escape(&s.designs[c.b].name),
            c.method.name(),
            c.figure,
            cell(&format!("{:.4}", c.value_a)),
            cell(&format!("{:.4}", c.value_b)),
            cell(&est(&diff, 4)),
            cell(&format!("{:.2e}", c.se_unpaired)),
        );
    }
    out.push_str("</tbody>\n</table>\n<p class=\"note\">Designs run on the same simulated patients, so their difference has the paired standard error, usually far below the unpaired one.</p>\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_quotes() {
        assert_eq!(
            escape(r#"<a href="x">&'"#),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
        );
    }

    #[test]
    fn standard_errors_get_two_significant_digits() {
        let e = Estimate {
            value: 0.385123,
            se: 0.00048,
        };
        assert_eq!(est(&e, 3), "0.38512 ± 0.00048");
        let e = Estimate {
            value: 11.8,
            se: 0.0,
        };
        assert_eq!(est(&e, 2), "11.80");
        let e = Estimate {
            value: 0.4,
            se: 0.0048,
        };
        assert_eq!(est(&e, 3), "0.4000 ± 0.0048");
    }
}
