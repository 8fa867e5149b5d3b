//! The `dosesim` command driven as a user drives it: success paths, the
//! thread-count guarantee, and every kind of bad input (exit code 2, a message
//! naming the problem, and no output file left behind).

use assert_cmd::Command;
use predicates::prelude::*;
use std::path::{Path, PathBuf};
use tempfile::TempDir;

fn dosesim() -> Command {
    Command::cargo_bin("dosesim").unwrap()
}

fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

/// `dosesim run PATH -q --out OUT ARGS…`, which must succeed.
fn run_quietly(path: &Path, out: &Path, args: &[&str]) {
    dosesim()
        .arg("run")
        .arg(path)
        .arg("-q")
        .args(args)
        .arg("--out")
        .arg(out)
        .assert()
        .success();
}

/// A scenario file with `body` in a fresh directory.
fn scenario(body: &str) -> (TempDir, PathBuf) {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("case.toml");
    std::fs::write(&path, body).unwrap();
    (dir, path)
}

const SMALL: &str = r#"
name = "small"
doses = ["low", "mid", "high"]
[[truth]]
name = "steep"
p_dlt = [0.05, 0.25, 0.6]
[[truth]]
name = "flat"
p_dlt = [0.1, 0.15, 0.2]
[[design]]
preset = "storer"
[[design]]
preset = "korn"
[simulation]
trials = 50_000
seed = 11
"#;

#[test]
fn runs_the_bundled_scenarios() {
    let out = TempDir::new().unwrap();
    dosesim()
        .args(["run", "--trials", "20000", "--out"])
        .arg(out.path())
        .arg(repo("scenarios"))
        .assert()
        .success()
        .stdout(predicate::str::contains("% selected as MTD"))
        .stderr(predicate::str::contains("wrote"));
    for file in ["summary.csv", "doses.csv", "results.json"] {
        assert!(out.path().join(file).is_file(), "{file} missing");
    }
}

#[test]
fn outputs_are_tidy_and_carry_provenance() {
    let (dir, path) = scenario(SMALL);
    let out = dir.path().join("out");
    dosesim()
        .arg("run")
        .arg(&path)
        .args(["--method", "mc", "-q", "--out"])
        .arg(&out)
        .assert()
        .success()
        .stdout("");
    let summary = std::fs::read_to_string(out.join("summary.csv")).unwrap();
    let lines: Vec<&str> = summary.lines().collect();
    assert_eq!(lines.len(), 1 + 2 * 2, "one row per truth × design");
    let header: Vec<&str> = lines[0].split(',').collect();
    for column in [
        "scenario",
        "truth",
        "design",
        "kind",
        "method",
        "trials",
        "seed",
        "target",
        "true_mtd_rule",
        "p_none",
        "p_none_se",
        "p_none_safety",
        "pcs",
        "pcs_se",
        "pcs_highest",
        "pcs_closest",
        "p_stop_max_n",
        "p_stop_safety",
        "p_stop_rule",
        "p_select_overdose",
        "p_select_overdose_se",
        "mean_n",
        "mean_n_se",
        "sd_n",
        "mean_dlt",
        "mean_dlt_se",
        "dlt_rate",
        "mean_n_overdose",
        "mean_n_overdose_se",
        "share_n_overdose",
    ] {
        assert!(header.contains(&column), "summary.csv lacks {column}");
    }
    assert!(
        lines[1].starts_with("small,steep,3+3 storer,3+3,"),
        "{}",
        lines[1]
    );
    let designs = std::fs::read_to_string(out.join("designs.csv")).unwrap();
    assert!(designs.starts_with("scenario,design,parameter,value\n"));
    for row in [
        "small,3+3 storer,kind,3+3",
        "small,3+3 storer,preset,storer",
        "small,3+3 storer,deescalation,false",
        "small,3+3 storer,start_dose,1",
    ] {
        assert!(designs.lines().any(|l| l == row), "designs.csv lacks {row}");
    }
    let doses = std::fs::read_to_string(out.join("doses.csv")).unwrap();
    assert_eq!(
        doses.lines().count(),
        1 + 2 * 2 * 3,
        "one row per truth × design × dose"
    );
    let header = doses.lines().next().unwrap();
    for column in [
        "scenario",
        "truth",
        "design",
        "dose",
        "label",
        "p_true",
        "p_select",
        "p_select_se",
        "mean_n",
        "mean_n_se",
        "alloc_ratio",
        "alloc_mean",
        "mean_dlt",
        "p_treated",
    ] {
        assert!(
            header.split(',').any(|c| c == column),
            "doses.csv lacks {column}"
        );
    }
    assert!(doses.contains(",mid,0.25,"), "labels and true p appear");
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("results.json")).unwrap()).unwrap();
    assert_eq!(json["dosesim_version"], env!("CARGO_PKG_VERSION"));
    let s = &json["scenarios"][0];
    assert_eq!(s["scenario"]["simulation"]["seed"], 11);
    assert_eq!(s["scenario"]["designs"][1]["deescalation"], "true");
    assert_eq!(s["scenario"]["designs"][1]["kind"], "3+3");
    assert!(
        s["scenario_text"]
            .as_str()
            .unwrap()
            .contains("trials = 50_000")
    );
    assert_eq!(s["results"].as_array().unwrap().len(), 4);
}

/// The reproducibility promise: the thread count changes no byte.
#[test]
fn thread_count_changes_no_byte() {
    let (dir, path) = scenario(SMALL);
    let outputs: Vec<Vec<Vec<u8>>> = [1, 2, 7]
        .iter()
        .map(|threads| {
            let out = dir.path().join(format!("out{threads}"));
            dosesim()
                .arg("run")
                .arg(&path)
                .args([
                    "--method",
                    "mc",
                    "--trials",
                    "300000",
                    "--threads",
                    &threads.to_string(),
                    "-q",
                    "--out",
                ])
                .arg(&out)
                .assert()
                .success();
            ["summary.csv", "doses.csv", "results.json"]
                .map(|f| std::fs::read(out.join(f)).unwrap())
                .to_vec()
        })
        .collect();
    assert_eq!(outputs[0], outputs[1], "1 vs 2 threads");
    assert_eq!(outputs[0], outputs[2], "1 vs 7 threads");
}

#[test]
fn flags_override_the_file() {
    let (dir, path) = scenario(SMALL);
    let out = dir.path().join("out");
    dosesim()
        .arg("run")
        .arg(&path)
        .args([
            "--method",
            "mc",
            "--trials",
            "1e4",
            "--seed",
            "5",
            "--preset",
            "strict,korn",
            "-q",
            "--out",
        ])
        .arg(&out)
        .assert()
        .success();
    let summary = std::fs::read_to_string(out.join("summary.csv")).unwrap();
    assert!(summary.contains(",3+3 strict,3+3,"));
    assert!(summary.contains(",3+3 korn,3+3,"));
    assert!(!summary.contains("storer"));
    assert!(
        summary.lines().skip(1).all(|l| l.contains(",mc,10000,5,")),
        "{summary}"
    );
}

#[test]
fn help_and_version() {
    dosesim()
        .arg("--version")
        .assert()
        .success()
        .stdout(predicate::str::contains(env!("CARGO_PKG_VERSION")));
    dosesim()
        .args(["run", "--help"])
        .assert()
        .success()
        .stdout(predicate::str::contains("--trials").and(predicate::str::contains("storer")));
    dosesim().assert().failure().code(2);
}

/// `dosesim run … | head` must end quietly, and still write its files.
#[test]
fn broken_pipe_exits_quietly() {
    let (dir, path) = scenario(SMALL);
    let out = dir.path().join("out");
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("dosesim"))
        .arg("run")
        .arg(&path)
        .arg("--out")
        .arg(&out)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "status {:?}, stderr {stderr}",
        output.status
    );
    assert!(
        !stderr.contains("error") && !stderr.contains("panicked"),
        "{stderr}"
    );
    assert!(out.join("summary.csv").is_file());
}

/// Runs a bad input: exit code 2, stderr naming the problem, no output file.
fn rejects(args: &[&str], body: Option<&str>, message: &str) {
    let (dir, path) = scenario(body.unwrap_or(SMALL));
    let out = dir.path().join("out");
    let mut cmd = dosesim();
    cmd.arg("run");
    if body.is_some() || args.is_empty() {
        cmd.arg(&path);
    }
    cmd.args(args).arg("--out").arg(&out);
    cmd.assert()
        .failure()
        .code(2)
        .stderr(predicate::str::contains(message));
    let leftovers: Vec<_> = std::fs::read_dir(&out)
        .map(|d| d.map(|e| e.unwrap().path()).collect())
        .unwrap_or_default();
    assert!(leftovers.is_empty(), "left behind: {leftovers:?}");
}

fn with_truth(extra_top: &str, truth: &str, extra: &str) -> String {
    format!("{extra_top}\n[[truth]]\np_dlt = {truth}\n{extra}")
}

#[test]
fn bad_input_gets_a_clear_error_and_no_output() {
    let missing = repo("no/such/file.toml");
    rejects(
        &[missing.to_str().unwrap()],
        Some(SMALL),
        "no/such/file.toml: cannot read",
    );
    rejects(
        &[],
        Some("[[truth]]\np_dlt = [0.1, 0.2\n"),
        "case.toml:2:18: unclosed array",
    );
    rejects(
        &[],
        Some("[[truth]]\np_dlt = [0.1]\ncolour = 1\n"),
        "case.toml:3:1: unknown field `colour`",
    );
    rejects(
        &[],
        Some(&with_truth("", "[0.1, 1.3]", "")),
        "truth[0].p_dlt[1]: = 1.3: expected a probability in [0, 1]",
    );
    rejects(
        &[],
        Some(&with_truth("", "[0.1, nan]", "")),
        "truth[0].p_dlt[1]: = NaN",
    );
    rejects(
        &[],
        Some(&with_truth("", "[]", "")),
        "truth[0].p_dlt: is empty",
    );
    rejects(
        &[],
        Some(&with_truth(
            "doses = [\"a\", \"b\", \"c\"]",
            "[0.1, 0.2]",
            "",
        )),
        "doses: has 3 labels but truth[0].p_dlt has 2 doses",
    );
    rejects(
        &[],
        Some(&with_truth(
            "",
            "[0.1, 0.2]",
            "[[design]]\nstart_dose = 3\n",
        )),
        "design[0].start_dose: = 3: expected a dose level from 1 to 2",
    );
    rejects(
        &[],
        Some(&with_truth(
            "",
            "[0.1, 0.2]",
            "[[design]]\npreset = \"kron\"\n",
        )),
        "unknown preset \"kron\": expected one of storer, korn, strict",
    );
    rejects(
        &[],
        Some(&with_truth(
            "",
            "[0.1, 0.2]",
            "[[design]]\npreset = \"storer\"\ndeescalation = true\n",
        )),
        "design[0].deescalation: = true conflicts with preset = \"storer\"",
    );
    rejects(
        &[],
        Some(&with_truth("", "[0.1, 0.2]", "[simulation]\ntrials = 0\n")),
        "simulation.trials: = 0: expected a number of trials from 1 to 1000000000000",
    );
    rejects(
        &[],
        Some(&with_truth(
            "",
            "[0.1, 0.2]",
            "[simulation]\ntrials = 5_000_000_000_000\n",
        )),
        "simulation.trials",
    );
    let many = vec!["0.1"; 40].join(", ");
    rejects(
        &[],
        Some(&with_truth("", &format!("[{many}]"), "")),
        "truth[0].p_dlt: has 40 doses: at most 32 are supported",
    );
    rejects(&["--trials", "0"], None, "--trials");
    rejects(&["--trials", "lots"], None, "not a whole number of trials");
    rejects(&["--preset", "kron"], None, "unknown preset");
    rejects(&["--threads", "0"], None, "--threads");
}

#[test]
fn an_output_directory_that_cannot_be_written_is_bad_input() {
    let (dir, path) = scenario(SMALL);
    let blocker = dir.path().join("file");
    std::fs::write(&blocker, "not a directory").unwrap();
    dosesim()
        .arg("run")
        .arg(&path)
        .arg("--out")
        .arg(blocker.join("out"))
        .assert()
        .failure()
        .code(2)
        .stderr(predicate::str::contains("cannot write"));
}

#[test]
fn a_preset_named_twice_is_bad_input() {
    let (dir, path) = scenario(SMALL);
    let out = dir.path().join("out");
    let run = [
        "run",
        path.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ];
    for command in [&run[..], &["exact", "--p", "0.1,0.2"]] {
        dosesim()
            .args(command)
            .args(["--preset", "korn,strict,korn"])
            .assert()
            .failure()
            .code(2)
            .stderr(predicate::str::contains("--preset korn given twice"));
    }
    assert!(!out.exists());
}

#[test]
fn devices_and_fifos_are_refused_without_reading_them() {
    let dir = TempDir::new().unwrap();
    let fifo = dir.path().join("fifo.toml");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    let mut inputs = vec![dir.path().join("fifo.toml")];
    if !made.is_ok_and(|s| s.success()) {
        inputs.clear();
    }
    if Path::new("/dev/zero").exists() {
        inputs.push("/dev/zero".into());
    }
    for input in inputs {
        dosesim()
            .arg("run")
            .arg(&input)
            .arg("--out")
            .arg(dir.path().join("out"))
            .timeout(std::time::Duration::from_secs(20))
            .assert()
            .failure()
            .code(2)
            .stderr(predicate::str::contains("not a regular file"));
    }
}

#[test]
fn long_names_give_bounded_distinct_file_names() {
    // 400 characters each, differing in the last: a chart named after them
    // would pass the file system's 255-byte limit.
    let (long_a, long_b) = ("x".repeat(400), format!("{}y", "x".repeat(399)));
    let text = format!(
        "[[truth]]\nname = \"{long_a}\"\np_dlt = [0.1, 0.3]\n\
         [[truth]]\nname = \"{long_b}\"\np_dlt = [0.1, 0.35]\n"
    );
    let (dir, path) = scenario(&text);
    let out = dir.path().join("out");
    dosesim()
        .arg("run")
        .arg(&path)
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
    let names: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(names.iter().all(|n| n.len() <= 100), "{names:?}");
    let selection = names
        .iter()
        .filter(|n| n.ends_with("__selection.png"))
        .count();
    assert_eq!(selection, 2, "{names:?}");
    assert!(
        !names.iter().any(|n| n.starts_with(".dosesim-staging")),
        "{names:?}"
    );
    let report = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(
        report.contains("__selection.png"),
        "the report names the chart files"
    );
}

#[test]
fn an_io_error_names_its_cause_once() {
    let missing = repo("no/such/file.toml");
    let out = dosesim().arg("run").arg(&missing).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.matches("os error").count(), 1, "{stderr}");
    assert!(
        stderr.contains("no/such/file.toml: cannot read: "),
        "{stderr}"
    );
}

#[test]
fn an_empty_directory_of_scenarios_is_bad_input() {
    let dir = TempDir::new().unwrap();
    dosesim()
        .arg("run")
        .arg(dir.path())
        .arg("--out")
        .arg(dir.path().join("out"))
        .assert()
        .failure()
        .code(2)
        .stderr(predicate::str::contains("holds no .toml scenario files"));
}

/// The default method is exact for the 3+3 family; `both` adds a self-check.
#[test]
fn methods() {
    let (dir, path) = scenario(SMALL);
    let out = dir.path().join("exact");
    run_quietly(&path, &out, &[]);
    let summary = std::fs::read_to_string(out.join("summary.csv")).unwrap();
    assert!(
        summary.lines().skip(1).all(|l| l.contains(",exact,,,")),
        "{summary}"
    );
    let sizes = std::fs::read_to_string(out.join("sample_size.csv")).unwrap();
    assert!(sizes.starts_with("scenario,truth,design,method,n,probability\n"));
    assert!(!out.join("selfcheck.csv").exists());

    let out = dir.path().join("both");
    dosesim()
        .arg("run")
        .arg(&path)
        .args(["--method", "both", "--out"])
        .arg(&out)
        .assert()
        .success()
        .stdout(
            predicate::str::contains("self-check, Monte Carlo against exact")
                .and(predicate::str::contains("0 beyond 4")),
        );
    let summary = std::fs::read_to_string(out.join("summary.csv")).unwrap();
    assert_eq!(
        summary.lines().count(),
        1 + 2 * 2 * 2,
        "an exact and a Monte Carlo row per pair"
    );
    let checks = std::fs::read_to_string(out.join("selfcheck.csv")).unwrap();
    assert!(checks.lines().count() > 100);
    assert!(
        checks.lines().skip(1).all(|l| l.ends_with(",false")),
        "{checks}"
    );
}

#[test]
fn exact_without_a_file() {
    dosesim()
        .args(["exact", "--p", "0.05,0.1,0.2,0.3", "--preset", "korn"])
        .assert()
        .success()
        .stdout(predicate::str::contains("3+3 korn").and(predicate::str::contains("exact")));
    dosesim()
        .args(["exact", "--p", "0.05,1.5"])
        .assert()
        .failure()
        .code(2)
        .stderr(predicate::str::contains("--p: [1] = 1.5"));
}

/// Every run writes report.html and, per truth, three charts as PNG and SVG;
/// `--no-charts` skips them.
#[test]
fn charts_and_report() {
    let (dir, path) = scenario(SMALL);
    let out = dir.path().join("out");
    run_quietly(&path, &out, &[]);
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains("<svg") && html.contains("steep") && html.contains("flat"));
    for truth in ["steep", "flat"] {
        for chart in ["selection", "patients", "sample-size"] {
            let png = std::fs::read(out.join(format!("small__{truth}__{chart}.png"))).unwrap();
            assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
            let svg =
                std::fs::read_to_string(out.join(format!("small__{truth}__{chart}.svg"))).unwrap();
            assert!(svg.contains("<svg") && svg.trim_end().ends_with("</svg>"));
        }
    }
    let bare = dir.path().join("bare");
    run_quietly(&path, &bare, &["--no-charts"]);
    let files: Vec<_> = std::fs::read_dir(&bare)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    let mut files: Vec<_> = files
        .iter()
        .map(|f| f.to_string_lossy().into_owned())
        .collect();
    files.sort();
    assert_eq!(
        files,
        [
            "comparison.csv",
            "decision_tables.csv",
            "designs.csv",
            "doses.csv",
            "results.json",
            "sample_size.csv",
            "summary.csv"
        ]
    );
}

/// A truth from a toxicity profile is reported with its events.
#[test]
fn toxicity_profiles_are_reported() {
    let out = TempDir::new().unwrap();
    dosesim()
        .arg("run")
        .arg(repo(
            "scenarios/defactinib_avutometinib_toxicity_profile.toml",
        ))
        .args(["--no-charts", "--out"])
        .arg(out.path())
        .assert()
        .success()
        .stdout(predicate::str::contains("p(DLT) = 1 − Π(1 − p_event)"));
    let events = std::fs::read_to_string(out.path().join("events.csv")).unwrap();
    assert!(events.starts_with("scenario,truth,dose,label,event,p_event,p_dlt,share\n"));
    assert_eq!(
        events.lines().count(),
        1 + 2 * 5 * 4,
        "truths × events × doses"
    );
    let json = std::fs::read_to_string(out.path().join("results.json")).unwrap();
    assert!(json.contains("\"grade 3 rash\""));
}

/// Grid-generated truths get their parameters in truths.csv, one row per
/// truth × parameter, and one row per truth in summary.csv.
#[test]
fn grid_truths_are_listed_with_their_parameters() {
    let (dir, path) = scenario(
        r#"
[[grid]]
model = "logistic"
x = [-1.0, 0.0, 1.0]
a = { from = -2.0, to = -1.0, steps = 3 }
b = [1.0, 2.0]
[simulation]
trials = 1000
"#,
    );
    let out = dir.path().join("out");
    run_quietly(&path, &out, &["--no-charts"]);
    let truths = std::fs::read_to_string(out.join("truths.csv")).unwrap();
    let lines: Vec<&str> = truths.lines().collect();
    assert_eq!(lines[0], "scenario,truth,grid,model,parameter,value");
    assert_eq!(lines.len(), 1 + 6 * 2, "{truths}");
    assert_eq!(lines[1], "case,logistic a=-2 b=1,logistic,logistic,a,-2");
    assert_eq!(lines[2], "case,logistic a=-2 b=1,logistic,logistic,b,1");
    let summary = std::fs::read_to_string(out.join("summary.csv")).unwrap();
    assert_eq!(summary.lines().count(), 1 + 6);
}
