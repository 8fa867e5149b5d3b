use dosesim::design::{AbDesign, AbParams, Preset};
use dosesim::engine::simulate;
use dosesim::truth::Truth;
fn main() {
    let truth = Truth::new("bench", vec![0.05, 0.10, 0.20, 0.30, 0.45]).unwrap();
    let design = AbDesign::new(AbParams::three_plus_three(Preset::Korn), 5).unwrap();
    let pool = rayon::ThreadPoolBuilder::new().num_threads(1).build().unwrap();
    let t = std::time::Instant::now();
    let r = pool.install(|| simulate(&design, &truth, 0.3, 20_000_000, 1, &|_| {}));
    eprintln!("{:?} {:.1} M/s", r.total(), 20.0 / t.elapsed().as_secs_f64());
}
