//! Throughput probe for the fast path (not a benchmark: see benches/engine.rs).
//! `prof run N` times N trials without tallies; `prof mc N` times
//! `simulate_ab` with every tally on one thread.
use dosesim::design::{AbDesign, AbParams, Preset};
use dosesim::engine::{AbFast, CohortOutcomes, McSettings, TrialState, simulate_ab};
use dosesim::rng::Stream;
use dosesim::truth::Truth;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let n: u64 = args
        .get(2)
        .and_then(|s| s.parse().ok())
        .unwrap_or(20_000_000);
    let truth = Truth::new("bench", vec![0.05, 0.10, 0.20, 0.30, 0.45]).unwrap();
    let design = AbDesign::new(AbParams::three_plus_three(Preset::Korn), 5).unwrap();
    let t = std::time::Instant::now();
    if args.get(1).map(String::as_str) == Some("run") {
        let fast = AbFast::new(&design, &CohortOutcomes::new(&truth.p_dlt)).unwrap();
        let stream = Stream::new(1);
        let mut state = TrialState::new(truth.overdose_mask(0.3));
        let mut acc = 0usize;
        for trial in 0..n {
            acc += fast.run(&mut state, &stream, trial).unwrap_or(9);
        }
        eprintln!("run {acc}");
    } else {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .unwrap();
        let r = pool.install(|| {
            simulate_ab(
                &design,
                &truth,
                0.3,
                McSettings { trials: n, seed: 1 },
                &|_| {},
            )
        });
        eprintln!("mc {:?}", r.total());
    }
    eprintln!(
        "{:.1} M trials/s",
        n as f64 / 1e6 / t.elapsed().as_secs_f64()
    );
}
