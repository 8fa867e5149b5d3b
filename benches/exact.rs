//! Time of the exact engines plus the summary, preset korn, on a smooth
//! increasing curve: the generic engine at K = 5 and 10 doses, the A+B engine
//! `exact_ab` at K = 5, 10, 20 and 30, with the summary and without.
//!
//! `cargo bench --bench exact`. The generic engine visits every distinct trial
//! state, and for the 3+3 korn their number grows about 2.2-fold per dose
//! (see `dosesim::exact`): K = 20 is past `MAX_STATES` and returns an error.
//! `exact_ab` is polynomial in K (see `dosesim::exact::exact_ab`).

use criterion::{Criterion, criterion_group, criterion_main};
use dosesim::design::{AbDesign, AbParams, Preset};
use dosesim::exact::{exact, exact_ab};
use dosesim::summary::OperatingCharacteristics;
use dosesim::tally::Tally;
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

/// One criterion group timing `work` on the korn 3+3 and the smooth curve for
/// each number of doses in `ks`.
fn korn_group<T>(
    c: &mut Criterion,
    name: &str,
    ks: &[usize],
    work: impl Fn(&AbDesign, &Truth) -> T,
) {
    let mut group = c.benchmark_group(name);
    for &k in ks {
        let truth = Truth::new("smooth", smooth_curve(k)).unwrap();
        let design = AbDesign::new(AbParams::three_plus_three(Preset::Korn), k).unwrap();
        group.bench_function(format!("k={k}"), |b| {
            b.iter(|| black_box(work(&design, &truth)))
        });
    }
    group.finish();
}

fn summarise(tally: &Tally<f64>, truth: &Truth) -> OperatingCharacteristics {
    OperatingCharacteristics::from_tally(tally, truth, 0.3, MtdRule::Highest, None)
}

fn exact_korn(c: &mut Criterion) {
    korn_group(c, "exact_korn", &[5, 10], |design, truth| {
        summarise(&exact(design, truth, 0.3).unwrap(), truth)
    });
}

fn exact_ab_korn(c: &mut Criterion) {
    korn_group(c, "exact_ab_korn", &[5, 10, 20, 30], |design, truth| {
        summarise(&exact_ab(design, truth, 0.3).unwrap(), truth)
    });
}

/// `exact_ab` alone, without the summary.
fn exact_ab_korn_engine(c: &mut Criterion) {
    korn_group(
        c,
        "exact_ab_korn_engine_only",
        &[5, 10, 20, 30],
        |design, truth| exact_ab(design, truth, 0.3).unwrap(),
    );
}

criterion_group!(benches, exact_korn, exact_ab_korn, exact_ab_korn_engine);
criterion_main!(benches);
