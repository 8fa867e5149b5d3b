use dosesim::design::{AbDesign, AbParams, Preset};
use dosesim::engine::{McSettings, simulate, simulate_ab};
use dosesim::truth::Truth;
fn main() {
    if std::env::args().nth(1).as_deref() == Some("bare") {
        bare();
        return;
    }
    let truth = Truth::new("bench", vec![0.05, 0.10, 0.20, 0.30, 0.45]).unwrap();
    let design = AbDesign::new(AbParams::three_plus_three(Preset::Korn), 5).unwrap();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap();
    let s = McSettings {
        trials: 20_000_000,
        seed: 1,
    };
    let t = std::time::Instant::now();
    let r = pool.install(|| simulate_ab(&design, &truth, 0.3, s, &|_| {}));
    eprintln!(
        "fast {:?} {:.1} M/s",
        r.total(),
        20.0 / t.elapsed().as_secs_f64()
    );
    if std::env::args().len() > 2 {
        bare();
        return;
    }
    if std::env::args().len() > 3 {
        return;
    }
    if std::env::args().len() > 1 {
        minimal();
        bare();
        return;
    }
    let t = std::time::Instant::now();
    let r = pool.install(|| simulate(&design, &truth, 0.3, s, &|_| {}));
    eprintln!(
        "generic {:?} {:.1} M/s",
        r.total(),
        20.0 / t.elapsed().as_secs_f64()
    );
}

#[allow(dead_code)]
pub fn bare() {
    use dosesim::engine::{AbFast, CohortOutcomes, TrialState};
    use dosesim::rng::Stream;
    let truth = Truth::new("bench", vec![0.05, 0.10, 0.20, 0.30, 0.45]).unwrap();
    let design = AbDesign::new(AbParams::three_plus_three(Preset::Korn), 5).unwrap();
    let fast = AbFast::new(&design, &CohortOutcomes::new(&truth.p_dlt)).unwrap();
    let stream = Stream::new(1);
    let mut st = TrialState::new(16);
    let t = std::time::Instant::now();
    let mut acc = 0usize;
    let n: u64 = if std::env::args().len() > 2 {
        1_000_000
    } else {
        20_000_000
    };
    for trial in 0..n {
        acc += fast.run(&mut st, &stream, trial).unwrap_or(9);
    }
    eprintln!("bare run {acc} {:.1} M/s", 20.0 / t.elapsed().as_secs_f64());
    let t = std::time::Instant::now();
    let mut acc = 0u64;
    for trial in 0..20_000_000u64 {
        for d in 0..5 {
            acc ^= stream.dose_uniform(trial, d);
        }
    }
    eprintln!(
        "bare hash x5 {acc} {:.1} M/s",
        20.0 / t.elapsed().as_secs_f64()
    );
}

#[allow(dead_code)]
pub fn minimal() {
    use dosesim::rng::Stream;
    let stream = Stream::new(1);
    let q: [u64; 5] =
        [0.857, 0.729, 0.512, 0.343, 0.166].map(|f: f64| (f * (1u64 << 53) as f64) as u64);
    let t = std::time::Instant::now();
    let mut hist = [0u64; 6];
    for trial in 0..20_000_000u64 {
        let mut d = 0;
        while d < 5 && stream.dose_uniform(trial, d) < q[d] {
            d += 1;
        }
        hist[d] += 1;
    }
    eprintln!(
        "minimal climb {hist:?} {:.1} M/s",
        20.0 / t.elapsed().as_secs_f64()
    );
}
