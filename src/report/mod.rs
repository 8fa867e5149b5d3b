//! Writing results: the terminal table, tidy CSV files and a JSON record.
//!
//! Files are written whole to a temporary name in the output directory and
//! renamed into place, so a run that fails part-way leaves either the previous
//! file or the new one, never half of one.

mod csv;
pub mod decision_table;
mod json;
mod table;

pub use self::csv::{
    comparison_csv, designs_csv, doses_csv, duration_csv, events_csv, has_time, sample_size_csv,
    selfcheck_csv, summary_csv, truths_csv,
};
pub use self::json::{JsonReadError, RESULTS_SCHEMA, read_json, results_json};
pub(crate) use self::table::render;
pub use self::table::{MAX_TRUTH_TABLES, shows_each_truth, table};

use crate::job::Job;
use crate::run::ScenarioRun;
use std::io::Write;
use std::path::{Path, PathBuf};

/// What the optimal benchmark is, for a run that has one: it is drawn as the
/// reference the designs are measured against, not as a design.
pub fn benchmark_note(run: &ScenarioRun) -> Option<String> {
    let spec = run
        .scenario
        .designs
        .iter()
        .find(|d| d.kind() == "benchmark")?;
    let max_n = spec
        .parameters()
        .into_iter()
        .find(|(key, _)| *key == "max_n")
        .map_or(String::new(), |(_, n)| n);
    let named = if spec.name == "optimal benchmark" {
        String::new()
    } else {
        format!("\"{}\", ", spec.name)
    };
    Some(format!(
        "The optimal benchmark ({named}O'Quigley, Paoletti & Maccario 2002) is the reference, \
         not a design: what {max_n} patients could tell with complete information, each seen \
         at every dose, selecting the dose whose observed DLT rate is closest to the target \
         (so pcs_closest is its PCS). It treats nobody, so its sample size and DLT figures \
         are empty."
    ))
}

/// A scenario's `[timing]` parameters as `key = value, …`.
pub fn timing_text(timing: &crate::time::Timing) -> String {
    let params: Vec<String> = timing
        .parameters()
        .into_iter()
        .map(|(k, v)| format!("{k} = {v}"))
        .collect();
    params.join(", ")
}

/// An output that could not be written.
#[derive(Debug, thiserror::Error)]
#[error("{path}: cannot write")]
pub struct ReportError {
    pub path: PathBuf,
    #[source]
    pub source: std::io::Error,
}

/// The files every run writes; `--method both` adds `selfcheck.csv`, and a
/// scenario with two or more designs `comparison.csv`.
pub const OUTPUT_FILES: [&str; 6] = [
    "summary.csv",
    "designs.csv",
    "decision_tables.csv",
    "doses.csv",
    "sample_size.csv",
    "results.json",
];

/// Runs `write` on a fresh directory inside `dir` and, when it succeeds,
/// moves every file it wrote into `dir`; returns their paths there. A run
/// whose writing fails part-way (a disk full, a name the file system
/// refuses) leaves `dir` as it was: its outputs are all or nothing.
pub fn staged<E: From<ReportError>>(
    dir: &Path,
    write: impl FnOnce(&Path) -> Result<Vec<PathBuf>, E>,
) -> Result<Vec<PathBuf>, E> {
    let staging = tempfile::Builder::new()
        .prefix(".dosesim-staging-")
        .tempdir_in(dir)
        .map_err(|source| ReportError {
            path: dir.to_path_buf(),
            source,
        })?;
    let written = write(staging.path())?;
    let mut moved = Vec::with_capacity(written.len());
    for path in written {
        let target = dir.join(path.file_name().unwrap_or_default());
        std::fs::rename(&path, &target).map_err(|source| ReportError {
            path: target.clone(),
            source,
        })?;
        moved.push(target);
    }
    Ok(moved)
}

/// Creates `dir` if needed and checks that files can be created in it, so a
/// long run fails at the start rather than at the end.
pub fn prepare_dir(dir: &Path) -> Result<(), ReportError> {
    let err = |source| ReportError {
        path: dir.to_path_buf(),
        source,
    };
    std::fs::create_dir_all(dir).map_err(err)?;
    tempfile::NamedTempFile::new_in(dir).map_err(err)?;
    Ok(())
}

/// A temporary file that becomes an ordinary output: readable by others, as
/// a file created with `File::create` would be (tempfile's default is 0600).
fn output_file(dir: &Path) -> std::io::Result<tempfile::NamedTempFile> {
    let mut builder = tempfile::Builder::new();
    builder.prefix(".dosesim-").suffix(".tmp");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o644));
    }
    builder.tempfile_in(dir)
}

/// Writes [`OUTPUT_FILES`] for `runs` of `job` into `dir`, `report.html` when given
/// (see [`crate::html`]), `comparison.csv` when a scenario has two or more
/// designs, `truths.csv` when a truth comes from a `[[grid]]`,
/// `selfcheck.csv` when the runs hold self-checks,
/// `events.csv` when a truth comes from a toxicity profile and
/// `duration.csv` when a run has time figures (`[timing]`); returns the paths.
pub fn write_outputs(
    dir: &Path,
    job: &Job,
    runs: &[ScenarioRun],
    report_html: Option<&str>,
) -> Result<Vec<PathBuf>, ReportError> {
    prepare_dir(dir)?;
    let mut contents = vec![
        ("summary.csv", summary_csv(runs)),
        ("designs.csv", designs_csv(runs)),
        ("decision_tables.csv", decision_tables_csv(runs)),
        ("doses.csv", doses_csv(runs)),
        ("sample_size.csv", sample_size_csv(runs)),
        ("results.json", results_json(job, runs)),
    ];
    if let Some(html) = report_html {
        contents.push(("report.html", html.as_bytes().to_vec()));
    }
    if runs.iter().any(|r| !r.comparisons.is_empty()) {
        contents.push(("comparison.csv", comparison_csv(runs)));
    }
    if runs.iter().any(|r| !r.checks.is_empty()) {
        contents.push(("selfcheck.csv", selfcheck_csv(runs)));
    }
    if runs
        .iter()
        .any(|r| !crate::grid::all_explicit(&r.scenario.truth_origins))
    {
        contents.push(("truths.csv", truths_csv(runs)));
    }
    if runs
        .iter()
        .any(|r| r.scenario.truths.iter().any(|t| !t.events.is_empty()))
    {
        contents.push(("events.csv", events_csv(runs)));
    }
    if has_time(runs) {
        contents.push(("duration.csv", duration_csv(runs)));
    }
    write_files(dir, &contents)
}

/// Every design's decision table, one row per scenario × design × n: the
/// rules a protocol prints next to the operating characteristics.
pub fn decision_tables_csv(runs: &[ScenarioRun]) -> Vec<u8> {
    let tables: Vec<_> = runs
        .iter()
        .flat_map(|run| decision_table::of_scenario(&run.scenario))
        .collect();
    decision_table::csv(&tables)
}

/// Writes each `(name, bytes)` into `dir`: every file is complete in a
/// temporary before the first is renamed into place.
pub fn write_files(dir: &Path, contents: &[(&str, Vec<u8>)]) -> Result<Vec<PathBuf>, ReportError> {
    let mut staged = Vec::new();
    for (name, bytes) in contents {
        let path = dir.join(name);
        let err = |source| ReportError {
            path: path.clone(),
            source,
        };
        let mut tmp = output_file(dir).map_err(err)?;
        tmp.write_all(bytes).map_err(err)?;
        tmp.as_file().sync_all().map_err(err)?;
        staged.push((tmp, path));
    }
    let mut written = Vec::new();
    for (tmp, path) in staged {
        tmp.persist(&path).map_err(|e| ReportError {
            path: path.clone(),
            source: e.error,
        })?;
        written.push(path);
    }
    Ok(written)
}

#[cfg(test)]
mod staging_tests {
    use super::*;

    #[test]
    fn staged_outputs_are_all_or_nothing() {
        let dir = tempfile::TempDir::new().unwrap();
        let write_two = |fail: bool| {
            staged(
                dir.path(),
                |staging: &Path| -> Result<Vec<PathBuf>, ReportError> {
                    let a = staging.join("a.csv");
                    std::fs::write(&a, "a").unwrap();
                    if fail {
                        return Err(ReportError {
                            path: staging.join("b.csv"),
                            source: std::io::Error::other("refused"),
                        });
                    }
                    let b = staging.join("b.csv");
                    std::fs::write(&b, "b").unwrap();
                    Ok(vec![a, b])
                },
            )
        };
        assert!(write_two(true).is_err());
        let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert!(left.is_empty(), "a failed run left {left:?}");
        let written = write_two(false).unwrap();
        assert_eq!(
            written,
            [dir.path().join("a.csv"), dir.path().join("b.csv")]
        );
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 2);
    }
}
