//! The charts' axes: linear ranges with ticks where we say, round steps for
//! values and one slot per group for categories.

use plotters::coord::ranged1d::{DefaultFormatting, KeyPointHint};
use plotters::prelude::*;

/// An axis from 0 to at least `v` in at most 8 steps of 1, 2, 2.5 or 5 × 10^k:
/// (top, step). (1, 0.2) for v ≤ 0.
pub(super) fn nice_axis(v: f64) -> (f64, f64) {
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
pub(super) fn tick(v: f64) -> String {
    let s = format!("{v:.3}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" { "0".into() } else { s.to_string() }
}

/// A linear axis with ticks where we say: groups centred on 0, 1, …, n − 1
/// for x, round steps for y.
#[derive(Clone)]
pub(super) struct Axis {
    pub(super) lo: f64,
    pub(super) hi: f64,
    pub(super) ticks: Vec<f64>,
}

impl Axis {
    pub(super) fn categories(n: usize) -> Axis {
        Axis {
            lo: -0.5,
            hi: n.max(1) as f64 - 0.5,
            ticks: (0..n).map(|i| i as f64).collect(),
        }
    }

    pub(super) fn linear(top: f64, step: f64) -> Axis {
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
