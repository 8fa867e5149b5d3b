//! Trials per second of the Monte Carlo engine: the reference case
//! (K = 5, p = 0.05 … 0.45, preset korn, every tally) on 1 and 2 threads, and
//! the other presets on 1 thread.
//!
//! `cargo bench --bench engine`; criterion reports throughput in elements/s,
//! where an element is one simulated trial.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use dosesim::design::{AbDesign, AbParams, Preset};
use dosesim::engine::{McSettings, simulate_ab};
use dosesim::truth::Truth;
use std::hint::black_box;

const TRIALS: u64 = 1 << 21;

fn engine(c: &mut Criterion) {
    let truth = Truth::new("bench", vec![0.05, 0.10, 0.20, 0.30, 0.45]).unwrap();
    let mut group = c.benchmark_group("mc_k5");
    group.throughput(Throughput::Elements(TRIALS));
    group.sample_size(20);
    let cases = [
        (Preset::Korn, 1),
        (Preset::Korn, 2),
        (Preset::Storer, 1),
        (Preset::Strict, 1),
    ];
    for (preset, threads) in cases {
        let design = AbDesign::new(AbParams::three_plus_three(preset), 5).unwrap();
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        group.bench_function(format!("{preset}/threads={threads}"), |b| {
            b.iter(|| {
                pool.install(|| {
                    black_box(simulate_ab(
                        &design,
                        &truth,
                        0.3,
                        McSettings {
                            trials: TRIALS,
                            seed: 2026,
                        },
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
