//! Charts of operating characteristics, written as PNG and SVG.
//!
//! Three charts per scenario × truth (four on a timed run), each comparing the
//! scenario's designs side by side (one bar per design in every group, or
//! one curve per design):
//!
//! - `selection`: P(dose selected as MTD), "no MTD" as its own group, with the
//!   true P(DLT) of each dose and the target on a secondary axis;
//! - `patients`: E[patients treated] per dose;
//! - `sample-size`: the distribution of the trial's sample size N;
//! - `duration` (timed runs only): the distribution of the trial's duration
//!   in days, as curves of P(trial finished by day t), one per design.
//!
//! Monte Carlo bars carry ±1.96·SE whiskers; exact ones have none. Doses whose
//! true P(DLT) exceeds the target are shaded and their bars hatched. Designs are
//! told apart by fill colours of well-separated lightness (and by patterns past
//! the third design), so the charts survive grey-scale printing; curves by
//! colour and dash.
//!
//! Text is drawn with DejaVu Sans, bundled in `assets/fonts/` and handed to
//! plotters' `ab_glyph` renderer, so no system font library is needed; in
//! bitmaps each glyph is placed by the font's own metrics (see
//! `text::Metrics`).
//!
//! Everything is drawn by backend-generic functions from a plain description
//! of the chart (`charts::BarChart`, `charts::LineChart`), so the PNG and the
//! SVG agree.
//!
//! The module in parts:
//!
//! - this file: the public API, atomic file writing and the `plan` of which
//!   charts a run gets;
//! - `charts`: what to draw, as plain data built from the results (no drawing);
//! - `draw`: layout, style and drawing of a chart on any backend, and the
//!   PNG and SVG entry points;
//! - `axis`: the axes' ranges and ticks;
//! - `text`: the bundled font, its metrics, and the `Painter` that draws text.

mod axis;
mod charts;
mod draw;
mod text;

use crate::rng::Stream;
use crate::run::{PairResult, ScenarioRun};
use crate::summary::Method;
use charts::{Chart, duration_chart, patients_chart, sample_size_chart, selection_chart};
use draw::{render_png, render_svg};
use std::collections::HashSet;
use std::io::Write;
use std::path::{Path, PathBuf};

pub(crate) use charts::group_digits;

/// A chart that could not be drawn or written; `path` names the file.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PlotError {
    #[error("{path}: cannot draw chart: {message}")]
    Draw { path: PathBuf, message: String },
    #[error("{path}: cannot write")]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

/// The charts drawn for each scenario × truth.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChartKind {
    Selection,
    Patients,
    SampleSize,
    /// Timed runs only.
    Duration,
}

impl ChartKind {
    pub const ALL: [ChartKind; 4] = [
        ChartKind::Selection,
        ChartKind::Patients,
        ChartKind::SampleSize,
        ChartKind::Duration,
    ];

    /// The last part of the file name.
    pub fn slug(self) -> &'static str {
        match self {
            ChartKind::Selection => "selection",
            ChartKind::Patients => "patients",
            ChartKind::SampleSize => "sample-size",
            ChartKind::Duration => "duration",
        }
    }

    fn heading(self) -> &'static str {
        match self {
            ChartKind::Selection => "probability of selection as MTD",
            ChartKind::Patients => "patients treated per dose",
            ChartKind::SampleSize => "distribution of the sample size N",
            ChartKind::Duration => "how long the trial takes",
        }
    }
}

/// One chart as SVG text, for a report that inlines it.
#[derive(Debug, Clone, PartialEq)]
pub struct SvgChart {
    /// Index into the scenario's truths.
    pub truth: usize,
    pub kind: ChartKind,
    /// File name without extension: `<scenario>__<truth>__<chart>`.
    pub stem: String,
    /// Title and subtitle, as drawn.
    pub title: String,
    pub subtitle: String,
    pub svg: String,
}

/// `name` reduced to `[a-z0-9-]`: lower case, every other run of characters
/// one `-`, none at either end; `"x"` if nothing is left.
pub fn slug(name: &str) -> String {
    let out = full_slug(name);
    // File names are bounded (255 bytes on most systems, and a chart's name
    // joins a scenario's and a truth's): a long slug keeps its start and
    // gains a hash of the whole name, so distinct names stay distinct. The
    // report names each chart's files under it.
    const MAX_SLUG: usize = 60;
    if out.len() <= MAX_SLUG {
        return out;
    }
    let hash = name.bytes().fold(Stream::new(name.len() as u64), |h, b| {
        Stream::new(h.at(u64::from(b)))
    });
    let start = out[..MAX_SLUG - 9].trim_end_matches('-');
    format!("{start}-{:08x}", hash.at(0) >> 32)
}

/// `name` in lower-case ASCII letters and digits, other runs as one `-`.
fn full_slug(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    if out.is_empty() { "x".into() } else { out }
}

/// Writes every chart of `run` into `dir` (created if missing) as PNG and SVG;
/// returns the paths written. Each file goes to a temporary name first and is
/// renamed into place, so a failure never leaves half a file.
pub fn write_charts(run: &ScenarioRun, dir: &Path) -> Result<Vec<PathBuf>, PlotError> {
    std::fs::create_dir_all(dir).map_err(|source| PlotError::Write {
        path: dir.to_path_buf(),
        source,
    })?;
    let mut written = Vec::new();
    for (_, _, stem, chart) in plan(run) {
        let png = dir.join(format!("{stem}.png"));
        let tmp = temp_file(dir, ".png", &png)?;
        render_png(&chart, tmp.path()).map_err(|message| PlotError::Draw {
            path: png.clone(),
            message,
        })?;
        persist(tmp, &png)?;
        written.push(png);

        let svg = dir.join(format!("{stem}.svg"));
        let text = render_svg(&chart).map_err(|message| PlotError::Draw {
            path: svg.clone(),
            message,
        })?;
        let mut tmp = temp_file(dir, ".svg", &svg)?;
        tmp.write_all(text.as_bytes())
            .map_err(|source| PlotError::Write {
                path: svg.clone(),
                source,
            })?;
        persist(tmp, &svg)?;
        written.push(svg);
    }
    Ok(written)
}

/// Every chart of `run` as SVG text, in the order [`write_charts`] writes them
/// (truth by truth, [`ChartKind::ALL`] within a truth).
pub fn chart_svgs(run: &ScenarioRun) -> Result<Vec<SvgChart>, PlotError> {
    plan(run)
        .into_iter()
        .map(|(truth, kind, stem, chart)| {
            let svg = render_svg(&chart).map_err(|message| PlotError::Draw {
                path: PathBuf::from(format!("{stem}.svg")),
                message,
            })?;
            Ok(SvgChart {
                truth,
                kind,
                stem,
                title: chart.title().to_string(),
                subtitle: chart.subtitle().to_string(),
                svg,
            })
        })
        .collect()
}

// ---------------------------------------------------------------------------
// Files

/// A temporary file next to `target`, readable by others once renamed (as a
/// file from `File::create` would be; tempfile's default is 0600).
fn temp_file(
    dir: &Path,
    suffix: &str,
    target: &Path,
) -> Result<tempfile::NamedTempFile, PlotError> {
    let mut builder = tempfile::Builder::new();
    // The suffix tells the PNG encoder the format.
    builder.prefix(".dosesim-").suffix(suffix);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o644));
    }
    builder.tempfile_in(dir).map_err(|source| PlotError::Write {
        path: target.to_path_buf(),
        source,
    })
}

/// Flushes `tmp` to disk and renames it to `path`.
fn persist(tmp: tempfile::NamedTempFile, path: &Path) -> Result<(), PlotError> {
    let err = |source| PlotError::Write {
        path: path.to_path_buf(),
        source,
    };
    // The PNG encoder wrote through its own handle to the same file.
    tmp.as_file().sync_all().map_err(err)?;
    tmp.persist(path).map_err(|e| err(e.error))?;
    Ok(())
}

// ---------------------------------------------------------------------------
// Which charts a run gets

/// Every chart of `run`: (truth, kind, file stem, chart).
fn plan(run: &ScenarioRun) -> Vec<(usize, ChartKind, String, Chart)> {
    let s = &run.scenario;
    let scenario = slug(&s.name);
    let mut out = Vec::new();
    if !crate::report::shows_each_truth(run) {
        return out;
    }
    for (t, truth_slug) in truth_slugs(run).into_iter().enumerate() {
        let results = shown_results(run, t);
        if results.is_empty() {
            continue;
        }
        // The benchmark treats nobody: it has a selection, no patients.
        let treating: Vec<&PairResult> = results
            .iter()
            .copied()
            .filter(|r| r.oc.mean_n.is_applicable())
            .collect();
        for kind in ChartKind::ALL {
            let chart = match kind {
                ChartKind::Selection => Chart::Bars(selection_chart(run, t, &results)),
                ChartKind::Duration => match duration_chart(run, t) {
                    Some(chart) => Chart::Lines(chart),
                    None => continue,
                },
                _ if treating.is_empty() => continue,
                ChartKind::Patients => Chart::Bars(patients_chart(run, t, &treating)),
                ChartKind::SampleSize => Chart::Bars(sample_size_chart(run, t, &treating)),
            };
            let stem = format!("{scenario}__{truth_slug}__{}", kind.slug());
            out.push((t, kind, stem, chart));
        }
    }
    out
}

/// The results charted for truth `t`: one per design, in design order; the
/// exact one where a design has both (`--method both`).
pub(crate) fn shown_results(run: &ScenarioRun, t: usize) -> Vec<&PairResult> {
    let mut shown: Vec<&PairResult> = Vec::new();
    for r in run.results.iter().filter(|r| r.truth == t) {
        match shown.iter_mut().find(|s| s.design == r.design) {
            Some(s) if r.oc.method == Method::Exact => *s = r,
            Some(_) => {}
            None => shown.push(r),
        }
    }
    shown
}

/// Truth slugs, made unique within the scenario (`a b` and `a-b` would clash).
fn truth_slugs(run: &ScenarioRun) -> Vec<String> {
    let mut seen = HashSet::new();
    run.scenario
        .truths
        .iter()
        .map(|t| {
            let base = slug(&t.name);
            let mut candidate = base.clone();
            let mut i = 2;
            while !seen.insert(candidate.clone()) {
                candidate = format!("{base}-{i}");
                i += 1;
            }
            candidate
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_keep_only_lowercase_letters_digits_and_dashes() {
        assert_eq!(
            slug("Defactinib 400 mg BID + <Avu>"),
            "defactinib-400-mg-bid-avu"
        );
        assert_eq!(slug("  --  "), "x");
        assert_eq!(slug("Émile"), "mile");
        assert_eq!(slug("a__b"), "a-b");
    }
}
