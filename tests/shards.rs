//! `dosesim run --shard I/N` and `dosesim merge`: the merged outputs are byte
//! for byte those of one process, for N = 1, 3 and 4 (and more shards than
//! batches); parts of different runs, duplicates, incomplete sets and
//! tampered parts are refused with a clear error and nothing written.

use assert_cmd::Command;
use predicates::prelude::*;
use std::path::{Path, PathBuf};
use tempfile::TempDir;

fn dosesim() -> Command {
    Command::cargo_bin("dosesim").unwrap()
}

/// Two truths × three designs, five batches of trials.
const SCENARIO: &str = r#"
name = "shards"
doses = ["low", "mid", "high", "top"]
[[truth]]
name = "steep"
p_dlt = [0.05, 0.25, 0.45, 0.6]
[[truth]]
name = "flat"
p_dlt = [0.1, 0.15, 0.2, 0.3]
[[design]]
preset = "storer"
[[design]]
preset = "korn"
[[design]]
name = "4+4"
kind = "A+B"
a = 4
b = 4
c = 1
d = 2
e = 2
[simulation]
trials = 70_000
seed = 99
"#;

struct Setup {
    dir: TempDir,
    scenario: PathBuf,
}

impl Setup {
    fn new() -> Self {
        let dir = TempDir::new().unwrap();
        let scenario = dir.path().join("shards.toml");
        std::fs::write(&scenario, SCENARIO).unwrap();
        Setup { dir, scenario }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// `dosesim run` with `--method both`; `extra` adds flags (a shard).
    fn run(&self, out: &str, extra: &[&str]) {
        dosesim()
            .arg("run")
            .arg(&self.scenario)
            .args(["--method", "both", "-q", "--out"])
            .arg(self.path(out))
            .args(extra)
            .assert()
            .success();
    }

    /// Runs every shard of `count` into `dir`; returns the part files.
    fn shards(&self, dir: &str, count: u32, extra: &[&str]) -> Vec<PathBuf> {
        (0..count)
            .map(|i| {
                let shard = format!("{i}/{count}");
                let mut args = vec!["--shard", &shard];
                args.extend_from_slice(extra);
                self.run(dir, &args);
                let part = self
                    .path(dir)
                    .join(format!("part-{i:03}-of-{count:03}.json"));
                assert!(part.exists(), "{}", part.display());
                part
            })
            .collect()
    }

    fn merge(&self, parts: &[PathBuf], out: &str) -> assert_cmd::assert::Assert {
        dosesim()
            .arg("merge")
            .args(parts)
            .args(["-q", "--out"])
            .arg(self.path(out))
            .assert()
    }
}

/// Every file of `a` is in `b` with the same bytes, and the other way round.
fn assert_same_files(a: &Path, b: &Path) {
    let names = |d: &Path| {
        let mut v: Vec<_> = std::fs::read_dir(d)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        v.sort();
        v
    };
    assert_eq!(names(a), names(b));
    for name in names(a) {
        let (x, y) = (
            std::fs::read(a.join(&name)).unwrap(),
            std::fs::read(b.join(&name)).unwrap(),
        );
        assert!(x == y, "{name:?} differs");
    }
}

#[test]
fn merged_shards_are_byte_identical_to_one_process() {
    let s = Setup::new();
    s.run("single", &[]);
    for count in [1, 3, 4] {
        let parts = s.shards(&format!("parts{count}"), count, &[]);
        let merged = format!("merged{count}");
        // Any order of the parts.
        let mut reversed = parts.clone();
        reversed.reverse();
        s.merge(&reversed, &merged).success();
        assert_same_files(&s.path("single"), &s.path(&merged));
    }
    // The outputs hold what they should: charts, comparisons, self-checks.
    for name in [
        "report.html",
        "comparison.csv",
        "selfcheck.csv",
        "results.json",
    ] {
        assert!(s.path("single").join(name).exists(), "{name}");
    }
}

#[test]
fn many_shards_of_few_batches_merge() {
    // 2 truths × 5 batches of 70 000 trials: 8 shards get 1 or 2 batches each,
    // some cutting a truth's batches in two.
    let s = Setup::new();
    s.run("single", &["--no-charts"]);
    let parts = s.shards("parts", 8, &["--no-charts"]);
    s.merge(&parts, "merged").success();
    let files = ["summary.csv", "doses.csv", "results.json", "comparison.csv"];
    for f in files {
        let read = |dir: &str| std::fs::read(s.path(dir).join(f)).unwrap();
        assert!(read("single") == read("merged"), "{f} differs");
    }
}

/// A part's JSON with its checksum recomputed, as a deliberate editor would.
fn resealed(mut doc: serde_json::Value) -> serde_json::Value {
    let part: dosesim::shard::Part = serde_json::from_value(doc.clone()).unwrap();
    doc["checksum"] = serde_json::json!(part.content_checksum());
    doc
}

#[test]
fn bad_sets_of_parts_are_refused() {
    let s = Setup::new();
    let parts = s.shards("parts", 3, &["--no-charts"]);
    let other_seed = s.shards("seed", 3, &["--no-charts", "--seed", "5"]);
    let four = s.shards("four", 4, &["--no-charts"]);
    let refused = |parts: &[PathBuf], message: &str| {
        s.merge(parts, "out")
            .code(2)
            .stderr(predicate::str::contains(message));
        assert!(!s.path("out").join("summary.csv").exists(), "{message}");
    };
    refused(
        &parts[..2],
        "incomplete: shard(s) 2 of 3 missing (have 0, 1)",
    );
    refused(
        &[
            parts[0].clone(),
            parts[1].clone(),
            parts[1].clone(),
            parts[2].clone(),
        ],
        "are both shard 1/3",
    );
    refused(
        &[parts[0].clone(), parts[1].clone(), other_seed[2].clone()],
        "from a different run than",
    );
    refused(
        &[parts[0].clone(), parts[1].clone(), other_seed[2].clone()],
        "--seed 5 vs not given",
    );
    refused(
        &[parts[0].clone(), four[1].clone()],
        "split into 4 shards vs 3",
    );

    // Not a part: a scenario, a results.json, a truncated part.
    refused(std::slice::from_ref(&s.scenario), "not a dosesim part file");
    s.run("single", &["--no-charts"]);
    refused(
        &[s.path("single").join("results.json")],
        "schema is \"dosesim-results/v2\"",
    );
    let truncated = s.path("truncated.json");
    let text = std::fs::read_to_string(&parts[0]).unwrap();
    std::fs::write(&truncated, &text[..text.len() / 2]).unwrap();
    refused(&[truncated], "not a dosesim part file");

    // A part whose counts were edited: its checksum no longer matches; and
    // where the editor recomputed it, the totals no longer add up.
    let tampered = s.path("tampered");
    std::fs::create_dir(&tampered).unwrap();
    let edited = tampered.join("part-000-of-003.json");
    let write = |doc: &serde_json::Value| {
        std::fs::write(&edited, serde_json::to_vec(doc).unwrap()).unwrap();
    };
    let mut doc: serde_json::Value = serde_json::from_str(&text).unwrap();
    let cells = &mut doc["counts"][0][0]["tallies"][1];
    cells[0][1] = serde_json::json!(cells[0][1].as_u64().unwrap() + 1);
    write(&doc);
    let rest = [parts[1].clone(), parts[2].clone()];
    let with_edited = [&[edited.clone()][..], &rest].concat();
    refused(&with_edited, "its checksum does not match its contents");
    write(&resealed(doc));
    refused(&with_edited, "design \"3+3 korn\": inconsistent counts");
    // The fuzzer's edit: 1000 more DLTs in the last per-dose DLT cell, which
    // every table's total survives but the per-dose DLTs do not.
    let mut doc: serde_json::Value = serde_json::from_str(&text).unwrap();
    let cells = doc["counts"][0][0]["tallies"][1].as_array_mut().unwrap();
    let last = cells.last_mut().unwrap();
    last[1] = serde_json::json!(last[1].as_u64().unwrap() + 1000);
    write(&resealed(doc));
    refused(&with_edited, "its tables disagree with one another");

    // A part from another build of the engine.
    let mut doc: serde_json::Value = serde_json::from_str(&text).unwrap();
    doc["engine"] = serde_json::json!(12345);
    write(&resealed(doc));
    refused(
        &[parts[1].clone(), edited.clone(), parts[2].clone()],
        "built from a different engine",
    );
    refused(&with_edited, "written by a different build of dosesim");

    // Paired sums edited: a sum of squares, then a cross sum.
    for (field, index) in [("sum_sq", 2), ("cross", 0)] {
        let mut doc: serde_json::Value = serde_json::from_str(&text).unwrap();
        let cell = &mut doc["counts"][0][0]["pairs"][field][index];
        *cell = serde_json::json!(cell.as_u64().unwrap() * 1000 + 7);
        write(&resealed(doc));
        refused(&with_edited, "paired sums inconsistent with the tallies");
    }
}

#[test]
fn shard_flag_is_checked() {
    let s = Setup::new();
    for bad in ["3/3", "1/0", "a/b", "2"] {
        dosesim()
            .arg("run")
            .arg(&s.scenario)
            .args(["--shard", bad, "--out"])
            .arg(s.path("out"))
            .assert()
            .code(2)
            .stderr(predicate::str::contains("expected I/N with 0 ≤ I < N"));
    }
}

/// A timed scenario (issue 11): the time tallies travel in the parts, merge
/// to the bytes of one process, `check` re-runs them, and a part whose time
/// figures were dropped is refused.
#[test]
fn timed_runs_shard_merge_and_check() {
    let dir = TempDir::new().unwrap();
    let scenario = dir.path().join("timed.toml");
    let text = r#"
name = "timed"
[[truth]]
p_dlt = [0.05, 0.2, 0.35, 0.5]
[[design]]
preset = "korn"
[[design]]
kind = "rolling6"
[[design]]
kind = "boin"
max_n = 18
[timing]
arrivals = { process = "uniform", min_days = 3, max_days = 20 }
dlt_window_days = 21
dlt_time = { weibull = { shape = 2 } }
when_suspended = "wait"
[simulation]
trials = 40_000
"#;
    std::fs::write(&scenario, text).unwrap();
    let run = |out: &str, extra: &[&str]| {
        dosesim()
            .arg("run")
            .arg(&scenario)
            .args(["-q", "--no-charts", "--out"])
            .arg(dir.path().join(out))
            .args(extra)
            .assert()
            .success();
    };
    run("single", &[]);
    let parts: Vec<PathBuf> = (0..3)
        .map(|i| {
            run("parts", &["--shard", &format!("{i}/3")]);
            dir.path().join(format!("parts/part-{i:03}-of-003.json"))
        })
        .collect();
    dosesim()
        .arg("merge")
        .args(&parts)
        .args(["-q", "--no-charts", "--out"])
        .arg(dir.path().join("merged"))
        .assert()
        .success();
    assert_same_files(&dir.path().join("single"), &dir.path().join("merged"));
    let results = dir.path().join("single/results.json");
    let json = std::fs::read_to_string(&results).unwrap();
    assert!(
        json.contains("mean_duration_days"),
        "no time figures in results.json"
    );
    dosesim().arg("check").arg(&results).assert().success();
    // A part without its time figures, resealed: refused, nothing written.
    let mut doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&parts[0]).unwrap()).unwrap();
    for record in doc["counts"][0].as_array_mut().unwrap() {
        record.as_object_mut().unwrap().remove("times");
    }
    std::fs::write(&parts[0], resealed(doc).to_string()).unwrap();
    dosesim()
        .arg("merge")
        .args(&parts)
        .args(["-q", "--out"])
        .arg(dir.path().join("refused"))
        .assert()
        .failure()
        .stderr(predicate::str::contains("time figures"));
    assert!(!dir.path().join("refused/summary.csv").exists());
}
