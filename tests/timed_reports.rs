//! The time figures in every output of a run: summary.csv's time columns
//! (empty without `[timing]` and for the optimal benchmark), duration.csv
//! (only on a timed run, each design's probabilities summing to 1), the
//! duration chart per truth, the time table and paired E[days] column of
//! the terminal table, the Time table of report.html, and comparison.csv's
//! duration rows.

use assert_cmd::Command;
use dosesim::plot::{ChartKind, chart_svgs};
use dosesim::run::{MethodChoice, ScenarioRun};
use dosesim::scenario::Scenario;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use tempfile::TempDir;

const UNTIMED: &str = r#"
name = "small"
doses = ["low", "mid", "high"]
[[truth]]
name = "steep"
p_dlt = [0.05, 0.25, 0.6]
[[truth]]
name = "flat"
p_dlt = [0.1, 0.15, 0.2]
[[design]]
preset = "korn"
[[design]]
kind = "boin"
max_n = 18
[[design]]
kind = "benchmark"
max_n = 18
[simulation]
trials = 4000
seed = 5
"#;

const TIMING: &str = r#"
[timing]
arrivals = { process = "poisson", mean_days = 10 }
dlt_window_days = 28
"#;

const TIME_COLUMNS: [&str; 12] = [
    "mean_duration_days",
    "mean_duration_days_se",
    "sd_duration_days",
    "duration_days_q10",
    "duration_days_q50",
    "duration_days_q90",
    "mean_patients_lost",
    "mean_patients_lost_se",
    "mean_days_suspended",
    "mean_days_suspended_se",
    "mean_days_waiting",
    "mean_days_waiting_se",
];

/// Runs `body` with `dosesim run --method mc`; returns the output
/// directory (in the scenario's) and stdout.
fn run(body: &str) -> (TempDir, PathBuf, String) {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("case.toml");
    std::fs::write(&path, body).unwrap();
    let out = dir.path().join("out");
    let assert = Command::cargo_bin("dosesim")
        .unwrap()
        .arg("run")
        .arg(&path)
        .args(["--method", "mc", "--out"])
        .arg(&out)
        .assert()
        .success();
    let stdout = String::from_utf8(assert.get_output().stdout.clone()).unwrap();
    (dir, out, stdout)
}

/// A CSV file as records keyed by column name.
fn records(path: &Path) -> Vec<BTreeMap<String, String>> {
    let mut reader = csv::Reader::from_path(path).unwrap();
    let header: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_string)
        .collect();
    reader
        .records()
        .map(|r| {
            header
                .iter()
                .cloned()
                .zip(r.unwrap().iter().map(str::to_string))
                .collect()
        })
        .collect()
}

fn number(row: &BTreeMap<String, String>, column: &str) -> f64 {
    row[column]
        .parse()
        .unwrap_or_else(|_| panic!("{column} = {:?} in {row:?}", row[column]))
}

#[test]
fn untimed_runs_have_empty_time_columns_and_no_duration_file() {
    let (_dir, out, stdout) = run(UNTIMED);
    let summary = records(&out.join("summary.csv"));
    assert_eq!(summary.len(), 2 * 3);
    for row in &summary {
        for column in TIME_COLUMNS {
            assert_eq!(row[column], "", "{column} in {row:?}");
        }
    }
    assert!(!out.join("duration.csv").exists());
    assert!(!out.join("small__steep__duration.png").exists());
    assert!(!stdout.contains("E[days]") && !stdout.contains("time (days)"));
    let comparison = std::fs::read_to_string(out.join("comparison.csv")).unwrap();
    assert!(!comparison.contains("mean_duration_days"));
}

#[test]
fn timed_runs_report_time_everywhere() {
    let (_dir, out, stdout) = run(&format!("{UNTIMED}{TIMING}"));

    // summary.csv: filled for the designs, empty for the benchmark.
    let summary = records(&out.join("summary.csv"));
    for row in &summary {
        let benchmark = row["kind"] == "benchmark";
        for column in TIME_COLUMNS {
            assert_eq!(row[column].is_empty(), benchmark, "{column} in {row:?}");
        }
        if !benchmark {
            let (q10, q50, q90) = (
                number(row, "duration_days_q10"),
                number(row, "duration_days_q50"),
                number(row, "duration_days_q90"),
            );
            assert!(0.0 < q10 && q10 <= q50 && q50 <= q90, "{row:?}");
            assert!(number(row, "mean_duration_days_se") > 0.0);
        }
    }

    // duration.csv: per truth × design, probabilities summing to 1 and a
    // cumulative column that ends there; no rows for the benchmark.
    let duration = records(&out.join("duration.csv"));
    let mut sums: BTreeMap<(String, String), (f64, f64)> = BTreeMap::new();
    for row in &duration {
        assert_eq!(row["method"], "mc");
        let key = (row["truth"].clone(), row["design"].clone());
        let (sum, _) = sums.get(&key).copied().unwrap_or_default();
        let sum = sum + number(row, "probability");
        let cumulative = number(row, "cumulative");
        assert!((cumulative - sum).abs() < 1e-9, "{row:?}");
        sums.insert(key, (sum, cumulative));
    }
    assert_eq!(
        sums.len(),
        2 * 2,
        "two truths × two timed designs: {sums:?}"
    );
    for (key, (sum, last)) in &sums {
        assert!((sum - 1.0).abs() < 1e-9, "{key:?}: {sum}");
        assert!((last - 1.0).abs() < 1e-9, "{key:?}: {last}");
    }

    // One duration chart per truth, PNG and SVG, in the report too.
    for truth in ["steep", "flat"] {
        let png = std::fs::read(out.join(format!("small__{truth}__duration.png"))).unwrap();
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
        let svg =
            std::fs::read_to_string(out.join(format!("small__{truth}__duration.svg"))).unwrap();
        assert!(svg.contains("P(trial finished by day t)"));
    }
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains("<h3>Time</h3>"));
    assert!(html.contains("<dt>timing</dt><dd>arrivals = poisson, mean_days = 10"));
    assert!(html.contains("small__flat__duration.svg"));

    // comparison.csv: the duration after the headline figures, designs only.
    let comparison = records(&out.join("comparison.csv"));
    let durations: Vec<_> = comparison
        .iter()
        .filter(|r| r["figure"] == "mean_duration_days")
        .collect();
    assert_eq!(durations.len(), 2, "one pair of timed designs per truth");
    assert!(durations.iter().all(|r| r["design_a"] == "3+3 korn"));

    // The table: a time block per truth, and each pair once with E[days].
    assert_eq!(stdout.matches("time (days)").count(), 2, "{stdout}");
    assert!(stdout.contains("  [timing] arrivals = poisson, mean_days = 10"));
    let pair = stdout
        .lines()
        .filter(|l| l.trim_start().starts_with("3+3 korn − BOIN"))
        .collect::<Vec<_>>();
    assert_eq!(pair.len(), 2, "one row per truth: {stdout}");
    assert!(stdout.contains("E[days]"));
    let header = stdout
        .lines()
        .find(|l| l.trim_start().starts_with("a − b"))
        .unwrap();
    assert!(header.trim_end().ends_with("E[days]"), "{header}");
}

/// With `when_suspended = "wait"`, the table shows the days waited.
#[test]
fn waiting_runs_show_days_waited() {
    let timing = TIMING.replace(
        "dlt_window_days = 28",
        "dlt_window_days = 28\nwhen_suspended = \"wait\"",
    );
    let (_dir, out, stdout) = run(&format!("{UNTIMED}{timing}"));
    assert!(stdout.contains("E[days waiting]") && !stdout.contains("E[lost]"));
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains("<th>E[days waiting]</th>"));
}

#[test]
fn the_duration_chart_is_drawn_only_when_timed() {
    let charts = |body: &str| {
        let scenario = Scenario::parse(body, Path::new("x.toml")).unwrap();
        let run = ScenarioRun::evaluate(scenario, MethodChoice::Mc, &|_| {}).unwrap();
        chart_svgs(&run).unwrap()
    };
    let untimed = charts(UNTIMED);
    assert!(untimed.iter().all(|c| c.kind != ChartKind::Duration));
    let timed = charts(&format!("{UNTIMED}{TIMING}"));
    let durations: Vec<_> = timed
        .iter()
        .filter(|c| c.kind == ChartKind::Duration)
        .collect();
    assert_eq!(durations.len(), 2, "one per truth");
    assert_eq!(durations[1].stem, "small__flat__duration");
    // The benchmark takes no time: no curve, not in the legend.
    assert!(!durations[0].svg.contains("benchmark"));
    assert!(durations[0].svg.contains("BOIN"));
}
