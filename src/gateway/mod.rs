//! The simulated Amazon API Gateway (REST API). Pure and deterministic: no
//! terminal, no file system, no wall clock, no unseeded randomness.

pub mod outcome;
pub mod request;
pub mod time;
