//! Time of the exact engines plus the summary, preset korn, on a smooth
//! increasing curve: the generic engine at K = 5 and 10 doses, the A+B engine
//! `exact_ab` at K = 5, 10, 20 and 30, with the summary and without.
//!
//! `cargo bench --bench exact`. The generic engine visits every distinct trial
//! state, and for the 3+3 korn their number grows about 2.2-fold per dose
//! (see `dosesim::exact`): K = 20 is past `MAX_STATES` and returns an error.
//! `exact_ab` is polynomial in K (see `dosesim::exact::exact_ab`).
//!
//! `exact_crm/<model>_c<cohort>_n24`: the CRM (dfcrm's defaults, skeleton
//! 0.05, 0.12, 0.25, 0.40, 0.55, K = 5) from nothing: its state graph built,
//! one posterior quadrature per state, and one truth swept through it and
//! summarised. A further truth costs only the sweep (`exact_crm/sweep_c3_n24`).

use criterion::{Criterion, criterion_group, criterion_main};
use dosesim::design::crm::Model;
use dosesim::design::{AbDesign, AbParams, AnyDesign, Design, DesignSpec, Preset, Rule};
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

/// The CRM of the module's documentation, with this model and cohort size.
fn crm(model: Model, cohort: u32) -> AnyDesign {
    let mut spec = DesignSpec::crm_example(0.3, &[0.05, 0.12, 0.25, 0.40, 0.55], 24);
    if let Rule::Crm(p) = &mut spec.rule {
        (p.model, p.cohort_size) = (model, cohort);
    }
    spec.build(5).unwrap()
}

fn exact_crm(c: &mut Criterion) {
    let truth = Truth::new("smooth", smooth_curve(5)).unwrap();
    let mut group = c.benchmark_group("exact_crm");
    group.sample_size(10);
    for (model, cohort) in [
        (Model::Empiric, 3),
        (Model::Logistic, 3),
        (Model::Empiric, 1),
    ] {
        let name = format!("{}_c{cohort}_n24", model.name());
        group.bench_function(name, |b| {
            b.iter(|| {
                let design = crm(model, cohort);
                summarise(&design.exact(&truth, 0.3).unwrap(), &truth)
            })
        });
    }
    let design = crm(Model::Empiric, 3);
    let states = design.state_graph().flatten().map_or(0, |g| g.len());
    println!("exact_crm: empiric cohort 3, n 24: {states} states");
    group.bench_function("sweep_c3_n24", |b| {
        b.iter(|| summarise(&design.exact(&truth, 0.3).unwrap(), &truth))
    });
    group.finish();
}

criterion_group!(
    benches,
    exact_korn,
    exact_ab_korn,
    exact_ab_korn_engine,
    exact_crm
);
criterion_main!(benches);
