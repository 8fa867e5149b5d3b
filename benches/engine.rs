//! Trials per second of the Monte Carlo engine on the reference case of the
//! core-engine issue: K = 5, p = (0.05, 0.10, 0.20, 0.30, 0.45), every tally.
//!
//! * `fast/<preset>/threads=T`: the A+B visit-at-a-time path (`simulate_ab`);
//! * `generic/korn/threads=1`: the cohort-by-cohort path through
//!   `Design::decide` that any other design would take (`simulate`);
//! * `paired/3-presets/threads=T`: storer, korn and strict on the same
//!   patients with their paired sums (`simulate_designs`), as a scenario with
//!   three designs runs; one element is one trial of one design.
//!
//! `cargo bench --bench engine`; criterion reports throughput in elements/s,
//! one element being one simulated trial.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use dosesim::design::{AbDesign, AbParams, Preset};
use dosesim::engine::{McSettings, Shard, simulate, simulate_ab, simulate_designs};
use dosesim::truth::Truth;
use std::hint::black_box;

const TRIALS: u64 = 1 << 21;

fn engine(c: &mut Criterion) {
    let truth = Truth::new("bench", vec![0.05, 0.10, 0.20, 0.30, 0.45]).unwrap();
    let settings = McSettings {
        trials: TRIALS,
        seed: 2026,
    };
    let mut group = c.benchmark_group("mc_k5");
    group.throughput(Throughput::Elements(TRIALS));
    group.sample_size(20);
    let fast = [
        (Preset::Korn, 1),
        (Preset::Korn, 2),
        (Preset::Storer, 1),
        (Preset::Strict, 1),
    ];
    for (preset, threads) in fast {
        let design = AbDesign::new(AbParams::three_plus_three(preset), 5).unwrap();
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        group.bench_function(format!("fast/{preset}/threads={threads}"), |b| {
            b.iter(|| {
                pool.install(|| black_box(simulate_ab(&design, &truth, 0.3, settings, &|_| {})))
            })
        });
    }
    let design = AbDesign::new(AbParams::three_plus_three(Preset::Korn), 5).unwrap();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap();
    group.bench_function("generic/korn/threads=1", |b| {
        b.iter(|| pool.install(|| black_box(simulate(&design, &truth, 0.3, settings, &|_| {}))))
    });
    group.finish();

    let designs: Vec<AbDesign> = Preset::ALL
        .iter()
        .map(|&p| AbDesign::new(AbParams::three_plus_three(p), 5).unwrap())
        .collect();
    let mut group = c.benchmark_group("mc_k5");
    group.throughput(Throughput::Elements(TRIALS * designs.len() as u64));
    group.sample_size(10);
    for threads in [1, 2] {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        let true_mtd = Some(3);
        group.bench_function(format!("paired/3-presets/threads={threads}"), |b| {
            b.iter(|| {
                pool.install(|| {
                    black_box(simulate_designs(
                        &designs,
                        &truth,
                        0.3,
                        true_mtd,
                        settings,
                        Shard::WHOLE.batches(0, 1, TRIALS),
                        &|_| {},
                    ))
                })
            })
        });
    }
    group.finish();
}

criterion_group!(benches, engine);
criterion_main!(benches);
