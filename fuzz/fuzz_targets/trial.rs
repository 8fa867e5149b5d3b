//! The trial loop on any design the scenario format can express, any truth
//! and any random stream: a scenario is written from the input's bytes and
//! simulated, on a clock half the time (any arrival process, DLT time and
//! suspension rule; the rolling six needs one); no panic, and no decision
//! outside the design's bounds (the checked loop would report one as a
//! `RunError::Simulation`).
#![no_main]

use dosesim::run::{MethodChoice, RunError, ScenarioRun};
use dosesim::scenario::Scenario;
use libfuzzer_sys::fuzz_target;
use std::path::Path;

/// The scenario text the bytes `b` describe.
fn scenario_text(b: &[u8]) -> String {
    let at = |i: usize| b[i % b.len()];
    let unit = |i: usize| f64::from(at(i)) / 255.0;
    let k = 1 + usize::from(at(0) % 6);
    let p: Vec<String> = (0..k).map(|d| unit(1 + d).to_string()).collect();
    let target = 0.05 + 0.9 * unit(7);
    let cohort = 1 + u32::from(at(9) % 3);
    let max_n = cohort * (1 + u32::from(at(10) % 8));
    let start = 1 + usize::from(at(11)) % k;
    let design = match at(8) % 8 {
        0 => format!(
            "preset = \"{}\"\nstart_dose = {start}",
            ["storer", "korn", "strict"][usize::from(at(12) % 3)]
        ),
        1 => format!(
            "kind = \"A+B\"\na = {}\nb = {}\nc = {}\nd = {}\ne = {}\ndeescalation = {}",
            1 + at(12) % 4,
            1 + at(13) % 4,
            at(14) % 5,
            at(15) % 5,
            at(16) % 9,
            at(17) % 2 == 0
        ),
        kind @ 2..=4 => format!(
            "kind = \"{}\"\nmax_n = {max_n}\ncohort_size = {cohort}\nstart_dose = {start}\n\
             stop_n_at_dose = {}\nelimination = {}",
            ["boin", "mtpi2", "i3+3"][usize::from(kind - 2)],
            1 + at(12) % 12,
            0.5 + 0.49 * unit(13)
        ),
        5 => {
            let mut s = 0.0;
            let skeleton: Vec<String> = (0..k)
                .map(|d| {
                    s += (0.9 - s) * (0.05 + 0.5 * unit(12 + d));
                    s.to_string()
                })
                .collect();
            format!(
                "kind = \"crm\"\nmax_n = {max_n}\ncohort_size = {cohort}\nstart_dose = {start}\n\
                 skeleton = [{}]\nmodel = \"{}\"\nrestrict = {}\nprior_sd = {}\n{}",
                skeleton.join(", "),
                if at(18) % 2 == 0 {
                    "empiric"
                } else {
                    "logistic"
                },
                at(19) % 2 == 0,
                0.05 + 3.0 * unit(20),
                if at(21) % 2 == 0 {
                    format!(
                        "stop_if_p1_above = {{ cutoff = {} }}",
                        0.5 + 0.49 * unit(22)
                    )
                } else {
                    String::new()
                }
            )
        }
        6 => format!("kind = \"benchmark\"\nmax_n = {}", 1 + at(12) % 40),
        _ => format!("kind = \"rolling6\"\nstart_dose = {start}"),
    };
    let timing = if at(25) % 2 == 0 {
        let arrivals = match at(26) % 3 {
            0 => format!(
                "{{ process = \"poisson\", mean_days = {} }}",
                0.5 + 30.0 * unit(27)
            ),
            1 => format!(
                "{{ process = \"fixed\", mean_days = {} }}",
                0.5 + 30.0 * unit(27)
            ),
            _ => format!(
                "{{ process = \"uniform\", min_days = {}, max_days = {} }}",
                10.0 * unit(27),
                10.0 + 20.0 * unit(28)
            ),
        };
        let dlt_time = if at(29) % 2 == 0 {
            "\"uniform\"".to_string()
        } else {
            format!("{{ weibull = {{ shape = {} }} }}", 0.2 + 5.0 * unit(30))
        };
        format!(
            "[timing]\narrivals = {arrivals}\ndlt_window_days = {}\ndlt_time = {dlt_time}\n\
             when_suspended = \"{}\"\n",
            1.0 + 60.0 * unit(31),
            if at(32) % 2 == 0 { "lose" } else { "wait" }
        )
    } else {
        String::new()
    };
    let seed = u64::from(at(23)) << 8 | u64::from(at(24));
    format!(
        "target = {target}\n[[truth]]\np_dlt = [{}]\n[[design]]\n{design}\n\
         {timing}[simulation]\ntrials = 64\nseed = {seed}\n",
        p.join(", ")
    )
}

fuzz_target!(|data: &[u8]| {
    if data.is_empty() {
        return;
    }
    let text = scenario_text(data);
    let Ok(scenario) = Scenario::parse(&text, Path::new("fuzz.toml")) else {
        return;
    };
    if let Err(e @ RunError::Simulation { .. }) =
        ScenarioRun::evaluate(scenario, MethodChoice::Mc, &|_| {})
    {
        panic!("{text}\na decision outside the design's bounds: {e:?}");
    }
});
