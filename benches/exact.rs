//! Time of the exact engine plus the summary, preset korn, on a smooth
//! increasing curve of K = 5, 10 and 15 doses.
//!
//! `cargo bench --bench exact`. The exact engine visits every distinct trial
//! state, and for the 3+3 korn their number grows about 2.2-fold per dose
//! (see `dosesim::exact`): K = 20 is past `MAX_STATES` and returns an error,
//! so 15 is the largest size timed here.

use criterion::{Criterion, criterion_group, criterion_main};
use dosesim::design::{AbDesign, AbParams, Preset};
use dosesim::exact::exact;
use dosesim::summary::OperatingCharacteristics;
use dosesim::truth::{MtdRule, Truth};
use std::hint::black_box;

/// A logistic curve through p = 0.05 at the first dose and 0.6 at the last.
fn smooth_curve(k: usize) -> Vec<f64> {
    let logit = |p: f64| (p / (1.0 - p)).ln();
    let (lo, hi) = (logit(0.05), logit(0.6));
    (0..k)
        .map(|d| {
            let t = if k == 1 {
                0.0
            } else {
                d as f64 / (k - 1) as f64
            };
            1.0 / (1.0 + (-(lo + t * (hi - lo))).exp())
        })
        .collect()
}

fn exact_korn(c: &mut Criterion) {
    let mut group = c.benchmark_group("exact_korn");
    for k in [5, 10, 15] {
        let truth = Truth::new("smooth", smooth_curve(k)).unwrap();
        let design = AbDesign::new(AbParams::three_plus_three(Preset::Korn), k).unwrap();
        if k >= 15 {
            group.sample_size(10);
        }
        group.bench_function(format!("k={k}"), |b| {
            b.iter(|| {
                let tally = exact(&design, &truth, 0.3).unwrap();
                black_box(OperatingCharacteristics::from_tally(
                    &tally,
                    &truth,
                    0.3,
                    MtdRule::Highest,
                    None,
                ))
            })
        });
    }
    group.finish();
}

criterion_group!(benches, exact_korn);
criterion_main!(benches);
