//! dosesim — operating characteristics of Phase I dose-escalation designs.
pub mod design;
pub mod engine;
pub mod rng;
pub mod summary;
pub mod tally;
pub mod truth;
