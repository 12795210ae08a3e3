//! gatelab: learn to protect APIs on Amazon API Gateway by breaking and fixing
//! a faithful simulation of it.
//!
//! The library holds everything but the terminal: the simulated gateway
//! ([`gateway`]), the diagnostics used by every loader ([`diag`]).

pub mod diag;
pub mod gateway;
