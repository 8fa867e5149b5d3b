//! Trials per second of the Monte Carlo engine.
//!
//! * `mc_k5/<preset>/threads=T`: the 3+3 presets on the reference case of the
//!   core-engine issue: K = 5, p = (0.05, 0.10, 0.20, 0.30, 0.45), every tally;
//! * `mc_k5/paired/3-presets/threads=T`: storer, korn and strict on the same
//!   patients with their paired sums (`simulate_designs`), as a scenario with
//!   three designs runs; one element is one trial of one design;
//! * `mc_k5/<kind>_n36/threads=1`: the interval designs, max_n = 36;
//! * `mc_k5/crm_n24/threads=1`: the CRM with dfcrm's defaults (cohorts of 3,
//!   24 patients, skeleton 0.05, 0.12, 0.25, 0.40, 0.55), along the state
//!   graph it keeps, built once before the timing as for a run's truths.
//!
//! * `mc_k5_timed/<design>/threads=1`: the Korn 3+3 and the rolling six on
//!   a clock (Skolnik et al.'s settings: Poisson arrivals every 10 days on
//!   average, a 28-day window, the lost going elsewhere), time tallies
//!   included.
//!
//! `cargo bench --bench engine`; criterion reports throughput in elements/s,
//! one element being one simulated trial.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use dosesim::design::{AnyDesign, DesignSpec, Preset, Rule};
use dosesim::engine::{McSettings, Shard, simulate, simulate_designs};
use dosesim::time::{Arrivals, DltTime, Timing, WhenSuspended};
use dosesim::truth::Truth;
use std::hint::black_box;

const TRIALS: u64 = 1 << 21;

fn pool(threads: usize) -> rayon::ThreadPool {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap()
}

fn build(spec: &DesignSpec) -> AnyDesign {
    spec.build(5).unwrap()
}

fn engine(c: &mut Criterion) {
    let truth = Truth::new("bench", vec![0.05, 0.10, 0.20, 0.30, 0.45]).unwrap();
    let settings = McSettings {
        trials: TRIALS,
        seed: 2026,
        timing: None,
    };
    let mut group = c.benchmark_group("mc_k5");
    group.throughput(Throughput::Elements(TRIALS));
    group.sample_size(20);
    let mut cases: Vec<(String, DesignSpec, usize)> = vec![
        ("korn".into(), DesignSpec::preset(Preset::Korn), 1),
        ("korn".into(), DesignSpec::preset(Preset::Korn), 2),
        ("storer".into(), DesignSpec::preset(Preset::Storer), 1),
        ("strict".into(), DesignSpec::preset(Preset::Strict), 1),
    ];
    cases.extend(
        DesignSpec::interval_examples(0.3, 36)
            .into_iter()
            .map(|spec| (format!("{}_n36", spec.kind()), spec, 1)),
    );
    let skeleton = [0.05, 0.12, 0.25, 0.40, 0.55];
    cases.push((
        "crm_n24".into(),
        DesignSpec::crm_example(0.3, &skeleton, 24),
        1,
    ));
    for (name, spec, threads) in cases {
        let design = build(&spec);
        let pool = pool(threads);
        group.bench_function(format!("{name}/threads={threads}"), |b| {
            b.iter(|| pool.install(|| black_box(simulate(&design, &truth, 0.3, settings, &|_| {}))))
        });
    }
    group.finish();

    let designs: Vec<AnyDesign> = Preset::ALL.map(|p| build(&DesignSpec::preset(p))).to_vec();
    let mut group = c.benchmark_group("mc_k5");
    group.throughput(Throughput::Elements(TRIALS * designs.len() as u64));
    group.sample_size(10);
    for threads in [1, 2] {
        let pool = pool(threads);
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

    let timing = Timing {
        arrivals: Arrivals::Poisson { mean_days: 10.0 },
        dlt_window_days: 28.0,
        dlt_time: DltTime::Uniform,
        when_suspended: WhenSuspended::Lose,
    };
    let timed = McSettings {
        timing: Some(timing),
        ..settings
    };
    let mut group = c.benchmark_group("mc_k5_timed");
    group.throughput(Throughput::Elements(TRIALS));
    group.sample_size(10);
    let rolling_six = DesignSpec {
        name: "rolling six".into(),
        rule: Rule::RollingSix { start_dose: 1 },
    };
    for (name, spec) in [
        ("korn", DesignSpec::preset(Preset::Korn)),
        ("rolling6", rolling_six),
    ] {
        let design = build(&spec);
        let pool = pool(1);
        group.bench_function(format!("{name}/threads=1"), |b| {
            b.iter(|| pool.install(|| black_box(simulate(&design, &truth, 0.3, timed, &|_| {}))))
        });
    }
    group.finish();
}

criterion_group!(benches, engine);
criterion_main!(benches);
