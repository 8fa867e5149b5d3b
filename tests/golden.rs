//! CI regression mode: `dosesim check` on the committed golden results of
//! the bundled scenarios (tests/golden/, written by regenerate.sh there)
//! finds every figure identical, and fails — exit 1 and a readable table —
//! when a figure is perturbed beyond tolerance.

use assert_cmd::Command;
use dosesim::check::{Recorded, Verdict, check};
use predicates::prelude::*;
use serde_json::Value;
use std::path::{Path, PathBuf};
use tempfile::TempDir;

fn golden() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden");
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    files
}

fn dosesim() -> Command {
    Command::cargo_bin("dosesim").unwrap()
}

#[test]
fn golden_results_are_reproduced_to_the_bit() {
    let files = golden();
    assert!(files.len() >= 6, "golden files: {files:?}");
    for path in files {
        let recorded = Recorded::read(&path).unwrap();
        let report = check(&path, &recorded, 4.0, &|_| {}).unwrap();
        assert!(
            report.passed(),
            "{}:\n{}",
            path.display(),
            report.render(4.0, 20)
        );
        assert!(
            report.figures > 100,
            "{}: {} figures",
            path.display(),
            report.figures
        );
        assert_eq!(
            report.identical,
            report.figures,
            "{}: not bit-identical:\n{}",
            path.display(),
            report.render(4.0, 20)
        );
    }
}

/// A copy of the textbook golden file, edited by `edit`.
fn perturbed(edit: impl FnOnce(&mut Value)) -> (TempDir, PathBuf) {
    let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden/textbook_cases.json");
    let mut doc: Value = serde_json::from_slice(&std::fs::read(source).unwrap()).unwrap();
    edit(&mut doc);
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("results.json");
    std::fs::write(&path, serde_json::to_vec_pretty(&doc).unwrap()).unwrap();
    (dir, path)
}

/// The `index`-th result with method `method` of the first scenario.
fn result<'a>(doc: &'a mut Value, method: &str, index: usize) -> &'a mut Value {
    doc["scenarios"][0]["results"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .filter(|r| r["oc"]["method"] == method)
        .nth(index)
        .unwrap()
}

/// Moves `figure` of a result by `by` standard errors (or by `by` if exact).
fn shift(r: &mut Value, figure: &str, by: f64) {
    let e = &mut r["oc"][figure];
    let se = e["se"].as_f64().unwrap();
    let step = if se > 0.0 { by * se } else { by };
    e["value"] = (e["value"].as_f64().unwrap() + step).into();
}

#[test]
fn the_unchanged_golden_file_passes_on_the_command_line() {
    let path = &golden()[0];
    dosesim()
        .arg("check")
        .arg(path)
        .assert()
        .success()
        .stdout(predicate::str::contains("PASS: "))
        .stdout(predicate::str::contains("0 moved"));
}

#[test]
fn a_figure_moved_beyond_tolerance_fails_with_a_table() {
    let (_dir, path) = perturbed(|doc| {
        shift(result(doc, "mc", 1), "pcs", -10.0);
        shift(result(doc, "exact", 2), "mean_n", 1e-6);
    });
    dosesim()
        .arg("check")
        .arg(&path)
        .assert()
        .code(1)
        .stdout(predicate::str::contains("MOVED"))
        .stdout(predicate::str::contains("3+3 korn (mc)"))
        .stdout(predicate::str::contains("pcs"))
        // 10 SE of one of two equal errors: z = 10/√2.
        .stdout(predicate::str::contains("7.07"))
        .stdout(predicate::str::contains("3+3 strict (exact)"))
        .stdout(predicate::str::contains("mean_n"))
        .stdout(predicate::str::contains("FAIL: "))
        .stdout(predicate::str::contains("2 moved"));

    // The library says the same, figure by figure.
    let recorded = Recorded::read(&path).unwrap();
    let report = check(&path, &recorded, 4.0, &|_| {}).unwrap();
    let moved: Vec<_> = report
        .differences
        .iter()
        .filter(|d| d.verdict == Verdict::Moved)
        .map(|d| d.figure.as_str())
        .collect();
    assert_eq!(moved, ["pcs", "mean_n"]);
}

#[test]
fn a_small_monte_carlo_move_is_within_tolerance() {
    let (_dir, path) = perturbed(|doc| shift(result(doc, "mc", 0), "mean_dlt", 1.0));
    dosesim()
        .arg("check")
        .arg(&path)
        .assert()
        .success()
        .stdout(predicate::str::contains("within"))
        .stdout(predicate::str::contains("1 within tolerance"));
    // A tighter tolerance turns it into a failure.
    dosesim()
        .args(["check", "--tolerance", "0.5"])
        .arg(&path)
        .assert()
        .code(1);
}

#[test]
fn a_missing_result_fails() {
    let (_dir, path) = perturbed(|doc| {
        doc["scenarios"][0]["results"]
            .as_array_mut()
            .unwrap()
            .remove(0);
    });
    dosesim()
        .arg("check")
        .arg(&path)
        .assert()
        .code(1)
        .stdout(predicate::str::contains("MISSING"))
        .stdout(predicate::str::contains(
            "3+3 storer (exact): not in the recorded results",
        ));
}

#[test]
fn a_file_that_is_not_a_results_json_is_bad_input() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("x.json");
    std::fs::write(&path, "{\"schema\": \"other\"}").unwrap();
    dosesim()
        .arg("check")
        .arg(&path)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("not a dosesim results.json"));
    dosesim()
        .arg("check")
        .arg(dir.path().join("absent.json"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("cannot read"));
    for tolerance in ["0", "inf", "1e400", "NaN"] {
        dosesim()
            .args(["check", "--tolerance", tolerance])
            .arg(&golden()[0])
            .assert()
            .code(2)
            .stderr(predicate::str::contains("--tolerance"));
    }
}

#[test]
fn a_moved_standard_deviation_fails() {
    let (_dir, path) = perturbed(|doc| {
        let oc = &mut result(doc, "exact", 1)["oc"];
        let sd = oc["sd_n"].as_f64().unwrap();
        oc["sd_n"] = serde_json::json!(sd + 0.01);
    });
    dosesim()
        .arg("check")
        .arg(&path)
        .assert()
        .code(1)
        .stdout(predicate::str::contains("sd_n"))
        .stdout(predicate::str::contains("1 moved"));
}

#[test]
fn a_moved_paired_difference_fails() {
    let (_dir, path) = perturbed(|doc| {
        let c = doc["scenarios"][0]["comparisons"]
            .as_array_mut()
            .unwrap()
            .iter_mut()
            .find(|c| c["method"] == "mc" && c["figure"] == "mean_n")
            .unwrap();
        c["se_paired"] = (c["se_paired"].as_f64().unwrap() / 100.0).into();
    });
    dosesim()
        .arg("check")
        .arg(&path)
        .assert()
        .code(1)
        .stdout(predicate::str::contains("3+3 storer − 3+3 korn (mc)"))
        .stdout(predicate::str::contains("diff[mean_n]"))
        .stdout(predicate::str::contains("1 moved"));
}

#[test]
fn an_edited_job_is_bad_input() {
    for trials in [0u64, 2_000_000_000_000] {
        let (_dir, path) = perturbed(|doc| doc["job"]["overrides"]["trials"] = trials.into());
        dosesim()
            .arg("check")
            .arg(&path)
            .assert()
            .code(2)
            .stderr(predicate::str::contains("job.overrides.trials"));
    }
}

/// A results file of the previous schema (before stop reasons and designs of
/// every family) is refused with a plain answer, not a missing-field error.
#[test]
fn a_results_file_of_an_older_schema_is_refused_clearly() {
    let (_dir, path) = perturbed(|doc| doc["schema"] = "dosesim-results/v1".into());
    dosesim()
        .arg("check")
        .arg(&path)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "schema is \"dosesim-results/v1\": another version of dosesim wrote it",
        ));
}

#[test]
fn names_holding_separators_check_clean() {
    // "a / b" × "c" and "a" × "b / c" join to the same string.
    let dir = TempDir::new().unwrap();
    let scenario = dir.path().join("names.toml");
    std::fs::write(
        &scenario,
        "[[truth]]\nname = \"a / b\"\np_dlt = [0.1, 0.3]\n\
         [[truth]]\nname = \"a\"\np_dlt = [0.2, 0.4]\n\
         [[design]]\nname = \"c\"\npreset = \"korn\"\n\
         [[design]]\nname = \"b / c\"\npreset = \"strict\"\n",
    )
    .unwrap();
    let out = dir.path().join("out");
    dosesim()
        .arg("run")
        .arg(&scenario)
        .args([
            "--method",
            "both",
            "--trials",
            "2000",
            "--no-charts",
            "-q",
            "--out",
        ])
        .arg(&out)
        .assert()
        .success();
    dosesim()
        .arg("check")
        .arg(out.join("results.json"))
        .assert()
        .success()
        .stdout(predicate::str::contains("0 moved"));
}
