//! The random times of one run: arrival gaps and DLT times, each a fixed
//! function of its position in the run's stream (see [`crate::rng`]).
//!
//! * The gap before the c-th person to come to trial i is at position (i, c)
//!   of the arrivals stream, drawn by `rand_distr` (the exponential by its
//!   ziggurat, the uniform by `rand`'s `Uniform`) from a generator that
//!   starts there. The same people come at the same times to every design's
//!   trial; with `when_suspended = "wait"` every one of them is enrolled, so
//!   patient j of trial i has the same arrival under every design.
//! * The DLT time of patient j (the j-th enrolled) is slot `4j + 1`, next to
//!   the tolerance at `4j`: a patient has the same DLT time under every
//!   design, whatever dose gave the DLT. It is an inverse CDF of that one
//!   uniform (the Weibull conditioned on the window has no `rand_distr`
//!   form, and one uniform per patient keeps the positions one-to-one).
//!
//! `rand_distr` is pinned to one version in `Cargo.toml`, and
//! `pinned_values` below fails if a release changes its values: every timed
//! result would change with them.

use super::{Arrivals, DltTime, Timing};
use crate::rng::Stream;
use rand_distr::{Distribution, Exp, Uniform};

/// Bits of the trial index in an arrival's position; the arrival index has
/// the other 24.
const ARRIVAL_BITS: u32 = 24;

#[derive(Debug, Clone, Copy)]
enum Gap {
    Exp(Exp<f64>),
    Fixed(f64),
    Uniform(Uniform<f64>),
}

/// When in the window a DLT falls, ready to draw.
#[derive(Debug, Clone, Copy)]
enum DltFraction {
    Uniform,
    /// The Weibull's 1/shape, computed once: a division hoisted into the
    /// hot loop from an enum payload the uniform case leaves unset cost a
    /// microcode assist per cohort.
    Weibull {
        inv_shape: f64,
    },
}

/// Arrival gaps and DLT times of one run.
#[derive(Debug, Clone, Copy)]
pub struct Draws {
    stream: Stream,
    arrivals: Stream,
    gap: Gap,
    window: f64,
    dlt_time: DltFraction,
}

impl Draws {
    /// The draws of the run whose random numbers are `stream`, under
    /// `timing`, which must be valid ([`Timing::problem`] is `None`).
    pub fn new(timing: &Timing, stream: Stream) -> Self {
        let gap = match timing.arrivals {
            Arrivals::Poisson { mean_days } => {
                Exp::new(1.0 / mean_days).map_or(Gap::Fixed(mean_days), Gap::Exp)
            }
            Arrivals::Fixed { mean_days } => Gap::Fixed(mean_days),
            Arrivals::Uniform { min_days, max_days } => Uniform::new_inclusive(min_days, max_days)
                .map_or(Gap::Fixed(min_days), Gap::Uniform),
        };
        Draws {
            stream,
            arrivals: stream.arrivals(),
            gap,
            window: timing.dlt_window_days,
            dlt_time: match timing.dlt_time {
                DltTime::Uniform => DltFraction::Uniform,
                DltTime::Weibull { shape } => DltFraction::Weibull {
                    inv_shape: 1.0 / shape,
                },
            },
        }
    }

    /// The DLT window, in days.
    #[inline(always)]
    pub fn window(&self) -> f64 {
        self.window
    }

    /// Days between the arrivals of persons `arrival − 1` and `arrival` of
    /// trial `trial` (the first person, arrival 0, opens the trial at day 0).
    #[inline(always)]
    pub fn gap(&self, trial: u64, arrival: u32) -> f64 {
        let position = trial << ARRIVAL_BITS | u64::from(arrival) & ((1 << ARRIVAL_BITS) - 1);
        match &self.gap {
            Gap::Fixed(days) => *days,
            Gap::Exp(exp) => exp.sample(&mut self.arrivals.rng_at(position)),
            Gap::Uniform(uniform) => uniform.sample(&mut self.arrivals.rng_at(position)),
        }
    }

    /// Days from the start of treatment of patient `patient` of trial
    /// `trial` to its DLT, should it have one: in (0, window).
    #[inline]
    pub fn dlt_day(&self, trial: u64, patient: u32) -> f64 {
        // 53 bits, centred in their cell: strictly inside (0, 1).
        let u = ((self.stream.patient_slot(trial, patient, 1) >> 11) as f64 + 0.5)
            * (1.0 / (1u64 << 53) as f64);
        let fraction = match self.dlt_time {
            DltFraction::Uniform => u,
            // F(x) = (1 − e^(−x^k)) / (1 − e^(−1)) on [0, 1], inverted.
            DltFraction::Weibull { inv_shape } => {
                let mass = -(-1.0f64).exp_m1();
                (-(-u * mass).ln_1p()).powf(inv_shape)
            }
        };
        self.window * fraction
    }
}

#[cfg(test)]
mod tests {
    use super::super::{DltTime, Timing, WhenSuspended};
    use super::*;

    fn timing(arrivals: Arrivals, dlt_time: DltTime) -> Timing {
        Timing {
            arrivals,
            dlt_window_days: 28.0,
            dlt_time,
            when_suspended: WhenSuspended::Lose,
        }
    }

    /// Value stability: `rand_distr`'s exponential and `rand`'s uniform on
    /// our positions. A change here changes every timed result.
    #[test]
    fn pinned_values() {
        let stream = Stream::new(2026);
        let poisson = Draws::new(
            &timing(Arrivals::Poisson { mean_days: 10.0 }, DltTime::Uniform),
            stream,
        );
        let uniform = Draws::new(
            &timing(
                Arrivals::Uniform {
                    min_days: 5.0,
                    max_days: 15.0,
                },
                DltTime::Weibull { shape: 2.0 },
            ),
            stream,
        );
        let got: Vec<String> = (1..4)
            .flat_map(|c| {
                [
                    poisson.gap(7, c),
                    uniform.gap(7, c),
                    poisson.dlt_day(7, c),
                    uniform.dlt_day(7, c),
                ]
            })
            .map(|v| format!("{v:.12}"))
            .collect();
        assert_eq!(got, PINNED, "{got:?}");
    }
    const PINNED: [&str; 12] = [
        "3.003771342080",
        "6.302314527088",
        "8.759305385092",
        "13.143075778513",
        "4.633080903413",
        "12.782915758290",
        "7.246388277570",
        "11.834410834067",
        "13.168113570977",
        "10.499800993710",
        "21.648196329667",
        "22.933445677157",
    ];

    /// Mean and spread of many draws against the distributions': a draw
    /// that is not what its name says fails here.
    #[test]
    fn draws_follow_their_distributions() {
        let stream = Stream::new(11);
        let n = 200_000u32;
        let moments = |f: &dyn Fn(u32) -> f64| {
            let (mut s, mut q) = (0.0, 0.0);
            for i in 0..n {
                let v = f(i);
                s += v;
                q += v * v;
            }
            let mean = s / f64::from(n);
            (mean, q / f64::from(n) - mean * mean)
        };
        let poisson = Draws::new(
            &timing(Arrivals::Poisson { mean_days: 10.0 }, DltTime::Uniform),
            stream,
        );
        let (mean, var) = moments(&|i| poisson.gap(u64::from(i), 1 + i % 7));
        // Exponential: mean 10, variance 100; SE of the mean 10/√n.
        assert!(
            (mean - 10.0).abs() < 5.0 * 10.0 / f64::from(n).sqrt(),
            "{mean}"
        );
        assert!((var - 100.0).abs() < 5.0, "{var}");
        let (mean, var) = moments(&|i| poisson.dlt_day(u64::from(i), i % 200));
        assert!((mean - 14.0).abs() < 0.1, "{mean}");
        assert!((var - 28.0 * 28.0 / 12.0).abs() < 1.0, "{var}");
        let weibull = Draws::new(
            &timing(
                Arrivals::Fixed { mean_days: 3.0 },
                DltTime::Weibull { shape: 1.0 },
            ),
            stream,
        );
        assert_eq!(weibull.gap(5, 9), 3.0);
        // Shape 1: an exponential of mean 28 truncated at 28, whose mean is
        // 28 (1 − 2/e) / (1 − 1/e).
        let e = std::f64::consts::E;
        let want = 28.0 * (1.0 - 2.0 / e) / (1.0 - 1.0 / e);
        let (mean, _) = moments(&|i| weibull.dlt_day(u64::from(i), 3));
        assert!((mean - want).abs() < 0.1, "{mean} against {want}");
        for i in 0..1000 {
            let d = weibull.dlt_day(i, 0);
            assert!(d > 0.0 && d < 28.0);
        }
    }
}
