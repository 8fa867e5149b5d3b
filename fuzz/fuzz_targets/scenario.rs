//! Any text as a scenario file: parsed and validated, and its designs built,
//! without a panic.
#![no_main]

use dosesim::run::build_designs;
use dosesim::scenario::Scenario;
use libfuzzer_sys::fuzz_target;
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Ok(scenario) = Scenario::parse(&text, Path::new("fuzz.toml")) {
        let _ = build_designs(&scenario);
    }
});
