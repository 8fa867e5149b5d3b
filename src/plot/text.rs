//! Text: the bundled font, its horizontal metrics read from the TTF, and the
//! `Painter` that measures and draws text (bitmap text a glyph at a time).

use super::draw::{Drawn, INK};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos};
use std::sync::OnceLock;

/// DejaVu Sans 2.37 (Bitstream Vera licence, see assets/fonts/LICENSE-DejaVu.txt).
const FONT: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");

/// Registers the bundled font once; every later call sees the first outcome.
pub(super) fn ensure_font() -> Result<(), String> {
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

/// Horizontal metrics of the bundled font, read from its `hhea`, `hmtx` and
/// `cmap` tables.
///
/// plotters 0.3.7's `ab_glyph` renderer starts each glyph at the left edge of
/// its ink, dropping the side bearing, so bitmap text comes out unevenly
/// spaced ("3+ 3", "whi skers"). Bitmap text is therefore drawn a glyph at a
/// time, each at its pen position plus its bearing, as the font states them.
pub(super) struct Metrics {
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
    pub(super) fn get() -> Option<&'static Metrics> {
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
    pub(super) fn layout(&self, s: &str, size: f64) -> (Vec<(char, f64, f64)>, f64) {
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
pub(super) struct Painter<'a, DB: DrawingBackend> {
    pub(super) root: &'a DrawingArea<DB, Shift>,
    pub(super) bitmap: bool,
}

impl<DB: DrawingBackend> Painter<'_, DB>
where
    DB::ErrorType: 'static,
{
    fn style(size: f64) -> TextStyle<'static> {
        TextStyle::from((FontFamily::SansSerif, size).into_font()).color(&INK)
    }

    /// Width of `s` in pixels.
    pub(super) fn width(&self, s: &str, size: f64) -> Drawn<i32> {
        Ok(match Metrics::get() {
            Some(m) => m.layout(s, size).1.ceil() as i32,
            None => self.root.estimate_text_size(s, &Self::style(size))?.0 as i32,
        })
    }

    /// `s`, cut with an ellipsis to at most `max` pixels.
    pub(super) fn fit(&self, s: &str, size: f64, max: i32) -> Drawn<String> {
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
    pub(super) fn text(
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn font_metrics_are_read_from_the_bundled_font() {
        // DejaVu Sans: 'M' advances 1767 units, '.' has bearing 219 (hmtx).
        let m = Metrics::get().expect("bundled font parses");
        assert_eq!(m.h_metrics(m.glyph('M')).0, 1767.0);
        assert_eq!(m.h_metrics(m.glyph('.')).1, 219.0);
        assert_eq!(m.glyph('\u{10000}'), 0);
    }
}
