//! Drawing a chart on any plotters backend: layout constants, palette
//! and patterns, axes, bars, curves, shading, labels and legend; and the PNG
//! and SVG entry points, which share one backend-generic `paint` so the two
//! agree.

use super::axis::{Axis, nice_axis, tick};
use super::charts::{BarChart, Chart, LineChart, Overlay};
use super::text::{Metrics, Painter, ensure_font};
use plotters::chart::DualCoordChartContext;
use plotters::coord::Shift;
use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use std::path::Path;

pub(super) type Drawn<T = ()> = Result<T, Box<dyn std::error::Error + Send + Sync>>;

// ---------------------------------------------------------------------------
// PNG and SVG

pub(super) fn render_png(chart: &Chart, path: &Path) -> Result<(), String> {
    ensure_font()?;
    let root = BitMapBackend::new(path, chart.size()).into_drawing_area();
    paint(
        &Painter {
            root: &root,
            bitmap: true,
        },
        chart,
    )
    .map_err(|e| e.to_string())?;
    root.present().map_err(|e| e.to_string())
}

pub(super) fn render_svg(chart: &Chart) -> Result<String, String> {
    ensure_font()?;
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, chart.size()).into_drawing_area();
        paint(
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
        &format!("{} — {}", chart.title(), chart.subtitle()),
    ))
}

fn paint<DB: DrawingBackend>(p: &Painter<DB>, chart: &Chart) -> Drawn
where
    DB::ErrorType: 'static,
{
    match chart {
        Chart::Bars(c) => draw(p, c),
        Chart::Lines(c) => draw_lines(p, c),
    }
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

pub(super) const INK: RGBColor = RGBColor(30, 30, 30);
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

/// The optimal benchmark's fill: a light grey, set apart from the designs'
/// blues as the reference they are measured against.
const REFERENCE: RGBColor = RGBColor(200, 200, 200);

/// Fill patterns that tell designs apart once the palette repeats.
#[derive(Clone, Copy, PartialEq)]
enum Pattern {
    Solid,
    Dots,
    Vertical,
}

/// Fill and pattern of series `s` of `c`: the reference in grey, the
/// designs in the palette by their place among the designs.
fn series_style(c: &BarChart, s: usize) -> (RGBColor, Pattern) {
    if c.series[s].reference {
        return (REFERENCE, Pattern::Solid);
    }
    let i = c.series[..s]
        .iter()
        .filter(|other| !other.reference)
        .count();
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

impl Chart {
    /// Wide enough for every bar, tall enough for every legend row.
    fn size(&self) -> (u32, u32) {
        let (width, legend) = match self {
            Chart::Bars(c) => {
                let bars = c.groups.len() * c.series.len().max(1);
                let width = (280 + 8 * bars + 8 * c.groups.len()).clamp(1000, 2400);
                (width as i32, legend_entries(c))
            }
            Chart::Lines(c) => (1000, curve_entries(c)),
        };
        let measure = |s: &str| -> Drawn<i32> {
            Ok(Metrics::get().map_or(8 * s.chars().count() as i32, |m| {
                m.layout(s, LABEL_SIZE).1.ceil() as i32
            }))
        };
        let rows =
            legend_rows(&legend, legend_width(width), &measure).map_or(1, |rows| rows.len()) as i32;
        let height = HEIGHT as i32 + (rows - 2).max(0) * LEGEND_ROW;
        (width as u32, height as u32)
    }
}

impl BarChart {
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

type DualChart<'a, DB> =
    DualCoordChartContext<'a, DB, Cartesian2d<Axis, Axis>, Cartesian2d<Axis, Axis>>;

/// The plot's edges and the x ticks' (the groups' centres'), in pixels.
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
    let legend = legend_entries(c);
    let page = page(p, &c.title, &c.subtitle, &legend)?;
    let labels = x_labels(p, c, page.width - 2 * MARGIN - LEFT_AREA - c.right_area())?;
    let x_area = 10 + labels.lines * LINE + 28;
    let y = c.y_axis();
    let mut chart = ChartBuilder::on(&page.plot)
        .margin_left(MARGIN)
        .margin_right(MARGIN)
        .margin_top(6)
        .x_label_area_size(x_area)
        .y_label_area_size(LEFT_AREA)
        .right_y_label_area_size(c.right_area())
        .build_cartesian_2d(Axis::categories(c.groups.len()), y.clone())?
        .set_secondary_coord(Axis::categories(c.groups.len()), Axis::linear(1.0, 0.2));
    let centres: Vec<f64> = (0..c.groups.len()).map(|i| i as f64).collect();
    let frame = frame(&chart, &centres);

    draw_shading(&chart, c, y.hi)?;
    draw_grid(&mut chart, false)?;
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
    draw_x_labels(p, c.x_desc, &labels, &frame)?;
    draw_legend(p, &legend, &page.rows, page.legend_top)?;
    Ok(())
}

/// A chart's page once its titles are drawn: its width, the legend's rows
/// and top, and the area left for the plot between titles and legend.
struct Page<DB: DrawingBackend> {
    width: i32,
    rows: Vec<Vec<(usize, i32)>>,
    legend_top: i32,
    plot: DrawingArea<DB, Shift>,
}

/// A white page with the title and subtitle, fitted to its width, laid out
/// for a plot and `legend`.
fn page<DB: DrawingBackend>(
    p: &Painter<DB>,
    title: &str,
    subtitle: &str,
    legend: &[Entry],
) -> Drawn<Page<DB>>
where
    DB::ErrorType: 'static,
{
    p.root.fill(&WHITE)?;
    let (width, height) = p.root.dim_in_pixel();
    let (width, height) = (width as i32, height as i32);
    let max = width - 2 * MARGIN;
    for (text, size, colour, y) in [
        (title, TITLE_SIZE, INK, 12),
        (subtitle, SUBTITLE_SIZE, MUTED, 42),
    ] {
        let fitted = p.fit(text, size, max)?;
        p.text(
            &fitted,
            size,
            colour,
            anchor(HPos::Left, VPos::Top),
            (MARGIN, y),
            false,
        )?;
    }
    let rows = legend_rows(legend, legend_width(width), &|s| p.width(s, LABEL_SIZE))?;
    let legend_h = rows.len() as i32 * LEGEND_ROW + 10;
    let (_, below) = p.root.split_vertically(HEADER);
    let (plot, _) = below.split_vertically(height - HEADER - legend_h);
    Ok(Page {
        width,
        rows,
        legend_top: height - legend_h + 4,
        plot,
    })
}

/// The axes and the grid at the y ticks (and at the x ticks when
/// `x_grid`); tick labels are drawn by `draw_y_labels` and `draw_x_labels`.
fn draw_grid<DB: DrawingBackend>(
    chart: &mut ChartContext<DB, Cartesian2d<Axis, Axis>>,
    x_grid: bool,
) -> Drawn
where
    DB::ErrorType: 'static,
{
    let mut mesh = chart.configure_mesh();
    if !x_grid {
        mesh.disable_x_mesh();
    }
    mesh.bold_line_style(GRID)
        .light_line_style(TRANSPARENT)
        .axis_style(INK)
        .x_label_formatter(&|_| String::new())
        .y_label_formatter(&|_| String::new())
        .draw()?;
    Ok(())
}

/// The plot's frame in `chart`, with x ticks at `xs`.
fn frame<DB: DrawingBackend>(
    chart: &ChartContext<DB, Cartesian2d<Axis, Axis>>,
    xs: &[f64],
) -> Frame {
    let (x, y) = chart.plotting_area().get_pixel_range();
    Frame {
        left: x.start,
        right: x.end,
        top: y.start,
        bottom: y.end,
        centres: xs
            .iter()
            .map(|&v| chart.backend_coord(&(v, 0.0)).0)
            .collect(),
    }
}

/// Line colours, dark enough to read as thin lines on white, told apart by
/// dash too (solid, long dashes, short dashes) in grey-scale print.
const LINE_COLOURS: [RGBColor; 6] = [
    RGBColor(37, 99, 163),
    RGBColor(213, 94, 0),
    RGBColor(0, 140, 100),
    RGBColor(12, 30, 66),
    RGBColor(190, 90, 150),
    RGBColor(200, 140, 0),
];
const DASHES: [Option<(i32, i32)>; 3] = [None, Some((14, 6)), Some((5, 4))];
const LINE_WIDTH: u32 = 3;

/// Colour and dash (length, gap) of curve `i`.
fn curve_style(i: usize) -> (RGBColor, Option<(i32, i32)>) {
    (
        LINE_COLOURS[i % LINE_COLOURS.len()],
        DASHES[i % DASHES.len()],
    )
}

/// A path through `points` in `colour`, solid or dashed.
fn draw_path<DB: DrawingBackend, CT: CoordTranslate>(
    area: &DrawingArea<DB, CT>,
    points: Vec<CT::From>,
    (colour, dash): (RGBColor, Option<(i32, i32)>),
) -> Drawn
where
    DB::ErrorType: 'static,
    CT::From: Clone + 'static,
{
    let style = colour.stroke_width(LINE_WIDTH);
    match dash {
        None => area.draw(&PathElement::new(points, style))?,
        Some((size, gap)) => area.draw(&DashedPathElement::new(points, size, gap, style))?,
    }
    Ok(())
}

/// Curves over days on a 0–1 axis, with the legend below.
fn draw_lines<DB: DrawingBackend>(p: &Painter<DB>, c: &LineChart) -> Drawn
where
    DB::ErrorType: 'static,
{
    let legend = curve_entries(c);
    let page = page(p, &c.title, &c.subtitle, &legend)?;
    let last = c
        .curves
        .iter()
        .flat_map(|curve| curve.points.iter().map(|&(x, _)| x))
        .fold(0.0, f64::max);
    let (top, step) = nice_axis(last);
    let x = Axis::linear(top, step);
    let y = Axis::linear(1.0, 0.1);
    let mut chart = ChartBuilder::on(&page.plot)
        .margin_left(MARGIN)
        .margin_right(MARGIN + 12)
        .margin_top(6)
        .x_label_area_size(10 + LINE + 28)
        .y_label_area_size(LEFT_AREA)
        .build_cartesian_2d(x.clone(), y.clone())?;
    draw_grid(&mut chart, true)?;
    // Solid curves first, so dashed ones stay visible where curves coincide.
    let mut order: Vec<usize> = (0..c.curves.len()).collect();
    order.sort_by_key(|&i| i % DASHES.len());
    for i in order {
        let curve = &c.curves[i];
        // Every curve runs on to the axis' end at its last value.
        let mut points = curve.points.clone();
        if let Some(&(_, p)) = points.last() {
            points.push((top, p));
        }
        draw_path(chart.plotting_area(), points, curve_style(i))?;
    }
    let frame = frame(&chart, &x.ticks);
    draw_y_labels(p, &frame, &y, c.y_desc, false)?;
    let labels = XLabels {
        text: x.ticks.iter().map(|&t| Some(vec![tick(t)])).collect(),
        lines: 1,
    };
    draw_x_labels(p, c.x_desc, &labels, &frame)?;
    draw_legend(p, &legend, &page.rows, page.legend_top)?;
    Ok(())
}

/// Shades the groups of doses above target.
fn draw_shading<DB: DrawingBackend>(chart: &DualChart<DB>, c: &BarChart, y_max: f64) -> Drawn
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
    chart: &DualChart<DB>,
    c: &BarChart,
    y_max: f64,
) -> Drawn
where
    DB::ErrorType: 'static,
{
    let area = chart.plotting_area();
    let n = c.series.len();
    for (s, series) in c.series.iter().enumerate() {
        let (fill, pattern) = series_style(c, s);
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
fn draw_overlay<DB: DrawingBackend>(
    chart: &DualChart<DB>,
    overlay: &Overlay,
    groups: usize,
) -> Drawn
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
    x_desc: &str,
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
    p.text(x_desc, DESC_SIZE, INK, top, (middle, y), false)
}

/// What a legend entry shows.
enum Swatch {
    /// A series' fill and pattern.
    Series((RGBColor, Pattern)),
    /// A curve's colour and dash.
    Curve((RGBColor, Option<(i32, i32)>)),
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
            swatch: Swatch::Series(series_style(c, i)),
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

fn curve_entries(c: &LineChart) -> Vec<Entry> {
    c.curves
        .iter()
        .enumerate()
        .map(|(i, curve)| Entry {
            swatch: Swatch::Curve(curve_style(i)),
            label: curve.label.clone(),
        })
        .collect()
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
        Swatch::Series((fill, pattern)) => {
            root.draw(&Rectangle::new([p0, p1], fill.filled()))?;
            fill_pattern(root, pattern, contrast(fill), p0, p1)?;
            root.draw(&Rectangle::new([p0, p1], INK.stroke_width(1)))?;
        }
        Swatch::Overdose => {
            root.draw(&Rectangle::new([p0, p1], SHADE.filled()))?;
            hatch(root, INK, p0, p1)?;
            root.draw(&Rectangle::new([p0, p1], INK.stroke_width(1)))?;
        }
        Swatch::Curve(style) => {
            draw_path(root, vec![(x, mid), (x + SWATCH_W, mid)], style)?;
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
