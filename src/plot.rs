//! Charts of operating characteristics, written as PNG and SVG.
//!
//! Three charts per scenario × truth, each comparing the scenario's designs
//! side by side (one bar per design in every group):
//!
//! - `selection`: P(dose selected as MTD), "no MTD" as its own group, with the
//!   true P(DLT) of each dose and the target on a secondary axis;
//! - `patients`: E[patients treated] per dose;
//! - `sample-size`: the distribution of the trial's sample size N.
//!
//! Monte Carlo bars carry ±1.96·SE whiskers; exact ones have none. Doses whose
//! true P(DLT) exceeds the target are shaded and their bars hatched. Designs are
//! told apart by fill colours of well-separated lightness (and by patterns past
//! the third design), so the charts survive grey-scale printing.
//!
//! Text is drawn with DejaVu Sans, bundled in `assets/fonts/` and handed to
//! plotters' `ab_glyph` renderer, so no system font library is needed; in
//! bitmaps each glyph is placed by the font's own metrics (see `Metrics`).
//!
//! Everything is drawn by one backend-generic function from a plain
//! description of the chart (`BarChart`), so the PNG and the SVG agree.

use crate::run::{PairResult, ScenarioRun};
use crate::scenario::DesignSpec;
use crate::summary::{Estimate, Method};
use plotters::chart::DualCoordChartContext;
use plotters::coord::Shift;
use plotters::coord::ranged1d::{DefaultFormatting, KeyPointHint};
use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use std::collections::HashSet;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// DejaVu Sans 2.37 (Bitstream Vera licence, see assets/fonts/LICENSE-DejaVu.txt).
const FONT: &[u8] = include_bytes!("../assets/fonts/DejaVuSans.ttf");

/// A chart that could not be drawn or written; `path` names the file.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PlotError {
    #[error("{path}: cannot draw chart: {message}")]
    Draw { path: PathBuf, message: String },
    #[error("{path}: cannot write: {source}")]
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
}

impl ChartKind {
    pub const ALL: [ChartKind; 3] = [
        ChartKind::Selection,
        ChartKind::Patients,
        ChartKind::SampleSize,
    ];

    /// The last part of the file name.
    pub fn slug(self) -> &'static str {
        match self {
            ChartKind::Selection => "selection",
            ChartKind::Patients => "patients",
            ChartKind::SampleSize => "sample-size",
        }
    }

    fn heading(self) -> &'static str {
        match self {
            ChartKind::Selection => "probability of selection as MTD",
            ChartKind::Patients => "patients treated per dose",
            ChartKind::SampleSize => "distribution of the sample size N",
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
                title: chart.title,
                subtitle: chart.subtitle,
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
// What to draw: plain data, independent of the backend.

/// One design's bars: a value (and its standard error) per group.
struct Series {
    label: String,
    values: Vec<f64>,
    se: Vec<f64>,
}

/// The true dose–toxicity curve over the bars, on a 0–1 secondary axis.
struct Overlay {
    /// True P(DLT) per group; `None` where the group is not a dose.
    p_true: Vec<Option<f64>>,
    target: f64,
}

/// A grouped bar chart: one group per x category, one bar per series in each.
struct BarChart {
    title: String,
    subtitle: String,
    x_desc: &'static str,
    y_desc: &'static str,
    groups: Vec<String>,
    /// Groups to highlight: doses whose true P(DLT) exceeds the target.
    overdose: Vec<bool>,
    series: Vec<Series>,
    overlay: Option<Overlay>,
    /// The y axis is a probability: never above 1.
    probability: bool,
}

/// Every chart of `run`: (truth, kind, file stem, chart).
fn plan(run: &ScenarioRun) -> Vec<(usize, ChartKind, String, BarChart)> {
    let s = &run.scenario;
    let scenario = slug(&s.name);
    let mut out = Vec::new();
    for (t, truth_slug) in truth_slugs(run).into_iter().enumerate() {
        let results = shown_results(run, t);
        if results.is_empty() {
            continue;
        }
        for kind in ChartKind::ALL {
            let chart = match kind {
                ChartKind::Selection => selection_chart(run, t, &results),
                ChartKind::Patients => patients_chart(run, t, &results),
                ChartKind::SampleSize => sample_size_chart(run, t, &results),
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

/// A design's name, with its preset or kind when the name does not say it.
pub(crate) fn design_label(spec: &DesignSpec) -> String {
    let lower = spec.name.to_lowercase();
    match spec.preset {
        Some(p) if !lower.contains(p.name()) => format!("{} ({p})", spec.name),
        None if !lower.contains(&spec.kind.to_lowercase()) => {
            format!("{} ({})", spec.name, spec.kind)
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
pub(crate) fn method_text(result: &PairResult) -> String {
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
pub(crate) fn methods_text(results: &[&PairResult]) -> String {
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
    let whiskers = if results.iter().any(|r| r.oc.method == Method::Mc) {
        "; whiskers ±1.96 SE"
    } else {
        ""
    };
    let subtitle = format!(
        "{designs} · {}{whiskers} · target P(DLT) {}",
        methods_text(results),
        s.target
    );
    (title, subtitle)
}

fn values(estimates: impl Iterator<Item = Estimate>) -> (Vec<f64>, Vec<f64>) {
    estimates.map(|e| (e.value, e.se)).unzip()
}

fn selection_chart(run: &ScenarioRun, t: usize, results: &[&PairResult]) -> BarChart {
    let s = &run.scenario;
    let p = &s.truths[t].p_dlt;
    let (title, subtitle) = titles(run, t, results, ChartKind::Selection);
    let series = results
        .iter()
        .map(|r| {
            let (values, se) =
                values(std::iter::once(r.oc.p_none).chain(r.oc.doses.iter().map(|d| d.p_select)));
            let label = format!(
                "{}: PCS {:.3}",
                series_label(run, results, r),
                r.oc.pcs.value
            );
            Series { label, values, se }
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

fn patients_chart(run: &ScenarioRun, t: usize, results: &[&PairResult]) -> BarChart {
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
            Series { label, values, se }
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

fn sample_size_chart(run: &ScenarioRun, t: usize, results: &[&PairResult]) -> BarChart {
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
            Series { label, values, se }
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

// ---------------------------------------------------------------------------
// Rendering

type Drawn<T = ()> = Result<T, Box<dyn std::error::Error + Send + Sync>>;

/// Registers the bundled font once; every later call sees the first outcome.
fn ensure_font() -> Result<(), String> {
    static REGISTERED: OnceLock<bool> = OnceLock::new();
    let ok = *REGISTERED.get_or_init(|| {
        plotters::style::register_font("sans-serif", FontStyle::Normal, FONT).is_ok()
    });
    if ok {
        Ok(())
    } else {
        Err("the bundled font DejaVuSans.ttf cannot be read".into())
    }
}

fn render_png(chart: &BarChart, path: &Path) -> Result<(), String> {
    ensure_font()?;
    let root = BitMapBackend::new(path, chart.size()).into_drawing_area();
    draw(
        &Painter {
            root: &root,
            bitmap: true,
        },
        chart,
    )
    .map_err(|e| e.to_string())?;
    root.present().map_err(|e| e.to_string())
}

fn render_svg(chart: &BarChart) -> Result<String, String> {
    ensure_font()?;
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, chart.size()).into_drawing_area();
        draw(
            &Painter {
                root: &root,
                bitmap: false,
            },
            chart,
        )
        .map_err(|e| e.to_string())?;
        root.present().map_err(|e| e.to_string())?;
    }
    Ok(with_title(
        svg,
        &format!("{} — {}", chart.title, chart.subtitle),
    ))
}

/// Adds a `<title>` (read by screen readers, shown on hover) after the
/// opening `<svg …>` tag.
fn with_title(svg: String, title: &str) -> String {
    let Some(end) = svg.find('>') else {
        return svg;
    };
    let mut escaped = String::new();
    for c in title.chars() {
        match c {
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '&' => escaped.push_str("&amp;"),
            c => escaped.push(c),
        }
    }
    format!(
        "{}\n<title>{escaped}</title>{}",
        &svg[..=end],
        &svg[end + 1..]
    )
}

// ---------------------------------------------------------------------------
// Text

/// Horizontal metrics of the bundled font, read from its `hhea`, `hmtx` and
/// `cmap` tables.
///
/// plotters 0.3.7's `ab_glyph` renderer starts each glyph at the left edge of
/// its ink, dropping the side bearing, so bitmap text comes out unevenly
/// spaced ("3+ 3", "whi skers"). Bitmap text is therefore drawn a glyph at a
/// time, each at its pen position plus its bearing, as the font states them.
struct Metrics {
    font: &'static [u8],
    hmtx: usize,
    long_metrics: usize,
    /// The format-4 (Unicode BMP) character map.
    cmap: usize,
    /// Ascent − descent in font units: ab_glyph scales it to the font size.
    height: f64,
}

fn be16(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_be_bytes(b.get(at..at + 2)?.try_into().ok()?))
}

fn be32(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

impl Metrics {
    /// The bundled font's metrics; `None` if its tables cannot be read, in
    /// which case text is drawn as plotters draws it.
    fn get() -> Option<&'static Metrics> {
        static METRICS: OnceLock<Option<Metrics>> = OnceLock::new();
        METRICS.get_or_init(|| Metrics::parse(FONT)).as_ref()
    }

    fn parse(font: &'static [u8]) -> Option<Metrics> {
        let table = |tag: &[u8; 4]| {
            (0..usize::from(be16(font, 4)?)).find_map(|i| {
                let record = 12 + 16 * i;
                let offset = be32(font, record + 8)? as usize;
                (font.get(record..record + 4)? == tag).then_some(offset)
            })
        };
        let hhea = table(b"hhea")?;
        let ascent = f64::from(be16(font, hhea + 4)? as i16);
        let descent = f64::from(be16(font, hhea + 6)? as i16);
        let long_metrics = usize::from(be16(font, hhea + 34)?);
        let cmap = table(b"cmap")?;
        let cmap = (0..usize::from(be16(font, cmap + 2)?)).find_map(|i| {
            let record = cmap + 4 + 8 * i;
            let unicode_bmp = be16(font, record)? == 3 && be16(font, record + 2)? == 1;
            let subtable = cmap + be32(font, record + 4)? as usize;
            (unicode_bmp && be16(font, subtable)? == 4).then_some(subtable)
        })?;
        (long_metrics > 0 && ascent > descent).then_some(Metrics {
            font,
            hmtx: table(b"hmtx")?,
            long_metrics,
            cmap,
            height: ascent - descent,
        })
    }

    /// The glyph of `c`, by the format-4 character map; 0 (the font's
    /// missing-glyph box) where it has none.
    fn glyph(&self, c: char) -> usize {
        self.lookup(c).unwrap_or(0)
    }

    fn lookup(&self, c: char) -> Option<usize> {
        let (f, t) = (self.font, self.cmap);
        let c = u16::try_from(u32::from(c)).ok()?;
        let segments = usize::from(be16(f, t + 6)? / 2);
        let ends = t + 14;
        let starts = ends + 2 * segments + 2;
        let deltas = starts + 2 * segments;
        let ranges = deltas + 2 * segments;
        // The first segment ending at or after c (ends are sorted).
        let (mut lo, mut hi) = (0, segments);
        while lo < hi {
            let mid = (lo + hi) / 2;
            if be16(f, ends + 2 * mid)? < c {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        let i = lo;
        let start = be16(f, starts + 2 * i)?;
        if i == segments || c < start {
            return None;
        }
        let delta = be16(f, deltas + 2 * i)?;
        let range = usize::from(be16(f, ranges + 2 * i)?);
        let glyph = if range == 0 {
            c.wrapping_add(delta)
        } else {
            let at = ranges + 2 * i + range + 2 * usize::from(c - start);
            match be16(f, at)? {
                0 => return None,
                g => g.wrapping_add(delta),
            }
        };
        Some(usize::from(glyph))
    }

    /// Advance and left side bearing of glyph `g`, in font units.
    fn h_metrics(&self, g: usize) -> (f64, f64) {
        let (f, n) = (self.font, self.long_metrics);
        let advance = be16(f, self.hmtx + 4 * g.min(n - 1)).unwrap_or(0);
        let bearing = if g < n {
            be16(f, self.hmtx + 4 * g + 2)
        } else {
            be16(f, self.hmtx + 4 * n + 2 * (g - n))
        };
        (f64::from(advance), f64::from(bearing.unwrap_or(0) as i16))
    }

    /// Each character of `s` at font size `size` with its pen position and
    /// bearing in pixels; and the width of the whole.
    fn layout(&self, s: &str, size: f64) -> (Vec<(char, f64, f64)>, f64) {
        let scale = size / self.height;
        let mut pen = 0.0;
        let mut glyphs = Vec::new();
        for c in s.chars() {
            let (advance, bearing) = self.h_metrics(self.glyph(c));
            glyphs.push((c, pen, bearing * scale));
            pen += advance * scale;
        }
        (glyphs, pen)
    }
}

/// Draws and measures text on one chart: whole strings on SVG, a glyph at a
/// time on bitmaps (see [`Metrics`]).
struct Painter<'a, DB: DrawingBackend> {
    root: &'a DrawingArea<DB, Shift>,
    bitmap: bool,
}

impl<DB: DrawingBackend> Painter<'_, DB>
where
    DB::ErrorType: 'static,
{
    fn style(size: f64) -> TextStyle<'static> {
        TextStyle::from((FontFamily::SansSerif, size).into_font()).color(&INK)
    }

    /// Width of `s` in pixels.
    fn width(&self, s: &str, size: f64) -> Drawn<i32> {
        Ok(match Metrics::get() {
            Some(m) => m.layout(s, size).1.ceil() as i32,
            None => self.root.estimate_text_size(s, &Self::style(size))?.0 as i32,
        })
    }

    /// `s`, cut with an ellipsis to at most `max` pixels.
    fn fit(&self, s: &str, size: f64, max: i32) -> Drawn<String> {
        if self.width(s, size)? <= max {
            return Ok(s.to_string());
        }
        let mut chars: Vec<char> = s.chars().collect();
        while chars.pop().is_some() {
            let cut = chars.iter().collect::<String>().trim_end().to_string() + "…";
            if self.width(&cut, size)? <= max {
                return Ok(cut);
            }
        }
        Ok("…".into())
    }

    /// Draws `s` in `colour` with its `anchor` point at `pos`; `up`: rotated
    /// to read from bottom to top.
    fn text(
        &self,
        s: &str,
        size: f64,
        colour: RGBColor,
        anchor: Pos,
        pos: (i32, i32),
        up: bool,
    ) -> Drawn {
        let mut style = Self::style(size).color(&colour);
        if up {
            style = style.transform(FontTransform::Rotate270);
        }
        let metrics = Metrics::get().filter(|_| self.bitmap);
        let Some(metrics) = metrics else {
            self.root.draw_text(s, &style.pos(anchor), pos)?;
            return Ok(());
        };
        let (glyphs, width) = metrics.layout(s, size);
        let start = match anchor.h_pos {
            HPos::Left => 0.0,
            HPos::Center => -width / 2.0,
            HPos::Right => -width,
        };
        let style = style.pos(Pos::new(HPos::Left, anchor.v_pos));
        let mut buf = [0u8; 4];
        for (c, pen, bearing) in glyphs.into_iter().filter(|g| !g.0.is_whitespace()) {
            let along = (start + pen + bearing).round() as i32;
            let at = if up {
                (pos.0, pos.1 - along)
            } else {
                (pos.0 + along, pos.1)
            };
            self.root.draw_text(c.encode_utf8(&mut buf), &style, at)?;
        }
        Ok(())
    }
}

// ---------------------------------------------------------------------------
// Layout and style

const HEIGHT: u32 = 620;
const MARGIN: i32 = 16;
const LEFT_AREA: i32 = 78;
const HEADER: i32 = 68;
const LINE: i32 = 16;
const LEGEND_ROW: i32 = 22;
const SWATCH_W: i32 = 26;
const SWATCH_H: i32 = 14;
// Even sizes: ab_glyph in plotters 0.3.7 places a glyph at size/2 plus its
// top, truncated towards zero, which lifts short glyphs (".", ",") by a pixel
// whenever size/2 is not a whole number.
const TITLE_SIZE: f64 = 22.0;
const SUBTITLE_SIZE: f64 = 14.0;
const LABEL_SIZE: f64 = 14.0;
const DESC_SIZE: f64 = 16.0;

const INK: RGBColor = RGBColor(30, 30, 30);
const MUTED: RGBColor = RGBColor(70, 70, 70);
const GRID: RGBColor = RGBColor(225, 225, 225);
const SHADE: RGBColor = RGBColor(246, 226, 222);
const TARGET: RGBColor = RGBColor(180, 30, 30);
/// Fills of well-separated lightness (CIE L* about 40, 80 and 12).
const PALETTE: [RGBColor; 3] = [
    RGBColor(37, 99, 163),
    RGBColor(166, 206, 227),
    RGBColor(12, 30, 66),
];

/// Fill patterns that tell designs apart once the palette repeats.
#[derive(Clone, Copy, PartialEq)]
enum Pattern {
    Solid,
    Dots,
    Vertical,
}

/// Fill and pattern of series `i`.
fn series_style(i: usize) -> (RGBColor, Pattern) {
    let pattern = match (i / PALETTE.len()) % 3 {
        0 => Pattern::Solid,
        1 => Pattern::Dots,
        _ => Pattern::Vertical,
    };
    (PALETTE[i % PALETTE.len()], pattern)
}

/// Black or white, whichever stands out on `fill`.
fn contrast(fill: RGBColor) -> RGBColor {
    let RGBColor(r, g, b) = fill;
    let luma = 0.299 * f64::from(r) + 0.587 * f64::from(g) + 0.114 * f64::from(b);
    if luma < 140.0 { WHITE } else { INK }
}

fn anchor(h: HPos, v: VPos) -> Pos {
    Pos::new(h, v)
}

impl BarChart {
    /// Wide enough for every bar, tall enough for every legend row.
    fn size(&self) -> (u32, u32) {
        let bars = self.groups.len() * self.series.len().max(1);
        let width = (280 + 8 * bars + 8 * self.groups.len()).clamp(1000, 2400) as i32;
        let measure = |s: &str| -> Drawn<i32> {
            Ok(Metrics::get().map_or(8 * s.chars().count() as i32, |m| {
                m.layout(s, LABEL_SIZE).1.ceil() as i32
            }))
        };
        let rows = legend_rows(&legend_entries(self), legend_width(width), &measure)
            .map_or(1, |rows| rows.len()) as i32;
        let height = HEIGHT as i32 + (rows - 2).max(0) * LEGEND_ROW;
        (width as u32, height as u32)
    }

    fn right_area(&self) -> i32 {
        if self.overlay.is_some() { 64 } else { 0 }
    }

    /// The y axis: from 0 to a round number above every bar and whisker.
    fn y_axis(&self) -> Axis {
        let top = self
            .series
            .iter()
            .flat_map(|s| s.values.iter().zip(&s.se).map(|(v, se)| v + 1.96 * se))
            .filter(|v| v.is_finite())
            .fold(0.0, f64::max);
        let (top, step) = nice_axis(top * 1.04);
        Axis::linear(if self.probability { top.min(1.0) } else { top }, step)
    }
}

/// An axis from 0 to at least `v` in at most 8 steps of 1, 2, 2.5 or 5 × 10^k:
/// (top, step). (1, 0.2) for v ≤ 0.
fn nice_axis(v: f64) -> (f64, f64) {
    if v.is_nan() || v <= 0.0 {
        return (1.0, 0.2);
    }
    let magnitude = 10f64.powf((v / 8.0).log10().floor());
    let step = [1.0, 2.0, 2.5, 5.0, 10.0]
        .into_iter()
        .map(|m| m * magnitude)
        .find(|step| v / step <= 8.0)
        .unwrap_or(10.0 * magnitude);
    ((v / step - 1e-9).ceil() * step, step)
}

/// `v` with at most three decimals and no trailing zeros.
fn tick(v: f64) -> String {
    let s = format!("{v:.3}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" { "0".into() } else { s.to_string() }
}

/// A linear axis with ticks where we say: groups centred on 0, 1, …, n − 1
/// for x, round steps for y.
#[derive(Clone)]
struct Axis {
    lo: f64,
    hi: f64,
    ticks: Vec<f64>,
}

impl Axis {
    fn categories(n: usize) -> Axis {
        Axis {
            lo: -0.5,
            hi: n.max(1) as f64 - 0.5,
            ticks: (0..n).map(|i| i as f64).collect(),
        }
    }

    fn linear(top: f64, step: f64) -> Axis {
        let steps = (top / step + 1e-9).floor() as usize;
        Axis {
            lo: 0.0,
            hi: top,
            ticks: (0..=steps).map(|i| i as f64 * step).collect(),
        }
    }
}

impl Ranged for Axis {
    type FormatOption = DefaultFormatting;
    type ValueType = f64;

    fn map(&self, v: &f64, limit: (i32, i32)) -> i32 {
        let share = (v - self.lo) / (self.hi - self.lo);
        limit.0 + (share * f64::from(limit.1 - limit.0)).round() as i32
    }

    fn key_points<Hint: KeyPointHint>(&self, hint: Hint) -> Vec<f64> {
        if hint.weight().allow_light_points() {
            Vec::new()
        } else {
            self.ticks.clone()
        }
    }

    fn range(&self) -> std::ops::Range<f64> {
        self.lo..self.hi
    }
}

type Chart<'a, DB> =
    DualCoordChartContext<'a, DB, Cartesian2d<Axis, Axis>, Cartesian2d<Axis, Axis>>;

/// The plot's edges and the groups' centres, in pixels.
struct Frame {
    left: i32,
    right: i32,
    top: i32,
    bottom: i32,
    centres: Vec<i32>,
}

// ---------------------------------------------------------------------------
// Drawing

fn draw<DB: DrawingBackend>(p: &Painter<DB>, c: &BarChart) -> Drawn
where
    DB::ErrorType: 'static,
{
    p.root.fill(&WHITE)?;
    let (width, height) = p.root.dim_in_pixel();
    let (width, height) = (width as i32, height as i32);
    let max = width - 2 * MARGIN;
    let title = p.fit(&c.title, TITLE_SIZE, max)?;
    p.text(
        &title,
        TITLE_SIZE,
        INK,
        anchor(HPos::Left, VPos::Top),
        (MARGIN, 12),
        false,
    )?;
    let subtitle = p.fit(&c.subtitle, SUBTITLE_SIZE, max)?;
    let at = (MARGIN, 42);
    p.text(
        &subtitle,
        SUBTITLE_SIZE,
        MUTED,
        anchor(HPos::Left, VPos::Top),
        at,
        false,
    )?;

    let legend = legend_entries(c);
    let rows = legend_rows(&legend, legend_width(width), &|s| p.width(s, LABEL_SIZE))?;
    let legend_h = rows.len() as i32 * LEGEND_ROW + 10;
    let labels = x_labels(p, c, width - 2 * MARGIN - LEFT_AREA - c.right_area())?;
    let x_area = 10 + labels.lines * LINE + 28;

    let (_, below) = p.root.split_vertically(HEADER);
    let (area, _) = below.split_vertically(height - HEADER - legend_h);
    let y = c.y_axis();
    let mut chart = ChartBuilder::on(&area)
        .margin_left(MARGIN)
        .margin_right(MARGIN)
        .margin_top(6)
        .x_label_area_size(x_area)
        .y_label_area_size(LEFT_AREA)
        .right_y_label_area_size(c.right_area())
        .build_cartesian_2d(Axis::categories(c.groups.len()), y.clone())?
        .set_secondary_coord(Axis::categories(c.groups.len()), Axis::linear(1.0, 0.2));
    let frame = frame(&chart, c.groups.len());

    draw_shading(&chart, c, y.hi)?;
    chart
        .configure_mesh()
        .disable_x_mesh()
        .bold_line_style(GRID)
        .light_line_style(TRANSPARENT)
        .axis_style(INK)
        .x_label_formatter(&|_| String::new())
        .y_label_formatter(&|_| String::new())
        .draw()?;
    draw_bars(p, &chart, c, y.hi)?;
    draw_y_labels(p, &frame, &y, c.y_desc, false)?;
    if let Some(overlay) = &c.overlay {
        chart
            .configure_secondary_axes()
            .axis_style(INK)
            .x_label_formatter(&|_| String::new())
            .y_label_formatter(&|_| String::new())
            .draw()?;
        draw_overlay(&chart, overlay, c.groups.len())?;
        draw_y_labels(p, &frame, &Axis::linear(1.0, 0.2), "true P(DLT)", true)?;
    }
    draw_x_labels(p, c, &labels, &frame)?;
    draw_legend(p, &legend, &rows, height - legend_h + 4)?;
    Ok(())
}

fn frame<DB: DrawingBackend>(chart: &Chart<DB>, groups: usize) -> Frame {
    let (x, y) = chart.plotting_area().get_pixel_range();
    Frame {
        left: x.start,
        right: x.end,
        top: y.start,
        bottom: y.end,
        centres: (0..groups)
            .map(|i| chart.backend_coord(&(i as f64, 0.0)).0)
            .collect(),
    }
}

/// Shades the groups of doses above target.
fn draw_shading<DB: DrawingBackend>(chart: &Chart<DB>, c: &BarChart, y_max: f64) -> Drawn
where
    DB::ErrorType: 'static,
{
    let area = chart.plotting_area();
    for (i, _) in c.overdose.iter().enumerate().filter(|(_, o)| **o) {
        let x = i as f64;
        area.draw(&Rectangle::new(
            [(x - 0.5, 0.0), (x + 0.5, y_max)],
            SHADE.filled(),
        ))?;
    }
    Ok(())
}

/// Bar `s` of `n` in group `i`: its left and right x.
fn bar_span(i: usize, s: usize, n: usize) -> (f64, f64) {
    // Groups of one or two bars stay slim; larger ones fill 80% of the slot.
    let group = (0.25 * n as f64).clamp(0.4, 0.8);
    let slot = group / n.max(1) as f64;
    let left = i as f64 - group / 2.0 + s as f64 * slot;
    let inset = if n > 1 { 0.06 * slot } else { 0.0 };
    (left + inset, left + slot - inset)
}

/// The grouped bars: one per series in every group, patterned by series,
/// hatched above target, with ±1.96 SE whiskers where SE > 0.
fn draw_bars<DB: DrawingBackend>(
    p: &Painter<DB>,
    chart: &Chart<DB>,
    c: &BarChart,
    y_max: f64,
) -> Drawn
where
    DB::ErrorType: 'static,
{
    let area = chart.plotting_area();
    let n = c.series.len();
    for (s, series) in c.series.iter().enumerate() {
        let (fill, pattern) = series_style(s);
        for (i, (&v, &se)) in series.values.iter().zip(&series.se).enumerate() {
            let (x0, x1) = bar_span(i, s, n);
            let top = v.clamp(0.0, y_max);
            if top > 0.0 {
                area.draw(&Rectangle::new([(x0, 0.0), (x1, top)], fill.filled()))?;
                let p0 = chart.backend_coord(&(x0, top));
                let p1 = chart.backend_coord(&(x1, 0.0));
                fill_pattern(p.root, pattern, contrast(fill), p0, p1)?;
                if c.overdose[i] {
                    hatch(p.root, contrast(fill), p0, p1)?;
                }
                area.draw(&Rectangle::new([(x0, 0.0), (x1, top)], INK.stroke_width(1)))?;
            }
            if se > 0.0 {
                let xc = (x0 + x1) / 2.0;
                let cap = (x1 - x0) * 0.2;
                let lo = (v - 1.96 * se).clamp(0.0, y_max);
                let hi = (v + 1.96 * se).clamp(0.0, y_max);
                for line in [
                    [(xc, lo), (xc, hi)],
                    [(xc - cap, hi), (xc + cap, hi)],
                    [(xc - cap, lo), (xc + cap, lo)],
                ] {
                    area.draw(&PathElement::new(line, INK.stroke_width(1)))?;
                }
            }
        }
    }
    Ok(())
}

/// True P(DLT) as a line with markers and the target as a dashed line, on the
/// secondary axis.
fn draw_overlay<DB: DrawingBackend>(chart: &Chart<DB>, overlay: &Overlay, groups: usize) -> Drawn
where
    DB::ErrorType: 'static,
{
    let area = chart.secondary_plotting_area();
    let right = groups as f64 - 0.5;
    area.draw(&DashedPathElement::new(
        vec![(-0.5, overlay.target), (right, overlay.target)],
        9,
        6,
        TARGET.stroke_width(2),
    ))?;
    let points: Vec<(f64, f64)> = overlay
        .p_true
        .iter()
        .enumerate()
        .filter_map(|(i, p)| p.map(|p| (i as f64, p)))
        .collect();
    area.draw(&PathElement::new(points.clone(), INK.stroke_width(2)))?;
    for &point in &points {
        area.draw(&Circle::new(point, 5, WHITE.filled()))?;
        area.draw(&Circle::new(point, 5, INK.stroke_width(2)))?;
    }
    Ok(())
}

/// Tick labels and the description of the left (or `right`) y axis.
fn draw_y_labels<DB: DrawingBackend>(
    p: &Painter<DB>,
    frame: &Frame,
    axis: &Axis,
    desc: &str,
    right: bool,
) -> Drawn
where
    DB::ErrorType: 'static,
{
    let (x, h) = if right {
        (frame.right + 8, HPos::Left)
    } else {
        (frame.left - 8, HPos::Right)
    };
    for &t in &axis.ticks {
        let y = axis.map(&t, (frame.bottom, frame.top));
        p.text(
            &tick(t),
            LABEL_SIZE,
            INK,
            anchor(h, VPos::Center),
            (x, y),
            false,
        )?;
    }
    let x = if right {
        frame.right + 50
    } else {
        frame.left - 60
    };
    let middle = (frame.top + frame.bottom) / 2;
    p.text(
        desc,
        DESC_SIZE,
        INK,
        anchor(HPos::Center, VPos::Center),
        (x, middle),
        true,
    )
}

/// Fills the pixel rectangle `p0`–`p1` with `pattern` in `ink`.
fn fill_pattern<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    pattern: Pattern,
    ink: RGBColor,
    p0: (i32, i32),
    p1: (i32, i32),
) -> Drawn
where
    DB::ErrorType: 'static,
{
    let (x0, x1) = (p0.0.min(p1.0), p0.0.max(p1.0));
    let (y0, y1) = (p0.1.min(p1.1), p0.1.max(p1.1));
    match pattern {
        Pattern::Solid => {}
        Pattern::Dots => {
            for y in (y0 + 3..y1 - 1).step_by(6) {
                for x in (x0 + 3..x1 - 1).step_by(6) {
                    root.draw(&Circle::new((x, y), 1, ink.filled()))?;
                }
            }
        }
        Pattern::Vertical => {
            for x in (x0 + 3..x1 - 1).step_by(5) {
                root.draw(&PathElement::new(vec![(x, y0), (x, y1)], ink))?;
            }
        }
    }
    Ok(())
}

/// Diagonal hatching ("/") of the pixel rectangle `p0`–`p1`.
fn hatch<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    ink: RGBColor,
    p0: (i32, i32),
    p1: (i32, i32),
) -> Drawn
where
    DB::ErrorType: 'static,
{
    const GAP: i32 = 6;
    let (x0, x1) = (p0.0.min(p1.0), p0.0.max(p1.0));
    let (y0, y1) = (p0.1.min(p1.1), p0.1.max(p1.1));
    // Lines x + y = k, clipped to the rectangle.
    let mut k = x0 + y0 + GAP;
    while k < x1 + y1 {
        let a = x0.max(k - y1);
        let b = x1.min(k - y0);
        if a < b {
            root.draw(&PathElement::new(vec![(a, k - a), (b, k - b)], ink))?;
        }
        k += GAP;
    }
    Ok(())
}

/// X-axis labels: for each group, its lines of text or none.
struct XLabels {
    text: Vec<Option<Vec<String>>>,
    lines: i32,
}

/// Wraps each group's label to its share of `plot_width`; when that fails
/// (many groups, long words), labels every k-th group on one line.
fn x_labels<DB: DrawingBackend>(p: &Painter<DB>, c: &BarChart, plot_width: i32) -> Drawn<XLabels>
where
    DB::ErrorType: 'static,
{
    let slot = plot_width / c.groups.len().max(1) as i32;
    let width = |s: &str| p.width(s, LABEL_SIZE);
    let mut wrapped = Vec::new();
    let mut fits = true;
    for label in &c.groups {
        let lines = wrap(label, slot - 6, &width)?;
        for line in &lines {
            fits &= width(line)? <= slot - 6;
        }
        fits &= lines.len() <= 3;
        wrapped.push(Some(lines));
    }
    if fits {
        let lines = wrapped.iter().flatten().map(Vec::len).max().unwrap_or(1) as i32;
        return Ok(XLabels {
            text: wrapped,
            lines,
        });
    }
    let mut widest = 0;
    for label in &c.groups {
        widest = widest.max(width(label)?.min(200));
    }
    let every = ((widest + 10) / slot.max(1) + 1).max(1) as usize;
    let mut text = Vec::new();
    for (i, label) in c.groups.iter().enumerate() {
        text.push(if i % every == 0 {
            Some(vec![p.fit(label, LABEL_SIZE, 200)?])
        } else {
            None
        });
    }
    Ok(XLabels { text, lines: 1 })
}

/// Greedy word wrap of `s` to lines at most `max` wide (a longer word keeps
/// a line of its own).
fn wrap(s: &str, max: i32, width: &dyn Fn(&str) -> Drawn<i32>) -> Drawn<Vec<String>> {
    let mut lines: Vec<String> = Vec::new();
    for word in s.split_whitespace() {
        match lines.last_mut() {
            Some(line) if width(&format!("{line} {word}"))? <= max => {
                line.push(' ');
                line.push_str(word);
            }
            _ => lines.push(word.to_string()),
        }
    }
    if lines.is_empty() {
        lines.push(String::new());
    }
    Ok(lines)
}

fn draw_x_labels<DB: DrawingBackend>(
    p: &Painter<DB>,
    c: &BarChart,
    labels: &XLabels,
    frame: &Frame,
) -> Drawn
where
    DB::ErrorType: 'static,
{
    let top = anchor(HPos::Center, VPos::Top);
    for (&x, lines) in frame.centres.iter().zip(&labels.text) {
        for (j, line) in lines.iter().flatten().enumerate() {
            let y = frame.bottom + 8 + j as i32 * LINE;
            p.text(line, LABEL_SIZE, INK, top, (x, y), false)?;
        }
    }
    let y = frame.bottom + 14 + labels.lines * LINE;
    let middle = (frame.left + frame.right) / 2;
    p.text(c.x_desc, DESC_SIZE, INK, top, (middle, y), false)
}

/// What a legend entry shows.
enum Swatch {
    Series(usize),
    Overdose,
    TrueCurve,
    Target,
}

struct Entry {
    swatch: Swatch,
    label: String,
}

fn legend_entries(c: &BarChart) -> Vec<Entry> {
    let mut entries: Vec<Entry> = c
        .series
        .iter()
        .enumerate()
        .map(|(i, s)| Entry {
            swatch: Swatch::Series(i),
            label: s.label.clone(),
        })
        .collect();
    if let Some(overlay) = &c.overlay {
        entries.push(Entry {
            swatch: Swatch::TrueCurve,
            label: "true P(DLT) (right axis)".into(),
        });
        entries.push(Entry {
            swatch: Swatch::Target,
            label: format!("target {} (right axis)", overlay.target),
        });
    }
    if c.overdose.iter().any(|&o| o) {
        entries.push(Entry {
            swatch: Swatch::Overdose,
            label: "dose above target: true P(DLT) > target".into(),
        });
    }
    entries
}

/// Room for the legend in a chart `width` pixels wide.
fn legend_width(width: i32) -> i32 {
    width - 2 * MARGIN - LEFT_AREA
}

/// Lays entries out in rows at most `max` pixels wide, measuring labels with
/// `width`: per row, (entry, x).
fn legend_rows(
    entries: &[Entry],
    max: i32,
    width: &dyn Fn(&str) -> Drawn<i32>,
) -> Drawn<Vec<Vec<(usize, i32)>>> {
    let mut rows: Vec<Vec<(usize, i32)>> = vec![Vec::new()];
    let mut x = 0;
    for (i, e) in entries.iter().enumerate() {
        let w = SWATCH_W + 6 + width(&e.label)? + 22;
        if x > 0 && x + w > max {
            rows.push(Vec::new());
            x = 0;
        }
        if let Some(row) = rows.last_mut() {
            row.push((i, x));
        }
        x += w;
    }
    Ok(rows)
}

fn draw_legend<DB: DrawingBackend>(
    p: &Painter<DB>,
    entries: &[Entry],
    rows: &[Vec<(usize, i32)>],
    top: i32,
) -> Drawn
where
    DB::ErrorType: 'static,
{
    for (r, row) in rows.iter().enumerate() {
        let y = top + r as i32 * LEGEND_ROW + LEGEND_ROW / 2;
        for &(i, dx) in row {
            let x = MARGIN + LEFT_AREA + dx;
            draw_swatch(p.root, &entries[i].swatch, (x, y - SWATCH_H / 2))?;
            let at = (x + SWATCH_W + 6, y);
            p.text(
                &entries[i].label,
                LABEL_SIZE,
                INK,
                anchor(HPos::Left, VPos::Center),
                at,
                false,
            )?;
        }
    }
    Ok(())
}

fn draw_swatch<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    swatch: &Swatch,
    (x, y): (i32, i32),
) -> Drawn
where
    DB::ErrorType: 'static,
{
    let (p0, p1) = ((x, y), (x + SWATCH_W, y + SWATCH_H));
    let mid = y + SWATCH_H / 2;
    match *swatch {
        Swatch::Series(i) => {
            let (fill, pattern) = series_style(i);
            root.draw(&Rectangle::new([p0, p1], fill.filled()))?;
            fill_pattern(root, pattern, contrast(fill), p0, p1)?;
            root.draw(&Rectangle::new([p0, p1], INK.stroke_width(1)))?;
        }
        Swatch::Overdose => {
            root.draw(&Rectangle::new([p0, p1], SHADE.filled()))?;
            hatch(root, INK, p0, p1)?;
            root.draw(&Rectangle::new([p0, p1], INK.stroke_width(1)))?;
        }
        Swatch::TrueCurve => {
            let line = vec![(x, mid), (x + SWATCH_W, mid)];
            root.draw(&PathElement::new(line, INK.stroke_width(2)))?;
            let centre = (x + SWATCH_W / 2, mid);
            root.draw(&Circle::new(centre, 5, WHITE.filled()))?;
            root.draw(&Circle::new(centre, 5, INK.stroke_width(2)))?;
        }
        Swatch::Target => {
            for (a, b) in [(0, 9), (15, 24)] {
                let dash = vec![(x + a, mid), (x + b, mid)];
                root.draw(&PathElement::new(dash, TARGET.stroke_width(2)))?;
            }
        }
    }
    Ok(())
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

    #[test]
    fn nice_axes_cover_the_value_in_round_steps() {
        for (v, want) in [
            (0.37, (0.4, 0.05)),
            (0.9, (1.0, 0.2)),
            (13.2, (14.0, 2.0)),
            (0.0, (1.0, 0.2)),
        ] {
            let got = nice_axis(v);
            assert!(
                (got.0 - want.0).abs() < 1e-9 && (got.1 - want.1).abs() < 1e-9,
                "{v}: {got:?}"
            );
        }
        for v in [0.001, 0.04, 0.123, 1.0, 7.7, 23.0, 150.0] {
            let (top, step) = nice_axis(v);
            assert!(top >= v && top / step <= 8.0 + 1e-9, "{v}: {top} {step}");
        }
    }

    #[test]
    fn font_metrics_are_read_from_the_bundled_font() {
        // DejaVu Sans: 'M' advances 1767 units, '.' has bearing 219 (hmtx).
        let m = Metrics::get().expect("bundled font parses");
        assert_eq!(m.h_metrics(m.glyph('M')).0, 1767.0);
        assert_eq!(m.h_metrics(m.glyph('.')).1, 219.0);
        assert_eq!(m.glyph('\u{10000}'), 0);
    }

    #[test]
    fn digits_are_grouped_by_three() {
        assert_eq!(group_digits(1_000_000), "1 000 000");
        assert_eq!(group_digits(20_000), "20 000");
        assert_eq!(group_digits(999), "999");
    }
}
