//! `dosesim table` and `decision_tables.csv`: the printed tables equal the
//! shared reference (`tests/data/validation-designs/decision_tables.json`,
//! from R's BOIN and FIND) cell by cell, the 3+3 prints its two rows, every
//! format carries its header and legend, bad flags are named, and every run
//! writes the tables of its designs.

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;
use std::path::Path;
use tempfile::TempDir;

fn dosesim() -> Command {
    Command::cargo_bin("dosesim").unwrap()
}

const COLUMNS: &str = "scenario,design,kind,target,n,escalate_if_dlt_le,deescalate_if_dlt_ge,eliminate_if_dlt_ge,decisions";

/// The records of a CSV text, header first.
fn records(text: &str) -> Vec<Vec<String>> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.as_bytes())
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect()
}

fn stdout(cmd: &mut Command) -> String {
    let out = cmd.assert().success().get_output().stdout.clone();
    String::from_utf8(out).unwrap()
}

/// A JSON bound: a number, or null for "no y qualifies" (empty in the CSV).
fn bound(v: &Value) -> String {
    v.as_u64().map_or(String::new(), |b| b.to_string())
}

#[test]
fn csv_equals_the_reference_tables_cell_by_cell() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/validation-designs/decision_tables.json");
    let reference: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let tables = reference["tables"].as_array().unwrap();
    assert_eq!(tables.len(), 6, "two targets × three designs");
    let mut cells = 0;
    for table in tables {
        let kind = table["kind"].as_str().unwrap();
        let target = table["params"]["target"].as_str().unwrap();
        let label = match kind {
            "boin" => "BOIN",
            "mtpi2" => "mTPI-2",
            _ => "i3+3",
        };
        let text = stdout(dosesim().args([
            "table", "--design", kind, "--target", target, "--format", "csv",
        ]));
        let got = records(&text);
        assert_eq!(got[0].join(","), COLUMNS);
        let rows = table["rows"].as_array().unwrap();
        assert_eq!(got.len(), 1 + rows.len(), "{kind} {target}: n = 1..36");
        assert_eq!(rows.len(), 36);
        for (want, got) in rows.iter().zip(&got[1..]) {
            let want = [
                String::new(),
                label.to_string(),
                kind.to_string(),
                target.to_string(),
                want["n"].to_string(),
                bound(&want["escalate_if_dlt_le"]),
                bound(&want["deescalate_if_dlt_ge"]),
                bound(&want["eliminate_if_dlt_ge"]),
                want["decisions"].as_str().unwrap().to_string(),
            ];
            for (column, (w, g)) in COLUMNS.split(',').zip(want.iter().zip(got)) {
                assert_eq!(g, w, "{kind} target {target} n = {}: {column}", got[4]);
                cells += 1;
            }
        }
    }
    assert_eq!(cells, 6 * 36 * 9);
}

#[test]
fn three_plus_three_has_two_rows() {
    let text = stdout(dosesim().args(["table", "--design", "3+3", "--format", "csv"]));
    assert_eq!(
        text,
        format!("{COLUMNS}\n,3+3,3+3,,3,0,2,2,ESUU\n,3+3,3+3,,6,1,2,2,EEUUUUU\n")
    );
    // It ignores the interval designs' flags, and says so.
    dosesim()
        .args(["table", "--design", "3+3", "--max-n", "35"])
        .assert()
        .success()
        .stdout(predicate::str::contains("EEUUUUU"))
        .stderr(predicate::str::contains("does not depend on"));
}

#[test]
fn text_and_markdown_have_header_and_legend() {
    let legend = "E escalate, S stay, D de-escalate, U eliminate";
    let text = stdout(dosesim().args(["table", "--design", "boin"]));
    for want in [
        "BOIN (boin), target 0.3, cohorts of 3",
        "escalate if DLTs ≤",
        "de-escalate if DLTs ≥",
        "eliminate if DLTs ≥",
        legend,
    ] {
        assert!(text.contains(want), "text lacks {want:?}:\n{text}");
    }
    // n = 3: escalate on 0, de-escalate on 2, eliminate on 3 (BOIN, 0.3).
    assert!(
        text.lines()
            .any(|l| l.split_whitespace().eq(["3", "0", "2", "3", "ESDU"])),
        "{text}"
    );
    let md = stdout(dosesim().args(["table", "--design", "mtpi2", "--format", "markdown"]));
    assert!(
        md.contains("| n | escalate if DLTs ≤ | de-escalate if DLTs ≥ | eliminate if DLTs ≥ |")
    );
    assert!(md.contains("|---:|"));
    assert!(md.contains(legend), "{md}");
    assert_eq!(md.lines().filter(|l| l.starts_with("| ")).count(), 1 + 36);
}

#[test]
fn help_teaches() {
    dosesim()
        .args(["table", "--help"])
        .assert()
        .success()
        .stdout(
            predicate::str::contains("dosesim table --design boin")
                .and(predicate::str::contains("U  eliminate"))
                .and(predicate::str::contains("full_boundary_tab"))
                .and(predicate::str::contains("FIND"))
                .and(predicate::str::contains("ignores --target")),
        );
}

#[test]
fn bad_flags_exit_2_naming_the_flag() {
    for (args, flag) in [
        (&["--design", "boin", "--target", "0.5"][..], "--target"),
        (&["--design", "boin", "--target", "0"][..], "--target"),
        (&["--design", "i3+3", "--target", "-0.1"][..], "--target"),
        (&["--design", "boin", "--max-n", "35"][..], "--max-n"),
        (
            &["--design", "mtpi2", "--cohort-size", "0"][..],
            "--cohort-size",
        ),
        (
            &["--design", "boin", "--cohort-size", "4", "--max-n", "30"][..],
            "--max-n",
        ),
        (&["--design", "crm"][..], "--design"),
        (&["--design", "boin", "--format", "pdf"][..], "--format"),
    ] {
        dosesim()
            .arg("table")
            .args(args)
            .assert()
            .failure()
            .code(2)
            .stdout("")
            .stderr(predicate::str::contains(flag));
    }
    // Neither a design nor a file; both.
    dosesim().arg("table").assert().failure().code(2);
    dosesim()
        .args(["table", "x.toml", "--design", "boin"])
        .assert()
        .failure()
        .code(2);
    dosesim()
        .args(["table", "no/such/file.toml"])
        .assert()
        .failure()
        .code(2)
        .stderr(predicate::str::contains("no/such/file.toml"));
}

const SCENARIO: &str = r#"
name = "tables"
target = 0.25
doses = ["a", "b", "c"]
[[truth]]
name = "t"
p_dlt = [0.1, 0.25, 0.4]
[[design]]
preset = "korn"
[[design]]
name = "BOIN 12"
kind = "boin"
max_n = 12
"#;

/// The rows a BOIN with target 0.25 must have, from the reference.
fn reference_boin_025(max_n: usize) -> Vec<(String, String, String, String)> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/validation-designs/decision_tables.json");
    let reference: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let table = reference["tables"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["kind"] == "boin" && t["params"]["target"] == "0.25")
        .unwrap();
    table["rows"].as_array().unwrap()[..max_n]
        .iter()
        .map(|r| {
            (
                bound(&r["escalate_if_dlt_le"]),
                bound(&r["deescalate_if_dlt_ge"]),
                bound(&r["eliminate_if_dlt_ge"]),
                r["decisions"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn run_writes_decision_tables_csv() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("tables.toml");
    std::fs::write(&path, SCENARIO).unwrap();
    let out = dir.path().join("out");
    dosesim()
        .arg("run")
        .arg(&path)
        .args(["-q", "--out"])
        .arg(&out)
        .assert()
        .success();
    let text = std::fs::read_to_string(out.join("decision_tables.csv")).unwrap();
    let rows = records(&text);
    assert_eq!(rows[0].join(","), COLUMNS);
    assert_eq!(rows.len(), 1 + 2 + 12, "3+3: two rows; BOIN: n = 1..12");
    assert_eq!(rows[1].join(","), "tables,3+3 korn,3+3,,3,0,2,2,ESUU");
    assert_eq!(rows[2].join(","), "tables,3+3 korn,3+3,,6,1,2,2,EEUUUUU");
    for (i, want) in reference_boin_025(12).into_iter().enumerate() {
        let got = &rows[3 + i];
        assert_eq!(
            got[..5],
            ["tables", "BOIN 12", "boin", "0.25", &(i + 1).to_string()]
        );
        assert_eq!(
            (&got[5], &got[6], &got[7], &got[8]),
            (&want.0, &want.1, &want.2, &want.3)
        );
    }
    // `dosesim table FILE --format csv` prints the same file.
    let printed = stdout(dosesim().arg("table").arg(&path).args(["--format", "csv"]));
    assert_eq!(printed, text);
    // The report shows them; 12 rows of BOIN are short enough to show whole.
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains("<h3>Decision tables</h3>"));
    assert!(html.contains("<caption>BOIN 12</caption>"));
    assert!(html.contains("<code>EEUUUUU</code>"));
}

#[test]
fn report_shortens_long_tables_to_whole_cohorts() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("long.toml");
    std::fs::write(
        &path,
        SCENARIO
            .replace("max_n = 12", "max_n = 36")
            .replace("name = \"BOIN 12\"", "name = \"<BOIN & co>\""),
    )
    .unwrap();
    let out = dir.path().join("out");
    dosesim()
        .arg("run")
        .arg(&path)
        .args(["-q", "--out"])
        .arg(&out)
        .assert()
        .success();
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    let start = html
        .find("<caption>&lt;BOIN &amp; co&gt;</caption>")
        .unwrap();
    let table = &html[start..start + html[start..].find("</table>").unwrap()];
    assert_eq!(
        table.matches("<tr>").count(),
        1 + 12,
        "header + n = 3, 6, …, 36"
    );
    assert!(html.contains("decision_tables.csv has every n"));
    let csv = std::fs::read_to_string(out.join("decision_tables.csv")).unwrap();
    assert_eq!(csv.lines().count(), 1 + 2 + 36);
}
