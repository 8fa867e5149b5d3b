//! dosesim — operating characteristics of Phase I dose-escalation designs.
pub mod check;
pub mod compare;
pub mod design;
pub mod engine;
pub mod exact;
pub mod grid;
pub mod html;
pub mod job;
pub mod plot;
pub mod report;
pub mod rng;
pub mod run;
pub mod scenario;
pub mod shard;
pub mod summary;
pub mod tally;
pub mod truth;
