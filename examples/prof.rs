//! Throughput probe for profiling (not a benchmark: see benches/engine.rs).
//! `prof [DESIGN] [N]` simulates N trials of DESIGN (a 3+3 preset, or boin,
//! mtpi2, i3+3 with max_n 36, or rolling6) with every tally on one thread;
//! `PROF_TIMED=1` runs it on Skolnik et al.'s clock (the rolling six always).
use dosesim::design::{DesignSpec, Preset, Rule};
use dosesim::engine::{McSettings, simulate};
use dosesim::time::{Arrivals, DltTime, Timing, WhenSuspended};
use dosesim::truth::Truth;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let name = args.get(1).map_or("korn", String::as_str);
    let n: u64 = args
        .get(2)
        .and_then(|s| s.parse().ok())
        .unwrap_or(20_000_000);
    let truth = Truth::new("bench", vec![0.05, 0.10, 0.20, 0.30, 0.45]).unwrap();
    let spec = match name.parse::<Preset>() {
        Ok(preset) => DesignSpec::preset(preset),
        Err(_) if name == "rolling6" => DesignSpec {
            name: name.into(),
            rule: Rule::RollingSix { start_dose: 1 },
        },
        Err(_) => DesignSpec::interval_examples(0.3, 36)
            .into_iter()
            .find(|s| s.kind() == name)
            .expect("a 3+3 preset, boin, mtpi2 or i3+3"),
    };
    let design = spec.build(5).expect("a design for 5 doses");
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap();
    let t = std::time::Instant::now();
    let timed = name == "rolling6" || std::env::var_os("PROF_TIMED").is_some();
    let timing = timed.then_some(Timing {
        arrivals: if std::env::var_os("PROF_FIXED").is_some() {
            Arrivals::Fixed { mean_days: 10.0 }
        } else {
            Arrivals::Poisson { mean_days: 10.0 }
        },
        dlt_window_days: 28.0,
        dlt_time: DltTime::Uniform,
        when_suspended: WhenSuspended::Lose,
    });
    let settings = McSettings {
        trials: n,
        seed: 1,
        timing,
    };
    let tally = pool
        .install(|| simulate(&design, &truth, 0.3, settings, &|_| {}))
        .expect("a valid design");
    eprintln!(
        "{name}: {} trials, {:.1} M trials/s",
        tally.total(),
        n as f64 / 1e6 / t.elapsed().as_secs_f64()
    );
}
