//! Any bytes as a results.json, as `dosesim check` reads it: no panic, and
//! a recorded job that reads back rebuilds its scenarios without one.
#![no_main]

use dosesim::check::Recorded;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(recorded) = serde_json::from_slice::<Recorded>(data) {
        let _ = recorded.job.scenarios();
    }
});
