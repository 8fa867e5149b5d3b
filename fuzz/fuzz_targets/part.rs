//! Any bytes as a part file: read, and merged alone, without a panic.
#![no_main]

use dosesim::shard::{Part, merge};
use libfuzzer_sys::fuzz_target;
use std::path::PathBuf;

fuzz_target!(|data: &[u8]| {
    if let Ok(part) = serde_json::from_slice::<Part>(data) {
        let _ = merge(vec![(PathBuf::from("part.json"), part)]);
    }
});
